"""Operating policies as small strategy objects, chosen by name from registries.

A config selects a policy by `name` and gives its numbers; it can never name code. Each policy
answers one question for the mechanics or the staff that apply it:

- content: how many posts the expert team owes today (内容日历);
- referral (裂变): how likely each active member is to invite a friend today, and what a join pays;
- acquisition: how much a growth officer may spend on a campaign today;
- moderation: how many moderators the owner wants for the community's size;
- welcome (新人欢迎): which newcomer-care duties staff take on;
- tiers (用户分层): the points thresholds of each tier and what each tier changes;
- events: on which days the activity planner holds an event.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from sim.backend import xp_of
from sim.config import AcquisitionPolicyConfig, ContentPolicyConfig, ReferralPolicyConfig
from sim.operations_config import (
    EventPolicyConfig,
    ModerationPolicyConfig,
    TierPolicyConfig,
    WelcomePolicyConfig,
)
from sim.population import MemberTable

# -- content -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class NoStaffContent:
    """Experts publish nothing; the feed is whatever members write."""

    cfg: ContentPolicyConfig

    def posts_due_per_day(self, day: int) -> float:
        """Expected expert posts today, whole team."""
        return 0.0


@dataclass(frozen=True)
class ContentCalendar:
    """A steady calendar: `posts_per_week` expert posts spread evenly over the week."""

    cfg: ContentPolicyConfig

    def posts_due_per_day(self, day: int) -> float:
        """Expected expert posts today, whole team."""
        return self.cfg.posts_per_week / 7.0


CONTENT_POLICIES = {"none": NoStaffContent, "calendar": ContentCalendar}

# -- referral ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class NoReferral:
    """Members do not invite anyone (no fission)."""

    cfg: ReferralPolicyConfig

    def invite_propensity(self, table: MemberTable, rows) -> np.ndarray | float:
        """Chance each member in `rows` sends an invitation today."""
        return 0.0

    def pay_rewards(self, table: MemberTable, inviters: np.ndarray) -> float:
        """Credit inviters of today's referral joins; returns the cost (yuan)."""
        return 0.0


@dataclass(frozen=True)
class OpenInvite:
    """Members may invite friends; nothing is paid. Engaged members invite more."""

    cfg: ReferralPolicyConfig

    def invite_propensity(self, table: MemberTable, rows) -> np.ndarray | float:
        """Chance each member in `rows` sends an invitation today."""
        return self.cfg.p_invite_per_day * table.engagement[rows]

    def pay_rewards(self, table: MemberTable, inviters: np.ndarray) -> float:
        """Credit inviters of today's referral joins; returns the cost (yuan)."""
        return 0.0


@dataclass(frozen=True)
class RewardPerJoin:
    """Each successful referral pays the inviter `reward_per_join`, up to a cap per member; the
    reward makes members who can still earn it invite (1 + reward_invite_boost) times as often."""

    cfg: ReferralPolicyConfig

    def invite_propensity(self, table: MemberTable, rows) -> np.ndarray | float:
        """Chance each member in `rows` sends an invitation today."""
        xp = xp_of(rows)
        can_earn = table.rewarded_joins[rows] < self.cfg.max_rewarded_joins_per_member
        boost = xp.where(can_earn, np.float32(1.0 + self.cfg.reward_invite_boost), np.float32(1.0))
        return xp.minimum(np.float32(1.0), self.cfg.p_invite_per_day * table.engagement[rows] * boost)

    def pay_rewards(self, table: MemberTable, inviters: np.ndarray) -> float:
        """Credit inviters of today's referral joins; returns the cost (yuan)."""
        # each member sends at most one invitation a day, so `inviters` has no repeats
        paid = inviters[table.rewarded_joins[inviters] < self.cfg.max_rewarded_joins_per_member]
        table.rewarded_joins[paid] += 1
        return float(len(paid) * self.cfg.reward_per_join)


REFERRAL_POLICIES = {"none": NoReferral, "open_invite": OpenInvite, "reward_per_join": RewardPerJoin}

# -- acquisition -------------------------------------------------------------------------------


@dataclass(frozen=True)
class NoCampaign:
    """No paid campaigns."""

    cfg: AcquisitionPolicyConfig

    def budget_today(self, day: int) -> float:
        """Campaign budget one growth officer may spend today (yuan)."""
        return 0.0


