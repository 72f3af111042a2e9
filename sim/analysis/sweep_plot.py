"""Small multiples of a collected sweep: how each operator KPI moves with a swept parameter.

One panel per KPI; along x the values of one swept parameter (numbers in order, choices as
labels); one line per combination of the other swept parameters; each point the mean over the
seeds run at it with a 95% Student-t band (sim/analysis/stats.py `band`). Parameters are named by
their meaning (sim/analysis/names.py).
"""

from __future__ import annotations

import math

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from sim.analysis.names import parameter_name
from sim.analysis.report import font_rc
from sim.analysis.stats import band

PANELS = ("members_final", "daily_active_recent", "monthly_active_share_recent", "revenue_total_yuan",
          "margin_total_yuan", "cost_total_yuan", "roi", "cost_per_retained_member_yuan", "payback_day",
          "days_to_ACTIVE")


def bounds(kpi: str) -> tuple[float | None, float | None]:
    """What a KPI can take: shares lie in [0, 1], ROI and margin can be negative, the rest cannot."""
    if "share" in kpi:
        return 0.0, 1.0
    return (-1.0, None) if kpi == "roi" else (None, None) if kpi.startswith("margin") else (0.0, None)


def panels_of(summary: pd.DataFrame, wanted=PANELS) -> list[str]:
    """The KPIs of `wanted` that the summary has as numbers with at least one value."""
    return [k for k in wanted if k in summary and pd.api.types.is_numeric_dtype(summary[k])
            and summary[k].notna().any()]


def plot_sweep(summary: pd.DataFrame, swept: list[str], x: str | None = None, kpis=PANELS):
    """Draw the sweep; returns the figure (None when nothing was swept or no KPI is there).

    Args:
        summary: one row per job (sim/analysis/collect.py), with `seed` and the swept columns.
        swept: the swept parameters.
        x: the parameter along x (default: the first numeric swept parameter, else the first).
        kpis: the KPIs to draw, one panel each, where the summary has them.
    """
    names = panels_of(summary, kpis)
    if not swept or not names:
        return None
    numeric = [p for p in swept if pd.api.types.is_numeric_dtype(summary[p])]
    x = x or (numeric[0] if numeric else swept[0])
    others = [p for p in swept if p != x]
    frame = summary.copy()
    if x in numeric:
        positions, ticks = frame[x].astype(float), None
    else:  # choices: one position each, in the order first met
        levels = list(dict.fromkeys(frame[x].astype(str)))
        positions, ticks = frame[x].astype(str).map({v: i for i, v in enumerate(levels)}), levels
    frame["_x"] = positions
    frame["_line"] = frame[others].astype(str).agg(", ".join, axis=1) if others else "all runs"
    rc, has_cjk = font_rc()
    with plt.rc_context(rc):  # text takes its font when made: draw it all inside
        return _draw(frame, names, x, others, ticks, has_cjk, summary["seed"].nunique())


def _draw(frame, names, x, others, ticks, has_cjk, n_seeds):
    cols = min(3, len(names))
    rows = math.ceil(len(names) / cols)
    fig, axes = plt.subplots(rows, cols, figsize=(4.2 * cols, 3.2 * rows), constrained_layout=True, squeeze=False)
    for ax, kpi in zip(axes.flat, names, strict=False):
        for i, (line, group) in enumerate(frame.groupby("_line", sort=True)):
            b = band(group.dropna(subset=[kpi]), kpi, "_x")
            ax.plot(b["_x"], b["mean"], marker="o", color=f"C{i}", label=line)
            lo, hi = bounds(kpi)  # a band over few seeds can run past what the KPI can take
            ax.fill_between(b["_x"], b["lo"].clip(lo, hi), b["hi"].clip(lo, hi), color=f"C{i}", alpha=0.2)
        ax.set_title(kpi, fontsize=10)
        if ticks is not None:
            ax.set_xticks(np.arange(len(ticks)), ticks)
        ax.grid(alpha=0.3)
    for ax in list(axes.flat)[len(names):]:
        ax.set_visible(False)
    fig.supxlabel(parameter_name(x, chinese=has_cjk))
    if others:
        legend = " / ".join(parameter_name(p, chinese=has_cjk) for p in others)
        axes.flat[0].legend(title=legend, fontsize=7, title_fontsize=7)
    fig.suptitle(f"mean over seeds with 95% band ({n_seeds} seeds)", fontsize=10)
    return fig
