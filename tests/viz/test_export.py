"""Export from the page: the run folder as `community-sim` writes it, and a GIF and a playable MP4
of the same run."""

from __future__ import annotations

import imageio_ffmpeg
import pandas as pd
from PIL import Image

from sim.recorder import is_done
from sim.viz.animate import capture, parse_events
from sim.viz.export import export_run, replayed_events
from sim.viz.trainer import ClassroomModel


def test_an_exported_run_is_a_finished_run_folder_with_a_gif_and_an_mp4_of_the_same_community(
    staged_config, tmp_path
):
    model = ClassroomModel(cfg=staged_config)
    for _ in range(10):
        model.step()
    model.inject("offline_event")
    for _ in range(10):
        model.step()
    written = export_run(model, root=tmp_path)
    folder = written["folder"]
    assert is_done(folder) and (folder / "events.csv").is_file()
    ts = pd.read_parquet(folder / "timeseries.parquet")
    assert len(ts) == 21 and ts["members"].iloc[-1] == model.state.count.members
    assert Image.open(written["gif"]).n_frames > 1
    # The MP4 plays: ffmpeg reads one frame per snapshot day back (days 0-20, one a day).
    assert written["mp4"].name == "animation.mp4" and written["mp4"].stat().st_size > 0
    frames, _ = imageio_ffmpeg.count_frames_and_secs(str(written["mp4"]))
    assert frames == Image.open(written["gif"]).n_frames == 21
    assert written["storyboard"].is_file()
    # The GIF's re-run: same seed, the same event on the same day, so the same community.
    assert replayed_events(model) == ["10:offline_event"]
    again, _, _ = capture(
        model.start_cfg.replace(days=20), 5, parse_events(replayed_events(model), 20)
    )
    assert again.state.count.members == model.state.count.members
