"""The trainer's interactive app: a Mesa SolaraViz page of a community growing through its stages.

The page shows the members' network (coloured by join channel or engagement tier, newcomers next
to whoever invited them), a banner with the lifecycle stage in Chinese and English, KPI charts
(members by channel, active share, content, churn, cost, and toxicity when the model records it),
sliders and pickers for the scenario and the main levers, Mesa's Step / Play / Reset, and buttons
that inject an event (sim/viz/events.py). Every browser session gets its own community.

Serve it with `community-sim-app` (or `make app`, see sim/viz/serve.py): on 127.0.0.1, with the
front-end assets fetched by scripts/fetch_solara_assets.py, so the page renders with no internet.
"""

from __future__ import annotations

import matplotlib
import solara
from matplotlib.figure import Figure
from mesa.visualization import Slider, SolaraViz
from mesa.visualization.utils import force_update, update_counter

from sim.cli import config_dir, group_options
from sim.dashboard import STAGE_COLOURS
from sim.lifecycle import Stage
from sim.policies import referral as referral_policies
from sim.viz.draw import (
    colour_modes,
    draw_event_markers,
    draw_kpi,
    draw_network,
    draw_stage_bands,
    font_rc,
    kpi_panels,
    markers,
)
from sim.viz.events import LABELS
from sim.viz.trainer import DEFAULT_SCENARIO, ClassroomModel, scenario_config

colour_mode = solara.reactive("channel")


def scenario_names() -> list[str]:
    """Scenario presets available in scenarios/."""
    return group_options(config_dir(), "scenario")


def model_params() -> dict:
    """The levers on the sidebar, starting at the default scenario's values."""
    cfg = scenario_config(DEFAULT_SCENARIO)
    return {
        "scenario_name": {
            "type": "Select",
            "value": DEFAULT_SCENARIO,
            "values": scenario_names(),
            "label": "场景 scenario",
        },
        "posts_per_week": Slider(
            "专家发帖/周 expert posts per week", int(cfg.policy.content.posts_per_week), 0, 28, 1
        ),
        "referral": {
            "type": "Select",
            "value": cfg.policy.referral.name,
            "values": list(referral_policies.POLICIES),
            "label": "裂变策略 referral policy",
        },
        "n_moderators": Slider("管理员 moderators", cfg.staff.n_moderators, 0, 5, 1),
        "budget_per_day": Slider(
            "投放预算/天 budget per day (yuan)",
            int(cfg.policy.acquisition.budget_per_day),
            0,
            500,
            10,
        ),
        "seed": Slider("随机种子 seed", cfg.seed, 0, 99, 1),
    }


@solara.component
def StageBanner(model):
    """Day, stage (bilingual) and headline counts on the stage's colour."""
    update_counter.get()
    stage = Stage(int(model.stage))
    members = model.state.count.members
    active = model.state.tally.active
    share = active / model.state.tally.members_start if model.state.tally.members_start else 0.0
    style = {"background": STAGE_COLOURS[stage], "padding": "10px 16px", "border-radius": "6px"}
    with solara.Column(style=style, classes=["stage-banner"]):
        solara.HTML(
            tag="div",
            unsafe_innerHTML=f"<span style='font-size:26px;font-weight:600'>{stage.zh} "
            f"{stage.name.title()}</span>",
            classes=["stage-label"],
        )
        solara.Text(
            f"第 {model.day} 天 day {model.day} · {members:,} 成员 members · "
            f"{active:,} 今日活跃 active today ({share:.0%}) · {model.cfg.scenario}"
        )


@solara.component
def NetworkView(model):
    """The members' network at their stable positions."""
    update_counter.get()
    rc, has_cjk = font_rc()
    with matplotlib.rc_context(rc):
        fig = Figure(figsize=(6, 6), dpi=85)
        ax = fig.add_subplot()
        n = draw_network(ax, model, colour_mode.value, has_cjk)
        ax.set_title(
            f"成员网络 members' network · {n:,}" if has_cjk else f"Members' network · {n:,}",
            fontsize=10,
        )
        fig.tight_layout()
    with solara.Column(classes=["network-view"]):
        solara.ToggleButtonsSingle(value=colour_mode, values=colour_modes(model))
        solara.FigureMatplotlib(fig, format="png")


@solara.component
def KpiCharts(model):
    """KPI panels with stage bands and event markers."""
    update_counter.get()
    ts = model.recorder.frame()
    rc, has_cjk = font_rc()
    panels = kpi_panels(ts)
    marks = markers(model)
    with matplotlib.rc_context(rc):
        fig = Figure(figsize=(9, 6), dpi=80)
        axes = list(fig.subplots(2, 3, sharex=True).flat)
        for ax, panel in zip(axes, panels, strict=False):
            draw_stage_bands(ax, ts["stage"].to_numpy())
            draw_kpi(ax, ts, panel, has_cjk)
            draw_event_markers(ax, marks, has_cjk, text=False)  # named in the events list
            ax.set_xlim(0, max(model.cfg.days, 1))
        for ax in axes[len(panels) :]:
            ax.set_visible(False)
        # Fixed margins: tight_layout would measure every label on every step.
        fig.subplots_adjust(left=0.06, right=0.98, top=0.94, bottom=0.06, hspace=0.25, wspace=0.25)
    with solara.Column(classes=["kpi-charts"]):
        solara.FigureMatplotlib(fig, format="png")


@solara.component
def EventButtons(model):
    """One button per event; the latest event's effect and the earlier ones are listed below."""
    update_counter.get()

    def inject(kind: str) -> None:
        model.inject(kind)
        force_update()

    with solara.Column(classes=["event-buttons"]):
        solara.Text("事件 Events")
        with solara.Row(style={"flex-wrap": "wrap"}):
            for kind, (zh, en) in LABELS.items():
                solara.Button(
                    f"{zh} {en}", on_click=lambda kind=kind: inject(kind), color="secondary"
                )
        # Read from the model, so a Reset (a new model) clears the list.
        log = model.events.log
        if log:
            last = log[-1]
            solara.Text(
                f"第 {last.day} 天 day {last.day}: {last.label} — {last.note}",
                classes=["last-event"],
            )
        # Earlier events and playbook switches: the dashed and dotted lines on the charts.
        for mark in markers(model)[-6:]:
            solara.Text(f"· d{mark.day} {mark.zh} {mark.en}")


@solara.component
def ClassroomView(model):
    """The main area: stage banner and events on top, network and KPI charts side by side."""
    with solara.Column(style={"padding": "8px", "gap": "8px"}):
        with solara.Columns([1, 1]):
            StageBanner(model)
            EventButtons(model)
        with solara.Columns([2, 3]):
            NetworkView(model)
            KpiCharts(model)


@solara.component
def Page():
    """One community per browser session, rebuilt by Reset from the sidebar's levers.

    Mesa's SolaraViz draws the app bar and the sidebar (Step / Play / Reset and the levers); the
    main area is laid out here rather than in SolaraViz's draggable grid, whose fixed cell heights
    clip a network and six charts.
    """
    model = solara.use_reactive(solara.use_memo(ClassroomModel, []))
    SolaraViz(
        model,
        components=[],
        model_params=model_params(),
        name="社群运营 · community growth (trainer)",
        play_interval=200,
    )
    ClassroomView(model.value)
