"""Rerun every worked experiment and regenerate the figures its README quotes.

    python experiments/rerun.py                  # every experiment: its commands, then its README
    python experiments/rerun.py daily_content_worth_it
    python experiments/rerun.py --readme-only    # only the README blocks, from the reports on disk

`make experiments` runs the first. Each experiment's commands are declared once, in EXPERIMENTS
below (the READMEs show the same commands to a reader); nothing is parsed from prose. After the
commands, the figures a README quotes are written between its markers

    <!-- results: NAME begin -->  ...  <!-- results: NAME end -->

from the report files (comparison.csv, indices.csv, best.json, trials.csv and the run folders read
by experiments/run_folders.py), stamped with the version and commit the figures were made with and
the date the block was written. A fresh run records what it was made with in the experiment's
made_with.json and replaces the README's "not yet rerun" notice with a note that the prose around
the blocks was written for the earlier figures (the prose is never rewritten); --readme-only keeps
the notice and takes the version and commit from made_with.json.
"""

from __future__ import annotations

import argparse
import datetime
import json
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))  # run as a script from a checkout: the package beside it

import sim  # noqa: E402
from sim.analysis.report import fmt, markdown_table  # noqa: E402

sys.path.insert(0, str(HERE))
import run_folders  # noqa: E402

TOOLS = {  # command -> module whose main() it runs (pyproject.toml [project.scripts])
    "community-sim": "sim.cli",
    "community-sim-collect": "sim.analysis.collect",
    "community-sim-discover": "sim.analysis.discover_report",
    "community-sim-compare": "sim.analysis.compare",
    "community-sim-sensitivity": "sim.analysis.sensitivity",
    "community-sim-optimise": "sim.analysis.optimise",
    "community-sim-calibrate": "sim.analysis.calibrate",
    "make-observed": "experiments.calibrate_default_scenario.make_observed",  # the experiment's synthetic data
    "community-sim-sample": "sim.analysis.sample",
    "community-sim-emulate": "sim.analysis.emulator",
}
COMMON = ["--common", "playbook=flat", "network.n_people=5000", "network.n_segments=1", "days=180"]
BEST = "experiments/best_levers_under_budget"
MATURE = "experiments/conditions_for_mature"
CALIBRATE = "experiments/calibrate_default_scenario"
CALIBRATE_FIT = [f"{CALIBRATE}/observed.csv", "--param", "policy.acquisition.p_convert=0.003:0.03",
                 "--param", "member.p_churn_max_per_day=0.0005:0.008", "--design", "30", "--replicates", "3",
                 "--jobs", "2"]
MATURE_OUTCOME = "days_to_MATURE <= 365 and never DECLINE"
BEST_LEVERS = ["--lever", "policy.content.posts_per_week=1:14", "--lever",
               "policy/referral=none,open_invite,reward_per_join", "--lever", "policy.acquisition.budget_per_day=0:300",
               "--kpi", "members_final", "--budget", "365000", "--seeds", "2", *COMMON,
               "--storage", f"{BEST}/study.db"]

SOBOL = "experiments/sobol_on_emulator"
FIVE_LEVERS = ["--param", "policy.acquisition.budget_per_day=50:300", "--param", "policy.referral.p_invite_per_day=0.01:0.06",
               "--param", "staff.n_experts=1:4", "--param", "staff.welcome_engagement_boost=0:0.3",
               "--param", "policy.content.quality=0.5:1"]


@dataclass(frozen=True)
class Experiment:
    """A worked experiment: its commands (run in order from the repository root) and its report."""

    name: str
    commands: tuple[tuple[str, ...], ...]
    # what a rerun removes first: kept run folders a comparison would reuse, a study it would continue
    fresh: tuple[str, ...] = ()


