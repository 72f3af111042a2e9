"""Every policy family is a config group, `policy/<family>=<option>`, and that is the one way to pick
a policy on the command line; the groups change nothing in what the built-in configs compose."""

import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from sim.cli import POLICY_GROUPS, compose_data, config_dir, group_options, load_config
from sim.config import ConfigError, SimConfig
from sim.lifecycle import Stage
from sim.playbook import stage_config
from sim.policies import REGISTRIES

CDIR = config_dir()
ROOT = Path(__file__).resolve().parents[1]
NEW_GROUPS = ("policy/moderation", "policy/welcome", "policy/tiers", "policy/events")
WITHOUT_NEW_GROUPS = [f"~{group}" for group in NEW_GROUPS]  # the defaults list as it was before them
SCENARIOS = group_options(CDIR, "scenario")
BASES = [[], *([f"scenario={s}"] for s in SCENARIOS), *([f"sweep={s}"] for s in group_options(CDIR, "sweep")),
         *([f"playbook={p}"] for p in group_options(CDIR, "playbook"))]


def test_the_seven_families_are_the_seven_policy_groups():
    defaults = yaml.safe_load((CDIR / "config.yaml").read_text())["defaults"]
    chosen = {group: option for entry in defaults if isinstance(entry, dict) for group, option in entry.items()}
    assert {g for g in chosen if g.startswith("policy/")} == {f"policy/{family}" for family in REGISTRIES}
    assert set(POLICY_GROUPS) == {f"policy/{family}" for family in REGISTRIES}
    assert {g: chosen[g] for g in NEW_GROUPS} == {
        "policy/moderation": "fixed", "policy/welcome": "greet", "policy/tiers": "none", "policy/events": "none"}


@pytest.mark.parametrize("base", BASES, ids=lambda b: " ".join(b) or "default")
def test_the_new_policy_groups_compose_exactly_what_the_schema_gave_before(base):
    with_groups = SimConfig.from_dict(compose_data(base, [CDIR]))
    assert with_groups == SimConfig.from_dict(compose_data([*base, *WITHOUT_NEW_GROUPS], [CDIR]))
    assert with_groups == load_config(base)


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_each_scenario_keeps_the_schema_defaults_and_its_own_values_for_the_new_families(scenario):
    text = yaml.safe_load((CDIR / "scenario" / f"{scenario}.yaml").read_text()) or {}
    schema = SimConfig().to_dict()["policy"]
    cfg = load_config([f"scenario={scenario}"]).to_dict()["policy"]
    for family in ("moderation", "welcome", "tiers", "events"):
        assert cfg[family] == {**schema[family], **text.get("policy", {}).get(family, {})}, family


@pytest.mark.parametrize("group", NEW_GROUPS)
def test_a_new_policy_preset_sets_its_name_and_nothing_else_and_says_what_it_means(group):
    family = group.split("/")[1]
    schema = SimConfig().to_dict()["policy"][family]
    for path in sorted((CDIR / group).glob("*.yaml")):
        values = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert values["name"] == path.stem
        assert {k: v for k, v in values.items() if k != "name" and schema[k] != v} == {}, path
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert first.startswith("# ") and len(first) > 20, path


@pytest.mark.parametrize(("family", "option"), [("tiers", "three_tier"), ("welcome", "greet_and_reply"),
                                                ("moderation", "ratio"), ("events", "online")])
def test_the_group_picks_the_same_policy_the_name_did(family, option):
    base = ["playbook=flat", "staff.n_event_planners=1"]
    by_group = load_config([*base, f"policy/{family}={option}"])
    by_name = load_config(base).replace(**{f"policy.{family}.name": option})
    assert by_group == by_name


def test_a_playbook_stage_still_switches_a_policy_by_its_name():
    cfg = load_config()
    assert cfg.policy.tiers.name == "none"
    assert stage_config(cfg, Stage.ACTIVE).policy.tiers.name == "points_ladder"
    assert stage_config(cfg, Stage.ACTIVE).policy.events.name == "online"


def test_a_policy_group_on_the_command_line_holds_through_every_stage():
    cfg = load_config(["policy/tiers=three_tier", "policy/welcome=none"])
    for stage in Stage:
        held = stage_config(cfg, stage).policy
        assert (held.tiers.name, held.welcome.name) == ("three_tier", "none")


@pytest.mark.parametrize(
    ("arg", "expected"),
    [
        ("policy.tiers.name=three_tier", "policy.tiers.name=three_tier: pick a policy with its config group: "
                                         "write policy/tiers=three_tier (options: none, points_ladder, three_tier)"),
        ("policy.referral.name=none", "write policy/referral=none"),
        ("policy.events.name=online,offline", "write policy/events=online,offline"),
        ("policy.tiers={name:three_tier}", "write policy/tiers=three_tier"),
        ("policy.welcome=none", "write policy/welcome=none"),
        ("policy/tiers=gold", "policy/tiers=gold: no such option; allowed: none, points_ladder, three_tier"),
    ],
)
def test_picking_a_policy_by_its_name_key_is_refused_with_the_group_form(arg, expected):
    with pytest.raises(ConfigError, match=re.escape(expected)):
        load_config([arg])


def test_the_command_refuses_a_policy_picked_by_its_name_key_before_hydra_starts(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "sim.cli", "policy.tiers.name=three_tier"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert proc.stderr.strip().splitlines() == [
        "error: policy.tiers.name=three_tier: pick a policy with its config group: write policy/tiers=three_tier "
        "(options: none, points_ladder, three_tier)"]
    assert not (tmp_path / "outputs").exists()


def test_other_keys_of_a_policy_are_still_set_on_the_command_line():
    cfg = load_config(["policy/events=offline", "policy.events.ties_per_attendee=2", "staff.n_event_planners=1",
                       "policy/moderation=ratio", "policy.moderation.members_per_moderator=300"])
    assert (cfg.policy.events.name, cfg.policy.events.ties_per_attendee) == ("offline", 2.0)
    assert (cfg.policy.moderation.name, cfg.policy.moderation.members_per_moderator) == ("ratio", 300)


def test_no_documented_command_or_sweep_picks_a_policy_by_its_name_key():
    name_key = re.compile(r"policy\.(" + "|".join(REGISTRIES) + r")\.name\s*[=:]")
    files = [ROOT / "README.md", *ROOT.glob("docs/*.md"), *ROOT.glob("experiments/*/README.md"),
             *ROOT.glob("configs/sweep/*.yaml"), ROOT / "scenarios" / "README.md"]
    for path in files:
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.startswith("error: "):  # an example of the refusal itself
                assert not name_key.search(line), f"{path}: {line}"
