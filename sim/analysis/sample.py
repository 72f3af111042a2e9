"""A space-filling sweep of the parameter box, for emulators and scenario discovery.

`community-sim-sample --param policy.acquisition.budget_per_day=50:300 --param ... --runs 200
--out DIR` draws a Latin hypercube of `--runs` points (scipy.stats.qmc), runs the model in-process
at every point on `--seeds` replicate seeds (each row of the output is one run; its `seed` column
says which) and writes DIR/summary.parquet and summary.csv in community-sim-collect's summary
format: job, seed, one column per swept key, scenario, every standard KPI (sim/analysis/kpis.py)
and the operator KPIs of the run's summary (sim/analysis/collect.py). A Latin hypercube puts
exactly one point in each of `--runs` equal slices of every parameter's range, so even 10 runs per
parameter cover every margin evenly, which a regular grid (runs^(1/k) levels per parameter) or
plain random points (clusters and gaps) do not; that is what a Gaussian-process emulator needs.

Parameters are dotted config keys checked like community-sim-sensitivity's (sim/analysis/
sensitivity.py); integer keys are rounded and the column holds the value that ran. The design and
how it was made go to DIR/provenance.json; DONE is written last. The finished runs are saved every
SAVE_EVERY_S seconds and when the sweep stops for any reason (Ctrl+C included), each file written
whole under a temporary name and renamed; the same command run again into the same folder skips
the runs already saved.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
from joblib import Parallel, delayed
from scipy.stats import qmc

from sim.analysis.checks import check_at_least, check_out_folder
from sim.analysis.collect import operator_row
from sim.analysis.kpis import kpi_row, standard_kpis
from sim.analysis.sensitivity import FAST_OUTPUT, Param, _cast, _lookup, check_params, parse_param
from sim.cli import load_config
from sim.config import ConfigError, SimConfig
from sim.failures import CommandParser
from sim.progress import Progress
from sim.recorder import atomic_save, atomic_write_json, is_done, mark_done, provenance
from sim.runner import run

EXIT_BAD_INPUT = 2
SAVE_EVERY_S = 30.0  # at most this much finished work is lost to a crash or SIGKILL
DESIGN_FILE = "provenance.json"


def latin_hypercube(params: list[Param], runs: int, seed: int) -> np.ndarray:
    """`runs` points (rows) of a Latin hypercube over the parameters' ranges (columns); any
    parameter with `lo` and `hi` (a calibration's Lever too)."""
    unit = qmc.LatinHypercube(d=len(params), seed=seed).random(runs)
    return qmc.scale(unit, [p.lo for p in params], [p.hi for p in params])


def design_table(base: SimConfig, params: list[Param], runs: int, seeds: int, seed: int) -> pd.DataFrame:
    """One row per run: job, seed and the value of every parameter that will run (integers rounded)."""
    defaults = base.to_dict()
    is_int = [isinstance(_lookup(defaults, p.key), int) for p in params]
    points = latin_hypercube(params, runs, seed)
    rows = []
    for i, x in enumerate(points):
        values = {p.key: _cast(v, integer) for p, v, integer in zip(params, x, is_int, strict=True)}
        rows += [{"job": f"point={i:04d}/seed={s}", "seed": s, **values} for s in range(seeds)]
    return pd.DataFrame(rows)


def run_row(base: SimConfig, job: dict, keys: list[str]) -> dict:
    """Run one job of the design in-process; its summary row (collect's columns)."""
    cfg = base.replace(seed=int(job["seed"]), **FAST_OUTPUT, **{k: job[k] for k in keys})
    result = run(cfg)
    row = {**job, "scenario": cfg.scenario, **kpi_row(result.timeseries, standard_kpis())}
    return {**row, **operator_row(result.summary, set(row))}


def sample(base: SimConfig, design: pd.DataFrame, keys: list[str], out: Path, jobs: int = 1,
           done: pd.DataFrame | None = None) -> pd.DataFrame:
    """Run every job of `design` not already in `done`, saving the rows to `out` as they finish.

    Args:
        base: the base config (the scenario and `--common` overrides).
        design: the design table (design_table).
        keys: the swept config keys (columns of `design`).
        out: folder of summary.parquet / summary.csv.
        jobs: runs in parallel (processes).
        done: rows of an earlier, interrupted attempt at the same design.

    Returns:
        The summary, one row per run, in the design's order.
    """
    rows = [] if done is None else done.to_dict("records")
    finished = {r["job"] for r in rows}
    todo = [j for j in design.to_dict("records") if j["job"] not in finished]
    runs = (run_row(base, j, keys) for j in todo) if jobs <= 1 else \
        Parallel(n_jobs=jobs, return_as="generator_unordered")(delayed(run_row)(base, j, keys) for j in todo)
    last = time.monotonic()
    try:
        with Progress(len(todo), "sample", "runs") as progress:
            for row in runs:
                rows.append(row)
                progress.advance()
                if time.monotonic() - last >= SAVE_EVERY_S:
                    save_summary(out, rows, design)
                    last = time.monotonic()
    finally:  # a stop keeps what finished; every file is whole (written under a temporary name)
        summary = save_summary(out, rows, design)
    return summary


def save_summary(out: Path, rows: list[dict], design: pd.DataFrame) -> pd.DataFrame:
    """Write the rows so far as summary.parquet and summary.csv, in the design's order."""
    if not rows:
        return pd.DataFrame()
    order = {job: i for i, job in enumerate(design["job"])}
    summary = pd.DataFrame(rows).sort_values("job", key=lambda s: s.map(order)).reset_index(drop=True)
    out.mkdir(parents=True, exist_ok=True)
    atomic_save(out / "summary.parquet", lambda p: summary.to_parquet(p, index=False))
    atomic_save(out / "summary.csv", lambda p: summary.to_csv(p, index=False))
    return summary


def settings(base: SimConfig, params: list[Param], a) -> dict:
    """What decides the design and its runs: an earlier attempt is resumed only if these match."""
    return {"params": {p.key: [p.lo, p.hi] for p in params}, "runs": a.runs, "seeds": a.seeds,
            "design_seed": a.design_seed, "common": list(a.common), "scenario": base.scenario, "days": base.days}


def earlier_rows(out: Path, wanted: dict) -> pd.DataFrame | None:
    """The rows an interrupted attempt at the same design saved in `out` (None: nothing to resume).

    Raises:
        ConfigError: if `out` holds a different sample, finished or not.
    """
    record, table = out / DESIGN_FILE, out / "summary.parquet"
    if not record.is_file():
        if table.is_file():
            raise ConfigError(f"--out {out}: holds a summary.parquet made by something else; choose another folder")
        return None
    made = json.loads(record.read_text(encoding="utf-8")).get("design")
    if made != wanted:
        raise ConfigError(f"--out {out}: holds a different sample (another design or settings); choose another folder")
    if is_done(out):
        raise ConfigError(f"--out {out}: this sample is already finished (DONE); choose another folder to run again")
    return pd.read_parquet(table) if table.is_file() else None


def main(argv: list[str] | None = None) -> None:
    """`community-sim-sample --param KEY=LO:HI ... --runs N --out DIR`."""
    p = CommandParser(prog="community-sim-sample", description=__doc__.split("\n\n")[1])
    p.add_argument("--param", action="append", required=True, help="KEY=LO:HI (dotted config key)")
    p.add_argument("--runs", type=int, default=200, help="points of the Latin hypercube")
    p.add_argument("--seeds", type=int, default=1, help="replicate runs per point (seeds 0..N-1), one row each")
    p.add_argument("--common", nargs="*", default=[], help="community-sim overrides for the base config")
    p.add_argument("--jobs", type=int, default=1, help="runs in parallel (processes)")
    p.add_argument("--design-seed", type=int, default=0, help="seed of the Latin hypercube")
    p.add_argument("--out", type=Path, default=Path("reports/sample"))
    a = p.parse_args(argv)
    try:
        params = [parse_param(t) for t in a.param]
        for flag, value in (("--runs", a.runs), ("--seeds", a.seeds), ("--jobs", a.jobs)):
            check_at_least(flag, value)
        check_at_least("--design-seed", a.design_seed, 0)
        base = load_config(a.common)
        check_params(base, params)
        check_out_folder("--out", a.out)
        wanted = settings(base, params, a)
        done = earlier_rows(a.out, wanted)
    except (ConfigError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        sys.exit(EXIT_BAD_INPUT)
    design = design_table(base, params, a.runs, a.seeds, a.design_seed)
    a.out.mkdir(parents=True, exist_ok=True)
    record = {**provenance(a.design_seed, {}), "design": wanted}
    atomic_write_json(a.out / DESIGN_FILE, record)
    if done is not None:
        print(f"resuming: {len(done)} of {len(design)} runs already saved in {a.out}", file=sys.stderr)
    start = time.monotonic()
    summary = sample(base, design, [q.key for q in params], a.out, a.jobs, done)
    record["timings"] = {"wall_seconds": round(time.monotonic() - start, 1), "jobs": a.jobs}
    atomic_write_json(a.out / DESIGN_FILE, record)
    mark_done(a.out)
    print(f"sampled {len(summary)} runs ({a.runs} points x {a.seeds} seed{'s' if a.seeds > 1 else ''}) of "
          f"{', '.join(q.key for q in params)}; scenario {base.scenario}, {base.days} days")
    print(f"  {a.out / 'summary.parquet'}")


if __name__ == "__main__":
    main()
