"""Lifecycle stages and the stage detector.

The five stages of a community's life (创建期 create, 成长期 grow, 活跃期 active, 成熟期 mature,
扩张期 expansion) plus a DECLINE warning for a community that is dying. The detector is a pure
function from a metrics snapshot and the current stage to the next stage, with thresholds from
`LifecycleConfig` and a minimum dwell time so noise does not flip stages back and forth.

No source gives numeric thresholds for the stages (Iriberri & Leroy 2009 name them
qualitatively); the criteria are ours, chosen so that each stage means what operators mean by it
(the seeds: 创建 / 发展 / 活跃 / 成熟 / 扩张):
- CREATE -> GROW: the founders' circle has become a real group (100 members) and it is growing
  (5%/week): "成员数量较少, 主要用于互相认识" gives way to growth from a small base.
- GROW -> ACTIVE: interaction is established. The community is big enough to sustain
  conversation (500 members), a tenth of members visit each day (most members of a real
  community are silent or have muted it), and members answer members: at least one reply for
  every two member posts. "社群成员积极参与各种活动".
- ACTIVE -> MATURE: the audience within reach saturates. Joins over the last four weeks have
  fallen to two thirds of their four-week peak or less, while net growth is small (<2%/week) and
  members, not staff, write most of the content: "形成稳定的结构和组织"; staff shift from
  builders to guides (从建设者到引导者). A falling inflow, not a falling growth *rate*: a constant
  inflow divided by a growing membership is not maturity.
- MATURE -> EXPANSION: growth resumes because the community reaches new people: joins over the
  last four weeks have risen to 1.5 times their lowest four weeks since MATURE began, and
  membership grows again (1%/week). Measured as renewed growth, not as a count of groups:
  "开始吸引更多的成员加入, 社群的影响力和知名度不断提高". What brings the new people (a new
  population segment opened by the playbook, new groups seeded into new audiences, a new offer)
  is the operator's move; the stage is its result.
- DECLINE: fewer than 3% of members visit daily, or membership shrinks by more than 2% a week.
  Recovery needs more (hysteresis, so a community hovering at the threshold does not flicker):
  membership no longer shrinking and at least 6% visiting daily; it returns to the last healthy
  stage.

`explain` puts the criterion a change crossed into one bilingual line, with its numbers, for the
event log, the app and the storyboard.
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
    active_min_replies_per_post: float = param(
        0.5, lo=0.0, hi=1e6, help="GROW -> ACTIVE: member replies per member post",
        source="assumption: members answer members, at least one reply for every two member posts; "
        "Joyce & Kraut 2006 found 61% of newcomers' first posts answered and Burke et al. 2007 40% of "
        "thread starters unanswered, so a group where half the posts draw a reply has working "
        "conversation rather than broadcast",
    )
    mature_max_joins_share_of_peak: float = param(
        2 / 3, lo=0.0, hi=1.0, help="ACTIVE -> MATURE: joins over the window at most this share of their peak window",
        source="assumption: the audience within reach saturates when joins fall by a third from their "
        "four-week peak and stay there; a third is well beyond the window-to-window noise of a few "
        "hundred joins (about 1/sqrt(joins)), and a monthly campaign pulse falls inside every four-week window",
    )
    mature_max_growth_per_week: float = param(
        0.02, lo=0.0, hi=100.0, help="ACTIVE -> MATURE: weekly net growth below",
        source="assumption: under 2% a week (under about 9% a month) is a stable size: "
        "形成稳定的结构和组织",
    )
    mature_min_member_content_share: float = param(
        0.5, lo=0.0, hi=1.0, help="ACTIVE -> MATURE: member-written share of posts",
        source="assumption: members, not staff, write at least half the posts, the shift of staff "
        "from builders to guides (从建设者到引导者)",
    )
    expansion_min_joins_rise: float = param(
        1.5, lo=1.0, hi=1e6, help="MATURE -> EXPANSION: joins over the window at least this many times their lowest window since MATURE",
        source="assumption: growth has resumed when four weeks bring half as many joins again as the "
        "quietest four weeks of maturity, a rise no campaign pulse of a mature community gives by itself "
        "(the pulse falls inside every four-week window of a monthly cycle)",
    )
    expansion_min_growth_per_week: float = param(
        0.01, lo=0.0, hi=100.0, help="MATURE -> EXPANSION: weekly net growth",
        source="assumption: membership grows again by 1% a week (about 4% a month) after the mature "
        "plateau: 开始吸引更多的成员加入",
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
    """What the detector looks at, over the detection window (the last `window_days` days)."""

    members: int
    growth_per_week: float  # trend of members per week over the window, relative to their mean
    active_share: float  # mean daily active members / members over the window
    member_content_share: float  # share of posts written by members over the window
    replies_per_post: float = 0.0  # member replies per member post over the window
    joins: int = 0  # joins over the window
    peak_joins: int = 0  # the most joins of any window so far (this one included)
    low_joins: int = 0  # the fewest joins of any window that ended in the current stage
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


def window_sums(daily, window_days: int) -> np.ndarray:
    """Sums of a daily series over every window of `window_days` days ending on days 1..today
    (shorter at the start), indexed by the window's last day minus one. Day 0 is the founding
    and is not counted."""
    c = np.cumsum(np.asarray(daily, dtype=np.float64)[1:])
    return c - np.concatenate([np.zeros(min(window_days, len(c))), c[: max(len(c) - window_days, 0)]])


def snapshot(column, window_days: int, stage_since: int = 0) -> StageSnapshot:
    """The detector's view of the last `window_days` days.

    Args:
        column: the recorded daily series by metric name, days 0..today (`column("members")`).
        window_days: the detection window.
        stage_since: the day the current stage began (for the lowest joins since then).
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
    replies = column("replies")[window].sum()
    leaves = column("leaves")[window].sum()
    joins = window_sums(column("joins"), window_days)
    in_stage = joins[max(stage_since, 1) - 1:] if len(joins) else joins
    return StageSnapshot(
        members=int(members[-1]),
        growth_per_week=float(weekly_trend(members[first:])),
        active_share=float(active / members_start) if members_start else 0.0,
        member_content_share=float(posts_m / (posts_m + posts_e)) if posts_m + posts_e else 0.0,
        replies_per_post=float(replies / posts_m) if posts_m else 0.0,
        joins=int(round(joins[-1])) if len(joins) else 0,
        peak_joins=int(round(joins.max())) if len(joins) else 0,
        low_joins=int(round(in_stage.min())) if len(in_stage) else 0,
        retention=float(1.0 - leaves / start) if start else 1.0,
    )