EXPERIMENTS = (
    Experiment("daily_content_worth_it", ((
        "community-sim-compare", "--arm", "weekly_1", "policy.content.posts_per_week=1",
        "--arm", "thrice_3", "policy.content.posts_per_week=3", "--arm", "daily_7", "policy.content.posts_per_week=7",
        "--arm", "twice_daily_14", "policy.content.posts_per_week=14", "--baseline", "thrice_3", *COMMON,
        "--seeds", "8", "--out", "experiments/daily_content_worth_it/report",
        "--title", "Is daily expert content worth it? 内容日历频率"),), fresh=("report/runs",)),
    Experiment("referral_policy_per_budget", ((
        "community-sim-compare", "--arm", "none", "policy/referral=none", "--arm", "open_invite",
        "policy/referral=open_invite", "--arm", "reward_per_join", "policy/referral=reward_per_join", *COMMON,
        "--seeds", "8", "--out", "experiments/referral_policy_per_budget/report",
        "--title", "Which referral policy keeps the most members per yuan? 裂变策略"),), fresh=("report/runs",)),
    Experiment("drivers_of_active_stage", ((
        "community-sim-sensitivity", "--param", "policy.content.posts_per_week=1:14",
        "--param", "policy.referral.p_accept=0.05:0.5", "--param", "member.p_churn_max_per_day=0.0005:0.008",
        "--param", "policy.acquisition.budget_per_day=0:300", "--param", "staff.welcome_engagement_boost=0:0.3",
        "--param", "member.w_active_social=0.1:0.6", "--param", "network.p_rewire=0:1",
        "--kpi", "days_to_ACTIVE", "--method", "morris", "--n", "10", "--seeds", "2", *COMMON,
        "--out", "experiments/drivers_of_active_stage/report"),)),
    Experiment("referral_vs_paid_equal_spend", ((
        "community-sim-compare", "--arm", "paid", "policy/referral=none",
        "--arm", "referral", "policy/referral=reward_per_join", "policy.acquisition.budget_per_day=30",
        "--arm", "mix", "policy/referral=reward_per_join", "policy.acquisition.budget_per_day=75",
        "--levers", "paid:campaigns", "referral:referral_reward", "mix:campaigns", "mix:referral_reward",
        "--equal-spend", "auto", "--seeds", "8", "--out", "experiments/referral_vs_paid_equal_spend/report",
        "--title", "Referral rewards or paid campaigns, at the same spend? 裂变还是付费投放（等花费）"),),
        fresh=("report/runs",)),
    Experiment("best_levers_under_budget", (
        ("community-sim-optimise", *BEST_LEVERS, "--trials", "24"),
        ("community-sim-optimise", *BEST_LEVERS, "--trials", "36"),  # the README's resumed study
    ), fresh=("study.db", "study.db.lock")),
    Experiment("conditions_for_mature", (
        ("community-sim", "-m", "sweep=conditions_for_mature", "hydra/launcher=joblib", "hydra.launcher.n_jobs=2"),
        ("community-sim-collect", "multirun/conditions_for_mature", "--out", f"{MATURE}/sweep"),
        ("community-sim-discover", f"{MATURE}/sweep/summary.parquet", "--outcome", MATURE_OUTCOME,
         "--out", f"{MATURE}/report"),
    ), fresh=("../../multirun/conditions_for_mature",)),  # the sweep's job folders: they would be skipped as done
    Experiment("calibrate_default_scenario", (
        ("make-observed",),
        ("community-sim-calibrate", *CALIBRATE_FIT, "--out", f"{CALIBRATE}/report"),
        ("community-sim-calibrate", *CALIBRATE_FIT, "--check", "50", "--out", f"{CALIBRATE}/check"),
    ), fresh=("report", "check")),
    Experiment("sobol_on_emulator", (
        ("community-sim-sample", *FIVE_LEVERS, "--runs", "200", "--seeds", "1", "--jobs", "2", "--out", f"{SOBOL}/sample"),
        ("community-sim-emulate", f"{SOBOL}/sample/summary.parquet", "--kpi", "members_final", "--out", f"{SOBOL}/emulator"),
        ("community-sim-sensitivity", "--emulator", f"{SOBOL}/emulator", "--kpi", "members_final",
         "--out", f"{SOBOL}/on_emulator"),
        ("community-sim-sensitivity", *FIVE_LEVERS, "--kpi", "members_final", "--method", "sobol", "--n", "64",
         "--seeds", "1", "--jobs", "2", "--out", f"{SOBOL}/direct"),
    ), fresh=("sample", "emulator")),
)

BLOCK = re.compile(r"(<!-- results: (?P<name>[\w-]+) begin -->\n)(?P<body>.*?)(<!-- results: (?P=name) end -->)",
                   re.S)
