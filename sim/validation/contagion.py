"""Word of mouth as SI contagion, against an independent SI simulation.

Configured so that everyone who joined visits every day and every visitor shares
(`policy.referral.p_invite_per_day` 1, engagement 1), every reached friend accepts
(`p_accept` 1, affinity 1), nobody leaves, mutes or returns and nobody joins any other way, the
simulator's word of mouth along ties is discrete-time SI contagion: each day every member reaches
each never-joined friend with chance beta = `policy.referral.p_reach_per_tie`, independently per
tie, so a person with k member friends joins with 1 - (1 - beta)^k, and joins the next day's
sharers.

The independent SI (`si_epidemic`) shares nothing with the simulator but the graph and the first
infected (the run's founders): it keeps its own infected flags, draws one uniform per
infected-susceptible tie a day from its own generator and makes the day's infections infectious
the next day. Over R seeds (each seed: the run's graph and founders, one simulator run, one SI run)
the mean infected-count curves must agree: on at least 95% of the days on which either curve still
varies between seeds, the means differ by at most 3 combined standard errors
sqrt(se_sim^2 + se_si^2).
"""

from __future__ import annotations

import numpy as np

from sim.config import SimConfig
from sim.model import CommunityModel
from sim.network import build_graph
from sim.population import NEVER, Channel
from sim.rng import RngStreams
from sim.runner import run
from sim.validation.base import EVERYONE_ACTIVE_AND_STAYING, PatternResult, Size

BETA = 0.05  # per tie and day: half the people infected by about day 11, all by about day 46
N_PEOPLE = 2_000
MEAN_DEGREE = 10
N_SEEDS_INFECTED = 10
DAYS = 60
# seeds per size (the standard errors they give are in docs/validation.md)
REPLICATES = {"quick": 12, "full": 40}
MAX_Z = 3.0
MIN_SHARE_WITHIN = 0.95
# the independent SI's generator is seeded from (SI_SALT, seed), none of the simulator's streams
SI_SALT = 0x51C0
SOURCE = (
    "Kermack & McKendrick 1927 (SI without recovery); discrete-time network SI as in "
    "Pastor-Satorras, Castellano, Van Mieghem & Vespignani 2015"
)


def si_config(
    seed: int,
    n: int = N_PEOPLE,
    beta: float = BETA,
    days: int = DAYS,
    n_seeds_infected: int = N_SEEDS_INFECTED,
) -> SimConfig:
    """Pure word of mouth as SI contagion with infection chance `beta` per tie and day on a
    Holme-Kim graph of `n` people (mean degree 10); the founders, placed at random, are the
    first infected."""
    return SimConfig.from_dict(
        {
            "seed": seed,
            "days": days,
            "network": {"kind": "holme_kim", "n_people": n, "mean_degree": MEAN_DEGREE},
            "founders": {"n_founders": n_seeds_infected, "placement": "random"},
            "staff": {
                "n_experts": 0,
                "n_moderators": 0,
                "n_growth_officers": 0,
                "n_event_planners": 0,
            },
            # every member visits every day with engagement 1 and stays; no joins but by word of mouth
            "member": {**EVERYONE_ACTIVE_AND_STAYING, "p_discover_per_day": 0.0},
            "moderation": {"incidents_per_100_members_per_day": 0.0},
            "groups": {"capacity": 10 * n},  # one group holds everybody
            "policy": {
                "acquisition": {"name": "none"},
                "referral": {
                    "name": "open_invite",
                    "p_invite_per_day": 1.0,  # every visitor shares
                    "p_reach_per_tie": beta,
                    "p_accept": 1.0,
                },
            },
            "output": {"plots": False, "csv": False},
        }
    )


# -- the independent SI ---------------------------------------------------------------------------


def adjacency(cfg: SimConfig) -> list[list[int]]:
    """The run's social graph (built as the simulator builds it from `cfg.network` and the seed) as
    adjacency lists."""
    graph = build_graph(cfg.network, RngStreams(cfg.seed))
    indptr, indices = np.asarray(graph.indptr), np.asarray(graph.indices)
    return [indices[indptr[i] : indptr[i + 1]].tolist() for i in range(graph.n)]


def si_epidemic(
    adj: list[list[int]], infected0, beta: float, days: int, rng: np.random.Generator
) -> np.ndarray:
    """Discrete-time SI on the graph `adj`; the infected count at the end of days 0..days.

    Each day every infected node tries each susceptible neighbour independently with chance
    `beta` (one uniform per infected-susceptible tie); whoever is hit is infected and becomes
    infectious the next day. Nobody recovers.
    """
    n = len(adj)
    src = np.fromiter((i for i, friends in enumerate(adj) for _ in friends), dtype=np.int64)
    dst = np.fromiter((j for friends in adj for j in friends), dtype=np.int64)
    infected = np.zeros(n, dtype=bool)
    infected[np.asarray(list(infected0), dtype=np.int64)] = True
    counts = np.empty(days + 1, dtype=np.int64)
    counts[0] = infected.sum()
    for day in range(1, days + 1):
        open_ties = infected[src] & ~infected[dst]  # from yesterday's infected only
        hit = dst[open_ties][rng.random(int(open_ties.sum())) < beta]
        infected[hit] = True
        counts[day] = infected.sum()
    return counts


# -- the simulator's side ---------------------------------------------------------------------------


