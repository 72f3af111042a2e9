"""Going quiet and leaving: muting (消息免打扰) and leaving are two decisions.

A member who loses interest mostly mutes the group and stays a member (three in four WeChat users
mute groups; fewer leave them): a muted member no longer visits on their own, only when a
reactivation lever calls them back (sim/mechanics/reactivation.py). Leaving is its own decision,
driven by what pushes people out rather than by boredom alone. `mute_hazard` and `leave_hazard`
are the whole formulas:

    mute (listening members)   p_mute_max_per_day x (1 - engagement) ** mute_shape
                               + the noise of today's @all announcement (reactivation policy)

    leave (every member)       p_churn_max_per_day x (1 - engagement) ** churn_shape
                               x tier multiplier                       core and VIP stay longer
                               x (1 + toxicity_churn_effect x toxicity) spam, ads, conflict
                               x (1 + strictness effect)               newcomers only (Halfaker 2013)
                               x referred_leave_multiplier             while the inviter is a member
                                                                       (Van den Bulte et al. 2018)
                               + p_leave_drift_per_day                 plain drift
                               reward hunters (羊毛党): at least the referral policy's hunter rate

Unmet needs act through engagement (a visit worth little, an unanswered question, a poor fit all
keep it low). Former members come back at `p_return_per_day` (`returners`).
"""

from __future__ import annotations

import numpy as np

from sim.backend import xp_of
from sim.state import Metric, share

PARAMETERS = (
    "member.p_churn_max_per_day",
    "member.churn_shape",
    "member.p_leave_drift_per_day",
    "member.p_mute_max_per_day",
    "member.mute_shape",
    "member.referred_leave_multiplier",
    "member.p_return_per_day",
    "moderation.toxicity_churn_effect",
    "moderation.newcomer_days",
    "moderation.strictness_newcomer_churn_effect",
    "policy.moderation.strictness",
    "policy.tiers.churn_multiplier_*",
    "policy.referral.hunter_leave_per_day",
)

METRICS = (
    Metric("leaves", "people/day", "members who left today", lambda s: s.tally.leaves),
    Metric("churn_rate", "1/day", "leaves today / members at the start of the day",
           lambda s: share(s.tally.leaves, s.tally.members_start)),
    Metric("mutes", "people/day", "members who muted the group today (消息免打扰)", lambda s: s.tally.mutes),
    Metric("muted", "people", "members who have muted the group: no visits of their own (沉默成员)",
           lambda s: s.tally.muted),
    Metric("muted_share", "share", "muted members / members at the end of the day",
           lambda s: share(s.tally.muted, s.count.members)),
    Metric("returns", "people/day", "former members who came back today", lambda s: s.tally.returns),
)


def leave_hazard(engagement, tier_multiplier, toxicity: float, newcomer, strictness: float, member, moderation,
                 referrer_stays=None, hunter=None, hunter_leave_per_day: float = 0.0):
    """Daily chance that each member leaves (all arrays over the same members).

    Args:
        engagement: 0..1 per member.
        tier_multiplier: the tier policy's churn multiplier of each member's tier.
        toxicity: the community's toxicity, 0..1.
        newcomer: mask of members who joined within `moderation.newcomer_days`.
        strictness: the moderation policy's strictness, 0..1.
        member: the `member` config group.
        moderation: the `moderation` config group (toxicity_churn_effect,
            strictness_newcomer_churn_effect).
        referrer_stays: mask of referred members whose inviter is still a member (None: nobody).
        hunter: mask of reward hunters (None: nobody); they leave at least at `hunter_leave_per_day`.
    """
    xp = xp_of(engagement)
    hazard = member.p_churn_max_per_day * (1.0 - engagement) ** member.churn_shape
    hazard = hazard * tier_multiplier
    hazard *= np.float32(1.0 + moderation.toxicity_churn_effect * toxicity)
    strict = np.float32(1.0 + moderation.strictness_newcomer_churn_effect * strictness)
    hazard = xp.where(newcomer, hazard * strict, hazard)
    if referrer_stays is not None:
        hazard = xp.where(referrer_stays, hazard * np.float32(member.referred_leave_multiplier), hazard)
    hazard = hazard + np.float32(member.p_leave_drift_per_day)
    if hunter is not None:
        hazard = xp.where(hunter, xp.maximum(hazard, np.float32(hunter_leave_per_day)), hazard)
    return hazard


def mute_hazard(engagement, member, noise: float = 0.0):
    """Daily chance that each listening member mutes the group: disengagement, plus `noise` (the
    chance today's @all announcement makes a member reach for 消息免打扰)."""
    hazard = member.p_mute_max_per_day * (1.0 - engagement) ** member.mute_shape
    return xp_of(hazard).minimum(np.float32(1.0), hazard + np.float32(noise))


def is_newcomer(joined_day, day: int, newcomer_days: int):
    """Mask of members who joined within the last `newcomer_days` days (新人)."""
    return joined_day > day - newcomer_days


def leavers(member_rows, hazard, u):
    """Rows of the members who leave today (hazard and u: one per member)."""
    return member_rows[u < hazard]