NOTICE = re.compile(r"^> \*\*(Made with version [^\n]*not yet rerun|Rerun with version )[^\n]*\n\n?", re.M)


def comparison_table(report: Path) -> str:
    """The comparison's KPI table (comparison.csv): mean, interval, and the paired difference."""
    c = pd.read_csv(report / "comparison.csv")
    c = c[c.groupby("kpi")["n"].transform("max") > 0]  # a stage no arm reached says nothing here

    def interval(m, lo, hi):
        return f"{fmt(m)} [{fmt(lo)}, {fmt(hi)}]" if pd.notna(m) else "–"

    def p_better(r):
        if pd.isna(r.diff):
            return ""
        return "tie" if r.diff_lo == r.diff_hi == 0 else f"{r.p_better:.0%}" if pd.notna(r.p_better) else "–"

    def won(r):
        if pd.isna(r.diff) or pd.isna(r.wins):
            return "" if pd.isna(r.diff) else "–"
        if r.ties == 1:
            return "tie on every seed"
        return f"{r.wins:.0%}" + (f" (ties {r.ties:.0%})" if r.ties else "")

    rows = [{"KPI": r.kpi, "arm": r.arm, "mean [95% CI]": interval(r.mean, r.lo, r.hi), "n": f"{r.n}/{r.n_seeds}",
             "difference vs baseline [95% CI]": interval(r.diff, r.diff_lo, r.diff_hi) if pd.notna(r.diff) else "",
             "P(better)": p_better(r), "seeds won": won(r)} for r in c.itertuples()]
    return markdown_table(pd.DataFrame(rows))


def run_folder_table(report: Path, columns: list[str]) -> str | None:
    """Per-arm means over seeds of what experiments/run_folders.py reads (None: no run folders, or
    run folders made by another version than the report's figures, which must not be mixed)."""
    found = sorted(report.glob("runs/*/seed=*/provenance.json"))
    made = json.loads((report.parent / "made_with.json").read_text())["version"]
    versions = {json.loads(p.read_text())["packages"].get("community-sim") for p in found}
    if not found or versions != {made}:
        return None
    runs = run_folders.per_run(report)
    arms = list(dict.fromkeys(runs.arm))
    if (report / "comparison.csv").is_file():  # the arms in the order the command gave them
        arms = list(dict.fromkeys(pd.read_csv(report / "comparison.csv")["arm"]))
    means = runs.drop(columns=["seed", "quit on days"]).groupby("arm", sort=False).mean().loc[arms]
    declines = runs.groupby("arm", sort=False)["ends in DECLINE"].sum().loc[arms].astype(int)
    n = runs.groupby("arm").size().max()
    table = pd.DataFrame({"arm": arms})
    for col in columns:
        if col == "ends in DECLINE":
            table["seeds ending in DECLINE"] = [f"{d} of {n}" for d in declines]
        elif "share" in col:
            table[col] = [f"{v:.1%}" for v in means[col]]
        else:
            table[col] = [fmt(v) for v in means[col]]
    return markdown_table(table)


def morris_table(report: Path) -> str:
    """Morris indices (indices.csv), and how many settings never reached the stage (samples.csv)."""
    ix = pd.read_csv(report / "indices.csv")
    table = pd.DataFrame({"parameter": ix["parameter"], "μ* (days)": ix["mu_star"].map("{:.1f}".format),
                          "μ* 95% half-width": ix["mu_star_conf"].map("{:.1f}".format),
                          "μ (days)": ix["mu"].map("{:+.1f}".format), "σ": ix["sigma"].map("{:.1f}".format)})
    samples = pd.read_csv(report / "samples.csv")
    never = int((samples["kpi"] > 180).sum())
    return (markdown_table(table) + f"\n\n{never} of the {len(samples)} settings ({never / len(samples):.0%}) "
            "did not reach the stage within 180 days on either seed (counted as day 181).")


