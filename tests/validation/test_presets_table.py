"""Which pattern is checked on which scenario preset (sim/validation/presets.py): every preset in
scenarios/ has its line, every pattern names its presets, the traits agree with the presets'
configs, and a misspelt preset is refused in one line."""

import dataclasses

import pytest

from sim.cli import load_config
from sim.validation import presets
from sim.validation.presets import (
    APPLIES,
    OWN_SETTING,
    PRESETS,
    check_tables,
    presets_for,
    scenario_presets,
    traits_of_config,
)
from sim.validation.suite import CHECKS, planned


def test_every_preset_in_scenarios_has_a_line_in_the_table():
    assert sorted(scenario_presets()) == sorted(PRESETS)
    check_tables()


def test_every_check_either_names_its_presets_with_a_reason_or_runs_on_its_own_setting():
    assert set(APPLIES) | set(OWN_SETTING) == set(CHECKS) and not set(APPLIES) & set(OWN_SETTING)
    for key, applies in APPLIES.items():
        assert presets_for(key), key
        assert len(applies.reason) > 20 and "\n" not in applies.reason, key


def test_a_presets_declared_traits_agree_with_what_its_config_runs():
    for preset, traits in PRESETS.items():
        assert traits_of_config(load_config([f"scenario={preset}"])) == traits - {"thousands"}, preset


def test_the_patterns_apply_where_they_can_be_seen():
    # the quiet-majority sources measured free, established groups left to their members' habits
    assert presets_for("activity_shape") == ("brand_community", "product_forum")
    assert "product_forum" not in presets_for("stage_meaning")  # one audience that does not saturate
    assert presets_for("fission_launch") == ("fission_launch",)
    assert "fission_launch" not in presets_for("stage_meaning")  # a flat playbook: no stages acted on
    assert "fission_launch" not in presets_for("referral_cascades")  # a poster campaign is built to chain
    assert "classroom" not in presets_for("participation_inequality")  # a top 1% of a few members


def test_a_misspelt_preset_in_the_table_is_refused_in_one_line(monkeypatch):
    bad = dataclasses.replace(APPLIES["fission_launch"], presets=("fision_launch",))
    monkeypatch.setitem(presets.APPLIES, "fission_launch", bad)
    with pytest.raises(ValueError) as err:
        check_tables()
    assert "'fision_launch'" in str(err.value) and "\n" not in str(err.value)


def test_a_preset_line_for_a_scenario_that_does_not_exist_is_refused_in_one_line(monkeypatch):
    monkeypatch.setitem(presets.PRESETS, "brand_comunity", frozenset({"word_of_mouth"}))
    with pytest.raises(ValueError, match="'brand_comunity'"):
        check_tables()


def test_naming_scenarios_restricts_the_runs_to_them_and_leaves_out_the_own_setting_checks():
    pairs = planned(scenarios=["classroom"])
    assert pairs and {p for _, p in pairs} == {"classroom"}
    assert ("participation_inequality", "classroom") not in pairs
    assert ("bass_recovery", None) in planned() and ("bass_recovery", None) in planned(["bass_recovery"], ["classroom"])
