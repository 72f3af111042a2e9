"""A CommunityModel's whole state as plain data, and the model rebuilt from it.

`state_of(model)` gives (arrays, record): every array (the member table, the social graph's CSR,
the interaction ties in their order, the chat groups, the recorded series and the array fields of
the community state) and a JSON-able record (the base config and the config in force, the
community state's other fields, and each staff agent's own attributes). `rebuild(arrays, record)`
makes the model again with `CommunityModel.restored`, ready to step on. The policies, the random
streams and the backend follow from the configs; Mesa's own bookkeeping is fresh.

Nothing here lists the model's attributes: the community state (sim/state.py) is written field by
field from its dataclass declaration, nested dataclasses, enums, numpy arrays and scalars
included, so state added to it is saved and restored without further code. Numpy scalars keep their
dtype (float32 arithmetic gives other results than Python floats).
"""

from __future__ import annotations

import dataclasses
import enum
import typing

import numpy as np

from sim.agents import STAFF_ROLES
from sim.backend import get_backend, to_host
from sim.config import ConfigError, SimConfig
from sim.mechanics.groups import Groups
from sim.mechanics.ties import InteractionTies
from sim.metrics import METRICS
from sim.model import CommunityModel
from sim.network import SocialGraph
from sim.population import MemberTable
from sim.recorder import Recorder
from sim.state import CommunityState

ROLES = {role.__name__: role for role in STAFF_ROLES}
MESA_AGENT = frozenset({"model", "unique_id", "pos"})  # Mesa's bookkeeping, made afresh


class CheckpointError(ConfigError):
    """A checkpoint that cannot be written or read; the message is one line for the user."""


# -- plain values ----------------------------------------------------------------------------------


def plain(owner: str, value):
    """A JSON-able form of `value`: plain values as they are, numpy scalars tagged with their dtype."""
    if isinstance(value, np.generic) and value.dtype.kind in "biuf":
        return {"numpy": value.dtype.name, "value": value.item()}
    if isinstance(value, (bool, int, float, str, type(None))):
        return value
    if isinstance(value, (list, dict)):  # free-form records (the events log): plain all the way down
        _check_plain(owner, value)
        return value
    raise CheckpointError(f"{owner} holds a {type(value).__name__}: a checkpoint saves plain values only")


def _check_plain(owner: str, value) -> None:
    if isinstance(value, dict):
        for k, v in value.items():
            _check_plain(f"{owner}.{k}", v)
    elif isinstance(value, list):
        for v in value:
            _check_plain(owner, v)
    elif not isinstance(value, (bool, int, float, str, type(None))):
        raise CheckpointError(f"{owner} holds a {type(value).__name__}: a checkpoint saves plain values only")


def unplain(value):
    """The value `plain` recorded, numpy scalars with their dtype again."""
    if isinstance(value, dict) and set(value) == {"numpy", "value"}:
        return np.dtype(value["numpy"]).type(value["value"])
    return value


def to_record(obj, prefix: str, arrays: dict[str, np.ndarray]) -> dict:
    """The fields of dataclass `obj` as a JSON-able dict; array fields go to `arrays` under
    `prefix.field` (nested dataclasses, lists of them and enums by name are followed)."""
    out = {}
    for f in dataclasses.fields(obj):
        value, key = getattr(obj, f.name), f"{prefix}.{f.name}"
        if dataclasses.is_dataclass(value):
            out[f.name] = to_record(value, key, arrays)
        elif isinstance(value, enum.Enum):
            out[f.name] = value.name
        elif hasattr(value, "shape") and hasattr(value, "dtype") and not isinstance(value, np.generic):
            arrays[key] = to_host(value)
            out[f.name] = {"array": key}
        elif isinstance(value, list) and value and dataclasses.is_dataclass(value[0]):
            out[f.name] = [to_record(v, f"{key}.{i}", arrays) for i, v in enumerate(value)]
        else:
            out[f.name] = plain(key, value)
    return out


