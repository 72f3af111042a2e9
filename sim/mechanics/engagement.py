"""Engagement: a member's running judgement of the community, 0..1.

A visit moves engagement toward the value received that day; a day away lets it decay, unless the
member has muted the group: a muted member no longer sees it, so their judgement stays where it was
when they muted (their leaving hazard stays what it was; sim/mechanics/churn.py). The value of
a visit lies between `value_base` and 1, weighted like the visit drives (content and friends), and
scaled by the member's fit with the community (their affinity, capped at 1): people who joined with
little interest get less out of the same feed, drift away and leave. Being greeted, having a first
post answered and having a question answered add to it (Joyce & Kraut 2006). Engagement drives
visits, posting, invitations and churn.
"""

from __future__ import annotations

import numpy as np

from sim.backend import xp_of
from sim.state import Metric

PARAMETERS = (
    "member.w_active_content",
    "member.w_active_social",
    "member.value_base",
    "member.engagement_learning_rate",
    "member.engagement_decay_per_day",
)

METRICS = (
    Metric("mean_engagement", "0..1", "mean engagement of members", lambda s: s.tally.mean_engagement),
)


def updated_engagement(engagement, visited, content_value: float, social, cfg, fit=None, muted=None):
    """Members' engagement after today: toward the value of today's visit, decayed for listening
    members who stayed away, unchanged for muted members who stayed away, clipped to 0..1.

    Args:
        engagement: 0..1 per member; muted: mask of the members who muted the group (None: nobody).
        visited: the positions of today's visitors in `engagement`.
        social, fit: the visitors' social pull and fit, 0..1 (fit None: everyone fits fully).
    """
    xp = xp_of(engagement)
    w_total = cfg.w_active_content + cfg.w_active_social
    # weights normalised as Python floats first: dividing float32 arrays by a tiny total would
    # round the total to zero in float32 and give 0/0
    f_content = cfg.w_active_content / w_total if w_total else 0.0
    f_social = cfg.w_active_social / w_total if w_total else 0.0
    value = cfg.value_base + (1.0 - cfg.value_base) * (f_content * content_value + f_social * social)
    if fit is not None:
        value = value * fit
    before = engagement[visited]
    after = engagement * (1.0 - cfg.engagement_decay_per_day)
    if muted is not None:
        kept = xp.flatnonzero(muted)  # positions, not a mask: cheaper than a select over everyone
        after[kept] = engagement[kept]
    after[visited] = before + cfg.engagement_learning_rate * (value - before)
    return xp.clip(after, 0.0, 1.0, out=after)


def fit(affinity):
    """How well each member fits the community, 0..1: their affinity, capped at 1 (affinity above
    the mean adds nothing more to the value of a visit)."""
    return xp_of(affinity).minimum(np.float32(1.0), affinity)


def boosted(engagement, boost: float):
    """Engagement after a boost (a welcome, a reply, an answer), capped at 1."""
    return xp_of(engagement).minimum(np.float32(1.0), engagement + np.float32(boost))


def mean(engagement_of_members) -> float:
    """Mean engagement of the given members (0 for none), summed in float64."""
    n = len(engagement_of_members)
    return float(engagement_of_members.sum(dtype=np.float64)) / n if n else 0.0