def optimise_table(folder: Path) -> str:
    """The search's best trials within and over the budget (trials.csv), and the race's answer (best.json)."""
    from sim.analysis.names import parameter_name

    trials = pd.read_csv(folder / "trials.csv").sort_values("kpi", ascending=False)
    levers = [c for c in trials.columns if c not in {"trial", "kpi", "kpi_sd", "cost_total", "feasible", "no_value"}]
    shown = pd.concat([trials[trials.feasible].head(6), trials[~trials.feasible].head(3)])
    table = pd.DataFrame({"trial": shown["trial"]})
    for key in levers:
        table[parameter_name(key)] = [fmt(v) if isinstance(v, float) else v for v in shown[key]]
    table["members at day 180"] = shown["kpi"].map(fmt)
    table["total cost (yuan)"] = shown["cost_total"].map(fmt)
    table["within budget"] = shown["feasible"].map({True: "yes", False: "no"})
    best = json.loads((folder / "best.json").read_text())
    if "verdict" in best:
        head = f"**{best['verdict']}** ({best['trials']} trials; raced on seeds {best['raced_seeds']})"
    else:
        b = best["best"]
        sd = trials.set_index("trial").loc[b["trial"], "kpi_sd"]
        head = (f"**Best within the budget, as the search reports it: trial {b['trial']}, {fmt(b['kpi'])} members at "
                f"day 180 (sd {fmt(sd)} over the seeds), a mean of {fmt(b['cost_total'])} yuan** "
                f"({best['trials']} trials; not raced: made before the search raced its best trials)")
    return head + "\n\n" + markdown_table(table.astype(str))



def emulator_table(folder: Path) -> str:
    """The emulator's held-out errors (emulator.json)."""
    record = json.loads((folder / "emulator.json").read_text())
    rows = [{"KPI": k, "runs": record["runs"], "held-out R² (5-fold)": f"{r['r2']:.3f}", "RMSE": fmt(r["rmse"]),
             "KPI sd over the runs": fmt(r["kpi_sd"]), "coverage of the 90% interval": f"{r['coverage_90']:.0%}",
             "usable": "yes" if r["usable"] else "no"} for k, r in record["kpis"].items()]
    return markdown_table(pd.DataFrame(rows))


def sobol_pair_table(emulated: Path, direct: Path) -> str:
    """Sobol indices on the emulator and on the simulator side by side (indices.csv of each), with
    whether their 95% intervals overlap, and whether the top three (by ST) agree."""
    a = pd.read_csv(emulated / "indices.csv").set_index("parameter")
    b = pd.read_csv(direct / "indices.csv").set_index("parameter")
    rows = []
    for name in a.index:
        row = {"parameter": name}
        for index in ("ST", "S1"):
            e, d = a.loc[name], b.loc[name]
            row[f"{index} on emulator"] = f"{e[index]:.3f} ± {e[index + '_conf']:.3f}"
            row[f"{index} direct"] = f"{d[index]:.3f} ± {d[index + '_conf']:.3f}"
            overlap = abs(e[index] - d[index]) <= e[index + "_conf"] + d[index + "_conf"]
            row[f"{index} agree"] = "yes" if overlap else "no"
        rows.append(row)
    top_e, top_d = list(a["ST"].nlargest(3).index), list(b["ST"].nlargest(3).index)
    same = ("the same three" + (", in the same order" if top_e == top_d else ", in another order")
            if set(top_e) == set(top_d) else "not the same three")
    return (markdown_table(pd.DataFrame(rows)) + f"\n\nTop three by ST: on the emulator {', '.join(top_e)}; direct "
            f"{', '.join(top_d)} ({same}). \"agree\": the two 95% intervals overlap.")


