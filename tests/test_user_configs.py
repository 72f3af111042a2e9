"""A user's own folder of scenarios, policy presets and playbooks joins the built-in ones through
Hydra's `--config-dir` and `hydra.searchpath`, on the command line and in `load_config`, without
editing the project; a missing folder or a preset Hydra cannot read is one line and status 2."""

import json
import re
import subprocess
import sys

import pytest
import yaml

from sim.cli import load_config
from sim.config import ConfigError
from sim.lifecycle import Stage
from sim.playbook import stage_config

TINY = ["network.n_people=300", "days=5", "output.plots=false"]
FILES = {
    "scenario/my_circle.yaml": """# @package _global_
# A reading circle: 12 founders, big referral rewards, a quiet playbook.
defaults:
  - override /policy/referral: big_reward
  - override /playbook: quiet_mature

days: 90
founders:
  n_founders: 12
""",
    "policy/referral/big_reward.yaml": """# Referral fission with a large reward (裂变奖励).
name: reward_per_join
reward_per_join: 20.0
""",
    "playbook/quiet_mature.yaml": """# The stage-aware playbook, with little staff content once mature.
defaults:
  - stage_aware
  - _self_

name: quiet_mature
stages:
  MATURE:
    policy:
      content: {posts_per_week: 2}
""",
}


@pytest.fixture
def myconf(tmp_path):
    for name, text in FILES.items():
        path = tmp_path / "myconf" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return tmp_path / "myconf"