def _dying(snap: StageSnapshot, cfg: LifecycleConfig) -> bool:
    return snap.members == 0 or (
        snap.active_share < cfg.decline_max_active_share or snap.growth_per_week < -cfg.decline_min_shrink_per_week
    )


def _recovered(snap: StageSnapshot, cfg: LifecycleConfig) -> bool:
    return (
        snap.members > 0
        and snap.growth_per_week >= cfg.recover_min_growth_per_week
        and snap.active_share >= 2 * cfg.decline_max_active_share
    )


def _criterion_met(current: Stage, snap: StageSnapshot, cfg: LifecycleConfig) -> bool:
    """Whether the criterion for leaving healthy stage `current` for the next one is met."""
    if current == Stage.CREATE:
        return snap.members >= cfg.grow_min_members and snap.growth_per_week >= cfg.grow_min_growth_per_week
    if current == Stage.GROW:
        return (
            snap.members >= cfg.active_min_members
            and snap.active_share >= cfg.active_min_active_share
            and snap.replies_per_post >= cfg.active_min_replies_per_post
        )
    if current == Stage.ACTIVE:
        return (
            snap.peak_joins > 0
            and snap.joins <= cfg.mature_max_joins_share_of_peak * snap.peak_joins
            and snap.growth_per_week < cfg.mature_max_growth_per_week
            and snap.member_content_share >= cfg.mature_min_member_content_share
        )
    if current == Stage.MATURE:
        return (
            snap.joins > 0
            and snap.joins >= cfg.expansion_min_joins_rise * snap.low_joins
            and snap.growth_per_week >= cfg.expansion_min_growth_per_week
        )
    return False


