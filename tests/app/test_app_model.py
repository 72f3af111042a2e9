"""The app's model: the sidebar's levers reach the simulation, and a class run stops at its last day."""

from __future__ import annotations

import inspect

import pytest

pytest.importorskip(
    "solara", reason="the trainer app needs the `app` extra (pip install -e '.[app]')"
)

from sim.agents import Moderator
from sim.viz.app import model_params, scenario_names  # noqa: E402
from sim.viz.trainer import DEFAULT_SCENARIO, ClassroomModel, trainer_config  # noqa: E402


def test_every_lever_on_the_sidebar_is_a_model_argument():
    accepted = set(inspect.signature(ClassroomModel.__init__).parameters)
    assert set(model_params()) <= accepted


def test_the_scenario_picker_offers_the_scenario_library_with_classroom_first_choice():
    params = model_params()
    assert params["scenario_name"]["value"] == DEFAULT_SCENARIO == "classroom"
    assert {"classroom", "brand_community", "knowledge_circle"} <= set(scenario_names())


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
