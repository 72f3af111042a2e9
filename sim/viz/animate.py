"""`community-sim-animate RUN_DIR`: a GIF, an MP4 and a storyboard strip of a finished run.

The run is simulated again from its own config (RUN_DIR/config.yaml; same seed, same days, so the
same community), keeping a snapshot every `--every` days and one at the end of each stage's first
spell. The animation shows the growing network next to the members and active-share curves with
a moving cursor, the stage as a caption in Chinese and English (`--lang zh` or `--lang en` for
one language), and markers for events and playbook switches (运营打法, when the run's playbook
changes policies with the stage); events can be injected into the re-run with `--event DAY:KIND`
(e.g. `--event 60:offline_event`), which then of course changes the community from that day on. The storyboard has one panel per stage
reached, for slides. Outputs go into RUN_DIR (or `--out`): animation.gif, animation.mp4,
storyboard.png, each written under a temporary name and renamed when complete.
"""

from __future__ import annotations

import sys
from pathlib import Path

import imageio_ffmpeg
import numpy as np
import pandas as pd
import yaml
from PIL import Image

from sim.config import ConfigError, SimConfig
from sim.failures import CommandParser
from sim.recorder import atomic_save, is_done
from sim.viz.draw import COLOUR_MODES, font_rc, markers
from sim.viz.events import LABELS
from sim.viz.frames import Snapshot, render_frames, render_storyboard
from sim.viz.lang import BOTH, LANGS, check_lang, pick
from sim.viz.lessons import lesson_names, load_lesson
from sim.viz.notes import first_notes, stage_notes
from sim.viz.trainer import ClassroomModel

EXIT_BAD_INPUT = 2
TARGET_FRAMES = 90  # default snapshot spacing aims at about this many frames


def frame_days(days: int, every: int) -> list[int]:
    """Days drawn as frames: 0, every, 2*every, ... and always the last day."""
    out = list(range(0, days + 1, every))
    if out[-1] != days:
        out.append(days)
    return out


def parse_events(specs: list[str], days: int) -> dict[int, list[str]]:
    """'60:offline_event' -> {60: ['offline_event']}; raises ValueError with one line."""
    plan: dict[int, list[str]] = {}
    for spec in specs:
        day_text, _, kind = spec.partition(":")
        if not day_text.isdigit() or kind not in LABELS:
            raise ValueError(
                f"--event {spec!r}: write DAY:KIND with KIND one of {', '.join(LABELS)}"
            )
        day = int(day_text)
        if not 0 <= day < days:
            raise ValueError(f"--event {spec!r}: the day must be between 0 and {days - 1}")
        plan.setdefault(day, []).append(kind)
    return plan


def capture(cfg: SimConfig, every: int, events: dict[int, list[str]] | None = None, lesson=None):
    """Simulate `cfg` keeping snapshots; returns (model, frame snapshots, one snapshot per stage).

    A lesson's cues (sim/viz/lessons.py) play as the model steps, as they do in the app.

    The stage panel is the community on the last day of the stage's first spell (or the last day
    of the run for the stage it ends in).
    """
    events = events or {}
    model = ClassroomModel(cfg=cfg, lesson=lesson)
    wanted = set(frame_days(cfg.days, every))
    frames = [Snapshot.of(model)]
    panels: dict[int, Snapshot] = {}
    current = Snapshot.of(model)
    while model.day < cfg.days:
        for kind in events.get(model.day, []):
            model.inject(kind)
        model.step()
        snap = Snapshot.of(model)
        if snap.stage != current.stage and int(current.stage) not in panels:
            panels[int(current.stage)] = current  # yesterday closed the stage's first spell
        current = snap
        if model.day in wanted:
            frames.append(snap)
    panels.setdefault(int(current.stage), current)
    return model, frames, sorted(panels.values(), key=lambda s: s.day)


def warn_if_different(run_dir: Path, ts) -> None:
    """Say so when the re-run does not reproduce the recorded members curve (the code changed)."""
    recorded = run_dir / "timeseries.parquet"
    if not recorded.is_file():
        return
    before = pd.read_parquet(recorded, columns=["members"])["members"].to_numpy()
    if len(before) != len(ts) or not np.array_equal(before, ts["members"].to_numpy()):
        print(
            f"warning: the re-run of {run_dir} differs from its recorded time series "
            "(the simulator changed since); the animation shows the re-run",
            file=sys.stderr,
        )


def write_gif(frames: list[np.ndarray], path: Path, fps: float) -> None:
    """An endless-loop GIF; every frame is kept (frames always differ: the cursor moves)."""
    images = [
        Image.fromarray(f).quantize(colors=256, method=Image.Quantize.FASTOCTREE) for f in frames
    ]
    images[0].save(
        path,
        format="GIF",
        save_all=True,
        append_images=images[1:],
        duration=int(1000 / fps),
        loop=0,
    )


def write_mp4(frames: list[np.ndarray], path: Path, fps: float) -> None:
    """H.264 MP4 through the ffmpeg binary that ships with imageio-ffmpeg."""
    height, width = frames[0].shape[:2]
    writer = imageio_ffmpeg.write_frames(
        str(path),
        (width, height),
        fps=fps,
        codec="libx264",
        pix_fmt_out="yuv420p",
        macro_block_size=16,
        ffmpeg_log_level="error",
    )
    writer.send(None)
    for frame in frames:
        writer.send(np.ascontiguousarray(frame))
    writer.close()


