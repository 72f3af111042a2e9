"""Checkpoints: a run's whole state at the end of a day in a folder of plain data, and back.

A checkpoint folder holds `state.npz` (every array of the state, sim/model_state.py; written with
numpy, read back with `allow_pickle=False`), `state.json` (the rest of the state, the simulator
and format versions and the run folder), `MANIFEST.json` (the format, the versions and a BLAKE2
hash and size of every other file of the folder) and `DONE`, written in that order with the
atomic writers of sim/recorder.py, so a half-written checkpoint is never read. Random numbers
need no saving: every draw is keyed by (seed, stream, day) (sim/rng.py), so a run restored at day
d draws exactly what the uninterrupted run draws from day d + 1 on.

`read` refuses a checkpoint that is unfinished, written by another simulator or format version,
holds a file its manifest does not list or lacks one it lists, holds a file that differs from
its hash (an edited day or seed in `state.json`, a corrupt `state.npz`), or is laid out
differently from this simulator's member table and metrics; each with one line naming the file.
`Checkpointer` saves during a run as `checkpoint.*` asks, and refuses a folder it cannot write
when it is made, before the first day; resuming and forking are in sim/forks.py.
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
from sim.recorder import (
    DONE_MARKER,
    atomic_write_bytes,
    atomic_write_json,
    is_done,
    mark_done,
    unwritable,
)

__all__ = ["CheckpointError", "Checkpointer", "ConfigError", "find", "is_done", "load", "read", "save", "staff_state"]

FORMAT = "community-sim checkpoint"
# bump when the layout of the folder changes (3: the community state and the staff roster; 4: the manifest;
# 5: member states (muted, last visit and post, fission campaigns) and the reactivation state;
# 6: the day each member last paid a membership fee)
FORMAT_VERSION = 6
STATE_FILE, META_FILE, MANIFEST_FILE = "state.npz", "state.json", "MANIFEST.json"


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
        **record,
    }
    files = {STATE_FILE: data, META_FILE: _json_bytes(meta)}
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / DONE_MARKER).unlink(missing_ok=True)  # replacing: not finished until written again
    for name, content in files.items():
        atomic_write_bytes(folder / name, content)
    atomic_write_json(folder / MANIFEST_FILE, manifest(files))
    mark_done(folder)
    return folder


def _json_bytes(obj) -> bytes:
    """`obj` as the UTF-8 JSON text written (numpy values as plain numbers), to hash what is written."""
    def plain(value):
        if isinstance(value, (np.generic, np.ndarray)):
            return value.tolist()
        raise TypeError(f"not JSON serialisable: {type(value).__name__}")

    return (json.dumps(obj, indent=2, ensure_ascii=False, default=plain) + "\n").encode("utf-8")


def manifest(files: dict[str, bytes]) -> dict:
    """The manifest of a checkpoint made of `files` (name -> content): its format, the versions and
    every file's BLAKE2 hash and size. Written after the files and before DONE."""
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "simulator_version": sim.__version__,
        "files": {name: {"blake2b": _digest(content), "bytes": len(content)} for name, content in sorted(files.items())},
    }


def read(folder: str | Path) -> tuple[dict, dict[str, np.ndarray]]:
    """The record and arrays of a finished checkpoint, checked; CheckpointError otherwise."""
    folder = Path(folder)
    where = f"checkpoint {folder}"
    if not folder.is_dir():
        raise CheckpointError(f"{where}: no such checkpoint folder")
    if not is_done(folder):
        raise CheckpointError(f"{where}: unfinished (no DONE marker); use an earlier checkpoint")
    files = _verified_files(folder, where)
    try:
        meta = json.loads(files[META_FILE].decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise CheckpointError(f"{where}: {META_FILE} is unreadable ({type(exc).__name__})") from None
    if not isinstance(meta, dict) or meta.get("format") != FORMAT:
        raise CheckpointError(f"{where}: {META_FILE} is not a community-sim checkpoint record")
    _check_version(meta, where)
    try:
        with np.load(io.BytesIO(files[STATE_FILE]), allow_pickle=False) as npz:
            arrays = {k: npz[k] for k in npz.files}
    except (ValueError, OSError, zipfile.BadZipFile) as exc:
        raise CheckpointError(f"{where}: {STATE_FILE} is not plain numpy data ({exc})") from None
    _check_layout(meta, arrays, where)
    return meta, arrays


def _check_version(record: dict, where: str) -> None:
    version, fmt = record.get("simulator_version"), record.get("format_version")
    if fmt != FORMAT_VERSION or version != sim.__version__:
        raise CheckpointError(
            f"{where}: written by community-sim {version} (checkpoint format {fmt}); this is "
            f"{sim.__version__} (format {FORMAT_VERSION}): not compatible"
        )


def _verified_files(folder: Path, where: str) -> dict[str, bytes]:
    """Every file the manifest lists, read and checked against its hash; a file added, missing or
    changed since the checkpoint was written is refused, naming the file."""
    listed = _manifest(folder, where)["files"]
    present = {p.name for p in folder.iterdir()} - {MANIFEST_FILE, DONE_MARKER}
    missing, added = sorted(set(listed) - present), sorted(present - set(listed))
    if missing:
        raise CheckpointError(f"{where}: {missing[0]} is missing ({MANIFEST_FILE} lists it)")
    if added:
        raise CheckpointError(
            f"{where}: {added[0]} is not one of its files ({MANIFEST_FILE} does not list it); "
            "a checkpoint is used as it was written"
        )
    for name in (STATE_FILE, META_FILE):
        if name not in listed:
            raise CheckpointError(f"{where}: {MANIFEST_FILE} does not list {name}")
    files = {}
    for name, entry in sorted(listed.items()):
        try:
            content = (folder / name).read_bytes()
        except OSError as exc:
            raise CheckpointError(f"{where}: {name} is unreadable ({type(exc).__name__})") from None
        if not isinstance(entry, dict) or _digest(content) != entry.get("blake2b"):
            raise CheckpointError(
                f"{where}: {name} does not match its hash in {MANIFEST_FILE} (changed or corrupt)"
            )
        files[name] = content
    return files


def _manifest(folder: Path, where: str) -> dict:
    """The checked manifest of `folder`; a checkpoint of an older format (none) is refused as such."""
    path = folder / MANIFEST_FILE
    if not path.is_file():
        try:  # an older format has no manifest: say so by its own record's version
            record = json.loads((folder / META_FILE).read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError):
            record = None
        if isinstance(record, dict):
            _check_version(record, where)
        raise CheckpointError(f"{where}: {MANIFEST_FILE} is missing; it lists and hashes the checkpoint's files")
    try:
        listing = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise CheckpointError(f"{where}: {MANIFEST_FILE} is unreadable ({type(exc).__name__})") from None
    if not isinstance(listing, dict) or listing.get("format") != FORMAT:
        raise CheckpointError(f"{where}: {MANIFEST_FILE} is not a community-sim checkpoint manifest")
    _check_version(listing, where)
    if not isinstance(listing.get("files"), dict):
        raise CheckpointError(f"{where}: {MANIFEST_FILE} lists no files")
    return listing


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
        # found now, not on the first checkpoint day
        if (self.every or self.at_stage_change) and (why := unwritable(self.dir)):
            label = f"checkpoint.dir={c.dir}" if c.dir else f"checkpoints folder {self.dir}"
            raise CheckpointError(f"{label}: cannot be made or written ({why})")

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
    if any((where / name).exists() for name in (MANIFEST_FILE, META_FILE, STATE_FILE)):
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
