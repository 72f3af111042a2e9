"""Export of a class's run from the page: the run folder, a GIF and an MP4 of the run so far.

`export_run` writes what `community-sim` writes for a finished run (sim/runner.py
`write_run_folder`: config, time series, stages, events with the stage notes, summary, dashboard)
for the days played so far, into outputs/trainer/<scenario>_seed<S>_day<D>_<time>/, and next to it
animation.gif, animation.mp4 (for slides and video players) and storyboard.png: the run simulated again from its starting config with the same seed, the same
injected events on the same days and the lesson's cues (so the same community), drawn as
`community-sim-animate` draws it. The folder's config.yaml has the days played and the config in
force at the end (a lesson's lever changes included); a lesson's timing lives in its own file.
"""

from __future__ import annotations

import time
from pathlib import Path

from sim.runner import RunResult, stage_table, summarise, write_run_folder
from sim.viz.animate import render

EXPORT_ROOT = Path("outputs") / "trainer"


def replayed_events(model) -> list[str]:
    """The events the trainer injected, as `--event DAY:KIND` (a lesson's own events replay with
    the lesson, so they are left out)."""
    lesson_events = [(c.day, c.event) for c in model.captions if c.event]
    out = []
    for record in model.events.log:
        if (record.day, record.kind) in lesson_events:
            lesson_events.remove((record.day, record.kind))
        else:
            out.append(f"{record.day}:{record.kind}")
    return out


def export_run(
    model, root: Path = EXPORT_ROOT, gif: bool = True, mp4: bool = True, lang: str = "both"
) -> dict[str, Path]:
    """Write the run folder of `model` so far and (with `gif`) its animation; returns the paths.

    Args:
        model: a ClassroomModel on day 1 or later.
        root: the folder the export's own folder is made in.
        gif: also write animation.gif and storyboard.png (re-simulates the run: a few seconds).
        mp4: with `gif`, also write animation.mp4 from the same frames (H.264, as
            `community-sim-animate` writes it).
        lang: the labels' language in the pictures: "zh", "en" or "both" (sim/viz/lang.py).

    Returns:
        {"folder": ..., "gif": ..., "mp4": ..., "storyboard": ...}: the paths written.
    """
    if model.day < 1:
        raise ValueError("nothing to export yet: step at least one day")
    stamp = time.strftime("%Y%m%d-%H%M%S")
    out = Path(root) / f"{model.cfg.scenario}_seed{model.cfg.seed}_day{model.day}_{stamp}"
    cfg = model.base_cfg.replace(days=model.day)
    ts, stages = model.recorder.frame(), stage_table(model)
    timings: dict = {}
    result = RunResult(cfg, ts, stages, summarise(cfg, ts, stages, timings), None, model)
    written = {"folder": write_run_folder(result, out, timings)}
    if gif:
        files = render(
            model.start_cfg.replace(days=model.day),
            out,
            None,
            8.0,
            replayed_events(model),
            "state",
            mp4=mp4,
            lesson=model.lesson,
            lang=lang,
        )
        written.update(files)
    return written
