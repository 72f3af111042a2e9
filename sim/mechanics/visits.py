"""Visits: which members come to the community today.

`visit_chance` is the whole formula of a member's daily visit:

    engagement x (base + w_content x content value + w_social x social pull)     capped at 1
    + engagement x event lift              for members in an event's after-glow (capped at 1)
    x (1 - toxicity_visit_effect x toxicity)

for listening members; a muted member (消息免打扰, sim/mechanics/churn.py) has no visit of their own
and comes only when a reactivation lever calls them back (sim/mechanics/reactivation.py). A daily
check-in adds its drive to the base (policy.reactivation.check_in_visit_drive).

The content value is the feed's (sim/mechanics/content.py); the social pull saturates in the number
of friends who visited yesterday (social-graph ties and ties formed inside the community); the
event lift lasts `policy.events.lift_days` after an event (sim/mechanics/events.py); toxicity comes
from unresolved incidents (sim/mechanics/moderation.py). Every member decides from yesterday's
state (ARCHITECTURE decision 4: the day is synchronous).
"""

from __future__ import annotations

import numpy as np

from sim.backend import xp_of
from sim.state import Metric, share

PARAMETERS = (
    "member.p_active_base",
    "member.w_active_content",
    "member.w_active_social",
    "member.social_saturation_friends",
    "moderation.toxicity_visit_effect",
    "policy.events.visit_lift",
)

METRICS = (
    Metric("daily_active", "people", "members who visited today (DAU)", lambda s: s.tally.active),
    Metric("active_share", "share", "daily active / members at the start of the day",
           lambda s: share(s.tally.active, s.tally.members_start)),
    Metric("weekly_active", "people", "members who visited in the last 7 days (WAU)", lambda s: s.tally.weekly_active),
    Metric("monthly_active", "people", "members who visited in the last 30 days (MAU)",
           lambda s: s.tally.monthly_active),
    Metric("monthly_active_share", "share", "monthly active / members at the end of the day",
           lambda s: share(s.tally.monthly_active, s.count.members)),
)


def active_friends(rows, active, graph, ties):
    """For each member in `rows` (sorted), how many friends were active yesterday: friends in the
    social graph plus ties formed inside the community (`active`: yesterday's visitors, a mask
    over everyone)."""
    friends = graph.count_among(rows, active)
    if len(ties):
        friends = friends + ties.count_among(rows, active)
    return friends


def social_pull(active_friends, saturation_friends: float):
    """0..1 pull from friends active yesterday: 1 - exp(-count / saturation)."""
    xp = xp_of(active_friends)
    return 1.0 - xp.exp(-active_friends / saturation_friends)


def visit_chance(engagement, content_value: float, social, lift_until, day: int, toxicity: float, member, *,
                 toxicity_visit_effect: float, visit_lift: float, muted=None, check_in_drive: float = 0.0):
    """Each member's chance of visiting today (all arrays over the same members).

    Args:
        engagement: 0..1, the member's running judgement of the community.
        content_value: the feed's value today, 0..1.
        social: the pull of friends active yesterday, 0..1 (`social_pull`).
        lift_until: last day of each member's event lift (NEVER if none).
        day: today.
        toxicity: the community's toxicity, 0..1.
        member: the `member` config group (p_active_base, w_active_content, w_active_social).
        toxicity_visit_effect: share of the visit drive toxicity 1 removes.
        visit_lift: visit drive an event adds while its lift lasts (0: no events).
        muted: mask of muted members (None: nobody); their own chance is 0.
        check_in_drive: visit drive a daily check-in adds (0: no check-in).
    """
    xp = xp_of(engagement)
    drive = member.p_active_base + check_in_drive + member.w_active_content * content_value + member.w_active_social * social
    p = xp.minimum(1.0, engagement * drive)
    if visit_lift > 0:
        p = xp.where(lift_until >= day, xp.minimum(1.0, p + engagement * visit_lift), p)
    p = p * np.float32(1.0 - toxicity_visit_effect * toxicity)
    return p if muted is None else p * ~muted  # a muted member's own chance is 0 (p is finite, >= 0)
