"""Collecting a tiny sweep made in a temporary folder: what varied, the operator KPIs, the plot."""

import pandas as pd
import pytest
import yaml

from sim.analysis.collect import collect
from sim.analysis.collect import main as collect_main
from sim.cli import load_config
from sim.runner import run, write_run_folder

FIXED = ["days=20", "network.n_people=300", "output.plots=false", "output.csv=false"]


@pytest.fixture(scope="module")
def sweep(tmp_path_factory):
    """2 posting rates x 2 referral policies x 2 seeds, each job in its own folder with Hydra's record."""
    root = tmp_path_factory.mktemp("sweep")
    for posts in (1, 14):
        for referral in ("none", "open_invite"):
            cfg = load_config([*FIXED, f"policy.content.posts_per_week={posts}", f"policy/referral={referral}"])
            for seed in (0, 1):
                overrides = [*FIXED, f"policy.content.posts_per_week={posts}", f"policy/referral={referral}",
                             f"seed={seed}"]
                job = root / f"posts={posts},referral={referral},seed={seed}"
                (job / ".hydra").mkdir(parents=True)
                (job / ".hydra" / "overrides.yaml").write_text(yaml.safe_dump(overrides))
                write_run_folder(run(cfg.replace(seed=seed)), job, {})
    return root


def test_only_the_parameters_that_varied_are_listed_and_shared_overrides_are_held_fixed(sweep):
    collected = collect(sweep)
    assert collected.swept == ["policy.content.posts_per_week", "policy.referral"]
    assert collected.fixed == {"days": 20, "network.n_people": 300, "output.plots": False, "output.csv": False}
    assert "days" not in collected.summary and "network.n_people" not in collected.timeseries


def test_the_summary_carries_the_operator_kpis_of_each_runs_summary(sweep):
    summary = collect(sweep).summary
    for key in ("daily_active_recent", "monthly_active_share_recent", "revenue_total_yuan", "margin_total_yuan",
                "cost_total_yuan", "cost_per_retained_member_yuan", "stage_final", "days_to_GROW"):
        assert key in summary, key
    assert summary["cost_total_yuan"].round(2).equals(summary["cost_total"].round(2))  # two routes, one figure
    assert summary["days_to_CREATE"].eq(0).all()


def test_the_command_draws_one_panel_per_kpi_against_the_swept_parameter(sweep, tmp_path, capsys):
    collect_main([str(sweep), "--out", str(tmp_path)])
    out = capsys.readouterr().out
    assert "varied: policy.content.posts_per_week (expert posts per week, whole team (内容日历)): 1, 14" in out
    assert "held fixed: days=20 network.n_people=300" in out
    assert (tmp_path / "sweep.png").stat().st_size > 10_000
    assert len(pd.read_csv(tmp_path / "summary.csv")) == 8


def test_an_x_that_was_not_swept_is_refused_in_one_line(sweep, tmp_path, capsys):
    with pytest.raises(SystemExit) as exit_:
        collect_main([str(sweep), "--out", str(tmp_path), "--x", "days"])
    assert exit_.value.code == 2
    assert "--x days: not a swept parameter" in capsys.readouterr().err