def emulator_on_direct_runs(folder: Path) -> str:
    """The emulator (emulator/) against the direct Sobol analysis's own runs (direct/samples.csv): a
    second held-out check on runs of another design, and the Sobol indices of the emulator's
    predictions at those same points (same N, so the same sampling error as the direct ones)."""
    import numpy as np
    from SALib.analyze import sobol as sobol_analysis

    from sim.analysis.emulator import MODEL_FILE, read_emulator
    from sim.analysis.sensitivity import bootstrap_seed

    emulator = read_emulator(folder / "emulator" / MODEL_FILE)
    runs = pd.read_csv(folder / "direct" / "samples.csv")
    y = runs["kpi"].to_numpy(dtype=float)
    mean, sd = emulator.predict("members_final", runs[emulator.inputs].to_numpy(), return_std=True)
    resid = y - mean
    r2, rmse = 1 - np.sum(resid**2) / np.sum((y - y.mean()) ** 2), np.sqrt(np.mean(resid**2))
    inside = np.mean(np.abs(resid) <= 1.6448536269514722 * sd)
    problem = {"num_vars": len(emulator.inputs), "names": emulator.inputs,
               "bounds": [[lo, hi] for lo, hi in zip(emulator.lo, emulator.hi, strict=True)]}
    si = sobol_analysis.analyze(problem, mean, calc_second_order=False, seed=bootstrap_seed(0))
    table = pd.DataFrame({"parameter": emulator.inputs,
                          "ST, emulator at the direct points": [f"{v:.3f} ± {c:.3f}" for v, c in zip(si["ST"], si["ST_conf"], strict=True)],
                          "S1, emulator at the direct points": [f"{v:.3f} ± {c:.3f}" for v, c in zip(si["S1"], si["S1_conf"], strict=True)]})
    table = table.iloc[np.argsort(-si["ST"])]
    return (f"On the {len(y)} runs of the direct analysis (another design, never seen in training): R² {r2:.3f}, "
            f"RMSE {fmt(rmse)} (their sd {fmt(y.std())}), {inside:.0%} inside the 90% predictive interval.\n\n"
            + markdown_table(table))


def discovery_box(report: Path) -> str:
    """The scenario discovery's chosen box (box.json): its statistics and lever ranges, and the boxes
    on either side of it on the peeling trajectory (boxes.csv)."""
    from sim.analysis.discover import lever_value

    box = json.loads((report / "box.json").read_text())
    head = (f"**{box['cases']} of {box['runs']} runs ({box['cases'] / box['runs']:.0%}) meet `{box['outcome']}`. "
            f"Box {box['box']} of {box['peels']}: coverage {box['coverage']:.2f}, density {box['density']:.2f}, "
            f"mass {box['mass']:.2f}, {box['runs_in_box']} runs in the box, {box['cases_in_box']} of them meet it.**")
    levers = pd.DataFrame({"lever": [r["name"] for r in box["restricted"]], "key": [r["key"] for r in box["restricted"]],
                           "box range": [f"{lever_value(r['lower'])} – {lever_value(r['upper'])}" for r in box["restricted"]],
                           "swept range": [f"{lever_value(r['full_lower'])} – {lever_value(r['full_upper'])}"
                                           for r in box["restricted"]]})
    boxes = pd.read_csv(report / "boxes.csv")
    near = boxes[(boxes["id"] - box["box"]).abs() <= 2]
    trade = pd.DataFrame({"box": near["id"].astype(str), "coverage": near["coverage"].map("{:.2f}".format),
                          "density": near["density"].map("{:.2f}".format), "runs": near["n"].astype(str),
                          "levers restricted": near["restricted"].fillna("").astype(str).str.replace(" ", ", ")})
    return (head + "\n\n" + markdown_table(levers) + "\n\nThe boxes around it on the peeling trajectory:\n\n"
            + markdown_table(trade))


def posterior_table(folder: Path) -> str:
    """The fit (fitted.json) against the truth (truth.json): intervals, ridge, emulator, predictive band."""
    fitted = json.loads((folder / "report" / "fitted.json").read_text())
    truth = json.loads((folder / "truth.json").read_text())["values"]
    rows = [{"parameter": k, "truth": fmt(truth[k]), "posterior median": f"{s['median']:.4g}",
             "90% credible interval": f"{s['low']:.4g} – {s['high']:.4g}",
             "truth inside": "yes" if s["low"] <= truth[k] <= s["high"] else "no",
             "prior": f"{s['prior_low']:.4g} – {s['prior_high']:.4g}"} for k, s in fitted["parameters"].items()]
    r2 = fitted["emulator_r2"].values()
    lines = [markdown_table(pd.DataFrame(rows)), ""]
    lines += [f"Posterior correlation {pair}: {r:+.2f}." for pair, r in fitted["correlations"].items()]
    lines += [f"Emulator held-out R² {min(r2):.3f}–{max(r2):.3f} over {len(fitted['emulator_r2'])} summaries; MCMC "
              f"acceptance {fitted['mcmc']['acceptance']:.2f}. Observed days inside the 90% predictive band: "
              + ", ".join(f"{c} {v:.0%}" for c, v in fitted["predictive_band_share"].items())
              + f". Verdict at the posterior median: {fitted['verdict']['verdict']} (DAU ratio "
              f"{fitted['verdict']['sustain_ratio']:.2f})."]
    return "\n".join(lines)


