"""Checkpoints: the whole state of a run at the end of a day, saved as plain data and restored.

A checkpoint is a folder: `state.npz` (every array: the member table, the social graph's CSR,
interaction ties, group sizes, counts, the recorded series; written with numpy and read back with
`allow_pickle=False`), `state.json` (scalars, staff agents' own state, the stage log, the events
log, the base config and the config in force, the simulator and format versions, and a hash of
`state.npz`) and `DONE`, written last (sim/recorder.py), so a half-written checkpoint is never read.
The random numbers need no saving: every draw is keyed by (seed, stream, day) (sim/rng.py), so a
run restored at day d draws exactly what the uninterrupted run draws from day d + 1 on.

`save` refuses a model holding attributes it does not know, so state added to the model later
cannot be silently left out of a checkpoint. `load` refuses a checkpoint written by another
simulator or format version, one that is unfinished, or one whose arrays do not match its record.
Resuming and forking (continuing under other policies) are in sim/forks.py.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import json
import zipfile
from pathlib import Path

import mesa
import numpy as np

import sim
from sim.agents import EventPlanner, Expert, GrowthOfficer, Moderator
from sim.backend import get_backend
from sim.config import ConfigError, SimConfig
from sim.lifecycle import Stage, StageSnapshot
from sim.mechanics.groups import Groups
from sim.mechanics.ties import InteractionTies
from sim.metrics import METRICS
from sim.model import CommunityModel, Counts, DayTally, StageSpell
from sim.network import SocialGraph
from sim.policies import Policies
from sim.population import MemberTable
from sim.recorder import DONE_MARKER, Recorder, atomic_write_bytes, atomic_write_json, is_done, mark_done
from sim.rng import RngStreams

FORMAT_VERSION = 1  # bump when the layout of state.npz / state.json changes
STATE_FILE, META_FILE = "state.npz", "state.json"
ROSTERS = {"experts": Expert, "moderators": Moderator, "growth_officers": GrowthOfficer, "event_planners": EventPlanner}
# Every attribute of a CommunityModel is either saved or rebuilt from what is saved.
SAVED = frozenset({
    "base_cfg", "cfg", "graph", "table", "ties", "groups", "events_log", "day", "feed_stock", "incident_backlog",
    "toxicity", "reach_today", "count", "tally", "newcomers_waiting", "attended_today", *ROSTERS, "stage",
    "_stage_since", "_last_healthy", "stage_log", "recorder",
})
REBUILT = frozenset({"backend", "streams", "policies", "_handles", "_repliers"})  # from the configs; handles on demand
MESA_MODEL = frozenset(vars(mesa.Model()))  # Mesa's own bookkeeping (agent registry, its unused RNG, time)
MESA_AGENT = frozenset({"model", "unique_id", "pos"})


class CheckpointError(ConfigError):
    """A checkpoint that cannot be written or read; the message is one line for the user."""


def _host(a) -> np.ndarray:
    return a.get() if hasattr(a, "get") else np.asarray(a)


def _plain(owner: str, state: dict) -> dict:
    """Plain values as they are; numpy scalars tagged with their dtype (float32 arithmetic differs)."""
    out = {}
    for key, value in state.items():
        if isinstance(value, np.generic) and value.dtype.kind in "biuf":
            out[key] = {"numpy": value.dtype.name, "value": value.item()}
        elif isinstance(value, (bool, int, float, str, type(None))):
            out[key] = value
        else:
            raise CheckpointError(f"{owner}.{key} holds a {type(value).__name__}: a checkpoint saves plain values only")
    return out


def _unplain(state: dict) -> dict:
    return {k: np.dtype(v["numpy"]).type(v["value"]) if isinstance(v, dict) else v for k, v in state.items()}


def staff_state(agent) -> dict:
    """A staff agent's own state (everything but Mesa's bookkeeping), as plain values."""
    return _plain(type(agent).__name__, {k: v for k, v in vars(agent).items() if k not in MESA_AGENT})


# -- saving --------------------------------------------------------------------------------------


def save(model: CommunityModel, folder: str | Path, run_dir: str | Path | None = None) -> Path:
    """Write the model's state at the end of its current day into `folder` (marked DONE last).

    Args:
        model: the model to save (not changed).
        folder: the checkpoint folder (created; an older checkpoint there is replaced).
        run_dir: the run folder the run writes, recorded so a resume can finish it.

    Returns:
        The checkpoint folder.
    """
    unknown = set(vars(model)) - SAVED - REBUILT - MESA_MODEL
    if unknown:
        raise CheckpointError(f"the model holds state a checkpoint does not save: {', '.join(sorted(unknown))}")
    arrays, meta = _arrays(model), _meta(model, run_dir)
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    data = buffer.getvalue()
    meta["state_blake2b"] = hashlib.blake2b(data, digest_size=16).hexdigest()
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / DONE_MARKER).unlink(missing_ok=True)  # replacing: not finished until written again
    atomic_write_bytes(folder / STATE_FILE, data)
    atomic_write_json(folder / META_FILE, meta)
    mark_done(folder)
    return folder


def _arrays(model: CommunityModel) -> dict[str, np.ndarray]:
    g = model.graph.host
    arrays = {f"table.{k}": _host(v) for k, v in model.table.arrays().items()}
    arrays |= {f"ties.{k}": v for k, v in model.ties.arrays().items()}
    arrays |= {"groups.size": model.groups.size, "groups.opened_day": model.groups.opened_day,
               "count.by_channel": model.count.by_channel, "count.by_tier": model.count.by_tier,
               "tally.joins": model.tally.joins, "attended_today": _host(model.attended_today),
               "newcomers_waiting": np.asarray(model.newcomers_waiting, dtype=np.int64),
               "recorder.values": model.recorder.values[: model.recorder.last_day + 1]}
    if not g.complete:
        arrays |= {"graph.indptr": g.indptr, "graph.indices": g.indices}
    for name in ("segment", "labels"):
        if getattr(g, name) is not None:
            arrays[f"graph.{name}"] = np.asarray(getattr(g, name))
    return arrays


def _meta(model: CommunityModel, run_dir) -> dict:
    tally = {f.name: getattr(model.tally, f.name) for f in dataclasses.fields(DayTally) if f.name != "joins"}
    return {
        "format": "community-sim checkpoint",
        "format_version": FORMAT_VERSION,
        "simulator_version": sim.__version__,
        "day": model.day,
        "stage": model.stage.name,
        "seed": model.base_cfg.seed,
        "run_dir": str(Path(run_dir).resolve()) if run_dir is not None else None,
        "metrics": [m.name for m in METRICS],
        "table_arrays": {k: str(v.dtype) for k, v in model.table.arrays().items()},
        "base_config": model.base_cfg.to_dict(),
        "config_in_force": model.cfg.to_dict(),
        "graph": {"n": model.graph.n, "complete": model.graph.complete},
        "scalars": _plain("model", {"feed_stock": model.feed_stock, "incident_backlog": model.incident_backlog,
                                    "toxicity": model.toxicity, "reach_today": model.reach_today,
                                    "stage_since": model._stage_since, "last_healthy": model._last_healthy.name,
                                    "members": model.count.members, "ever_joined": model.count.ever_joined}),
        "tally": _plain("DayTally", tally),
        "ties_formed_total": model.ties.formed_total,
        "groups_capacity": model.groups.capacity,
        "stage_log": [{"stage": s.stage.name, "first_day": s.first_day, "entry": dataclasses.asdict(s.entry)}
                      for s in model.stage_log],
        "events_log": model.events_log,
        "staff": {name: [staff_state(a) for a in getattr(model, name)] for name in ROSTERS},
    }


# -- loading -------------------------------------------------------------------------------------


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
    if not isinstance(meta, dict) or meta.get("format") != "community-sim checkpoint":
        raise CheckpointError(f"{where}: {META_FILE} is not a community-sim checkpoint record")
    if meta.get("format_version") != FORMAT_VERSION or meta.get("simulator_version") != sim.__version__:
        raise CheckpointError(
            f"{where}: written by community-sim {meta.get('simulator_version')} (checkpoint format "
            f"{meta.get('format_version')}); this is {sim.__version__} (format {FORMAT_VERSION}): not compatible"
        )
    if hashlib.blake2b(data, digest_size=16).hexdigest() != meta.get("state_blake2b"):
        raise CheckpointError(f"{where}: {STATE_FILE} does not match its record (changed or corrupt)")
    try:
        with np.load(io.BytesIO(data), allow_pickle=False) as npz:
            arrays = {k: npz[k] for k in npz.files}
    except (ValueError, OSError, zipfile.BadZipFile) as exc:
        raise CheckpointError(f"{where}: {STATE_FILE} is not plain numpy data ({exc})") from None
    _check_layout(meta, arrays, where)
    return meta, arrays


def _check_layout(meta: dict, arrays: dict, where: str) -> None:
    """Refuse a checkpoint whose member table or metrics differ from this simulator's."""
    table = {k: str(v.dtype) for k, v in MemberTable(0).arrays().items()}
    if meta.get("table_arrays") != table or meta.get("metrics") != [m.name for m in METRICS]:
        raise CheckpointError(f"{where}: its member table or metrics differ from this simulator's: not compatible")
    n = meta["graph"]["n"]
    bad = [k for k in table if arrays.get(f"table.{k}") is None or arrays[f"table.{k}"].shape != (n,)]
    if bad:
        raise CheckpointError(f"{where}: array table.{bad[0]} is missing or has the wrong length")


