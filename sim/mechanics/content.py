"""Content: the feed's stock of fresh, quality-weighted posts and the value members get from it.

Posts go stale with a half-life; the value of the feed saturates (a member can only read so much),
so more content raises activity with diminishing returns.
"""

from __future__ import annotations

import math

from sim.backend import xp_of


def stale_factor(half_life_days: float) -> float:
    """Share of the feed's freshness kept from one day to the next."""
    return 0.5 ** (1.0 / half_life_days)


def content_value(feed_stock: float, saturation_posts: float) -> float:
    """Value of the feed today, 0..1: 1 - exp(-stock / saturation)."""
    return 1.0 - math.exp(-feed_stock / saturation_posts)


def members_post(active, p_post, u):
    """Who of today's active members writes a post (at most one each, chance p_post)."""
    return active & (u < p_post)


def post_count(posted) -> int:
    """Number of posts written (host integer)."""
    return int(xp_of(posted).count_nonzero(posted))
