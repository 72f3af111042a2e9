"""Gaussian-process emulators of the simulator's KPIs, with their held-out error, and their refusal.

`community-sim-emulate SUMMARY.parquet --kpi members_final --out DIR` fits, for each KPI, a
Gaussian process from the swept inputs (a sample's or a sweep's summary, community-sim-sample and
community-sim-collect) to the KPI, so that analyses needing tens of thousands of evaluations
(Sobol indices, community-sim-sensitivity --emulator) cost a fraction of a second each instead of
a simulation. A Gaussian process is the standard emulator for costly simulators (Kennedy &
O'Hagan 2001; Sacks et al. 1989): it interpolates smooth responses from a few hundred runs,
and says how unsure it is at every point. The kernel is an anisotropic Matérn (nu = 2.5: twice
differentiable, less smooth than a squared exponential, as a simulated KPI tends to be) with one
length scale per input, so it learns which inputs matter, plus a white-noise term for the
simulator's own seed-to-seed noise. Inputs are scaled to [0, 1] by the sweep's ranges, the KPI
standardised (or its log, --log, when its spread is multiplicative).

How good the emulator is gets measured, not assumed: K-fold cross-validation over the sampled
points (replicate seeds of a point are held out together) gives the held-out R², RMSE and the
share of held-out runs inside the 90% predictive interval (near 0.9 when the emulator's
uncertainty is honest). Below `--min-r2` (0.9) the emulator is saved marked unusable, the report
says why, and the command exits 2: a sensitivity analysis on an emulator that explains less than
90% of held-out variance would mostly describe the emulator's error. DIR holds emulator.json (the
errors, the inputs and their ranges), emulator.npz (the fitted processes as plain arrays: each
one's training points and kernel hyperparameters, from which it is rebuilt exactly; no pickle, so
an emulator folder from anywhere is data, never code), report.md/.html with a predicted-vs-simulated plot per KPI, and DONE last.
"""

from __future__ import annotations

import json
import sys
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from sklearn.exceptions import ConvergenceWarning
from sklearn.gaussian_process import GaussianProcessRegressor
from sklearn.gaussian_process.kernels import ConstantKernel, Matern, WhiteKernel

from sim.analysis.checks import check_at_least, check_out_folder
from sim.analysis.collect import OPERATOR_KPIS, read_summary
from sim.analysis.kpis import standard_kpis
from sim.analysis.report import fmt, write_report
from sim.config import ConfigError
from sim.failures import CommandParser
from sim.recorder import atomic_save, atomic_write_json, is_done, mark_done, provenance

EXIT_BAD_INPUT = 2
RUNS_PER_INPUT = 10  # Loeppky, Sacks & Welch (2009): about 10 runs per input for a GP emulator
INTERVAL = 0.90
Z_90 = 1.6448536269514722  # two-sided 90% interval of a normal
NOT_INPUTS = {"job", "seed", "scenario"}
RESTARTS = 3  # random restarts of the kernel fit on all the data (the likelihood can have several optima)
EMULATOR_FILE, MODEL_FILE = "emulator.json", "emulator.npz"


def known_kpis() -> list[str]:
    """Every KPI a summary can hold: the standard ones and the operator ones collect adds."""
    names = [k.name for k in standard_kpis()]
    return names + [k for k in (*OPERATOR_KPIS, "days_to_CREATE") if k not in names]


def swept_inputs(summary: pd.DataFrame) -> list[str]:
    """The swept columns: numeric, varying, and neither an identifier nor a KPI (collect puts them
    between `seed` and the KPIs)."""
    kpis = set(known_kpis())
    return [c for c in summary.columns if c not in NOT_INPUTS and c not in kpis and not c.startswith("days_to_")
            and pd.api.types.is_numeric_dtype(summary[c]) and not pd.api.types.is_bool_dtype(summary[c])
            and summary[c].nunique() > 1]


