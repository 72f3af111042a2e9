"""Going quiet and leaving: losing interest mostly mutes (消息免打扰); leaving is its own decision.

A listening member who loses interest today (chance `mute_hazard`) mutes the group and stays a
member, or, with `leave_share_on_disinterest`, leaves it (74.6% of WeChat users mute groups, 38.4%
leave groups: about a third of those who give up on a group leave it). A muted member no longer
visits on their own, only when a reactivation lever calls them back
(sim/mechanics/reactivation.py), and their engagement stays where it was (they no longer see the
group). Leaving for other reasons is a decision of its own, driven by what pushes people out
(`leave_hazard`). The whole formulas:

    lose interest (listening)  p_mute_max_per_day x (1 - engagement) ** mute_shape
                               + the noise of today's @all announcement (reactivation policy)
                               -> leave with leave_share_on_disinterest, else mute
                                  (x referred_leave_multiplier while the inviter is a member:
                                  a friend in the group keeps one in, muted rather than gone)

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
    "member.leave_share_on_disinterest",
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
    """Daily chance that each member leaves (arrays over the same members, except the positions).

    Args:
        engagement: 0..1 per member.
        tier_multiplier: the tier policy's churn multiplier of each member's tier (None: 1 for all).
        toxicity: the community's toxicity, 0..1.
        newcomer: positions of the members who joined within `moderation.newcomer_days` (None:
            nobody; a caller may skip finding them when `newcomer_multiplier` is 1).
        strictness: the moderation policy's strictness, 0..1.
        member: the `member` config group.
        moderation: the `moderation` config group (toxicity_churn_effect,
            strictness_newcomer_churn_effect).
        referrer_stays: positions of the referred members whose inviter is still a member (None: nobody).
        hunter: positions of the reward hunters (None: nobody); they leave at least at
            `hunter_leave_per_day`.
    """
    xp = xp_of(engagement)
    hazard = member.p_churn_max_per_day * (1.0 - engagement) ** member.churn_shape
    if tier_multiplier is not None:
        hazard = hazard * tier_multiplier
    hazard *= np.float32(1.0 + moderation.toxicity_churn_effect * toxicity)
    # the multipliers below apply to some members: computed on their positions (cheaper than a
    # select over everyone), and skipped when they are 1 (x 1 changes nothing)
    strict = newcomer_multiplier(strictness, moderation)
    if newcomer is not None and strict != 1:
        hazard[newcomer] = hazard[newcomer] * strict
    if referrer_stays is not None and member.referred_leave_multiplier != 1:
        hazard[referrer_stays] = hazard[referrer_stays] * np.float32(member.referred_leave_multiplier)
    hazard = hazard + np.float32(member.p_leave_drift_per_day)
    if hunter is not None:
        hazard[hunter] = xp.maximum(hazard[hunter], np.float32(hunter_leave_per_day))
    return hazard


def newcomer_multiplier(strictness: float, moderation) -> np.float32:
    """How much more likely a newcomer is to leave under moderation of this strictness (Halfaker 2013):
    1 + strictness_newcomer_churn_effect x strictness."""
    return np.float32(1.0 + moderation.strictness_newcomer_churn_effect * strictness)


def mute_hazard(engagement, member, noise: float = 0.0):
    """Daily chance that each listening member mutes the group: disengagement, plus `noise` (the
    chance today's @all announcement makes a member reach for 消息免打扰)."""
    hazard = member.p_mute_max_per_day * (1.0 - engagement) ** member.mute_shape
    return xp_of(hazard).minimum(np.float32(1.0), hazard + np.float32(noise))


def leave_shares(n: int, referrer_stays, member, xp=np):
    """The share of each member's loss of interest that ends in leaving rather than muting:
    `leave_share_on_disinterest`, times `referred_leave_multiplier` for the referred members whose
    inviter is still a member (positions `referrer_stays`), so that a referred member's leaving,
    by either route, is that much less likely while their friend stays (Van den Bulte et al.
    2018). A plain number when nobody's share differs."""
    share = np.float32(member.leave_share_on_disinterest)
    if referrer_stays is None or not len(referrer_stays) or member.referred_leave_multiplier == 1:
        return share
    shares = xp.full(n, share, dtype=np.float32)
    shares[referrer_stays] = np.float32(min(1.0, member.leave_share_on_disinterest * member.referred_leave_multiplier))
    return shares


def leave_or_mute(leave_hazard, muted, mute_hazard, leave_share, u):
    """Today's decisions (all arrays over the same members; u: one uniform each): masks of who
    leaves and who mutes. One number decides both, cut into consecutive intervals with the chances
    of independent decisions: [0, h_leave) leaves; then, for listening members, a stretch of
    (1 - h_leave) h_mute loses interest, its first leave_share leaving and the rest muting."""
    lost = (1.0 - leave_hazard) * mute_hazard * ~muted  # muted members (x 0) have no interest left to lose
    quit_below = leave_hazard + lost * leave_share
    return u < quit_below, (u >= quit_below) & (u < leave_hazard + lost)


def is_newcomer(joined_day, day: int, newcomer_days: int):
    """Mask of members who joined within the last `newcomer_days` days (新人)."""
    return joined_day > day - newcomer_days


def leavers(member_rows, hazard, u):
    """Rows of the members who leave today (hazard and u: one per member)."""
    return member_rows[u < hazard]
