"""The trainer's interactive app: a Solara page of a community growing through its stages.

Laid out for a projector: the whole page is one screen (1280 x 720 and up) that never scrolls. A
side panel on the left, which scrolls on its own, holds the pace controls (Step is one day; Play
at 1-30 simulated days per second; run to the next stage; pause at every stage change), the event
buttons, the levers (each showing its value, marked when moved away from the scenario's own) and
the lesson log (stage notes, events), under a language switch (中文, English, or both, the
default: every label, note, chart and the exported pictures follow it). The main area holds the
stage banner (stage, day, the latest stage note with the criterion crossed, the six stage
colours, a "run finished" notice), the members' network and four KPI charts (sim/viz/panels.py).
A presenter button hides the side panel; an export button saves the current view as a PNG, another the run so far (its folder, a GIF,
an MP4 and a storyboard, listed under the button). Every browser session gets its own
community.

Serve it with `community-sim-app` (or `make app`, see sim/viz/serve.py): on 127.0.0.1, with the
front-end assets fetched by scripts/fetch_solara_assets.py, so the page renders with no internet.
"""

from __future__ import annotations

import html
import threading
import time

import solara
from mesa.visualization.utils import force_update, update_counter

from sim.cli import config_dir, group_options
from sim.viz.draw import MODE_NAMES, colour_modes
from sim.viz.events import LABELS
from sim.viz.export import export_run
from sim.viz.lang import BOTH, LANGS, day_text, pick_text
from sim.viz.lang import pick as pick_lang
from sim.viz.lessons import lesson_names, load_lesson
from sim.viz.notes import stage_notes, switch_text
from sim.viz.pace import (
    DEFAULT_DAYS_PER_S,
    FINISHED,
    MAX_DAYS_PER_S,
    MIN_DAYS_PER_S,
    NEW_STAGE,
    TICK_S,
    Pace,
    advance,
)
from sim.viz.panels import KpiCharts, NetworkView, StageBanner, view_png
from sim.viz.split_panels import SPLIT_CSS, SplitControls, SplitView, split_view_png
from sim.viz.trainer import (
    DEFAULT_SCENARIO,
    LEVERS,
    ClassroomModel,
    changed_levers,
    lever_overrides,
    lever_values,
)

CSS = """
.trainer-root { position: fixed; inset: 0; z-index: 100; background: #fff; display: grid;
  grid-template-columns: 300px minmax(0, 1fr); font-size: 13px; }
.trainer-root.presenter { grid-template-columns: minmax(0, 1fr); }
.trainer-root.presenter .side-panel { display: none; }
.side-panel { height: 100vh; overflow-y: auto; padding: 8px; border-right: 1px solid #ddd;
  box-sizing: border-box; }
.side-panel h4 { margin: 10px 0 4px; font-size: 13px; }
.main-area { height: 100vh; display: grid; grid-template-rows: auto minmax(0, 1fr); gap: 4px;
  padding: 4px 6px; box-sizing: border-box; min-width: 0; }
.stage-banner { padding: 4px 12px; border-radius: 6px; }
.stage-name { font-size: 24px; font-weight: 600; margin-right: 14px; }
.stage-day { font-size: 14px; }
.stage-note { font-size: 12px; line-height: 1.3; }
.run-finished { font-weight: 600; color: #1b5e20; }
.stage-legend { display: flex; flex-wrap: wrap; gap: 4px; font-size: 11px; }
.stage-chip { padding: 0 6px; border-radius: 3px; border: 1px solid #bbb; }
.views { display: grid; grid-template-columns: minmax(0, 45fr) minmax(0, 55fr); gap: 4px;
  min-height: 0; height: 100%; }
.network-view, .kpi-charts { min-height: 0; height: 100%; display: flex; align-items: flex-start;
  justify-content: center; overflow: hidden; }
.view-img { width: 100%; height: 100%; object-fit: contain; object-position: top; }
.presenter-exit { position: fixed; top: 6px; right: 8px; z-index: 101; }
.lever-changed { color: #c62828; }
.lever-value { font-weight: 600; }
.export-path { font-size: 11px; overflow-wrap: anywhere; }
.lesson-caption { font-size: 13px; font-weight: 600; color: #0d47a1; }
"""


def scenario_names() -> list[str]:
    """Scenario presets available in scenarios/."""
    return group_options(config_dir(), "scenario")


def lever_text(lever, value, own, lang: str = BOTH) -> str:
    """'管理员 moderators: 3 · 已改 changed (场景 scenario: 1)' or '管理员 moderators: 1' (or in one
    language)."""
    text = f"{pick_lang(lever.zh, lever.en, lang)}: {value}"
    if value == own:
        return text
    changed, scenario = pick_lang("已改", "changed", lang), pick_lang("场景", "scenario", lang)
    return f"{text} · {changed} ({scenario}: {own})"


