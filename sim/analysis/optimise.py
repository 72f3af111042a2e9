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

After the search the best few trials within the budget are raced on more seeds
(sim/analysis/racing.py): the report gives the set of candidates that cannot be told apart, named by
what their levers mean, and one line for every trial that failed or was pruned.

Levers: `KEY=LO:HI` (float), `KEY=LO:HI:int`, or `KEY=A,B,C` (choices, including config groups
such as policy/referral; a choice means what `community-sim KEY=CHOICE` means). Before the first
trial every lever is checked in full (sim/analysis/checks.py): every choice composed, both ends of
every range against the schema, the budget, trials and seeds, and the folders to write.
"""

from __future__ import annotations

import fcntl
import sys
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import optuna
import pandas as pd

from sim.analysis import optimise_report
from sim.analysis.checks import (
    check_at_least,
    check_choices,
    check_out_folder,
    check_positive,
    check_range,
    choice_value,
)
from sim.analysis.kpis import cost_total, kpi_by_name, standard_kpis
from sim.analysis.names import parameter_name
from sim.analysis.racing import Candidate, Race, race
from sim.cli import load_config
from sim.config import ConfigError, SimConfig
from sim.failures import CommandParser
from sim.progress import Progress
from sim.runner import run

EXIT_BAD_INPUT = 2
FAST_OUTPUT = ["output.plots=false", "output.csv=false"]
# a trial that fails with these is marked FAIL (its error kept for the report) and the study goes on
TRIAL_ERRORS = (ValueError, ArithmeticError)


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
        try:
            cfg, overrides = config_for(trial)
            values, costs = [], []
            for seed in seeds:
                ts = run(cfg.replace(seed=seed)).timeseries
                values.append(kpi.read(ts))
                costs.append(cost_total(ts))
        except TRIAL_ERRORS as exc:  # the report names it; Optuna marks the trial FAIL and goes on
            trial.set_user_attr("error", f"{type(exc).__name__}: {exc}")
            raise
        # per seed, so racing (sim/analysis/racing.py) reuses these seeds instead of rerunning them
        trial.set_user_attr("seeds", list(seeds))
        trial.set_user_attr("kpi_by_seed", [None if np.isnan(v) else float(v) for v in values])
        trial.set_user_attr("cost_by_seed", [float(c) for c in costs])
        trial.set_user_attr("cost_total", float(np.mean(costs)))
        if budget is not None:  # feasible when <= 0; the sampler steers toward feasible levers
            trial.set_constraint("over_budget", float(np.mean(costs)) - budget)
        trial.set_user_attr("kpi_sd", float(np.std(values, ddof=1)) if len(values) > 1 else 0.0)
        trial.set_user_attr("overrides", [*common, *overrides])
        value = float(np.nanmean(values)) if not np.all(np.isnan(values)) else float("nan")
        if np.isnan(value):  # e.g. a stage never reached: a worst-case score keeps the study going
            trial.set_user_attr("no_value", True)
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
                study.optimize(objective, n_trials=trials - done, catch=TRIAL_ERRORS,
                               callbacks=[lambda *_: progress.advance()])
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
    """One row per completed trial: levers, KPI, cost, feasibility, and whether it gave a value."""
    rows = [{"trial": t.number, **t.params, "kpi": t.value, "kpi_sd": t.user_attrs.get("kpi_sd"),
             "cost_total": t.user_attrs.get("cost_total"),
             "feasible": budget is None or t.user_attrs.get("cost_total", float("inf")) <= budget,
             "no_value": bool(t.user_attrs.get("no_value", False))}
            for t in study.trials if t.value is not None]
    return pd.DataFrame(rows)


def top_candidates(study, budget: float | None, top: int) -> list[Candidate]:
    """The `top` best completed trials within the budget (distinct levers), with their per-seed values."""
    pick = best_feasible(study, budget)
    if pick is None:
        return []
    sign = 1.0 if study.direction == optuna.study.StudyDirection.MAXIMIZE else -1.0
    ok = [t for t in study.trials if t.state == optuna.trial.TrialState.COMPLETE and not t.user_attrs.get("no_value")
          and (budget is None or t.user_attrs.get("cost_total", float("inf")) <= budget)]
    found, seen = [], set()
    for t in sorted(ok, key=lambda t: -sign * t.value):
        key = tuple(sorted(t.params.items()))
        if key in seen:
            continue
        seen.add(key)
        seeds = t.user_attrs.get("seeds", [])
        values = dict(zip(seeds, t.user_attrs.get("kpi_by_seed", []), strict=False))
        costs = dict(zip(seeds, t.user_attrs.get("cost_by_seed", []), strict=False))
        found.append(Candidate(f"trial {t.number}", list(t.user_attrs["overrides"]), dict(t.params),
                               {s: float("nan") if v is None else v for s, v in values.items()}, costs))
        if len(found) == top:
            break
    return found


def make_scorer(kpi_name: str):
    """(candidate, seed) -> (KPI, total cost): one run of the candidate's overrides on that seed."""
    kpi = kpi_by_name(kpi_name, standard_kpis())
    configs: dict[str, SimConfig] = {}

    def score(candidate: Candidate, seed: int) -> tuple[float, float]:
        if candidate.name not in configs:
            configs[candidate.name] = load_config([*candidate.overrides, *FAST_OUTPUT])
        ts = run(configs[candidate.name].replace(seed=seed)).timeseries
        return kpi.read(ts), cost_total(ts)

    return score


