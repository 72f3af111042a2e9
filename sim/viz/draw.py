"""Drawing the trainer's pictures on matplotlib axes: the members' network and the KPI panels.

Shared by the interactive app (sim/viz/app.py) and the animations (sim/viz/animate.py). Labels are
in the language asked for (中文, English or both, sim/viz/lang.py) when a CJK font is installed and
English otherwise (sim/dashboard.py `cjk_font`), so no empty boxes are drawn. Functions take `Figure`/`Axes` objects, never pyplot state, so the app
can draw from several threads.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from matplotlib.collections import LineCollection
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from sim import population
from sim.dashboard import cjk_font
from sim.lifecycle import Stage
from sim.palette import (
    CHANNEL_COLOURS,
    CHANNEL_NAMES,
    STAGE_COLOURS,
    STATE_COLOURS,
    STATE_NAMES,
    TOXICITY_COLOUR,
)
from sim.viz.events import LABELS
from sim.viz.lang import BOTH, EN, pick, stage_text
from sim.viz.layout import tie_ends

CHANNEL_STYLE = {  # colour, Chinese, English (the dashboard's channel names), from sim/palette.py
    channel: (CHANNEL_COLOURS[channel], zh, en) for channel, (zh, en) in CHANNEL_NAMES.items()
}
# Engagement tiers for colouring (thresholds are a drawing choice, not a model parameter).
ENGAGEMENT_TIERS = (
    (0.7, "#6a3d9a", "核心", "core"),
    (0.4, "#1f77b4", "活跃", "engaged"),
    (0.0, "#a6cee3", "边缘", "casual"),
)
TIER_COLOURS = ("#9e9e9e", "#41ab5d", "#2171b5", "#cb181d")  # newcomer, regular, core, VIP
CORE_SIZE, CORE_EDGE = 26, "#222222"  # the core's dots: larger, outlined (a drawing choice)
COLOUR_MODES = ("state", "channel", "engagement", "tier")
MODE_NAMES = {  # the colourings' names on the app's toggle
    "state": ("状态", "state"),
    "channel": ("来源", "channel"),
    "engagement": ("参与度", "engagement"),
    "tier": ("分层", "tier"),
}
KPI_PANELS = ("members", "active_share", "content", "churn", "cost", "toxicity")
# The four a class follows on a projector: growth and where it comes from, how many are really
# there, who writes (members taking over from experts marks 成熟期), and what a spam wave does.
CLASS_PANELS = ("members", "state", "content", "toxicity")


def font_rc(lang: str = BOTH) -> tuple[dict, str]:
    """rcParams that draw Chinese when a CJK font is installed, and the language labels can use:
    `lang` ("both", "zh" or "en", sim/viz/lang.py), or English when no CJK font is installed."""
    font = cjk_font()
    return ({"font.family": [font, "DejaVu Sans"]} if font else {}), lang if font else EN


def label(zh: str, en: str, lang: str) -> str:
    """'中文 English', '中文' or 'English' (sim/viz/lang.py `pick`)."""
    return pick(zh, en, lang)


def stage_label(stage: Stage, lang: str) -> str:
    """'成长期 GROW', '成长期' or 'GROW'."""
    return stage_text(stage, lang)


def colour_modes(model) -> list[str]:
    """The colourings this model supports (tiers only when the member table keeps them)."""
    return [m for m in COLOUR_MODES if m != "tier" or hasattr(model.table, "tier")]


def member_colours(model, rows: np.ndarray, mode: str) -> np.ndarray:
    """One colour per member row: by join channel, engagement band or user tier (用户分层)."""
    table = model.table
    out = np.empty(len(rows), dtype=object)
    if mode == "tier" and hasattr(table, "tier"):
        out[:] = np.asarray(TIER_COLOURS, dtype=object)[
            np.clip(table.tier[rows], 0, len(TIER_COLOURS) - 1)
        ]
        return out
    if mode == "engagement":
        eng = table.engagement[rows]
        out[:] = ENGAGEMENT_TIERS[-1][1]
        for lo, colour, _, _ in reversed(ENGAGEMENT_TIERS[:-1]):
            out[eng >= lo] = colour
        return out
    if mode == "state":
        out[:] = STATE_COLOURS["quiet"]
        out[np.asarray(table.muted[rows], dtype=bool)] = STATE_COLOURS["muted"]
        out[np.asarray(table.active[rows], dtype=bool)] = STATE_COLOURS["active"]
        return out
    codes = table.channel[rows]
    for channel, (colour, _, _) in CHANNEL_STYLE.items():
        out[codes == channel] = colour
    return out


def legend_handles(mode: str, lang: str) -> list[Line2D]:
    """Legend entries for the colour mode."""
    tier = getattr(population, "Tier", None)
    if mode == "tier" and tier is not None:
        items = [
            (TIER_COLOURS[t], label(t.zh, t.name.lower(), lang))
            for t in tier
            if t < len(TIER_COLOURS)
        ]
    elif mode == "engagement":
        items = [(c, label(zh, en, lang)) for _, c, zh, en in ENGAGEMENT_TIERS]
    elif mode == "state":
        items = [(STATE_COLOURS[k], label(*STATE_NAMES[k], lang)) for k in STATE_COLOURS]
    else:
        items = [(c, label(zh, en, lang)) for c, zh, en in CHANNEL_STYLE.values()]
    handles = [
        Line2D([], [], marker="o", ls="", color=c, label=text, markersize=6) for c, text in items
    ]
    core = label("核心/VIP", "core/VIP", lang)
    outline = {"markerfacecolor": "white", "markeredgecolor": CORE_EDGE}
    return [*handles, Line2D([], [], marker="o", ls="", label=core, markersize=8, **outline)]


def core_rows(table, rows: np.ndarray) -> np.ndarray:
    """Which of `rows` are the community's core (核心成员 and VIP tiers), when the table keeps tiers."""
    if not hasattr(table, "tier"):
        return np.zeros(len(rows), dtype=bool)
    return np.asarray(table.tier[rows]) >= population.Tier.CORE


