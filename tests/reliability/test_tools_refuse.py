"""Bad input is refused in full before the first run, with one line naming what the user typed and
never a traceback: YAML that names Python, resolvers that do not exist, empty sweeps, checkpoint
folders that cannot be written, malformed calibration data, and every lever, range, choice,
budget and seed of the analysis tools and of fork arms."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from sim import checkpoint, forks
from sim.analysis import calibrate, compare, optimise, posterior, sensitivity
from sim.cli import config_dir, load_config
from sim.cli.overrides import check_composed_resolvers, check_overrides
from sim.config import ConfigError
from sim.model import CommunityModel
from sim.runner import run

TINY = ["scenario=classroom", "network.n_people=300", "seed=7", "output.plots=false", "output.csv=false"]


def one_line(text: str, *words: str) -> None:
    text = text.strip()
    assert "\n" not in text and "Traceback" not in text, text
    assert all(w in text for w in words), text


def refused_config(call, *words: str) -> None:
    with pytest.raises(ConfigError) as err:
        call()
    one_line(str(err.value), *words)


def refused_command(main, argv, capsys, *words: str) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(argv)
    assert exit_.value.code == 2
    one_line(capsys.readouterr().err, *words)


@pytest.fixture
def no_runs(monkeypatch):
    """Every tool's `run` fails the test: a refusal must come before the first run."""

    def ran(*args, **kwargs):
        raise AssertionError("a run started before the input was refused")

    for module in (optimise, sensitivity, posterior, compare, forks):
        monkeypatch.setattr(module, "run", ran)


# -- config input, before Hydra starts -------------------------------------------------------------


@pytest.fixture
def user_dir(tmp_path):
    (tmp_path / "scenario").mkdir()
    return tmp_path


@pytest.mark.parametrize("tag", ["!!python/object/apply:os.system ['echo x']", "!!python/name:os.system"])
def test_a_python_tag_in_a_scenario_a_sweep_reaches_later_is_refused_naming_the_file(user_dir, tag):
    (user_dir / "scenario" / "evil.yaml").write_text(f"# @package _global_\ndays: {tag}\n")
    dirs = [config_dir(), user_dir]
    refused_config(lambda: check_overrides(["scenario=classroom,evil"], dirs),
                   "scenario=evil", "evil.yaml", "line 2", "!!python/", "never code")


