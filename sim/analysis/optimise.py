"""Policy optimisation with Optuna: the best KPI the playbook's levers can reach under a budget.

`community-sim-optimise --lever policy.content.posts_per_week=1:21 --lever policy/referral=none,
open_invite,reward_per_join --kpi members_final --budget 60000 --trials 40 --storage study.db`
searches the levers with Optuna's TPE sampler (driven directly: the Hydra Optuna sweeper pins a
2021 Optuna). Every trial runs the same replicate seeds (common random numbers) and scores the mean
KPI, so the optimum is robust to chance rather than one lucky seed; a trial whose mean total cost
(every cost the model counts) exceeds the budget is infeasible, which the sampler is told
through the trial's constraint. The study lives in SQLite: running the command again with the
same --storage and --study continues it up to --trials completed trials. One process at a time
works on a storage file (a lock beside it says so), so a trial still RUNNING when the study is
opened was left by a process that was stopped mid-trial: it is marked FAIL and not counted.

Levers: `KEY=LO:HI` (float), `KEY=LO:HI:int`, or `KEY=A,B,C` (choices, including config groups
such as policy/referral; a choice means what `community-sim KEY=CHOICE` means). Before the first
trial every lever is checked in full (sim/analysis/checks.py): every choice composed, both ends of
every range against the schema, the budget, trials and seeds, and the folders to write.
"""

from __future__ import annotations

import fcntl
import json
import sys
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import optuna
import pandas as pd

from sim.analysis.checks import (
    check_at_least,
    check_choices,
    check_out_folder,
    check_positive,
    check_range,
    choice_value,
)
from sim.analysis.kpis import cost_total, kpi_by_name, standard_kpis
from sim.analysis.report import fmt, write_report
from sim.cli import load_config
from sim.config import ConfigError, SimConfig
from sim.failures import CommandParser
from sim.progress import Progress
from sim.runner import run

EXIT_BAD_INPUT = 2
FAST_OUTPUT = ["output.plots=false", "output.csv=false"]


@dataclass(frozen=True)
class Lever:
    """A setting the operator controls: a float or int range, or a list of choices."""

    key: str
    lo: float | None = None
    hi: float | None = None
    integer: bool = False
    choices: tuple[str, ...] = ()
    text: str = field(default="", compare=False)  # as the user wrote it, for messages

    @property
    def group(self) -> bool:
        """A config group (policy/referral), which a trial composes, rather than one key."""
        return "/" in self.key

    def value(self, raw):
        """The config value of a sampled `raw` (a choice read as `community-sim KEY=CHOICE` reads it)."""
        return choice_value(self.key, raw) if self.choices else raw

    def check(self, base: SimConfig, common: list[str] = ()) -> None:
        """Refuse, before any trial, a choice that does not compose or a range end the schema refuses."""
        what = f"--lever {self.text or self.key}"
        if self.choices:
            check_choices(what, self.key, self.choices, common)
        elif self.group:
            raise ConfigError(f"{what}: {self.key} is a config group: give its options, e.g. {self.key}=A,B")
        else:
            check_range(base, what, self.key, self.lo, self.hi, self.integer)

    def suggest(self, trial) -> str:
        """Ask the trial for a value; returns the override `key=value`."""
        if self.choices:
            value = trial.suggest_categorical(self.key, list(self.choices))
        elif self.integer:
            value = trial.suggest_int(self.key, int(self.lo), int(self.hi))
        else:
            value = trial.suggest_float(self.key, self.lo, self.hi)
        return f"{self.key}={value}"


def parse_lever(text: str) -> Lever:
    """'KEY=LO:HI', 'KEY=LO:HI:int' or 'KEY=A,B,C' -> Lever."""
    key, sep, spec = text.partition("=")
    if not sep or not key or not spec:
        raise ConfigError(f"--lever {text!r}: write KEY=LO:HI, KEY=LO:HI:int or KEY=A,B,C")
    if ":" not in spec:
        return Lever(key, choices=tuple(v.strip() for v in spec.split(",") if v.strip()), text=text)
    parts = spec.split(":")
    try:
        lo, hi = float(parts[0]), float(parts[1])
    except (ValueError, IndexError):
        lo = hi = float("nan")
    kind = parts[2] if len(parts) > 2 else "float"
    if not lo < hi or kind not in ("float", "int") or len(parts) > 3:
        raise ConfigError(f"--lever {text!r}: LO:HI needs LO < HI, optionally :int")
    return Lever(key, lo, hi, integer=kind == "int", text=text)


