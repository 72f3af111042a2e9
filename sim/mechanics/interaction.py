"""Replies between members: who replies to whom, newcomers' first replies, questions answered.

Replying is cheaper than posting, so a member's chance to reply on a visit is their posting chance
times `reply_to_post_ratio`; a reply goes to one of today's posts chosen uniformly. A reply can
turn into a friendship (a new tie) and, through the poster, introduce the replier to one of the
poster's member friends (triadic closure). A newcomer's first post is answered by members (more
likely in a busy community) or by staff on reply duty; an answered newcomer's engagement rises
(Joyce & Kraut 2006).
"""

from __future__ import annotations

import math

from sim.backend import xp_of


def repliers(visitor_rows, p_post, ratio: float, u):
    """Rows of today's visitors who reply to a post (p_post and u: one per visitor)."""
    xp = xp_of(visitor_rows)
    return visitor_rows[u < xp.minimum(1.0, p_post * ratio)]


def reply_targets(poster_rows, u):
    """The author of the post each replier answers (u: one per replier; uniform over today's posts)."""
    xp = xp_of(poster_rows)
    pick = xp.minimum((u * len(poster_rows)).astype(xp.int64), len(poster_rows) - 1)
    return poster_rows[pick]


def peer_first_reply_chance(daily_active: int, p_max: float, saturation_active: float) -> float:
    """Chance members answer a newcomer's first post, rising with how many are around."""
    return p_max * (1.0 - math.exp(-daily_active / saturation_active))


def first_reply_chance(p_peer: float, staff_replies: int, first_posts: int) -> float:
    """Chance a first post is answered by members or by staff on reply duty."""
    staff_share = min(1.0, staff_replies / first_posts) if first_posts else 0.0
    return 1.0 - (1.0 - p_peer) * (1.0 - staff_share)
