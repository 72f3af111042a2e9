"""Content: members' posting, and the feed's stock of fresh, quality-weighted posts.

A visitor writes posts at their posting rate: a heavy-tailed trait (log-normal over people, so few
write most: participation inequality, 90-9-1), times their tier's multiplier, times
(engagement / a newcomer's engagement) ** elasticity, capped at `MAX_POSTS_PER_VISIT`. Whoever posts
writes 1 + Poisson(rate) posts. Experts publish the content calendar (sim/agents.py). Posts go stale
with a half-life; the value of the feed saturates (a member can only read so much), so more content
raises activity with diminishing returns.
"""

from __future__ import annotations

import math

import numpy as np

from sim.backend import to_host, xp_of
from sim.state import Metric, share

MAX_POSTS_PER_VISIT = 20.0  # beyond this a member is a spam bot, not a super-poster; assumption

PARAMETERS = (
    "member.p_post_median",
    "member.p_post_sigma",
    "member.post_engagement_elasticity",
    "member.engagement_join",
    "member.member_post_quality",
    "member.content_half_life_days",
    "member.content_saturation_posts",
    "policy.tiers.post_multiplier_*",
)

METRICS = (
    Metric("posts_expert", "posts/day", "posts published by experts today", lambda s: s.tally.posts_expert),
    Metric("posts_member", "posts/day", "posts written by members today", lambda s: s.tally.posts_member),
    Metric("member_content_share", "share", "member-written share of today's posts",
           lambda s: share(s.tally.posts_member, s.tally.posts_member + s.tally.posts_expert)),
    Metric("silent_12w", "people", "members with no post in the last 84 days (潜水: Nonnecke & Preece's lurkers)",
           lambda s: s.tally.silent_12w),
    Metric("silent_12w_share", "share", "silent_12w / members at the end of the day",
           lambda s: share(s.tally.silent_12w, s.count.members)),
    Metric("content_value", "0..1", "value of the feed today (fresh quality-weighted content, saturating)",
           lambda s: s.tally.content_value),
)


def posting_trait(z, member) -> np.ndarray:
    """Each person's posting rate per visit from standard normal draws `z` (log-normal, capped)."""
    return np.minimum(MAX_POSTS_PER_VISIT, member.p_post_median * np.exp(member.p_post_sigma * z))


def posting_rate(p_post, tier_multiplier, engagement, member):
    """Posts per visit of each visitor today: trait x tier multiplier (None: 1) x engagement lift, capped.

    The lift is relative to a newcomer's engagement (floored at 0.05, so a config with
    engagement_join = 0 does not divide by zero): what lifts engagement (a reply to a first post)
    also lifts posting (Joyce & Kraut 2006).
    """
    rate = p_post if tier_multiplier is None else p_post * tier_multiplier
    if member.post_engagement_elasticity:
        ref = np.float32(max(member.engagement_join, 0.05))
        lift = (engagement / ref) ** np.float32(member.post_engagement_elasticity)
        rate = xp_of(rate).minimum(np.float32(MAX_POSTS_PER_VISIT), rate * lift)
    return rate


def stale_factor(half_life_days: float) -> float:
    """Share of the feed's freshness kept from one day to the next."""
    return 0.5 ** (1.0 / half_life_days)


def next_feed_stock(feed_stock: float, member_posts: int, member) -> float:
    """The feed after today: yesterday's stock gone a day staler, plus today's member posts."""
    return feed_stock * stale_factor(member.content_half_life_days) + (member.member_post_quality * member_posts)


def content_value(feed_stock: float, saturation_posts: float) -> float:
    """Value of the feed today, 0..1: 1 - exp(-stock / saturation)."""
    return 1.0 - math.exp(-feed_stock / saturation_posts)


def members_post(post_rate, u):
    """Which of today's visitors write at least one post (chance 1 - exp(-rate)), as a mask."""
    xp = xp_of(post_rate)
    return u < -xp.expm1(-post_rate)


def posts_written(post_rate_of_posters, rng):
    """Posts by each member who posts today: 1 + Poisson(rate), so prolific members write several
    a day (the heavy tail of participation inequality is not capped at one post a day). Drawn on
    the host (a few numbers a day), returned on the rates' device."""
    return xp_of(post_rate_of_posters).asarray(1 + rng.poisson(to_host(post_rate_of_posters)))
