"""Time series, stage timeline, summary and provenance; writes the run folder.

A run folder holds:
    config.yaml       the resolved, validated config
    timeseries.parquet / timeseries.csv   one row per day, one column per declared metric
    metrics.json      unit and meaning of every column
    stages.csv        the stage timeline (stage, first day, last day, criteria at entry)
    events.csv        what happened when: stage changes, playbook switches, groups opened, staff changes
    summary.json      headline figures of the run
    provenance.json   seed, versions, git commit, command, timings
    dashboard.png     members by channel, active share, content, churn
    DONE              written last; a folder without it is not a finished run
    FAILED            instead of DONE when the run ended without finishing: one line saying why
    traceback.txt     beside FAILED when the run crashed: the full Python traceback

Every file is written under a temporary name and renamed when complete. A folder never holds both
DONE and FAILED: each marker removes the other before it is written, and a run that starts again
removes FAILED first (sim/runlock.py).
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import tempfile
from importlib import metadata
from pathlib import Path

import numpy as np
import pandas as pd

from sim import __version__

DONE_MARKER = "DONE"
FAILED_MARKER = "FAILED"
TRACEBACK_FILE = "traceback.txt"
INTEGER_UNITS = ("people", "people/day", "posts/day", "replies/day", "invitations/day", "incidents/day",
                 "ties/day", "events/day", "orders/day", "groups", "code")


class Recorder:
    """Preallocated daily values of the declared metrics (row = day 0..days)."""

    def __init__(self, metrics, days: int):
        self.metrics = metrics
        self.index = {m.name: i for i, m in enumerate(metrics)}
        self.values = np.full((days + 1, len(metrics)), np.nan)
        self.last_day = -1

    def record(self, day: int, state) -> None:
        """Read every metric off the community state (sim/state.py) for `day`."""
        if day >= len(self.values):  # a run stepped past its planned days
            self.values = np.vstack([self.values, np.full_like(self.values, np.nan)])
        self.values[day] = [m.read(state) for m in self.metrics]
        self.last_day = day

    def set(self, day: int, name: str, value: float) -> None:
        """Overwrite one value (e.g. the stage decided after recording)."""
        self.values[day, self.index[name]] = value

    def column(self, name: str, upto: int | None = None) -> np.ndarray:
        """Values of metric `name` for days 0..upto (default: up to the last recorded day)."""
        end = self.last_day if upto is None else upto
        return self.values[: end + 1, self.index[name]]

    def restore(self, values: np.ndarray) -> None:
        """Take back the days `values` recorded (rows = days 0..), e.g. from a checkpoint."""
        if len(values) > len(self.values):
            self.values = np.full((len(values), len(self.metrics)), np.nan)
        self.values[: len(values)] = values
        self.last_day = len(values) - 1

    def frame(self) -> pd.DataFrame:
        """The recorded days as a tidy DataFrame (column `day` first)."""
        rows = self.values[: self.last_day + 1]
        df = pd.DataFrame(rows, columns=[m.name for m in self.metrics])
        df.insert(0, "day", np.arange(len(df)))
        for m in self.metrics:
            if m.unit in INTEGER_UNITS:
                df[m.name] = df[m.name].astype(np.int64)
        return df


# -- writing ------------------------------------------------------------------------------------


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write `data` to `path` via a temporary file and a rename."""
    tmp = path.with_name(f".{path.name}.tmp")
    with open(tmp, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def atomic_write_text(path: Path, text: str) -> None:
    """Write UTF-8 text atomically."""
    atomic_write_bytes(path, text.encode("utf-8"))


def atomic_write_json(path: Path, obj) -> None:
    """Write JSON atomically (UTF-8, Chinese kept readable)."""
    atomic_write_text(path, json.dumps(obj, indent=2, ensure_ascii=False, default=_json_default) + "\n")


def atomic_save(path: Path, save) -> None:
    """Call `save(tmp_path)` and rename the result to `path` (for writers that need a path)."""
    tmp = path.with_name(f".{path.name}.tmp{path.suffix}")
    save(tmp)
    os.replace(tmp, path)


def _json_default(obj):
    if isinstance(obj, np.integer):
        return int(obj)
    if isinstance(obj, np.floating):
        return float(obj)
    if isinstance(obj, np.ndarray):
        return obj.tolist()
    raise TypeError(f"not JSON serialisable: {type(obj).__name__}")


def unwritable(folder: Path) -> str | None:
    """Why `folder` cannot be made or written, or None when it can: its nearest existing ancestor
    must be a folder that takes a new file (probed with a nameless temporary file, so nothing is
    created, not even `folder`)."""
    existing = Path(folder).absolute()
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir():
        return f"{existing} is a file and not a folder"
    try:
        with tempfile.TemporaryFile(dir=existing):
            pass
    except OSError as exc:
        return f"{exc.strerror or type(exc).__name__}: {existing}"
    return None


def is_done(run_dir: Path) -> bool:
    """True if `run_dir` holds a finished run."""
    return (Path(run_dir) / DONE_MARKER).is_file()


def clear_failed(run_dir: Path) -> None:
    """Remove an earlier attempt's FAILED and its traceback (a new attempt is under way or done)."""
    for name in (FAILED_MARKER, TRACEBACK_FILE):
        (Path(run_dir) / name).unlink(missing_ok=True)


def mark_done(run_dir: Path) -> None:
    """Mark a run folder finished (the last file a run writes); an earlier FAILED goes first, so
    the folder never holds both markers."""
    clear_failed(run_dir)
    atomic_write_text(Path(run_dir) / DONE_MARKER, "finished\n")


def mark_failed(run_dir: Path, message: str) -> None:
    """Leave a one-line note in a run folder that the run did not finish, and why (a DONE there
    goes first, so the folder never holds both markers)."""
    (Path(run_dir) / DONE_MARKER).unlink(missing_ok=True)
    line = "; ".join(part.strip() for part in message.splitlines() if part.strip())
    atomic_write_text(Path(run_dir) / FAILED_MARKER, line + "\n")


def git_commit(repo_dir: Path) -> dict:
    """Commit and dirty flag of the source tree, if it is a git checkout."""
    try:
        head = subprocess.run(
            ["git", "-C", str(repo_dir), "rev-parse", "HEAD"], capture_output=True, text=True, timeout=5
        )
        if head.returncode != 0:
            return {"commit": None}
        dirty = subprocess.run(
            ["git", "-C", str(repo_dir), "status", "--porcelain", "--untracked-files=no"],
            capture_output=True, text=True, timeout=5,
        )
        return {"commit": head.stdout.strip(), "dirty": bool(dirty.stdout.strip())}
    except (OSError, subprocess.SubprocessError):
        return {"commit": None}


def provenance(seed: int, timings: dict) -> dict:
    """How a run was made: seed, versions, source commit, command line, machine."""
    packages = {"community-sim": __version__}  # the code that ran: an installed package's metadata can lag behind it
    for name in ("mesa", "numpy", "scipy", "networkx", "pandas", "pyarrow", "hydra-core", "matplotlib"):
        try:
            packages[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            packages[name] = None
    return {
        "seed": seed,
        "command": sys.argv,
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "packages": packages,
        "source": git_commit(Path(__file__).resolve().parents[1]),
        "timings": timings,
    }
