"""The optimisation's report: the raced candidates as a set, every trial plotted, none left out.

What a strategist reads after `community-sim-optimise`: which of the best trials stay in front on
more seeds (sim/analysis/racing.py), named by what their levers mean (sim/analysis/names.py) rather
than by config keys; every trial's KPI against its cost, coloured by the choice levers (e.g. the
referral policy) so a choice that matters shows as a colour; and one line per trial that failed,
was pruned or gave no value, so nothing is left out silently.
"""

from __future__ import annotations

import json
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # reports are written on headless machines
import matplotlib.pyplot as plt  # noqa: E402
import optuna  # noqa: E402
import pandas as pd  # noqa: E402

from sim.analysis.names import parameter_name  # noqa: E402
from sim.analysis.racing import Race  # noqa: E402
from sim.analysis.report import fmt, font_rc, write_report  # noqa: E402

TrialState = optuna.trial.TrialState


def lever_text(params: dict) -> str:
    """Levers as readable names with their values: 'expert posts per week, ... (内容日历) 13.6; ...'."""
    return "; ".join(f"{parameter_name(k)} {fmt(v) if isinstance(v, float) else v}" for k, v in params.items())


def trial_notes(study) -> list[str]:
    """One line for every trial that failed, was pruned, is still running or gave no value."""
    notes = []
    for t in study.trials:
        if t.state == TrialState.FAIL:
            why = t.user_attrs.get("error", "no error recorded (e.g. its process was stopped mid-trial)")
            notes.append(f"Trial {t.number} failed: {why}.")
        elif t.state == TrialState.PRUNED:
            notes.append(f"Trial {t.number} was pruned before it finished its seeds.")
        elif t.state in (TrialState.RUNNING, TrialState.WAITING):
            notes.append(f"Trial {t.number} had not finished ({t.state.name.lower()}).")
        elif t.user_attrs.get("no_value"):
            notes.append(f"Trial {t.number} gave no value on any seed (e.g. a stage never reached) and was "
                         "scored as the worst; it is left out of the plot.")
    return notes


def race_table(result: Race, kpi: str) -> pd.DataFrame:
    """One row per raced candidate: levers by name, KPI on the raced seeds, difference to the leader."""
    rows = []
    for c in result.candidates:
        ci, d = c.kpi(), result.against_leader(c)
        if c is result.leader:
            status = "leader"
        elif c.dropped:
            status = f"dropped after {c.dropped_after} seeds: {c.dropped}"
        else:
            status = "cannot be told apart from the leader"
        rows.append({
            "candidate": c.name, "levers": lever_text(c.params),
            f"{kpi} mean [95% CI]": f"{fmt(ci.mean)} [{fmt(ci.lo)}, {fmt(ci.hi)}]", "seeds": ci.n,
            "vs leader [95% CI]": "" if d is None else f"{fmt(d.diff.mean)} [{fmt(d.diff.lo)}, {fmt(d.diff.hi)}]",
            "mean cost (yuan)": fmt(c.mean_cost()), "status": status,
        })
    return pd.DataFrame(rows)


def race_verdict(result: Race, kpi: str) -> str:
    """The answer in one paragraph: a winner, a set that cannot be told apart, or none."""
    n = len(result.seeds)
    if result.leader is None:
        return f"None of the {len(result.candidates)} raced candidates stayed within the budget on {n} seeds."
    tied = result.tied
    if len(tied) == 1:
        return (f"On {n} seeds {result.leader.name} is ahead of every other raced candidate beyond noise: "
                f"{lever_text(result.leader.params)} (mean {kpi} {fmt(result.leader.kpi().mean)}).")
    names = ", ".join(c.name for c in tied)
    return (f"On {n} seeds these {len(tied)} candidates cannot be told apart on {kpi} (no paired "
            f"difference to the leader, {result.leader.name}, is beyond noise): "
            f"{names}. Choose among them on other grounds; more seeds may separate them.")


def plot_trials(table: pd.DataFrame, kpi: str, budget: float | None, choice_keys: list[str]):
    """KPI against cost for every trial: colour by the choice levers' values, hollow when over budget."""
    rc, has_cjk = font_rc()
    with plt.rc_context(rc):  # text takes its font when made: draw it all inside
        return _draw_trials(table, kpi, budget, choice_keys, has_cjk)


def _draw_trials(table: pd.DataFrame, kpi: str, budget: float | None, choice_keys: list[str], has_cjk: bool):
    fig, ax = plt.subplots(figsize=(8, 5), constrained_layout=True)
    table = table[~table["no_value"]] if "no_value" in table else table
    if choice_keys:
        groups = table[choice_keys].astype(str).agg(", ".join, axis=1)
        title = " / ".join(parameter_name(k, chinese=has_cjk) for k in choice_keys)
    else:
        groups, title = pd.Series("all trials", index=table.index), ""
    for i, level in enumerate(sorted(groups.unique())):
        for ok in (True, False):
            t = table[(groups == level) & (table["feasible"] == ok)]
            if t.empty:
                continue
            ax.errorbar(t["cost_total"], t["kpi"], yerr=t["kpi_sd"], fmt="o", color=f"C{i}", alpha=0.8,
                        markerfacecolor=f"C{i}" if ok else "none",
                        label=level + ("" if ok else " (over budget)"))
    if budget is not None:
        ax.axvline(budget, color="grey", linestyle="--", label="budget")
    ax.set_xlabel("mean total cost (yuan)")
    ax.set_ylabel(f"mean {kpi} (± sd over seeds)")
    ax.legend(title=title or None, fontsize=8)
    ax.grid(alpha=0.3)
    return fig


def write(out: Path, study, table: pd.DataFrame, result: Race | None, kpi: str, budget: float | None,
          intro: list[str], choice_keys: list[str]) -> list[str]:
    """Write trials.csv, best.json and the report; returns the lines worth printing."""
    out.mkdir(parents=True, exist_ok=True)
    table.to_csv(out / "trials.csv", index=False)
    verdict = race_verdict(result, kpi) if result is not None else "No trial was within the budget."
    tied = result.tied if result is not None else []
    summary = {"kpi": kpi, "budget": budget, "trials": len(study.trials),
               "raced_seeds": result.seeds if result else [], "race_runs": result.runs if result else 0,
               "cannot_be_told_apart": [{"trial": int(c.name.split()[-1]), "levers": c.params,
                                         "kpi": c.kpi().mean, "cost_total": c.mean_cost()} for c in tied],
               "verdict": verdict}
    (out / "best.json").write_text(json.dumps(summary, indent=2, ensure_ascii=False) + "\n")
    if result is not None:  # the answer is the race; the search's own ranking is in trials.csv
        shown = race_table(result, kpi)
    else:
        ascending = study.direction != optuna.study.StudyDirection.MAXIMIZE
        shown = table.sort_values("kpi", ascending=ascending).head(15).drop(columns=["no_value"], errors="ignore")
        shown = shown.rename(columns=parameter_name).map(lambda v: fmt(v) if isinstance(v, float) else v)
    notes = [verdict, "Every trial, with its levers by key: trials.csv.", *trial_notes(study)]
    write_report(out, f"Optimising {kpi}", intro, shown, {"trials": plot_trials(table, kpi, budget, choice_keys)},
                 notes)
    return [verdict]
