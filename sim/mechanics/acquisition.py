"""Acquisition outside referral: organic discovery and paid campaigns.

Organic: every person who can still join finds the community on a given day with a small
probability. Campaigns: the growth officers' reach today is spread uniformly over those who can
still join; a reached person joins with `p_convert`. Conversions are independent per person, so
the number of campaign joins is binomial around reach x p_convert.
"""

from __future__ import annotations

from sim.backend import xp_of


def organic_joiners(eligible, p_discover_per_day: float, u):
    """Rows of people who discover and join on their own today."""
    return xp_of(eligible).flatnonzero(eligible & (u < p_discover_per_day))


def campaign_joiners(eligible, n_eligible: int, reach: float, p_convert: float, u):
    """Rows of people reached by today's campaigns who join."""
    xp = xp_of(eligible)
    if reach <= 0 or n_eligible == 0:
        return xp.zeros(0, dtype=xp.int64)
    p_join = min(1.0, reach / n_eligible) * p_convert
    return xp.flatnonzero(eligible & (u < p_join))
