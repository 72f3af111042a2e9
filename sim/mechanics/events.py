"""Events (活动): who attends, the lift in visits afterwards, and ties formed at offline meet-ups.

Members who are interested (chance = engagement) sign up; if more sign up than the event holds,
a random subset attends. Attendees visit more for a few days, earn points, and at offline events
meet other attendees, forming new ties (the social graph densifies).
"""

from __future__ import annotations

import numpy as np

from sim.backend import to_host, xp_of
from sim.state import Metric

PARAMETERS = ("policy.events.capacity", "policy.events.ties_per_attendee", "policy.events.lift_days",
              "policy.events.cost_per_event", "capacity.attendees_per_event_planner_event")

METRICS = (
    Metric("events", "events/day", "events held today", lambda s: s.tally.events),
    Metric("event_attendees", "people/day", "event attendance today", lambda s: s.tally.event_attendees),
)


def attendees(member_rows, engagement, capacity: int, draws):
    """Rows of today's attendees: members who sign up (chance = engagement; `engagement` is over
    `member_rows`), a random `capacity` of them if too many (draws: the day's RowDraws)."""
    xp = xp_of(member_rows)
    signed_up = member_rows[draws.uniform(member_rows, 0) < engagement]
    if len(signed_up) > capacity:
        signed_up = signed_up[xp.argsort(draws.uniform(signed_up, 1), kind="stable")[:capacity]]
    return signed_up


def meet_ups(rows, ties_per_attendee: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Random pairs of attendees who become friends (about ties_per_attendee each; host arrays)."""
    rows = to_host(rows)
    n_pairs = int(rng.poisson(ties_per_attendee * len(rows) / 2)) if len(rows) > 1 else 0
    return rng.choice(rows, n_pairs), rng.choice(rows, n_pairs)