def coverage_table(folder: Path) -> str:
    """The simulation-based calibration's coverage per parameter (check/check.json)."""
    check = json.loads((folder / "check" / "check.json").read_text())
    rows = [{"parameter": k, "truths in their 90% interval": f"{c['hits']} of {c['truths']} ({c['covered']:.0%})",
             "95% CI": f"{c['ci_low']:.0%} – {c['ci_high']:.0%}",
             "within 80–98%": "yes" if 0.8 <= c["covered"] <= 0.98 else "no",
             "ranks uniform (χ² p)": f"{c['uniform_p']:.2f}"} for k, c in check["coverage"].items()]
    return markdown_table(pd.DataFrame(rows))


EXPERTS = ["expert posts", "experts who quit", "expert burnout at the end", "staff cost (yuan)", "revenue (yuan)",
           "muted share", "daily active share", "ends in DECLINE", "member posts, last 4 weeks"]
REFERRAL = ["members", "muted share", "daily active share", "ends in DECLINE", "referral joins", "campaign joins",
            "referral rewards (yuan)"]
def report_section(report: Path, heading: str) -> str | None:
    """A section of a comparison's report.md, from its heading (e.g. "## Verdict") to the next one."""
    path = report / "report.md"
    if not path.is_file():
        return None
    text = path.read_text(encoding="utf-8")
    start = text.find(heading)
    if start < 0:
        return None
    end = text.find("\n## ", start + len(heading))
    body = text[start + len(heading): end if end >= 0 else len(text)].strip()
    body = body.split("\n\nEqual spend: ")[0].split("\n\nArms: ")[0]
    return "\n".join(line for line in body.splitlines() if not line.startswith("![")).strip()  # plots: in the report


BLOCKS = {  # experiment -> {block name: (renderer of its folder, files it reads)}
    "referral_vs_paid_equal_spend": {
        "verdict": (lambda f: report_section(f / "report", "## Verdict 结论"), "report/report.md (verdict and table)"),
        "equal-spend": (lambda f: report_section(f / "report", "## Equal spend: how each arm was brought to the target 等花费"),
                        "report/report.md (equal spend)")},
    "daily_content_worth_it": {
        "kpis": (lambda f: comparison_table(f / "report"), "report/comparison.csv"),
        "run-folders": (lambda f: run_folder_table(f / "report", EXPERTS), "report/runs (experiments/run_folders.py)")},
    "referral_policy_per_budget": {
        "kpis": (lambda f: comparison_table(f / "report"), "report/comparison.csv"),
        "run-folders": (lambda f: run_folder_table(f / "report", REFERRAL), "report/runs (experiments/run_folders.py)")},
    "drivers_of_active_stage": {
        "indices": (lambda f: morris_table(f / "report"), "report/indices.csv, report/samples.csv")},
    "best_levers_under_budget": {
        "trials": (optimise_table, "trials.csv, best.json")},
    "calibrate_default_scenario": {
        "posterior": (posterior_table, "report/fitted.json, truth.json"),
        "coverage": (coverage_table, "check/check.json")},
    "conditions_for_mature": {
        "box": (lambda f: discovery_box(f / "report"), "report/box.json, report/boxes.csv")},
    "sobol_on_emulator": {
        "emulator": (lambda f: emulator_table(f / "emulator"), "emulator/emulator.json"),
        "indices": (lambda f: sobol_pair_table(f / "on_emulator", f / "direct"),
                    "on_emulator/indices.csv, direct/indices.csv"),
        "independent": (emulator_on_direct_runs, "emulator/emulator.npz, direct/samples.csv")},
}


def head_commit() -> str:
    """The checkout's commit (short), with '+changes' when its tracked files differ from it (the
    experiments' own folders aside: a rerun writes into them while it runs)."""
    git = ["git", "-C", str(ROOT)]
    commit = subprocess.run([*git, "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    dirty = subprocess.run([*git, "status", "--porcelain", "--untracked-files=no", "--", ".",
                            ":(exclude,glob)experiments/*/**"], capture_output=True, text=True)
    return commit + ("+changes" if dirty.stdout.strip() else "") if commit else "unknown"


