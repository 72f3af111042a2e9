"""The answer first: a comparison's verdict in plain Chinese and English, and the compact KPI table.

A strategist reads the top of a report and stops, so the report opens with one sentence per arm
against the baseline on the primary KPI: who beats whom, by how much with its interval, on how
many seeds; a tie is said as a tie, and an interval that covers zero as "cannot be told apart",
never as a win. Then what each arm spent, and the stages an arm never reaches. The compact table
that follows has the arms as columns and the KPIs as rows: the mean and its interval, "never" for a
stage no seed reached, and the modal stage for the stage KPIs.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from sim.analysis.kpis import Kpi
from sim.analysis.report import fmt
from sim.lifecycle import Stage

ARM_ZH = {  # Chinese labels for the arm names strategists use, and the policy names
    "paid": "付费投放", "campaigns": "付费投放", "steady": "持续投放", "pulse": "脉冲投放",
    "referral": "裂变", "reward_per_join": "裂变奖励", "fission": "裂变活动", "open_invite": "老带新",
    "none": "不裂变", "mix": "混合", "mixed": "混合", "baseline": "基线",
}
UNIT_ZH = {"people": "人", "yuan": "元", "days": "天", "yuan/person": "元/人", "share": "", "ratio": "",
           "posts": "帖", "people/10k yuan": "人/万元"}


def arm_label(arm: str) -> str:
    """'paid' -> '付费投放 paid'; a name without a known Chinese label stays as given."""
    zh = ARM_ZH.get(arm.lower())
    return f"{zh} {arm}" if zh else arm


@dataclass(frozen=True)
class Versus:
    """One arm against the baseline on one KPI, over the seeds both have a value on."""

    arm: str
    baseline: str
    kpi: str  # English label
    kpi_zh: str
    unit: str
    higher_is_better: bool
    diff: float  # mean of arm - baseline
    lo: float
    hi: float
    wins: int  # seeds on which the arm did better
    ties: int
    n: int  # seeds paired
    level: float = 0.95


def _signed(x: float, unit: str) -> str:
    text = fmt(x)
    text = text if text.startswith("-") or text == "–" else f"+{text}"
    return f"{text} {unit}" if unit not in ("share", "ratio") else text


def verdict_sentence(v: Versus) -> tuple[str, str]:
    """(Chinese, English) sentence on who is better, by how much, and how sure.

    The winner is named only when the interval of the paired difference excludes zero; otherwise
    the two "cannot be told apart". A difference of zero on every seed is a tie.
    """
    a, b, pct = arm_label(v.arm), arm_label(v.baseline), f"{v.level:.0%}"
    zh_unit = UNIT_ZH.get(v.unit, v.unit)
    if v.n == 0 or not math.isfinite(v.diff):
        return (f"在{v.kpi_zh or v.kpi}上，{a} 与 {b} 无法比较：没有一个种子两者都有数值。",
                f"{a} and {b} cannot be compared on {v.kpi}: no seed gives both a value.")
    if v.ties == v.n:
        return (f"在{v.kpi_zh or v.kpi}上，{a} 与 {b} 打平：{v.n} 个种子上结果完全相同。",
                f"{a} and {b} tie on {v.kpi}: the same value on every one of {v.n} seeds.")
    ci = math.isfinite(v.lo) and math.isfinite(v.hi)
    if not ci or v.lo <= 0 <= v.hi:
        interval = (f"{pct} CI {fmt(v.lo)} to {fmt(v.hi)}" if ci else "too few seeds for an interval")
        interval_zh = (f"{pct} 置信区间 {fmt(v.lo)} 至 {fmt(v.hi)}" if ci else "种子太少，无区间")
        ties_en = f", {v.ties} tied" if v.ties else ""
        ties_zh = f"，{v.ties} 个打平" if v.ties else ""
        return (f"在{v.kpi_zh or v.kpi}上，{a} 与 {b} 无法区分（{a} 减 {b} = {_signed(v.diff, zh_unit)}，{interval_zh}；"
                f"{v.n} 个种子中 {a} 更好 {v.wins} 个{ties_zh}）。",
                f"{a} and {b} cannot be told apart on {v.kpi} ({a} minus {b}: {_signed(v.diff, v.unit)}, {interval}; "
                f"{a} better on {v.wins} of {v.n} seeds{ties_en}).")
    arm_better = (v.diff > 0) == v.higher_is_better
    win, lose = (a, b) if arm_better else (b, a)
    sign = 1 if arm_better else -1  # the difference as winner minus loser
    d = sign * v.diff
    lo, hi = sorted([sign * v.lo, sign * v.hi])
    won = v.wins if arm_better else v.n - v.wins - v.ties
    return (f"在{v.kpi_zh or v.kpi}上，{win} 胜过 {lose}（{_signed(d, zh_unit)}，{pct} 置信区间 {fmt(lo)} 至 {fmt(hi)}；"
            f"{v.n} 个种子中赢 {won} 个）。",
            f"{win} beats {lose} on {v.kpi} ({_signed(d, v.unit)}, {pct} CI {fmt(lo)} to {fmt(hi)}; "
            f"won {won} of {v.n} seeds).")


def versus_rows(table: pd.DataFrame, kpi: Kpi, baseline: str, level: float = 0.95) -> list[Versus]:
    """Every non-baseline arm against the baseline on `kpi`, from the comparison's number table."""
    rows = table[(table["kpi"] == kpi.name) & (table["arm"] != baseline)]
    out = []
    for r in rows.itertuples(index=False):
        n = int(r.n_pairs) if pd.notna(r.n_pairs) else 0
        wins, ties = (int(round(share * n)) if pd.notna(share) else 0 for share in (r.wins, r.ties))
        out.append(Versus(r.arm, baseline, kpi.label, kpi.zh, kpi.unit, kpi.higher_is_better, r.diff, r.diff_lo,
                          r.diff_hi, wins, ties, n, level))
    return out