def animate(
    run_dir: Path | None,
    out: Path | None = None,
    every: int | None = None,
    fps: float = 8.0,
    events: list[str] | None = None,
    mode: str = "state",
    mp4: bool = True,
    lesson: str | None = None,
    lang: str = BOTH,
) -> dict[str, Path]:
    """Render the animation and storyboard of the run in `run_dir`, or of lesson preset `lesson`
    (its scenario run afresh, its cues played, into `out`, default outputs/lessons/NAME); returns
    the files written.

    Raises:
        ConfigError: with one line, for a missing or unfinished run folder, a bad lesson, config or
            option.
    """
    if lesson is not None:
        if run_dir is not None:
            raise ConfigError("give a run folder or --lesson, not both")
        preset = load_lesson(lesson)
        out = Path(out) if out is not None else Path("outputs") / "lessons" / preset.name
        return render(preset.cfg, out, every, fps, events, mode, mp4, preset, lang=lang)
    if run_dir is None:
        raise ConfigError("give the folder of a finished run, or --lesson NAME")
    run_dir = Path(run_dir)
    if not (run_dir / "config.yaml").is_file():
        raise ConfigError(
            f"{run_dir}: no config.yaml here; give the folder of a finished run (outputs/...)"
        )
    if not is_done(run_dir):
        raise ConfigError(f"{run_dir}: the run did not finish (no DONE file); run it again first")
    cfg = SimConfig.from_dict(yaml.safe_load((run_dir / "config.yaml").read_text(encoding="utf-8")))
    return render(
        cfg,
        Path(out) if out is not None else run_dir,
        every,
        fps,
        events,
        mode,
        mp4,
        check_against=run_dir,
        lang=lang,
    )


def render(
    cfg: SimConfig,
    out: Path,
    every: int | None,
    fps: float,
    events: list[str] | None,
    mode: str,
    mp4: bool,
    lesson=None,
    check_against: Path | None = None,
    lang: str = BOTH,
) -> dict[str, Path]:
    """Simulate `cfg` (with the lesson's cues and the events) and write its GIF, MP4 and
    storyboard into `out`; `check_against` is the recorded run the re-run should reproduce; `lang`
    is the labels' language ("both", "zh" or "en")."""
    if (every is not None and every < 1) or fps <= 0:
        raise ConfigError(f"--every = {every} and --fps = {fps}: both must be positive")
    try:
        check_lang(lang)
    except ValueError as exc:
        raise ConfigError(str(exc)) from None
    every = every or max(1, round(cfg.days / TARGET_FRAMES))
    try:
        plan = parse_events(events or [], cfg.days)
    except ValueError as exc:
        raise ConfigError(str(exc)) from None
    model, snaps, panels = capture(cfg, every, plan, lesson)
    ts = model.recorder.frame()
    if not plan and check_against is not None:
        warn_if_different(check_against, ts)
    title = f"community-sim · {cfg.scenario} · seed {cfg.seed} · {cfg.days} days"
    _, lang = font_rc(lang)
    captions = [(c.day, pick(c.zh, c.en, lang, sep=" · ")) for c in model.captions]
    if lesson is not None:
        title = f"{pick(lesson.zh, lesson.en, lang, sep=' · ')} · {title}"
    frames = list(
        render_frames(snaps, model.layout, ts, markers(model), title, mode, captions, lang)
    )
    out.mkdir(parents=True, exist_ok=True)
    written = {"gif": out / "animation.gif", "storyboard": out / "storyboard.png"}
    atomic_save(written["gif"], lambda p: write_gif(frames, p, fps))
    if mp4:
        written["mp4"] = out / "animation.mp4"
        atomic_save(written["mp4"], lambda p: write_mp4(frames, p, fps))
    notes = first_notes(stage_notes(model.state.events_log))
    atomic_save(
        written["storyboard"],
        lambda p: render_storyboard(panels, model.layout, p, mode, notes, lang),
    )
    return written


def main(argv: list[str] | None = None) -> int:
    """Command line: `community-sim-animate RUN_DIR [--every K] [--fps F] [--event DAY:KIND ...]
    [--lang zh|en|both]`, or `community-sim-animate --lesson NAME [...]`."""
    parser = CommandParser(prog="community-sim-animate", description=__doc__.splitlines()[0])
    parser.add_argument(
        "run_dir",
        type=Path,
        nargs="?",
        help="folder of a finished run (has config.yaml and DONE); not with --lesson",
    )
    parser.add_argument(
        "--lesson",
        default=None,
        help=f"render a lesson preset instead ({', '.join(lesson_names())}) or a lesson YAML file",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=None,
        help="where to write (default: the run folder, or outputs/lessons/NAME for a lesson)",
    )
    parser.add_argument(
        "--every",
        type=int,
        default=None,
        help=f"days between frames (default: about {TARGET_FRAMES} frames)",
    )
    parser.add_argument("--fps", type=float, default=8.0, help="frames per second (default 8)")
    parser.add_argument(
        "--event",
        action="append",
        default=[],
        metavar="DAY:KIND",
        help=f"inject an event after DAY; KIND is one of {', '.join(LABELS)}",
    )
    parser.add_argument("--colour", choices=COLOUR_MODES, default="state", help="colour members by")
    parser.add_argument(
        "--no-mp4", action="store_true", help="write only the GIF and the storyboard"
    )
    parser.add_argument(
        "--lang",
        choices=tuple(LANGS),
        default=BOTH,
        help="labels in Chinese, English or both (default both)",
    )
    args = parser.parse_args(argv)
    try:
        written = animate(
            args.run_dir,
            args.out,
            args.every,
            args.fps,
            args.event,
            args.colour,
            not args.no_mp4,
            args.lesson,
            args.lang,
        )
    except ConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    for kind, path in written.items():
        print(f"{kind:<10} {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
