"""Tier policy (用户分层, 积分): the points each action earns, the thresholds of each tier, and what
each tier changes (posting, churn, purchases) and costs (VIP perks).

The points mechanic (sim/mechanics/tiers.py) awards the points and promotes members; the mechanics
of posting, churn and purchases read the tier multipliers from this policy.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from sim.schema import param

EFFECTS = ("post", "churn", "purchase")


GALLUS_2017 = (
    "Gallus 2017: a purely symbolic award cut the share of Wikipedia newcomers who did not return "
    "from 43.5% to 34.8% (x0.8)"
)


@dataclass(frozen=True)
class TierPolicyConfig:
    """User layering (用户分层) with points (积分): thresholds, what each tier changes, VIP perks."""

    name: str = param(
        "none", help="none, points_ladder (新人/普通/核心/VIP) or three_tier (粉丝/会员/VIP)",
        source="setting: the tier policy; none by default (stage_aware starts points_ladder in ACTIVE)",
    )
    points_per_post: float = param(
        5.0, lo=0.0, hi=1e6, help="points for a post",
        source="assumption: writing is worth five check-ins: points (积分) reward contribution over "
        "showing up; awarded once per posting day, however many posts",
    )
    points_per_reply: float = param(
        2.0, lo=0.0, hi=1e6, help="points for a reply",
        source="assumption: a reply takes less effort than a post and more than a check-in; awarded "
        "once per replying day",
    )
    points_per_referral_join: float = param(
        20.0, lo=0.0, hi=1e6, help="points for a friend who joins",
        source="assumption: the most of any action (twenty check-ins): operators reward bringing "
        "people in most (裂变)",
    )
    points_per_event: float = param(
        10.0, lo=0.0, hi=1e6, help="points for attending an event",
        source="assumption: attending an event is worth two posting days",
    )
    points_per_active_day: float = param(
        1.0, lo=0.0, hi=1e6, help="points for a visit (check-in 签到)",
        source="assumption: one point per visit (签到), the unit the other awards are counted in",
    )
    regular_points: float = param(
        20.0, lo=0.0, hi=1e12, help="points to become a regular member",
        source="assumption: about 20 visits (three weeks of daily check-ins, fewer with posts) make a "
        "newcomer a regular",
    )
    core_points: float = param(
        120.0, lo=0.0, hi=1e12, help="points to become a core member",
        source="assumption: four months of daily visits, or three weeks of visiting and posting every "
        "day, make a core member",
    )
    vip_points: float = param(
        500.0, lo=0.0, hi=1e12, help="points to become VIP",
        source="assumption: VIP takes sustained contribution: over a year of check-ins alone, about "
        "three months of posting every day, or 25 friends brought in",
    )
    churn_multiplier_regular: float = param(
        0.8, lo=0.0, hi=10.0, help="churn hazard multiplier of regulars",
        source=f"{GALLUS_2017}; size assumption: the regular tier's recognition has that effect on the "
        "leaving hazard",
    )
    churn_multiplier_core: float = param(
        0.5, lo=0.0, hi=10.0, help="churn hazard multiplier of core members",
        source="assumption: core status and ties halve the leaving hazard, beyond a regular's 0.8 "
        "(Gallus 2017's symbolic award)",
    )
    churn_multiplier_vip: float = param(
        0.3, lo=0.0, hi=10.0, help="churn hazard multiplier of VIPs",
        source="assumption: VIP perks and status cut the leaving hazard to 0.3: a VIP has the most to "
        "lose by leaving",
    )
    post_multiplier_regular: float = param(
        1.2, lo=0.0, hi=100.0, help="posting propensity multiplier of regulars",
        source="assumption: recognition raises a regular's posting a little, on top of the posting "
        "that earned the tier",
    )
    post_multiplier_core: float = param(
        2.0, lo=0.0, hi=100.0, help="posting propensity multiplier of core members",
        source="assumption: core members post twice as readily as their trait alone, carrying "
        "conversations as operators expect of a core (核心成员)",
    )
    post_multiplier_vip: float = param(
        2.5, lo=0.0, hi=100.0, help="posting propensity multiplier of VIPs",
        source="assumption: VIPs post a little more than core members; rank adds less once a member "
        "already carries conversations",
    )
    purchase_multiplier_regular: float = param(
        1.2, lo=0.0, hi=100.0, help="purchase rate multiplier of regulars",
        source="assumption: regulars buy 20% more often; members of a coffee chain's groups bought 30% "
        "more often a month than non-members (Luckin case write-ups, not causal)",
    )
    purchase_multiplier_core: float = param(
        2.0, lo=0.0, hi=100.0, help="purchase rate multiplier of core members",
        source="assumption: core members buy twice as often; tiering raised ARPU in the Yanjin Puzi "
        "three-layer case (盐津铺子 三层社群体系), which gives no figure",
    )
    purchase_multiplier_vip: float = param(
        3.0, lo=0.0, hi=100.0, help="purchase rate multiplier of VIPs (higher ARPU, as in the Yanjin Puzi case)",
        source="assumption: VIPs buy three times as often (higher ARPU in the Yanjin Puzi case, no "
        "figure given), the tier policy's strongest lever on revenue",
    )
    vip_perk_cost_per_day: float = param(
        1.0, lo=0.0, hi=1e6, help="cost of one VIP's perks per day (yuan)",
        source="assumption: about 30 yuan a month per VIP of coupons, gifts and early access",
    )


@dataclass(frozen=True)
class NoTiers:
    """No points programme: everyone stays a newcomer-tier member, no perks."""

    cfg: TierPolicyConfig
    active = False

    def thresholds(self) -> tuple[float, float, float]:
        """Points needed for regular, core, VIP."""
        return (math.inf, math.inf, math.inf)

    def multipliers(self, effect: str) -> np.ndarray:
        """Per-tier multiplier of `effect` (post, churn, purchase), newcomer first."""
        return np.ones(4, dtype=np.float32)


@dataclass(frozen=True)
class PointsLadder:
    """Four tiers 新人 newcomer -> 普通 regular -> 核心 core -> VIP by points thresholds."""

    cfg: TierPolicyConfig
    active = True

    def thresholds(self) -> tuple[float, float, float]:
        """Points needed for regular, core, VIP."""
        return (self.cfg.regular_points, self.cfg.core_points, self.cfg.vip_points)

    def multipliers(self, effect: str) -> np.ndarray:
        """Per-tier multiplier of `effect` (post, churn, purchase), newcomer first."""
        c = self.cfg
        values = [getattr(c, f"{effect}_multiplier_{t}") for t in ("regular", "core", "vip")]
        return np.array([1.0, *values], dtype=np.float32)


@dataclass(frozen=True)
class ThreeTier:
    """Three layers 粉丝 fan -> 会员 member -> VIP, as in the Yanjin Puzi case (三层社群体系):
    members pass straight from the entry layer to `core_points` and on to VIP."""

    cfg: TierPolicyConfig
    active = True

    def thresholds(self) -> tuple[float, float, float]:
        """Points needed for regular, core, VIP (regular is skipped)."""
        return (self.cfg.core_points, self.cfg.core_points, self.cfg.vip_points)

    def multipliers(self, effect: str) -> np.ndarray:
        """Per-tier multiplier of `effect` (post, churn, purchase), newcomer first."""
        return PointsLadder(self.cfg).multipliers(effect)


POLICIES = {"none": NoTiers, "points_ladder": PointsLadder, "three_tier": ThreeTier}
