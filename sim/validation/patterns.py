"""Patterns measured on the scenario presets (sim/validation/runs.py; which preset shows which
pattern: sim/validation/presets.py): how quiet members are, participation inequality, the newcomer
first-reply effect, the cohort retention curve and referral cascades."""

from __future__ import annotations

import numpy as np
from scipy.optimize import minimize
from scipy.special import betaln

from sim.cohorts import survival_cohort, survival_curve
from sim.population import NEVER, Channel
from sim.validation.base import PatternResult, Size
from sim.validation.presets import DEFAULT_PRESET
from sim.validation.runs import AFTER_DAYS, preset_runs, size_text

WINDOW_DAYS = 28  # the activity shape is measured over the run's last four weeks


def check_activity_shape(size: Size, preset: str = DEFAULT_PRESET) -> PatternResult:
    """Most members are silent or have muted the group: a small share visit on a day, a minority
    within a month, most wrote nothing in twelve weeks."""
    rows, runs = [], preset_runs(preset, size)
    for run in runs:
        last = run.frame.tail(WINDOW_DAYS)
        members = last["members"].to_numpy(dtype=float)
        rows.append({k: float((last[col].to_numpy() / members).mean()) for k, col in (
            ("daily_active", "daily_active"), ("weekly_active", "weekly_active"), ("monthly_active", "monthly_active"),
            ("silent_12w", "silent_12w"), ("muted", "muted"))})
    m = {k: float(np.mean([r[k] for r in rows])) for k in rows[0]}
    ok = 0.05 <= m["daily_active"] <= 0.25 and 0.15 <= m["monthly_active"] <= 0.50 and 0.45 <= m["silent_12w"] <= 0.85
    return PatternResult(
        "activity_shape",
        "Most members are quiet: few visit on a given day, a minority within a month, most post nothing for months.",
        "Nonnecke & Preece 2000 (46-82% posted nothing in 12 weeks); Breezio and Higher Logic 2023 "
        "(10-30% of members active in a month, weak); China Youth Daily 2020 (74.6% of WeChat users mute groups)",
        f"shares of members over the last {WINDOW_DAYS} days: visited today, in the last 7 and 30 days; "
        "no post in the last 84 days; muted",
        m,
        "mean over seeds: daily active 5%-25%, monthly active 15%-50%, no post in 12 weeks 45%-85%",
        ok,
        size.seeds,
        size_text(preset, size, runs),
        {"per_seed": rows},
        preset,
    )


