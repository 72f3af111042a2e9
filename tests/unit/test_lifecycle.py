"""The stage detector, table-driven: snapshot + current stage -> next stage."""

import numpy as np
import pytest

from sim.config import LifecycleConfig
from sim.lifecycle import Stage, StageSnapshot, explain, next_stage, snapshot, window_sums

CFG = LifecycleConfig()
S = StageSnapshot


@pytest.mark.parametrize(
    ("current", "days_in", "snap", "expected"),
    [
        # still young: the dwell time holds the stage even if criteria are met
        (Stage.CREATE, 5, S(members=300, growth_per_week=0.5, active_share=0.3, member_content_share=0.2), Stage.CREATE),
        (Stage.CREATE, 20, S(300, 0.5, 0.3, 0.2), Stage.GROW),
        (Stage.CREATE, 20, S(60, 0.5, 0.3, 0.2), Stage.CREATE),  # too small
        (Stage.CREATE, 20, S(300, 0.01, 0.3, 0.2), Stage.CREATE),  # not growing
        # ACTIVE: big enough, a tenth visiting, members answering members
        (Stage.GROW, 20, S(800, 0.2, 0.25, 0.6, replies_per_post=0.8), Stage.ACTIVE),
        (Stage.GROW, 20, S(800, 0.2, 0.06, 0.6, replies_per_post=0.8), Stage.GROW),  # too quiet
        (Stage.GROW, 20, S(800, 0.2, 0.25, 0.6, replies_per_post=0.2), Stage.GROW),  # posts go unanswered
        # MATURE: the inflow itself has fallen from its peak, not just the growth rate
        (Stage.ACTIVE, 20, S(1500, 0.01, 0.3, 0.8, joins=200, peak_joins=400), Stage.MATURE),
        (Stage.ACTIVE, 20, S(1500, 0.01, 0.3, 0.8, joins=390, peak_joins=400), Stage.ACTIVE),  # inflow as strong as ever
        (Stage.ACTIVE, 20, S(1500, 0.01, 0.3, 0.3, joins=200, peak_joins=400), Stage.ACTIVE),  # staff still write most content
        (Stage.ACTIVE, 20, S(1500, 0.10, 0.3, 0.8, joins=200, peak_joins=400), Stage.ACTIVE),  # still growing fast
        (Stage.ACTIVE, 20, S(1500, 0.01, 0.3, 0.8, joins=0, peak_joins=0), Stage.ACTIVE),  # nobody ever joined
        # EXPANSION: renewed growth after the mature low, whatever the number of groups
        (Stage.MATURE, 20, S(3000, 0.015, 0.3, 0.8, joins=330, peak_joins=400, low_joins=200), Stage.EXPANSION),
        (Stage.MATURE, 20, S(3000, 0.015, 0.3, 0.8, joins=250, peak_joins=400, low_joins=200), Stage.MATURE),  # a small rise
        (Stage.MATURE, 20, S(3000, 0.005, 0.3, 0.8, joins=330, peak_joins=400, low_joins=200), Stage.MATURE),  # not growing
        # dying communities are flagged, whatever stage they reached
        (Stage.ACTIVE, 20, S(1500, 0.0, 0.01, 0.8), Stage.DECLINE),
        (Stage.MATURE, 20, S(1500, -0.05, 0.3, 0.8), Stage.DECLINE),
        (Stage.GROW, 20, S(0, 0.0, 0.0, 0.0), Stage.DECLINE),
    ],
)
def test_stage_transitions(current, days_in, snap, expected):
    assert next_stage(current, days_in, snap, CFG) == expected


def test_a_recovered_decline_returns_to_the_last_healthy_stage():
    healthy = S(1500, 0.0, 0.3, 0.8)
    assert next_stage(Stage.DECLINE, 20, healthy, CFG, resume=Stage.MATURE) == Stage.MATURE
    assert next_stage(Stage.DECLINE, 20, S(1500, 0.0, 0.01, 0.8), CFG, resume=Stage.MATURE) == Stage.DECLINE
    # no longer shrinking fast enough to enter DECLINE, but still shrinking: stays in DECLINE
    assert next_stage(Stage.DECLINE, 20, S(1500, -0.01, 0.3, 0.8), CFG, resume=Stage.MATURE) == Stage.DECLINE


def test_every_stage_has_a_chinese_label():
    assert [s.zh for s in Stage] == ["创建期", "成长期", "活跃期", "成熟期", "扩张期", "衰退期"]


def test_window_sums_count_joins_over_the_last_days_without_the_founding():
    joins = [20, 1, 2, 3, 4, 5]  # day 0: the founders
    assert window_sums(joins, 2).tolist() == [1, 3, 5, 7, 9]
    assert window_sums(joins, 10).tolist() == [1, 3, 6, 10, 15]


def test_the_snapshot_sees_the_peak_and_the_low_since_the_stage_began():
    joins = np.array([20] + [10] * 28 + [20] * 28 + [5] * 28 + [12] * 28)
    n = len(joins)
    series = {"members": np.arange(n) + 100.0, "daily_active": np.full(n, 20.0), "posts_member": np.full(n, 3.0),
              "posts_expert": np.ones(n), "replies": np.full(n, 2.0), "leaves": np.zeros(n), "joins": joins}
    snap = snapshot(series.__getitem__, 28, stage_since=60)
    assert (snap.joins, snap.peak_joins, snap.low_joins) == (12 * 28, 20 * 28, 5 * 28)
    assert snap.replies_per_post == pytest.approx(2 / 3)


@pytest.mark.parametrize("stage", [Stage.GROW, Stage.ACTIVE, Stage.MATURE, Stage.EXPANSION, Stage.DECLINE])
def test_a_stage_change_explains_the_criterion_it_crossed(stage):
    snap = S(1200, 0.015, 0.02, 0.8, replies_per_post=0.9, joins=150, peak_joins=300, low_joins=100)
    line = explain(stage, snap, CFG)
    assert line.startswith(stage.label)
    number = {Stage.GROW: "1,200", Stage.ACTIVE: "0.9", Stage.MATURE: "50%", Stage.EXPANSION: "1.5",
              Stage.DECLINE: "2.0%"}[stage]
    assert number in line
