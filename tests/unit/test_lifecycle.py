"""The stage detector, table-driven: snapshot + current stage -> next stage."""

import pytest

from sim.config import LifecycleConfig
from sim.lifecycle import Stage, StageSnapshot, next_stage

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
        (Stage.GROW, 20, S(800, 0.2, 0.25, 0.6), Stage.ACTIVE),
        (Stage.GROW, 20, S(800, 0.2, 0.06, 0.6), Stage.GROW),  # too quiet
        (Stage.ACTIVE, 20, S(1500, 0.01, 0.3, 0.8), Stage.MATURE),
        (Stage.ACTIVE, 20, S(1500, 0.01, 0.3, 0.3), Stage.ACTIVE),  # staff still write most content
        (Stage.ACTIVE, 20, S(1500, 0.10, 0.3, 0.8), Stage.ACTIVE),  # still growing fast
        (Stage.MATURE, 20, S(3000, 0.015, 0.3, 0.8, n_groups=6), Stage.EXPANSION),
        (Stage.MATURE, 20, S(2000, 0.015, 0.3, 0.8, n_groups=4), Stage.MATURE),  # still few groups
        (Stage.MATURE, 20, S(2000, 0.015, 0.3, 0.8, n_groups=4, segments_reached=2), Stage.EXPANSION),  # a new segment
        (Stage.MATURE, 20, S(3000, 0.005, 0.3, 0.8, n_groups=6), Stage.MATURE),  # not growing
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
