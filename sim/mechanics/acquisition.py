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

import math

import numpy as np

from sim.backend import xp_of

DENSE_BAND = 1 / 16  # from this band up, the lottery draws who is in it with a mask over everyone


def _band(bound: float) -> float:
    """The power of two at or just above `bound` (bound <= q < 2 bound), at most 1."""
    return 1.0 if bound >= 0.5 else 2.0 ** -math.floor(-math.log2(bound))


def lottery_size(n: int, bound: float) -> float:
    """How many people the lottery draws on average before keeping those below `bound`."""
    return n * _band(bound)


def lottery(n: int, bound: float, rng: np.random.Generator, draws, xp=np):
    """The people whose join uniform today lies below `bound`, and those uniforms.

    Equivalent to drawing a uniform for each of the `n` people and keeping those below `bound`,
    at a cost in proportion to the people kept: with q the power of two at or just above `bound`,
    how many fall below q is binomial(n, q), who they are is a uniform sample (`rng`, the day's
    host generator; for q >= 1/16 a Bernoulli(q) mask over everyone, the same distribution at a
    few nanoseconds a person), and each one's uniform is q times their own per-person draw (`draws`, the
    day's RowDraws). Policies whose bounds fall in the same power-of-two band draw the same
    people with the same numbers (common random numbers); the band moves only when a join
    chance changes by a factor of two or more. When the lottery would draw more people than can
    still join, `arrive` gives those who can one number each instead (same distribution).

    Returns:
        (rows, u): rows on `xp`'s device, sorted; u their float32 uniforms, all below `bound`.
    """
    q = _band(bound)
    if q >= DENSE_BAND:  # many drawn: a mask (a few ns a person) beats sampling without replacement
        rows = xp.asarray(np.flatnonzero(rng.random(n, dtype=np.float32) < np.float32(q)))
    else:
        rows = xp.asarray(np.sort(rng.choice(n, size=int(rng.binomial(n, q)), replace=False, shuffle=False)))
    u = draws.uniform(rows) * np.float32(q)
    keep = u < bound
    return rows[keep], u[keep]


def join_chances(reach: float, n_eligible: int, p_convert: float, p_discover_per_day: float):
    """Today's base chances (before affinity) of joining through a campaign and organically.

    The growth officers' reach is spread uniformly over the people who can still join, so a
    person is reached with chance reach / n_eligible and then converts with `p_convert`.
    """
    p_campaign = min(1.0, reach / n_eligible) * p_convert if reach > 0 and n_eligible else 0.0
    return p_campaign, p_discover_per_day


def joiners(candidates, u, affinity, p_campaign: float, p_organic: float):
    """Split the day's candidates into campaign and organic joiners with one draw per person.

    A person joins through a campaign when u < p_c and organically when p_c <= u < p_c + (1 -
    p_c) p_o, where p_c, p_o are the base chances times their affinity (capped at 1): the chances
    of the two channels taken in that order. One number per person couples the channels
    monotonically: a policy with more campaign reach never makes a person who would have joined
    stay out, which sharpens comparisons between policies run on common random numbers.

    Args:
        candidates: rows who can still join and whose u lies below the day's bound.
        u, affinity: their uniforms and affinities.

    Returns:
        (campaign rows, organic rows).
    """
    xp = xp_of(candidates)
    p_c = xp.minimum(1.0, p_campaign * affinity)
    p_o = xp.minimum(1.0, p_organic * affinity)
    campaign = u < p_c
    organic = ~campaign & (u < p_c + (1.0 - p_c) * p_o)
    return candidates[campaign], candidates[organic]
