"""Replies between members: who replies to whom, the ties replies form, newcomers' first replies,
questions for the experts.

Replying is cheaper than posting, so a member's chance to reply on a visit is their posting rate
times `reply_to_post_ratio`; a reply goes to one of today's posts chosen uniformly. A reply can turn
into a friendship (a new tie) and, through the poster, introduce the replier to one of the poster's
member friends (triadic closure). A newcomer's first post is answered by members (more likely in a
busy community) or by moderators on reply duty; an answered newcomer's engagement rises (Joyce &
Kraut 2006). Some posts are questions; experts answer them within their capacity.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from sim.backend import xp_of
from sim.population import NEVER
from sim.state import Metric

PARAMETERS = (
    "interaction.reply_to_post_ratio",
    "interaction.p_tie_per_reply",
    "interaction.p_triadic_per_reply",
    "interaction.p_peer_first_reply_max",
    "interaction.peer_first_reply_saturation_active",
    "interaction.first_reply_engagement_boost",
    "interaction.question_share",
    "interaction.answer_engagement_boost",
)

METRICS = (
    Metric("replies", "replies/day", "replies members wrote today", lambda s: s.tally.replies),
    Metric("first_posts", "posts/day", "members' first-ever posts today", lambda s: s.tally.first_posts),
    Metric("first_posts_replied", "posts/day", "first posts that got a reply", lambda s: s.tally.first_posts_replied),
    Metric("questions", "posts/day", "member posts that asked the experts a question", lambda s: s.tally.questions),
    Metric("questions_answered", "posts/day", "questions the experts answered", lambda s: s.tally.questions_answered),
    Metric("ties_formed", "ties/day", "new friendships formed inside the community (replies, events)",
           lambda s: s.tally.ties_formed),
)


@dataclass
class Replies:
    """Today's replies: who replied, and the new ties (a[i]-b[i]) they may have made."""

    repliers: np.ndarray
    tie_a: np.ndarray
    tie_b: np.ndarray


def replies(visitors, p_post, posters, draws, graph, is_member, cfg) -> Replies:
    """Visitors reply to today's posts; replies can become ties and close triangles.

    Args:
        visitors: today's visitors; p_post: their posting rates.
        posters: today's posters (the authors a reply can go to).
        draws: the day's RowDraws of the `replies` stream (slots 0-4).
        graph: the social graph (a poster's friends, for triadic closure).
        is_member: mask over everyone.
        cfg: the `interaction` config group.
    """
    xp = xp_of(visitors)
    if not len(posters):
        empty = xp.zeros(0, dtype=xp.int64)
        return Replies(empty, empty, empty)
    rows = visitors[draws.uniform(visitors, 0) < xp.minimum(1.0, p_post * cfg.reply_to_post_ratio)]
    pick = xp.minimum((draws.uniform(rows, 1) * len(posters)).astype(xp.int64), len(posters) - 1)
    targets = posters[pick]  # uniform over today's posters
    tie = draws.uniform(rows, 2) < cfg.p_tie_per_reply
    triad = draws.uniform(rows, 3) < cfg.p_triadic_per_reply
    friend = graph.random_neighbour(targets[triad], draws.uniform(rows[triad], 4))
    ok = (friend >= 0) & is_member[xp.maximum(friend, 0)]
    a = xp.concatenate([rows[tie], rows[triad][ok]])
    b = xp.concatenate([targets[tie], friend[ok]])
    return Replies(rows, a, b)


def first_posters(posters, first_post_day):
    """The posters whose post today is their first ever."""
    return posters[first_post_day[posters] == NEVER]


def first_reply_chance(daily_active: int, staff_replies: int, first_posts: int, cfg) -> float:
    """Chance a newcomer's first post gets a reply today: from members (more likely the more are
    around) or from moderators on reply duty (their replies spread over today's first posts)."""
    p_peer = cfg.p_peer_first_reply_max * (1.0 - math.exp(-daily_active / cfg.peer_first_reply_saturation_active))
    staff_share = min(1.0, staff_replies / first_posts) if first_posts else 0.0
    return 1.0 - (1.0 - p_peer) * (1.0 - staff_share)


def questions(posters, u, question_share: float, rng: np.random.Generator):
    """The posters who asked the experts a question today, in a random order (the order in which
    the experts take them up). u: one uniform per poster; rng: the day's host generator."""
    askers = posters[u < question_share]
    return askers[xp_of(askers).asarray(rng.permutation(len(askers)))]
