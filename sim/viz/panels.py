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
from sim.viz.lang import BOTH, day_text, pick, pick_text, stage_text
from sim.viz.notes import stage_notes, switch_text

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


def network_figure(model, mode: str, prefix: str = "", lang: str = BOTH) -> Figure:
    """The members' network coloured by `mode`, titled with the member count (after `prefix`,
    the split view's arm letter), labelled in `lang`."""
    rc, lang = font_rc(lang)
    with matplotlib.rc_context(rc):
        fig = Figure(figsize=NETWORK_SIZE_IN, dpi=DPI)
        ax = fig.add_axes((0.01, 0.01, 0.98, 0.93))
        n = draw_network(ax, model, mode, lang)
        title = label("成员网络", "members' network", lang) + f" · {n:,}"
        ax.set_title(prefix + title, fontsize=11)
    return fig


def draw_charts(fig, axes, model, lang: str = BOTH) -> None:
    """The class's KPI panels on `axes`, with stage bands and event markers, titled in `lang`."""
    ts = model.recorder.frame()
    _, lang = font_rc(lang)
    marks = markers(model)
    panels = kpi_panels(ts, CLASS_PANELS)
    for ax, panel in zip(axes, panels, strict=False):
        draw_stage_bands(ax, ts["stage"].to_numpy())
        draw_kpi(ax, ts, panel, lang)
        draw_event_markers(ax, marks, lang, text=False)  # named in the lesson log
        ax.set_xlim(0, max(model.cfg.days, 1))
    for ax in axes[len(panels) :]:
        ax.set_visible(False)


def charts_figure(model, lang: str = BOTH) -> Figure:
    """Four KPI panels in a 2 x 2 grid."""
    rc, _ = font_rc(lang)
    with matplotlib.rc_context(rc):
        fig = Figure(figsize=CHARTS_SIZE_IN, dpi=DPI)
        axes = list(fig.subplots(2, 2, sharex=True).flat)
        draw_charts(fig, axes, model, lang)
        # Fixed margins: tight_layout would measure every label on every redraw.
        fig.subplots_adjust(left=0.08, right=0.98, top=0.95, bottom=0.05, hspace=0.22, wspace=0.22)
    return fig


def view_png(model, mode: str, lang: str = BOTH) -> bytes:
    """The page's view in one PNG (network, charts, the banner's line as a title), for export."""
    rc, lang = font_rc(lang)
    with matplotlib.rc_context(rc):
        fig = Figure(figsize=(16, 8), dpi=100, facecolor="white")
        ax_net = fig.add_axes((0.01, 0.02, 0.42, 0.84))
        draw_network(ax_net, model, mode, lang)
        grid = fig.add_gridspec(2, 2, left=0.48, right=0.98, top=0.86, bottom=0.05, hspace=0.25)
        axes = [fig.add_subplot(grid[i, j]) for i in range(2) for j in range(2)]
        draw_charts(fig, axes, model, lang)
        stage = Stage(int(model.stage))
        fig.text(
            0.01,
            0.95,
            headline(model, lang),
            fontsize=15,
            weight="bold",
            va="center",
            bbox={"facecolor": STAGE_COLOURS[stage], "edgecolor": "none"},
        )
    return png_bytes(fig)


def headline(model, lang: str = BOTH) -> str:
    """'成长期 GROW · 第 30 天 day 30 · 152 成员 members · 41 今日活跃 active today (27%)', or in one
    language."""
    stage = Stage(int(model.stage))
    members, active = model.state.count.members, model.state.tally.active
    share = active / model.state.tally.members_start if model.state.tally.members_start else 0.0
    return (
        f"{stage_text(stage, lang)} · {day_text(model.day, lang)} · "
        f"{members:,} {pick('成员', 'members', lang)} · "
        f"{active:,} {pick('今日活跃', 'active today', lang)} ({share:.0%})"
    )


def finished_text(model, lang: str = BOTH) -> str:
    """'✔ 运行结束 run finished: day 240 of 240', or in one language."""
    zh, en = f"第 {model.day} 天 (共 {model.cfg.days} 天)", f"day {model.day} of {model.cfg.days}"
    days = pick(zh, en, lang, sep=", ") if lang != BOTH else en
    return f"✔ {pick('运行结束', 'run finished', lang)}: {days}"


def note_html(note, lang: str = BOTH) -> str:
    """A stage note under the banner: its day, the criterion crossed, the playbook's switch."""
    switched = switch_text(note.switched, lang)
    switched = f"<br/>{html.escape(switched)}" if switched else ""
    return f"{day_text(note.day, lang)}: {html.escape(pick_text(note.why, lang))}{switched}"


def legend_html(lang: str = BOTH) -> str:
    """The six stage colours as chips, 衰退期 DECLINE included."""
    chips = "".join(
        f'<span class="stage-chip" style="background:{STAGE_COLOURS[s]}">'
        f"{stage_text(s, lang)}</span>"
        for s in Stage
    )
    return f'<div class="stage-legend">{chips}</div>'


@solara.component
def StageBanner(model, lang: str = BOTH):
    """Stage, day and counts on the stage's colour; the latest stage note; the stage legend; in
    `lang` (中文, English or both)."""
    update_counter.get()
    stage = Stage(int(model.stage))
    notes = stage_notes(model.state.events_log)
    style = {"background": STAGE_COLOURS[stage]}
    with solara.Column(style=style, classes=["stage-banner"], gap="2px"):
        solara.HTML(
            tag="div",
            unsafe_innerHTML=f"<span class='stage-name'>{stage_text(stage, lang)}</span>"
            f"<span class='stage-day'>{headline(model, lang).split(' · ', 1)[1]} · "
            f"{model.cfg.scenario}</span>",
            classes=["stage-label"],
        )
        if notes:
            solara.HTML(
                tag="div", unsafe_innerHTML=note_html(notes[-1], lang), classes=["stage-note"]
            )
        if getattr(model, "captions", None):
            cue = model.captions[-1]
            solara.HTML(
                tag="div",
                unsafe_innerHTML=f"{pick('课程', 'lesson', lang)} · {day_text(cue.day, lang)}: "
                f"{html.escape(pick(cue.zh, cue.en, lang, sep=' · '))}",
                classes=["lesson-caption"],
            )
        if not model.running:
            solara.HTML(
                tag="div",
                unsafe_innerHTML=finished_text(model, lang),
                classes=["run-finished"],
            )
        solara.HTML(tag="div", unsafe_innerHTML=legend_html(lang))


@solara.component
def NetworkView(model, mode: str, prefix: str = "", lang: str = BOTH):
    """The members' network at their stable positions."""
    update_counter.get()
    data = png_bytes(network_figure(model, mode, prefix, lang))
    solara.HTML(
        tag="div", unsafe_innerHTML=img_html(data, "view-img", "network"), classes=["network-view"]
    )


@solara.component
def KpiCharts(model, lang: str = BOTH):
    """The class's four KPI panels with stage bands and event markers."""
    update_counter.get()
    data = png_bytes(charts_figure(model, lang))
    solara.HTML(
        tag="div", unsafe_innerHTML=img_html(data, "view-img", "KPI charts"), classes=["kpi-charts"]
    )
