"""The run dashboard: four panels with the lifecycle stages as coloured bands.

Panels: members by join channel (stacked), members by state (active today, quiet 潜水, muted
免打扰, as bands of the membership), content (expert vs member posts), leaving and muting (leaves and
mutes per day, the churn rate). Labels are bilingual; a CJK font is used when one is
installed, otherwise labels fall back to English only so no empty boxes are drawn. The dashboard
is drawn on a figure of its own with the Agg canvas, never through pyplot, so importing this module
(sim.runner does) leaves matplotlib's backend as the caller set it.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import matplotlib
from matplotlib import font_manager
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from sim.lifecycle import Stage
from sim.palette import CHANNEL_COLOURS, CHANNEL_NAMES, STAGE_COLOURS, STATE_COLOURS, STATE_NAMES

__all__ = ["STAGE_COLOURS", "cjk_font", "dashboard_figure", "save_dashboard"]
CJK_FONTS = ("Noto Sans CJK SC", "Noto Sans CJK JP", "Source Han Sans SC", "WenQuanYi Zen Hei", "SimHei")


@lru_cache(maxsize=1)
def cjk_font() -> str | None:
    """Name of an installed font that can draw Chinese, if any. Fonts installed after matplotlib
    built its font cache (e.g. fonts-noto-cjk added later) are registered on first use."""

    def known():
        names = {f.name for f in font_manager.fontManager.ttflist}
        return next((n for n in CJK_FONTS if n in names), None)

    if known() is None:
        for path in font_manager.findSystemFonts():
            if "CJK" in Path(path).name or "WenQuanYi" in path:
                font_manager.fontManager.addfont(path)
    return known()


def _label(zh: str, en: str, has_cjk: bool) -> str:
    return f"{zh} {en}" if has_cjk else en


def draw_stage_bands(ax, stages, has_cjk: bool, last_day: int) -> None:
    """Shade each stage spell on `ax`."""
    for row in stages.itertuples():
        stage = Stage[row.stage]
        ax.axvspan(row.first_day, min(row.last_day + 1, last_day), color=STAGE_COLOURS[stage], lw=0, zorder=0)


def save_dashboard(ts, stages, cfg, path: str | Path) -> None:
    """Draw the four-panel dashboard of one run to `path` (PNG)."""
    dashboard_figure(ts, stages, cfg).savefig(path, dpi=110, format="png")


def dashboard_figure(ts, stages, cfg) -> Figure:
    """The four-panel dashboard of one run as a figure (on an Agg canvas)."""
    font = cjk_font()
    has_cjk = font is not None
    rc = {"font.family": [font, "DejaVu Sans"]} if has_cjk else {}
    with matplotlib.rc_context(rc):
        fig = Figure(figsize=(13, 8))
        FigureCanvasAgg(fig)
        axes = fig.subplots(2, 2, sharex=True)
        day = ts["day"]
        last = int(day.iloc[-1])
        for ax in axes.flat:
            draw_stage_bands(ax, stages, has_cjk, last)
            ax.grid(alpha=0.3)
        ax = axes[0, 0]
        # The app, the animations and the storyboard use the same channel colours (sim/palette.py).
        ax.stackplot(day, [ts[f"members_{en}"] for _, en in CHANNEL_NAMES.values()],
                     labels=[_label(zh, en, has_cjk) for zh, en in CHANNEL_NAMES.values()],
                     colors=[CHANNEL_COLOURS[c] for c in CHANNEL_NAMES], alpha=0.85)
        ax.set_title(_label("成员(按来源)", "Members by channel", has_cjk))
        ax.legend(loc="upper left", fontsize=8)
        ax = axes[0, 1]
        members = ts["members"].where(ts["members"] > 0, 1)
        active = (ts["daily_active"] / members).clip(0, 1).rolling(7, min_periods=1).mean()
        muted = (ts["muted"] / members).clip(0, 1)
        quiet = (1.0 - active - muted).clip(lower=0)
        ax.stackplot(day, [active, quiet, muted], colors=list(STATE_COLOURS.values()), alpha=0.9,
                     labels=[_label(*STATE_NAMES[k], has_cjk) for k in STATE_COLOURS])
        ax.set_ylim(0, 1)
        ax.set_title(_label("成员状态", "Members by state (share; active: 7-day mean)", has_cjk))
        ax.legend(loc="upper right", fontsize=8)
        ax = axes[1, 0]
        ax.plot(day, ts["posts_member"].rolling(7, min_periods=1).mean(), label=_label("成员内容", "member posts", has_cjk))
        ax.plot(day, ts["posts_expert"].rolling(7, min_periods=1).mean(), label=_label("专家内容", "expert posts", has_cjk))
        ax.set_title(_label("内容量", "Posts per day (7-day mean)", has_cjk))
        ax.legend(loc="upper left", fontsize=8)
        ax.set_xlabel(_label("天", "day", has_cjk))
        ax = axes[1, 1]
        ax.bar(day, ts["leaves"], color="#d62728", alpha=0.5, width=1.0, label=_label("流失人数", "leaves/day", has_cjk))
        ax.plot(day, ts["mutes"].rolling(7, min_periods=1).mean(), color="#636363", lw=1.2,
                label=_label("免打扰人数", "mutes/day (7-day mean)", has_cjk))
        ax.set_xlabel(_label("天", "day", has_cjk))
        ax2 = ax.twinx()
        ax2.plot(day, ts["churn_rate"].rolling(7, min_periods=1).mean(), color="black", lw=1.5, label="churn rate")
        ax2.set_ylabel(_label("流失率/天", "churn rate per day", has_cjk))
        ax.set_title(_label("流失与沉默", "Leaving and muting", has_cjk))
        ax.legend(loc="upper left", fontsize=8)
        handles = [Rectangle((0, 0), 1, 1, color=STAGE_COLOURS[Stage[s]]) for s in stages["stage"].unique()]
        labels = [Stage[s].label if has_cjk else Stage[s].name for s in stages["stage"].unique()]
        fig.legend(handles, labels, loc="lower center", ncol=len(labels), frameon=False)
        fig.suptitle(f"{cfg.scenario} · seed {cfg.seed} · {cfg.days} days", fontsize=12)
        fig.tight_layout(rect=(0, 0.04, 1, 0.97))
    return fig