def stamp(made: dict, source: str) -> str:
    """The line that says where a block's figures come from and when it was written."""
    today = datetime.date.today().isoformat()
    return (f"*Generated by `experiments/rerun.py` from `{source}`: figures made with community-sim "
            f"{made.get('version', '?')} at commit {made.get('commit', '?')}"
            + (f" on {made['date']}" if made.get("date") else "")
            + f"; block written {today} by community-sim {sim.__version__} at commit {head_commit()}.*")


def regenerate(name: str, fresh: bool) -> list[str]:
    """Rewrite the result blocks of one experiment's README; returns what was done, one line each."""
    folder = HERE / name
    readme = folder / "README.md"
    text = readme.read_text()
    made = json.loads((folder / "made_with.json").read_text())
    before = made.get("previous", {})  # what the prose was written against, when a rerun replaced it
    done, found = [], set()

    def block(match: re.Match) -> str:
        key = match["name"]
        found.add(key)
        render, source = BLOCKS[name][key]
        body = render(folder)
        if body is None:
            done.append(f"{name}: block {key} kept as it was ({source} not on disk, or not from this version)")
            return match.group(0)
        done.append(f"{name}: block {key} regenerated from {source}")
        return f"{match.group(1)}{stamp(made, source)}\n\n{body}\n{match.group(4)}"

    text = BLOCK.sub(block, text)
    missing = set(BLOCKS[name]) - found
    if missing:
        raise SystemExit(f"{readme}: no results markers for {', '.join(sorted(missing))}")
    if fresh:  # the blocks are new; the prose around them was written against the earlier figures
        note = (f"> **Rerun with version {made['version']} (commit {made['commit']}, {made['date']}).** The figures "
                "between the results markers are regenerated from this run; the prose around them was "
                f"written for version {before.get('version', '?')} (commit {before.get('commit', '?')}): "
                "check it against them.\n\n")
        text, n = NOTICE.subn(lambda _: note, text)
        if n:
            done.append(f"{name}: the 'not yet rerun' notice replaced by a note to check the prose")
    readme.write_text(text)
    return done


def rerun(exp: Experiment) -> float:
    """Run an experiment's commands from the repository root; record what made it; returns seconds."""
    for stale in exp.fresh:  # figures from an earlier version must not be read back as this run's
        path = HERE / exp.name / stale
        if path.is_dir():
            shutil.rmtree(path)
        else:
            path.unlink(missing_ok=True)
    start = time.monotonic()
    for tool, *args in exp.commands:
        code = f"import sys; sys.argv[0] = {tool!r}; from {TOOLS[tool]} import main; main()"
        print(f"$ {tool} {' '.join(args)}", flush=True)
        subprocess.run([sys.executable, "-c", code, *args], cwd=ROOT, check=True)
    seconds = time.monotonic() - start
    path = HERE / exp.name / "made_with.json"
    previous = json.loads(path.read_text()) if path.is_file() else {}
    made = {"previous": {k: previous.get(k) for k in ("version", "commit", "date")},"version": sim.__version__, "commit": head_commit(), "date": datetime.date.today().isoformat(),
            "wall_seconds": round(seconds, 1), "commands": [" ".join(c) for c in exp.commands]}
    path.write_text(json.dumps(made, indent=2, ensure_ascii=False) + "\n")
    return seconds


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("names", nargs="*", help="experiments to rerun (default: all)")
    parser.add_argument("--readme-only", action="store_true",
                        help="only regenerate the README blocks from the reports on disk")
    args = parser.parse_args(argv)
    known = {e.name: e for e in EXPERIMENTS}
    unknown = [n for n in args.names if n not in known]
    if unknown:
        raise SystemExit(f"no experiment named {', '.join(unknown)}; known: {', '.join(known)}")
    for exp in [known[n] for n in args.names] or EXPERIMENTS:
        if not args.readme_only:
            print(f"{exp.name}: rerun in {rerun(exp):.0f} s")
        for line in regenerate(exp.name, fresh=not args.readme_only):
            print(line)


if __name__ == "__main__":
    main()
