"""The `community-sim` command end to end: outputs on success, one line and no DONE on bad input."""

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from sim.metrics import METRIC_NAMES

SMALL = ["scenario=classroom", "days=40", "network.n_people=1500", "seed=4"]


def community_sim(args, cwd):
    return subprocess.run(
        [sys.executable, "-m", "sim.cli", *args], cwd=cwd, capture_output=True, text=True, timeout=120
    )


def run_dirs(root: Path):
    return sorted(p for p in (root / "outputs").glob("*/*") if p.is_dir())


def test_a_run_writes_a_complete_self_describing_folder(tmp_path):
    proc = community_sim(SMALL, tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "members (final / peak)" in proc.stdout and "stage reached" in proc.stdout
    (out,) = run_dirs(tmp_path)
    assert f"outputs: {out}" in proc.stdout
    for name in ("config.yaml", "timeseries.parquet", "timeseries.csv", "stages.csv", "summary.json",
                 "provenance.json", "metrics.json", "dashboard.png", "DONE"):
        assert (out / name).is_file(), name
    ts = pd.read_parquet(out / "timeseries.parquet")
    assert list(ts.columns) == ["day", *METRIC_NAMES] and len(ts) == 41
    assert "note: held for the whole run" not in proc.stdout
    prov = json.loads((out / "provenance.json").read_text())
    assert prov["seed"] == 4 and prov["packages"]["mesa"].startswith("3.")
    assert json.loads((out / "summary.json").read_text())["scenario"] == "classroom"


def test_the_same_command_twice_gives_the_same_numbers(tmp_path):
    args = [*SMALL, "days=15", "output.plots=false"]
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
        assert community_sim(args, tmp_path / name).returncode == 0
    (a,), (b,) = run_dirs(tmp_path / "a"), run_dirs(tmp_path / "b")
    assert pd.read_parquet(a / "timeseries.parquet").equals(pd.read_parquet(b / "timeseries.parquet"))


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["colour=blue"], "colour: no such config key"),
        (["network=lattice"], "network=lattice: no such option"),
        (["days=-1"], "days = -1 is out of range"),
        (["policy.referral.p_accept=two"], "policy.referral.p_accept = 'two' has the wrong type"),
        (["network=file", "network.path=/no/such/graph.csv"], "no such file"),
        (["network.n_people=10", "founders.n_founders=20"], "larger than network.n_people"),
    ],
)
def test_bad_input_exits_non_zero_with_one_line_and_no_finished_folder(tmp_path, args, expected):
    proc = community_sim([*SMALL, *args], tmp_path)
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and expected in lines[0] and "Traceback" not in proc.stderr
    assert not any((d / "DONE").exists() for d in run_dirs(tmp_path))


def test_a_malformed_graph_file_is_refused_with_the_line_number(tmp_path):
    bad = tmp_path / "edges.csv"
    bad.write_text("alice,bob\ncarol\n")
    proc = community_sim([*SMALL, "network=file", f"network.path={bad}"], tmp_path)
    assert proc.returncode == 2
    assert "line 2 has 1 column(s)" in proc.stderr


def test_a_policy_set_on_the_command_line_is_held_and_the_command_says_so(tmp_path):
    proc = community_sim([*SMALL, "days=20", "output.plots=false", "policy.content.posts_per_week=3"], tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "note: held for the whole run, not changed by playbook stage_aware: policy.content.posts_per_week" in proc.stdout


def test_a_sweep_says_how_far_it_is_on_a_non_terminal_stderr(tmp_path):
    # stderr is a pipe here, as in CI logs: one plain line as each job ends, with the sweep's size
    proc = community_sim(["-m", "days=5", "network.n_people=300", "seed=0,1", "policy/referral=none,open_invite",
                          f"hydra.sweep.dir={tmp_path / 'sweep'}", "output.plots=false"], tmp_path)
    assert proc.returncode == 0, proc.stderr
    lines = [line for line in proc.stderr.splitlines() if line.startswith("sweep: job ")]
    assert [line.split(" ended")[0] for line in lines] == [f"sweep: job {k} of 4" for k in range(1, 5)]
    assert all("since the sweep began" in line for line in lines)
