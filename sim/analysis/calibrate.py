"""Posterior calibration to a community's observed daily series.

`community-sim-calibrate DATA.csv --param policy.acquisition.p_convert=0.005:0.05 [--param ...]
[--set scenario=knowledge_circle ...] [--design 40] [--replicates 3] [--out DIR]` answers which
values of the chosen parameters (dotted config keys; uniform priors on the ranges) are consistent
with the data, and how sure that is (sim/analysis/posterior.py says how: an emulator of the
simulator's summaries, the simulator's own noise measured from replicate seeds, emcee on top). It
writes posterior.parquet (the draws), design.parquet (every run of the design), intervals
(fitted.json, report.md/.html), a pairwise plot of the posterior (two parameters that trade off
show as a ridge), a posterior predictive band over the observed series (the simulator rerun at
posterior draws), and the verdict: the community at the posterior median run on with all outside
acquisition stopped (sim/validation/sustain.py), self-sustaining or marketing-dependent.

`--check K` instead asks whether those intervals are honest on this data layout: K synthetic truths
from the prior, each fitted (sim/analysis/sbc.py); coverage of the 90% intervals per parameter and
rank histograms. Malformed data or arguments (both ends of every range, the days the runs need,
the output folder, all checked before anything runs or is written): one line on stderr, exit 2.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # calibrations are written on headless machines
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from sim.analysis import posterior as post  # noqa: E402
from sim.analysis import sbc  # noqa: E402
from sim.analysis.checks import check_at_least, check_out_folder, check_range, check_seeds  # noqa: E402
from sim.analysis.observed import ObservedDataError, load_observed  # noqa: E402
from sim.analysis.optimise import Lever, parse_lever  # noqa: E402
from sim.analysis.report import write_report  # noqa: E402
from sim.cli import load_config  # noqa: E402
from sim.config import ConfigError, SimConfig  # noqa: E402
from sim.failures import CommandParser
from sim.recorder import atomic_save, atomic_write_json, mark_done, provenance  # noqa: E402
from sim.validation.sustain import (  # noqa: E402
    WINDOW_DAYS,
    run_with_acquisition_stopped,
    sustain_ratio,
    verdict,
)

EXIT_BAD_INPUT = 2


def sustainability(cfg: SimConfig, stop_day: int, seeds, days_after: int = 90) -> dict[str, object]:
    """Run the fitted community on with outside acquisition stopped after `stop_day`; the verdict."""
    stop_day = max(stop_day, WINDOW_DAYS)
    ratios = [
        sustain_ratio(
            run_with_acquisition_stopped(cfg.replace(seed=s, days=stop_day + days_after), stop_day),
            stop_day,
        )
        for s in seeds
    ]
    ratio = float(np.mean(ratios))
    return {
        "verdict": verdict(ratio),
        "sustain_ratio": ratio,
        "per_seed": ratios,
        "stop_day": stop_day,
        "days_after": days_after,
    }


def plot_posterior(samples: np.ndarray, params: list[Lever], truth: dict[str, float] | None = None):
    """Marginals on the diagonal, pairs below it (a ridge = values that trade off), the prior box as axes."""
    d = len(params)
    fig, axes = plt.subplots(d, d, figsize=(2.6 * d + 0.6, 2.6 * d + 0.4), squeeze=False)
    for i, pi in enumerate(params):
        for j, pj in enumerate(params):
            ax = axes[i, j]
            if j > i:
                ax.axis("off")
                continue
            if i == j:
                ax.hist(samples[:, i], bins=40, range=(pi.lo, pi.hi), color="C0")
                lo, hi = np.quantile(samples[:, i], [0.05, 0.95])
                ax.axvspan(lo, hi, color="C0", alpha=0.15, label="90% credible interval")
                ax.set_yticks([])
            else:
                ax.hist2d(samples[:, j], samples[:, i], bins=40, range=[[pj.lo, pj.hi], [pi.lo, pi.hi]], cmap="Blues")
                if truth:
                    ax.plot(truth[pj.key], truth[pi.key], "r+", ms=12, mew=2)
            if truth and i == j:
                ax.axvline(truth[pi.key], color="r", lw=1.5, label="truth")
            if i == d - 1:
                ax.set_xlabel(pj.key, fontsize=8)
            if j == 0 and i > 0:
                ax.set_ylabel(pi.key, fontsize=8)
            ax.tick_params(labelsize=7)
    axes[0, 0].legend(fontsize=7, loc="upper right")
    fig.suptitle("posterior (prior box = axes)", fontsize=10)
    fig.tight_layout()
    return fig


def plot_predictive(observed: pd.DataFrame, runs: list[pd.DataFrame]):
    """Observed (points) against the 5-95% band and median of runs at posterior draws."""
    cols = list(observed.columns.drop("day"))
    fig, axes = plt.subplots(len(cols), 1, figsize=(7, 2.4 * len(cols)), sharex=True, squeeze=False)
    for ax, col in zip(axes[:, 0], cols, strict=True):
        values = np.array([r[col].to_numpy() for r in runs])
        low, mid, high = np.quantile(values, [0.05, 0.5, 0.95], axis=0)
        ax.fill_between(observed["day"], low, high, color="C0", alpha=0.25, label="90% posterior predictive band")
        ax.plot(observed["day"], mid, "-", color="C0", lw=1, label="median")
        ax.plot(observed["day"], observed[col], ".", ms=3, color="k", label="observed")
        ax.set_ylabel(col)
    axes[0, 0].legend(fontsize=8)
    axes[-1, 0].set_xlabel("day")
    fig.tight_layout()
    return fig


def band_share(observed: pd.DataFrame, runs: list[pd.DataFrame]) -> dict[str, float]:
    """Share of observed days inside the 90% predictive band, per column."""
    out = {}
    for col in observed.columns.drop("day"):
        values = np.array([r[col].to_numpy() for r in runs])
        low, high = np.quantile(values, [0.05, 0.95], axis=0)
        obs = observed[col].to_numpy()
        out[col] = float(np.mean((obs >= low) & (obs <= high)))
    return out


def main(argv: list[str] | None = None) -> None:
    """Entry point of `community-sim-calibrate`."""
    parser = CommandParser(prog="community-sim-calibrate", description=__doc__.split("\n\n")[0])
    parser.add_argument("data", help="CSV of the observed daily series")
    parser.add_argument("--param", action="append", required=True, metavar="KEY=LO:HI",
                        help="parameter to fit, uniform prior on LO:HI (repeat)")
    parser.add_argument("--set", action="append", default=[], metavar="OVERRIDE",
                        help="Hydra override of the base config")
    parser.add_argument("--design", type=int, default=0,
                        help="design points (default 15 per parameter, at least 30)")
    parser.add_argument("--replicates", type=int, default=3,
                        help="runs per design point, each on its own seed: the simulator's noise")
    parser.add_argument("--first-seed", type=int, default=0, help="seed of the design's first run")
    parser.add_argument("--blocks", type=int, default=4, help="blocks of days each column is summarised in")
    parser.add_argument("--steps", type=int, default=1500, help="MCMC steps per walker (a third is burn-in)")
    parser.add_argument("--walkers", type=int, default=32, help="MCMC walkers")
    parser.add_argument("--predictive", type=int, default=20, help="runs at posterior draws for the predictive band")
    parser.add_argument("--check", type=int, default=0, metavar="K",
                        help="instead of fitting DATA: K synthetic truths from the prior, fitted on DATA's days "
                             "and columns, to check the intervals' coverage (simulation-based calibration)")
    parser.add_argument("--verdict-days", type=int, default=90,
                        help="days run on without acquisition for the verdict")
    parser.add_argument("--jobs", type=int, default=1, help="runs in parallel (processes)")
    parser.add_argument("--out", default="outputs/calibration")
    args = parser.parse_args(argv)
    try:
        observed = load_observed(args.data)
        params = [parse_lever(text) for text in args.param]
        for p in params:
            if p.choices:
                raise ConfigError(f"--param {p.text}: write KEY=LO:HI (or KEY=LO:HI:int); choices cannot be fitted")
        keys = [p.key for p in params]
        if len(set(keys)) < len(keys):
            raise ConfigError(f"--param: {max(keys, key=keys.count)} is given twice")
        base = load_config(args.set)
        for p in params:  # a key that does not exist, or a range end the schema refuses, stops here
            check_range(base, f"--param {p.text}", p.key, p.lo, p.hi, p.integer)
        args.design = args.design or max(30, 15 * len(params))
        check_at_least("--design", args.design, 10 * len(params))
        check_at_least("--replicates", args.replicates, 2)
        check_at_least("--blocks", args.blocks, 1)
        check_at_least("--steps", args.steps, 300)
        check_at_least("--walkers", args.walkers, 2 * len(params) + 2)
        check_at_least("--predictive", args.predictive, 5)
        check_at_least("--jobs", args.jobs)
        check_seeds(base, "--first-seed", [args.first_seed, args.first_seed + args.design * args.replicates])
        if args.check and args.check < 10:
            raise ConfigError(f"--check {args.check}: need at least 10 truths for a coverage figure (50 resolve 80-98%)")
        if args.verdict_days < 28:  # the verdict compares the last 4 weeks with the 4 before the stop
            raise ConfigError(f"--verdict-days = {args.verdict_days}: need at least 28")
        last = int(observed["day"].iloc[-1])
        if last < 2:
            raise ConfigError(f"{args.data}: the data end on day {last}; need at least 2 days after day 0")
        try:
            base.replace(days=max(last, WINDOW_DAYS) + args.verdict_days)  # the verdict's run is the longest
        except ConfigError as exc:
            raise ConfigError(
                f"--verdict-days {args.verdict_days}: {args.data} runs to day {last}, and then "
                f"{args.verdict_days} more days: {exc}"
            ) from None
        check_out_folder("--out", args.out)
    except (ObservedDataError, ConfigError) as exc:
        print(f"community-sim-calibrate: {str(exc).replace('--lever', '--param')}", file=sys.stderr)
        raise SystemExit(EXIT_BAD_INPUT) from None
    base = base.replace(days=int(observed["day"].iloc[-1]), **post.FAST_OUTPUT)
    out = (write_check if args.check else write_calibration)(base, observed, params, args)
    fitted = json.loads((out / ("check.json" if args.check else "fitted.json")).read_text())
    if args.check:
        for key, c in fitted["coverage"].items():
            print(f"{key}: 90% intervals held the truth in {c['hits']} of {c['truths']} ({c['covered']:.0%}; "
                  f"95% CI {c['ci_low']:.0%}-{c['ci_high']:.0%}); ranks uniform p = {c['uniform_p']:.2f}")
        print(f"outputs: {out}")
        return
    for key, s in fitted["parameters"].items():
        print(f"{key}: median {s['median']:.4g}, 90% credible interval {s['low']:.4g}-{s['high']:.4g} "
              f"(prior {s['prior_low']:.4g}-{s['prior_high']:.4g})")
    for pair, r in fitted["correlations"].items():
        if abs(r) >= 0.5:
            print(f"ridge: {pair} correlation {r:+.2f} (the data fix a combination, not each)")
    v = fitted["verdict"]
    print(f"emulator held-out R² {min(fitted['emulator_r2'].values()):.2f}-{max(fitted['emulator_r2'].values()):.2f} · "
          f"verdict: {v['verdict']} (DAU ratio {v['sustain_ratio']:.2f} {v['days_after']} days after acquisition "
          f"stops) · outputs: {out}")


def prepare(base: SimConfig, observed: pd.DataFrame, params: list[Lever], args):
    """The design, its emulator and the data layout (days, columns, blocks)."""
    days = observed["day"].to_numpy()
    columns = list(observed.columns.drop("day"))
    blocks = post.block_edges(days, args.blocks)
    design = post.build_design(base, params, days, columns, blocks, args.design, args.replicates,
                               args.first_seed, 0, args.jobs)
    return post.Calibrator.from_design(design), days, columns, blocks


def how_made(out: Path, args, started: float) -> None:
    """provenance.json: the arguments, versions, source commit and time taken."""
    made = provenance(args.first_seed, {"seconds": round(time.monotonic() - started, 1)})
    atomic_write_json(out / "provenance.json", {**made, "arguments": vars(args)})


def emulator_table(calibrator) -> pd.DataFrame:
    return pd.DataFrame({"summary": calibrator.design.names, "held-out R²": [f"{r:.3f}" for r in calibrator.r2]})


def write_calibration(base: SimConfig, observed: pd.DataFrame, params: list[Lever], args) -> Path:
    """Fit, then write posterior.parquet, design.parquet, fitted.json, the plots and the report."""
    out, started = Path(args.out), time.monotonic()
    out.mkdir(parents=True, exist_ok=True)
    calibrator, days, columns, blocks = prepare(base, observed, params, args)
    summary = post.summarise(observed, columns, blocks)
    posterior = calibrator.fit(summary, args.walkers, args.steps)
    fitted = post.intervals(posterior.samples, params)
    median = np.array([fitted[p.key]["median"] for p in params])
    draws = posterior.samples[np.random.default_rng(0).choice(len(posterior.samples), args.predictive, replace=False)]
    predictive_seed = args.first_seed + args.design * args.replicates  # past every design seed
    runs = post.run_many([post.config_at(base, params, t, predictive_seed + i) for i, t in enumerate(draws)],
                         days, columns, "calibrate: predictive", args.jobs)
    verdict = sustainability(post.config_at(base, params, median, 0), int(days[-1]), [0, 1, 2], args.verdict_days)
    result = {
        "data": str(args.data),
        "columns": columns,
        "design": {"points": args.design, "replicates": args.replicates, "first_seed": args.first_seed},
        "parameters": fitted,
        "correlations": post.correlations(posterior.samples, params),
        "emulator_r2": dict(zip(calibrator.design.names, map(float, calibrator.r2), strict=True)),
        "mcmc": {"walkers": args.walkers, "steps": args.steps, "acceptance": posterior.acceptance,
                 "autocorrelation_steps": posterior.autocorr.tolist(), "draws": len(posterior.samples)},
        "predictive_band_share": band_share(observed, runs),
        "verdict": verdict,
    }
    atomic_save(out / "posterior.parquet",
                lambda p: pd.DataFrame(posterior.samples, columns=[q.key for q in params]).to_parquet(p, index=False))
    atomic_save(out / "design.parquet", lambda p: calibrator.design.frame().to_parquet(p, index=False))
    table = pd.DataFrame([
        {"parameter": k, "median": f"{s['median']:.4g}", "90% credible interval": f"{s['low']:.4g} - {s['high']:.4g}",
         "sd": f"{s['sd']:.2g}", "prior": f"{s['prior_low']:.4g} - {s['prior_high']:.4g}"}
        for k, s in fitted.items()])
    ridge = [f"{pair}: posterior correlation {r:+.2f}" for pair, r in result["correlations"].items()]
    write_report(
        out, "Posterior calibration",
        [f"Data: `{args.data}` ({len(observed)} days; {', '.join(columns)}), each column summarised as "
         f"log(1 + mean) over {len(blocks)} blocks of days.",
         f"Design: {args.design} Latin-hypercube points × {args.replicates} runs each (own seeds, from "
         f"{args.first_seed}); Gaussian-process emulator, held-out R² {np.nanmin(calibrator.r2):.3f}-"
         f"{np.nanmax(calibrator.r2):.3f} (5-fold); emcee {args.walkers} walkers × {args.steps} steps, "
         f"acceptance {posterior.acceptance:.2f}, autocorrelation {np.max(posterior.autocorr):.0f} steps."],
        table,
        {"posterior": plot_posterior(posterior.samples, params), "predictive": plot_predictive(observed, runs)},
        [*ridge,
         "Observed days inside the 90% posterior predictive band: "
         + ", ".join(f"{c} {v:.0%}" for c, v in result["predictive_band_share"].items()) + ".",
         f"Verdict at the posterior median: **{verdict['verdict']}** (daily active users {verdict['days_after']} days "
         f"after all outside acquisition stops / before: {verdict['sustain_ratio']:.2f}; threshold 0.5).",
         "How honest are these intervals? `--check K` on the same data answers (docs/validation.md)."],
        tables=[("Emulator, held out", emulator_table(calibrator))],
    )
    atomic_write_json(out / "fitted.json", result)
    how_made(out, args, started)
    mark_done(out)
    return out


def write_check(base: SimConfig, observed: pd.DataFrame, params: list[Lever], args) -> Path:
    """Simulation-based calibration on the data's layout: check.csv, check.json, ranks.png, report."""
    out, started = Path(args.out), time.monotonic()
    out.mkdir(parents=True, exist_ok=True)
    calibrator, days, columns, blocks = prepare(base, observed, params, args)
    result = sbc.check(calibrator, base, days, columns, blocks, args.check, 0, args.walkers, args.steps, args.jobs)
    coverage = result.coverage()
    atomic_save(out / "check.csv", lambda p: result.table.to_csv(p, index=False))
    table = pd.DataFrame([
        {"parameter": k, "truths in their 90% interval": f"{c['hits']} of {c['truths']} ({c['covered']:.0%})",
         "95% CI of that share": f"{c['ci_low']:.0%} - {c['ci_high']:.0%}",
         "within 80-98%": "yes" if 0.80 <= c["covered"] <= 0.98 else "no",
         "ranks uniform (χ² p)": f"{c['uniform_p']:.2f}"}
        for k, c in coverage.items()])
    write_report(
        out, "Are the calibration's intervals honest? (simulation-based calibration)",
        [f"{args.check} truths drawn from the prior, each run once on its own seed, summarised on the days and "
         f"columns of `{args.data}` ({', '.join(columns)}) and fitted on one emulator ({args.design} points × "
         f"{args.replicates} runs; held-out R² {np.nanmin(calibrator.r2):.3f}-{np.nanmax(calibrator.r2):.3f})."],
        table, {"ranks": sbc.plot_ranks(result)},
        ["An honest fit puts the truth's rank anywhere among the posterior draws with equal chance (a flat "
         "histogram). A hump in the middle means intervals too wide; a U means too narrow (overconfident); a "
         "slope means a bias.", "Acceptance band: 80-98% of truths inside their 90% interval, per parameter."],
    )
    atomic_write_json(out / "check.json", {"truths": args.check, "coverage": coverage,
                                           "design": {"points": args.design, "replicates": args.replicates},
                                           "emulator_r2_min": float(np.nanmin(calibrator.r2))})
    how_made(out, args, started)
    mark_done(out)
    return out


if __name__ == "__main__":
    main()