@dataclass(frozen=True)
class SteadyCampaign:
    """The same budget every day (always-on ads)."""

    cfg: AcquisitionPolicyConfig

    def budget_today(self, day: int) -> float:
        """Campaign budget one growth officer may spend today (yuan)."""
        return self.cfg.budget_per_day


@dataclass(frozen=True)
class PulseCampaign:
    """Bursts of `pulse_length_days` every `pulse_every_days`, spending in each burst what a
    steady campaign would spend over the whole cycle (same total, concentrated)."""

    cfg: AcquisitionPolicyConfig

    def budget_today(self, day: int) -> float:
        """Campaign budget one growth officer may spend today (yuan)."""
        every, length = self.cfg.pulse_every_days, min(self.cfg.pulse_length_days, self.cfg.pulse_every_days)
        if (day - 1) % every < length:
            return self.cfg.budget_per_day * every / length
        return 0.0


ACQUISITION_POLICIES = {"none": NoCampaign, "steady": SteadyCampaign, "pulse": PulseCampaign}


# -- moderation --------------------------------------------------------------------------------


@dataclass(frozen=True)
class FixedModeration:
    """The moderators the scenario starts with, whatever the size."""

    cfg: ModerationPolicyConfig

    def moderators_wanted(self, members: int, current: int) -> int:
        """Moderators the owner wants today."""
        return current


@dataclass(frozen=True)
class RatioModeration:
    """Hire moderators to keep at most `members_per_moderator` members each (never fire)."""

    cfg: ModerationPolicyConfig

    def moderators_wanted(self, members: int, current: int) -> int:
        """Moderators the owner wants today."""
        return max(current, min(self.cfg.max_moderators, math.ceil(members / self.cfg.members_per_moderator)))


MODERATION_POLICIES = {"fixed": FixedModeration, "ratio": RatioModeration}

# -- welcome -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class WelcomePolicy:
    """Which newcomer-care duties moderators take on."""

    cfg: WelcomePolicyConfig
    greet: bool = False
    reply_first_posts: bool = False


def _welcome(greet: bool, reply: bool):
    return lambda cfg: WelcomePolicy(cfg, greet, reply)


WELCOME_POLICIES = {
    "none": _welcome(False, False),
    "greet": _welcome(True, False),
    "greet_and_reply": _welcome(True, True),
}

# -- tiers -------------------------------------------------------------------------------------


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
class ThreeTier(PointsLadder):
    """Three layers 粉丝 fan -> 会员 member -> VIP, as in the Yanjin Puzi case (三层社群体系):
    members pass straight from the entry layer to `core_points` and on to VIP."""

    def thresholds(self) -> tuple[float, float, float]:
        """Points needed for regular, core, VIP (regular is skipped)."""
        return (self.cfg.core_points, self.cfg.core_points, self.cfg.vip_points)


TIER_POLICIES = {"none": NoTiers, "points_ladder": PointsLadder, "three_tier": ThreeTier}

# -- events ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NoEvents:
    """No events."""

    cfg: EventPolicyConfig

    def is_event_day(self, day: int) -> bool:
        """Whether an event is held today."""
        return False


@dataclass(frozen=True)
class ScheduledEvents:
    """An event every `every_days` from `first_day` (online sessions or offline meet-ups differ
    by their values: capacity, cost, new ties per attendee)."""

    cfg: EventPolicyConfig

    def is_event_day(self, day: int) -> bool:
        """Whether an event is held today."""
        return day >= self.cfg.first_day and (day - self.cfg.first_day) % self.cfg.every_days == 0


EVENT_POLICIES = {"none": NoEvents, "online": ScheduledEvents, "offline": ScheduledEvents}

REGISTRIES = {
    "content": CONTENT_POLICIES,
    "referral": REFERRAL_POLICIES,
    "acquisition": ACQUISITION_POLICIES,
    "moderation": MODERATION_POLICIES,
    "welcome": WELCOME_POLICIES,
    "tiers": TIER_POLICIES,
    "events": EVENT_POLICIES,
}


@dataclass(frozen=True)
class Policies:
    """The policies of one run, built from the config."""

    content: object
    referral: object
    acquisition: object
    moderation: object
    welcome: WelcomePolicy
    tiers: object
    events: object

    @classmethod
    def from_config(cls, policy_cfg) -> Policies:
        """Look each policy up by name in its registry."""
        return cls(**{group: registry[getattr(policy_cfg, group).name](getattr(policy_cfg, group))
                      for group, registry in REGISTRIES.items()})
