"""The split view's part of the trainer's page: choosing the lever that differs, and the two arms.

`SplitControls` sits in the side panel: the lever the two arms differ in and its value in each
arm (新人欢迎 newcomer welcome: greet against none by default), and the buttons that start and
leave the split view. `SplitView` fills the main area: one banner per arm (its stage colour, a
stripe of the arm's colour, its day and members), the two networks one above the other, and the
KPI charts with one line per arm (sim/viz/split.py).
"""

from __future__ import annotations

import html
import io

import matplotlib
import solara
from matplotlib.figure import Figure
from mesa.visualization.utils import update_counter
from PIL import Image

from sim.palette import STAGE_COLOURS
from sim.viz.draw import draw_network, font_rc
from sim.viz.lang import BOTH, pick, pick_text
from sim.viz.notes import stage_notes
from sim.viz.panels import NetworkView, headline, img_html, png_bytes
from sim.viz.split import DEFAULT_SPLIT, SPLIT_LEVERS, SplitRun, split_charts_figure, split_lever
from sim.viz.trainer import lever_values

SPLIT_CSS = """
.split-area { grid-row: 1 / span 2; display: grid; grid-template-rows: auto minmax(0, 1fr);
  gap: 4px; min-height: 0; height: 100%; }
.split-banners { display: grid; grid-template-columns: 1fr 1fr; gap: 4px; }
.arm-banner { padding: 3px 8px; border-radius: 6px; border-left: 10px solid; font-size: 13px;
  line-height: 1.35; }
.arm-label { font-weight: 600; }
.arm-note { font-size: 11px; }
.split-views { display: grid; grid-template-columns: minmax(0, 38fr) minmax(0, 62fr); gap: 4px;
  min-height: 0; height: 100%; }
.split-networks { display: grid; grid-template-rows: minmax(0, 1fr) minmax(0, 1fr); gap: 2px;
  min-height: 0; height: 100%; }
"""


def other_value(lever, own):
    """A value of `lever` to compare with the scenario's `own`: another choice, or the range's
    other end."""
    if lever.choices:
        return next(c for c in reversed(lever.choices) if c != own)
    return lever.lo if own != lever.lo else lever.hi


def split_defaults(scenario: str, name: str) -> tuple:
    """Arm A's and arm B's values when the trainer picks lever `name`: greet against none for the
    welcome, else the scenario's own value against another."""
    if name == DEFAULT_SPLIT[0]:
        return DEFAULT_SPLIT[1:]
    own = lever_values(scenario)[name]
    return own, other_value(split_lever(name), own)


@solara.component
def ArmValue(lever, value, on_value, arm: str):
    """One arm's value of the compared lever: a menu of policies, or a slider with its number."""
    solara.Text(f"{arm}: {value}", classes=["arm-value"])
    if lever.choices:
        solara.Select(f"{arm}", value=value, values=list(lever.choices), on_value=on_value)
    else:
        solara.SliderInt(
            "",
            value=int(value),
            min=int(lever.lo),
            max=int(max(lever.hi, value)),
            step=int(lever.step),
            on_value=on_value,
            thumb_label=False,
        )


@solara.component
def SplitControls(scenario, levers, split, stop_playing, lang: str = BOTH):
    """The lever that differs, its two values, and the split view's start and leave buttons."""
    name = solara.use_reactive(DEFAULT_SPLIT[0])
    values = solara.use_reactive(split_defaults(scenario.value, name.value))
    lever = split_lever(name.value)
    names = {pick(x.zh, x.en, lang): x.name for x in SPLIT_LEVERS}

    def choose(text: str) -> None:
        name.set(names[text])
        values.set(split_defaults(scenario.value, names[text]))

    def start() -> None:
        stop_playing()
        split.set(SplitRun(scenario.value, name.value, tuple(values.value), levers.value))

    solara.Select(
        pick("对比的杠杆", "lever that differs", lang),
        value=pick(lever.zh, lever.en, lang),
        values=list(names),
        on_value=choose,
    )
    a, b = values.value
    ArmValue(lever, a, lambda v: values.set((v, values.value[1])), "A")
    ArmValue(lever, b, lambda v: values.set((values.value[0], v)), "B")
    with solara.Row(gap="4px", style={"flex-wrap": "wrap"}):
        solara.Button(
            pick("⇆ 对比", "⇆ split view", lang, both="⇆ 对比 split view"),
            on_click=start,
            color="primary",
            small=True,
        )
        if split.value is not None:
            solara.Button(
                pick("单个", "single view", lang),
                on_click=lambda: (stop_playing(), split.set(None)),
                small=True,
            )


