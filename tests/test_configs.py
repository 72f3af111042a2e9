"""Every config group option composes through Hydra and validates into the schema."""

from pathlib import Path

import pytest

from sim.cli import POLICY_GROUPS, config_dir, group_options, load_config
from sim.config import ConfigError
from sim.policies import REGISTRIES

CDIR = config_dir()
GROUP_OPTIONS = [
    (group, option)
    for group in ("network", *POLICY_GROUPS, "scenario")
    for option in group_options(CDIR, group)
]


def test_every_group_has_options():
    groups = {g for g, _ in GROUP_OPTIONS}
    assert groups == {"network", "scenario", *(f"policy/{family}" for family in REGISTRIES)}
    assert len(GROUP_OPTIONS) >= 26


@pytest.mark.parametrize("family", list(REGISTRIES))
def test_every_policy_of_every_family_is_an_option_of_its_group(family):
    assert group_options(CDIR, f"policy/{family}") == sorted(REGISTRIES[family])


@pytest.mark.parametrize(("group", "option"), GROUP_OPTIONS)
def test_option_composes_and_validates(group, option, tmp_path):
    overrides = [f"{group}={option}"]
    if (group, option) == ("network", "file"):
        edges = tmp_path / "edges.txt"
        edges.write_text("a b\nb c\nc a\n")
        overrides.append(f"network.path={edges}")
    if group == "policy/events" and option != "none":
        overrides.append("staff.n_event_planners=1")  # events need an activity planner
    cfg = load_config(overrides)
    if group == "scenario":
        assert cfg.scenario == option
    elif group == "network":
        assert cfg.network.kind == option
    else:
        assert getattr(cfg.policy, group.split("/")[1]).name == option


def test_default_is_the_brand_community_of_fifty_thousand():
    cfg = load_config()
    assert cfg.scenario == "brand_community"
    assert cfg.network.n_people == 50_000 and cfg.founders.n_founders == 20 and cfg.days == 365
    assert (cfg.staff.n_experts, cfg.staff.n_moderators, cfg.staff.n_growth_officers) == (2, 1, 1)


def test_command_line_group_choice_beats_the_scenarios_own_choice():
    cfg = load_config(["scenario=knowledge_circle", "policy/referral=none"])
    assert cfg.policy.referral.name == "none"
    assert load_config(["scenario=knowledge_circle"]).policy.referral.name == "reward_per_join"


def test_scenario_values_can_still_be_overridden():
    cfg = load_config(["scenario=classroom", "network.n_people=5000", "days=30"])
    assert cfg.network.n_people == 5000 and cfg.days == 30


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        (["policy/referral=pyramid"], "policy/referral=pyramid: no such option"),
        (["policy.content.post_per_week=3"], "policy.content.post_per_week: no such config key"),
        (["+member.charisma=3"], "member.charisma: no such config key"),
        (["days=0"], "days = 0 is out of range"),
    ],
)
def test_bad_overrides_are_refused(overrides, expected):
    with pytest.raises(ConfigError, match=expected.replace("+", r"\+")):
        load_config(overrides)


def test_every_scenario_file_documents_itself():
    for path in Path(CDIR, "scenario").glob("*.yaml"):
        first_lines = path.read_text(encoding="utf-8").splitlines()[:3]
        assert first_lines[0] == "# @package _global_", path
        assert first_lines[1].startswith("# ") and len(first_lines[1]) > 20, path


def test_command_line_policy_choices_hold_through_every_stage_of_the_playbook():
    from sim.lifecycle import Stage
    from sim.playbook import stage_config

    cfg = load_config(["policy.content.posts_per_week=3", "policy/referral=none"])
    for stage in Stage:
        held = stage_config(cfg, stage)
        assert held.policy.content.posts_per_week == 3.0 and held.policy.referral.name == "none"
    # what the user did not set still follows the playbook
    assert stage_config(cfg, Stage.ACTIVE).policy.tiers.name == "points_ladder"
    assert stage_config(load_config(), Stage.GROW).policy.referral.name == "reward_per_join"


def test_the_scenario_table_says_what_each_scenario_file_sets():
    rows = [line.split("|")[1:-1] for line in (CDIR / "scenario" / "README.md").read_text().splitlines()
            if line.startswith("| `")]
    assert sorted(row[0].split("`")[1] for row in rows) == group_options(CDIR, "scenario")
    for name, _, population, days, founders, staff, policies in (map(str.strip, row) for row in rows):
        cfg = load_config([f"scenario={name.split('`')[1]}"])
        s, p = cfg.staff, cfg.policy
        assert (int(population.replace(",", "")), int(days), int(founders)) == (
            cfg.network.n_people, cfg.days, cfg.founders.n_founders), name
        assert staff == f"{s.n_experts} / {s.n_moderators} / {s.n_growth_officers}", name
        assert f"calendar {p.content.posts_per_week:g}/week" in policies, name
        assert p.referral.name.replace("_", " ") in policies and p.acquisition.name in policies, name
        assert f"{p.acquisition.budget_per_day:g} yuan/day" in policies, name
        assert (p.moderation.name, p.welcome.name, p.tiers.name, p.events.name) == ("fixed", "greet", "none", "none")
