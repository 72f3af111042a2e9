"""Comparing operating policies (or scenarios) on common random numbers, with confidence intervals.

`community-sim-compare --arm LABEL OVERRIDE... --arm LABEL OVERRIDE... [--seeds N]` composes each
arm like `community-sim OVERRIDE...` would, runs every arm on the same seeds, and reports for each
KPI (sim/analysis/kpis.py) the mean and 95% CI per arm, the paired difference against the baseline
(the first arm unless --baseline says) with its CI, and the probability that the arm beats the
baseline. With --target-width KPI=W, seeds are added in batches until every arm's difference
interval on that KPI is narrower than W (or --max-seeds is reached).

Each run is written to OUT/runs/ARM/seed=S and marked DONE, so a comparison that is stopped and
started again reuses what finished. Results: OUT/report.html (self-contained), OUT/report.md with
its PNGs, OUT/kpis_by_run.csv (one row per arm and seed) and OUT/comparison.csv. Every arm is
composed, and the seeds, counts, target and output folder checked, before the first run.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from joblib import Parallel, delayed

from sim.analysis.checks import check_at_least, check_out_folder, check_seeds
from sim.analysis.kpis import Kpi, kpi_by_name, kpi_row, standard_kpis
from sim.analysis.report import fmt, plot_stage_timing, plot_time_bands, write_report
from sim.analysis.stats import mean_ci, paired_difference
from sim.cli import load_config
from sim.config import ConfigError, SimConfig
from sim.failures import CommandParser
from sim.progress import track
from sim.recorder import is_done
from sim.runner import run

EXIT_BAD_INPUT = 2
FAST_OUTPUT = {"output.plots": False, "output.csv": False}  # one dashboard per run is not needed here


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


def run_one(label: str, cfg: SimConfig, seed: int, out: Path | None, graphs: dict) -> pd.DataFrame:
    """The daily series of one arm on one seed: read back if its folder is DONE, else run it."""
    folder = out / "runs" / label / f"seed={seed}" if out is not None else None
    if folder is not None and is_done(folder):
        return pd.read_parquet(folder / "timeseries.parquet")
    cfg = cfg.replace(seed=seed, **FAST_OUTPUT)
    key = (seed, repr(cfg.network))  # arms on one seed and one network share the graph (CRN)
    result = run(cfg, folder, graph=graphs.get(key))
    graphs[key] = result.model.graph
    return result.timeseries


def run_seed(arms: dict[str, SimConfig], seed: int, out: Path | None) -> list[pd.DataFrame]:
    """Every arm on one seed (one task, so the arms share one social graph)."""
    graphs: dict = {}
    return [run_one(label, cfg, seed, out, graphs).assign(arm=label, seed=seed) for label, cfg in arms.items()]


def run_seeds(arms: dict[str, SimConfig], seeds: list[int], out: Path | None, jobs: int) -> list[pd.DataFrame]:
    """Run every arm on every seed, `jobs` seeds at a time (joblib processes when jobs > 1),
    reporting progress per seed on stderr."""
    if jobs <= 1:
        batches = (run_seed(arms, s, out) for s in seeds)
    else:
        batches = Parallel(n_jobs=jobs, return_as="generator")(delayed(run_seed)(arms, s, out) for s in seeds)
    return [frame for batch in track(batches, len(seeds), f"compare ({len(arms)} arms)", "seeds") for frame in batch]


def kpi_table(kpi_runs: pd.DataFrame, kpis: tuple[Kpi, ...], baseline: str, level: float = 0.95) -> pd.DataFrame:
    """Mean and CI per arm, paired difference vs the baseline, P(better) and share of seed wins.
    An arm's interval is kept inside the values its KPI can take (a count's never goes below 0, a
    share's stays in [0, 1]): the Student-t interval is symmetric and would leave them."""
    base = kpi_runs[kpi_runs["arm"] == baseline].set_index("seed").sort_index()
    rows = []
    for k in kpis:
        for arm, group in kpi_runs.groupby("arm", sort=False):
            values = group.set_index("seed").sort_index()[k.name]
            ci = mean_ci(values, level)
            low, high = k.bounds
            lo = ci.lo if low is None or np.isnan(ci.lo) else max(ci.lo, low)
            hi = ci.hi if high is None or np.isnan(ci.hi) else min(ci.hi, high)
            row = {"kpi": k.name, "arm": arm, "mean": ci.mean, "lo": lo, "hi": hi, "n": ci.n,
                   "n_seeds": len(values)}
            if arm != baseline:
                pd_ = paired_difference(values.to_numpy(), base.loc[values.index, k.name].to_numpy(),
                                        k.higher_is_better, level)
                row |= {"diff": pd_.diff.mean, "diff_lo": pd_.diff.lo, "diff_hi": pd_.diff.hi,
                        "p_better": pd_.p_better, "wins": pd_.wins, "ties": pd_.ties}
            rows.append(row)
    return pd.DataFrame(rows)


