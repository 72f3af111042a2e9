"""The app's model and pace: the side panel's levers reach the simulation, a scenario brings its own
values, Play keeps its speed in days per second, a class run stops at its last day, and the
language switch picks 中文, English or both from the one bilingual source of every line."""

from __future__ import annotations

import inspect
import re

import pytest

pytest.importorskip(
    "solara", reason="the trainer app needs the `app` extra (pip install -e '.[app]')"
)

from sim.agents import Moderator  # noqa: E402
from sim.lifecycle import Stage  # noqa: E402
from sim.viz.app import lever_text, log_items, scenario_names  # noqa: E402
from sim.viz.lang import pick, pick_text  # noqa: E402
from sim.viz.pace import FINISHED, NEW_STAGE, Pace, advance  # noqa: E402
from sim.viz.panels import headline  # noqa: E402
from sim.viz.trainer import (  # noqa: E402
    DEFAULT_SCENARIO,
    LEVERS,
    ClassroomModel,
    changed_levers,
    lever_overrides,
    lever_values,
    trainer_config,
)


def test_every_lever_on_the_side_panel_is_a_model_argument():
    accepted = set(inspect.signature(ClassroomModel.__init__).parameters)
    assert {lever.name for lever in LEVERS} <= accepted


def test_the_scenario_picker_offers_the_scenario_library_with_classroom_first_choice():
    assert DEFAULT_SCENARIO == "classroom"
    assert {"classroom", "brand_community", "knowledge_circle"} <= set(scenario_names())


def test_a_scenario_brings_its_own_lever_values_and_a_moved_lever_is_marked():
    classroom, service = lever_values("classroom"), lever_values("service_community")
    assert service["n_moderators"] == 3 and classroom["n_moderators"] == 1
    # As defined: the playbook keeps switching the levers it switches at stage changes.
    model = ClassroomModel(
        scenario_name="service_community", **lever_overrides(service, "service_community")
    )
    assert model.base_cfg == trainer_config("service_community")
    assert changed_levers(service, "service_community") == {}
    moved = {**classroom, "n_moderators": 4}
    assert changed_levers(moved, "classroom") == {"n_moderators": 1}
    lever = next(lever for lever in LEVERS if lever.name == "n_moderators")
    assert lever_text(lever, 4, 1) == "管理员 moderators: 4 · 已改 changed (场景 scenario: 1)"
    assert lever_text(lever, 1, 1) == "管理员 moderators: 1"


def test_play_keeps_its_days_per_second_whatever_the_ticks_cost():
    pace = Pace(days_per_s=10)
    slow = sum(pace.days_due(0.35) for _ in range(20))  # 7 s of slow redraws
    fast = Pace(days_per_s=10)
    quick = sum(fast.days_due(0.1) for _ in range(70))  # 7 s of quick ones
    assert slow == quick == 70
    assert Pace(days_per_s=10).days_due(60.0) == 10, "a stalled page does not jump a month"
    assert Pace(days_per_s=99).days_due(1.0) == 30 and Pace(days_per_s=0).days_due(1.0) == 1


def test_running_to_the_next_stage_stops_on_the_day_it_changes_and_the_end_says_finished():
    model = ClassroomModel(seed=1)
    assert advance(model, 1) is None and model.day == 1
    assert advance(model, 400, stop_at_stage=True) == NEW_STAGE
    assert model.stage == Stage.GROW
    assert advance(model, 400) == FINISHED and model.day == model.cfg.days


def test_levers_set_the_config_and_the_staff():
    model = ClassroomModel(
        posts_per_week=14, referral="reward_per_join", n_moderators=3, budget_per_day=0, seed=5
    )
    cfg = model.cfg
    assert cfg.scenario == "classroom" and cfg.seed == 5
    assert cfg.policy.content.posts_per_week == 14
    assert cfg.policy.referral.name == "reward_per_join"
    assert len(model.roster(Moderator)) == 3
    for _ in range(10):
        model.step()
    assert model.recorder.frame()["campaign_spend"].sum() == 0


def test_a_class_run_stops_at_the_scenarios_last_day():
    model = ClassroomModel(cfg=trainer_config(seed=1).replace(days=5))
    for _ in range(8):
        model.step()
    assert model.day == 5 and model.running is False


def test_the_split_view_runs_two_arms_on_one_graph_that_differ_only_in_the_lever():
    from sim.viz.split import SplitRun, split_lever  # noqa: PLC0415

    run = SplitRun("classroom", "welcome", ("greet", "none"))
    greet, none = run.models
    assert greet.graph is none.graph and greet.cfg.seed == none.cfg.seed
    assert (greet.cfg.policy.welcome.name, none.cfg.policy.welcome.name) == ("greet", "none")
    assert advance(run, 90) is None and run.day == greet.day == none.day == 90
    greeted = [m.recorder.frame()["newcomers_greeted"].sum() for m in run.models]
    assert greeted[0] > 0 and greeted[1] == 0
    with pytest.raises(ValueError, match="seed"):
        split_lever("seed")


HAN = re.compile(r"[\u3400-\u9fff]")


def test_the_language_switch_picks_one_language_from_a_bilingual_pair_or_line():
    assert pick("管理员", "moderators", "both") == "管理员 moderators"
    assert pick("管理员", "moderators", "zh") == "管理员"
    assert pick("管理员", "moderators", "en") == "moderators"
    assert pick("前进一天", "Step one day", "both", both="Step 一天 day") == "Step 一天 day"
    why = (
        "扩张期 EXPANSION: 近28天加入 81 人, 是成熟期低点的 1.6 倍 / joins over the last 28 days "
        "rose to 1.6x their low since 成熟期 MATURE (81 vs 52)"
    )
    assert pick_text(why, "both") == why
    assert pick_text(why, "en") == (
        "EXPANSION: joins over the last 28 days rose to 1.6x their low since MATURE (81 vs 52)"
    )
    assert pick_text(why, "zh") == "扩张期: 近28天加入 81 人, 是成熟期低点的 1.6 倍"
    assert pick_text("no slash here", "zh") == "no slash here"


def test_in_english_the_banner_and_the_log_have_no_chinese_and_in_chinese_no_stage_name():
    model = ClassroomModel(seed=1)
    advance(model, 400, stop_at_stage=True)  # into 成长期 GROW, with its stage note
    model.inject("spam_wave")
    model.step()
    english = [headline(model, "en"), *(text for _, text, _ in log_items(model, "en"))]
    assert not any(HAN.search(line) for line in english), english
    assert lever_text(LEVERS[2], 4, 1, "en") == "moderators: 4 · changed (scenario: 1)"
    chinese = [headline(model, "zh"), *(text for _, text, _ in log_items(model, "zh"))]
    assert not any("GROW" in line or "spam" in line for line in chinese), chinese
    assert all(HAN.search(line) for line in chinese)
    both = [text for _, text, _ in log_items(model)]
    assert any("成长期 GROW" in line for line in both) and any("spam wave" in line for line in both)
