"""Gathering a finished (or half-finished) sweep into one tidy dataset.

`community-sim-collect SWEEP_DIR` finds every job folder under a sweep (a folder with Hydra's
`.hydra/` record or a run's `DONE` marker), keeps the finished ones (`DONE`, see sim/recorder.py)
and writes, into SWEEP_DIR/collected/ unless told otherwise:

    timeseries.parquet   one row per job per day: job, seed, the swept values, every metric
    summary.parquet/.csv one row per job: job, seed, the swept values, every KPI (sim/analysis/kpis.py)
                         and the operator KPIs of the run's summary.json (OPERATOR_KPIS)
    sweep.png            one panel per operator KPI against a swept parameter, one line per value
                         of the others, mean and 95% band over seeds (sim/analysis/sweep_plot.py)

The swept values are the job's command-line overrides (`.hydra/overrides.yaml`) that differ
between jobs, e.g. columns `policy.content.posts_per_week` and `policy.referral`; an override every
job shares is reported as held fixed, not as a column. For folders without Hydra's record, the
config keys whose values differ between jobs. Unfinished jobs are listed, never read.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd
import yaml

from sim.analysis.kpis import kpi_row, standard_kpis
from sim.analysis.names import parameter_name
from sim.analysis.sweep_plot import plot_sweep
from sim.config import ConfigError
from sim.failures import CommandParser
from sim.recorder import atomic_save, is_done

EXIT_BAD_INPUT = 2
NOT_SWEPT = {"seed", "sweep"}  # seed has its own column; `sweep` only names the sweep config
# what an operator asks of a run, as sim/runner.py `summarise` and sim/accounts.py write it to
# summary.json; a key the time-series KPIs already give under the same name is not repeated
OPERATOR_KPIS = ("members_final", "daily_active_recent", "monthly_active_share_recent", "revenue_total_yuan",
                 "margin_total_yuan", "cost_total_yuan", "roi", "payback_day", "cost_per_retained_member_yuan",
                 "stage_final")


@dataclass
class Collected:
    """A sweep as tables, and the job folders that had not finished."""

    timeseries: pd.DataFrame
    summary: pd.DataFrame
    swept: list[str]
    unfinished: list[Path]
    fixed: dict[str, object] = field(default_factory=dict)  # overrides every job shares


def read_summary(path: Path) -> pd.DataFrame:
    """A summary.parquet in this format (community-sim-collect or community-sim-sample).

    Raises:
        ConfigError: one line, if the path is not a .parquet file, is missing or cannot be read.
    """
    if path.suffix != ".parquet":
        raise ConfigError(f"{path}: not a .parquet file; give a summary.parquet (community-sim-sample or -collect)")
    if not path.is_file():
        raise ConfigError(f"{path}: no such file")
    try:
        return pd.read_parquet(path)
    except Exception as exc:  # noqa: BLE001  pyarrow raises several types for a file that is not parquet
        raise ConfigError(f"{path}: not a parquet file ({type(exc).__name__}); community-sim-collect writes "
                          "collected/summary.parquet") from None


def job_dirs(sweep_dir: Path) -> list[Path]:
    """Every job folder under a sweep, finished or not, in a stable order (a `DONE` beside no run
    config is some other tool's marker, not a run folder)."""
    found = {p.parent for p in sweep_dir.rglob("DONE") if (p.parent / "config.yaml").is_file()}
    found |= {p.parent.parent for p in sweep_dir.rglob(".hydra/overrides.yaml")}
    return sorted(found)


def job_overrides(job: Path) -> dict[str, object]:
    """The swept values of one job from its Hydra overrides (group `a/b` becomes column `a.b`)."""
    path = job / ".hydra" / "overrides.yaml"
    if not path.is_file():
        return {}
    values = {}
    for item in yaml.safe_load(path.read_text()) or []:
        key, _, raw = str(item).partition("=")
        key = key.lstrip("+~").replace("/", ".")
        if key in NOT_SWEPT or key.startswith("hydra."):
            continue
        values[key] = yaml.safe_load(raw) if raw else raw
    return values


def operator_kpis(job: Path, have: set[str]) -> dict[str, object]:
    """The operator KPIs of a run's summary.json (none if it has no summary), leaving out `have`.

    `days_to_stage` becomes one column per stage reached, `days_to_GROW`, ...
    """
    path = job / "summary.json"
    if not path.is_file():
        return {}
    return operator_row(json.loads(path.read_text()), have)


def operator_row(summary: dict, have: set[str]) -> dict[str, object]:
    """The operator KPIs of one run's summary (sim/runner.py `summarise`), leaving out `have`."""
    row = {k: summary[k] for k in OPERATOR_KPIS if k in summary and k not in have}
    for stage, day in (summary.get("days_to_stage") or {}).items():
        if f"days_to_{stage}" not in have:
            row[f"days_to_{stage}"] = day
    return row


def flatten(node: dict, prefix: str = "") -> dict[str, object]:
    """Nested config dict -> {"policy.content.posts_per_week": 7.0, ...}."""
    flat = {}
    for key, value in node.items():
        if isinstance(value, dict):
            flat.update(flatten(value, f"{prefix}{key}."))
        else:
            flat[f"{prefix}{key}"] = value
    return flat


def collect(sweep_dir: str | Path) -> Collected:
    """Read every finished job of a sweep into a tidy time series and a per-job summary.

    Args:
        sweep_dir: the sweep's folder (hydra.sweep.dir), or any folder of run folders.

    Raises:
        FileNotFoundError: if the folder does not exist.
    """
    root = Path(sweep_dir)
    if not root.is_dir():
        raise FileNotFoundError(f"no such sweep folder: {root}")
    kpis = standard_kpis()
    frames, rows, configs, unfinished, override_keys = [], [], [], [], set()
    for job in job_dirs(root):
        if not is_done(job):
            unfinished.append(job)
            continue
        cfg = yaml.safe_load((job / "config.yaml").read_text())
        ts = pd.read_parquet(job / "timeseries.parquet")
        overrides = job_overrides(job)
        override_keys.update(overrides)
        ident = {"job": job.relative_to(root).as_posix(), "seed": int(cfg["seed"]), **overrides}
        frames.append(ts.assign(**ident))
        row = {**ident, "scenario": cfg.get("scenario"), **kpi_row(ts, kpis)}
        rows.append({**row, **operator_kpis(job, set(row))})
        configs.append(flatten(cfg))
    if not rows:
        return Collected(pd.DataFrame(), pd.DataFrame(), [], unfinished)
    summary = pd.DataFrame(rows)
    overridden = [c for c in summary.columns if c in override_keys]
    # an override every job shares is a setting of the sweep, not a swept parameter
    fixed = {c: summary[c].iloc[0] for c in overridden if summary[c].astype(str).nunique() == 1}
    summary = summary.drop(columns=list(fixed))
    frames = [f.drop(columns=list(fixed)) for f in frames]
    swept = [c for c in overridden if c not in fixed]
    if not swept and not fixed:  # folders without Hydra's record: the config keys that differ between jobs
        varying = pd.DataFrame(configs).loc[:, lambda d: d.astype(str).nunique() > 1]
        swept = [c for c in varying.columns if c != "seed"]
        summary = pd.concat([summary, varying[swept]], axis=1)
        frames = [f.assign(**varying.iloc[i][swept].to_dict()) for i, f in enumerate(frames)]
    ident_cols = ["job", "seed", *swept]
    timeseries = pd.concat(frames, ignore_index=True)
    timeseries = timeseries[ident_cols + [c for c in timeseries.columns if c not in ident_cols]]
    summary = summary[ident_cols + [c for c in summary.columns if c not in ident_cols]]
    return Collected(timeseries, summary, swept, unfinished, fixed)


def write(collected: Collected, out: Path, x: str | None = None) -> list[Path]:
    """Write the tidy tables (atomically) and the sweep's small multiples; return their paths.

    Args:
        collected: the sweep as tables.
        out: folder to write into.
        x: the swept parameter along the plot's x axis (default: the first numeric one).
    """
    out.mkdir(parents=True, exist_ok=True)
    paths = [out / "timeseries.parquet", out / "summary.parquet", out / "summary.csv"]
    atomic_save(paths[0], lambda p: collected.timeseries.to_parquet(p, index=False))
    atomic_save(paths[1], lambda p: collected.summary.to_parquet(p, index=False))
    atomic_save(paths[2], lambda p: collected.summary.to_csv(p, index=False))
    fig = plot_sweep(collected.summary, collected.swept, x)
    if fig is not None:
        paths.append(out / "sweep.png")
        atomic_save(paths[-1], lambda p: fig.savefig(p, format="png", dpi=110))
        plt.close(fig)
    return paths


def main(argv: list[str] | None = None) -> None:
    """`community-sim-collect SWEEP_DIR [--out DIR]`."""
    parser = CommandParser(
        prog="community-sim-collect",
        description="Gather every finished job of a sweep into tidy parquet tables.",
    )
    parser.add_argument("sweep_dir", type=Path, help="the sweep folder (hydra.sweep.dir)")
    parser.add_argument("--out", type=Path, help="output folder (default: SWEEP_DIR/collected)")
    parser.add_argument("--x", help="swept parameter along the plot's x axis (default: the first numeric one)")
    args = parser.parse_args(argv)
    try:
        collected = collect(args.sweep_dir)
        if args.x is not None and args.x not in collected.swept:
            raise ValueError(f"--x {args.x}: not a swept parameter; swept: {', '.join(collected.swept) or 'nothing'}")
    except (FileNotFoundError, OSError, ValueError, KeyError) as exc:
        _fail(str(exc) if not isinstance(exc, KeyError) else f"a run folder lacks the column {exc}")
    for job in collected.unfinished:
        reason = (job / "FAILED").read_text().strip() if (job / "FAILED").is_file() else "not finished"
        print(f"skipped {job.relative_to(args.sweep_dir)}: {reason}", file=sys.stderr)
    if collected.summary.empty:
        _fail(f"no finished job under {args.sweep_dir} ({len(collected.unfinished)} unfinished)")
    paths = write(collected, args.out or args.sweep_dir / "collected", args.x)
    print(f"collected {len(collected.summary)} finished jobs ({len(collected.unfinished)} unfinished) · "
          f"swept: {', '.join(collected.swept) or 'nothing'} · seeds: {collected.summary['seed'].nunique()}")
    for key in collected.swept:
        print(f"  varied: {key} ({parameter_name(key)}): "
              + ", ".join(map(str, sorted(collected.summary[key].dropna().unique(), key=str))))
    if collected.fixed:
        print("  held fixed: " + " ".join(f"{k}={v}" for k, v in collected.fixed.items()))
    for path in paths:
        print(f"  {path}")


def _fail(message: str) -> None:
    print(f"error: {message}", file=sys.stderr)
    sys.exit(EXIT_BAD_INPUT)


if __name__ == "__main__":
    main()
