"""Rendering the animation's frames and the storyboard strip from captured snapshots.

A `Snapshot` is what the picture of one day needs: who is a member, who was active, their join
channel, engagement and state (muted or not), and the social graph of that day; positions come
from the run's `GrowingLayout`, which never moves anyone once placed. One figure is drawn once and
only its moving parts (the network, the curves and stage bands up to the frame's day, the cursor,
the caption) are redrawn per frame, so a few hundred frames take seconds and no frame shows the
future. Frames are 1280 x 720 pixels (even sizes, as H.264 wants).
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from types import SimpleNamespace

import matplotlib
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from sim.lifecycle import Stage
from sim.palette import STAGE_COLOURS
from sim.viz.draw import (
    draw_event_markers,
    draw_members,
    draw_network,
    draw_stage_bands,
    font_rc,
    frame_network_axes,
    label,
    stage_label,
    stage_legend_handles,
)
from sim.viz.lang import BOTH, day_text, pick_text

FRAME_SIZE = (12.8, 7.2)
FRAME_DPI = 100
PANEL_SIZE = (4.0, 4.6)


@dataclass
class Snapshot:
    """The state of one day, enough to draw the network as it was."""

    day: int
    stage: Stage
    members: int
    is_member: np.ndarray
    active: np.ndarray
    channel: np.ndarray
    engagement: np.ndarray
    graph: object
    ties: object = None  # ties formed inside the community, as of this day
    tier: np.ndarray | None = None
    muted: np.ndarray | None = None

    @classmethod
    def of(cls, model) -> Snapshot:
        """Copy what the picture needs from the model today."""
        t = model.table
        ties = getattr(model, "ties", None)
        if ties is not None:  # the tie list only grows: keep today's ends
            a, b = (x.copy() for x in ties.edges())
            ties = SimpleNamespace(edges=lambda: (a, b))
        tier = t.tier.copy() if hasattr(t, "tier") else None
        return cls(
            int(model.day),
            Stage(int(model.stage)),
            int(model.state.count.members),
            t.is_member.copy(),
            t.active.copy(),
            t.channel.copy(),
            t.engagement.copy(),
            model.graph,
            ties,
            tier,
            t.muted.copy(),
        )

    def as_model(self, layout) -> SimpleNamespace:
        """A stand-in with the attributes `draw_network` reads."""
        table = SimpleNamespace(
            is_member=self.is_member,
            active=self.active,
            channel=self.channel,
            engagement=self.engagement,
            muted=self.muted if self.muted is not None else np.zeros_like(self.is_member),
        )
        if self.tier is not None:
            table.tier = self.tier
        return SimpleNamespace(table=table, layout=layout, graph=self.graph, ties=self.ties)


def network_extent(layout, snapshots: list[Snapshot]) -> float:
    """One view size for every frame: everyone who was ever drawn fits."""
    ever = np.zeros(len(layout.pos), dtype=bool)
    for snap in snapshots:
        ever |= snap.is_member
    pos = layout.pos[ever & layout.placed]
    return 1.1 * float(np.abs(pos).max()) if len(pos) else 1.5


def _caption(snap: Snapshot, lang: str) -> str:
    members = f"{snap.members:,} {label('成员', 'members', lang)}"
    return f"{day_text(snap.day, lang)} · {stage_label(snap.stage, lang)} · {members}"


CURVES = (("members", "成员", "members"), ("active_share", "日活占比", "daily active share"))


def _curve_values(ts, col: str):
    return ts[col].rolling(7, min_periods=1).mean() if col == "active_share" else ts[col]


def _chart_axes(fig, ts, lang: str) -> list:
    """The two chart axes with their titles and fixed scales, but no data (drawn per frame)."""
    top = fig.add_axes((0.58, 0.50, 0.39, 0.36))
    bottom = fig.add_axes((0.58, 0.08, 0.39, 0.32), sharex=top)
    day = ts["day"].to_numpy()
    for ax, (col, zh, en) in zip((top, bottom), CURVES, strict=True):
        ax.set_title(label(zh, en, lang), fontsize=10, loc="left")
        ax.grid(alpha=0.3)
        ax.set_xlim(0, day[-1])
        high = float(_curve_values(ts, col).max())
        ax.set_ylim(0, 1.0 if col == "active_share" else max(1.0, 1.08 * high))
    bottom.set_xlabel(label("天", "day", lang))
    return [top, bottom]


def _charts_up_to(axes, ts, marks, upto: int, lang: str) -> list:
    """Curves, stage bands and markers of days 0..upto on the chart axes; returns the artists."""
    shown = ts[ts["day"] <= upto]
    day, artists = shown["day"].to_numpy(), []
    early = [m for m in marks if m.day <= upto]
    for k, (ax, (col, _, _)) in enumerate(zip(axes, CURVES, strict=True)):
        artists += draw_stage_bands(ax, shown["stage"].to_numpy())
        artists += ax.plot(day, _curve_values(shown, col), color="#1f3b73", lw=1.8)
        before = len(ax.lines) + len(ax.texts)
        draw_event_markers(ax, early, lang, text=k == 0)
        artists += _new_markers(ax, before)
    return artists


def _new_markers(ax, before: int) -> list:
    """Lines and texts added to `ax` since it held `before` of them (the markers just drawn)."""
    return [*ax.lines, *ax.texts][before:]


def lesson_caption(captions, day: int, width: int = 58) -> str:
    """The latest lesson caption on or before `day`, wrapped to two lines ('' before the first)."""
    shown = [text for cue_day, text in captions if cue_day <= day]
    return "\n".join(textwrap.wrap(shown[-1], width)[:2]) if shown else ""


def render_frames(
    snapshots, layout, ts, marks, title: str, mode: str = "state", captions=(), lang: str = BOTH
):
    """Yield one RGB frame (uint8, 720 x 1280 x 3) per snapshot.

    Args:
        snapshots: the captured days, in order.
        layout: the run's GrowingLayout (final positions).
        ts: the run's daily time series (DataFrame with day, members, active_share, stage).
        marks: days to mark on the curves (sim.viz.draw.markers: events, playbook switches).
        title: the figure's title (scenario and seed).
        mode: network colouring, one of sim.viz.draw.COLOUR_MODES.
        captions: a lesson's (day, caption) pairs; each frame shows the latest one so far.
        lang: the labels' language: "both", "zh" or "en" (sim/viz/lang.py).
    """
    rc, lang = font_rc(lang)
    extent = network_extent(layout, snapshots)
    with matplotlib.rc_context(rc):
        fig = Figure(figsize=FRAME_SIZE, dpi=FRAME_DPI)
        canvas = FigureCanvasAgg(fig)
        ax_net = fig.add_axes((0.02, 0.08, 0.5, 0.78))
        axes = _chart_axes(fig, ts, lang)
        cursors = [ax.axvline(0, color="#d62728", lw=2, zorder=5, animated=True) for ax in axes]
        fig.suptitle(title, x=0.02, y=0.985, ha="left", fontsize=11, color="#555555")
        # All six stage colours, so a class knows what a band (and 衰退期 DECLINE) means.
        fig.legend(
            handles=stage_legend_handles(lang),
            loc="lower left",
            ncol=6,
            fontsize=8,
            frameon=False,
            bbox_to_anchor=(0.015, 0.0),
            handlelength=1.2,
            columnspacing=0.8,
        )
        caption = fig.text(0.02, 0.925, "", fontsize=20, weight="bold", va="center", animated=True)
        cue = fig.text(0.98, 0.925, "", fontsize=11, ha="right", va="center", animated=True)
        frame_network_axes(ax_net, extent, mode, lang)
        # Blitting: axes, titles and legends are drawn once; each frame redraws the members, the
        # curves up to its day, the cursors and the caption over a copy of that background.
        canvas.draw()
        background = canvas.copy_from_bbox(fig.bbox)
        for snap in snapshots:
            canvas.restore_region(background)
            members = draw_members(ax_net, snap.as_model(layout), mode)
            charts = _charts_up_to(axes, ts, marks, snap.day, lang)
            for cursor in cursors:
                cursor.set_xdata([snap.day, snap.day])
            caption.set_text(_caption(snap, lang))
            caption.set_bbox(
                {
                    "facecolor": STAGE_COLOURS[snap.stage],
                    "edgecolor": "none",
                    "boxstyle": "round,pad=0.3",
                }
            )
            cue.set_text(lesson_caption(captions, snap.day))
            for artist in [*charts, *members, *cursors, caption, cue]:
                artist.set_animated(True)
                fig.draw_artist(artist)
            frame = np.asarray(canvas.buffer_rgba())[:, :, :3].copy()
            for artist in [*members, *charts]:
                artist.remove()
            yield frame


def render_storyboard(
    panels: list[Snapshot],
    layout,
    path,
    mode: str = "state",
    notes: dict | None = None,
    lang: str = BOTH,
) -> None:
    """Save a PNG strip with one panel per stage reached (each panel framed in its stage colour).

    Args:
        panels: one snapshot per stage reached.
        layout: the run's GrowingLayout.
        path: the PNG to write.
        mode: network colouring.
        notes: the stage notes (sim.viz.notes.first_notes), whose `why` becomes each panel's
            caption; a stage without a note (the founding) gets none.
        lang: the labels' language: "both", "zh" or "en" (sim/viz/lang.py).
    """
    rc, lang = font_rc(lang)
    extent = network_extent(layout, panels)
    notes = notes or {}
    with matplotlib.rc_context(rc):
        n = max(1, len(panels))
        fig = Figure(figsize=(PANEL_SIZE[0] * n, PANEL_SIZE[1]), dpi=100, facecolor="white")
        width = 1.0 / n
        for k, snap in enumerate(panels):
            # A coloured frame per panel, with white gutters between panels.
            fig.add_artist(
                Rectangle(
                    (k * width + 0.01, 0.02),
                    width - 0.02,
                    0.96,
                    transform=fig.transFigure,
                    facecolor=STAGE_COLOURS[snap.stage],
                    edgecolor="none",
                    zorder=0,
                )
            )
            ax = fig.add_axes((k * width + 0.025, 0.2, width - 0.05, 0.63))
            draw_network(ax, snap.as_model(layout), mode, lang, extent=extent)
            legend = ax.get_legend()
            if legend is not None and k > 0:
                legend.remove()  # one legend for the strip is enough
            if k == 0 and legend is not None:
                # A second legend replaces the first unless the first is kept as an artist.
                ax.add_artist(legend)
                ax.legend(handles=stage_legend_handles(lang), loc="upper right", fontsize=6)
            fig.text(
                k * width + width / 2,
                0.92,
                stage_label(snap.stage, lang),
                ha="center",
                fontsize=16,
                weight="bold",
            )
            sub = f"{day_text(snap.day, lang)} · {snap.members:,}"
            fig.text(k * width + width / 2, 0.865, sub, ha="center", fontsize=10)
            note = notes.get(snap.stage)
            if note is not None:
                fig.text(
                    k * width + 0.02,
                    0.185,
                    _why_caption(note.why, lang),
                    fontsize=7,
                    va="top",
                    ha="left",
                    wrap=False,
                )
        fig.savefig(path, format="png", facecolor="white")


def _why_caption(why: str, lang: str, width: int = 50) -> str:
    """The note's line in the panel's language (sim/viz/lang.py `pick_text`), wrapped for a panel."""
    return "\n".join(textwrap.wrap(pick_text(why, lang), width)[:5])
