"""Scenario discovery on a collected sweep: which ranges of the levers make an outcome likely.

`community-sim-discover SUMMARY.parquet --outcome "days_to_MATURE <= 365 and never DECLINE" --out DIR`
marks each run of a sweep (summary.parquet of community-sim-collect, sim/analysis/collect.py) as a
case of interest or not (the outcome language: sim/analysis/outcome.py) and runs PRIM, the Patient
Rule Induction Method (Friedman & Fisher 1999; Bryant & Lempert 2010), over the levers: starting
from the box that holds every run, it peels off the thinnest slice (`--peel-alpha` of the runs) of
one lever's range that raises the share of cases inside the most, until the box holds `--mass-min`
of the runs. Each peel is a candidate answer "with these levers in these ranges": its *coverage*
is the share of all cases of interest it holds, its *density* the share of its runs that are
cases, its *mass* the share of all runs it holds. The report picks the peel with density at least
`--threshold` and the highest coverage (or `--box N`) and names only the levers it restricts.

PRIM is EMA Workbench's (`ema_workbench.analysis.prim.Prim`): the implementation exploratory
modellers use for scenario discovery and keep maintained, with pasting and the quasi-p-values of
Bryant & Lempert, so this module only prepares the data and reads the trajectory. Writes into DIR:
report.md/.html, peeling.png, box_limits.png, boxes.csv (every peel) and box.json (the chosen box).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

with warnings.catch_warnings():  # the workbench warns at import about parallel evaluators it lacks (ipyparallel)
    warnings.simplefilter("ignore")
    from ema_workbench.analysis import prim

from sim.analysis.names import parameter_name
from sim.analysis.outcome import parse_outcome
from sim.analysis.report import fmt

EXIT_BAD_INPUT = 2
# With peels of 5% a box of fewer than 20 runs loses less than one run per peel: PRIM cannot peel,
# and a density read off a handful of runs says little (Bryant & Lempert 2010 used hundreds).
MIN_RUNS = 20
IDENTITY = ("job", "seed", "scenario")


@dataclass
class Discovery:
    """PRIM's peeling trajectory over a sweep and the box chosen from it."""

    outcome: str
    inputs: list[str]
    n_runs: int
    n_cases: int
    trajectory: pd.DataFrame  # one row per peel: id, coverage, density, mass, n, k, res_dim
    limits: list[pd.DataFrame]  # per peel: rows 0 (lower) and 1 (upper), one column per input
    full: pd.DataFrame  # the limits of the box holding every run
    p_values: list[dict]  # per peel: {input: [quasi-p lower, quasi-p upper]} of its restricted inputs
    chosen: int
    why: str  # how the box was chosen, for the report
    x: pd.DataFrame  # the levers of every run, as peeled
    threshold: float = 0.8  # the least density asked of the chosen box

    def restricted(self, i: int) -> list[str]:
        """The inputs peel `i` restricts, in the order given."""
        return [k for k in self.inputs if not np.array_equal(self.limits[i][k].to_numpy(), self.full[k].to_numpy())]


def swept_columns(summary: pd.DataFrame) -> list[str]:
    """The swept levers of a collected summary: its columns between `seed` and `scenario` (the
    order sim/analysis/collect.py writes), else every dotted config key that varies."""
    cols = list(summary.columns)
    if "seed" in cols and "scenario" in cols and cols.index("seed") < cols.index("scenario"):
        return cols[cols.index("seed") + 1: cols.index("scenario")]
    return [c for c in cols if "." in c and summary[c].astype(str).nunique() > 1]


def lever_table(summary: pd.DataFrame, inputs: list[str]) -> pd.DataFrame:
    """The inputs as numbers PRIM can peel; ValueError naming what is unknown, not numeric, missing
    or fixed."""
    unknown = [k for k in inputs if k not in summary]
    if unknown:
        raise ValueError(f"--inputs: no column {', '.join(unknown)} in the summary; swept: "
                         f"{', '.join(swept_columns(summary)) or 'nothing'}")
    x = summary[inputs].copy()
    for key in inputs:
        if x[key].dtype == bool:
            x[key] = x[key].astype(int)
        if not pd.api.types.is_numeric_dtype(x[key]):
            values = ", ".join(sorted(map(str, x[key].dropna().unique()))[:5])
            raise ValueError(f"input {key} is not numeric ({values}): PRIM here peels numeric levers; sweep a "
                             "numeric lever instead (e.g. policy.referral.p_invite_per_day, 0 = no referral) or "
                             "leave it out with --inputs")
        if x[key].isna().any():
            raise ValueError(f"input {key} is missing in {int(x[key].isna().sum())} runs")
        if x[key].nunique() < 2:
            raise ValueError(f"input {key} does not vary (always {x[key].iloc[0]}): nothing to peel; leave it out")
    return x.reset_index(drop=True)


def cases_of_interest(summary: pd.DataFrame, outcome: str) -> np.ndarray:
    """The outcome per run; ValueError when it is true for none or for every run."""
    y = parse_outcome(outcome, summary).to_numpy(dtype=bool)
    if not y.any():
        raise ValueError(f"the outcome {outcome!r} is true for none of the {y.size} runs: nothing to discover")
    if y.all():
        raise ValueError(f"the outcome {outcome!r} is true for all {y.size} runs: nothing to discover")
    return y


