"""`community-sim-animate`: the files a trainer gets from a finished run, and its bad-input lines."""

from __future__ import annotations

from types import SimpleNamespace

import imageio_ffmpeg
import numpy as np
import pandas as pd
import pytest
from PIL import Image

from sim.lifecycle import Stage
from sim.viz.animate import capture, frame_days, main
from sim.viz.draw import markers

EVERY = 5


@pytest.fixture(scope="module")
def animated(staged_run_dir, tmp_path_factory):
    out = tmp_path_factory.mktemp("animation")
    assert (
        main(
            [
                str(staged_run_dir),
                "--out",
                str(out),
                "--every",
                str(EVERY),
                "--event",
                "30:offline_event",
            ]
        )
        == 0
    )
    return out


def count_panels(path) -> int:
    """Panels of a storyboard strip: coloured frames separated by white gutters, read off the image."""
    img = np.asarray(Image.open(path).convert("RGB")).astype(int)
    row = img[int(img.shape[0] * 0.97)]  # below the drawings, inside every panel's coloured frame
    coloured = (np.abs(row - 255).sum(axis=1) > 12).astype(int)
    return int((np.diff(np.concatenate([[0], coloured])) == 1).sum())


def test_frame_days_cover_the_run_and_end_on_its_last_day():
    assert frame_days(60, 5) == list(range(0, 61, 5))
    assert frame_days(62, 5)[-2:] == [60, 62]


def test_gif_and_mp4_have_one_frame_per_snapshot_day(animated, staged_config):
    expected = len(frame_days(staged_config.days, EVERY))
    gif = Image.open(animated / "animation.gif")
    assert gif.n_frames == expected
    assert gif.size == (1280, 720)
    n_frames, _ = imageio_ffmpeg.count_frames_and_secs(str(animated / "animation.mp4"))
    assert n_frames == expected


def test_frames_change_as_the_community_grows(animated):
    gif = Image.open(animated / "animation.gif")
    first = np.asarray(gif.convert("RGB")).astype(int)
    gif.seek(gif.n_frames - 1)
    last = np.asarray(gif.convert("RGB")).astype(int)
    assert np.abs(first - last).sum(axis=2).astype(bool).mean() > 0.01


def curve_pixels_in_the_later_half(frame: np.ndarray) -> int:
    """Pixels of the members curve (#1f3b73) in the right half of the top chart."""
    h, w = frame.shape[:2]
    chart = frame[int(0.14 * h) : int(0.5 * h), int(0.78 * w) : int(0.97 * w)]
    return int((np.abs(chart - np.array([0x1F, 0x3B, 0x73])).sum(axis=2) < 40).sum())


def test_the_charts_grow_with_the_day_and_never_show_the_future(animated):
    gif = Image.open(animated / "animation.gif")
    gif.seek(1)
    early = np.asarray(gif.convert("RGB")).astype(int)
    gif.seek(gif.n_frames - 1)
    last = np.asarray(gif.convert("RGB")).astype(int)
    assert curve_pixels_in_the_later_half(early) == 0
    assert curve_pixels_in_the_later_half(last) > 20


def test_storyboard_has_one_panel_per_stage_reached(animated, staged_config):
    _, _, panels = capture(staged_config, EVERY, {30: ["offline_event"]})
    stages = [p.stage for p in panels]
    assert len(stages) >= 2 and len(set(stages)) == len(stages)
    assert count_panels(animated / "storyboard.png") == len(stages)


