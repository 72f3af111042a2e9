"""Global sensitivity analysis of a KPI to named parameters (Morris screening, Sobol indices).

`community-sim-sensitivity --param member.p_churn_max_per_day=0.01:0.05 --param ... --kpi
days_to_ACTIVE --method morris` samples the parameter box with SALib, runs the model at every point
(averaged over the same replicate seeds everywhere, common random numbers) and writes the indices
as a table (indices.csv, report.md/.html) and a plot. Parameters are dotted config keys; integer
keys are rounded. Both ends of every range are checked against the schema before the first run
(and reported as typed). A days-to-stage KPI that a run never reaches counts as days + 1 (censored at the
horizon), so "never within the horizon" ranks as slowest instead of vanishing.

`community-sim-sensitivity --emulator DIR --kpi members_final` computes Sobol indices on the mean
prediction of an emulator community-sim-emulate trained (sim/analysis/emulator.py) over its input
box, with N = 8192 base samples by default (57,344 predictions for five inputs, seconds instead of
days of simulation), so the intervals are tight; the report states the emulator's held-out error.
An emulator marked unusable, or a KPI it was not trained on, is refused.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from joblib import Parallel, delayed
from SALib.analyze import morris as morris_analysis
from SALib.analyze import sobol as sobol_analysis
from SALib.sample import morris as morris_sampling
from SALib.sample import sobol as sobol_sampling

from sim.analysis.checks import check_at_least, check_out_folder
from sim.analysis.emulator import load_emulator
from sim.analysis.kpis import kpi_by_name, standard_kpis
from sim.analysis.report import fmt, write_report
from sim.cli import load_config
from sim.config import ConfigError, SimConfig
from sim.failures import CommandParser
from sim.progress import track
from sim.runner import run

EXIT_BAD_INPUT = 2
FAST_OUTPUT = {"output.plots": False, "output.csv": False}
EMULATOR_N = 8192  # Sobol base samples on an emulator: intervals of about +-0.01-0.02 on a smooth function


@dataclass(frozen=True)
class Param:
    """One parameter of the analysis: a dotted config key and its range."""

    key: str
    lo: float
    hi: float
    text: str = field(default="", compare=False)  # as the user wrote it, for messages


def parse_param(text: str) -> Param:
    """'member.p_churn_max_per_day=0.01:0.05' -> Param."""
    key, sep, rng = text.partition("=")
    lo, colon, hi = rng.partition(":")
    try:
        param = Param(key.strip(), float(lo), float(hi), text=text)
    except ValueError:
        param = None
    if not sep or not colon or param is None or not param.lo < param.hi:
        raise ConfigError(f"--param {text!r}: write KEY=LO:HI with LO < HI, e.g. policy.referral.p_accept=0.1:0.4")
    return param


def problem(params: list[Param]) -> dict:
    """The SALib problem definition."""
    return {"num_vars": len(params), "names": [p.key for p in params], "bounds": [[p.lo, p.hi] for p in params]}


def model_evaluator(base: SimConfig, params: list[Param], kpi: str, seeds: list[int], jobs: int = 1) -> Callable:
    """A function X (points x params) -> KPI per point, the mean over `seeds` of the simulated KPI."""
    k = kpi_by_name(kpi, standard_kpis())
    defaults = base.to_dict()
    is_int = [isinstance(_lookup(defaults, p.key), int) for p in params]
    check_params(base, params)

    def one_point(x) -> float:
        changes = {p.key: _cast(v, i) for p, v, i in zip(params, x, is_int, strict=True)}
        values = []
        for seed in seeds:
            cfg = base.replace(seed=seed, **FAST_OUTPUT, **changes)
            value = k.read(run(cfg).timeseries)
            if np.isnan(value) and k.name.startswith("days_to_"):
                value = cfg.days + 1.0  # never reached within the horizon: censored at days + 1
            values.append(value)
        return float(np.mean(values))

    def evaluate(X: np.ndarray) -> np.ndarray:
        points = (one_point(x) for x in X) if jobs <= 1 else \
            Parallel(n_jobs=jobs, return_as="generator")(delayed(one_point)(x) for x in X)
        unit = f"points of {len(seeds)} run{'s' if len(seeds) > 1 else ''}"
        return np.array(list(track(points, len(X), "sensitivity", unit)))

    return evaluate


def check_params(base: SimConfig, params: list[Param]) -> None:
    """Refuse, before the first run, a key that is not a number or a range whose lower or upper
    end the schema refuses, naming the range as the user wrote it (never a sampled value)."""
    keys = [p.key for p in params]
    for p in params:
        what = f"--param {p.text or f'{p.key}={p.lo:g}:{p.hi:g}'}"
        if keys.count(p.key) > 1:
            raise ConfigError(f"{what}: {p.key} is given twice; one range per key")
        try:
            is_int = isinstance(_lookup(base.to_dict(), p.key), int)
            for end in (p.lo, p.hi):
                base.replace(**{p.key: _cast(end, is_int)})
        except ConfigError as exc:
            raise ConfigError(f"{what}: {str(exc).removeprefix(f'--param {p.key}: ')}") from None


def _lookup(tree: dict, dotted: str):
    node = tree
    for part in dotted.split("."):
        if not isinstance(node, dict) or part not in node:
            raise ConfigError(f"--param {dotted}: no such config key")
        node = node[part]
    if isinstance(node, bool) or not isinstance(node, (int, float)):
        raise ConfigError(f"--param {dotted}: not a number (is {node!r})")
    return node


def _cast(value: float, is_int: bool):
    return int(round(value)) if is_int else float(value)


def bootstrap_seed(seed: int) -> int:
    """The seed of Sobol's bootstrap intervals: SALib's sobol.analyze reads a seed of 0 as no seed
    (`if seed:`), which made the intervals differ between identical runs; never 0."""
    return seed + 1


def analyse(params: list[Param], evaluate: Callable, method: str = "morris", n: int = 10, seed: int = 0):
    """Sample, evaluate and analyse; returns (indices table sorted by importance, samples table).

    Args:
        params: the parameters and their ranges.
        evaluate: X (points x params) -> one KPI value per point.
        method: "morris" (n trajectories; k+1 runs each) or "sobol" (n base samples, a power of 2;
            n * (k + 2) runs, first-order and total indices).
        n: trajectories (Morris) or base samples (Sobol).
        seed: seed of the sampling design.
    """
    prob = problem(params)
    if method == "morris":
        X = morris_sampling.sample(prob, n, num_levels=4, seed=seed)
        Y = evaluate(X)
        si = morris_analysis.analyze(prob, X, Y, num_levels=4, seed=seed)
        table = pd.DataFrame({"parameter": prob["names"], "mu_star": si["mu_star"], "mu_star_conf": si["mu_star_conf"],
                              "mu": si["mu"], "sigma": si["sigma"]}).sort_values("mu_star", ascending=False)
    elif method == "sobol":
        if n & (n - 1):
            raise ConfigError(f"--n {n}: Sobol needs a power of 2 base samples (e.g. 16, 32, 64)")
        X = sobol_sampling.sample(prob, n, calc_second_order=False, seed=seed)
        Y = evaluate(X)
        si = sobol_analysis.analyze(prob, Y, calc_second_order=False, seed=bootstrap_seed(seed))
        table = pd.DataFrame({"parameter": prob["names"], "ST": si["ST"], "ST_conf": si["ST_conf"], "S1": si["S1"],
                              "S1_conf": si["S1_conf"]}).sort_values("ST", ascending=False)
    else:
        raise ConfigError(f"--method {method!r}: choose morris or sobol")
    samples = pd.DataFrame(X, columns=prob["names"]).assign(kpi=Y)
    return table.reset_index(drop=True), samples


SOBOL_MAX_HALF_WIDTH = 0.1  # a 95% interval wider than +-0.1 of the variance cannot rank the indices
SOBOL_TARGET_HALF_WIDTH = 0.05  # what the recommended sample size aims for


def sobol_warnings(table: pd.DataFrame, n: int) -> list[str]:
    """Why a Sobol table is not to be trusted yet (empty when it is): intervals too wide to rank
    the indices, a first-order index above the total beyond noise, a negative index beyond noise,
    and the base sample size that would bring the widest interval to +-0.05 (the interval's width
    falls as 1 / sqrt(n))."""
    notes = []
    widest = float(np.nanmax(np.r_[table["S1_conf"], table["ST_conf"]]))
    if widest > SOBOL_MAX_HALF_WIDTH:
        notes.append(f"the 95% intervals reach +-{widest:.2f}, too wide to rank the parameters "
                     f"(the indices are shares of the variance, 0 to 1)")
    noise = np.sqrt(table["S1_conf"] ** 2 + table["ST_conf"] ** 2)
    above = table[table["S1"] - table["ST"] > noise]
    if len(above):
        notes.append("S1 > ST beyond noise for " + ", ".join(above["parameter"])
                     + " (impossible for exact indices: a sign of too few samples)")
    negative = table[table["S1"] + table["S1_conf"] < 0]
    if len(negative):
        notes.append("S1 below 0 beyond noise for " + ", ".join(negative["parameter"]))
    if notes:
        needed = n * (widest / SOBOL_TARGET_HALF_WIDTH) ** 2
        recommended = 1 << int(np.ceil(np.log2(max(needed, 2 * n))))
        notes.append(f"run with --n {recommended} or more (now {n})")
    return notes


def plot_indices(table: pd.DataFrame, kpi: str):
    """Bar chart of the indices with their confidence half-widths (most important on top)."""
    t = table.iloc[::-1]
    fig, ax = plt.subplots(figsize=(8, 0.5 * len(t) + 1.5), constrained_layout=True)
    y = np.arange(len(t))
    if "mu_star" in t:
        ax.barh(y, t["mu_star"], xerr=t["mu_star_conf"], color="C0", capsize=3, label="μ* (mean |elementary effect|)")
        ax.plot(t["sigma"], y, "o", color="C3", label="σ (interactions / non-linearity)")
        ax.set_xlabel(f"effect on {kpi} over each parameter's range")
    else:
        ax.barh(y + 0.2, t["ST"], 0.4, xerr=t["ST_conf"], color="C0", capsize=3, label="total index ST")
        ax.barh(y - 0.2, t["S1"], 0.4, xerr=t["S1_conf"], color="C1", capsize=3, label="first-order index S1")
        ax.set_xlabel(f"share of the variance of {kpi}")
    ax.set_yticks(y, t["parameter"])
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3, axis="x")
    return fig


def emulated_problem(folder: Path, kpi: str):
    """What community-sim-sensitivity --emulator analyses: the emulator's input box as parameters,
    its mean prediction of `kpi` as the function, and a sentence on its held-out accuracy.

    Raises:
        ConfigError: as load_emulator.
    """
    emulator, record = load_emulator(folder, kpi)
    params = [Param(key, float(lo), float(hi)) for key, lo, hi in zip(emulator.inputs, emulator.lo, emulator.hi, strict=True)]
    r = record["kpis"][kpi]
    accuracy = (f"The function analysed is the Gaussian-process emulator in `{folder}` (its mean prediction), trained "
                f"on {record['runs']} runs of `{record['summary']}`"
                + (" (on log " + kpi + ")" if r["log"] else "")
                + f". Held-out ({record['folds']}-fold cross-validation): R² {r['r2']:.3f}, RMSE {fmt(r['rmse'])} "
                f"(the KPI's sd over the runs: {fmt(r['kpi_sd'])}), {r['coverage_90']:.0%} of held-out runs inside "
                "the 90% predictive interval. The indices' intervals are the sampling error of the Sobol design on "
                "the emulator only; the emulator's own error (1 - R² of the variance) is not in them.")
    return params, (lambda X: emulator.predict(kpi, X)), accuracy


def main(argv: list[str] | None = None) -> None:
    """`community-sim-sensitivity --param KEY=LO:HI ... --kpi NAME [--method morris|sobol]`."""
    p = CommandParser(prog="community-sim-sensitivity", description=__doc__.split("\n\n")[1])
    p.add_argument("--param", action="append", help="KEY=LO:HI (dotted config key)")
    p.add_argument("--kpi", default="members_final", help="KPI name (see sim/analysis/kpis.py)")
    p.add_argument("--method", choices=("morris", "sobol"), help="morris (default), or sobol (with --emulator: sobol)")
    p.add_argument("--n", type=int, help="Morris trajectories (10) / Sobol base samples, a power of 2 "
                   f"(10; with --emulator {EMULATOR_N})")
    p.add_argument("--emulator", type=Path, help="Sobol indices of an emulator's prediction (community-sim-emulate --out)")
    p.add_argument("--seeds", type=int, default=2, help="replicate seeds averaged at every point")
    p.add_argument("--common", nargs="*", default=[], help="community-sim overrides for the base config")
    p.add_argument("--jobs", type=int, default=1, help="points run in parallel (processes)")
    p.add_argument("--design-seed", type=int, default=0, help="seed of the sampling design")
    p.add_argument("--out", type=Path, default=Path("reports/sensitivity"))
    a = p.parse_args(argv)
    if a.emulator is not None:
        emulated(a)
        return
    a.method, a.n = a.method or "morris", a.n if a.n is not None else 10
    try:
        if not a.param:
            raise ConfigError("give the parameters, --param KEY=LO:HI ..., or --emulator DIR")
        params = [parse_param(t) for t in a.param]
        kpi_by_name(a.kpi, standard_kpis())
        for flag, value in (("--n", a.n), ("--seeds", a.seeds), ("--jobs", a.jobs)):
            check_at_least(flag, value)
        check_at_least("--design-seed", a.design_seed, 0)
        if a.method == "sobol" and a.n & (a.n - 1):
            raise ConfigError(f"--n {a.n}: Sobol needs a power of 2 base samples (e.g. 16, 32, 64)")
        base = load_config(a.common)
        check_params(base, params)
        check_out_folder("--out", a.out)
        evaluate = model_evaluator(base, params, a.kpi, list(range(a.seeds)), a.jobs)
        table, samples = analyse(params, evaluate, a.method, a.n, a.design_seed)
    except (ConfigError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        sys.exit(EXIT_BAD_INPUT)
    a.out.mkdir(parents=True, exist_ok=True)
    table.to_csv(a.out / "indices.csv", index=False)
    samples.to_csv(a.out / "samples.csv", index=False)
    intro = [f"{a.method.capitalize()} analysis of {a.kpi} over {len(params)} parameters: "
             + ", ".join(f"{q.key} in [{q.lo:g}, {q.hi:g}]" for q in params)
             + f". {len(samples)} points x {a.seeds} seeds, scenario {base.scenario}, {base.days} days."]
    notes = ["Morris: μ* ranks overall influence, σ flags interactions or non-linear effects. Sobol: S1 is the "
             "share of variance a parameter explains alone, ST including its interactions."]
    if a.method == "sobol" and (warnings := sobol_warnings(table, a.n)):
        print("warning: these Sobol indices are not to be trusted yet: " + "; ".join(warnings), file=sys.stderr)
        notes.insert(0, "**Not to be trusted yet:** " + "; ".join(warnings) + ".")
    report(a, table, intro, notes)


def report(a, table: pd.DataFrame, intro: list[str], notes: list[str]) -> None:
    """Write the indices' report (report.md/.html, indices.png) and print the table."""
    shown = table.map(lambda v: f"{v:.4g}" if isinstance(v, float) else v)
    md, page = write_report(a.out, f"Sensitivity of {a.kpi}", intro, shown, {"indices": plot_indices(table, a.kpi)}, notes)
    print(table.to_string(index=False))
    print(f"report: {page} · {md}")