def draw_members(ax, model, mode: str = "channel") -> list:
    """Draw today's members at their layout positions and the ties among them; returns the artists.

    Active members are drawn larger and opaque, the others faded, so a quiet community looks quiet;
    the core (核心成员 and VIP) are drawn larger still, outlined in black, on top.
    """
    table, layout = model.table, model.layout
    rows = np.flatnonzero(table.is_member & layout.placed)
    src, dst = tie_ends(layout, model.graph, table.is_member, getattr(model, "ties", None))
    segments = np.stack([layout.pos[src], layout.pos[dst]], axis=1).reshape(-1, 2, 2)
    # Ties within a chat group drawn as before, ties between groups faint: the groups stand out.
    within = layout.placed_group[src] == layout.placed_group[dst]
    artists = [
        ax.add_collection(
            LineCollection(segments[keep], colors="#555555", linewidths=0.3, alpha=a, zorder=1),
            autolim=False,
        )
        for keep, a in ((within, 0.25), (~within, 0.06))
    ]
    active = np.asarray(table.active[rows], dtype=bool)
    core = core_rows(table, rows)
    colours = member_colours(model, rows, mode)
    layers = (
        (~active & ~core, 0.5, 9, 0.0),
        (active & ~core, 1.0, 16, 0.0),
        (core, 1.0, CORE_SIZE, 0.5),
    )
    for shown, alpha, size, edge in layers:
        artists.append(
            ax.scatter(
                *layout.pos[rows[shown]].T,
                c=list(colours[shown]),
                s=size,
                alpha=alpha,
                lw=edge,
                edgecolors=CORE_EDGE if edge else "face",
                zorder=3 if edge else 2,
            )
        )
    return artists


def frame_network_axes(ax, extent: float, mode: str, lang: str) -> None:
    """Square, unticked axes of half-width `extent` with the colour legend."""
    ax.set_xlim(-extent, extent)
    ax.set_ylim(-extent, extent)
    ax.set_aspect("equal")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.legend(handles=legend_handles(mode, lang), loc="lower left", fontsize=7, framealpha=0.8)


def draw_network(
    ax, model, mode: str = "channel", lang: str = "en", extent: float | None = None
) -> int:
    """Draw the members' network with its legend; returns the number of members drawn.

    Args:
        ax: matplotlib Axes.
        model: a ClassroomModel, or anything with `table`, `layout` and `graph`.
        mode: "channel" or "engagement".
        lang: the labels' language ("both", "zh" or "en"; see font_rc).
        extent: half-width of the view (fixed across frames in animations); None fits today's members.
    """
    draw_members(ax, model, mode)
    rows = np.flatnonzero(model.table.is_member & model.layout.placed)
    if extent is None:
        extent = 1.15 * float(np.abs(model.layout.pos[rows]).max()) if len(rows) else 1.5
    frame_network_axes(ax, extent, mode, lang)
    return len(rows)


def draw_stage_bands(ax, stage_codes: np.ndarray) -> list:
    """Shade the days of each stage spell from the daily stage codes; returns the bands."""
    if len(stage_codes) == 0:
        return []
    change = np.flatnonzero(np.diff(stage_codes)) + 1
    starts = np.concatenate([[0], change])
    ends = np.concatenate([change, [len(stage_codes)]])
    return [
        ax.axvspan(a, b, color=STAGE_COLOURS[Stage(int(stage_codes[a]))], lw=0, zorder=0)
        for a, b in zip(starts, ends, strict=True)
    ]


def stage_legend_handles(lang: str) -> list[Patch]:
    """One swatch per stage, all six (衰退期 DECLINE included), in the palette's colours."""
    return [Patch(color=STAGE_COLOURS[s], label=stage_label(s, lang)) for s in Stage]


@dataclass(frozen=True)
class Marker:
    """A day to mark on the curves: an injected event (dashed) or a playbook switch (dotted)."""

    day: int
    zh: str
    en: str
    kind: str = "event"


def markers(model) -> list[Marker]:
    """Injected events (the model's EventBook) and playbook switches (the model's own log, if kept)."""
    out = [Marker(r.day, *LABELS[r.kind]) for r in model.events.log]
    for entry in model.state.events_log:
        if entry.get("kind") == "playbook":
            out.append(Marker(int(entry["day"]), "打法切换", "playbook switch", "playbook"))
    return sorted(out, key=lambda m: m.day)


