"""Cohort measures over the member table: retention of those who joined in a window.

Used by tests, validation and reports; computed from the joined and left days, so any run (or
checkpoint) can be measured after the fact.
"""

from __future__ import annotations

import numpy as np

from sim.population import NEVER, Channel


def retention(table, after_days: int, last_day: int, first_join_day: int = 1, channel: Channel | None = None) -> float:
    """Share of people who joined on or after `first_join_day` (and early enough to be observed
    for `after_days` by `last_day`) who were still members `after_days` after joining.

    Returns NaN when no one is in the cohort.
    """
    joined = table.joined_day
    cohort = (joined >= first_join_day) & (joined <= last_day - after_days)
    if channel is not None:
        cohort &= table.channel == channel
    if not cohort.any():
        return float("nan")
    left = table.left_day[cohort]
    stayed = (left == NEVER) | (left - joined[cohort] > after_days)
    return float(np.mean(stayed))


def survival_cohort(table, horizon_days: int, last_day: int) -> np.ndarray:
    """Mask of the cohort `survival_curve` follows: every non-founder who joined at least
    `horizon_days` before `last_day`."""
    joined = table.joined_day
    return (joined >= 1) & (joined <= last_day - horizon_days) & (table.channel != Channel.FOUNDER)


def survival_curve(table, horizon_days: int, last_day: int) -> np.ndarray:
    """Share of the cohort still a member d days after joining, for d = 0..horizon_days (every
    non-founder who joined at least `horizon_days` before `last_day`)."""
    joined = table.joined_day
    cohort = survival_cohort(table, horizon_days, last_day)
    if not cohort.any():
        return np.full(horizon_days + 1, np.nan)
    left = table.left_day[cohort]
    tenure = np.where(left == NEVER, horizon_days + 1, left - joined[cohort])
    return np.array([(tenure > d).mean() for d in range(horizon_days + 1)])
