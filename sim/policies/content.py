"""Content policy (内容日历): how many posts the expert team owes each day.

The experts (sim/agents.py) publish what the calendar asks, shared among them; the feed mechanic
(sim/mechanics/content.py) turns what they publish into the value members get from visiting.
"""

from __future__ import annotations

from dataclasses import dataclass

from sim.schema import param


@dataclass(frozen=True)
class ContentPolicyConfig:
    """Staff content calendar (内容日历)."""

    name: str = param(
        "calendar", help="content policy: calendar or none",
        source="setting: the content policy; a steady calendar (内容日历) by default",
    )
    posts_per_week: float = param(
        7.0, lo=0.0, hi=10_000.0, help="expert posts per week, whole team",
        source="assumption: one expert post a day for the whole team (a daily 内容日历), half of what "
        "two experts sustain; the stage_aware playbook uses 14 in CREATE, 10 in GROW, 5 in MATURE",
    )
    quality: float = param(
        0.8, lo=0.0, hi=1.0, help="mean quality of an expert post",
        source="assumption: expert posts are good but not all excellent, well above a member's post "
        "(member.member_post_quality = 0.3)",
    )


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


POLICIES = {"none": NoStaffContent, "calendar": ContentCalendar}