def simulated_epidemic(cfg: SimConfig) -> tuple[np.ndarray, np.ndarray, dict]:
    """The simulator's run of `cfg`: its member count at the end of days 0..days, the founders'
    rows, and a few counts that must be zero in SI (people who left, joins not by referral)."""
    model = CommunityModel(cfg)
    table = model.table
    founders = np.flatnonzero(model.backend.to_numpy(table.channel) == Channel.FOUNDER)
    assert np.array_equal(founders, np.flatnonzero(model.backend.to_numpy(table.joined_day) == 0))
    result = run(cfg, start=model)
    table = result.model.table
    joined = model.backend.to_numpy(table.joined_day) != NEVER
    channel = model.backend.to_numpy(table.channel)
    checks = {
        "left": int(np.count_nonzero(model.backend.to_numpy(table.left_day) != NEVER)),
        "joined_not_by_referral": int(
            np.count_nonzero(joined & (channel != Channel.REFERRAL)) - len(founders)
        ),
    }
    return result.timeseries["members"].to_numpy(dtype=np.int64), founders, checks


# -- the comparison -------------------------------------------------------------------------------


def compare_curves(a: np.ndarray, b: np.ndarray) -> dict:
    """Mean curves of two sets of runs (rows: runs, columns: days) compared day by day.

    The days compared are those on which either set still varies between runs (combined standard
    error > 0); day 0 (the same first infected on both sides) and the days after both sets have
    reached everyone are identical by construction and left out.
    """
    mean_a, mean_b = a.mean(axis=0), b.mean(axis=0)
    se_a = a.std(axis=0, ddof=1) / np.sqrt(len(a))
    se_b = b.std(axis=0, ddof=1) / np.sqrt(len(b))
    se = np.sqrt(se_a**2 + se_b**2)
    days = np.flatnonzero(se > 0)
    z = np.abs(mean_a - mean_b)[days] / se[days]
    return {
        "days_compared": int(len(days)),
        "first_day": int(days[0]) if len(days) else -1,
        "last_day": int(days[-1]) if len(days) else -1,
        "share_within": float(np.mean(z <= MAX_Z)) if len(days) else 0.0,
        "max_z": float(z.max()) if len(days) else float("nan"),
        "max_abs_diff": float(np.max(np.abs(mean_a - mean_b))),
        "max_se": float(se.max()),
        "mean_sim": mean_a.tolist(),
        "mean_si": mean_b.tolist(),
        "se_sim": se_a.tolist(),
        "se_si": se_b.tolist(),
        "z": np.where(se > 0, np.abs(mean_a - mean_b) / np.where(se > 0, se, 1.0), 0.0).tolist(),
    }


def si_comparison(
    seeds,
    beta_sim: float = BETA,
    beta_si: float = BETA,
    n: int = N_PEOPLE,
    days: int = DAYS,
    n_seeds_infected: int = N_SEEDS_INFECTED,
) -> dict:
    """The simulator with infection chance `beta_sim` against the independent SI with `beta_si`,
    one run of each per seed (same graph, same first infected), as `compare_curves`, plus
    `passed` and the per-seed counts that must be zero."""
    sim_curves, si_curves, per_seed = [], [], []
    for seed in seeds:
        cfg = si_config(seed, n, beta_sim, days, n_seeds_infected)
        curve, founders, checks = simulated_epidemic(cfg)
        rng = np.random.default_rng((SI_SALT, seed))
        si_curves.append(si_epidemic(adjacency(cfg), founders, beta_si, days, rng))
        sim_curves.append(curve)
        per_seed.append(
            {
                "seed": seed,
                "sim_final": int(curve[-1]),
                "si_final": int(si_curves[-1][-1]),
                **checks,
            }
        )
    out = compare_curves(np.array(sim_curves), np.array(si_curves))
    out["passed"] = out["share_within"] >= MIN_SHARE_WITHIN and out["days_compared"] > 0
    out["per_seed"] = per_seed
    return out


DETAIL = ("per_seed", "mean_sim", "mean_si", "se_sim", "se_si", "z", "first_day", "last_day")


def replicates(size: Size) -> tuple[int, ...]:
    """The seeds of the comparison at `size` (12 quick, 40 full)."""
    return tuple(range(REPLICATES.get(size.name, REPLICATES["full"])))


def check_si_contagion(size: Size) -> PatternResult:
    """Pure word of mouth is SI contagion: its mean infected curve matches the independent SI's."""
    seeds = replicates(size)
    c = si_comparison(seeds)
    return PatternResult(
        "si_contagion",
        "Word of mouth with everyone sharing daily and everyone reached accepting spreads as SI "
        "contagion: P(infected today) = 1 - (1 - beta)^k for k infected friends.",
        SOURCE,
        f"mean infected-count curves over {len(seeds)} seeds: the simulator against an independent "
        f"discrete-time SI on the same graph from the same first infected, beta = {BETA}",
        {
            "share_within_3se": c["share_within"],
            "max_z": c["max_z"],
            "days_compared": float(c["days_compared"]),
            "max_abs_diff": c["max_abs_diff"],
            "max_combined_se": c["max_se"],
            "final_sim": c["mean_sim"][-1],
            "final_si": c["mean_si"][-1],
        },
        f"on >= {MIN_SHARE_WITHIN:.0%} of the days on which either curve varies, |mean_sim - mean_si| "
        f"<= {MAX_Z:g} sqrt(se_sim^2 + se_si^2)",
        c["passed"],
        seeds,
        f"Holme-Kim graph, {N_PEOPLE:,} people (mean degree {MEAN_DEGREE}), {N_SEEDS_INFECTED} first "
        f"infected at random, {DAYS} days",
        {k: c[k] for k in DETAIL},
    )