def test_the_rerun_reproduces_the_recorded_run(staged_run_dir, staged_config):
    model, _, _ = capture(staged_config, EVERY)
    recorded = pd.read_parquet(staged_run_dir / "timeseries.parquet")
    assert np.array_equal(model.recorder.frame()["members"], recorded["members"])
    assert np.array_equal(model.recorder.frame()["stage"], recorded["stage"])


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["{missing}"], "no config.yaml here"),
        (["{unfinished}"], "did not finish"),
        (["{run}", "--event", "30:flood"], "write DAY:KIND"),
        (["{run}", "--event", "999:campaign"], "the day must be between"),
        (["{run}", "--every", "0"], "must be positive"),
    ],
)
def test_bad_input_gets_one_line_and_exit_code_2(args, says, staged_run_dir, tmp_path, capsys):
    unfinished = tmp_path / "unfinished"
    unfinished.mkdir()
    (unfinished / "config.yaml").write_text((staged_run_dir / "config.yaml").read_text())
    paths = {"missing": tmp_path / "nope", "unfinished": unfinished, "run": staged_run_dir}
    assert main([a.format(**paths) for a in args] + ["--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: ") and says in err and "\n" not in err
    assert not (tmp_path / "out" / "animation.gif").exists()


def test_playbook_switches_and_injected_events_are_marked_on_their_days(staged_config):
    cfg = staged_config.replace(
        **{
            "playbook.name": "test",
            "playbook.stages": {"GROW": {"policy": {"content": {"posts_per_week": 14}}}},
        }
    )
    model, _, panels = capture(cfg, EVERY, {30: ["campaign"]})
    grow_day = next(
        e["day"] for e in model.state.events_log if e["kind"] == "stage" and "GROW" in e["label"]
    )
    marks = [(m.day, m.kind) for m in markers(model)]
    assert (grow_day, "playbook") in marks and (30, "event") in marks
    assert any(e["kind"] == "injected" and e["day"] == 30 for e in model.state.events_log)


TINY_LESSON = """
title: {zh: 小课, en: a tiny lesson}
scenario: classroom
seed: 2
days: 12
cues:
  - day: 3
    event: spam_wave
    caption: {zh: 广告潮, en: a spam wave}
  - day: 6
    levers: {posts_per_week: 0}
    caption: {zh: 专家停更, en: the experts stop posting}
"""


def test_a_lesson_renders_to_a_gif_with_its_cues_played(tmp_path):
    lesson = tmp_path / "tiny.yaml"
    lesson.write_text(TINY_LESSON, encoding="utf-8")
    out = tmp_path / "out"
    assert main(["--lesson", str(lesson), "--out", str(out), "--every", "3", "--no-mp4"]) == 0
    gif = Image.open(out / "animation.gif")
    assert gif.n_frames == len(frame_days(12, 3))
    from sim.viz.lessons import load_lesson  # noqa: PLC0415
    from sim.viz.trainer import ClassroomModel  # noqa: PLC0415

    model = ClassroomModel(cfg=load_lesson(lesson).cfg, lesson=load_lesson(lesson))
    for _ in range(12):
        model.step()
    assert [c.en for c in model.captions] == ["a spam wave", "the experts stop posting"]
    assert model.cfg.policy.content.posts_per_week == 0
    assert model.recorder.frame()["toxicity"].iloc[4] > 0


@pytest.mark.parametrize(
    ("cue", "complaint"),
    [
        ("{day: 3, event: spamwave, caption: {zh: a, en: b}}", "unknown event 'spamwave'"),
        ("{day: 30, event: spam_wave, caption: {zh: a, en: b}}", "between 0 and 11"),
        ("{day: 3, levers: {moderatorz: 2}, caption: {zh: a, en: b}}", "unknown lever moderatorz"),
        ("{day: 3, event: spam_wave, caption: only English}", "both languages"),
    ],
)
def test_a_bad_lesson_is_refused_in_one_line(tmp_path, capsys, cue, complaint):
    lesson = tmp_path / "bad.yaml"
    lesson.write_text(
        f"title: {{zh: 坏, en: bad}}\nscenario: classroom\ndays: 12\ncues:\n  - {cue}\n"
    )
    assert main(["--lesson", str(lesson), "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and complaint in err and "bad.yaml: cue 1" in err


def test_every_lesson_preset_loads():
    from sim.viz.lessons import lesson_names, load_lesson  # noqa: PLC0415

    names = lesson_names()
    assert {"stall_in_grow", "expert_burns_out", "fission_campaign"} <= set(names)
    for name in names:
        assert load_lesson(name).cues


def test_an_unknown_language_is_refused_in_one_line(capsys):
    with pytest.raises(SystemExit) as stop:
        main(["--lesson", "stall_in_grow", "--lang", "fr"])
    err = capsys.readouterr().err.strip()
    assert stop.value.code == 2 and "--lang" in err and "\n" not in err


def test_frames_and_storyboards_speak_english_when_asked():
    from sim.viz.frames import _caption, _why_caption  # noqa: PLC0415

    snap = SimpleNamespace(day=40, stage=Stage.GROW, members=120)
    assert _caption(snap, "en") == "day 40 · GROW · 120 members"
    assert _caption(snap, "zh") == "第 40 天 · 成长期 · 120 成员"
    why = "成长期 GROW: 99 名成员, 每周增长 48.4% / 99 members growing +48.4%/week"
    assert _why_caption(why, "en") == "GROW: 99 members growing +48.4%/week"
