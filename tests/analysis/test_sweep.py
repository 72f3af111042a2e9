"""A small sweep end to end: Hydra multirun -> collect -> comparison, and resuming after a stop.

The sweep is configs/sweep/content_x_referral_small.yaml: 3 vs 14 expert posts a week x no referral
vs open invitations x 3 seeds, on 2,000 people for 60 days (12 jobs).
"""

import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest

from sim.analysis.collect import collect
from sim.analysis.collect import main as collect_main
from sim.analysis.compare import kpi_table
from sim.analysis.kpis import standard_kpis
from sim.metrics import METRIC_NAMES

SWEEP = ["-m", "sweep=content_x_referral_small"]  # it chooses the flat playbook: the levers hold throughout


def multirun(sweep_dir: Path) -> list[str]:
    return [sys.executable, "-m", "sim.cli", *SWEEP, f"hydra.sweep.dir={sweep_dir}"]


@dataclass
class Interrupted:
    """A sweep killed after a few jobs finished, then started again and run to the end."""

    root: Path
    finished_before: dict[Path, int]  # job folder -> mtime of its time series before the restart
    restart: subprocess.CompletedProcess


@pytest.fixture(scope="module")
def sweep(tmp_path_factory) -> Interrupted:
    root = tmp_path_factory.mktemp("sweep") / "content_x_referral"
    first = subprocess.Popen(multirun(root), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 240
    while len(list(root.rglob("DONE"))) < 4 and first.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    first.kill()  # stop the sweep mid-way, possibly while a job is writing its folder
    first.wait()
    finished = {p.parent: os.stat(p.parent / "timeseries.parquet").st_mtime_ns for p in root.rglob("DONE")}
    restart = subprocess.run(multirun(root), capture_output=True, text=True, timeout=300)
    assert restart.returncode == 0, restart.stderr[-2000:]
    return Interrupted(root, finished, restart)


def test_every_job_of_the_sweep_finishes_in_its_own_folder(sweep):
    done = sorted(sweep.root.rglob("DONE"))
    assert len(done) == 12
    names = {p.parent.relative_to(sweep.root).as_posix() for p in done}
    assert any(n.endswith("policy.content.posts_per_week=14,policy/referral=open_invite,seed=2") for n in names)


def test_collect_gives_one_row_per_job_per_day_with_the_swept_values(sweep, tmp_path, capsys):
    collect_main([str(sweep.root), "--out", str(tmp_path)])
    assert "collected 12 finished jobs (0 unfinished)" in capsys.readouterr().out
    ts = pd.read_parquet(tmp_path / "timeseries.parquet")
    summary = pd.read_parquet(tmp_path / "summary.parquet")
    assert len(ts) == 12 * 61 and set(METRIC_NAMES) <= set(ts.columns)
    assert ts.groupby(["job", "day"]).size().max() == 1
    assert len(summary) == 12 and summary["seed"].tolist().count(0) == 4
    assert set(summary["policy.content.posts_per_week"]) == {3, 14}
    assert set(summary["policy.referral"]) == {"none", "open_invite"}


def test_more_expert_content_keeps_more_members_active_on_common_seeds(sweep):
    summary = collect(sweep.root).summary
    kpis = standard_kpis()
    by_content = summary[summary["policy.referral"] == "none"].assign(arm=lambda d: d["policy.content.posts_per_week"].astype(str))
    content = kpi_table(by_content, kpis, baseline="3").set_index(["kpi", "arm"])
    better = content.loc[("active_share_recent", "14")]
    assert better["diff"] > 0 and better["wins"] == 1.0  # more fresh content, more visits, on every common seed
    days = by_content.pivot(index="seed", columns="arm", values="days_to_ACTIVE").fillna(float("inf"))
    assert (days["14"] <= days["3"]).all()  # and the active stage comes no later (never = infinitely late)

def test_open_invitations_bring_referral_joins_and_no_referral_brings_none(sweep):
    ts = collect(sweep.root).timeseries
    per_job = ts.groupby(["job", "policy.referral", "policy.content.posts_per_week"])["joins_referral"].sum()
    per_arm = per_job.groupby(["policy.referral", "policy.content.posts_per_week"]).sum()
    assert (per_job.xs("none", level="policy.referral") == 0).all()  # no referral: not one referred join
    assert (per_arm.xs("open_invite", level="policy.referral") > 0).all()  # invitations bring friends in


def test_a_sweep_killed_mid_way_and_restarted_redoes_only_the_unfinished_jobs(sweep):
    assert 4 <= len(sweep.finished_before) < 12  # the kill came before the end
    assert sweep.restart.stdout.count("already finished, skipped") == len(sweep.finished_before)
    for job, stamp in sweep.finished_before.items():  # nothing finished was redone or lost
        assert os.stat(job / "timeseries.parquet").st_mtime_ns == stamp
    assert len(collect(sweep.root).summary) == 12


def test_collect_of_a_missing_folder_is_one_line_and_exit_2(tmp_path, capsys):
    with pytest.raises(SystemExit) as exit_:
        collect_main([str(tmp_path / "nowhere")])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("error: no such sweep folder") and err.count("\n") == 1
