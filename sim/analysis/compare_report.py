"""A comparison's report: the KPI table as strings, and the files (sim/analysis/report.py lays them out).

The report opens with the verdict and the compact table (sim/analysis/verdict.py), then the plots,
what was compared, how each arm was brought to the spend (equal spend only) and the full table of
paired differences, one row per KPI and arm.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from sim.analysis.kpis import Kpi, kpi_by_name
from sim.analysis.report import fmt, plot_stage_timing, plot_time_bands, write_report
from sim.analysis.spend import SpendFit, spend_table
from sim.analysis.verdict import headline, summary_table
from sim.config import SimConfig
from sim.lifecycle import Stage

PRIMARY = "members_final"  # the verdict's KPI unless --primary says: what a growth budget is for


@dataclass
class Comparison:
    """Every run's KPIs and daily series, and the KPI table against the baseline."""

    arms: dict[str, SimConfig]
    baseline: str
    seeds: list[int]
    kpis: tuple[Kpi, ...]
    kpi_runs: pd.DataFrame  # one row per arm and seed
    daily: pd.DataFrame  # one row per arm, seed and day
    table: pd.DataFrame = field(default_factory=pd.DataFrame)  # numbers, one row per KPI and arm
    fits: list[SpendFit] = field(default_factory=list)  # how each arm was brought to the spend (equal spend only)
    primary: str = PRIMARY


def formatted(c: Comparison) -> pd.DataFrame:
    """The KPI table as strings a strategist reads (one row per KPI and arm)."""
    labels = {k.name: f"{k.label} ({k.unit}, {'higher' if k.higher_is_better else 'lower'} is better)" for k in c.kpis}
    rows = []
    kinds = {k.name: k.kind for k in c.kpis}
    for r in c.table.itertuples(index=False):
        is_base = r.arm == c.baseline
        if kinds[r.kpi] == "stage":
            rows.append(_stage_row(labels[r.kpi], r, is_base))
            continue
        rows.append({
            "KPI": labels[r.kpi],
            "arm": r.arm + (" (baseline)" if is_base else ""),
            "mean [95% CI]": _never(r.kpi) if r.n == 0 else f"{fmt(r.mean)} [{fmt(r.lo)}, {fmt(r.hi)}]",
            "n": f"{r.n}/{r.n_seeds}",
            "difference vs baseline [95% CI]": "" if is_base else f"{fmt(r.diff)} [{fmt(r.diff_lo)}, {fmt(r.diff_hi)}]",
            "P(better)": "" if is_base else "tie" if r.ties == 1 else f"{r.p_better:.0%}" if r.p_better == r.p_better else "–",
            "seeds won": "" if is_base else _won(r.wins, r.ties),
        })
    return pd.DataFrame(rows)


def _stage_row(label: str, r, is_base: bool) -> dict:
    """A stage KPI's row: the modal stage and on how many seeds, nothing to difference."""
    shown = Stage(int(r.mean)).label if r.mean == r.mean else "–"
    return {"KPI": label, "arm": r.arm + (" (baseline)" if is_base else ""),
            "mean [95% CI]": f"{shown} on {int(r.mode_count)} of {r.n_seeds} seeds (mode)",
            "n": f"{r.n}/{r.n_seeds}", **dict.fromkeys(("difference vs baseline [95% CI]", "P(better)", "seeds won"),
                                                       "" if is_base else "–")}


def _never(kpi: str) -> str:
    """What an empty cell means: a stage no seed reached, a cost never paid back."""
    if kpi.startswith("days_to_"):
        return "never (no seed reached it)"
    return "never pays back" if kpi == "payback_day" else "–"


def _won(wins: float, ties: float) -> str:
    """Share of seeds won, with the ties said as ties (a tie on every seed is not 'won 0%')."""
    if wins != wins:
        return "–"
    if ties == 1:
        return "tie on every seed"
    return f"{wins:.0%}" + (f" (ties {ties:.0%})" if ties > 0 else "")


def write_outputs(c: Comparison, out: Path, title: str, level: float = 0.95) -> tuple[Path, Path]:
    """Write the tables and the Markdown and HTML reports."""
    out.mkdir(parents=True, exist_ok=True)
    c.kpi_runs.to_csv(out / "kpis_by_run.csv", index=False)
    c.table.to_csv(out / "comparison.csv", index=False)
    first = c.arms[c.baseline]
    intro = [
        f"Arms: {', '.join(c.arms)}; baseline: {c.baseline}. Scenario {first.scenario}, "
        f"{first.days} days, {len(c.seeds)} seeds ({min(c.seeds)}–{max(c.seeds)}), every arm on the same "
        "seeds (common random numbers): the difference column is the mean of per-seed differences.",
        f"Intervals are {level:.0%} Student-t intervals over seeds. P(better) is the probability that the "
        "mean difference favours the arm (t posterior, flat prior); 'seeds won' is the share of seeds on "
        "which it did better, with the seeds where the two were equal given as ties. n counts the seeds that produced a value (a stage not reached gives none).",
    ]
    notes = [
        "Days to a stage, and the payback day, count only the seeds that reached it (n); a difference in n "
        "matters as much as a difference in days.",
        "Cost is every cost the model counts (the `cost` metric: staff, tools, campaigns, referral rewards, "
        "perks, events, reactivation); ROI is (margin - cost) / cost with the model's margin (members' orders "
        "at the gross margin, membership fees less the platform's share).",
    ]
    if c.kpi_runs["roi"].isna().all():
        notes.append("ROI is empty: these runs record no margin (or no cost) to compute it from.")
    notes.append("Stage KPIs (stage on the last day, latest healthy stage reached) are categories: the table gives "
                 "the most common stage over seeds and on how many seeds, not a mean.")
    tables = []
    if c.fits:
        target = c.fits[0].target
        intro.insert(0, f"Equal spend: each arm's spending levers were scaled by one factor per arm until its mean total "
                     f"cost over seeds {min(c.seeds)}–{max(c.seeds)} came within 1% of {target:,.0f} yuan (staff stay as "
                     "configured and count in the total); the table below says which levers and by how much.")
        intro[1:1] = [f"Target not reached: {f.note}" for f in c.fits if f.note]
        tables.append(("Equal spend: how each arm was brought to the target 等花费", spend_table(c.fits)))
    tables.append(("Every KPI against the baseline 全部指标对比", formatted(c)))
    primary = kpi_by_name(c.primary, c.kpis)
    figures = {"kpis_over_time": plot_time_bands(c.daily, "arm", level),
               "stage_timing": plot_stage_timing(c.kpi_runs, "arm", level)}
    equal = bool(c.fits) and all(f.reached for f in c.fits)
    return write_report(out, title, intro, summary_table(c.table, c.kpis, primary, level), figures, notes,
                        headline=headline(c.table, c.kpi_runs, primary, c.baseline, equal, level), tables=tables)