def race_top(study, kpi_name: str, seeds: list[int], budget: float | None, top: int = 4, rounds: int = 3,
             seeds_per_round: int = 2, score=None) -> Race | None:
    """Race the study's `top` best feasible trials on more seeds (sim/analysis/racing.py).

    Args:
        study: a study made by `optimise`.
        kpi_name: the study's KPI.
        seeds: the seeds every trial ran (reused, not rerun).
        budget: maximum mean total cost on the raced seeds.
        top: candidates raced.
        rounds, seeds_per_round: new seeds added per round, and how many rounds at most.
        score: (candidate, seed) -> (KPI, cost); one simulation run by default.

    Returns:
        The race, or None when no trial was within the budget.
    """
    candidates = top_candidates(study, budget, top)
    if not candidates:
        return None
    kpi = kpi_by_name(kpi_name, standard_kpis())
    scorer = score or make_scorer(kpi_name)
    with Progress(len(candidates) * rounds * seeds_per_round, "race", "runs at most") as progress:
        def counted(candidate: Candidate, seed: int) -> tuple[float, float]:
            value = scorer(candidate, seed)
            progress.advance()
            return value

        return race(candidates, counted, list(seeds), kpi.higher_is_better, rounds, seeds_per_round, budget)


def main(argv: list[str] | None = None) -> None:
    """`community-sim-optimise --lever ... --kpi NAME --budget YUAN --trials N --storage FILE`."""
    p = CommandParser(prog="community-sim-optimise", description=__doc__.split("\n\n")[1])
    p.add_argument("--lever", action="append", required=True, help="KEY=LO:HI, KEY=LO:HI:int or KEY=A,B,C")
    p.add_argument("--kpi", default="members_final")
    p.add_argument("--budget", type=float, help="maximum mean total cost over the run (yuan)")
    p.add_argument("--trials", type=int, default=30, help="completed trials wanted in total")
    p.add_argument("--seeds", type=int, default=3, help="replicate seeds averaged by every trial")
    p.add_argument("--race", type=int, default=4, help="best feasible trials raced on more seeds (0: none)")
    p.add_argument("--race-rounds", type=int, default=3, help="rounds of new seeds in the race")
    p.add_argument("--race-seeds", type=int, default=2, help="new seeds per round of the race")
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
        check_at_least("--race", a.race, 0)
        check_at_least("--race-rounds", a.race_rounds, 0)
        check_at_least("--race-seeds", a.race_seeds)
        check_at_least("--sampler-seed", a.sampler_seed, 0)
        check_positive("--budget", a.budget)
        check_levers(levers, a.common)
        check_out_folder("--storage", a.storage.parent)
        check_out_folder("--out", a.out or a.storage.parent)
        seeds = list(range(a.seeds))
        study = optimise(levers, a.kpi, a.trials, a.storage, a.study, a.common, seeds, a.budget,
                         a.sampler_seed, log=print)
    except (ConfigError, ValueError, StudyInUse) as exc:
        print(f"error: {exc}", file=sys.stderr)
        sys.exit(EXIT_BAD_INPUT)
    out = a.out or a.storage.parent
    result = race_top(study, a.kpi, seeds, a.budget, a.race, a.race_rounds, a.race_seeds) if a.race else None
    intro = [f"Optuna TPE search of {', '.join(parameter_name(lv.key) for lv in levers)} for the best mean "
             f"{a.kpi} over {a.seeds} seeds" + (f", mean total cost at most {a.budget:,.0f} yuan." if a.budget else "."),
             f"Then the {a.race} best trials within the budget raced on up to {a.race_rounds * a.race_seeds} more "
             "seeds: a candidate leaves the race once its paired difference to the leader on common seeds is "
             "beyond noise (its interval clear of zero at 95% over the whole race, Bonferroni-corrected for "
             "the repeated looks), or its mean cost on the raced seeds exceeds the budget."]
    table = trials_table(study, a.budget)
    choice_keys = [lv.key for lv in levers if lv.choices]
    for line in optimise_report.write(out, study, table, result, a.kpi, a.budget, intro, choice_keys):
        print(line)
    complete = sum(t.state == optuna.trial.TrialState.COMPLETE for t in study.trials)
    other = len(study.trials) - complete
    print(f"{complete} trials in {a.storage} (study {a.study})"
          + (f", {other} failed or pruned (listed in the report)" if other else "")
          + f" · report: {out / 'report.html'}")


if __name__ == "__main__":
    main()
