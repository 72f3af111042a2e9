"""Acquisition outside referral: organic discovery and paid campaigns.

Organic: every person who can still join finds the community on a given day with a small
probability. Campaigns: the growth officers' reach today is spread uniformly over the audience in
reach (the population segments the acquisition policy opens), members and former members
included, since an ad cannot tell them apart; a reached person who never joined joins with
`p_convert`. As the audience fills up, more of the reach lands on people who are already members,
so a fixed budget brings fewer joins: with the affinity below, this is how an audience saturates. Conversions are independent per person, so
the number of campaign joins is binomial around reach x p_convert. Every chance is scaled by the
person's affinity for the community (mean 1): the most interested join first, so the pool left
behind is harder to convert and growth slows as the interested part of the market is used up
(heterogeneous adoption propensity: Bemmaor 1994; Van den Bulte & Stremersch 2004).

`join_chance` is a person's chance of joining through any channel: the channel's base chance today
times the person's affinity, at most 1. Campaign and organic base chances come from
`base_chances`; an invited friend's base chance is the referral policy's `p_accept`
(sim/mechanics/referral.py uses the same function).
"""

from __future__ import annotations

import math

import numpy as np

from sim.backend import xp_of
from sim.population import NEVER, Channel
from sim.state import Metric, share

PARAMETERS = (
    "member.join_affinity_shape",
    "member.p_discover_per_day",
    "policy.acquisition.p_convert",
)

MEMBERS_BY_CHANNEL = {
    Channel.FOUNDER: "members who are founders (种子用户)",
    Channel.ORGANIC: "members who found the community themselves",
    Channel.CAMPAIGN: "members who came through a paid campaign",
    Channel.REFERRAL: "members invited by a member (裂变)",
}

METRICS = (
    *(Metric(f"members_{c.label}", "people", meaning, lambda s, c=c: s.count.by_channel[c])
      for c, meaning in MEMBERS_BY_CHANNEL.items()),
    Metric("joins", "people/day", "people who joined today", lambda s: s.tally.joins_total),
    *(Metric(f"joins_{c.label}", "people/day", f"{c.label} joins today", lambda s, c=c: s.tally.joins[c])
      for c in (Channel.ORGANIC, Channel.CAMPAIGN, Channel.REFERRAL)),
    Metric("reached_share", "share", "share of the addressable population that ever joined",
           lambda s: share(s.count.ever_joined, s.count.population)),
)

AFFINITY_SHAPE_MIN = 1e-3  # below this (but above 0) the gamma's scale 1 / shape overflows to inf

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


def affinity_trait(shape: float, n: int, rng: np.random.Generator) -> np.ndarray | None:
    """Everyone's affinity for the community: gamma with mean 1 and shape `shape` (smaller = more
    uneven); None for shape 0 (everyone alike, affinity 1)."""
    return rng.gamma(shape, 1.0 / shape, n) if shape > 0 else None


def base_chances(reach: float, n_audience: int, p_convert: float, p_discover_per_day: float):
    """Today's base chances (before affinity) of joining through a campaign and organically.

    The growth officers' reach is spread uniformly over the audience in reach (`n_audience`
    people, whether or not they ever joined), so a person is reached with chance
    reach / n_audience and, if they never joined, converts with `p_convert`.
    """
    p_campaign = min(1.0, reach / n_audience) * p_convert if reach > 0 and n_audience else 0.0
    return p_campaign, p_discover_per_day


def join_chance(base: float, affinity):
    """A person's chance of joining through a channel whose base chance today is `base`: base x
    affinity, at most 1. The same for every channel: campaign (base = reach share x p_convert),
    organic (p_discover_per_day) and an invitation (the referral policy's p_accept)."""
    return xp_of(affinity).minimum(1.0, base * affinity)


def candidates(joined_day, bound: float, n_eligible: int, rng: np.random.Generator, draws, xp=np):
    """Everyone who can still join and whose join uniform today lies below `bound`, with those
    uniforms: the lottery when it draws fewer people than can still join, else one number for
    each who can (the same distribution)."""
    n = len(joined_day)
    if lottery_size(n, bound) < n_eligible:  # a few of many: draw just those
        rows, u = lottery(n, bound, rng, draws, xp)
        can_join = joined_day[rows] == NEVER
        return rows[can_join], u[can_join]
    rows = xp.flatnonzero(joined_day == NEVER)
    u = draws.uniform(rows)
    below = u < bound
    return rows[below], u[below]


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
    p_c = join_chance(p_campaign, affinity)
    p_o = join_chance(p_organic, affinity)
    campaign = u < p_c
    organic = ~campaign & (u < p_c + (1.0 - p_c) * p_o)
    return candidates[campaign], candidates[organic]
