"""Calibration to a community's observed daily series with Optuna.

`community-sim-calibrate DATA.csv --param policy.referral.p_invite_per_day=0.01:0.1 [--param ...]
[--set scenario=knowledge_circle ...] [--seeds 0 1 2] [--trials 40] [--out DIR]` searches the
chosen parameters (dotted config keys with ranges) for the values whose simulated series, averaged
over the seeds (common random numbers: every trial runs the same seeds), come closest to the data
(sim/analysis/observed.py says what the CSV may hold). The loss is the mean over the observed
columns of the root-mean-square error divided by the column's mean (so members and daily posts
weigh alike). Uncertainty: the spread (mean, sd, min-max) of each parameter over the best trials
(the best 10%, at least 3), i.e. the values the data cannot tell apart from the best. Verdict: the
fitted community is run on with all outside acquisition stopped after the last observed day
(sim/validation/sustain.py): self-sustaining or marketing-dependent. Writes fitted.json,
trials.csv, fit.png and report.md, and marks the folder done last. Malformed data or arguments
(both ends of every range, the seeds, the days the runs need, the output folder, all checked
before anything runs or is written): one line on stderr and exit status 2.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # calibrations are written on headless machines
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import optuna  # noqa: E402
import pandas as pd  # noqa: E402

from sim.analysis.checks import check_at_least, check_out_folder, check_range, check_seeds  # noqa: E402
from sim.analysis.observed import ObservedDataError, load_observed, simulated_series  # noqa: E402
from sim.analysis.optimise import Lever, parse_lever  # noqa: E402
from sim.cli import load_config  # noqa: E402
from sim.config import ConfigError, SimConfig  # noqa: E402
from sim.failures import CommandParser
from sim.progress import Progress  # noqa: E402
from sim.recorder import atomic_save, atomic_write_json, atomic_write_text, mark_done  # noqa: E402
from sim.runner import run  # noqa: E402
from sim.validation.sustain import (  # noqa: E402
    WINDOW_DAYS,
    run_with_acquisition_stopped,
    sustain_ratio,
    verdict,
)

EXIT_BAD_INPUT = 2


def fit_loss(observed: pd.DataFrame, simulated: pd.DataFrame) -> float:
    """Mean over columns of RMSE / mean of the observed column."""
    losses = []
    for col in observed.columns.drop("day"):
        obs, sim = observed[col].to_numpy(), simulated[col].to_numpy()
        losses.append(np.sqrt(np.mean((sim - obs) ** 2)) / max(np.mean(obs), 1.0))
    return float(np.mean(losses))


def simulate(cfg: SimConfig, observed: pd.DataFrame, seeds) -> pd.DataFrame:
    """Mean simulated series over `seeds` on the observed days."""
    cols = list(observed.columns.drop("day"))
    runs = [
        simulated_series(run(cfg.replace(seed=s)).timeseries, observed["day"].to_numpy(), cols)
        for s in seeds
    ]
    return pd.concat(runs).groupby("day", as_index=False).mean()


def calibrate(
    base: SimConfig,
    observed: pd.DataFrame,
    params: list[Lever],
    seeds=(0, 1, 2),
    trials: int = 40,
    sampler_seed: int = 0,
):
    """Run the Optuna study; returns (study, fitted) where fitted maps each key to its summary."""
    base = base.replace(
        days=int(observed["day"].iloc[-1]), **{"output.plots": False, "output.csv": False}
    )

    def objective(trial) -> float:
        values = {
            p.key: (
                trial.suggest_int(p.key, int(p.lo), int(p.hi))
                if p.integer
                else trial.suggest_float(p.key, p.lo, p.hi)
            )
            for p in params
        }
        return fit_loss(observed, simulate(base.replace(**values), observed, seeds))

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    study = optuna.create_study(
        direction="minimize",
        sampler=optuna.samplers.TPESampler(seed=sampler_seed, n_startup_trials=max(3, trials // 4)),
    )
    with Progress(trials, "calibrate", f"trials of {len(seeds)} run{'s' if len(seeds) > 1 else ''}") as progress:
        study.optimize(objective, n_trials=trials, callbacks=[lambda *_: progress.advance()])
    return study, summarise_fit(study, params)


def summarise_fit(study, params: list[Lever]) -> dict[str, dict[str, float]]:
    """Best value and the spread over the best 10% of trials (at least 3) for each parameter."""
    done = sorted((t for t in study.trials if t.value is not None), key=lambda t: t.value)
    top = done[: max(3, len(done) // 10)]
    out = {}
    for p in params:
        v = np.array([t.params[p.key] for t in top], dtype=float)
        out[p.key] = {
            "best": float(study.best_params[p.key]),
            "mean_top": float(v.mean()),
            "sd_top": float(v.std(ddof=1)) if len(v) > 1 else 0.0,
            "low_top": float(v.min()),
            "high_top": float(v.max()),
            "n_top": len(v),
        }
    return out


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


def plot_fit(observed: pd.DataFrame, simulated: pd.DataFrame, path: Path) -> None:
    """Observed (points) against the fitted simulation (line), one panel per column."""
    cols = list(observed.columns.drop("day"))
    fig, axes = plt.subplots(len(cols), 1, figsize=(7, 2.4 * len(cols)), sharex=True, squeeze=False)
    for ax, col in zip(axes[:, 0], cols, strict=True):
        ax.plot(observed["day"], observed[col], ".", ms=3, color="k", label="observed")
        ax.plot(
            simulated["day"],
            simulated[col],
            "-",
            color="C0",
            label="fitted simulation (mean over seeds)",
        )
        ax.set_ylabel(col)
    axes[0, 0].legend(fontsize=8)
    axes[-1, 0].set_xlabel("day")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def main(argv: list[str] | None = None) -> None:
    """Entry point of `community-sim-calibrate`."""
    parser = CommandParser(
        prog="community-sim-calibrate", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("data", help="CSV of the observed daily series")
    parser.add_argument(
        "--param",
        action="append",
        required=True,
        metavar="KEY=LO:HI",
        help="parameter to fit (repeat)",
    )
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="OVERRIDE",
        help="Hydra override of the base config",
    )
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--trials", type=int, default=40)
    parser.add_argument(
        "--verdict-days",
        type=int,
        default=90,
        help="days run on without acquisition for the verdict",
    )
    parser.add_argument("--out", default="outputs/calibration")
    args = parser.parse_args(argv)
    try:
        observed = load_observed(args.data)
        params = [parse_lever(text) for text in args.param]
        for p in params:
            if p.choices:
                raise ConfigError(
                    f"--param {p.text}: write KEY=LO:HI (or KEY=LO:HI:int); choices cannot be fitted"
                )
        base = load_config(args.set)
        for p in params:  # a key that does not exist, or a range end the schema refuses, stops here
            check_range(base, f"--param {p.text}", p.key, p.lo, p.hi, p.integer)
        check_at_least("--trials", args.trials)
        check_seeds(base, "--seeds", args.seeds)
        if (
            args.verdict_days < 28
        ):  # the verdict compares the last 4 weeks with the 4 before the stop
            raise ConfigError(f"--verdict-days = {args.verdict_days}: need at least 28")
        last = int(observed["day"].iloc[-1])
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
    out = write_calibration(base, observed, params, args)
    fitted = json.loads((out / "fitted.json").read_text())
    for key, s in fitted["parameters"].items():
        print(
            f"{key} = {s['best']:.4g}  (best {s['n_top']} trials: {s['mean_top']:.4g} ± {s['sd_top']:.2g}, "
            f"{s['low_top']:.4g}-{s['high_top']:.4g})"
        )
    v = fitted["verdict"]
    print(
        f"loss {fitted['loss']:.4f} · verdict: {v['verdict']} (DAU ratio {v['sustain_ratio']:.2f} "
        f"{v['days_after']} days after acquisition stops) · outputs: {out}"
    )


def write_calibration(base: SimConfig, observed: pd.DataFrame, params: list[Lever], args) -> Path:
    """Calibrate, then write fitted.json, trials.csv, fit.png and report.md; mark done last."""
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    study, fitted = calibrate(base, observed, params, args.seeds, args.trials)
    best_cfg = base.replace(
        days=int(observed["day"].iloc[-1]), **{k: s["best"] for k, s in fitted.items()}
    )
    simulated = simulate(best_cfg, observed, args.seeds)
    verdict = sustainability(best_cfg, int(observed["day"].iloc[-1]), args.seeds, args.verdict_days)
    result = {
        "data": str(args.data),
        "columns": list(observed.columns.drop("day")),
        "seeds": list(args.seeds),
        "trials": len(study.trials),
        "loss": float(study.best_value),
        "parameters": fitted,
        "verdict": verdict,
    }
    trials = study.trials_dataframe(attrs=("number", "value", "params"))
    atomic_save(out / "trials.csv", lambda p: trials.to_csv(p, index=False))
    atomic_save(out / "fit.png", lambda p: plot_fit(observed, simulated, p))
    atomic_write_json(out / "fitted.json", result)
    lines = [
        "# Calibration",
        "",
        f"Data: `{args.data}` ({len(observed)} days; {', '.join(result['columns'])}); "
        f"{len(study.trials)} trials × seeds {list(args.seeds)}; loss {result['loss']:.4f}",
        "",
        "| parameter | best | mean of best trials | sd | range of best trials |",
        "|---|---|---|---|---|",
    ]
    lines += [
        f"| {k} | {s['best']:.4g} | {s['mean_top']:.4g} | {s['sd_top']:.2g} | {s['low_top']:.4g}-{s['high_top']:.4g} |"
        for k, s in fitted.items()
    ]
    lines += [
        "",
        f"Verdict: **{verdict['verdict']}** (daily active users {verdict['days_after']} days after all outside "
        f"acquisition stops / before: {verdict['sustain_ratio']:.2f}; threshold 0.5)",
        "",
        "![fit](fit.png)",
    ]
    atomic_write_text(out / "report.md", "\n".join(lines) + "\n")
    mark_done(out)
    return out


if __name__ == "__main__":
    main()