@solara.component
def ArmBanner(arm, lang: str = BOTH):
    """An arm's label, stage, day and members on its stage colour, striped in the arm's colour."""
    update_counter.get()
    model = arm.model
    stage = model.stage
    notes = stage_notes(model.state.events_log)
    why = pick_text(notes[-1].why, lang) if notes else ""
    note = f"<div class='arm-note'>{html.escape(why)}</div>" if notes else ""
    finished = "" if model.running else f" · ✔ {pick('运行结束', 'run finished', lang)}"
    solara.HTML(
        tag="div",
        unsafe_innerHTML=f"<div class='arm-label'>{html.escape(arm.label_in(lang))}</div>"
        f"<div class='arm-day'>{html.escape(headline(model, lang))}{finished}</div>{note}",
        classes=["arm-banner"],
        style={"background": STAGE_COLOURS[stage], "border-left-color": arm.colour},
    )


@solara.component
def SplitCharts(run: SplitRun, lang: str = BOTH):
    """The KPI panels of both arms, one line per arm."""
    update_counter.get()
    data = png_bytes(split_charts_figure(run, lang=lang))
    solara.HTML(
        tag="div",
        unsafe_innerHTML=img_html(data, "view-img", "KPI charts of both arms"),
        classes=["kpi-charts", "split-charts"],
    )


@solara.component
def SplitView(run: SplitRun, mode: str, lang: str = BOTH):
    """Both arms: banners side by side, networks one above the other, shared charts."""
    with solara.Div(classes=["split-area"]):
        with solara.Div(classes=["split-banners"]):
            for arm in run.arms:
                ArmBanner(arm, lang)
        with solara.Div(classes=["split-views"]):
            with solara.Div(classes=["split-networks"]):
                for arm in run.arms:
                    NetworkView(arm.model, mode, prefix=f"{arm.letter} · ", lang=lang)
            SplitCharts(run, lang)


def split_view_png(run: SplitRun, mode: str, lang: str = BOTH) -> bytes:
    """Both arms' networks and the shared charts in one PNG, for the export button."""
    rc, lang = font_rc(lang)
    with matplotlib.rc_context(rc):
        fig = Figure(figsize=(16, 8), dpi=100, facecolor="white")
        for k, arm in enumerate(run.arms):
            ax = fig.add_axes((0.01, 0.51 - 0.5 * k, 0.3, 0.44))
            draw_network(ax, arm.model, mode, lang)
            title = f"{arm.label_in(lang)} · {headline(arm.model, lang)}"
            ax.set_title(title, fontsize=8, color=arm.colour)
        charts = png_bytes(split_charts_figure(run, size_in=(10.4, 7.6), dpi=100, lang=lang))
    return _side_by_side(png_bytes(fig), charts)


def _side_by_side(left: bytes, right: bytes) -> bytes:
    """The charts pasted onto the networks' empty right-hand side."""
    base = Image.open(io.BytesIO(left)).convert("RGB")
    charts = Image.open(io.BytesIO(right)).convert("RGB")
    base.paste(charts, (base.width - charts.width, (base.height - charts.height) // 2))
    out = io.BytesIO()
    base.save(out, format="PNG")
    return out.getvalue()