def load(folder: str | Path) -> CommunityModel:
    """Rebuild the model saved in `folder`, ready to step on from the day it was saved."""
    meta, arrays = read(folder)
    try:
        base, cfg = SimConfig.from_dict(meta["base_config"]), SimConfig.from_dict(meta["config_in_force"])
    except ConfigError as exc:
        raise CheckpointError(f"checkpoint {folder}: its config is refused: {exc}") from None
    model = CommunityModel.__new__(CommunityModel)
    mesa.Model.__init__(model, rng=base.seed)
    model.base_cfg, model.cfg = base, cfg
    model.backend = get_backend(base.backend)
    xp = model.backend.xp
    model.streams = RngStreams(base.seed, xp=xp)
    model.graph = _graph(meta["graph"], arrays).on(model.backend)
    model.table = MemberTable(model.graph.n, xp=xp)
    for name, array in model.table.arrays().items():
        array[:] = xp.asarray(arrays[f"table.{name}"])
    model.ties = _ties(model.graph.n, arrays["ties.a"], arrays["ties.b"], meta["ties_formed_total"])
    model.policies = Policies.from_config(cfg.policy)
    model.groups = Groups(meta["groups_capacity"])
    model.groups.size, model.groups.opened_day = arrays["groups.size"].copy(), arrays["groups.opened_day"].copy()
    model.events_log = meta["events_log"]
    _restore_scalars(model, meta, arrays)
    for name, role in ROSTERS.items():
        setattr(model, name, [_agent(role, model, state) for state in meta["staff"][name]])
    model.recorder = Recorder(METRICS, max(base.days, model.day))
    values = arrays["recorder.values"]
    model.recorder.values[: len(values)] = values
    model.recorder.last_day = len(values) - 1
    return model


