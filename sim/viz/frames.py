"""Rendering the animation's frames and the storyboard strip from captured snapshots.

A `Snapshot` is what the picture of one day needs: who is a member, who was active, their join
channel and engagement, and the social graph of that day; positions come from the run's
`GrowingLayout`, which never moves anyone once placed. One figure is drawn once and only its
moving parts (the network, the cursor, the caption) are redrawn per frame, so a few hundred frames
take seconds. Frames are 1280 x 720 pixels (even sizes, as H.264 wants).
"""

from __future__ import annotations

from dataclasses import dataclass
from types import SimpleNamespace

import matplotlib
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from sim.dashboard import STAGE_COLOURS
from sim.lifecycle import Stage
from sim.viz.draw import (
    draw_event_markers,
    draw_members,
    draw_network,
    draw_stage_bands,
    font_rc,
    frame_network_axes,
    label,
    stage_label,
)

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
        )

    def as_model(self, layout) -> SimpleNamespace:
        """A stand-in with the attributes `draw_network` reads."""
        table = SimpleNamespace(
            is_member=self.is_member,
            active=self.active,
            channel=self.channel,
            engagement=self.engagement,
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


def _caption(snap: Snapshot, has_cjk: bool) -> str:
    members = f"{snap.members:,} 成员 members" if has_cjk else f"{snap.members:,} members"
    day = f"第 {snap.day} 天 day {snap.day}" if has_cjk else f"day {snap.day}"
    return f"{day} · {stage_label(snap.stage, has_cjk)} · {members}"


def render_frames(snapshots, layout, ts, marks, title: str, mode: str = "channel"):
    """Yield one RGB frame (uint8, 720 x 1280 x 3) per snapshot.

    Args:
        snapshots: the captured days, in order.
        layout: the run's GrowingLayout (final positions).
        ts: the run's daily time series (DataFrame with day, members, active_share, stage).
        marks: days to mark on the curves (sim.viz.draw.markers: events, playbook switches).
        title: the figure's title (scenario and seed).
        mode: network colouring, "channel" or "engagement".
    """
    rc, has_cjk = font_rc()
    extent = network_extent(layout, snapshots)
    with matplotlib.rc_context(rc):
        fig = Figure(figsize=FRAME_SIZE, dpi=FRAME_DPI)
        canvas = FigureCanvasAgg(fig)
        ax_net = fig.add_axes((0.02, 0.04, 0.5, 0.82))
        ax_members = fig.add_axes((0.58, 0.50, 0.39, 0.36))
        ax_active = fig.add_axes((0.58, 0.08, 0.39, 0.32), sharex=ax_members)
        day, stages = ts["day"].to_numpy(), ts["stage"].to_numpy()
        for ax, col, zh, en in (
            (ax_members, "members", "成员", "members"),
            (ax_active, "active_share", "日活占比", "daily active share"),
        ):
            draw_stage_bands(ax, stages)
            values = ts[col].rolling(7, min_periods=1).mean() if col == "active_share" else ts[col]
            ax.plot(day, values, color="#1f3b73", lw=1.8)
            ax.set_title(label(zh, en, has_cjk), fontsize=10, loc="left")
            ax.grid(alpha=0.3)
            ax.set_xlim(0, day[-1])
        draw_event_markers(ax_members, marks, has_cjk)
        draw_event_markers(ax_active, marks, has_cjk, text=False)
        ax_active.set_xlabel(label("天", "day", has_cjk))
        cursors = [
            ax.axvline(0, color="#d62728", lw=2, zorder=5, animated=True)
            for ax in (ax_members, ax_active)
        ]
        fig.suptitle(title, x=0.02, y=0.985, ha="left", fontsize=11, color="#555555")
        caption = fig.text(0.02, 0.925, "", fontsize=20, weight="bold", va="center", animated=True)
        frame_network_axes(ax_net, extent, mode, has_cjk)
        # Blitting: the curves, bands and legend are drawn once; each frame redraws only the
        # members, the cursors and the caption over a copy of that background.
        canvas.draw()
        background = canvas.copy_from_bbox(fig.bbox)
        for snap in snapshots:
            canvas.restore_region(background)
            members = draw_members(ax_net, snap.as_model(layout), mode)
            for cursor in cursors:
                cursor.set_xdata([snap.day, snap.day])
            caption.set_text(_caption(snap, has_cjk))
            caption.set_bbox(
                {
                    "facecolor": STAGE_COLOURS[snap.stage],
                    "edgecolor": "none",
                    "boxstyle": "round,pad=0.3",
                }
            )
            for artist in [*members, *cursors, caption]:
                artist.set_animated(True)
                fig.draw_artist(artist)
            frame = np.asarray(canvas.buffer_rgba())[:, :, :3].copy()
            for artist in members:
                artist.remove()
            yield frame


def render_storyboard(panels: list[Snapshot], layout, path, mode: str = "channel") -> None:
    """Save a PNG strip with one panel per stage reached (each panel framed in its stage colour)."""
    rc, has_cjk = font_rc()
    extent = network_extent(layout, panels)
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
            ax = fig.add_axes((k * width + 0.025, 0.05, width - 0.05, 0.78))
            draw_network(ax, snap.as_model(layout), mode, has_cjk, extent=extent)
            legend = ax.get_legend()
            if legend is not None and k > 0:
                legend.remove()  # one legend for the strip is enough
            fig.text(
                k * width + width / 2,
                0.92,
                stage_label(snap.stage, has_cjk),
                ha="center",
                fontsize=16,
                weight="bold",
            )
            sub = (
                f"第 {snap.day} 天 day {snap.day} · {snap.members:,}"
                if has_cjk
                else f"day {snap.day} · {snap.members:,}"
            )
            fig.text(k * width + width / 2, 0.865, sub, ha="center", fontsize=10)
        fig.savefig(path, format="png", facecolor="white")
