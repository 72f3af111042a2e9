"""Stage notes: each stage change says which criterion it crossed and what the playbook switched."""

from __future__ import annotations

from sim.lifecycle import Stage
from sim.viz.notes import first_notes, stage_notes, switch_text
from sim.viz.trainer import ClassroomModel

LOG = [
    {
        "day": 0,
        "kind": "playbook",
        "label": "stage_aware: 创建期 CREATE",
        "detail": {"policy.content.posts_per_week": 14},
    },
    {
        "day": 14,
        "kind": "stage",
        "label": "成长期 GROW",
        "detail": {"stage": "GROW", "why": "成长期 GROW: 99 名成员"},
    },
    {
        "day": 14,
        "kind": "playbook",
        "label": "stage_aware: 成长期 GROW",
        "detail": {"policy.content.posts_per_week": 10, "policy.referral.name": "reward_per_join"},
    },
    {"day": 20, "kind": "injected", "label": "垃圾广告潮 spam wave", "detail": {}},
    {
        "day": 90,
        "kind": "stage",
        "label": "衰退期 DECLINE",
        "detail": {"stage": "DECLINE", "why": "衰退期 DECLINE: 日活 3%"},
    },
    {
        "day": 120,
        "kind": "stage",
        "label": "成长期 GROW",
        "detail": {"stage": "GROW", "why": "成长期 GROW: again"},
    },
]


def test_a_stage_note_carries_its_why_and_the_playbook_switch_of_its_day():
    notes = stage_notes(LOG)
    assert [(n.day, n.stage) for n in notes] == [
        (14, Stage.GROW),
        (90, Stage.DECLINE),
        (120, Stage.GROW),
    ]
    assert notes[0].why == "成长期 GROW: 99 名成员"
    assert (
        notes[0].switch_text
        == "打法切换 playbook: content.posts_per_week → 10, referral.name → reward_per_join"
    )
    assert notes[1].switched == {} and notes[1].switch_text == ""


def test_the_storyboard_takes_each_stages_first_note():
    firsts = first_notes(stage_notes(LOG))
    assert firsts[Stage.GROW].day == 14 and firsts[Stage.DECLINE].day == 90


def test_nothing_switched_reads_as_nothing():
    assert switch_text({}) == ""


def test_a_real_run_notes_every_stage_change_with_its_numbers():
    model = ClassroomModel(seed=1)
    while model.running and model.stage == Stage.CREATE:
        model.step()
    note = stage_notes(model.state.events_log)[-1]
    assert note.stage == model.stage == Stage.GROW and note.day == model.day
    assert "成长期 GROW" in note.why and "members growing" in note.why