def _restore_scalars(model: CommunityModel, meta: dict, arrays: dict) -> None:
    s = _unplain(meta["scalars"])
    model.day = meta["day"]
    model.feed_stock, model.incident_backlog = s["feed_stock"], s["incident_backlog"]
    model.toxicity, model.reach_today = s["toxicity"], s["reach_today"]
    model.count = Counts(s["members"], s["ever_joined"],
                         arrays["count.by_channel"].copy(), arrays["count.by_tier"].copy())
    model.tally = DayTally(**_unplain(meta["tally"]), joins=arrays["tally.joins"].copy())
    model.newcomers_waiting = arrays["newcomers_waiting"].tolist()
    model.attended_today = model.backend.xp.asarray(arrays["attended_today"])
    model._handles, model._repliers = {}, np.zeros(0, dtype=np.int64)
    model.stage, model._stage_since = Stage[meta["stage"]], s["stage_since"]
    model._last_healthy = Stage[s["last_healthy"]]
    model.stage_log = [StageSpell(Stage[e["stage"]], e["first_day"], StageSnapshot(**e["entry"])) for e in meta["stage_log"]]


def _graph(info: dict, arrays: dict) -> SocialGraph:
    extra = {k: arrays.get(f"graph.{k}") for k in ("segment", "labels")}
    if info["complete"]:
        return SocialGraph(info["n"], complete=True, **extra)
    return SocialGraph(info["n"], arrays["graph.indptr"], arrays["graph.indices"], **extra)


def _ties(n: int, a: np.ndarray, b: np.ndarray, formed_total: int) -> InteractionTies:
    """The tie list in its saved order (the order of the social-pull sums depends on it)."""
    ties = InteractionTies(n)
    ties._a, ties._b = a.astype(np.int32), b.astype(np.int32)
    ties._keys = np.sort(a.astype(np.int64) * n + b.astype(np.int64))  # sorted lo * n + hi, as kept
    ties.formed_total = formed_total
    return ties


def _agent(role, model, state: dict):
    """A staff agent of `role` with exactly the saved state (registered with the model)."""
    agent = role.__new__(role)
    mesa.Agent.__init__(agent, model)
    for key, value in _unplain(state).items():
        setattr(agent, key, value)
    return agent


# -- writing during a run ------------------------------------------------------------------------


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
        self.dir = Path(c.dir).expanduser() if c.dir else (Path(run_dir) / "checkpoints" if run_dir else None)
        if (self.every or self.at_stage_change) and self.dir is None:
            raise ConfigError("checkpoint.every_days / checkpoint.at_stage_change need a run folder or checkpoint.dir")

    def after_day(self, model: CommunityModel) -> Path | None:
        """Save if today is a checkpoint day; returns the folder written, if any."""
        changed = self.at_stage_change and model.day > 0 and model.stage_log[-1].first_day == model.day
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
