"""Moderation policy (群规): how many moderators the owner keeps, and how strict the rules are.

The moderation mechanic (sim/mechanics/moderation.py) turns strictness into incidents removed by the
rules (and newcomers deterred, sim/mechanics/churn.py); the hiring phase asks this policy how many
moderators the community's size calls for.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from sim.schema import param


@dataclass(frozen=True)
class ModerationPolicyConfig:
    """How many moderators, and how strict (群规)."""

    name: str = param(
        "fixed", help="fixed (staff.n_moderators) or ratio (hire to keep members_per_moderator)",
        source="setting: the moderation policy; fixed (the scenario's moderators, whatever the size) "
        "by default",
    )
    members_per_moderator: int = param(
        500, lo=1, hi=10**9, help="ratio: members per moderator (one admin per 500-member WeChat group)",
        source="assumption: one owner or admin per full 500-member WeChat group",
    )
    max_moderators: int = param(
        50, lo=0, hi=100_000, help="ratio: hiring stops here",
        source="assumption: a ceiling (25,000 members at 500 each) so a runaway community does not "
        "hire without bound",
    )
    strictness: float = param(
        0.5, lo=0.0, hi=1.0, help="0 lenient .. 1 strict: more automatic removal, more deterred newcomers",
        source="assumption: middling rules: they remove 30% of incidents by themselves and raise "
        "newcomers' leaving hazard by half (moderation.strictness_auto_removal, "
        "moderation.strictness_newcomer_churn_effect)",
    )


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


POLICIES = {"fixed": FixedModeration, "ratio": RatioModeration}
