"""Scenario discovery (community-sim-discover): PRIM finds a box we planted, the outcome language
reads predicates and refuses what it cannot read, and the command writes its report or refuses in
one line."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from sim.analysis.discover import discover, limits_of
from sim.analysis.outcome import OutcomeError, parse_outcome
from sim.commands.discover import main


def planted_sweep(n: int = 400, seed: int = 0) -> pd.DataFrame:
    """A summary in collect's layout whose outcome holds exactly for x1 in [0.2, 0.6] and x2 > 0.5;
    x3 is irrelevant."""
    rng = np.random.default_rng(seed)
    x = rng.uniform(size=(n, 3))
    inside = (x[:, 0] >= 0.2) & (x[:, 0] <= 0.6) & (x[:, 1] > 0.5)
    return pd.DataFrame({"job": [f"job{i}" for i in range(n)], "seed": 0, "x1": x[:, 0], "x2": x[:, 1],
                         "x3": x[:, 2], "scenario": "synthetic",
                         "days_to_MATURE": np.where(inside, 200.0, np.nan), "days_to_CREATE": 0.0,
                         "members_final": np.where(inside, 3000.0, 800.0)})


def test_prim_finds_the_planted_box_on_the_levers_that_matter():
    d = discover(planted_sweep(), "reached MATURE")
    stats = d.trajectory.loc[d.chosen]
    limits = limits_of(d).set_index("key")
    assert stats["density"] >= 0.8
    assert set(limits.index) == {"x1", "x2"}  # x3 is irrelevant and stays free
    assert abs(limits.loc["x1", "lower"] - 0.2) < 0.1 and abs(limits.loc["x1", "upper"] - 0.6) < 0.1
    assert abs(limits.loc["x2", "lower"] - 0.5) < 0.1


def test_outcome_predicates_and_comparisons_mark_runs():
    s = pd.DataFrame({"days_to_MATURE": [100.0, 400.0, np.nan], "days_to_DECLINE": [np.nan, 50.0, 20.0],
                      "days_to_CREATE": 0.0, "stage_end": [3.0, 9.0, 9.0], "policy.content.posts_per_week": [7, 14, 3]})
    assert parse_outcome("reached MATURE", s).tolist() == [True, True, False]
    assert parse_outcome("reached 成熟期 and never DECLINE", s).tolist() == [True, False, False]
    assert parse_outcome("days_to_MATURE <= 365 and no DECLINE", s).tolist() == [True, False, False]
    assert parse_outcome("ever DECLINE or stage_end >= MATURE", s).tolist() == [True, True, True]
    assert parse_outcome("not (5 <= policy.content.posts_per_week < 10)", s).tolist() == [False, True, True]
    s["stage_final"] = ["MATURE", "DECLINE", "DECLINE"]
    assert parse_outcome("stage_final == MATURE or stage_final == 'EXPANSION'", s).tolist() == [True, False, False]


def test_a_summary_without_declines_reads_never_decline_as_true():
    s = pd.DataFrame({"days_to_MATURE": [100.0, np.nan], "days_to_CREATE": 0.0})
    assert parse_outcome("never DECLINE", s).all()
    with pytest.raises(OutcomeError, match="does not say"):
        parse_outcome("never DECLINE", s.drop(columns="days_to_CREATE"))


@pytest.mark.parametrize("text, says", [
    ("days_to_MATURES <= 365", "unknown column 'days_to_MATURES'.*close: days_to_MATURE"),
    ("reached ADULT", "no stage named 'ADULT'"),
    ("__import__('os').system('true')", "not allowed"),
    ("days_to_MATURE", "not a yes/no"),
    ("days_to_MATURE <=", "cannot read"),
])
def test_outcome_refuses_what_it_cannot_read(text, says):
    s = pd.DataFrame({"days_to_MATURE": [100.0, np.nan], "days_to_CREATE": 0.0})
    with pytest.raises(OutcomeError, match=says):
        parse_outcome(text, s)


def test_an_outcome_true_for_every_run_leaves_nothing_to_discover():
    with pytest.raises(ValueError, match="true for all 400 runs: nothing to discover"):
        discover(planted_sweep(), "never DECLINE")


def test_a_chosen_box_is_reported_instead_and_one_past_the_trajectory_is_refused():
    sweep = planted_sweep()
    assert discover(sweep, "reached MATURE", box=3).chosen == 3
    with pytest.raises(ValueError, match="--box 999: the trajectory has boxes 0 to"):
        discover(sweep, "reached MATURE", box=999)


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", "from sim.commands.discover import main; main()", *args],
                          capture_output=True, text=True, timeout=120)


def test_the_command_writes_the_report_and_the_box(tmp_path):
    planted_sweep().to_parquet(tmp_path / "summary.parquet")
    done = cli(str(tmp_path / "summary.parquet"), "--outcome", "members_final > 2000", "--out", str(tmp_path / "out"))
    assert done.returncode == 0, done.stderr
    for name in ("report.html", "report.md", "peeling.png", "box_limits.png", "boxes.csv", "box.json"):
        assert (tmp_path / "out" / name).is_file(), name
    box = json.loads((tmp_path / "out" / "box.json").read_text())
    assert box["density"] >= 0.8 and {r["key"] for r in box["restricted"]} == {"x1", "x2"}
    assert "coverage" in done.stdout and "x1" in done.stdout


@pytest.mark.parametrize("make, args, says", [
    (None, ["--outcome", "reached MATURE"], "no such file"),
    ("text", ["--outcome", "reached MATURE"], "not a parquet file"),
    ("ok", ["--outcome", "members_finl > 1"], "unknown column 'members_finl'"),
    ("ok", ["--outcome", "members_final > 1e6"], "true for none"),
    ("small", ["--outcome", "reached MATURE"], "10 runs: PRIM needs at least 20"),
    ("ok", ["--outcome", "reached MATURE", "--inputs", "x1", "scenario"], "input scenario is not numeric"),
    ("ok", ["--outcome", "reached MATURE", "--inputs", "x1", "seed"], "input seed does not vary"),
    ("ok", ["--outcome", "reached MATURE", "--threshold", "1.5"], "--threshold 1.5: must lie in (0, 1]"),
])
def test_the_command_refuses_bad_input_in_one_line(tmp_path, capsys, make, args, says):
    path = tmp_path / "summary.parquet"
    if make == "text":
        path.write_text("job,seed\n")
    elif make is not None:
        planted_sweep(10 if make == "small" else 400).to_parquet(path)
    with pytest.raises(SystemExit) as stopped:
        main([str(path), *args, "--out", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert stopped.value.code == 2
    assert err.count("\n") == 1 and err.startswith("error: ") and says in err
    assert not (tmp_path / "out").exists()
