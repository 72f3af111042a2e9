"""Operating policies, one module per family, each chosen by name from its registry.

A family module holds its config dataclass, its strategies and `POLICIES`, the registry a config
picks from by `name` (a config selects behaviour, it never names code). Each policy answers one
question for the mechanics or the staff that apply it:

- content (内容日历): how many posts the expert team owes today;
- referral (裂变): how likely each active member is to invite a friend today, who earns a reward;
- acquisition: how much a growth officer may spend on a campaign today;
- moderation (群规): how many moderators the owner wants for the community's size, and how strict;
- welcome (新人欢迎): which newcomer-care duties staff take on;
- tiers (用户分层): the points thresholds of each tier and what each tier changes;
- events (活动): on which days the activity planner holds an event;
- reactivation (唤醒/召回): which levers call quiet and muted members back.

On the command line each family is a Hydra group: `policy/<family>=<name>` (configs/policy/).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sim.policies import (
    acquisition,
    content,
    events,
    moderation,
    reactivation,
    referral,
    tiers,
    welcome,
)
from sim.policies.acquisition import AcquisitionPolicyConfig
from sim.policies.content import ContentPolicyConfig
from sim.policies.events import EventPolicyConfig
from sim.policies.moderation import ModerationPolicyConfig
from sim.policies.reactivation import ReactivationPolicyConfig
from sim.policies.referral import ReferralPolicyConfig
from sim.policies.tiers import TierPolicyConfig
from sim.policies.welcome import WelcomePolicyConfig

REGISTRIES = {
    "content": content.POLICIES,
    "referral": referral.POLICIES,
    "acquisition": acquisition.POLICIES,
    "moderation": moderation.POLICIES,
    "welcome": welcome.POLICIES,
    "tiers": tiers.POLICIES,
    "events": events.POLICIES,
    "reactivation": reactivation.POLICIES,
}


@dataclass(frozen=True)
class PolicyConfig:
    """Operating policies, each chosen by name from a registry."""

    content: ContentPolicyConfig = field(default_factory=ContentPolicyConfig)
    referral: ReferralPolicyConfig = field(default_factory=ReferralPolicyConfig)
    acquisition: AcquisitionPolicyConfig = field(default_factory=AcquisitionPolicyConfig)
    moderation: ModerationPolicyConfig = field(default_factory=ModerationPolicyConfig)
    welcome: WelcomePolicyConfig = field(default_factory=WelcomePolicyConfig)
    tiers: TierPolicyConfig = field(default_factory=TierPolicyConfig)
    events: EventPolicyConfig = field(default_factory=EventPolicyConfig)
    reactivation: ReactivationPolicyConfig = field(default_factory=ReactivationPolicyConfig)


@dataclass(frozen=True)
class Policies:
    """The policies in force, one strategy object per family, built from the config."""

    content: object
    referral: object
    acquisition: object
    moderation: object
    welcome: object
    tiers: object
    events: object
    reactivation: object

    @classmethod
    def from_config(cls, policy_cfg: PolicyConfig) -> Policies:
        """Look each policy up by name in its family's registry."""
        return cls(**{family: registry[getattr(policy_cfg, family).name](getattr(policy_cfg, family))
                      for family, registry in REGISTRIES.items()})


def unknown_policy(policy_cfg: PolicyConfig) -> str | None:
    """A one-line complaint about the first policy name no registry knows, or None."""
    for family, registry in REGISTRIES.items():
        name = getattr(policy_cfg, family).name
        if name not in registry:
            return f"policy.{family}.name = {name!r} is not a known policy: choose one of {', '.join(registry)}"
    return None
