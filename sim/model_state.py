"""A CommunityModel's whole state as plain data, and the model rebuilt from it.

`state_of(model)` gives (arrays, record): every array (the member table, the social graph's CSR,
interaction ties in their order, group sizes, counts, the recorded series) and a JSON-able record
(scalars, staff agents' own state, the stage and events logs, the base config and the config in
force). `rebuild(arrays, record)` makes the model again, ready to step on. The policies, the random
streams and the backend are rebuilt from the configs; Mesa's own bookkeeping is fresh.

Every attribute of the model must be listed in SAVED or REBUILT: `state_of` refuses a model that
holds anything else, so state added to the model later cannot be silently left out. Numpy scalars
keep their dtype (float32 arithmetic gives other results than Python floats).
"""

from __future__ import annotations

import dataclasses

import mesa
import numpy as np

from sim.agents import EventPlanner, Expert, GrowthOfficer, Moderator
from sim.backend import get_backend, to_host
from sim.config import ConfigError, SimConfig
from sim.lifecycle import Stage, StageSnapshot
from sim.mechanics.groups import Groups
from sim.mechanics.ties import InteractionTies
from sim.metrics import METRICS
from sim.model import CommunityModel, Counts, DayTally, StageSpell
from sim.network import SocialGraph
from sim.policies import Policies
from sim.population import MemberTable
from sim.recorder import Recorder
from sim.rng import RngStreams

ROSTERS = {
    "experts": Expert,
    "moderators": Moderator,
    "growth_officers": GrowthOfficer,
    "event_planners": EventPlanner,
}
SAVED = frozenset(
    {  # fmt: skip
        "base_cfg",
        "cfg",
        "graph",
        "table",
        "ties",
        "groups",
        "events_log",
        "day",
        "feed_stock",
        "incident_backlog",
        "toxicity",
        "reach_today",
        "count",
        "tally",
        "newcomers_waiting",
        "attended_today",
        "stage",
        "_stage_since",
        "_last_healthy",
        "stage_log",
        "recorder",
        *ROSTERS,
    }
)
REBUILT = frozenset(
    {"backend", "streams", "policies", "_handles", "_affinity_max", "today"}
)  # configs; handles on demand; derived from the table; the latest day's row lists
MESA_MODEL = frozenset(
    vars(mesa.Model())
)  # Mesa's bookkeeping: agent registry, its unused RNG, its clock
MESA_AGENT = frozenset({"model", "unique_id", "pos"})


class CheckpointError(ConfigError):
    """A checkpoint that cannot be written or read; the message is one line for the user."""


def plain(owner: str, state: dict) -> dict:
    """Plain values as they are, numpy scalars tagged with their dtype; anything else refused."""
    out = {}
    for key, value in state.items():
        if isinstance(value, np.generic) and value.dtype.kind in "biuf":
            out[key] = {"numpy": value.dtype.name, "value": value.item()}
        elif isinstance(value, (bool, int, float, str, type(None))):
            out[key] = value
        else:
            kind = type(value).__name__
            raise CheckpointError(
                f"{owner}.{key} holds a {kind}: a checkpoint saves plain values only"
            )
    return out


def unplain(state: dict) -> dict:
    """The values `plain` recorded, numpy scalars with their dtype again."""
    return {
        k: np.dtype(v["numpy"]).type(v["value"]) if isinstance(v, dict) else v
        for k, v in state.items()
    }


def staff_state(agent) -> dict:
    """A staff agent's own state (everything but Mesa's bookkeeping), as plain values."""
    return plain(
        type(agent).__name__, {k: v for k, v in vars(agent).items() if k not in MESA_AGENT}
    )


def table_layout() -> dict[str, str]:
    """Name -> dtype of every member-table array of this simulator."""
    return {k: str(v.dtype) for k, v in MemberTable(0).arrays().items()}


# -- the state -----------------------------------------------------------------------------------


def state_of(model: CommunityModel) -> tuple[dict[str, np.ndarray], dict]:
    """(arrays, record) of the model at the end of its current day; the model is not changed."""
    unknown = set(vars(model)) - SAVED - REBUILT - MESA_MODEL
    if unknown:
        raise CheckpointError(
            f"the model holds state a checkpoint does not save: {', '.join(sorted(unknown))}"
        )
    return _arrays(model), _record(model)


def _arrays(model: CommunityModel) -> dict[str, np.ndarray]:
    g = model.graph.host
    arrays = {f"table.{k}": to_host(v) for k, v in model.table.arrays().items()}
    arrays |= {f"ties.{k}": v for k, v in model.ties.arrays().items()}
    arrays |= {
        "groups.size": model.groups.size,
        "groups.opened_day": model.groups.opened_day,
        "count.by_channel": model.count.by_channel,
        "count.by_tier": model.count.by_tier,
        "tally.joins": model.tally.joins,
        "attended_today": to_host(model.attended_today),
        "newcomers_waiting": np.asarray(model.newcomers_waiting, dtype=np.int64),
        "recorder.values": model.recorder.values[: model.recorder.last_day + 1],
    }
    if not g.complete:
        arrays |= {"graph.indptr": g.indptr, "graph.indices": g.indices}
    for name in ("segment", "labels"):
        if getattr(g, name) is not None:
            arrays[f"graph.{name}"] = np.asarray(getattr(g, name))
    return arrays


