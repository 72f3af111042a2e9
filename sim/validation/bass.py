"""Bass diffusion in the mean-field limit (Bass 1969).

On a complete graph with no churn, everyone who joined active every day, a daily discovery chance
p (organic joins) and word of mouth q through the share already in (every member shares every day,
reaching each other person with chance q / N, who accepts, so a person who never joined and is
reached by the F N members joins that day with 1 - (1 - q/N)^(F N) ~ 1 - e^(-q F): the continuous
Bass hazard p + q F over one day, whatever the size of q), the cumulative share of members F(t)
must follow F(t) = (1 - e^-(p+q)t) / (1 + (q/p) e^-(p+q)t).
Rates: the textbook p = 0.03, q = 0.38 per period (Sultan, Farley & Lehmann 1990 averages) with a
ten-day period, i.e. p = 0.003 and q = 0.038 per day, peak adoption at t* = ln(q/p)/(p+q) ~ 62 days.
Marketing alone (no word of mouth) must fit q ~ 0; word of mouth alone (no discovery) p ~ 0.
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import curve_fit

from sim.config import SimConfig
from sim.runner import run
from sim.validation.base import EVERYONE_ACTIVE_AND_STAYING, PatternResult, Size

P_PER_DAY, Q_PER_DAY = 0.003, 0.038
SOURCE = "Bass 1969; Sultan, Farley & Lehmann 1990 (mean p ~ 0.03, q ~ 0.38 per period)"


def bass_cdf(t, p, q):
    """Bass's closed-form cumulative adoption share."""
    e = np.exp(-(p + q) * t)
    return (1 - e) / (1 + (q / p) * e)


def fit_bass(t: np.ndarray, f: np.ndarray) -> tuple[float, float]:
    """Least-squares Bass (p, q) for a cumulative share series."""
    (p, q), _ = curve_fit(bass_cdf, t, f, p0=(0.01, 0.1), bounds=(1e-7, 1.0))
    return float(p), float(q)


def mean_field_config(seed: int, n_people: int = 20_000, days: int = 200) -> SimConfig:
    """The Bass mean-field community: complete graph, no churn, everyone in is active daily."""
    return SimConfig.from_dict(
        {
            "seed": seed,
            "days": days,
            "network": {"kind": "complete", "n_people": n_people},
            "founders": {"n_founders": max(1, n_people // 1000), "placement": "random"},
            "staff": {"n_experts": 0, "n_moderators": 0, "n_growth_officers": 0},
            # everyone who is in stays in and is active every day; everyone equally likely to adopt,
            # as Bass assumes
            "member": {**EVERYONE_ACTIVE_AND_STAYING, "p_discover_per_day": P_PER_DAY},
            "moderation": {"incidents_per_100_members_per_day": 0.0},  # no toxicity to thin visits
            "policy": {
                "acquisition": {"name": "none"},
                "referral": {
                    "name": "open_invite",
                    "p_invite_per_day": 1.0,  # every member shares every day
                    "p_reach_per_tie": Q_PER_DAY / n_people,
                    "p_accept": 1.0,
                },
            },
            "output": {"plots": False, "csv": False},
        }
    )


def _cumulative_share(cfg: SimConfig) -> tuple[np.ndarray, np.ndarray]:
    ts = run(cfg).timeseries
    return ts["day"].to_numpy(dtype=float), ts["members"].to_numpy() / cfg.network.n_people


def check_bass_recovery(size: Size) -> PatternResult:
    """Fitted p and q recover the inputs within 15%; the fitted peak time within 3 days."""
    t_star = np.log(Q_PER_DAY / P_PER_DAY) / (P_PER_DAY + Q_PER_DAY)
    rows = []
    for seed in size.seeds:
        t, f = _cumulative_share(mean_field_config(seed, size.n_mean_field))
        p, q = fit_bass(t, f)
        rows.append(
            {
                "seed": seed,
                "p": p,
                "q": q,
                "t_star": np.log(q / p) / (p + q),
                "max_gap": float(np.max(np.abs(f - bass_cdf(t, P_PER_DAY, Q_PER_DAY)))),
            }
        )
    ok = all(
        abs(r["p"] / P_PER_DAY - 1) <= 0.15
        and abs(r["q"] / Q_PER_DAY - 1) <= 0.15
        and abs(r["t_star"] - t_star) <= 3
        and r["max_gap"] <= 0.03
        for r in rows
    )
    return PatternResult(
        "bass_recovery",
        "Cumulative adoption follows the Bass curve; its p and q are recoverable by a fit.",
        SOURCE,
        f"Bass fitted (least squares) to the simulated member share, inputs p = {P_PER_DAY}, q = {Q_PER_DAY} per day",
        _mean(rows, ("p", "q", "t_star", "max_gap")),
        f"every seed: p and q within 15%, peak day within 3 of {t_star:.1f}, |F_sim - F_Bass| <= 0.03 every day",
        ok,
        size.seeds,
        f"complete graph, {size.n_mean_field:,} people, 200 days",
        {"per_seed": rows},
    )


def check_marketing_only(size: Size) -> PatternResult:
    """Without word of mouth the Bass fit puts (almost) everything in p: q below a tenth of p."""
    rows = _fits_per_seed(size, {"policy.referral.name": "none"})
    ok = all(r["q"] <= 0.1 * r["p"] and abs(r["p"] / P_PER_DAY - 1) <= 0.15 for r in rows)
    return PatternResult(
        "bass_marketing_only",
        "Growth by marketing alone is concave from the start: the Bass imitation coefficient is ~0.",
        SOURCE,
        f"Bass fit to a run with discovery p = {P_PER_DAY}/day and no referral",
        _mean(rows, ("p", "q")),
        "every seed: q <= 0.1 p and p within 15% of the input",
        ok,
        size.seeds,
        f"complete graph, {size.n_mean_field:,} people, 200 days",
        {"per_seed": rows},
    )


def check_word_of_mouth_only(size: Size) -> PatternResult:
    """Without discovery the Bass fit puts (almost) everything in q: p below a twentieth of q."""
    rows = _fits_per_seed(size, {"member.p_discover_per_day": 0.0})
    ok = all(r["p"] <= 0.05 * r["q"] and abs(r["q"] / Q_PER_DAY - 1) <= 0.25 for r in rows)
    return PatternResult(
        "bass_word_of_mouth_only",
        "Growth by word of mouth alone is S-shaped: the Bass innovation coefficient is ~0.",
        SOURCE,
        f"Bass fit to a run with referral q = {Q_PER_DAY}/day and no discovery (founders seed it)",
        _mean(rows, ("p", "q")),
        "every seed: p <= 0.05 q and q within 25% of the input",
        ok,
        size.seeds,
        f"complete graph, {size.n_mean_field:,} people, 200 days",
        {"per_seed": rows},
    )


def _fits_per_seed(size: Size, changes: dict) -> list[dict]:
    """Bass's p and q fitted to the mean-field run with `changes`, one row per seed."""
    rows = []
    for seed in size.seeds:
        p, q = fit_bass(*_cumulative_share(mean_field_config(seed, size.n_mean_field).replace(**changes)))
        rows.append({"seed": seed, "p": p, "q": q})
    return rows


def _mean(rows: list[dict], keys) -> dict[str, float]:
    return {k: float(np.mean([r[k] for r in rows])) for k in keys}
