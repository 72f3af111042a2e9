"""One colour per channel, stage and member state on every picture a trainer shows."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.colors import to_hex
from matplotlib.figure import Figure

from sim.dashboard import dashboard_figure
from sim.lifecycle import Stage
from sim.palette import CHANNEL_COLOURS, STAGE_COLOURS, STATE_COLOURS
from sim.runner import run
from sim.viz.draw import draw_kpi, member_colours, stage_legend_handles
from sim.viz.frames import Snapshot
from sim.viz.trainer import ClassroomModel


def stack_colours(ax) -> list[str]:
    return [to_hex(c.get_facecolor()[0], keep_alpha=False) for c in ax.collections]


def test_dashboard_and_app_charts_draw_channels_and_states_in_the_same_colours(staged_config):
    result = run(staged_config.replace(days=20))
    ts = result.timeseries
    stages = result.stages
    dash = dashboard_figure(ts, stages, staged_config).axes
    app_members, app_state = Figure().subplots(1, 2)
    draw_kpi(app_members, ts, "members", lang="en")
    draw_kpi(app_state, ts, "state", lang="en")
    channels = list(CHANNEL_COLOURS.values())
    assert stack_colours(dash[0])[-4:] == stack_colours(app_members)[-4:] == channels
    assert (
        stack_colours(dash[1])[-3:] == stack_colours(app_state)[-3:] == list(STATE_COLOURS.values())
    )


def test_the_network_of_the_app_and_the_animation_uses_the_palettes_channel_colours(staged_config):
    model = ClassroomModel(cfg=staged_config)
    for _ in range(10):
        model.step()
    rows = np.flatnonzero(model.table.is_member)
    frame_model = Snapshot.of(model).as_model(model.layout)
    for source in (model, frame_model):
        colours = member_colours(source, rows, "channel")
        for code, colour in CHANNEL_COLOURS.items():
            assert set(colours[model.table.channel[rows] == code]) <= {colour}


def test_members_are_coloured_by_state_active_quiet_or_muted(staged_config):
    model = ClassroomModel(cfg=staged_config)
    for _ in range(10):
        model.step()
    model.table.muted[model.table.is_member & ~model.table.active] = True
    rows = np.flatnonzero(model.table.is_member)
    colours = pd.Series(member_colours(model, rows, "state"))
    active = model.table.active[rows]
    assert set(colours[active]) == {STATE_COLOURS["active"]}
    assert set(colours[~active]) == {STATE_COLOURS["muted"]}


def test_the_stage_legend_has_all_six_stages_decline_included():
    handles = stage_legend_handles(lang="both")
    assert [h.get_label() for h in handles] == [s.label for s in Stage]
    assert "衰退期 DECLINE" in [h.get_label() for h in handles]
    assert [to_hex(h.get_facecolor(), keep_alpha=False) for h in handles] == list(
        STAGE_COLOURS.values()
    )
