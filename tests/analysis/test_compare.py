"""Policy comparison on common random numbers: pairing, adaptive replicates, reports, bad input."""

import os

import numpy as np
import pandas as pd
import pytest

from sim.analysis.compare import compare, formatted, kpi_table
from sim.analysis.compare import main as compare_main
from sim.analysis.kpis import standard_kpis
from sim.config import SimConfig

TINY = {"days": 40, "network": {"n_people": 1500}, "output": {"plots": False, "csv": False}}


@pytest.fixture(scope="module")
def tiny() -> SimConfig:
    return SimConfig.from_dict(TINY)


def test_an_arm_identical_to_the_baseline_differs_by_exactly_nothing_on_every_seed(tiny):
    arms = {"base": tiny, "same": tiny, "no_referral": tiny.replace(**{"policy.referral.name": "none"})}
    c = compare(arms, seeds=[0, 1, 2])
    same = c.table[c.table["arm"] == "same"].set_index("kpi")
    finite = same["diff"].notna()
    assert finite.sum() >= 8 and (same.loc[finite, "diff"] == 0).all()  # same seeds, same world
    assert (same.loc[finite, "diff_hi"] - same.loc[finite, "diff_lo"]).max() == 0
    # while the seeds themselves differ: the baseline's own interval is not degenerate
    base = c.table[(c.table["arm"] == "base") & (c.table["kpi"] == "members_final")].iloc[0]
    assert base["hi"] > base["lo"]


def test_replicates_are_added_until_the_difference_interval_is_narrow_enough(tiny):
    # a third of the ad budget: members_final differs on every seed, so the interval has a width
    arms = {"weekly": tiny.replace(**{"policy.acquisition.budget_per_day": 50.0}), "daily": tiny}
    strict = compare(arms, seeds=[0, 1], target=("members_final", 1e-9), max_seeds=5, batch=2)
    assert strict.seeds == [0, 1, 2, 3, 4]  # never narrow enough: stops at max_seeds
    loose = compare(arms, seeds=[0, 1], target=("members_final", 1e9), max_seeds=5, batch=2)
    assert loose.seeds == [0, 1]
    row = strict.table[(strict.table["kpi"] == "members_final") & (strict.table["arm"] == "daily")].iloc[0]
    assert row["n"] == 5 and np.isfinite(row["diff_lo"])


def test_the_command_writes_a_self_contained_report_and_reuses_finished_runs(tmp_path, capsys):
    args = ["--arm", "none", "policy/referral=none", "--arm", "reward", "policy/referral=reward_per_join",
            "--common", "days=30", "network.n_people=1000", "--seeds", "2", "--out", str(tmp_path)]
    compare_main(args)
    captured = capsys.readouterr()
    out = captured.out
    assert "seeds: 2" in out and "P(better)" in out
    # stderr is not a terminal here: progress comes as plain lines, a first and a last one
    progress = [line for line in captured.err.splitlines() if line.startswith("compare (2 arms)")]
    assert progress[0] == "compare (2 arms): 2 seeds to do"
    assert progress[-1].startswith("compare (2 arms): 2/2 seeds (100%)")
    page = (tmp_path / "report.html").read_text()
    assert page.count("data:image/png;base64,") == 2 and "difference vs baseline" in page
    md = (tmp_path / "report.md").read_text()
    assert "![kpis_over_time](kpis_over_time.png)" in md and (tmp_path / "kpis_over_time.png").is_file()
    runs = sorted((tmp_path / "runs").rglob("timeseries.parquet"))
    assert len(runs) == 4
    stamps = [os.stat(p).st_mtime_ns for p in runs]
    compare_main(args)  # the same comparison again: every run is read back, none is redone
    assert [os.stat(p).st_mtime_ns for p in runs] == stamps
    # the same folder with an arm changed: its finished runs were made otherwise, so they run again
    changed = [a.replace("policy/referral=reward_per_join", "policy/referral=open_invite") for a in args]
    compare_main(changed)
    err = capsys.readouterr().err
    assert err.count("a finished run made with another config") == 2  # the reward arm's two seeds
    assert [os.stat(p).st_mtime_ns for p in runs][:2] == stamps[:2]  # the unchanged arm is read back


@pytest.mark.parametrize("bad", [
    ["--arm", "a", "--arm", "a"],
    ["--arm", "a", "--arm", "b", "--baseline", "c"],
    ["--arm", "a", "policy/referral=nope", "--arm", "b"],
    ["--arm", "a", "--arm", "b", "--target-width", "members_final"],
])
def test_bad_input_is_one_line_and_exit_2(bad, capsys):
    with pytest.raises(SystemExit) as exit_:
        compare_main([*bad, "--seeds", "1", "--common", "days=5", "network.n_people=300"])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and err.count("\n") == 1


def test_an_arms_interval_stays_inside_the_values_its_kpi_can_take():
    # three seeds with a count of 0, 0, 30 (mean 10): the t-interval reaches below zero, a share of
    # 0.9, 1, 1 above one; the table keeps both inside their KPI's bounds, the mean untouched
    kpis = tuple(k for k in standard_kpis() if k.name in ("members_final", "retention"))
    runs = pd.DataFrame({"arm": ["a"] * 3 + ["b"] * 3, "seed": [0, 1, 2] * 2,
                         "members_final": [0.0, 0.0, 30.0, 5.0, 6.0, 7.0],
                         "retention": [0.9, 1.0, 1.0, 0.5, 0.6, 0.7]})
    table = kpi_table(runs, kpis, baseline="b").set_index(["kpi", "arm"])
    members, share = table.loc[("members_final", "a")], table.loc[("retention", "a")]
    assert members["lo"] == 0.0 and members["mean"] == 10.0 and members["hi"] > 30.0
    assert share["hi"] == 1.0 and share["lo"] < 0.9
    assert table.loc[("members_final", "b"), "lo"] > 0  # an interval inside the bounds is left alone


def test_ties_read_as_ties(tiny):
    # an arm identical to the baseline: every seed a tie, said as such rather than "won 0%"
    c = compare({"base": tiny, "same": tiny}, seeds=[0, 1])
    shown = formatted(c)
    same = shown[(shown["arm"] == "same") & (shown["seeds won"] != "–")]  # "–": a stage never reached
    assert len(same) >= 8
    assert (same["seeds won"] == "tie on every seed").all() and (same["P(better)"] == "tie").all()
    ties = c.table.loc[c.table["arm"] == "same", "ties"]
    assert (ties[ties.notna()] == 1.0).all()
