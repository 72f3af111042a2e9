"""The pictures of the trainer's page: the stage banner, the members' network and the KPI charts.

Each is a Solara component of one model, redrawn when the page's update counter moves (after a
tick of Play, a Step, an event). Figures are rendered to PNG here and shown as plain `<img>`
elements, so the page's CSS alone decides their size (they shrink to fit a 1280 x 720 projector
instead of pushing each other below the fold). `view_png` draws the same view into one image
for the export button.
"""

from __future__ import annotations

import base64
import html
import io

import matplotlib
import solara
from matplotlib.figure import Figure
from mesa.visualization.utils import update_counter

from sim.lifecycle import Stage
from sim.palette import STAGE_COLOURS
from sim.viz.draw import (
    CLASS_PANELS,
    draw_event_markers,
    draw_kpi,
    draw_network,
    draw_stage_bands,
    font_rc,
    kpi_panels,
    label,
    markers,
)
from sim.viz.notes import stage_notes

NETWORK_SIZE_IN = (5.6, 5.6)
CHARTS_SIZE_IN = (6.4, 7.0)
DPI = 96  # sharp on a 1920 x 1080 projector, scaled down on 1280 x 720


def png_bytes(fig: Figure) -> bytes:
    """The figure as PNG bytes."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return buf.getvalue()


def img_html(data: bytes, css_class: str, alt: str) -> str:
    """An `<img>` element showing PNG `data` inline."""
    src = base64.b64encode(data).decode("ascii")
    return f'<img class="{css_class}" alt="{html.escape(alt)}" src="data:image/png;base64,{src}"/>'


def network_figure(model, mode: str, prefix: str = "") -> Figure:
    """The members' network coloured by `mode`, titled with the member count (after `prefix`,
    the split view's arm letter)."""
    rc, has_cjk = font_rc()
    with matplotlib.rc_context(rc):
        fig = Figure(figsize=NETWORK_SIZE_IN, dpi=DPI)
        ax = fig.add_axes((0.01, 0.01, 0.98, 0.93))
        n = draw_network(ax, model, mode, has_cjk)
        title = label("成员网络", "members' network", has_cjk) + f" · {n:,}"
        ax.set_title(prefix + title, fontsize=11)
    return fig


def draw_charts(fig, axes, model) -> None:
    """The class's KPI panels on `axes`, with stage bands and event markers."""
    ts = model.recorder.frame()
    _, has_cjk = font_rc()
    marks = markers(model)
    panels = kpi_panels(ts, CLASS_PANELS)
    for ax, panel in zip(axes, panels, strict=False):
        draw_stage_bands(ax, ts["stage"].to_numpy())
        draw_kpi(ax, ts, panel, has_cjk)
        draw_event_markers(ax, marks, has_cjk, text=False)  # named in the lesson log
        ax.set_xlim(0, max(model.cfg.days, 1))
    for ax in axes[len(panels) :]:
        ax.set_visible(False)


def charts_figure(model) -> Figure:
    """Four KPI panels in a 2 x 2 grid."""
    rc, _ = font_rc()
    with matplotlib.rc_context(rc):
        fig = Figure(figsize=CHARTS_SIZE_IN, dpi=DPI)
        axes = list(fig.subplots(2, 2, sharex=True).flat)
        draw_charts(fig, axes, model)
        # Fixed margins: tight_layout would measure every label on every redraw.
        fig.subplots_adjust(left=0.08, right=0.98, top=0.95, bottom=0.05, hspace=0.22, wspace=0.22)
    return fig


def view_png(model, mode: str) -> bytes:
    """The page's view in one PNG (network, charts, the banner's line as a title), for export."""
    rc, has_cjk = font_rc()
    with matplotlib.rc_context(rc):
        fig = Figure(figsize=(16, 8), dpi=100, facecolor="white")
        ax_net = fig.add_axes((0.01, 0.02, 0.42, 0.84))
        draw_network(ax_net, model, mode, has_cjk)
        grid = fig.add_gridspec(2, 2, left=0.48, right=0.98, top=0.86, bottom=0.05, hspace=0.25)
        axes = [fig.add_subplot(grid[i, j]) for i in range(2) for j in range(2)]
        draw_charts(fig, axes, model)
        stage = Stage(int(model.stage))
        fig.text(
            0.01,
            0.95,
            headline(model),
            fontsize=15,
            weight="bold",
            va="center",
            bbox={"facecolor": STAGE_COLOURS[stage], "edgecolor": "none"},
        )
    return png_bytes(fig)


def headline(model) -> str:
    """'成长期 GROW · 第 30 天 day 30 · 152 成员 members · 41 今日活跃 active today (27%)'."""
    stage = Stage(int(model.stage))
    members, active = model.state.count.members, model.state.tally.active
    share = active / model.state.tally.members_start if model.state.tally.members_start else 0.0
    return (
        f"{stage.label} · 第 {model.day} 天 day {model.day} · {members:,} 成员 members · "
        f"{active:,} 今日活跃 active today ({share:.0%})"
    )


def legend_html() -> str:
    """The six stage colours as chips, 衰退期 DECLINE included."""
    chips = "".join(
        f'<span class="stage-chip" style="background:{STAGE_COLOURS[s]}">{s.label}</span>'
        for s in Stage
    )
    return f'<div class="stage-legend">{chips}</div>'


@solara.component
def StageBanner(model):
    """Stage, day and counts on the stage's colour; the latest stage note; the stage legend."""
    update_counter.get()
    stage = Stage(int(model.stage))
    notes = stage_notes(model.state.events_log)
    style = {"background": STAGE_COLOURS[stage]}
    with solara.Column(style=style, classes=["stage-banner"], gap="2px"):
        solara.HTML(
            tag="div",
            unsafe_innerHTML=f"<span class='stage-name'>{stage.label}</span>"
            f"<span class='stage-day'>{headline(model).split(' · ', 1)[1]} · "
            f"{model.cfg.scenario}</span>",
            classes=["stage-label"],
        )
        if notes:
            note = notes[-1]
            switched = f"<br/>{html.escape(note.switch_text)}" if note.switched else ""
            solara.HTML(
                tag="div",
                unsafe_innerHTML=f"第 {note.day} 天 day {note.day}: {html.escape(note.why)}{switched}",
                classes=["stage-note"],
            )
        if getattr(model, "captions", None):
            cue = model.captions[-1]
            solara.HTML(
                tag="div",
                unsafe_innerHTML=f"课程 lesson · 第 {cue.day} 天 day {cue.day}: "
                f"{html.escape(cue.caption)}",
                classes=["lesson-caption"],
            )
        if not model.running:
            solara.HTML(
                tag="div",
                unsafe_innerHTML=f"✔ 运行结束 run finished: day {model.day} of {model.cfg.days}",
                classes=["run-finished"],
            )
        solara.HTML(tag="div", unsafe_innerHTML=legend_html())


@solara.component
def NetworkView(model, mode: str, prefix: str = ""):
    """The members' network at their stable positions."""
    update_counter.get()
    data = png_bytes(network_figure(model, mode, prefix))
    solara.HTML(
        tag="div", unsafe_innerHTML=img_html(data, "view-img", "network"), classes=["network-view"]
    )


@solara.component
def KpiCharts(model):
    """The class's four KPI panels with stage bands and event markers."""
    update_counter.get()
    data = png_bytes(charts_figure(model))
    solara.HTML(
        tag="div", unsafe_innerHTML=img_html(data, "view-img", "KPI charts"), classes=["kpi-charts"]
    )