def check_training_data(summary: pd.DataFrame, kpis: list[str], inputs: list[str], log: bool) -> None:
    """Refuse, in one line, what an emulator cannot be trained on."""
    known = known_kpis()
    for kpi in kpis:
        if kpi not in known:
            raise ConfigError(f"--kpi {kpi}: no such KPI; known: {', '.join(known)}")
        if kpi not in summary:
            raise ConfigError(f"--kpi {kpi}: the summary has no column {kpi}")
    if not inputs:
        raise ConfigError("no swept input: the summary has no numeric column that varies besides job, seed and KPIs")
    for key in inputs:
        if key not in summary or not pd.api.types.is_numeric_dtype(summary[key]):
            raise ConfigError(f"--inputs {key}: not a numeric column of the summary")
    need = RUNS_PER_INPUT * len(inputs)
    if len(summary) < need:
        raise ConfigError(f"{len(summary)} runs for {len(inputs)} inputs: an emulator needs at least {need} "
                          f"({RUNS_PER_INPUT} per input, Loeppky et al. 2009) to be checked on held-out runs")
    for kpi in kpis:
        y = pd.to_numeric(summary[kpi], errors="coerce")
        if y.isna().any():
            raise ConfigError(f"--kpi {kpi}: {int(y.isna().sum())} of {len(y)} runs have no value (e.g. a stage never "
                              "reached); emulate a KPI every run has, e.g. stage_reached or members_final")
        if y.nunique() < 2:
            raise ConfigError(f"--kpi {kpi}: the same value in every run; nothing to emulate")
        if log and not (y > 0).all():
            raise ConfigError(f"--log: {kpi} is not positive in every run; its log is undefined")


def make_process(n_inputs: int, restarts: int, seed: int = 0) -> GaussianProcessRegressor:
    """An unfitted GP: amplitude x anisotropic Matérn 5/2 + white noise, on a standardised KPI."""
    kernel = (ConstantKernel(1.0, (1e-3, 1e4)) * Matern(length_scale=np.full(n_inputs, 0.5), length_scale_bounds=(1e-2, 1e2),
                                                        nu=2.5) + WhiteKernel(1e-2, (1e-6, 1e1)))
    return GaussianProcessRegressor(kernel, normalize_y=True, n_restarts_optimizer=restarts, random_state=seed)


def fit_process(X: np.ndarray, y: np.ndarray, restarts: int = RESTARTS, start=None) -> GaussianProcessRegressor:
    """Fit a GP (from the kernel `start`, when given) to inputs in [0, 1] and a KPI."""
    gp = make_process(X.shape[1], restarts)
    if start is not None:
        gp.set_params(kernel=start)
    with warnings.catch_warnings():  # a length scale at its bound means an input without effect, not an error
        warnings.simplefilter("ignore", ConvergenceWarning)
        return gp.fit(X, y)


def fold_of_point(X: np.ndarray, folds: int, seed: int = 0) -> np.ndarray:
    """A fold for every row; rows with the same inputs (replicate seeds of a point) share one."""
    _, point = np.unique(X, axis=0, return_inverse=True)
    order = np.random.default_rng(seed).permutation(point.max() + 1)
    return order[point.ravel()] % folds


def cross_validate(X: np.ndarray, y: np.ndarray, folds: int, log: bool, start) -> dict:
    """Held-out predictions by K-fold cross-validation: each fold predicted by a GP fitted to the
    others (its kernel refitted, starting from `start`), and their R², RMSE and 90% coverage, on the
    KPI's own scale."""
    fold = fold_of_point(X, folds)
    mean, sd = np.empty(len(y)), np.empty(len(y))
    target = np.log(y) if log else y
    for k in range(folds):
        test = fold == k
        gp = fit_process(X[~test], target[~test], restarts=0, start=start)
        mean[test], sd[test] = gp.predict(X[test], return_std=True)
    lo, hi = mean - Z_90 * sd, mean + Z_90 * sd
    if log:
        mean, lo, hi = np.exp(mean), np.exp(lo), np.exp(hi)  # a monotone map keeps the interval's coverage
    resid = y - mean
    return {"r2": float(1 - np.sum(resid**2) / np.sum((y - y.mean()) ** 2)), "rmse": float(np.sqrt(np.mean(resid**2))),
            "coverage_90": float(np.mean((y >= lo) & (y <= hi))), "kpi_sd": float(np.std(y)),
            "predicted": mean, "lo": lo, "hi": hi}


