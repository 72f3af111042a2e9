"""A run's accounts, read off its daily time series: costs by kind, margin, return on cost, the
day the community pays back, acquisition cost per channel and a member's lifetime value.

Everything here is a pure function of the time series (columns of sim/metrics.py), so the run
summary (sim/runner.py) and the KPIs (sim/analysis/kpis.py) give the same numbers for a run in
memory, a run folder on disk or a collected sweep.

Formulas:
    ROI = (margin - cost) / cost over the run (margin: what the community keeps of its revenue).
    payback day = the first day d >= 1 from which cumulative margin >= cumulative cost (> 0) on
        every day to the end of the run; None when the run ends short of its cost.
    CAC per channel = what the channel spent / its joins: campaigns (campaign spend / campaign
        joins), referral (referral and fission rewards / referral joins), organic (nothing spent:
        0), blended (campaigns + rewards / all joins, founders apart).
    margin per member-month = margin / (member-days / 30).
    expected lifetime = 1 / the monthly leave rate, the rate read over the last 90 days (leaves /
        member-days x 30), at most LIFETIME_CAP_MONTHS.
    LTV = margin per member-month x expected lifetime (months); LTV/CAC with the blended CAC.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

COST_KINDS = (  # (summary name, metric) of every cost the `cost` metric adds up
    ("staff", "cost_staff"), ("tools", "cost_tools"), ("campaigns", "campaign_spend"),
    ("referral_rewards", "referral_rewards"), ("vip_perks", "cost_perks"), ("events", "cost_events"),
    ("reactivation", "cost_reactivation"),
)
LEAVE_RATE_WINDOW_DAYS = 90
# assumption: three years, about the span over which Schmitt, Skiera & Van den Bulte (2011) followed
# customers' value; a community with almost nobody leaving is not credited beyond it
LIFETIME_CAP_MONTHS = 36.0
DAYS_PER_MONTH = 30.0


def payback_day(days, margin, cost) -> int | None:
    """The day from which the cumulative margin covers the cumulative cost for good.

    The first day d >= 1 on which the cumulative margin reaches the cumulative cost and stays at or
    above it on every later day of the run. "For good", because prepaid fees can lift the
    cumulative margin above the cost on a launch day, before a year's salaries pull it back below.

    Args:
        days: the day of each row, ascending (the run's day 0, before anything happened, may be
            among them).
        margin, cost: the margin and the cost of each day (yuan), in the same order.

    Returns:
        That day, or None when the run ends with the cumulative margin below the cumulative cost
        (or with nothing ever spent).
    """
    days, margin, cost = (np.asarray(a, dtype=float) for a in (days, margin, cost))
    covered = (np.cumsum(margin) >= np.cumsum(cost)) & (np.cumsum(cost) > 0)
    if not covered.size or not covered[-1]:
        return None
    behind = np.flatnonzero(~covered | (days < 1))  # days not covered (day 0 never counts)
    first = behind[-1] + 1 if behind.size else 0
    return int(days[first]) if first < len(days) else None


def costs_by_kind(ts: pd.DataFrame) -> dict[str, float]:
    """Total cost of each kind over the run (yuan); a kind the series lacks counts 0."""
    return {kind: float(ts[col].sum()) if col in ts else 0.0 for kind, col in COST_KINDS}


def dominant_cost(ts: pd.DataFrame) -> tuple[str, float] | None:
    """(kind, share of all cost) of the largest cost; None without cost."""
    by_kind = costs_by_kind(ts)
    total = sum(by_kind.values())
    if total <= 0:
        return None
    kind = max(by_kind, key=by_kind.get)
    return kind, by_kind[kind] / total


def roi(ts: pd.DataFrame) -> float:
    """(margin - cost) / cost over the run; NaN without cost or without a margin column."""
    cost = float(ts["cost"].sum())
    if "margin" not in ts or not cost:
        return float("nan")
    return (float(ts["margin"].sum()) - cost) / cost


def cac_by_channel(ts: pd.DataFrame) -> dict[str, float | None]:
    """Acquisition cost per join (yuan) by channel and blended; None for a channel nobody joined by."""
    joins = {ch: float(ts[f"joins_{ch}"].iloc[1:].sum()) for ch in ("campaign", "referral", "organic")}
    spend = {"campaign": float(ts["campaign_spend"].sum()), "referral": float(ts["referral_rewards"].sum()),
             "organic": 0.0}
    cac = {ch: (spend[ch] / joins[ch] if joins[ch] else None) for ch in joins}
    all_joins = sum(joins.values())
    cac["blended"] = sum(spend.values()) / all_joins if all_joins else None
    return cac


def member_months(ts: pd.DataFrame) -> float:
    """Months of membership over the run (member-days from day 1 on / 30)."""
    return float(ts["members"].iloc[1:].sum()) / DAYS_PER_MONTH


def monthly_leave_rate(ts: pd.DataFrame, window: int = LEAVE_RATE_WINDOW_DAYS) -> float:
    """Share of members leaving per month over the last `window` days (leaves / member-days x 30)."""
    recent = ts.iloc[1:].tail(window)
    member_days = float(recent["members"].sum())
    return float(recent["leaves"].sum()) / member_days * DAYS_PER_MONTH if member_days else float("nan")


def expected_lifetime_months(ts: pd.DataFrame, rate: float | None = None) -> float:
    """1 / the monthly leave rate (`rate`, else computed), at most LIFETIME_CAP_MONTHS (the cap
    also when nobody leaves)."""
    rate = monthly_leave_rate(ts) if rate is None else rate
    if np.isnan(rate):
        return float("nan")
    return LIFETIME_CAP_MONTHS if rate <= 1.0 / LIFETIME_CAP_MONTHS else 1.0 / rate


def accounts(ts: pd.DataFrame) -> dict:
    """The run's accounts (yuan, days, months), rounded for the summary."""
    cost = float(ts["cost"].sum())
    margin = float(ts["margin"].sum())
    months = member_months(ts)
    per_member_month = margin / months if months else None
    leave_rate = monthly_leave_rate(ts)
    lifetime = expected_lifetime_months(ts, leave_rate)
    ltv = per_member_month * lifetime if per_member_month is not None and not np.isnan(lifetime) else None
    cac = cac_by_channel(ts)
    dominant = dominant_cost(ts)
    return {
        "orders_total": int(ts["orders"].sum()),
        "membership_fees_total_yuan": round(float(ts["membership_fees"].sum()), 2),
        "margin_total_yuan": round(margin, 2),
        "margin_share_of_cost": round(margin / cost, 4) if cost else None,
        "cost_dominant": {"kind": dominant[0], "share": round(dominant[1], 4)} if dominant else None,
        "payback_day": payback_day(ts["day"], ts["margin"], ts["cost"]),
        "cac_yuan": {k: _round(v) for k, v in cac.items()},
        "margin_per_member_month_yuan": _round(per_member_month),
        "monthly_leave_rate_recent": None if np.isnan(leave_rate) else round(leave_rate, 4),
        "expected_lifetime_months": None if np.isnan(lifetime) else round(lifetime, 2),
        "ltv_yuan": _round(ltv),
        "ltv_to_cac": round(ltv / cac["blended"], 2) if ltv is not None and cac["blended"] else None,
    }


def _round(x: float | None, digits: int = 2) -> float | None:
    return None if x is None else round(float(x), digits)