def check_participation(size: Size, preset: str = DEFAULT_PRESET) -> PatternResult:
    """Few members ever post; the top 1% of members write most posts."""
    rows, runs = [], preset_runs(preset, size)
    for run in runs:
        t = run.table
        posts = np.sort(t.posts[t.joined_day >= 0])[::-1]
        rows.append(
            {
                "ever_posted": float((posts > 0).mean()),
                "top1_share": float(posts[: max(1, len(posts) // 100)].sum() / max(1, posts.sum())),
            }
        )
    m = {k: float(np.mean([r[k] for r in rows])) for k in ("ever_posted", "top1_share")}
    ok = 0.05 <= m["ever_posted"] < 0.25 and 0.60 <= m["top1_share"] <= 0.85
    return PatternResult(
        "participation_inequality",
        "Participation inequality (90-9-1): most members only read; a top 1% write most of the posts.",
        "Nielsen 2006 (90-9-1); van Mierlo 2014 (top 1% wrote ~74% of posts in four health communities)",
        "share of everyone who ever joined who wrote a post; share of posts written by the top 1% of them (ranked by posts)",
        m,
        "mean over seeds: ever posted 5%-25% (van Mierlo: under 25%), top-1% share 60%-85% (74.7% observed)",
        ok,
        size.seeds,
        size_text(preset, size, runs),
        {"per_seed": rows},
        preset,
    )


def first_reply_uplift(models) -> dict[str, float]:
    """Posting-again and staying uplift of newcomers whose first post got a reply, pooled over runs.

    A newcomer here is a non-founder whose first post was observed for AFTER_DAYS days.
    """
    again_r, again_u, stay_r, stay_u = [], [], [], []
    for model in models:
        t = model.table
        replied_total = int(model.frame["first_posts_replied"].sum())
        if (
            int((model.first_reply_day >= 0).sum()) != replied_total
        ):  # the recording hook no longer sees them
            raise RuntimeError(
                f"RecordingModel saw {(model.first_reply_day >= 0).sum()} first replies, the model {replied_total}"
            )
        first = (t.first_post_day > 0) & (model.posts_after >= 0) & (t.channel != Channel.FOUNDER)
        again = model.posts_after > model.posts_first_day
        stayed = (t.left_day == NEVER) | (t.left_day > t.first_post_day + AFTER_DAYS)
        replied = model.first_reply_day >= 0
        again_r.append(again[first & replied]), again_u.append(again[first & ~replied])
        stay_r.append(stayed[first & replied]), stay_u.append(stayed[first & ~replied])
    a_r, a_u = np.concatenate(again_r), np.concatenate(again_u)
    se = np.sqrt(a_r.var() / max(1, len(a_r)) + a_u.var() / max(1, len(a_u)))
    return {
        "posted_again_replied": float(a_r.mean()),
        "posted_again_unreplied": float(a_u.mean()),
        "uplift_posting_points": float(100 * (a_r.mean() - a_u.mean())),
        "uplift_posting_se_points": float(100 * se),
        "uplift_staying_points": float(
            100 * (np.concatenate(stay_r).mean() - np.concatenate(stay_u).mean())
        ),
        "n_replied": len(a_r),
        "n_unreplied": len(a_u),
    }


def check_first_reply(size: Size, preset: str = DEFAULT_PRESET) -> PatternResult:
    """Newcomers whose first post gets a reply post again more often: +12 points observed."""
    runs = preset_runs(preset, size)
    m = first_reply_uplift(runs)
    ok = 6.0 <= m["uplift_posting_points"] <= 18.0
    return PatternResult(
        "newcomer_first_reply",
        "Newcomers whose first post gets a reply are more likely to post again (56% vs 44%, +12 points).",
        "Joyce & Kraut 2006 (J. Computer-Mediated Communication 11(3))",
        f"share of non-founder first posters who post again within {AFTER_DAYS} days, replied minus unreplied "
        "(pooled over seeds); also the uplift in still being a member then",
        m,
        "posting-again uplift between +6 and +18 points",
        ok,
        size.seeds,
        size_text(preset, size, runs),
        preset=preset,
    )


def sbg_survival(t: np.ndarray, a: float, b: float) -> np.ndarray:
    """Shifted-beta-geometric survival S(t) = B(a, b + t) / B(a, b) (Fader & Hardie 2007)."""
    return np.exp(betaln(a, b + t) - betaln(a, b))


def fit_sbg(survival: np.ndarray) -> tuple[float, float, float]:
    """Least-squares sBG (a, b) for a survival series over periods 0..n; returns (a, b, rmse)."""
    t = np.arange(len(survival), dtype=float)

    def loss(x):
        return float(np.sum((sbg_survival(t, *np.exp(x)) - survival) ** 2))

    best = minimize(loss, x0=np.log([1.0, 3.0]), method="Nelder-Mead")
    a, b = np.exp(best.x)
    return float(a), float(b), float(np.sqrt(best.fun / len(t)))


def retention_shape(models, period_days: int = 28, periods: int = 6) -> dict[str, float]:
    """Cohort survival per period, per-period retention and the sBG and geometric fits."""
    curves = [survival_curve(m.table, period_days * periods, m.day)[::period_days] for m in models]
    s = np.nanmean(curves, axis=0)
    r = s[1:] / s[:-1]
    # members at risk at the start of each period, pooled over seeds: each period's retention is a
    # binomial share of them, so its standard error is sqrt(r (1 - r) / at_risk)
    cohort = sum(int(survival_cohort(m.table, period_days * periods, m.day).sum()) for m in models)
    se = np.sqrt(r * (1.0 - r) / np.maximum(cohort * s[:-1], 1.0))
    a, b, rmse = fit_sbg(s)
    geo_rate = float(np.exp(np.polyfit(np.arange(len(s)), np.log(s), 1)[0]))  # constant retention
    geo_rmse = float(np.sqrt(np.mean((geo_rate ** np.arange(len(s)) - s) ** 2)))
    out = {f"survival_p{k}": float(v) for k, v in enumerate(s)}
    out.update({f"retention_p{k + 1}": float(v) for k, v in enumerate(r)})
    out.update({f"retention_se_p{k + 1}": float(v) for k, v in enumerate(se)})
    out["cohort"] = cohort
    out.update({"sbg_a": a, "sbg_b": b, "sbg_rmse": rmse, "geometric_rmse": geo_rmse})
    return out


def check_retention(size: Size, preset: str = DEFAULT_PRESET) -> PatternResult:
    """Survival drops steeply, then flattens; per-period retention rises with tenure (sBG)."""
    runs = preset_runs(preset, size)
    m = retention_shape(runs)
    r = [m[f"retention_p{k}"] for k in range(1, 7)]
    se = [m[f"retention_se_p{k}"] for k in range(1, 7)]
    # a dip from one period to the next is noise while it is within two standard errors of the
    # difference (and at most 0.01 at sizes where that is wider than the noise)
    dip = [max(0.01, 2.0 * np.hypot(se[k], se[k + 1])) for k in range(len(r) - 1)]
    rising = all(r[k + 1] >= r[k] - dip[k] for k in range(len(r) - 1)) and r[-1] > r[0] + 0.05
    ok = rising and m["sbg_rmse"] <= 0.015 and m["sbg_rmse"] < 0.5 * m["geometric_rmse"]
    return PatternResult(
        "retention_curve",
        "Cohort survival drops steeply then flattens: per-period retention rises with tenure (shifted-beta-geometric).",
        "Fader & Hardie 2007 (J. Interactive Marketing 21(1)), sBG model of contractual retention",
        "survival of non-founder joiners at 4-week periods 0..6 (mean over seeds); sBG and constant-retention fits",
        m,
        "4-week retention never falls from one period to the next by more than two standard errors of the "
        "difference (binomial, members at risk pooled over seeds; at least 0.01) and rises by more than 0.05 "
        "overall; sBG fit RMSE <= 0.015 and under half the constant-retention fit's",
        ok,
        size.seeds,
        size_text(preset, size, runs),
        preset=preset,
    )


def referral_trees(table) -> tuple[np.ndarray, np.ndarray]:
    """Size and depth of every referral tree (rooted at a member who joined without an inviter)."""
    joined = np.flatnonzero(table.joined_day >= 0)
    parent = np.arange(table.n)
    parent[joined] = np.where(table.inviter[joined] >= 0, table.inviter[joined], joined)
    root, depth = parent.copy(), (parent != np.arange(table.n)).astype(np.int64)
    while True:  # pointer jumping would be faster; chains are short
        nxt = parent[root]
        moved = nxt != root
        if not moved[joined].any():
            break
        depth += moved
        root = nxt
    roots = joined[table.inviter[joined] < 0]
    sizes = np.bincount(root[joined], minlength=table.n)[roots]
    depths = np.zeros(table.n, dtype=np.int64)
    np.maximum.at(depths, root[joined], depth[joined])
    return sizes, depths[roots]


def check_referral_cascades(size: Size, preset: str = DEFAULT_PRESET) -> PatternResult:
    """Most referral trees are a single member; deep chains are rare."""
    rows, runs = [], preset_runs(preset, size)
    for run in runs:
        sizes, depths = referral_trees(run.table)
        rows.append(
            {
                "trees": len(sizes),
                "share_size_1": float((sizes == 1).mean()),
                "share_depth_over_1": float((depths > 1).mean()),
                "largest": int(sizes.max()),
                "deepest": int(depths.max()),
            }
        )
    m = {k: float(np.mean([r[k] for r in rows])) for k in rows[0]}
    ok = 0.70 <= m["share_size_1"] <= 0.95 and m["share_depth_over_1"] <= 0.04
    return PatternResult(
        "referral_cascades",
        "Most diffusion trees are a lone adopter; nearly all end within one step of their seed; deep chains are rare.",
        "Goel, Watts & Goldstein 2012 (EC '12, The structure of online diffusion networks)",
        "trees of the member table's inviter links, one per member who joined without an inviter",
        m,
        "mean over seeds: 70%-95% of trees are size 1 and at most 4% reach depth 2 or more (Goel et al.: "
        "70-95% single adopters, 1-4% beyond one degree)",
        ok,
        size.seeds,
        size_text(preset, size, runs),
        {"per_seed": rows},
        preset,
    )