def community_sim(args, cwd):
    return subprocess.run([sys.executable, "-m", "sim.cli", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=120)


def uses_the_users_scenario(cfg: dict) -> bool:
    return cfg["scenario"] == "my_circle" and cfg["founders"]["n_founders"] == 12 and uses_the_big_reward(cfg)


def uses_the_big_reward(cfg: dict) -> bool:
    return cfg["policy"]["referral"]["name"] == "reward_per_join" and cfg["policy"]["referral"]["reward_per_join"] == 20


def uses_the_quiet_playbook(cfg: dict) -> bool:
    mature = cfg["playbook"]["stages"]["MATURE"]["policy"]
    return cfg["playbook"]["name"] == "quiet_mature" and mature["content"]["posts_per_week"] == 2


CHOICES = [("scenario=my_circle", uses_the_users_scenario), ("policy/referral=big_reward", uses_the_big_reward),
           ("playbook=quiet_mature", uses_the_quiet_playbook)]


@pytest.mark.parametrize(("choice", "applied"), CHOICES, ids=[c for c, _ in CHOICES])
def test_a_users_own_preset_is_found_and_run_through_config_dir(myconf, tmp_path, choice, applied):
    out = tmp_path / "run"
    proc = community_sim(["--config-dir", "./myconf", choice, *TINY, f"hydra.run.dir={out}"], tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert (out / "DONE").is_file()
    assert applied(yaml.safe_load((out / "config.yaml").read_text()))


def test_a_users_own_scenario_folder_is_found_through_hydra_searchpath(myconf, tmp_path):
    out = tmp_path / "run"
    proc = community_sim(["hydra.searchpath=[file://./myconf]", "scenario=my_circle", *TINY, f"hydra.run.dir={out}"],
                         tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert uses_the_users_scenario(yaml.safe_load((out / "config.yaml").read_text()))
    assert json.loads((out / "summary.json").read_text())["scenario"] == "my_circle"


@pytest.mark.parametrize("how", ["config_dirs", "--config-dir", "searchpath", "relative searchpath", "plain path"])
@pytest.mark.parametrize(("choice", "applied"), CHOICES, ids=[c for c, _ in CHOICES])
def test_load_config_finds_a_users_own_preset_as_the_command_line_does(myconf, monkeypatch, how, choice, applied):
    monkeypatch.chdir(myconf.parent)
    overrides, dirs = {
        "config_dirs": ([choice], [myconf]),
        "--config-dir": (["--config-dir", "myconf", choice], []),
        "searchpath": ([f"hydra.searchpath=[file://{myconf}]", choice], []),
        "relative searchpath": (["hydra.searchpath=[file://./myconf]", choice], []),
        "plain path": (["hydra.searchpath=[myconf]", choice], []),
    }[how]
    assert applied(load_config(overrides, config_dirs=dirs).to_dict())


def test_a_users_playbook_switches_policies_by_stage_like_a_built_in_one(myconf):
    cfg = load_config(["scenario=my_circle"], config_dirs=[myconf])
    assert stage_config(cfg, Stage.MATURE).policy.content.posts_per_week == 2
    assert stage_config(cfg, Stage.ACTIVE).policy.tiers.name == "points_ladder"  # from stage_aware


def test_an_unknown_option_lists_the_users_options_with_the_built_in_ones(myconf, tmp_path):
    allowed = "allowed: brand_community, classroom, fission_launch, knowledge_circle, my_circle, product_forum, service_community"
    proc = community_sim(["-cd", "myconf", "scenario=my_circel"], tmp_path)
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines() == [f"error: scenario=my_circel: no such option; {allowed}"]
    with pytest.raises(ConfigError, match="policy/referral=huge: no such option; allowed: big_reward, fission, none, open_invite, reward_per_join"):
        load_config(["policy/referral=huge"], config_dirs=[myconf])


BAD_PRESETS = {
    "no_header": "# A scenario without its package line.\ndays: 9\n",
    "broken": "# @package _global_\n# Broken.\ndays: [9\n",
    "missing_policy": "# @package _global_\n# Names a preset nobody has.\ndefaults:\n  - override /policy/referral: pyramid\n",
}


@pytest.fixture
def badconf(myconf):
    for name, text in BAD_PRESETS.items():
        (myconf / "scenario" / f"{name}.yaml").write_text(text)
    return myconf


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--config-dir", "./nowhere"], "--config-dir ./nowhere: no such folder"),
        (["-cd", "myconf", "scenario=broken"], "broken.yaml\", line 3"),
        (["--cfg", "jobs"], "argument --cfg/-c: invalid choice: 'jobs'"),
        (["--colour"], "--colour: no such flag"),
    ],
)
def test_a_bad_folder_preset_or_flag_on_the_command_line_is_one_line_and_status_2(badconf, tmp_path, args, expected):
    proc = community_sim([*args, *TINY], tmp_path)
    assert proc.returncode == 2, proc.stdout
    (line,) = proc.stderr.strip().splitlines()
    assert line.startswith("error: ") and expected in line and "Traceback" not in proc.stderr
    assert not (tmp_path / "outputs").exists()


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        (["hydra.searchpath=[file://./nowhere]"], "hydra.searchpath entry file://./nowhere: no such folder"),
        (["hydra.searchpath=[pkg://my_package.conf]"], "searches folders only"),
        (["-cd", "myconf", "scenario=no_header"], "make '# @package _global_' its first line"),
        (["-cd", "myconf", "scenario=broken"], "expected ',' or ']'"),
        (["-cd", "myconf", "scenario=missing_policy"], "Could not find 'policy/referral/pyramid'; allowed: big_reward"),
        (["-m", "-cd", "myconf"], "load_config takes overrides and --config-dir only; got --multirun"),
    ],
)
def test_a_bad_folder_or_user_preset_is_refused_with_one_line(badconf, monkeypatch, overrides, expected):
    monkeypatch.chdir(badconf.parent)
    with pytest.raises(ConfigError, match=re.escape(expected)) as refused:
        load_config(overrides)
    assert "\n" not in str(refused.value)


def test_a_user_preset_named_like_a_built_in_one_is_refused_rather_than_silently_ignored(myconf):
    (myconf / "scenario" / "classroom.yaml").write_text("# @package _global_\n# My classroom.\ndays: 9\n")
    with pytest.raises(ConfigError, match="classroom.yaml has the same name and Hydra would use that one"):
        load_config(["scenario=my_circle"], config_dirs=[myconf])
