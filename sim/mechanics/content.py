"""Content: the feed's stock of fresh, quality-weighted posts and the value members get from it.

Posts go stale with a half-life; the value of the feed saturates (a member can only read so much),
so more content raises activity with diminishing returns.
"""

from __future__ import annotations

import math

from sim.backend import to_host, xp_of


def stale_factor(half_life_days: float) -> float:
    """Share of the feed's freshness kept from one day to the next."""
    return 0.5 ** (1.0 / half_life_days)


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