@solara.component
def LanguageSwitch(lang):
    """中文 / English / both: every label, note and chart of the page follows it."""
    with solara.ToggleButtonsSingle(value=lang, dense=True, classes=["lang-switch"]):
        for code, name in LANGS.items():
            solara.Button(name, value=code, small=True, text=True)


@solara.component
def Levers(scenario, levers, rebuild, lang: str = BOTH):
    """Scenario picker, one control per lever with its value, and 'as defined'."""
    own = lever_values(scenario.value)
    moved = changed_levers(levers.value, scenario.value)

    def pick_scenario(name: str) -> None:
        scenario.set(name)
        levers.set(lever_values(name))
        rebuild()

    def as_defined() -> None:
        levers.set(lever_values(scenario.value))
        rebuild()

    solara.Select(
        pick_lang("场景", "scenario", lang),
        value=scenario.value,
        values=scenario_names(),
        on_value=pick_scenario,
    )
    for lever in LEVERS:
        value = levers.value[lever.name]

        def set_value(v, name=lever.name):
            levers.set({**levers.value, name: v})

        classes = ["lever", "lever-changed" if lever.name in moved else "lever-same"]
        with solara.Column(gap="0px", classes=classes):
            solara.Text(lever_text(lever, value, own[lever.name], lang), classes=["lever-value"])
            if lever.choices:
                solara.Select(
                    pick_lang(lever.zh, lever.en, lang),
                    value=value,
                    values=list(lever.choices),
                    on_value=set_value,
                )
            else:
                top = max(lever.hi, value)
                # No label of its own: the line above names the lever and shows its value.
                solara.SliderInt(
                    "",
                    value=int(value),
                    min=int(lever.lo),
                    max=int(top),
                    step=int(lever.step),
                    on_value=set_value,
                    thumb_label=False,
                )
    with solara.Row(gap="4px", style={"flex-wrap": "wrap"}):
        solara.Button(
            pick_lang("按场景", "as defined", lang), on_click=as_defined, outlined=True, small=True
        )
        solara.Button(
            pick_lang("应用并重置", "apply (Reset)", lang),
            on_click=rebuild,
            color="primary",
            small=True,
        )
    if moved:
        solara.Text(
            pick_lang("改动在重置后生效", "changes apply on Reset", lang),
            style={"font-size": "11px"},
        )


@solara.component
def LastEvent(model, lang: str = BOTH):
    """What the latest injected event did (redrawn with the pictures, not only with the page)."""
    update_counter.get()
    if model.events.log:
        last = model.events.log[-1]
        solara.Text(f"{day_text(last.day, lang)}: {last.text(lang)}", classes=["last-event"])


def log_items(model, lang: str = BOTH) -> list[tuple[int, str, str]]:
    """The lesson log's lines (day, text, css class) in `lang`, newest first: stage notes (with the
    playbook's switch), injected events, a lesson's cues."""
    items = []
    for n in stage_notes(model.state.events_log):
        switched = switch_text(n.switched, lang)
        items.append(
            (n.day, pick_text(n.why, lang) + (f" — {switched}" if switched else ""), "log-stage")
        )
    items += [(r.day, r.text(lang), "log-event") for r in model.events.log]
    lesson = pick_lang("课程", "lesson", lang)
    items += [
        (c.day, f"{lesson}: {pick_lang(c.zh, c.en, lang, sep=' · ')}", "log-lesson")
        for c in model.captions
    ]
    return sorted(items, key=lambda x: x[0], reverse=True)


@solara.component
def LessonLog(model, lang: str = BOTH):
    """Stage notes and injected events, newest first."""
    update_counter.get()
    items = log_items(model, lang)
    for day, text, css in items:
        solara.Text(f"d{day} · {text}", classes=[css], style={"font-size": "12px"})


@solara.component
def ExportResult(exported: list, lang: str = BOTH):
    """What the last export wrote: one line per file (folder, GIF, MP4, storyboard), or why not."""
    if not exported:
        return
    if len(exported) == 1 and not exported[0][0]:
        solara.HTML(
            tag="div", unsafe_innerHTML=html.escape(exported[0][1]), classes=["export-path"]
        )
        return
    kinds = ", ".join(dict.fromkeys(kind for kind, _ in exported))
    head = f"{pick_lang('已导出', 'exported', lang)} ({kinds}):"
    with solara.Column(gap="0px", classes=["export-result"]):
        solara.Text(head, style={"font-size": "11px", "font-weight": "600"})
        for kind, path in exported:
            line = f"{kind}: {path}"
            solara.HTML(tag="div", unsafe_innerHTML=html.escape(line), classes=["export-path"])