def from_record(cls, record: dict, arrays: dict[str, np.ndarray]):
    """The instance of dataclass `cls` that `to_record` described."""
    hints = typing.get_type_hints(cls)
    values = {}
    for f in dataclasses.fields(cls):
        tp, value = hints[f.name], record[f.name]
        args = typing.get_args(tp)
        if dataclasses.is_dataclass(tp):
            values[f.name] = from_record(tp, value, arrays)
        elif isinstance(tp, type) and issubclass(tp, enum.Enum):
            values[f.name] = tp[value]
        elif isinstance(value, dict) and set(value) == {"array"}:
            values[f.name] = arrays[value["array"]].copy()
        elif typing.get_origin(tp) is list and args and dataclasses.is_dataclass(args[0]):
            values[f.name] = [from_record(args[0], v, arrays) for v in value]
        else:
            values[f.name] = unplain(value)
    return cls(**values)


def staff_state(agent) -> dict:
    """A staff agent's own state (everything but Mesa's bookkeeping), as plain values."""
    name = type(agent).__name__
    return {k: plain(f"{name}.{k}", v) for k, v in vars(agent).items() if k not in MESA_AGENT}


def table_layout() -> dict[str, str]:
    """Name -> dtype of every member-table array of this simulator."""
    return {k: str(v.dtype) for k, v in MemberTable(0).arrays().items()}


# -- the state -----------------------------------------------------------------------------------


def state_of(model: CommunityModel) -> tuple[dict[str, np.ndarray], dict]:
    """(arrays, record) of the model at the end of its current day; the model is not changed."""
    g = model.graph.host
    arrays = {f"table.{k}": to_host(v) for k, v in model.table.arrays().items()}
    arrays |= {f"ties.{k}": v for k, v in model.ties.state().items()}
    arrays |= {f"groups.{k}": v for k, v in model.groups.state().items()}
    arrays["recorder.values"] = model.recorder.values[: model.recorder.last_day + 1]
    if not g.complete:
        arrays |= {"graph.indptr": g.indptr, "graph.indices": g.indices}
    for name in ("segment", "labels"):
        if getattr(g, name) is not None:
            arrays[f"graph.{name}"] = np.asarray(getattr(g, name))
    record = {
        "day": model.state.day,
        "stage": model.state.stage.name,
        "seed": model.base_cfg.seed,
        "metrics": [m.name for m in METRICS],
        "table_arrays": {k: str(v.dtype) for k, v in model.table.arrays().items()},
        "base_config": model.base_cfg.to_dict(),
        "config_in_force": model.cfg.to_dict(),
        "graph": {"n": model.graph.n, "complete": model.graph.complete},
        "state": to_record(model.state, "state", arrays),
        "staff": [{"role": type(a).__name__, "state": staff_state(a)}
                  for role in STAFF_ROLES for a in model.roster(role)],
    }
    return arrays, record


def rebuild(arrays: dict[str, np.ndarray], record: dict) -> CommunityModel:
    """The model `state_of` described, ready to step on from its day."""
    base, cfg = SimConfig.from_dict(record["base_config"]), SimConfig.from_dict(record["config_in_force"])
    graph = _graph(record["graph"], arrays)
    xp = get_backend(base.backend).xp
    table = MemberTable(graph.n, xp=xp)
    for name, array in table.arrays().items():
        array[:] = xp.asarray(arrays[f"table.{name}"])
    ties = InteractionTies.restored(graph.n, _prefixed(arrays, "ties."), xp=xp)
    groups = Groups.restored(_prefixed(arrays, "groups."))
    state = from_record(CommunityState, record["state"], arrays)
    recorder = Recorder(METRICS, max(base.days, state.day))
    recorder.restore(arrays["recorder.values"])
    staff = [(ROLES[entry["role"]], {k: unplain(v) for k, v in entry["state"].items()}) for entry in record["staff"]]
    return CommunityModel.restored(base, cfg, graph, table, ties, groups, state, recorder, staff)


def _prefixed(arrays: dict[str, np.ndarray], prefix: str) -> dict[str, np.ndarray]:
    return {k[len(prefix):]: v for k, v in arrays.items() if k.startswith(prefix)}


def _graph(info: dict, arrays: dict) -> SocialGraph:
    extra = {k: arrays.get(f"graph.{k}") for k in ("segment", "labels")}
    if info["complete"]:
        return SocialGraph(info["n"], complete=True, **extra)
    return SocialGraph(info["n"], arrays["graph.indptr"], arrays["graph.indices"], **extra)