def draw_event_markers(ax, marks: list[Marker], lang: str, text: bool = True) -> None:
    """Vertical lines at marked days: events dashed and named, playbook switches dotted.

    Playbook switches fall on stage changes, which the stage bands already show, so they get one
    key in the corner instead of a name per line (names would pile up at every stage change).
    """
    events = [m for m in marks if m.kind == "event"]
    for mark in marks:
        ax.axvline(
            mark.day, color="#444444", ls="--" if mark.kind == "event" else ":", lw=1, zorder=3
        )
    if not text:
        return
    for k, mark in enumerate(events):
        ax.text(
            mark.day,
            0.97 - 0.1 * (k % 3),
            f" {label(mark.zh, mark.en, lang)}",
            transform=ax.get_xaxis_transform(),
            fontsize=7,
            va="top",
            ha="left",
            color="#222222",
            zorder=4,
        )
    if len(events) < len(marks):
        ax.text(
            0.99,
            1.02,
            f"┆ {label('打法切换', 'playbook switch', lang)}",
            transform=ax.transAxes,
            fontsize=7,
            va="bottom",
            ha="right",
            color="#444444",
        )


def draw_kpi(ax, ts, panel: str, lang: str) -> None:
    """Draw one KPI panel of the daily time series `ts` (a DataFrame with a `day` column)."""
    day = ts["day"].to_numpy()
    roll = lambda col: ts[col].rolling(7, min_periods=1).mean()  # noqa: E731 - weekly smoothing
    if panel == "members":
        keys = [c for c in CHANNEL_STYLE if f"members_{CHANNEL_STYLE[c][2]}" in ts]
        ax.stackplot(
            day,
            [ts[f"members_{CHANNEL_STYLE[c][2]}"] for c in keys],
            colors=[CHANNEL_STYLE[c][0] for c in keys],
            labels=[label(CHANNEL_STYLE[c][1], CHANNEL_STYLE[c][2], lang) for c in keys],
            alpha=0.85,
        )
        ax.set_title(label("成员(按来源)", "Members by channel", lang), fontsize=9)
        ax.legend(loc="upper left", fontsize=6)
    elif panel == "active_share":
        ax.plot(day, ts["active_share"], color="#1f77b4", lw=0.8, alpha=0.4)
        ax.plot(day, roll("active_share"), color="#1f77b4", lw=1.8)
        ax.set_ylim(0, 1)
        ax.set_title(label("日活占比", "Daily active share", lang), fontsize=9)
    elif panel == "content":
        ax.plot(day, roll("posts_member"), label=label("成员内容", "member posts", lang))
        ax.plot(day, roll("posts_expert"), label=label("专家内容", "expert posts", lang))
        ax.set_title(label("内容量/天", "Posts per day", lang), fontsize=9)
        ax.legend(loc="upper left", fontsize=6)
    elif panel == "churn":
        # Lines, not bars: a bar per day costs a patch each and makes redrawing slow.
        ax.plot(day, ts["leaves"], color="#d62728", lw=0.8, alpha=0.4)
        ax.plot(day, roll("leaves"), color="#d62728", lw=1.8)
        ax.set_title(label("流失人数/天", "Leaves per day", lang), fontsize=9)
    elif panel == "cost":
        ax.plot(day, ts["cost"].cumsum(), color="#8c564b", lw=1.8)
        ax.set_title(label("累计成本(元)", "Cost so far (yuan)", lang), fontsize=9)
    elif panel == "state":
        members = ts["members"].where(ts["members"] > 0, 1)
        active = (ts["daily_active"] / members).clip(0, 1).rolling(7, min_periods=1).mean()
        muted = (ts["muted"] / members).clip(0, 1) if "muted" in ts else 0 * active
        quiet = (1.0 - active - muted).clip(lower=0)
        ax.stackplot(
            day,
            [active, quiet, muted],
            colors=list(STATE_COLOURS.values()),
            labels=[label(*STATE_NAMES[k], lang) for k in STATE_COLOURS],
            alpha=0.9,
        )
        ax.set_ylim(0, 1)
        ax.set_title(label("成员状态", "Members by state", lang), fontsize=9)
        ax.legend(loc="upper right", fontsize=6)
    elif panel == "toxicity":
        ax.plot(day, ts["toxicity"], color=TOXICITY_COLOUR, lw=1.8)
        # A fixed floor for the scale: a quiet community reads as flat, a spam wave as a peak.
        ax.set_ylim(0, max(0.2, 1.1 * float(ts["toxicity"].max())))
        ax.set_title(label("毒性", "Toxicity", lang), fontsize=9)
    ax.tick_params(labelsize=7)
    ax.locator_params(nbins=4)  # few ticks: each tick and grid line is drawn on every redraw
    ax.grid(alpha=0.3)


def kpi_panels(ts, panels=KPI_PANELS) -> list[str]:
    """The KPI panels this time series can fill (toxicity only when the model records it)."""
    return [p for p in panels if p != "toxicity" or "toxicity" in ts]
