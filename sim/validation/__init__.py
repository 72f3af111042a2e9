"""Pattern-oriented validation: checks that the simulator reproduces patterns observed in real
communities (Bass diffusion, participation inequality, the newcomer first-reply effect, cohort
retention, referral cascades, self-sustaining vs marketing-dependent growth, reactivation, referred
members' churn, invitation timing, the meaning of the lifecycle stages).

Each check is a function `check_*(size, preset) -> PatternResult` (or `check_*(size)` for the checks
with a setting of their own) stating the pattern, its source, the simulated measurement, the
tolerance and the seeds; `sim.validation.presets` declares which preset each pattern applies to, and
`sim.validation.suite` runs them and writes the report (`community-sim-validate`).
"""