def compare(arms: dict[str, SimConfig], seeds: list[int], baseline: str | None = None, out: Path | None = None,
            jobs: int = 1, level: float = 0.95,
            target: tuple[str, float] | None = None, max_seeds: int = 50, batch: int = 5) -> Comparison:
    """Run the arms on common seeds and tabulate every KPI against the baseline.

    Args:
        arms: label -> config (the seed is replaced by each replicate's).
        seeds: the first replicate seeds.
        baseline: label of the arm the others are compared with (default: the first).
        out: folder for run folders and reports; None keeps everything in memory.
        jobs: seeds run at once (processes).
        level: coverage of every interval.
        target: (KPI name, width): add `batch` seeds until each difference CI is narrower.
        max_seeds: stop adding seeds here even if the target is not met.
        batch: seeds added per round.
    """
    baseline = baseline or next(iter(arms))
    if baseline not in arms:
        raise ConfigError(f"--baseline {baseline!r} is not an arm; arms: {', '.join(arms)}")
    kpis = standard_kpis()
    if target is not None:
        kpi_by_name(target[0], kpis)
    seeds, frames = list(seeds), []
    todo = seeds
    while True:
        frames += run_seeds(arms, todo, out, jobs)
        daily = pd.concat(frames, ignore_index=True)
        kpi_runs = pd.DataFrame(
            [{"arm": a, "seed": s, **kpi_row(g, kpis)} for (a, s), g in daily.groupby(["arm", "seed"], sort=False)]
        )
        table = kpi_table(kpi_runs, kpis, baseline, level)
        if target is None or len(seeds) >= max_seeds or _narrow_enough(table, baseline, *target):
            break
        todo = list(range(max(seeds) + 1, max(seeds) + 1 + min(batch, max_seeds - len(seeds))))
        seeds += todo
    return Comparison(arms, baseline, seeds, kpis, kpi_runs, daily, table)


def _narrow_enough(table: pd.DataFrame, baseline: str, kpi: str, width: float) -> bool:
    rows = table[(table["kpi"] == kpi) & (table["arm"] != baseline)]
    widths = rows["diff_hi"] - rows["diff_lo"]
    return bool(widths.notna().all() and (widths < width).all())


def formatted(c: Comparison) -> pd.DataFrame:
    """The KPI table as strings a strategist reads (one row per KPI and arm)."""
    labels = {k.name: f"{k.label} ({k.unit}, {'higher' if k.higher_is_better else 'lower'} is better)" for k in c.kpis}
    rows = []
    for r in c.table.itertuples(index=False):
        is_base = r.arm == c.baseline
        rows.append({
            "KPI": labels[r.kpi],
            "arm": r.arm + (" (baseline)" if is_base else ""),
            "mean [95% CI]": f"{fmt(r.mean)} [{fmt(r.lo)}, {fmt(r.hi)}]",
            "n": f"{r.n}/{r.n_seeds}",
            "difference vs baseline [95% CI]": "" if is_base else f"{fmt(r.diff)} [{fmt(r.diff_lo)}, {fmt(r.diff_hi)}]",
            "P(better)": "" if is_base else "tie" if r.ties == 1 else f"{r.p_better:.0%}" if r.p_better == r.p_better else "–",
            "seeds won": "" if is_base else _won(r.wins, r.ties),
        })
    return pd.DataFrame(rows)


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
    figures = {"kpis_over_time": plot_time_bands(c.daily, "arm", level),
               "stage_timing": plot_stage_timing(c.kpi_runs, "arm", level)}
    return write_report(out, title, intro, formatted(c), figures, notes)