def _record(model: CommunityModel) -> dict:
    tally = {
        f.name: getattr(model.tally, f.name)
        for f in dataclasses.fields(DayTally)
        if f.name != "joins"
    }
    scalars = {
        "feed_stock": model.feed_stock, "incident_backlog": model.incident_backlog, "toxicity": model.toxicity,
        "reach_today": model.reach_today, "stage_since": model._stage_since,
        "last_healthy": model._last_healthy.name, "members": model.count.members,
        "ever_joined": model.count.ever_joined,
    }  # fmt: skip
    return {
        "day": model.day,
        "stage": model.stage.name,
        "seed": model.base_cfg.seed,
        "metrics": [m.name for m in METRICS],
        "table_arrays": {k: str(v.dtype) for k, v in model.table.arrays().items()},
        "base_config": model.base_cfg.to_dict(),
        "config_in_force": model.cfg.to_dict(),
        "graph": {"n": model.graph.n, "complete": model.graph.complete},
        "scalars": plain("model", scalars),
        "tally": plain("DayTally", tally),
        "ties_formed_total": model.ties.formed_total,
        "groups_capacity": model.groups.capacity,
        "stage_log": [
            {"stage": s.stage.name, "first_day": s.first_day, "entry": dataclasses.asdict(s.entry)}
            for s in model.stage_log
        ],
        "events_log": model.events_log,
        "staff": {name: [staff_state(a) for a in getattr(model, name)] for name in ROSTERS},
    }


# -- rebuilding ----------------------------------------------------------------------------------


def rebuild(arrays: dict[str, np.ndarray], record: dict) -> CommunityModel:
    """The model `state_of` described, ready to step on from its day."""
    base, cfg = (
        SimConfig.from_dict(record["base_config"]),
        SimConfig.from_dict(record["config_in_force"]),
    )
    model = CommunityModel.__new__(CommunityModel)
    mesa.Model.__init__(model, rng=base.seed)
    model.base_cfg, model.cfg = base, cfg
    model.backend = get_backend(base.backend)
    xp = model.backend.xp
    model.streams = RngStreams(base.seed)
    model.policies = Policies.from_config(cfg.policy)
    model.graph = _graph(record["graph"], arrays).on(model.backend)
    model.table = MemberTable(model.graph.n, xp=xp)
    for name, array in model.table.arrays().items():
        array[:] = xp.asarray(arrays[f"table.{name}"])
    model.ties = _ties(
        model.graph.n, arrays["ties.a"], arrays["ties.b"], record["ties_formed_total"], xp
    )
    model.groups = Groups(record["groups_capacity"])
    model.groups.size = arrays["groups.size"].copy()
    model.groups.opened_day = arrays["groups.opened_day"].copy()
    model.events_log = record["events_log"]
    _restore_scalars(model, record, arrays)
    for name, role in ROSTERS.items():
        setattr(model, name, [_agent(role, model, state) for state in record["staff"][name]])
    model.recorder = Recorder(METRICS, max(base.days, model.day))
    values = arrays["recorder.values"]
    model.recorder.values[: len(values)] = values
    model.recorder.last_day = len(values) - 1
    return model


def _restore_scalars(model: CommunityModel, record: dict, arrays: dict) -> None:
    s = unplain(record["scalars"])
    model.day = record["day"]
    model.feed_stock, model.incident_backlog = s["feed_stock"], s["incident_backlog"]
    model.toxicity, model.reach_today = s["toxicity"], s["reach_today"]
    by_channel, by_tier = arrays["count.by_channel"].copy(), arrays["count.by_tier"].copy()
    model.count = Counts(s["members"], s["ever_joined"], by_channel, by_tier)
    model.tally = DayTally(**unplain(record["tally"]), joins=arrays["tally.joins"].copy())
    model.newcomers_waiting = arrays["newcomers_waiting"].tolist()
    model.attended_today = model.backend.xp.asarray(arrays["attended_today"])
    model._handles, model._affinity_max, model.today = {}, None, None
    model.stage, model._stage_since = Stage[record["stage"]], s["stage_since"]
    model._last_healthy = Stage[s["last_healthy"]]
    model.stage_log = [
        StageSpell(Stage[e["stage"]], e["first_day"], StageSnapshot(**e["entry"]))
        for e in record["stage_log"]
    ]


def _graph(info: dict, arrays: dict) -> SocialGraph:
    extra = {k: arrays.get(f"graph.{k}") for k in ("segment", "labels")}
    if info["complete"]:
        return SocialGraph(info["n"], complete=True, **extra)
    return SocialGraph(info["n"], arrays["graph.indptr"], arrays["graph.indices"], **extra)


def _ties(n: int, a: np.ndarray, b: np.ndarray, formed_total: int, xp=np) -> InteractionTies:
    """The tie list in its saved order (the order of the social-pull sums depends on it)."""
    ties = InteractionTies(n, xp=xp)
    ties._a, ties._b = xp.asarray(a.astype(np.int32)), xp.asarray(b.astype(np.int32))
    ties._keys = np.sort(a.astype(np.int64) * n + b.astype(np.int64))  # sorted lo * n + hi, as kept
    ties.formed_total = formed_total
    return ties


def _agent(role, model, state: dict):
    """A staff agent of `role` with exactly the saved state (registered with the model)."""
    agent = role.__new__(role)
    mesa.Agent.__init__(agent, model)
    for key, value in unplain(state).items():
        setattr(agent, key, value)
    return agent
