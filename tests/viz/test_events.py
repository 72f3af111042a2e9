"""Events a trainer injects change the community the way a class would expect."""

from __future__ import annotations

import numpy as np
import pytest

from sim.agents import Expert, GrowthOfficer
from sim.viz.events import BURST_DAYS
from sim.viz.lang import pick_text
from sim.viz.trainer import ClassroomModel


def stepped(cfg, days: int) -> ClassroomModel:
    model = ClassroomModel(cfg=cfg)
    for _ in range(days):
        model.step()
    return model


def test_when_the_only_expert_leaves_expert_content_stops(staged_config):
    cfg = staged_config.replace(**{"staff.n_experts": 1})
    model = stepped(cfg, 20)
    (expert,) = model.roster(Expert)
    record = model.inject("expert_leaves")
    assert record.day == 20 and model.roster(Expert) == [] and expert not in model.agents
    for _ in range(20):
        model.step()
    posts = model.recorder.frame()["posts_expert"]
    assert posts.iloc[1:21].sum() > 0
    assert posts.iloc[21:].sum() == 0


def test_a_campaign_burst_brings_more_campaign_joins_while_it_lasts(staged_config):
    base, burst = stepped(staged_config, 20), stepped(staged_config, 20)
    officers = len(burst.roster(GrowthOfficer))
    burst.inject("campaign")
    for model in (base, burst):
        for _ in range(BURST_DAYS + 5):
            model.step()
    window = slice(21, 21 + BURST_DAYS)
    joins = [m.recorder.frame()["joins_campaign"].iloc[window].sum() for m in (base, burst)]
    spend = [m.recorder.frame()["campaign_spend"].iloc[window].sum() for m in (base, burst)]
    assert spend[1] == pytest.approx(spend[0] * (officers + 4) / officers)
    assert joins[1] > 2 * joins[0]
    assert len(burst.roster(GrowthOfficer)) == officers, (
        "the temporary officers go home after the burst"
    )


def test_a_spam_wave_costs_engagement_and_moderators_soften_it(staged_config):
    losses = []
    for n_moderators in (0, 3):
        model = stepped(staged_config.replace(**{"staff.n_moderators": n_moderators}), 20)
        members = model.table.is_member
        before = model.table.engagement[members].mean()
        model.inject("spam_wave")
        losses.append(before - model.table.engagement[members].mean())
    assert losses[0] > 0 and losses[1] > 0
    assert losses[1] < losses[0]


def test_an_offline_event_lifts_attendees_and_makes_new_acquaintances(staged_config):
    model = stepped(staged_config, 30)
    before = model.table.engagement.copy()
    record = model.inject("offline_event")
    lifted = np.flatnonzero(model.table.engagement > before + 0.01)
    assert len(lifted) >= 5
    english = pick_text(record.note, "en")
    assert "new ties" in english and int(english.split("; ")[1].split()[0]) > 0
    assert "新增" in pick_text(record.note, "zh") and "ties" not in pick_text(record.note, "zh")


def test_an_unknown_event_is_refused_by_name(staged_config):
    model = ClassroomModel(cfg=staged_config)
    with pytest.raises(ValueError, match="unknown event 'flood'"):
        model.inject("flood")


def test_a_spam_wave_raises_toxicity_on_the_chart_and_moderators_soften_it(staged_config):
    peaks = []
    for n_moderators in (0, 3):
        model = stepped(staged_config.replace(**{"staff.n_moderators": n_moderators}), 20)
        before = model.recorder.frame()["toxicity"].max()
        model.inject("spam_wave")
        for _ in range(3):
            model.step()
        after = model.recorder.frame()["toxicity"].iloc[-3:]
        assert after.iloc[0] > before + 0.1, "the day after the wave records the spam as toxicity"
        assert after.iloc[-1] < after.iloc[0], "toxicity fades as the backlog clears"
        peaks.append(after.iloc[0])
    assert peaks[1] < peaks[0]
