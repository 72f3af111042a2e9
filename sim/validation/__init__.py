"""Pattern-oriented validation: checks that the simulator reproduces patterns observed in real
communities (Bass diffusion, participation inequality, the newcomer first-reply effect, cohort
retention, referral cascades, self-sustaining vs marketing-dependent growth).

Each check is a function `check_*(size) -> PatternResult` stating the pattern, its source, the
simulated measurement, the tolerance and the seeds; `sim.validation.suite` runs them all and
writes the report (`community-sim-validate`).
"""