def make_objective(levers: list[Lever], common: list[str], kpi_name: str, seeds: list[int], budget: float | None):
    """The trial objective: mean KPI over `seeds`; mean total cost kept for the budget constraint."""
    kpi = kpi_by_name(kpi_name, standard_kpis())
    base = load_config([*common, *FAST_OUTPUT])

    def config_for(trial):
        overrides = [lever.suggest(trial) for lever in levers]
        if any(lever.group for lever in levers):  # a config group (policy/referral=...) needs Hydra's composition
            return load_config([*common, *FAST_OUTPUT, *overrides]), overrides
        # plain keys: a validated replace of the base config, much faster than composing again
        cfg = base.replace(**{lever.key: lever.value(trial.params[lever.key]) for lever in levers})
        return cfg, overrides

    def objective(trial) -> float:
        cfg, overrides = config_for(trial)
        values, costs = [], []
        for seed in seeds:
            ts = run(cfg.replace(seed=seed)).timeseries
            values.append(kpi.read(ts))
            costs.append(cost_total(ts))
        trial.set_user_attr("cost_total", float(np.mean(costs)))
        if budget is not None:  # feasible when <= 0; the sampler steers toward feasible levers
            trial.set_constraint("over_budget", float(np.mean(costs)) - budget)
        trial.set_user_attr("kpi_sd", float(np.std(values, ddof=1)) if len(values) > 1 else 0.0)
        trial.set_user_attr("overrides", [*common, *overrides])
        value = float(np.nanmean(values)) if not np.all(np.isnan(values)) else float("nan")
        if np.isnan(value):  # e.g. a stage never reached: a worst-case score keeps the study going
            value = -1e18 if kpi.higher_is_better else 1e18
        return value

    return objective, kpi


def check_levers(levers: list[Lever], common: list[str] = ()) -> SimConfig:
    """Check the common overrides and every lever in full (every choice, both ends of every range)
    before the first trial; returns the base config. One line naming the lever otherwise."""
    keys = [lever.key for lever in levers]
    if len(set(keys)) != len(keys):
        twice = next(k for k in keys if keys.count(k) > 1)
        raise ConfigError(f"--lever {twice}: given twice; one lever per key")
    base = load_config([*common, *FAST_OUTPUT])
    for lever in levers:
        lever.check(base, [*common, *FAST_OUTPUT])
    return base


class StudyInUse(RuntimeError):
    """Another process holds the storage file's lock."""


@contextmanager
def storage_lock(storage: Path):
    """Hold an exclusive lock on `storage` for one process; the OS drops it if the process dies."""
    with open(f"{storage}.lock", "w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise StudyInUse(f"{storage} is in use by another community-sim-optimise; "
                             "run one process per storage file") from None
        yield


def fail_stale_trials(study) -> list[int]:
    """Mark FAIL every trial still RUNNING (left by a stopped process); returns their numbers.

    Only safe under `storage_lock`: then no live process can own a RUNNING trial. Optuna's heartbeat
    would only catch them after a grace period, and never those written without a heartbeat.
    """
    stale = [t.number for t in study.get_trials(deepcopy=False, states=(optuna.trial.TrialState.RUNNING,))]
    for number in stale:
        study.tell(number, state=optuna.trial.TrialState.FAIL)
    return stale


def optimise(levers: list[Lever], kpi_name: str, trials: int, storage: Path, study_name: str,
             common: list[str] = (), seeds: list[int] = (0, 1, 2), budget: float | None = None, seed: int = 0,
             log: Callable[[str], None] | None = None):
    """Run (or continue) the study until it has `trials` completed trials; returns the study.

    Args:
        levers: what the search may change.
        kpi_name: KPI to optimise (direction from the KPI).
        trials: completed trials wanted in total (a resumed study runs only the rest).
        storage: SQLite file holding the study.
        study_name: name of the study inside the file.
        common: community-sim overrides applied to every trial.
        seeds: replicate seeds averaged by every trial.
        budget: maximum mean total cost (yuan); None for no constraint.
        seed: seed of the sampler.
        log: told one line when the study held trials left running by a stopped process.

    Raises:
        StudyInUse: if another process is working on the same storage file.
    """
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    objective, kpi = make_objective(levers, list(common), kpi_name, list(seeds), budget)
    storage.parent.mkdir(parents=True, exist_ok=True)
    with storage_lock(storage):
        study = optuna.create_study(study_name=study_name, storage=f"sqlite:///{storage}",
                                    direction="maximize" if kpi.higher_is_better else "minimize", load_if_exists=True)
        stale = fail_stale_trials(study)
        if stale and log is not None:
            log(f"{len(stale)} stale trial(s) left running by a stopped process marked failed: "
                + ", ".join(map(str, stale)))
        # A resumed study must not replay the first trials' random draws: offset the seed by its history.
        study.sampler = optuna.samplers.TPESampler(seed=seed + len(study.trials))
        done = sum(t.state == optuna.trial.TrialState.COMPLETE for t in study.trials)
        if trials > done:
            with Progress(trials - done, "optimise", f"trials of {len(seeds)} run{'s' if len(seeds) > 1 else ''}") as progress:
                study.optimize(objective, n_trials=trials - done, callbacks=[lambda *_: progress.advance()])
    return study


def best_feasible(study, budget: float | None):
    """The best completed trial within the budget, or None."""
    ok = [t for t in study.trials if t.state == optuna.trial.TrialState.COMPLETE
          and (budget is None or t.user_attrs.get("cost_total", float("inf")) <= budget)]
    if not ok:
        return None
    pick = max if study.direction == optuna.study.StudyDirection.MAXIMIZE else min
    return pick(ok, key=lambda t: t.value)