@solara.component
def LessonPicker(load, lang: str = BOTH):
    """The lesson presets (lessons/) and a button that starts one from day 0."""
    lessons = solara.use_memo(lambda: [load_lesson(n) for n in lesson_names()], [])
    titles = {pick_lang(x.zh, x.en, lang, sep=" · "): x.name for x in lessons}
    chosen = solara.use_reactive(lessons[0].name if lessons else None)
    if chosen.value is None:
        solara.Text("no lessons in lessons/")
        return
    shown = next(title for title, name in titles.items() if name == chosen.value)
    solara.Select(
        pick_lang("课程", "lesson", lang),
        value=shown,
        values=list(titles),
        on_value=lambda title: chosen.set(titles[title]),
    )
    solara.Button(
        pick_lang("▶ 载入课程", "▶ load lesson", lang, both="▶ 载入课程 load lesson"),
        on_click=lambda: load(chosen.value),
        small=True,
    )


@solara.component
def Page():
    """One community per browser session, rebuilt by Reset from the side panel's levers."""
    solara.Title("社群运营 · community growth (trainer)")
    scenario = solara.use_reactive(DEFAULT_SCENARIO)
    levers = solara.use_reactive(lever_values(DEFAULT_SCENARIO))
    model = solara.use_reactive(solara.use_memo(ClassroomModel, []))
    lock = solara.use_memo(threading.RLock, [])
    playing = solara.use_reactive(False)
    to_next_stage = solara.use_reactive(False)
    pause_on_stage = solara.use_reactive(False)
    speed = solara.use_reactive(DEFAULT_DAYS_PER_S)
    measured = solara.use_reactive(0.0)
    presenter = solara.use_reactive(False)
    mode = solara.use_reactive("state")
    split = solara.use_reactive(None)  # a SplitRun while the split view is on
    exported = solara.use_reactive([])  # (what, path) the last export wrote, or one error line
    lang = solara.use_reactive(BOTH)  # the page's language: 中文, English or both

    def shown():
        """What Play, Step and the events act on: the split view's two arms, or the community."""
        return split.value if split.value is not None else model.value

    def play() -> None:
        pace = Pace(speed.value)
        start = last = time.perf_counter()
        first_day = shown().day
        while playing.value and shown().running:
            time.sleep(TICK_S)
            now = time.perf_counter()
            pace.days_per_s = speed.value
            with lock:
                why = advance(
                    shown(),
                    pace.days_due(now - last),
                    stop_at_stage=to_next_stage.value or pause_on_stage.value,
                )
                last = now
                measured.set((shown().day - first_day) / (now - start))
                force_update()
            if why in (FINISHED, NEW_STAGE):
                to_next_stage.set(False)
                playing.set(False)

    solara.lab.use_task(
        play, dependencies=[playing.value, model.value, split.value], prefer_threaded=True
    )

    def step_one_day() -> None:
        with lock:
            advance(shown(), 1)
            force_update()

    def run_to_next_stage() -> None:
        to_next_stage.set(True)
        playing.set(True)

    def rebuild() -> None:
        playing.set(False)
        split.set(None)
        with lock:
            model.set(
                ClassroomModel(
                    scenario_name=scenario.value,
                    **lever_overrides(levers.value, scenario.value),
                )
            )
            measured.set(0.0)

    def inject(kind: str) -> None:
        with lock:
            shown().inject(kind)
            force_update()

    def load_lesson_run(name: str) -> None:
        lesson = load_lesson(name)
        playing.set(False)
        split.set(None)
        scenario.set(lesson.cfg.scenario)
        levers.set(lever_values(lesson.cfg.scenario))
        with lock:
            model.set(ClassroomModel(cfg=lesson.cfg, lesson=lesson))
            measured.set(0.0)

    def export_the_run() -> None:
        playing.set(False)
        with lock:
            models = shown().models if split.value is not None else [model.value]
            try:
                paths = [export_run(m, lang=lang.value) for m in models]
            except ValueError as exc:
                exported.set([("", str(exc))])
                return
        exported.set([(kind, str(p)) for written in paths for kind, p in written.items()])

    def export_png() -> bytes:
        if split.value is not None:
            return split_view_png(split.value, mode.value, lang.value)
        return view_png(model.value, mode.value, lang.value)

    solara.Style(CSS + SPLIT_CSS)
    m = model.value
    run = shown()
    t = lang.value

    def say(zh: str, en: str, both: str | None = None) -> str:
        return pick_lang(zh, en, t, both=both)

    with solara.Div(classes=["trainer-root", "presenter" if presenter.value else "normal"]):
        with solara.Div(classes=["side-panel"]):
            solara.HTML(
                tag="h4",
                unsafe_innerHTML=say("社群运营", "community growth", "社群运营 · community growth"),
            )
            LanguageSwitch(lang)
            with solara.Row(gap="4px", style={"flex-wrap": "wrap"}):
                solara.Button(
                    say("前进一天", "Step one day", "Step 一天 day"),
                    on_click=step_one_day,
                    color="primary",
                    small=True,
                    disabled=playing.value or not run.running,
                )
                solara.Button(
                    say("❚❚ 暂停", "❚❚ Pause", "❚❚ Pause")
                    if playing.value
                    else say("▶ 播放", "▶ Play", "▶ Play"),
                    color="primary",
                    small=True,
                    on_click=lambda: playing.set(not playing.value),
                    disabled=not run.running,
                )
                solara.Button(
                    say("→ 下一阶段", "→ next stage", "→ 下一阶段 next stage"),
                    on_click=run_to_next_stage,
                    small=True,
                    disabled=playing.value or not run.running,
                )
                solara.Button(say("重置", "Reset", "Reset"), on_click=rebuild, small=True)
            per_s = say("天/秒", "days/s")
            solara.Text(f"{say('速度', 'speed')}: {speed.value} {per_s}", classes=["speed-value"])
            with solara.Div(classes=["speed-slider"]):
                solara.SliderInt(
                    "",
                    value=speed,
                    min=MIN_DAYS_PER_S,
                    max=MAX_DAYS_PER_S,
                    thumb_label=False,
                )
            solara.Checkbox(
                label=say("阶段变化时暂停", "pause on a stage change"), value=pause_on_stage
            )
            solara.Text(
                f"{say('实测', 'measured')}: {measured.value:.1f} {per_s}",
                classes=["pace-measured"],
            )
            with solara.Row(gap="4px", style={"flex-wrap": "wrap"}):
                solara.Button(
                    say("演示", "presenter"), on_click=lambda: presenter.set(True), small=True
                )
                solara.FileDownload(
                    export_png,
                    filename=f"community_{m.cfg.scenario}_day{run.day}.png",
                    label=say("导出图片", "export PNG"),
                    mime_type="image/png",
                )
                solara.Button(say("导出运行", "export run"), on_click=export_the_run, small=True)
            ExportResult(exported.value, t)
            solara.HTML(tag="h4", unsafe_innerHTML=say("事件", "Events"))
            with solara.Row(gap="4px", style={"flex-wrap": "wrap"}):
                for kind, (zh, en) in LABELS.items():
                    solara.Button(
                        say(zh, en),
                        on_click=lambda kind=kind: inject(kind),
                        color="secondary",
                        small=True,
                    )
            LastEvent(run.models[0] if split.value is not None else m, t)
            solara.HTML(tag="h4", unsafe_innerHTML=say("杠杆", "Levers"))
            Levers(scenario, levers, rebuild, t)
            solara.HTML(tag="h4", unsafe_innerHTML=say("课程", "Lessons"))
            LessonPicker(load_lesson_run, t)
            solara.HTML(tag="h4", unsafe_innerHTML=say("两个策略对比", "Two policies side by side"))
            SplitControls(scenario, levers, split, lambda: playing.set(False), t)
            solara.HTML(tag="h4", unsafe_innerHTML=say("课堂记录", "Lesson log"))
            if split.value is None:
                LessonLog(m, t)
            else:
                for arm in split.value.arms:
                    solara.Text(arm.label_in(t), style={"font-weight": "600", "color": arm.colour})
                    LessonLog(arm.model, t)
        with solara.Div(classes=["main-area"]):
            if split.value is not None:
                SplitView(split.value, mode.value, t)
            else:
                StageBanner(m, t)
                with solara.Div(classes=["views"]):
                    with solara.Column(gap="0px", style={"min-height": "0", "height": "100%"}):
                        with solara.ToggleButtonsSingle(value=mode, dense=True):
                            for colouring in colour_modes(m):
                                solara.Button(say(*MODE_NAMES[colouring]), value=colouring)
                        NetworkView(m, mode.value, lang=t)
                    KpiCharts(m, t)
        if presenter.value:
            with solara.Div(classes=["presenter-exit"]):
                solara.Button(
                    say("☰ 控制", "☰ controls", "☰ 控制 controls"),
                    on_click=lambda: presenter.set(False),
                    small=True,
                )
