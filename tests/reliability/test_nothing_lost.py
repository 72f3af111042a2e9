"""A run killed part-way (SIGKILL to the real process) loses nothing: its finished checkpoints are
complete, a half-written one is never used, and resuming from the latest finishes the run folder
with exactly the series of an uninterrupted run. (Sweeps killed and restarted are covered by
tests/analysis/test_sweep.py, which kills a real Hydra multirun and checks every job once.)"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pandas as pd

from sim import checkpoint
from sim.cli import load_config
from sim.forks import resume_main
from sim.runner import run

ARGS = [
    "scenario=classroom",
    "network.n_people=8000",
    "days=120",
    "seed=5",
    "output.plots=false",
    "output.csv=false",
]


def test_a_killed_run_resumed_from_its_last_checkpoint_ends_as_if_never_stopped(tmp_path, capsys):
    proc = subprocess.Popen(
        [sys.executable, "-m", "sim.cli", *ARGS, "checkpoint.every_days=10"],
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    while not list(tmp_path.glob("outputs/*/*/checkpoints/*/DONE")) and time.monotonic() < deadline:
        time.sleep(0.01)
    os.kill(proc.pid, signal.SIGKILL)
    assert proc.wait() == -signal.SIGKILL  # killed, not finished
    (run_dir,) = tmp_path.glob("outputs/*/*")
    assert not (run_dir / "DONE").exists()
    latest = checkpoint.find(run_dir)
    assert checkpoint.load(latest).day < 120

    resume_main([str(run_dir)])
    assert "members (final / peak)" in capsys.readouterr().out
    assert (run_dir / "DONE").is_file()
    resumed = pd.read_parquet(run_dir / "timeseries.parquet")
    assert resumed["day"].tolist() == list(range(121))  # every day once
    straight = run(load_config(ARGS)).timeseries
    assert resumed.equals(straight)
    finished = sorted(p.parent.name for p in (run_dir / "checkpoints").glob("*/DONE"))
    assert finished[-1].startswith("day-00120-") and len(finished) >= 120 // 10 - 1

    resume_main([str(run_dir)])  # a second resume finds the run finished and leaves it alone
    assert "already finished, skipped" in capsys.readouterr().out