def trials_table(study, budget: float | None) -> pd.DataFrame:
    """One row per completed trial: levers, KPI, cost, feasibility."""
    rows = [{"trial": t.number, **t.params, "kpi": t.value, "kpi_sd": t.user_attrs.get("kpi_sd"),
             "cost_total": t.user_attrs.get("cost_total"),
             "feasible": budget is None or t.user_attrs.get("cost_total", float("inf")) <= budget}
            for t in study.trials if t.value is not None]
    return pd.DataFrame(rows)


def plot_trials(table: pd.DataFrame, kpi: str, budget: float | None):
    """KPI against cost for every trial, with the budget line."""
    fig, ax = plt.subplots(figsize=(8, 5), constrained_layout=True)
    for ok, colour, label in ((True, "C0", "within budget"), (False, "C3", "over budget")):
        t = table[table["feasible"] == ok]
        ax.errorbar(t["cost_total"], t["kpi"], yerr=t["kpi_sd"], fmt="o", color=colour, label=label, alpha=0.7)
    if budget is not None:
        ax.axvline(budget, color="grey", linestyle="--", label="budget")
    ax.set_xlabel("mean total cost (yuan)")
    ax.set_ylabel(f"mean {kpi} (± sd over seeds)")
    ax.legend()
    ax.grid(alpha=0.3)
    return fig


def main(argv: list[str] | None = None) -> None:
    """`community-sim-optimise --lever ... --kpi NAME --budget YUAN --trials N --storage FILE`."""
    p = CommandParser(prog="community-sim-optimise", description=__doc__.split("\n\n")[1])
    p.add_argument("--lever", action="append", required=True, help="KEY=LO:HI, KEY=LO:HI:int or KEY=A,B,C")
    p.add_argument("--kpi", default="members_final")
    p.add_argument("--budget", type=float, help="maximum mean total cost over the run (yuan)")
    p.add_argument("--trials", type=int, default=30, help="completed trials wanted in total")
    p.add_argument("--seeds", type=int, default=3, help="replicate seeds averaged by every trial")
    p.add_argument("--common", nargs="*", default=[], help="community-sim overrides for every trial")
    p.add_argument("--storage", type=Path, default=Path("reports/optimise/study.db"))
    p.add_argument("--study", default="levers")
    p.add_argument("--sampler-seed", type=int, default=0)
    p.add_argument("--out", type=Path, help="report folder (default: beside the storage file)")
    a = p.parse_args(argv)
    try:
        levers = [parse_lever(t) for t in a.lever]
        kpi_by_name(a.kpi, standard_kpis())
        check_at_least("--trials", a.trials)
        check_at_least("--seeds", a.seeds)
        check_at_least("--sampler-seed", a.sampler_seed, 0)
        check_positive("--budget", a.budget)
        check_levers(levers, a.common)
        check_out_folder("--storage", a.storage.parent)
        check_out_folder("--out", a.out or a.storage.parent)
        study = optimise(levers, a.kpi, a.trials, a.storage, a.study, a.common, list(range(a.seeds)), a.budget,
                         a.sampler_seed, log=print)
    except (ConfigError, ValueError, StudyInUse) as exc:
        print(f"error: {exc}", file=sys.stderr)
        sys.exit(EXIT_BAD_INPUT)
    out = a.out or a.storage.parent
    out.mkdir(parents=True, exist_ok=True)
    table = trials_table(study, a.budget)
    best = best_feasible(study, a.budget)
    table.to_csv(out / "trials.csv", index=False)
    summary = {"kpi": a.kpi, "budget": a.budget, "trials": len(table), "best": None if best is None else {
        "trial": best.number, "levers": best.params, "kpi": best.value, "cost_total": best.user_attrs["cost_total"]}}
    (out / "best.json").write_text(json.dumps(summary, indent=2, ensure_ascii=False) + "\n")
    intro = [f"Optuna TPE search of {', '.join(lv.key for lv in levers)} for the best mean {a.kpi} over "
             f"{a.seeds} seeds" + (f", mean total cost at most {a.budget:,.0f} yuan." if a.budget else ".")]
    notes = ["No trial was within the budget." if best is None else
             f"Best within budget: trial {best.number}, {a.kpi} {fmt(best.value)} at {fmt(best.user_attrs['cost_total'])}"
             f" yuan with " + ", ".join(f"{k}={fmt(v) if isinstance(v, float) else v}" for k, v in best.params.items())]
    shown = table.sort_values("kpi", ascending=not kpi_by_name(a.kpi, standard_kpis()).higher_is_better).head(15)
    shown = shown.map(lambda v: fmt(v) if isinstance(v, float) else v)
    write_report(out, f"Optimising {a.kpi}", intro, shown, {"trials": plot_trials(table, a.kpi, a.budget)}, notes)
    print(notes[0])
    print(f"{len(table)} trials in {a.storage} (study {a.study}) · report: {out / 'report.html'}")


if __name__ == "__main__":
    main()
