"""The vectorised model agrees in distribution with the per-agent Mesa reference.

benchmarks/reference/ implements the growth core the ordinary Mesa way (one object per person,
`shuffle_do`, a DataCollector, its own random numbers); both run with the mechanics outside the
core switched off (benchmarks/reference/core.py). Claim, on a 2,000-person Holme-Kim population
over 60 days and 10 seeds (each seed's graph shared by both models, so the pairs differ only by
the rest of their randomness): for the final member count, the final count of members who muted
the group, the final monthly active members and the mean daily active share of days 31-60, the
paired difference ours - reference has a 99% confidence interval (Student t, 9 degrees of
freedom) that contains 0, and its mean is within a tolerance of the reference's mean.

The tolerances follow what ten pairs resolve (measured over 40 seeds, seeds 0-39, at the core
rules where losing interest makes a third of members leave and the rest mute): members 5% (a
pair's difference has a spread of about 6% of the mean; every block of ten of those seeds lands
within 3%); muted and monthly active 10% (spreads of about 10% and 12%; blocks within 4% and 8%);
the daily active share 45%, because it is a community-level outcome that ten seeds resolve only
coarsely: the feed depends on which few members turn out to be prolific posters and whether they
keep listening, and a pair's difference spreads by about 29% (blocks of ten within 27%). The same
check must tell apart models with slightly different rules, otherwise it could not fail: 20% more
campaign conversions (about +12% members), half as fast again losing interest (p_mute_max_per_day
0.12 instead of 0.08: about +21% muted; a third faster, 0.107, gives only about +15%, because a
third of those who lose interest leave rather than mute, and the first ten seeds do not resolve
it: +11% with a 99% interval that contains 0) and a stronger pull of content (w_active_content 0.8
instead of 0.45: about +35% monthly active, 3.6 times the active share).
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest
from scipy import stats

from sim.config import SimConfig
from sim.network import build_graph
from sim.rng import RngStreams
from sim.runner import run

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # the repository root holds benchmarks/
from benchmarks.reference import ReferenceModel  # noqa: E402
from benchmarks.reference.core import growth_core  # noqa: E402

SEEDS = range(10)
DAYS = 60
BASE = {
    "days": DAYS,
    "network": {"kind": "holme_kim", "n_people": 2000, "mean_degree": 10},
    "founders": {"n_founders": 20},
    "output": {"plots": False, "csv": False},
}


OUTCOMES = ("final members", "final muted", "final monthly active", "active share")


def outcomes(ts) -> tuple[float, ...]:
    """The final members, muted members and monthly active members, and the mean active share
    over the second month (in the order of OUTCOMES)."""
    final = ts.iloc[-1]
    return (
        float(final["members"]),
        float(final["muted"]),
        float(final["monthly_active"]),
        float(ts["active_share"].iloc[31:].mean()),
    )


def paired_check(ours: np.ndarray, ref: np.ndarray) -> tuple[bool, float]:
    """Whether the 99% CI of the mean paired difference contains 0, and the relative difference."""
    d = ours - ref
    half = stats.t.ppf(0.995, len(d) - 1) * d.std(ddof=1) / np.sqrt(len(d))
    return abs(d.mean()) <= half, d.mean() / ref.mean()


TOLERANCE = {"final members": 0.05, "final muted": 0.10, "final monthly active": 0.10, "active share": 0.45}
VARIANTS = {
    "same rules": {},
    "more campaign conversions": {"policy.acquisition.p_convert": 0.012},
    "faster muting": {"member.p_mute_max_per_day": 0.12},  # default 0.08; see the module docstring
    "stronger pull of content": {"member.w_active_content": 0.8},
}


@pytest.fixture(scope="module")
def paired_runs() -> dict[str, np.ndarray]:
    """Outcomes per seed of the reference and of our model under each variant."""
    out = {name: [] for name in ("reference", *VARIANTS)}
    for seed in SEEDS:
        cfg = growth_core(SimConfig.from_dict({**BASE, "seed": seed}))
        graph = build_graph(cfg.network, RngStreams(seed))
        model = ReferenceModel(cfg, graph=graph)
        for _ in range(DAYS):
            model.step()
        out["reference"].append(outcomes(model.timeseries()))
        for name, changes in VARIANTS.items():
            out[name].append(outcomes(run(cfg.replace(**changes), graph=graph).timeseries))
    return {name: np.array(rows) for name, rows in out.items()}


@pytest.mark.parametrize(("column", "name"), list(enumerate(OUTCOMES)))
def test_vectorised_model_and_mesa_reference_agree_in_distribution(paired_runs, column, name):
    ours, ref = paired_runs["same rules"][:, column], paired_runs["reference"][:, column]
    consistent, rel = paired_check(ours, ref)
    assert consistent, f"{name}: ours {ours.mean():.4g} vs reference {ref.mean():.4g}"
    assert abs(rel) < TOLERANCE[name], f"{name}: relative difference {rel:.3f}"


@pytest.mark.parametrize(
    ("variant", "column", "name"),
    [
        ("more campaign conversions", 0, "final members"),
        ("faster muting", 1, "final muted"),
        ("stronger pull of content", 2, "final monthly active"),
        ("stronger pull of content", 3, "active share"),
    ],
)
def test_the_check_tells_apart_a_model_with_different_rules(paired_runs, variant, column, name):
    consistent, rel = paired_check(paired_runs[variant][:, column], paired_runs["reference"][:, column])
    assert not consistent and rel > TOLERANCE[name]
