"""Lifecycle stages and the stage detector.

The five stages of a community's life (创建期 create, 成长期 grow, 活跃期 active, 成熟期 mature,
扩张期 expansion) plus a DECLINE warning for a community that is dying. The detector is a pure
function from a metrics snapshot and the current stage to the next stage, with thresholds from
`LifecycleConfig` and a minimum dwell time so noise does not flip stages back and forth.

Default thresholds and why (all assumptions grounded in operators' descriptions of the stages):
- CREATE -> GROW: the founders' circle has become a real group (100 members) and it is growing
  (5%/week): "成员数量较少, 主要用于互相认识" gives way to growth.
- GROW -> ACTIVE: big enough to sustain conversation (500 members) with a tenth of members visiting
  each day (most members of a real community are silent or have muted it): "社群成员积极参与各种活动".
- ACTIVE -> MATURE: growth has slowed (<2%/week) and members, not staff, write most content:
  "形成稳定的结构和组织"; staff shift from builders to guides (从建设者到引导者).
- MATURE -> EXPANSION: the community has spread over several chat groups (5, i.e. 2,500 members
  in groups of 500; 精细化建群) or into a second population segment, and is growing again
  (1%/week): "开始吸引更多的成员加入, 社群的影响力和知名度不断提高".
- DECLINE: fewer than 3% of members visit daily, or membership shrinks by more than 2% a week.
  Recovery needs more (hysteresis, so a community hovering at the threshold does not flicker):
  membership no longer shrinking and at least 6% visiting daily; it returns to the last healthy
  stage.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

import numpy as np

from sim.schema import param


@dataclass(frozen=True)
class LifecycleConfig:
    """Stage-detector thresholds (see sim/lifecycle.py for the rationale of each)."""

    min_dwell_days: int = param(
        14, lo=0, hi=10_000, help="days a stage lasts at least",
        source="assumption: two weeks, half the detection window, so a week of noise (a campaign "
        "burst, an event) cannot flip stages back and forth",
    )
    window_days: int = param(
        28, lo=1, hi=10_000, help="window for growth and activity averages",
        source="assumption: four weeks, long enough to average out weekly rhythms and one pulse "
        "campaign cycle (28 days), short enough to see a change of stage within a month",
    )
    grow_min_members: int = param(
        100, lo=1, hi=10**9, help="CREATE -> GROW: members",
        source="assumption: 100 members is a real group rather than the founders' circle (five times "
        "the default 20): 成员数量较少, 主要用于互相认识 gives way to growth",
    )
    grow_min_growth_per_week: float = param(
        0.05, lo=0.0, hi=100.0, help="CREATE -> GROW: weekly growth",
        source="assumption: 5% a week (about 22% a month) is growth an operator notices",
    )
    active_min_members: int = param(
        500, lo=1, hi=10**9, help="GROW -> ACTIVE: members",
        source="assumption: one full WeChat group (500), big enough to sustain conversation: "
        "社群成员积极参与各种活动",
    )
    active_min_active_share: float = param(
        0.1, lo=0.0, hi=1.0, help="GROW -> ACTIVE: daily active share",
        source="assumption: a tenth of members visiting each day is a lively group: most members of a "
        "real community are silent or have muted it (Nonnecke & Preece 2000; China Youth Daily 2020) "
        "and vendor benchmarks give 10-30% of members active in a month (Breezio; Higher Logic 2023), "
        "so a daily tenth is the engaged core showing up; the default community runs at 10-15% a day",
    )
    mature_max_growth_per_week: float = param(
        0.02, lo=0.0, hi=100.0, help="ACTIVE -> MATURE: weekly growth below",
        source="assumption: under 2% a week (under about 9% a month) is a stable size: "
        "形成稳定的结构和组织",
    )
    mature_min_member_content_share: float = param(
        0.5, lo=0.0, hi=1.0, help="ACTIVE -> MATURE: member-written share of posts",
        source="assumption: members, not staff, write at least half the posts, the shift of staff "
        "from builders to guides (从建设者到引导者)",
    )
    expansion_min_groups: int = param(
        5, lo=1, hi=10**9, help="MATURE -> EXPANSION: chat groups (or segments below)",
        source="assumption: five chat groups (2,500 members in groups of 500, 精细化建群) is a "
        "community spread well beyond its first group",
    )
    expansion_min_segments: int = param(
        2, lo=1, hi=10**6, help="MATURE -> EXPANSION: population segments with a foothold",
        source="assumption: a foothold in a second population segment (block-model graphs) is "
        "reaching new people rather than more of the same audience",
    )
    segment_foothold_share: float = param(
        0.05, lo=0.0, hi=1.0, help="share of members a segment needs to count as reached",
        source="assumption: a segment is reached when it holds 5% of members, a foothold rather than "
        "a few joiners who came over cross-segment ties",
    )
    expansion_min_growth_per_week: float = param(
        0.01, lo=0.0, hi=100.0, help="MATURE -> EXPANSION: weekly growth",
        source="assumption: growth resumed at 1% a week (about 4% a month) after the mature plateau: "
        "开始吸引更多的成员加入",
    )
    decline_max_active_share: float = param(
        0.03, lo=0.0, hi=1.0, help="DECLINE when active share falls below",
        source="assumption: under 3% of members visiting daily (fewer than 15 in a 500-member group) "
        "is where an operator calls a group dead or dying",
    )
    decline_min_shrink_per_week: float = param(
        0.02, lo=0.0, hi=1.0, help="DECLINE when weekly shrinkage exceeds",
        source="assumption: losing more than 2% of members a week (about 9% a month) is a dying "
        "community",
    )
    recover_min_growth_per_week: float = param(
        0.0, lo=-1.0, hi=100.0,
        help="DECLINE -> last healthy stage: weekly growth at least (and twice the decline active share)",
        source="assumption: leaving DECLINE takes membership no longer shrinking (and at least 6% "
        "visiting daily): hysteresis, so a community hovering at the threshold does not flicker",
    )


class Stage(IntEnum):
    """Lifecycle stage; DECLINE is a warning state, not a sixth stage of healthy growth."""

    CREATE = 0
    GROW = 1
    ACTIVE = 2
    MATURE = 3
    EXPANSION = 4
    DECLINE = 9

    @property
    def zh(self) -> str:
        """Chinese label."""
        return _ZH[self]

    @property
    def label(self) -> str:
        """Bilingual label, e.g. '成长期 GROW'."""
        return f"{self.zh} {self.name}"


_ZH = {
    Stage.CREATE: "创建期",
    Stage.GROW: "成长期",
    Stage.ACTIVE: "活跃期",
    Stage.MATURE: "成熟期",
    Stage.EXPANSION: "扩张期",
    Stage.DECLINE: "衰退期",
}


@dataclass(frozen=True)
class StageSnapshot:
    """What the detector looks at, averaged over the detection window."""

    members: int
    growth_per_week: float  # trend of members per week over the window, relative to their mean
    active_share: float  # mean daily active members / members over the window
    member_content_share: float  # share of posts written by members over the window
    n_groups: int = 1  # chat groups
    segments_reached: int = 1  # population segments where the community has a foothold
    retention: float = 1.0  # 1 - leaves over the window / members at its start


def weekly_trend(members) -> float:
    """Relative weekly growth of a daily series: the least-squares slope x 7 / the mean.

    A fitted trend rather than first-to-last change, so a campaign burst at one end of the window
    (pulse campaigns, events) does not read as growth or decline.
    """
    y = np.asarray(members, dtype=np.float64)
    if len(y) < 2 or y.mean() <= 0:
        return 0.0
    slope = np.polyfit(np.arange(len(y)), y, 1)[0]
    return float(slope * 7.0 / y.mean())


def snapshot(column, window_days: int, n_groups: int, segments_reached: int) -> StageSnapshot:
    """The detector's view of the last `window_days` days.

    Args:
        column: the recorded daily series by metric name, days 0..today (`column("members")`).
        window_days: the detection window.
        n_groups: chat groups with members today.
        segments_reached: population segments where the community has a foothold today.
    """
    members = column("members")
    day = len(members) - 1
    first = max(0, day - window_days)
    window = slice(first + 1, day + 1)
    start = members[first]
    active = column("daily_active")[window].sum()
    members_start = members[first:day].sum()
    posts_m = column("posts_member")[window].sum()
    posts_e = column("posts_expert")[window].sum()
    leaves = column("leaves")[window].sum()
    return StageSnapshot(
        members=int(members[-1]),
        growth_per_week=float(weekly_trend(members[first:])),
        active_share=float(active / members_start) if members_start else 0.0,
        member_content_share=float(posts_m / (posts_m + posts_e)) if posts_m + posts_e else 0.0,
        n_groups=n_groups,
        segments_reached=segments_reached,
        retention=float(1.0 - leaves / start) if start else 1.0,
    )


def next_stage(
    current: Stage, days_in_stage: int, snap: StageSnapshot, cfg: LifecycleConfig, resume: Stage = Stage.CREATE
) -> Stage:
    """The stage after today.

    Args:
        current: stage so far.
        days_in_stage: days spent in it.
        snap: metrics over the recent window.
        cfg: thresholds.
        resume: stage to return to when a DECLINE recovers (the last healthy stage).
    """
    if days_in_stage < cfg.min_dwell_days:
        return current
    dying = snap.members == 0 or (
        snap.active_share < cfg.decline_max_active_share or snap.growth_per_week < -cfg.decline_min_shrink_per_week
    )
    if current == Stage.DECLINE:  # hysteresis: leaving DECLINE takes more than no longer dying
        recovered = (
            snap.members > 0
            and snap.growth_per_week >= cfg.recover_min_growth_per_week
            and snap.active_share >= 2 * cfg.decline_max_active_share
        )
        return resume if recovered else Stage.DECLINE
    if dying:
        return Stage.DECLINE
    if current == Stage.CREATE:
        grown = snap.members >= cfg.grow_min_members and snap.growth_per_week >= cfg.grow_min_growth_per_week
        return Stage.GROW if grown else current
    if current == Stage.GROW:
        lively = snap.members >= cfg.active_min_members and snap.active_share >= cfg.active_min_active_share
        return Stage.ACTIVE if lively else current
    if current == Stage.ACTIVE:
        settled = (
            snap.growth_per_week < cfg.mature_max_growth_per_week
            and snap.member_content_share >= cfg.mature_min_member_content_share
        )
        return Stage.MATURE if settled else current
    if current == Stage.MATURE:
        spread = snap.n_groups >= cfg.expansion_min_groups or snap.segments_reached >= cfg.expansion_min_segments
        expanding = spread and snap.growth_per_week >= cfg.expansion_min_growth_per_week
        return Stage.EXPANSION if expanding else current
    return current
