"""The key performance indicators a strategist compares runs on, read off a daily time series.

Every KPI is computed from the time series alone (columns of sim/metrics.py), so a run in memory, a
run folder on disk and a collected sweep give the same numbers. A KPI says its unit and whether
higher is better, which the comparison uses to decide what "beating the baseline" means.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from sim import accounts
from sim.lifecycle import Stage

RECENT_DAYS = 28  # "recent" averages use the last four weeks, as the run summary does
HEALTHY_STAGES = (Stage.GROW, Stage.ACTIVE, Stage.MATURE, Stage.EXPANSION)
# the values a KPI can take, by unit: shares lie in [0, 1], a return on cost cannot lose more than
# the cost; every other unit is a count, an amount of money or a number of days, never negative
BOUNDS_BY_UNIT: dict[str, tuple[float | None, float | None]] = {"share": (0.0, 1.0), "ratio": (-1.0, None),
                                                                 "stage": (None, None)}


@dataclass(frozen=True)
class Kpi:
    """One indicator: how to read it off a time series and which direction is better."""

    name: str
    label: str
    unit: str
    higher_is_better: bool
    read: Callable[[pd.DataFrame], float]
    zh: str = ""  # Chinese label, for the verdict and the summary table
    kind: str = "number"  # "number", or "stage": a stage code, summarised by the modal stage, not a mean

    @property
    def bounds(self) -> tuple[float | None, float | None]:
        """The lowest and highest value the KPI can take (None: unbounded)."""
        return BOUNDS_BY_UNIT.get(self.unit, (0.0, None))


def members_final(ts: pd.DataFrame) -> float:
    """Members on the last simulated day."""
    return float(ts["members"].iloc[-1])


def ever_joined(ts: pd.DataFrame) -> float:
    """Everyone who was ever a member: the founders plus every join."""
    return float(ts["members_founder"].iloc[0] + ts["joins"].iloc[1:].sum())


def retention(ts: pd.DataFrame) -> float:
    """Share of everyone who ever joined who is still a member at the end."""
    joined = ever_joined(ts)
    return members_final(ts) / joined if joined else float("nan")


def cost_total(ts: pd.DataFrame) -> float:
    """Every cost the model counts over the run (yuan; see the `cost` metric for what is in it)."""
    return float(ts["cost"].sum())


def cost_per_retained_member(ts: pd.DataFrame) -> float:
    """Yuan spent per member still there at the end (NaN with no member left)."""
    kept = members_final(ts)
    return cost_total(ts) / kept if kept else float("nan")


def days_to_stage(ts: pd.DataFrame, stage: Stage) -> float:
    """First day the community is in `stage` or a later healthy stage; NaN if never reached."""
    codes = ts["stage"].to_numpy()
    later = [int(s) for s in HEALTHY_STAGES if s >= stage]
    hit = np.flatnonzero(np.isin(codes, later))
    return float(ts["day"].iloc[hit[0]]) if hit.size else float("nan")


def stage_at_end(ts: pd.DataFrame) -> float:
    """Stage code on the last day (DECLINE, the warning, included)."""
    return float(ts["stage"].iloc[-1])


def highest_stage(ts: pd.DataFrame) -> float:
    """Code of the latest healthy stage the community reached by the end of the run."""
    codes = ts["stage"].to_numpy()
    healthy = codes[codes <= int(Stage.EXPANSION)]  # DECLINE is a warning, not a later stage
    return float(healthy.max()) if healthy.size else float(Stage.CREATE)


def recent_mean(column: str, per_member: bool = False) -> Callable[[pd.DataFrame], float]:
    """Mean of a daily column over the last four weeks (divided by that day's members when asked);
    NaN when the series lacks it."""
    def read(ts: pd.DataFrame) -> float:
        if column not in ts:
            return float("nan")
        tail = ts.tail(RECENT_DAYS)
        values = tail[column] / tail["members"].where(tail["members"] > 0) if per_member else tail[column]
        return float(values.mean())
    return read


def members_per_10k_yuan(ts: pd.DataFrame) -> float:
    """Members at the end per 10,000 yuan of total cost (NaN without cost)."""
    cost = cost_total(ts)
    return members_final(ts) / cost * 1e4 if cost else float("nan")


def roi(ts: pd.DataFrame) -> float:
    """(margin - cost) / cost over the run; NaN without cost or without a margin column."""
    return accounts.roi(ts)


def total_of(column: str) -> Callable[[pd.DataFrame], float]:
    """The run's total of a daily column; NaN when the series lacks it (a run of an older model)."""
    return lambda ts: float(ts[column].sum()) if column in ts else float("nan")


def payback_day(ts: pd.DataFrame) -> float:
    """Day from which cumulative margin covers cumulative cost for good (sim/accounts.py); NaN when
    the run ends short of its cost, or lacks a margin column."""
    if "margin" not in ts:
        return float("nan")
    day = accounts.payback_day(ts["day"], ts["margin"], ts["cost"])
    return float("nan") if day is None else float(day)


def standard_kpis() -> tuple[Kpi, ...]:
    """The KPIs every comparison, sweep summary and analysis can use."""
    kpis = [
        Kpi("members_final", "members at the last day", "people", True, members_final, "期末成员数"),
        Kpi("active_share_recent", "daily active share, last 4 weeks", "share", True,
            lambda ts: float(ts["active_share"].tail(RECENT_DAYS).mean()), "近4周日活占比"),
        Kpi("dau_recent", "daily active members (DAU), last 4 weeks", "people", True, recent_mean("daily_active"),
            "近4周日活人数"),
        Kpi("wau_share_recent", "weekly active share (WAU / members), last 4 weeks", "share", True,
            recent_mean("weekly_active", per_member=True), "近4周周活占比"),
        Kpi("mau_share_recent", "monthly active share (MAU / members), last 4 weeks", "share", True,
            recent_mean("monthly_active", per_member=True), "近4周月活占比"),
        Kpi("retention", "still members / ever joined", "share", True, retention),
        Kpi("posts_member_total", "member posts over the run", "posts", True,
            lambda ts: float(ts["posts_member"].sum())),
        Kpi("member_content_share", "member-written share of posts, last 4 weeks", "share", True,
            lambda ts: _ratio(ts.tail(RECENT_DAYS), "posts_member", "posts_expert")),
        Kpi("cost_total", "total cost over the run", "yuan", False, cost_total, "总花费"),
        Kpi("cost_per_retained_member", "cost per member at the end", "yuan/person", False,
            cost_per_retained_member, "每留存成员成本"),
        Kpi("members_per_10k_yuan", "members at the end per 10,000 yuan of cost", "people/10k yuan", True,
            members_per_10k_yuan, "每万元期末成员"),
        Kpi("revenue", "revenue over the run: orders + membership fees", "yuan", True, total_of("revenue")),
        Kpi("margin", "margin over the run: order value x gross margin + fees less the platform's share", "yuan",
            True, total_of("margin")),
        Kpi("roi", "return on cost: (margin - cost) / cost", "ratio", True, roi),
        Kpi("payback_day", "day from which cumulative margin covers cumulative cost (NaN: never pays back in the run)",
            "days", False, payback_day),
    ]
    for stage in HEALTHY_STAGES:
        kpis.append(Kpi(f"days_to_{stage.name}", f"days to reach {stage.zh} {stage.name}", "days", False,
                        lambda ts, s=stage: days_to_stage(ts, s), f"到达{stage.zh}天数"))
    kpis += [
        Kpi("stage_end", "stage on the last day (modal over seeds)", "stage", True, stage_at_end, "期末阶段",
            "stage"),
        Kpi("stage_reached", "latest healthy stage reached (modal over seeds)", "stage", True, highest_stage,
            "达到的最高阶段", "stage"),
    ]
    return tuple(kpis)


def _ratio(ts: pd.DataFrame, num: str, other: str) -> float:
    a, b = float(ts[num].sum()), float(ts[other].sum())
    return a / (a + b) if a + b else float("nan")


def kpi_row(ts: pd.DataFrame, kpis: tuple[Kpi, ...]) -> dict[str, float]:
    """Every KPI of one run, by name."""
    return {k.name: k.read(ts) for k in kpis}


def kpi_by_name(name: str, kpis: tuple[Kpi, ...] | None = None) -> Kpi:
    """Look a KPI up by name; ValueError naming the allowed ones otherwise."""
    kpis = kpis or standard_kpis()
    for k in kpis:
        if k.name == name:
            return k
    raise ValueError(f"no KPI named {name!r}; allowed: {', '.join(k.name for k in kpis)}")