def parse_target(text: str | None) -> tuple[str, float] | None:
    """'members_final=50' -> ('members_final', 50.0)."""
    if not text:
        return None
    name, sep, width = text.partition("=")
    try:
        value = float(width)
    except ValueError:
        value = -1.0
    if not sep or value <= 0:
        raise ConfigError(f"--target-width {text!r}: write KPI=WIDTH with a positive width, e.g. members_final=50")
    return name, value


def main(argv: list[str] | None = None) -> None:
    """`community-sim-compare --arm A OVERRIDES --arm B OVERRIDES ...`."""
    p = CommandParser(prog="community-sim-compare", description=__doc__.split("\n\n")[1])
    p.add_argument("--arm", nargs="+", action="append", required=True, metavar=("LABEL", "OVERRIDE"),
                   help="an arm: its label, then community-sim overrides (e.g. policy/referral=none)")
    p.add_argument("--common", nargs="*", default=[], help="overrides applied to every arm")
    p.add_argument("--baseline", help="label of the baseline arm (default: the first)")
    p.add_argument("--seeds", type=int, default=10, help="replicate seeds to start with (default 10)")
    p.add_argument("--first-seed", type=int, default=0)
    p.add_argument("--jobs", type=int, default=1, help="seeds run in parallel (processes)")
    p.add_argument("--target-width", help="KPI=WIDTH: add seeds until every difference CI is narrower")
    p.add_argument("--max-seeds", type=int, default=50)
    p.add_argument("--batch", type=int, default=5, help="seeds added per round with --target-width")
    p.add_argument("--level", type=float, default=0.95)
    p.add_argument("--out", type=Path, default=Path("reports/compare"))
    p.add_argument("--title", default="Policy comparison 策略对比")
    a = p.parse_args(argv)
    try:
        for flag, value in (("--seeds", a.seeds), ("--jobs", a.jobs), ("--max-seeds", a.max_seeds), ("--batch", a.batch)):
            check_at_least(flag, value)
        if not 0 < a.level < 1:
            raise ConfigError(f"--level {a.level}: must be between 0 and 1")
        labels = [arm[0] for arm in a.arm]
        if len(set(labels)) != len(labels) or len(labels) < 2:
            raise ConfigError(f"give at least two arms with distinct labels (got {', '.join(labels)})")
        if a.baseline is not None and a.baseline not in labels:
            raise ConfigError(f"--baseline {a.baseline!r} is not an arm; arms: {', '.join(labels)}")
        target = parse_target(a.target_width)
        if target is not None:
            kpi_by_name(target[0], standard_kpis())
        arms = {}
        for arm in a.arm:
            try:
                arms[arm[0]] = load_config([*a.common, *arm[1:]])
            except ConfigError as exc:
                raise ConfigError(f"--arm {arm[0]}: {exc}") from None
        last = a.first_seed + (max(a.seeds, a.max_seeds) if target is not None else a.seeds) - 1
        check_seeds(next(iter(arms.values())), f"--first-seed {a.first_seed} --seeds {a.seeds}", (a.first_seed, last))
        check_out_folder("--out", a.out)
        c = compare(arms, list(range(a.first_seed, a.first_seed + a.seeds)), a.baseline, a.out, a.jobs, a.level, target, a.max_seeds, a.batch)
    except (ConfigError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        sys.exit(EXIT_BAD_INPUT)
    md, page = write_outputs(c, a.out, a.title, a.level)
    print(formatted(c).to_string(index=False))
    print(f"seeds: {len(c.seeds)} · report: {page} · {md}")


if __name__ == "__main__":
    main()
