"""Hypothesis strategies over the config schema: valid configs drawn from every field's declared
range (sim/config.py, sim/operations_config.py), sized to run in a fraction of a second."""

from __future__ import annotations

from hypothesis import strategies as st

from sim.config import SimConfig
from sim.mechanics.acquisition import AFFINITY_SHAPE_MIN
from sim.policies import REGISTRIES
from sim.schema import declared_fields

# Groups drawn here with small worlds (the rest of the schema is drawn from its declared ranges).
WORLD = {
    "scenario",
    "seed",
    "days",
    "backend",
    "network",
    "founders",
    "output",
    "checkpoint",
    "playbook",
}
STAFF_MAX = 4  # staff counts up to 10,000 are valid, but a test community this small needs a few
PLAYBOOKS = ("flat", "stage_aware", "abandon_in_mature")


def leaves():
    """(dotted key, field, type) of every leaf of the schema."""
    return declared_fields(SimConfig)


def leaf_values(key: str, f, tp):
    """Every value the schema allows for one field (policy names: its registry)."""
    meta = f.metadata
    lo, hi, choices = meta.get("lo"), meta.get("hi"), meta.get("choices")
    if key.startswith("policy.") and key.endswith(".name"):
        return st.sampled_from(sorted(REGISTRIES[key.split(".")[1]]))
    if choices:
        return st.sampled_from(choices)
    if tp is bool:
        return st.booleans()
    if tp is int:
        if key.startswith("staff.n_"):
            hi = min(hi, STAFF_MAX)
        return st.integers(lo, hi)
    if tp is float:
        # subnormal and sub-float32 magnitudes included: the member table is float32 (a visit weight
        # of 1e-50 once gave NaN there; test_bad_input.py keeps that case)
        return st.floats(lo, hi, allow_nan=False, allow_infinity=False)
    if tp is dict and key == "sources":  # free text about a preset's values: not a lever
        return st.just({})
    raise AssertionError(f"no strategy for {key} ({tp})")


def nest(flat: dict) -> dict:
    out: dict = {}
    for dotted, value in flat.items():
        node = out
        *parents, leaf = dotted.split(".")
        for p in parents:
            node = node.setdefault(p, {})
        node[leaf] = value
    return out


@st.composite
def small_worlds(draw):
    """Network, founders, seed and days of a community small enough to run many times."""
    kind = draw(st.sampled_from(("small_world", "holme_kim", "scale_free", "sbm", "complete")))
    n = draw(st.integers(20, 300 if kind == "complete" else 1500))
    network = {
        "kind": kind,
        "n_people": n,
        "mean_degree": draw(st.integers(1, min(20, n - 1))),
        "p_rewire": draw(st.floats(0, 1)),
        "p_triangle": draw(st.floats(0, 1)),
        # up to one person per segment, and no mixing: graphs with friendless people or no ties at all
        "n_segments": draw(st.one_of(st.integers(1, min(8, n)), st.just(min(n, 1000)))),
        "segment_mixing": draw(st.one_of(st.floats(0, 1), st.just(0.0))),
    }
    return {
        "seed": draw(st.integers(0, 2**63 - 1)),
        "days": draw(st.integers(1, 60)),
        "network": network,
        "founders": {
            "n_founders": draw(st.integers(1, min(60, n))),
            "placement": draw(st.sampled_from(("cluster", "random"))),
        },
        "output": {"plots": False, "csv": False},
    }


@st.composite
def valid_configs(draw, playbooks: dict):
    """A config every field of which is drawn from its declared range; cross-field rules kept
    (tier thresholds in order, events with a planner). `playbooks`: name -> playbook group."""
    flat = {
        key: draw(leaf_values(key, f, tp))
        for key, f, tp in leaves()
        if key.split(".")[0] not in WORLD
    }
    t = sorted(flat[f"policy.tiers.{k}_points"] for k in ("regular", "core", "vip"))
    flat.update(
        {
            "policy.tiers.regular_points": t[0],
            "policy.tiers.core_points": t[1],
            "policy.tiers.vip_points": t[2],
        }
    )
    if flat["member.join_affinity_shape"] < AFFINITY_SHAPE_MIN:  # too small to draw from: everyone alike
        flat["member.join_affinity_shape"] = 0.0
    if flat["policy.events.name"] != "none":
        flat["staff.n_event_planners"] = max(1, flat["staff.n_event_planners"])
    data = nest(flat) | draw(small_worlds())
    data["playbook"] = playbooks[draw(st.sampled_from(PLAYBOOKS))]
    return SimConfig.from_dict(data)
