"""Comparing operating policies (or scenarios) on common random numbers, with confidence intervals.

`community-sim-compare --arm LABEL OVERRIDE... --arm LABEL OVERRIDE... [--seeds N]` composes each
arm like `community-sim OVERRIDE...` would, runs every arm on the same seeds, and reports for each
KPI (sim/analysis/kpis.py) the mean and 95% CI per arm, the paired difference against the baseline
(the first arm unless --baseline says) with its CI, and the probability that the arm beats the
baseline. With --target-width KPI=W, seeds are added in batches until every arm's difference
interval on that KPI is narrower than W (or --max-seeds is reached).

With --equal-spend TOTAL (yuan over the run) or --equal-spend auto (the costliest arm's spend), each
arm's spending levers (campaign budget, referral and fission rewards, red packets: --levers) are
scaled by one factor per arm until its mean total cost is within 1% of the target
(sim/analysis/spend.py); an arm that cannot get there says why. The report opens with the verdict
on the primary KPI (--primary, default members_final) in Chinese and English
(sim/analysis/verdict.py), then a compact table with each arm's spend first, then the plots.

Each run is written to OUT/runs/ARM/seed=S and marked DONE, so a comparison that is stopped and
started again reuses what finished. Results (sim/analysis/compare_report.py): OUT/report.html
(self-contained), OUT/report.md with its PNGs, OUT/kpis_by_run.csv (one row per arm and seed) and
OUT/comparison.csv. Every arm is composed, and the seeds, counts, target and output folder checked,
before the first run.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import yaml
from joblib import Parallel, delayed

from sim import __version__
from sim.analysis.checks import check_at_least, check_out_folder, check_seeds
from sim.analysis.compare_report import PRIMARY, Comparison, formatted, write_outputs
from sim.analysis.kpis import Kpi, kpi_by_name, kpi_row, standard_kpis
from sim.analysis.spend import DEFAULT_LEVERS, SpendFit, check_levers, fit_spend, spend_table
from sim.analysis.spend import parse_target as parse_spend
from sim.analysis.stats import mean_ci, paired_difference
from sim.analysis.verdict import headline
from sim.cli import load_config
from sim.config import ConfigError, SimConfig
from sim.failures import CommandParser
from sim.progress import track
from sim.recorder import is_done
from sim.runner import run

EXIT_BAD_INPUT = 2
FAST_OUTPUT = {"output.plots": False, "output.csv": False}  # one dashboard per run is not needed here


def run_one(label: str, cfg: SimConfig, seed: int, out: Path | None, graphs: dict) -> pd.DataFrame:
    """The daily series of one arm on one seed: read back if its folder is DONE and was made by
    this config and this version, else run it (over a folder made otherwise, with a note)."""
    folder = out / "runs" / label / f"seed={seed}" if out is not None else None
    cfg = cfg.replace(seed=seed, **FAST_OUTPUT)
    if folder is not None and is_done(folder):
        why = _made_otherwise(folder, cfg)
        if why is None:
            return pd.read_parquet(folder / "timeseries.parquet")
        print(f"note: {folder}: a finished run made with {why}; running it again", file=sys.stderr)
    key = (seed, repr(cfg.network))  # arms on one seed and one network share the graph (CRN)
    result = run(cfg, folder, graph=graphs.get(key))
    graphs[key] = result.model.graph
    return result.timeseries


def _made_otherwise(folder: Path, cfg: SimConfig) -> str | None:
    """Why a finished run folder cannot stand for `cfg` under this version (None: it can)."""
    try:
        stored = yaml.safe_load((folder / "config.yaml").read_text(encoding="utf-8"))
        made_by = json.loads((folder / "provenance.json").read_text(encoding="utf-8"))["packages"]["community-sim"]
    except (OSError, ValueError, KeyError, TypeError, yaml.YAMLError):
        return "no readable config or provenance"
    if made_by != __version__:
        return f"version {made_by} (this is {__version__})"
    if stored != yaml.safe_load(yaml.safe_dump(cfg.to_dict(), sort_keys=False, allow_unicode=True)):
        return "another config (an arm's overrides, the levers' scale or the model's defaults changed)"
    return None


def run_seed(arms: dict[str, SimConfig], seed: int, out: Path | None) -> list[pd.DataFrame]:
    """Every arm on one seed (one task, so the arms share one social graph)."""
    graphs: dict = {}
    return [run_one(label, cfg, seed, out, graphs).assign(arm=label, seed=seed) for label, cfg in arms.items()]


def run_seeds(arms: dict[str, SimConfig], seeds: list[int], out: Path | None, jobs: int,
              what: str | None = None) -> list[pd.DataFrame]:
    """Run every arm on every seed, `jobs` seeds at a time (joblib processes when jobs > 1),
    reporting progress per seed on stderr (as `what`, default "compare (N arms)")."""
    if jobs <= 1:
        batches = (run_seed(arms, s, out) for s in seeds)
    else:
        batches = Parallel(n_jobs=jobs, return_as="generator")(delayed(run_seed)(arms, s, out) for s in seeds)
    what = what or f"compare ({len(arms)} arms)"
    return [frame for batch in track(batches, len(seeds), what, "seeds") for frame in batch]


def equalise(arms: dict[str, SimConfig], seeds: list[int], target: float | str,
             levers: dict[str, tuple[str, ...]] | tuple[str, ...], jobs: int = 1) -> tuple[dict[str, SimConfig], list[SpendFit]]:
    """Scale each arm's spending levers until its mean total cost over `seeds` is the target's
    (`"auto"`: the costliest arm's as configured). Runs are kept in memory; the arms' reported runs
    are made afterwards at the factor found. Each arm that misses the target says why on stderr."""
    def measure(label: str):
        return lambda cfg: pd.concat(run_seeds({label: cfg}, seeds, None, jobs, f"equal-spend runs of {label}"))
    first = {label: measure(label)(cfg) for label, cfg in arms.items()}
    if target == "auto":
        target = max(float(ts.groupby("seed")["cost"].sum().mean()) for ts in first.values())
    scaled, fits = {}, []
    for label, cfg in arms.items():
        allowed = levers.get(label, DEFAULT_LEVERS) if isinstance(levers, dict) else levers
        scaled[label], fit = fit_spend(label, cfg, float(target), measure(label), allowed, first[label])
        fits.append(fit)
        if fit.note:
            print(f"equal spend: {fit.note}", file=sys.stderr)
    return scaled, fits


def kpi_table(kpi_runs: pd.DataFrame, kpis: tuple[Kpi, ...], baseline: str, level: float = 0.95) -> pd.DataFrame:
    """Mean and CI per arm, paired difference vs the baseline, P(better) and share of seed wins.
    An arm's interval is kept inside the values its KPI can take (a count's never goes below 0, a
    share's stays in [0, 1]): the Student-t interval is symmetric and would leave them."""
    base = kpi_runs[kpi_runs["arm"] == baseline].set_index("seed").sort_index()
    rows = []
    for k in kpis:
        for arm, group in kpi_runs.groupby("arm", sort=False):
            values = group.set_index("seed").sort_index()[k.name]
            if k.kind == "stage":  # a category: the modal stage, no mean, no difference
                rows.append(_modal_row(k.name, arm, values))
                continue
            ci = mean_ci(values, level)
            low, high = k.bounds
            lo = ci.lo if low is None or np.isnan(ci.lo) else max(ci.lo, low)
            hi = ci.hi if high is None or np.isnan(ci.hi) else min(ci.hi, high)
            row = {"kpi": k.name, "arm": arm, "mean": ci.mean, "lo": lo, "hi": hi, "n": ci.n,
                   "n_seeds": len(values)}
            if arm != baseline:
                pd_ = paired_difference(values.to_numpy(), base.loc[values.index, k.name].to_numpy(),
                                        k.higher_is_better, level)
                row |= {"diff": pd_.diff.mean, "diff_lo": pd_.diff.lo, "diff_hi": pd_.diff.hi, "n_pairs": pd_.diff.n,
                        "p_better": pd_.p_better, "wins": pd_.wins, "ties": pd_.ties}
            rows.append(row)
    return pd.DataFrame(rows)


def _modal_row(kpi: str, arm: str, values: pd.Series) -> dict:
    """The most common value over seeds (ties go to the lower stage code) and on how many seeds."""
    counts = values.dropna().value_counts()
    if counts.empty:
        return {"kpi": kpi, "arm": arm, "mean": np.nan, "lo": np.nan, "hi": np.nan, "n": 0, "n_seeds": len(values),
                "mode_count": 0}
    mode = min(counts.index[counts == counts.max()])
    return {"kpi": kpi, "arm": arm, "mean": float(mode), "lo": np.nan, "hi": np.nan, "n": int(counts.sum()),
            "n_seeds": len(values), "mode_count": int(counts.max())}


def compare(arms: dict[str, SimConfig], seeds: list[int], baseline: str | None = None, out: Path | None = None,
            jobs: int = 1, level: float = 0.95,
            target: tuple[str, float] | None = None, max_seeds: int = 50, batch: int = 5,
            equal_spend: float | str | None = None,
            levers: dict[str, tuple[str, ...]] | tuple[str, ...] = DEFAULT_LEVERS,
            primary: str = PRIMARY) -> Comparison:
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
        equal_spend: total cost over the run (yuan) every arm is scaled to, "auto" for the costliest
            arm's, None to run the arms as configured.
        levers: spending levers that may be scaled (sim/analysis/spend.py LEVERS), for every arm or
            by arm label.
        primary: the KPI the verdict is about.
    """
    baseline = baseline or next(iter(arms))
    if baseline not in arms:
        raise ConfigError(f"--baseline {baseline!r} is not an arm; arms: {', '.join(arms)}")
    kpis = standard_kpis()
    if target is not None:
        kpi_by_name(target[0], kpis)
    check_primary(primary, kpis)
    fits = []
    if equal_spend is not None:
        arms, fits = equalise(arms, list(seeds), equal_spend, levers, jobs)
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
    return Comparison(arms, baseline, seeds, kpis, kpi_runs, daily, table, fits, primary)


def check_primary(name: str, kpis: tuple[Kpi, ...]) -> Kpi:
    """The verdict's KPI: a known one, with a number per seed (not a stage category)."""
    k = kpi_by_name(name, kpis)
    if k.kind != "number":
        raise ValueError(f"--primary {name}: a stage is a category, with no difference to give a verdict on; "
                         "choose a numeric KPI (e.g. members_final, days_to_MATURE)")
    return k


def _narrow_enough(table: pd.DataFrame, baseline: str, kpi: str, width: float) -> bool:
    rows = table[(table["kpi"] == kpi) & (table["arm"] != baseline)]
    widths = rows["diff_hi"] - rows["diff_lo"]
    return bool(widths.notna().all() and (widths < width).all())


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
    p.add_argument("--equal-spend", metavar="TOTAL|auto",
                   help="hold every arm's total cost over the run at TOTAL yuan (auto: the costliest arm's) by "
                        "scaling its spending levers")
    p.add_argument("--levers", nargs="+", default=[], metavar="[ARM:]LEVER",
                   help="levers --equal-spend may scale, for every arm (LEVER) or one (ARM:LEVER); default: "
                        f"{' '.join(DEFAULT_LEVERS)} (also: events); an arm scales those its policy uses")
    p.add_argument("--primary", default=PRIMARY, help=f"the KPI the verdict is about (default {PRIMARY})")
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
        check_primary(a.primary, standard_kpis())
        equal_spend, levers = parse_spend(a.equal_spend), check_levers(a.levers, labels)
        arms = {}
        for arm in a.arm:
            try:
                arms[arm[0]] = load_config([*a.common, *arm[1:]])
            except ConfigError as exc:
                raise ConfigError(f"--arm {arm[0]}: {exc}") from None
        last = a.first_seed + (max(a.seeds, a.max_seeds) if target is not None else a.seeds) - 1
        check_seeds(next(iter(arms.values())), f"--first-seed {a.first_seed} --seeds {a.seeds}", (a.first_seed, last))
        check_out_folder("--out", a.out)
        c = compare(arms, list(range(a.first_seed, a.first_seed + a.seeds)), a.baseline, a.out, a.jobs, a.level,
                    target, a.max_seeds, a.batch, equal_spend, levers, a.primary)
    except (ConfigError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        sys.exit(EXIT_BAD_INPUT)
    md, page = write_outputs(c, a.out, a.title, a.level)
    primary = kpi_by_name(c.primary, c.kpis)
    print("\n".join(headline(c.table, c.kpi_runs, primary, c.baseline, bool(c.fits) and all(f.reached for f in c.fits),
                              a.level)))
    if c.fits:
        print(spend_table(c.fits).to_string(index=False))
    print(formatted(c).to_string(index=False))
    print(f"seeds: {len(c.seeds)} · report: {page} · {md}")


if __name__ == "__main__":
    main()