@dataclass
class Emulator:
    """Fitted GPs of KPIs over a box of inputs; `usable[kpi]` False when held-out R² fell short."""

    inputs: list[str]
    lo: np.ndarray
    hi: np.ndarray
    processes: dict[str, GaussianProcessRegressor]
    log: dict[str, bool]
    usable: dict[str, bool]
    integer: list[bool] = field(default_factory=list)  # inputs the simulator rounds (whole-number keys)
    training: dict[str, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)  # kpi -> (X in [0, 1], y fitted)

    def scale(self, X: np.ndarray) -> np.ndarray:
        """Inputs in their own units -> [0, 1]; a whole-number input rounded first, as the simulator
        rounds it, so the emulated function is the simulator's (a step in that input)."""
        X = np.array(X, dtype=float)
        if any(self.integer):
            X[:, self.integer] = np.round(X[:, self.integer])
        return (X - self.lo) / (self.hi - self.lo)

    def predict(self, kpi: str, X: np.ndarray, return_std: bool = False):
        """The emulator's mean prediction of `kpi` at points X (rows, inputs in their own units);
        with return_std, also its predictive sd (on the log scale for a --log KPI)."""
        mean, sd = self.processes[kpi].predict(self.scale(X), return_std=True)
        if self.log[kpi]:
            mean = np.exp(mean)
        return (mean, sd) if return_std else mean


def input_box(summary: pd.DataFrame, inputs: list[str], summary_path: Path) -> tuple[np.ndarray, np.ndarray]:
    """The sweep's ranges of the inputs: community-sim-sample's design (provenance.json beside the
    summary) where it gives them, else the smallest and largest value run."""
    design = {}
    record = summary_path.parent / "provenance.json"
    if record.is_file():
        design = (json.loads(record.read_text(encoding="utf-8")).get("design") or {}).get("params") or {}
    lo = np.array([design.get(k, [summary[k].min()])[0] for k in inputs], dtype=float)
    hi = np.array([design.get(k, [None, summary[k].max()])[1] for k in inputs], dtype=float)
    return lo, hi


def train(summary: pd.DataFrame, kpis: list[str], inputs: list[str], lo: np.ndarray, hi: np.ndarray,
          folds: int, min_r2: float, log: bool = False, restarts: int = RESTARTS) -> tuple[Emulator, dict]:
    """Fit one GP per KPI on all runs (`restarts` random restarts of the kernel fit) and measure
    it by cross-validation.

    Returns:
        The emulator and, per KPI, its held-out errors, predictions and fitted kernel.
    """
    X = (summary[inputs].to_numpy(dtype=float) - lo) / (hi - lo)
    processes, checks, training = {}, {}, {}
    for kpi in kpis:
        y = summary[kpi].to_numpy(dtype=float)
        training[kpi] = (X, np.log(y) if log else y)
        gp = fit_process(*training[kpi], restarts)
        checks[kpi] = {**cross_validate(X, y, folds, log, gp.kernel_), "kernel": str(gp.kernel_)}
        processes[kpi] = gp
    usable = {k: bool(c["r2"] >= min_r2) for k, c in checks.items()}
    integer = [pd.api.types.is_integer_dtype(summary[k]) for k in inputs]
    return Emulator(inputs, lo, hi, processes, dict.fromkeys(kpis, log), usable, integer, training), checks


def save_emulator(emulator: Emulator, path: Path) -> None:
    """The emulator as plain arrays (np.savez): per KPI its training points and fitted hyperparameters."""
    kpis = list(emulator.processes)
    arrays = {"lo": emulator.lo, "hi": emulator.hi, "integer": np.array(emulator.integer, dtype=bool),
              "meta": np.array(json.dumps({"inputs": emulator.inputs, "kpis": kpis, "log": emulator.log,
                                           "usable": emulator.usable}))}
    for i, kpi in enumerate(kpis):
        X, y = emulator.training[kpi]
        arrays |= {f"X{i}": X, f"y{i}": y, f"theta{i}": emulator.processes[kpi].kernel_.theta}
    with open(path, "wb") as f:
        np.savez(f, **arrays)


