"""Checkpoints: a run's whole state at the end of a day in a folder of plain data, and back.

A checkpoint folder holds `state.npz` (every array of the state, sim/model_state.py; written with
numpy, read back with `allow_pickle=False`), `state.json` (the rest of the state, the simulator
and format versions, the run folder and a hash of `state.npz`) and `DONE`, written last with the
atomic writers of sim/recorder.py, so a half-written checkpoint is never read. Random numbers
need no saving: every draw is keyed by (seed, stream, day) (sim/rng.py), so a run restored at day
d draws exactly what the uninterrupted run draws from day d + 1 on.

`read` refuses a checkpoint that is unfinished, written by another simulator or format version,
changed or corrupt (hash), or laid out differently from this simulator's member table and
metrics. `Checkpointer` saves during a run as `checkpoint.*` asks; resuming and forking are in
sim/forks.py.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from pathlib import Path

import numpy as np

import sim
from sim.config import ConfigError, SimConfig
from sim.lifecycle import Stage
from sim.metrics import METRICS
from sim.model import CommunityModel
from sim.model_state import CheckpointError, rebuild, staff_state, state_of, table_layout
from sim.recorder import DONE_MARKER, atomic_write_bytes, atomic_write_json, is_done, mark_done

__all__ = ["CheckpointError", "Checkpointer", "ConfigError", "find", "is_done", "load", "read", "save", "staff_state"]

FORMAT = "community-sim checkpoint"
FORMAT_VERSION = 3  # bump when the layout of state.npz / state.json changes (3: the community state and the staff roster)
STATE_FILE, META_FILE = "state.npz", "state.json"


def _digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def save(model: CommunityModel, folder: str | Path, run_dir: str | Path | None = None) -> Path:
    """Write the model's state at the end of its current day into `folder` (marked DONE last).

    Args:
        model: the model to save (not changed).
        folder: the checkpoint folder (created; an older checkpoint there is replaced).
        run_dir: the run folder the run writes, recorded so a resume can finish it.

    Returns:
        The checkpoint folder.
    """
    arrays, record = state_of(model)
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    data = buffer.getvalue()
    meta = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "simulator_version": sim.__version__,
        "run_dir": str(Path(run_dir).resolve()) if run_dir is not None else None,
        "state_blake2b": _digest(data),
        **record,
    }
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / DONE_MARKER).unlink(missing_ok=True)  # replacing: not finished until written again
    atomic_write_bytes(folder / STATE_FILE, data)
    atomic_write_json(folder / META_FILE, meta)
    mark_done(folder)
    return folder


def read(folder: str | Path) -> tuple[dict, dict[str, np.ndarray]]:
    """The record and arrays of a finished checkpoint, checked; CheckpointError otherwise."""
    folder = Path(folder)
    where = f"checkpoint {folder}"
    if not folder.is_dir():
        raise CheckpointError(f"{where}: no such checkpoint folder")
    if not is_done(folder):
        raise CheckpointError(f"{where}: unfinished (no DONE marker); use an earlier checkpoint")
    try:
        meta = json.loads((folder / META_FILE).read_text(encoding="utf-8"))
        data = (folder / STATE_FILE).read_bytes()
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise CheckpointError(f"{where}: unreadable ({type(exc).__name__})") from None
    if not isinstance(meta, dict) or meta.get("format") != FORMAT:
        raise CheckpointError(f"{where}: {META_FILE} is not a community-sim checkpoint record")
    version, fmt = meta.get("simulator_version"), meta.get("format_version")
    if fmt != FORMAT_VERSION or version != sim.__version__:
        raise CheckpointError(
            f"{where}: written by community-sim {version} (checkpoint format {fmt}); this is "
            f"{sim.__version__} (format {FORMAT_VERSION}): not compatible"
        )
    if _digest(data) != meta.get("state_blake2b"):
        raise CheckpointError(
            f"{where}: {STATE_FILE} does not match its record (changed or corrupt)"
        )
    try:
        with np.load(io.BytesIO(data), allow_pickle=False) as npz:
            arrays = {k: npz[k] for k in npz.files}
    except (ValueError, OSError, zipfile.BadZipFile) as exc:
        raise CheckpointError(f"{where}: {STATE_FILE} is not plain numpy data ({exc})") from None
    _check_layout(meta, arrays, where)
    return meta, arrays


def _check_layout(meta: dict, arrays: dict, where: str) -> None:
    """Refuse a checkpoint whose member table or metrics differ from this simulator's."""
    table = table_layout()
    if meta.get("table_arrays") != table or meta.get("metrics") != [m.name for m in METRICS]:
        raise CheckpointError(
            f"{where}: its member table or metrics differ from this simulator's: not compatible"
        )
    n = meta["graph"]["n"]
    for k in table:
        if arrays.get(f"table.{k}") is None or arrays[f"table.{k}"].shape != (n,):
            raise CheckpointError(f"{where}: array table.{k} is missing or has the wrong length")


def load(folder: str | Path) -> CommunityModel:
    """Rebuild the model saved in `folder`, ready to step on from the day it was saved."""
    meta, arrays = read(folder)
    try:
        return rebuild(arrays, meta)
    except ConfigError as exc:
        raise CheckpointError(f"checkpoint {folder}: its config is refused: {exc}") from None
    except (KeyError, TypeError, ValueError) as exc:
        raise CheckpointError(
            f"checkpoint {folder}: incomplete record ({type(exc).__name__}: {exc})"
        ) from None


class Checkpointer:
    """Saves checkpoints during a run as `checkpoint.*` asks: every N days and/or on stage changes.

    Args:
        cfg: the run's config (its `checkpoint` group).
        run_dir: the run folder (checkpoints go to RUN/checkpoints unless `checkpoint.dir` is set).
    """

    def __init__(self, cfg: SimConfig, run_dir: str | Path | None):
        c = cfg.checkpoint
        self.every, self.at_stage_change = c.every_days, c.at_stage_change
        self.run_dir = run_dir
        default = Path(run_dir) / "checkpoints" if run_dir else None
        self.dir = Path(c.dir).expanduser() if c.dir else default
        if (self.every or self.at_stage_change) and self.dir is None:
            raise ConfigError(
                "checkpoint.every_days / checkpoint.at_stage_change need a run folder or checkpoint.dir"
            )

    def after_day(self, model: CommunityModel) -> Path | None:
        """Save if today is a checkpoint day; returns the folder written, if any."""
        changed = (
            self.at_stage_change and model.day > 0 and model.state.stage_log[-1].first_day == model.day
        )
        if changed or (self.every and model.day % self.every == 0):
            return save(model, self.dir / folder_name(model.day, model.stage), self.run_dir)
        return None


def folder_name(day: int, stage: Stage) -> str:
    """`day-00123-MATURE`: sorts by day and says the stage."""
    return f"day-{day:05d}-{stage.name}"


def find(where: str | Path, stage: str | None = None) -> Path:
    """A finished checkpoint in folder `where`: the latest, or the first one in `stage`.

    `where` may also be a run folder (its checkpoints/ are searched) or a checkpoint itself.
    """
    where = Path(where)
    if (where / META_FILE).exists() or (where / STATE_FILE).exists():
        return where
    if (where / "checkpoints").is_dir():
        where = where / "checkpoints"
    done = sorted(p for p in where.glob("day-*") if is_done(p)) if where.is_dir() else []
    if stage is not None:
        done = [p for p in done if p.name.endswith(f"-{stage.upper()}")][:1]
    if not done:
        what = f"in stage {stage.upper()} " if stage else ""
        raise CheckpointError(f"no finished checkpoint {what}under {where}")
    return done[-1]