def test_the_sweep_with_a_python_tag_stops_before_hydra_with_status_2(user_dir):
    (user_dir / "scenario" / "evil.yaml").write_text("# @package _global_\ndays: !!python/name:os.system\n")
    proc = subprocess.run([sys.executable, "-m", "sim.cli", "-m", "--config-dir", str(user_dir),
                           "scenario=classroom,evil"], cwd=user_dir, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2
    one_line(proc.stderr, "evil.yaml", "!!python/name:os.system")
    assert not (user_dir / "multirun").exists()


def test_an_unknown_resolver_on_the_command_line_is_refused_naming_it():
    refused_config(lambda: check_overrides(["days=${eval:1+1}"], [config_dir()]), "days=${eval:1+1}", "'eval'")
    refused_config(lambda: load_config([*TINY, "days=${eval:1+1}"]), "days=${eval:1+1}")
    check_overrides(["days=${oc.select:nothing,30}"], [config_dir()])  # a resolver that exists is fine


def test_an_unknown_resolver_anywhere_in_a_composed_config_is_refused_naming_the_key():
    check_composed_resolvers({"days": "${oc.select:nothing,30}", "seed": 3, "x": ["${days}"]})
    refused_config(lambda: check_composed_resolvers({"member": {"p": "${eval:1+1}"}}), "member.p=${eval:1+1}", "'eval'")


def test_an_unknown_resolver_in_a_chosen_scenario_is_refused_naming_the_file_and_key(user_dir):
    (user_dir / "scenario" / "mine.yaml").write_text("# @package _global_\nseed: 3\ndays: ${eval:1+1}\n")
    refused_config(lambda: check_overrides(["scenario=mine"], [config_dir(), user_dir]), "mine.yaml", "days=", "'eval'")


@pytest.mark.parametrize("sweep", ["seed=range(0,0)", "seed=range(5,2)", "scenario=glob(nothing*)"])
def test_an_empty_sweep_is_refused_instead_of_launching_no_job(sweep):
    refused_config(lambda: check_overrides([sweep], [config_dir()]), sweep, "no values")


def test_a_checkpoint_folder_that_cannot_be_made_is_refused_when_the_run_is_made(tmp_path, monkeypatch):
    (tmp_path / "a-file").write_text("")
    cfg = load_config([*TINY, "days=20", "checkpoint.every_days=10", f"checkpoint.dir={tmp_path}/a-file/ck"])
    refused_config(lambda: checkpoint.Checkpointer(cfg, None), f"checkpoint.dir={tmp_path}/a-file/ck", "a file")

    def step(self):
        raise AssertionError("day 1 ran before the checkpoint folder was refused")

    monkeypatch.setattr(CommunityModel, "step", step)
    refused_config(lambda: run(cfg), "checkpoint.dir=")


# -- calibration data ------------------------------------------------------------------------------


@pytest.mark.parametrize(("rows", "words"), [
    ("0,3\n1,inf\n2,5\n", ("column members, row 3", "'inf' is not a finite number")),
    ("0,3\n1,4\n200000,5\n", ("column day, row 4", "day 200000", "100000")),
])
def test_calibration_data_out_of_range_is_refused_before_anything_is_created(tmp_path, capsys, no_runs, rows, words):
    data = tmp_path / "observed.csv"
    data.write_text("day,members\n" + rows)
    refused_command(calibrate.main, [str(data), "--param", "policy.acquisition.p_convert=0.001:0.05",
                                     "--out", str(tmp_path / "out")], capsys, "observed.csv", *words)
    assert not (tmp_path / "out").exists()


def test_calibration_seeds_and_verdict_days_are_checked_before_anything_is_created(tmp_path, capsys, no_runs):
    data = tmp_path / "observed.csv"
    data.write_text("day,members\n0,3\n1,4\n99990,5\n")
    base = [str(data), "--param", "policy.acquisition.p_convert=0.001:0.05", "--out", str(tmp_path / "out")]
    refused_command(calibrate.main, [*base, "--first-seed", "-1"], capsys, "--first-seed", "seed = -1")
    refused_command(calibrate.main, base, capsys, "--verdict-days 90", "day 99990")
    refused_command(calibrate.main, [base[0], "--param", "staff.n_experts=1:3", *base[3:]], capsys,
                    "--param staff.n_experts=1:3", ":int")
    assert not (tmp_path / "out").exists()


def test_calibration_design_and_check_sizes_are_refused_before_anything_is_created(tmp_path, capsys, no_runs):
    data = tmp_path / "observed.csv"
    data.write_text("day,members\n0,3\n1,4\n2,5\n")
    p = ["--param", "policy.acquisition.p_convert=0.001:0.05"]
    out = ["--out", str(tmp_path / "out")]
    refused_command(calibrate.main, [str(data), *p, *p, *out], capsys, "--param", "given twice")
    refused_command(calibrate.main, [str(data), *p, "--design", "5", *out], capsys, "--design 5", "at least 10")
    refused_command(calibrate.main, [str(data), *p, "--replicates", "1", *out], capsys, "--replicates 1")
    refused_command(calibrate.main, [str(data), *p, "--check", "3", *out], capsys, "--check 3", "at least 10 truths")
    assert not (tmp_path / "out").exists()


# -- the analysis tools: every lever and range in full, before the first run -----------------------


def optimise_args(tmp_path, *levers: str, flags=("--trials", "2", "--seeds", "1")) -> list[str]:
    return [*(f"--lever={lv}" for lv in levers), *flags, "--storage", str(tmp_path / "study.db"),
            "--common", *TINY, "days=5"]


@pytest.mark.parametrize(("levers", "words"), [
    (["policy/referral=none,bogus"], ("--lever policy/referral=none,bogus", "policy/referral=bogus: no such option")),
    (["policy.acquisition.budget_per_day=0:100", "policy.referral.p_accept=0.1:1.5"],
     ("--lever policy.referral.p_accept=0.1:1.5", "p_accept = 1.5 is out of range")),
    (["policy.referral.p_accept=-0.5:0.5"], ("--lever policy.referral.p_accept=-0.5:0.5", "p_accept = -0.5")),
    (["staff.n_experts=1:4"], ("--lever staff.n_experts=1:4", "whole numbers", ":int")),
    (["staff.n_experts=1,2,-3"], ("--lever staff.n_experts=1,2,-3", "n_experts = -3")),
    (["policy.referral.name=none,open_invite"], ("policy/referral=none",)),
    (["policy/referral=0:1"], ("--lever policy/referral=0:1", "config group")),
])
def test_optimise_refuses_every_bad_lever_before_the_first_trial(tmp_path, capsys, no_runs, levers, words):
    refused_command(optimise.main, optimise_args(tmp_path, *levers), capsys, *words)
    assert not (tmp_path / "study.db").exists()


@pytest.mark.parametrize(("flags", "words"), [
    (["--budget", "-5"], ("--budget -5", "positive")),
    (["--budget", "0"], ("--budget 0", "positive")),
    (["--trials", "0"], ("--trials 0", "at least 1")),
    (["--seeds", "0"], ("--seeds 0", "at least 1")),
])
def test_optimise_refuses_a_budget_trials_or_seeds_that_are_not_positive(tmp_path, capsys, no_runs, flags, words):
    args = optimise_args(tmp_path, "policy.referral.p_accept=0.1:0.5", flags=flags)
    refused_command(optimise.main, args, capsys, *words)


def test_a_choice_of_numbers_means_what_it_means_on_the_command_line():
    lever = optimise.parse_lever("staff.n_experts=1,2")
    assert lever.value("2") == 2 and optimise.parse_lever("policy/referral=none,open_invite").value("none") == "none"
    optimise.check_levers([lever], [*TINY, "days=5"])  # every choice composes


def test_sensitivity_reports_the_range_the_user_typed_before_any_run(tmp_path, capsys, no_runs):
    args = ["--param", "member.p_churn_max_per_day=0.01:0.05", "--param", "policy.referral.p_accept=0.1:1.5",
            "--n", "2", "--seeds", "1", "--out", str(tmp_path / "out"), "--common", *TINY, "days=5"]
    with pytest.raises(SystemExit):
        sensitivity.main(args)
    err = capsys.readouterr().err
    one_line(err, "--param policy.referral.p_accept=0.1:1.5", "= 1.5 is out of range")
    assert "1.03" not in err and not (tmp_path / "out").exists()


@pytest.mark.parametrize(("flags", "words"), [
    (["--first-seed", "-1"], ("--first-seed -1", "seed = -1")),
    (["--batch", "0", "--target-width", "members_final=5"], ("--batch 0", "at least 1")),
    (["--max-seeds", "0"], ("--max-seeds 0", "at least 1")),
    (["--target-width", "nonsense=5"], ("nonsense",)),
])
def test_compare_checks_seeds_and_counts_before_the_first_run(tmp_path, capsys, no_runs, flags, words):
    args = ["--arm", "a", "--arm", "b", "policy/referral=none", "--seeds", "2", "--out", str(tmp_path / "out"),
            *flags, "--common", *TINY, "days=5"]
    refused_command(compare.main, args, capsys, *words)


def test_compare_names_the_arm_whose_override_is_refused(tmp_path, capsys, no_runs):
    args = ["--arm", "a", "--arm", "b", "policy.referral.p_accept=1.5", "--seeds", "2", "--out", str(tmp_path / "o"),
            "--common", *TINY, "days=5"]
    refused_command(compare.main, args, capsys, "--arm b", "p_accept = 1.5")


# -- fork arms -------------------------------------------------------------------------------------


def test_a_fork_arm_picking_a_policy_by_its_name_key_is_refused_as_community_sim_refuses_it():
    refused_config(lambda: forks.parse_overrides(["policy.referral.name=none"]),
                   "policy.referral.name=none", "write policy/referral=none")
    refused_config(lambda: forks.parse_overrides(["policy.referral={name: none}"]), "write policy/referral=none")


def test_a_fork_arm_may_pick_a_preset_from_the_users_own_config_folder(tmp_path):
    (tmp_path / "playbook").mkdir()
    stages = "stages:\n  MATURE:\n    staff:\n      n_experts: 0\n"
    (tmp_path / "playbook" / "lean.yaml").write_text(f"defaults:\n  - stage_aware\n  - _self_\n\nname: lean\n{stages}")
    parsed = forks.parse_overrides(["playbook=lean"], config_dirs=[tmp_path])
    assert parsed["playbook"]["name"] == "lean"
    refused_config(lambda: forks.parse_overrides(["playbook=lean"]), "playbook=lean", "no such option")


@pytest.fixture(scope="module")
def day8(tmp_path_factory):
    where = tmp_path_factory.mktemp("ck")
    run(load_config([*TINY, "days=8", "checkpoint.every_days=8", f"checkpoint.dir={where}"]))
    return checkpoint.find(where)


def test_every_fork_arm_is_checked_before_the_first_runs(day8, tmp_path, capsys, no_runs):
    args = [str(day8), "--days", "5", "--seeds", "2", "--out", str(tmp_path / "o"),
            "--arm", "same", "--arm", "bad", "policy.referral.p_accept=7"]
    refused_command(forks.fork_main, args, capsys, "--arm bad", "p_accept = 7")
    refused_command(forks.fork_main, [*args[:-3], "--arm", "other", "policy.referral.name=none"], capsys,
                    "--arm other", "write policy/referral=none")
    refused_command(forks.fork_main, [*args[:2], "0", *args[3:]], capsys, "--days 0")
    with pytest.raises(ConfigError, match="p_accept = 7"):
        forks.fork(day8, [{}, {"policy.referral.p_accept": 7}], days=5)


def test_resume_to_a_day_the_run_already_has_says_so_in_its_own_words(day8, tmp_path, capsys):
    refused_command(forks.resume_main, [str(day8), "--days", "5", "--out", str(tmp_path / "o")], capsys,
                    "--days 5", "already has 8 days", "must exceed 8", "community-sim-fork")
    assert not Path(tmp_path / "o").exists()