def read_emulator(path: Path) -> Emulator:
    """Rebuild a saved emulator: each process refitted on its training points with its saved
    hyperparameters and no optimisation, which gives the same predictions as the process saved."""
    with np.load(path, allow_pickle=False) as data:
        meta = json.loads(str(data["meta"]))
        processes, training = {}, {}
        for i, kpi in enumerate(meta["kpis"]):
            X, y = data[f"X{i}"], data[f"y{i}"]
            kernel = make_process(X.shape[1], 0).kernel.clone_with_theta(data[f"theta{i}"])
            processes[kpi] = GaussianProcessRegressor(kernel, normalize_y=True, optimizer=None).fit(X, y)
            training[kpi] = (X, y)
        return Emulator(meta["inputs"], data["lo"], data["hi"], processes, meta["log"], meta["usable"],
                        data["integer"].tolist(), training)


def load_emulator(folder: Path, kpi: str) -> tuple[Emulator, dict]:
    """An emulator community-sim-emulate saved, for `kpi`, and its record (emulator.json).

    Raises:
        ConfigError: no finished emulator in `folder`, a KPI it was not trained on, or one marked unusable.
    """
    record_path = folder / EMULATOR_FILE
    if not (record_path.is_file() and (folder / MODEL_FILE).is_file() and is_done(folder)):
        raise ConfigError(f"--emulator {folder}: no finished emulator there (community-sim-emulate ... --out {folder})")
    record = json.loads(record_path.read_text(encoding="utf-8"))
    trained = record["kpis"]
    if kpi not in trained:
        raise ConfigError(f"--kpi {kpi}: the emulator in {folder} was not trained on it; trained on: {', '.join(trained)}")
    if not trained[kpi]["usable"]:
        raise ConfigError(f"--emulator {folder}: marked unusable for {kpi}: {trained[kpi]['why']}")
    return read_emulator(folder / MODEL_FILE), record


def plot_check(summary: pd.DataFrame, kpi: str, check: dict):
    """Held-out prediction against the simulated value, with the 90% predictive interval."""
    y = summary[kpi].to_numpy(dtype=float)
    fig, ax = plt.subplots(figsize=(5.5, 5), constrained_layout=True)
    p = check["predicted"]
    ax.errorbar(y, p, yerr=[p - check["lo"], check["hi"] - p], fmt="o", ms=3, alpha=0.6, elinewidth=0.6, color="C0",
                label="held-out prediction, 90% interval")
    ends = [min(y.min(), p.min()), max(y.max(), p.max())]
    ax.plot(ends, ends, color="black", lw=1, label="prediction = simulation")
    ax.set_xlabel(f"simulated {kpi}")
    ax.set_ylabel(f"emulator's held-out prediction of {kpi}")
    ax.set_title(f"R² {check['r2']:.3f} · RMSE {fmt(check['rmse'])} · coverage {check['coverage_90']:.0%}")
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3)
    return fig


def record_of(emulator: Emulator, checks: dict, a, n_runs: int, min_r2: float) -> dict:
    """emulator.json: inputs and ranges, and per KPI its held-out errors and whether it may be used."""
    kpis = {}
    for kpi, c in checks.items():
        ok = emulator.usable[kpi]
        why = "" if ok else (f"held-out R² {c['r2']:.3f} < --min-r2 {min_r2:g}: the emulator explains too little of "
                             f"the simulator's variation of {kpi} to stand in for it")
        kpis[kpi] = {"r2": c["r2"], "rmse": c["rmse"], "coverage_90": c["coverage_90"], "kpi_sd": c["kpi_sd"],
                     "log": emulator.log[kpi], "kernel": c["kernel"], "usable": ok, "why": why}
    return {"summary": str(a.summary), "runs": n_runs, "folds": a.folds, "min_r2": min_r2,
            "inputs": {k: [float(lo), float(hi)] for k, lo, hi in zip(emulator.inputs, emulator.lo, emulator.hi, strict=True)},
            "kpis": kpis, "usable": all(emulator.usable.values()), "provenance": provenance(0, {})}