def emulated(a) -> None:
    """`--emulator DIR`: Sobol indices of the emulator's mean prediction over its input box."""
    n = a.n if a.n is not None else EMULATOR_N
    try:
        if a.param:
            raise ConfigError("--param with --emulator: the emulator's own inputs and ranges are analysed")
        if a.method == "morris":
            raise ConfigError("--method morris with --emulator: the emulator is cheap, so its Sobol indices are computed")
        check_at_least("--n", n)
        if n & (n - 1):
            raise ConfigError(f"--n {n}: Sobol needs a power of 2 base samples (e.g. 4096, 8192)")
        check_out_folder("--out", a.out)
        params, predict, accuracy = emulated_problem(a.emulator, a.kpi)
    except (ConfigError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        sys.exit(EXIT_BAD_INPUT)
    table, samples = analyse(params, predict, "sobol", n, a.design_seed)
    a.out.mkdir(parents=True, exist_ok=True)
    table.to_csv(a.out / "indices.csv", index=False)
    intro = [f"Sobol analysis of {a.kpi} over {len(params)} parameters: "
             + ", ".join(f"{q.key} in [{q.lo:g}, {q.hi:g}]" for q in params)
             + f". {len(samples)} points ({n} base samples) of the emulator's prediction.", accuracy]
    notes = ["S1 is the share of variance a parameter explains alone, ST including its interactions."]
    if warnings := sobol_warnings(table, n):
        print("warning: these Sobol indices are not to be trusted yet: " + "; ".join(warnings), file=sys.stderr)
        notes.insert(0, "**Not to be trusted yet:** " + "; ".join(warnings) + ".")
    report(a, table, intro, notes)


if __name__ == "__main__":
    main()
