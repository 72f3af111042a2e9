"""Churn: the daily chance that a member leaves, with every factor in one formula.

`leave_hazard` is the whole formula:

    p_churn_max_per_day x (1 - engagement) ** churn_shape       a disengaged member leaves at the maximum
    x tier multiplier                                          core and VIP members stay longer
    x (1 + toxicity_churn_effect x toxicity)                   unresolved incidents drive people out
    x (1 + strictness_newcomer_churn_effect x strictness)      newcomers only: strict rules deter them
                                                               (Halfaker et al. 2013)

A fully engaged member never leaves; a zero maximum means nobody does. Leavers do not come back.
"""

from __future__ import annotations

import numpy as np

from sim.backend import xp_of
from sim.state import Metric, share

PARAMETERS = (
    "member.p_churn_max_per_day",
    "member.churn_shape",
    "moderation.toxicity_churn_effect",
    "moderation.newcomer_days",
    "moderation.strictness_newcomer_churn_effect",
    "policy.moderation.strictness",
    "policy.tiers.churn_multiplier_*",
)

METRICS = (
    Metric("leaves", "people/day", "members who left today", lambda s: s.tally.leaves),
    Metric("churn_rate", "1/day", "leaves today / members at the start of the day",
           lambda s: share(s.tally.leaves, s.tally.members_start)),
)


def leave_hazard(engagement, tier_multiplier, toxicity: float, newcomer, strictness: float, member, moderation):
    """Daily chance that each member leaves (all arrays over the same members).

    Args:
        engagement: 0..1 per member.
        tier_multiplier: the tier policy's churn multiplier of each member's tier.
        toxicity: the community's toxicity, 0..1.
        newcomer: mask of members who joined within `moderation.newcomer_days`.
        strictness: the moderation policy's strictness, 0..1.
        member: the `member` config group (p_churn_max_per_day, churn_shape).
        moderation: the `moderation` config group (toxicity_churn_effect,
            strictness_newcomer_churn_effect).
    """
    hazard = member.p_churn_max_per_day * (1.0 - engagement) ** member.churn_shape
    hazard = hazard * tier_multiplier
    hazard *= np.float32(1.0 + moderation.toxicity_churn_effect * toxicity)
    strict = np.float32(1.0 + moderation.strictness_newcomer_churn_effect * strictness)
    return xp_of(hazard).where(newcomer, hazard * strict, hazard)


def is_newcomer(joined_day, day: int, newcomer_days: int):
    """Mask of members who joined within the last `newcomer_days` days (新人)."""
    return joined_day > day - newcomer_days


def leavers(member_rows, hazard, u):
    """Rows of the members who leave today (hazard and u: one per member)."""
    return member_rows[u < hazard]
