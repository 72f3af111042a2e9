"""A run killed part-way (SIGKILL to the real process) loses nothing: its finished checkpoints are
complete, a half-written one is never used, and resuming from the latest finishes the run folder
with exactly the series of an uninterrupted run. SIGKILL cannot be caught, so the killed run's
folder says nothing (no DONE, no FAILED) beyond its lock naming a process that has ended; a resume
holds the folder's lock like the run itself. (Sweeps killed and restarted are covered by
tests/analysis/test_sweep.py, which kills a real Hydra multirun and checks every job once; the
other ways a run can end by tests/reliability/test_run_folders.py.)"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time

import pandas as pd
import pytest

from sim import checkpoint
from sim.cli import load_config
from sim.forks import resume_main
from sim.recorder import DONE_MARKER
from sim.runlock import LOCK_FILE, acquire, release
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
    assert not (run_dir / "DONE").exists() and not (run_dir / "FAILED").exists()  # nothing could be said
    assert json.loads((run_dir / LOCK_FILE).read_text())["pid"] == proc.pid  # but the lock names the dead run
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


def test_a_resume_holds_the_run_folder_like_the_run_itself(tmp_path, capsys):
    run_dir = tmp_path / "run"
    tiny = ["network.n_people=300", "days=7", "output.plots=false", "output.csv=false", "checkpoint.every_days=2"]
    run(load_config(tiny), run_dir)
    (run_dir / DONE_MARKER).unlink()  # as if killed after its last checkpoint
    fd, _ = acquire(run_dir)  # another process writing the folder
    try:
        with pytest.raises(SystemExit) as refused:
            resume_main([str(run_dir)])
    finally:
        release(run_dir, fd)
    assert refused.value.code == 2
    assert f"run folder {run_dir} is in use by pid {os.getpid()}" in capsys.readouterr().err
    (run_dir / LOCK_FILE).write_text(json.dumps({"pid": proc_that_ended(), "host": socket.gethostname()}) + "\n")
    resume_main([str(run_dir)])
    assert "took over the lock" in capsys.readouterr().err
    assert (run_dir / DONE_MARKER).is_file() and not (run_dir / LOCK_FILE).exists()


def proc_that_ended() -> int:
    ended = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    return int(ended.stdout)