def spend_clause(spend: dict[str, float], equal: bool) -> tuple[str, str]:
    """(zh, en): 'at the same spend (about X yuan each)' or each arm's spend."""
    if equal:
        mean = sum(spend.values()) / len(spend)
        return f"花费相同（各约 {mean:,.0f} 元）", f"at the same spend (about {mean:,.0f} yuan each)"
    each = ", ".join(f"{arm_label(a)} {v:,.0f}" for a, v in spend.items())
    return f"花费不同（{each} 元）", f"spending different totals ({each} yuan; not held equal)"


def never_clauses(kpi_runs: pd.DataFrame, stages=(Stage.MATURE, Stage.EXPANSION)) -> tuple[list[str], list[str]]:
    """(zh, en) clauses for every arm that reaches a stage on no seed (the first such stage)."""
    zh, en = [], []
    for arm, rows in kpi_runs.groupby("arm", sort=False):
        for stage in stages:
            column = f"days_to_{stage.name}"
            if column in rows and rows[column].isna().all():
                zh.append(f"{arm_label(arm)} 从未进入{stage.zh}")
                en.append(f"{arm_label(arm)} never reaches {stage.zh} {stage.name}")
                break
    return zh, en


def headline(table: pd.DataFrame, kpi_runs: pd.DataFrame, primary: Kpi, baseline: str,
             equal_spend: bool, level: float = 0.95) -> list[str]:
    """The report's opening lines: per arm, a Chinese sentence then an English one, then the
    spend and the stages never reached."""
    lines = []
    for v in versus_rows(table, primary, baseline, level):
        zh, en = verdict_sentence(v)
        lines += [zh, en]
    spend = kpi_runs.groupby("arm", sort=False)["cost_total"].mean().to_dict()
    s_zh, s_en = spend_clause(spend, equal_spend)
    n_zh, n_en = never_clauses(kpi_runs)
    lines.append("；".join([s_zh, *n_zh]) + "。")
    lines.append("; ".join([s_en[0].upper() + s_en[1:], *n_en]) + ".")
    return lines


def _cell(row, kpi: Kpi) -> str:
    if kpi.kind == "stage":
        if not math.isfinite(row["mean"]):
            return "–"
        return f"{Stage(int(row['mean'])).label} ({int(row['mode_count'])}/{int(row['n_seeds'])})"
    if row["n"] == 0:
        return {"payback_day": "never pays back 未回本"}.get(kpi.name, "never 从未" if kpi.name.startswith("days_to_") else "–")
    text = fmt(row["mean"]) + (f" [{fmt(row['lo'])}, {fmt(row['hi'])}]" if math.isfinite(row["lo"]) else "")
    if row["n"] < row["n_seeds"]:
        text += f" ({int(row['n'])}/{int(row['n_seeds'])} seeds" + ("; never on the others)" if
                                                                   kpi.name.startswith("days_to_") else ")")
    return text


def summary_table(table: pd.DataFrame, kpis: tuple[Kpi, ...], primary: Kpi, level: float = 0.95) -> pd.DataFrame:
    """KPIs as rows (spend first, then the primary KPI), arms as columns: mean [CI]."""
    arms = list(dict.fromkeys(table["arm"]))
    by_name = {k.name: k for k in kpis}
    order = ["cost_total", primary.name] + [k.name for k in kpis if k.name not in ("cost_total", primary.name)]
    indexed = table.set_index(["kpi", "arm"])
    rows = []
    for name in order:
        k = by_name[name]
        unit = "" if k.unit == "stage" else f" ({k.unit})"
        head = f"{k.label} {k.zh}{unit}".replace("  ", " ")
        rows.append({f"KPI (mean [{level:.0%} CI])": head,
                     **{arm_label(a): _cell(indexed.loc[(name, a)], k) for a in arms}})
    return pd.DataFrame(rows)
