"""Member mechanics, one module per concern, each owning its whole formula.

A mechanic module names the config keys it reads (`PARAMETERS`), declares the columns it adds to
the daily time series (`METRICS`, collected by sim/metrics.py) and holds the formulas as functions
of arrays: they take today's state, the member table's columns and the day's random numbers
(per-person draws from the mechanic's own named stream, sim/rng.py) and return what happened. They
never write to the model: `CommunityModel.step()` applies what they return. They use the array
module of their inputs (numpy or cupy).

Where to look for a member's
- visit chance: `visits.visit_chance`;
- churn hazard: `churn.leave_hazard`;
- join chance: `acquisition.join_chance` (campaign, organic, and an invited friend's acceptance).
"""
