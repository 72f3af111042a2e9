"""Engagement and daily activity.

A member visits today with probability engagement x (base + content pull + social pull), where the
content pull is the feed's value and the social pull saturates in the number of friends who were
active yesterday. A visit moves engagement toward the value received that day; a day away lets it
decay. Engagement is the member's running judgement of the community: it drives visits, posting,
invitations and churn.
"""

from __future__ import annotations

from sim.backend import xp_of


def social_pull(active_friends, saturation_friends: float):
    """0..1 pull from friends active yesterday: 1 - exp(-count / saturation)."""
    xp = xp_of(active_friends)
    return 1.0 - xp.exp(-active_friends / saturation_friends)


def visit_probability(engagement, content_value: float, social, cfg):
    """Chance each person visits today (meaningful for members only)."""
    xp = xp_of(engagement)
    drive = cfg.p_active_base + cfg.w_active_content * content_value + cfg.w_active_social * social
    return xp.minimum(1.0, engagement * drive)


def updated_engagement(engagement, visited, content_value: float, social, cfg, fit=None):
    """Members' engagement after today: toward the value of today's visit, decayed for those who
    stayed away (all arrays are over the same members).

    The value of a visit lies between `value_base` and 1, weighted like the visit drives, and is
    scaled by the member's fit with the community (`fit`, 0..1; None: everyone fits fully): people
    who joined with little interest get less out of the same feed, drift away and leave.
    """
    xp = xp_of(engagement)
    w_total = cfg.w_active_content + cfg.w_active_social
    # weights normalised as Python floats first: dividing float32 arrays by a tiny total would
    # round the total to zero in float32 and give 0/0
    f_content = cfg.w_active_content / w_total if w_total else 0.0
    f_social = cfg.w_active_social / w_total if w_total else 0.0
    share = f_content * content_value + f_social * social
    value = cfg.value_base + (1.0 - cfg.value_base) * share
    if fit is not None:
        value = value * fit
    moved = engagement + cfg.engagement_learning_rate * (value - engagement)
    decayed = engagement * (1.0 - cfg.engagement_decay_per_day)
    return xp.clip(xp.where(visited, moved, decayed), 0.0, 1.0)
