"""Acquisition outside referral: organic discovery and paid campaigns.

Organic: every person who can still join finds the community on a given day with a small
probability. Campaigns: the growth officers' reach today is spread uniformly over those who can
still join; a reached person joins with `p_convert`. Conversions are independent per person, so
the number of campaign joins is binomial around reach x p_convert. Every chance is scaled by the
person's affinity for the community (mean 1): the most interested join first, so the pool left
behind is harder to convert and growth slows as the interested part of the market is used up
(heterogeneous adoption propensity: Bemmaor 1994; Van den Bulte & Stremersch 2004).
"""

from __future__ import annotations

from sim.backend import xp_of


def organic_joiners(eligible, p_discover_per_day: float, u, affinity=1.0):
    """Rows of people who discover and join on their own today (chance scaled by affinity)."""
    return xp_of(eligible).flatnonzero(eligible & (u < p_discover_per_day * affinity))


def campaign_joiners(eligible, n_eligible: int, reach: float, p_convert: float, u, affinity=1.0):
    """Rows of people reached by today's campaigns who join (conversion scaled by affinity)."""
    xp = xp_of(eligible)
    if reach <= 0 or n_eligible == 0:
        return xp.zeros(0, dtype=xp.int64)
    p_join = min(1.0, reach / n_eligible) * p_convert
    return xp.flatnonzero(eligible & (u < p_join * affinity))
