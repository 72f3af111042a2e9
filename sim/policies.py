"""Operating policies as small strategy objects, chosen by name from registries.

A config selects a policy by `name` and gives its numbers; it can never name code. Each policy
answers one question for the mechanics or the staff that apply it:

- content: how many posts the expert team owes today (内容日历);
- referral (裂变): how likely each active member is to invite a friend today, and what a join pays;
- acquisition: how much a growth officer may spend on a campaign today.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.config import AcquisitionPolicyConfig, ContentPolicyConfig, ReferralPolicyConfig
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

    def invite_propensity(self, table: MemberTable) -> np.ndarray | float:
        """Chance each active member sends an invitation today."""
        return 0.0

    def pay_rewards(self, table: MemberTable, inviters: np.ndarray) -> float:
        """Credit inviters of today's referral joins; returns the cost (yuan)."""
        return 0.0


@dataclass(frozen=True)
class OpenInvite:
    """Members may invite friends; nothing is paid. Engaged members invite more."""

    cfg: ReferralPolicyConfig

    def invite_propensity(self, table: MemberTable) -> np.ndarray | float:
        """Chance each active member sends an invitation today."""
        return self.cfg.p_invite_per_day * table.engagement

    def pay_rewards(self, table: MemberTable, inviters: np.ndarray) -> float:
        """Credit inviters of today's referral joins; returns the cost (yuan)."""
        return 0.0


@dataclass(frozen=True)
class RewardPerJoin:
    """Each successful referral pays the inviter `reward_per_join`, up to a cap per member; the
    reward makes members who can still earn it invite (1 + reward_invite_boost) times as often."""

    cfg: ReferralPolicyConfig

    def invite_propensity(self, table: MemberTable) -> np.ndarray | float:
        """Chance each active member sends an invitation today."""
        can_earn = table.rewarded_joins < self.cfg.max_rewarded_joins_per_member
        boost = np.where(can_earn, np.float32(1.0 + self.cfg.reward_invite_boost), np.float32(1.0))
        return np.minimum(np.float32(1.0), self.cfg.p_invite_per_day * table.engagement * boost)

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


@dataclass(frozen=True)
class Policies:
    """The policies of one run, built from the config."""

    content: object
    referral: object
    acquisition: object

    @classmethod
    def from_config(cls, policy_cfg) -> Policies:
        """Look each policy up by name in its registry."""
        return cls(
            content=CONTENT_POLICIES[policy_cfg.content.name](policy_cfg.content),
            referral=REFERRAL_POLICIES[policy_cfg.referral.name](policy_cfg.referral),
            acquisition=ACQUISITION_POLICIES[policy_cfg.acquisition.name](policy_cfg.acquisition),
        )