def choose(trajectory: pd.DataFrame, threshold: float) -> tuple[int, str]:
    """The peel with density >= threshold and the highest coverage (on a tie the denser, then the one
    with fewer restrictions: a box as dense and covering as much dominates), else the densest one;
    with the reason, in words."""
    dense = trajectory[trajectory["density"] >= threshold]
    if dense.empty:
        best = trajectory.sort_values(["density", "coverage"], ascending=False).iloc[0]
        return int(best["id"]), (f"no box reaches density {threshold:.2f}: the densest "
                                 f"({best['density']:.2f}) is shown")
    best = dense.sort_values(["coverage", "density", "res_dim", "id"], ascending=[False, False, True, True]).iloc[0]
    return int(best["id"]), f"the box with density ≥ {threshold:.2f} and the highest coverage"


def discover(summary: pd.DataFrame, outcome: str, inputs: list[str] | None = None, threshold: float = 0.8,
             peel_alpha: float = 0.05, mass_min: float = 0.05, box: int | None = None) -> Discovery:
    """Run PRIM on a sweep for an outcome.

    Args:
        summary: the collected sweep, one row per run.
        outcome: the yes/no outcome (sim/analysis/outcome.py).
        inputs: the levers to peel (default: the swept columns).
        threshold: the least density of the chosen box.
        peel_alpha: the share of the box's runs one peel removes.
        mass_min: the least share of all runs a box keeps.
        box: choose this peel instead (its id in the trajectory).

    Raises:
        ValueError: too few runs, an outcome true for none or all, unusable inputs, an unknown box.
        OutcomeError: an outcome that cannot be read.
    """
    if len(summary) < MIN_RUNS:
        raise ValueError(f"{len(summary)} runs: PRIM needs at least {MIN_RUNS} (a peel of {peel_alpha:.0%} must "
                         "remove at least one run, and a box's density rests on its runs); sweep more")
    inputs = list(inputs or swept_columns(summary))
    if not inputs:
        raise ValueError("the summary has no swept columns: name the levers with --inputs")
    x = lever_table(summary, inputs)
    y = cases_of_interest(summary.reset_index(drop=True), outcome)
    with warnings.catch_warnings():  # the workbench warns, from inside pandas, about its own use of inplace=
        warnings.simplefilter("ignore")
        engine = prim.Prim(x, y.astype(int), peel_alpha=peel_alpha, mass_min=mass_min)
        found = engine.find_box()
    trajectory = found.peeling_trajectory.astype({"id": int, "n": int, "k": int, "res_dim": int})
    trajectory = trajectory[["id", "coverage", "density", "mass", "n", "k", "res_dim"]].reset_index(drop=True)
    if box is not None and not 0 <= box < len(trajectory):
        raise ValueError(f"--box {box}: the trajectory has boxes 0 to {len(trajectory) - 1}")
    chosen, why = (box, "chosen with --box") if box is not None else choose(trajectory, threshold)
    return Discovery(outcome, inputs, len(y), int(y.sum()), trajectory, list(found.box_lims),
                     engine.box_init, found.p_values, chosen, why, x, threshold)


def limits_of(d: Discovery, i: int | None = None) -> pd.DataFrame:
    """The restricted levers of box `i` (default: the chosen one): key, readable name, box range,
    full range and the quasi-p-value of each restricted end."""
    i = d.chosen if i is None else i
    rows = []
    for key in d.restricted(i):
        lo, hi = (float(v) for v in d.limits[i][key])
        full_lo, full_hi = (float(v) for v in d.full[key])
        qp = d.p_values[i].get(key, [np.nan, np.nan])
        rows.append({"key": key, "name": parameter_name(key), "lower": lo, "upper": hi,
                     "full_lower": full_lo, "full_upper": full_hi,
                     "qp_lower": _p_value(qp[0]) if lo > full_lo else None,
                     "qp_upper": _p_value(qp[1]) if hi < full_hi else None})
    return pd.DataFrame(rows, columns=["key", "name", "lower", "upper", "full_lower", "full_upper",
                                       "qp_lower", "qp_upper"])


def lever_value(value: float) -> str:
    """A lever's limit as text: whole numbers (moderators, a grid's budgets) without decimals."""
    value = float(value)
    return f"{value:,.0f}" if value.is_integer() else fmt(value)


def _p_value(value) -> float | None:
    """A quasi-p-value, None where the workbench gives none (NaN, or -1 for an end not peeled)."""
    value = float(value)
    return value if np.isfinite(value) and value >= 0 else None


def boxes_table(d: Discovery) -> pd.DataFrame:
    """Every peel: its statistics, which levers it restricts and every lever's range."""
    table = d.trajectory.copy()
    table["restricted"] = [" ".join(d.restricted(i)) for i in table["id"]]
    for key in d.inputs:
        table[f"{key} lower"] = [float(d.limits[i][key].iloc[0]) for i in table["id"]]
        table[f"{key} upper"] = [float(d.limits[i][key].iloc[1]) for i in table["id"]]
    table["chosen"] = table["id"] == d.chosen
    return table


def box_record(d: Discovery, source: str, settings: dict) -> dict:
    """The chosen box as box.json holds it."""
    stats = d.trajectory.loc[d.chosen]
    return {"summary": source, "outcome": d.outcome, "runs": d.n_runs, "cases": d.n_cases,
            "inputs": {k: parameter_name(k) for k in d.inputs}, "settings": settings,
            "box": int(d.chosen), "chosen_because": d.why, "coverage": float(stats["coverage"]),
            "density": float(stats["density"]), "mass": float(stats["mass"]), "runs_in_box": int(stats["n"]),
            "cases_in_box": int(stats["k"]), "restricted": limits_of(d).to_dict(orient="records"),
            "peels": len(d.trajectory)}