def report(out: Path, record: dict, summary: pd.DataFrame, checks: dict) -> tuple[Path, Path]:
    """report.md/.html: the held-out errors per KPI, a predicted-vs-simulated plot each, and why
    an emulator was refused."""
    rows = [{"KPI": k, "held-out R²": f"{r['r2']:.3f}", "RMSE": fmt(r["rmse"]), "KPI sd": fmt(r["kpi_sd"]),
             "90% interval coverage": f"{r['coverage_90']:.0%}", "usable": "yes" if r["usable"] else "no"}
            for k, r in record["kpis"].items()]
    intro = [f"Gaussian-process emulators of {', '.join(record['kpis'])} from {record['runs']} runs of "
             f"`{record['summary']}`, over " + ", ".join(f"{k} in [{lo:g}, {hi:g}]" for k, (lo, hi) in record["inputs"].items())
             + f". Errors are held out: {record['folds']}-fold cross-validation (replicates of a point held out together)."]
    notes = ["R² is the share of the simulated KPI's variance the held-out predictions explain; coverage is the share "
             "of held-out runs inside the 90% predictive interval (near 90% when the emulator's uncertainty is honest; "
             "well below it, it is over-confident)."]
    refused = [f"**Refused for {k}:** {r['why']}." for k, r in record["kpis"].items() if not r["usable"]]
    figures = {f"check_{k}": plot_check(summary, k, checks[k]) for k in checks}
    return write_report(out, "Emulator check", intro, pd.DataFrame(rows), figures, refused + notes)


def main(argv: list[str] | None = None) -> None:
    """`community-sim-emulate SUMMARY.parquet --kpi NAME [--kpi ...] --out DIR`."""
    p = CommandParser(prog="community-sim-emulate", description=__doc__.split("\n\n")[1])
    p.add_argument("summary", type=Path, help="summary.parquet of community-sim-sample or community-sim-collect")
    p.add_argument("--kpi", action="append", required=True, help="KPI to emulate (repeat for several)")
    p.add_argument("--inputs", nargs="+", help="input columns (default: the swept ones)")
    p.add_argument("--folds", type=int, default=5, help="cross-validation folds")
    p.add_argument("--min-r2", type=float, default=0.9, help="held-out R² below which the emulator is refused")
    p.add_argument("--restarts", type=int, default=RESTARTS, help="random restarts of each kernel fit on all runs")
    p.add_argument("--log", action="store_true", help="emulate log(KPI) (for a KPI whose spread is multiplicative)")
    p.add_argument("--out", type=Path, default=Path("reports/emulator"))
    a = p.parse_args(argv)
    try:
        check_at_least("--folds", a.folds, 2)
        check_at_least("--restarts", a.restarts, 0)
        summary = read_summary(a.summary)
        inputs = a.inputs or swept_inputs(summary)
        kpis = list(dict.fromkeys(a.kpi))
        check_training_data(summary, kpis, inputs, a.log)
        check_out_folder("--out", a.out)
    except ConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        sys.exit(EXIT_BAD_INPUT)
    lo, hi = input_box(summary, inputs, a.summary)
    emulator, checks = train(summary, kpis, inputs, lo, hi, a.folds, a.min_r2, a.log, a.restarts)
    record = record_of(emulator, checks, a, len(summary), a.min_r2)
    a.out.mkdir(parents=True, exist_ok=True)
    atomic_save(a.out / MODEL_FILE, lambda path: save_emulator(emulator, path))
    atomic_write_json(a.out / EMULATOR_FILE, record)
    md, page = report(a.out, record, summary, checks)
    mark_done(a.out)
    for kpi, r in record["kpis"].items():
        print(f"{kpi}: held-out R² {r['r2']:.3f} · RMSE {fmt(r['rmse'])} (KPI sd {fmt(r['kpi_sd'])}) · "
              f"90% interval coverage {r['coverage_90']:.0%} · {'usable' if r['usable'] else 'UNUSABLE'}")
    print(f"report: {page} · {md}")
    if not record["usable"]:
        print("error: " + "; ".join(f"{k}: {r['why']}" for k, r in record["kpis"].items() if not r["usable"])
              + f" (report: {md})", file=sys.stderr)
        sys.exit(EXIT_BAD_INPUT)


if __name__ == "__main__":
    main()