_NEXT = {Stage.CREATE: Stage.GROW, Stage.GROW: Stage.ACTIVE, Stage.ACTIVE: Stage.MATURE, Stage.MATURE: Stage.EXPANSION}


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
    if current == Stage.DECLINE:  # hysteresis: leaving DECLINE takes more than no longer dying
        return resume if _recovered(snap, cfg) else Stage.DECLINE
    if _dying(snap, cfg):
        return Stage.DECLINE
    if current in _NEXT and _criterion_met(current, snap, cfg):
        return _NEXT[current]
    return current


def explain(new: Stage, snap: StageSnapshot, cfg: LifecycleConfig, previous: Stage | None = None) -> str:
    """One bilingual line saying which criterion a change of stage crossed, with its numbers.

    Args:
        new: the stage entered.
        snap: the snapshot the detector saw on the day of the change.
        cfg: thresholds.
        previous: the stage left (tells a recovery from a first entry).
    """
    w = cfg.window_days
    growth = f"{snap.growth_per_week:+.1%}/week"
    if new == Stage.DECLINE:
        if snap.members == 0:
            return "衰退期 DECLINE: 成员为零 / no members left"
        if snap.active_share < cfg.decline_max_active_share:
            return (f"衰退期 DECLINE: 日活 {snap.active_share:.1%}, 低于 {cfg.decline_max_active_share:.0%} / "
                    f"{snap.active_share:.1%} of members visit daily, under {cfg.decline_max_active_share:.0%}")
        return (f"衰退期 DECLINE: 成员每周减少 {-snap.growth_per_week:.1%} / membership shrinking "
                f"{-snap.growth_per_week:.1%} a week (more than {cfg.decline_min_shrink_per_week:.0%})")
    if previous == Stage.DECLINE:
        return (f"{new.label}: 走出衰退 / out of decline: membership {growth}, "
                f"{snap.active_share:.1%} visit daily (at least {2 * cfg.decline_max_active_share:.0%})")
    if new == Stage.GROW:
        return (f"成长期 GROW: {snap.members:,} 名成员, 每周增长 {snap.growth_per_week:.1%} / "
                f"{snap.members:,} members growing {growth} (at least {cfg.grow_min_members:,} and "
                f"{cfg.grow_min_growth_per_week:.0%}/week)")
    if new == Stage.ACTIVE:
        return (f"活跃期 ACTIVE: 日活 {snap.active_share:.0%}, 每条成员帖 {snap.replies_per_post:.1f} 条回复 / "
                f"{snap.members:,} members, {snap.active_share:.0%} visit daily, {snap.replies_per_post:.1f} "
                f"member replies per member post (at least {cfg.active_min_members:,}, "
                f"{cfg.active_min_active_share:.0%}, {cfg.active_min_replies_per_post:.1f})")
    if new == Stage.MATURE:
        ratio = snap.joins / snap.peak_joins if snap.peak_joins else 0.0
        return (f"成熟期 MATURE: 近{w}天加入 {snap.joins:,} 人, 为峰值的 {ratio:.0%} / joins over the last {w} "
                f"days fell to {ratio:.0%} of their peak ({snap.joins:,} of {snap.peak_joins:,}); members "
                f"{growth}; members write {snap.member_content_share:.0%} of posts")
    if new == Stage.EXPANSION:
        ratio = snap.joins / snap.low_joins if snap.low_joins else float("inf")
        return (f"扩张期 EXPANSION: 近{w}天加入 {snap.joins:,} 人, 是成熟期低点的 {ratio:.1f} 倍 / joins over the "
                f"last {w} days rose to {ratio:.1f}x their low since 成熟期 MATURE ({snap.joins:,} vs "
                f"{snap.low_joins:,}); members {growth}")
    return new.label
