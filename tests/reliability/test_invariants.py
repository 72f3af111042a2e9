"""Random valid configs (every field drawn from its declared range, small worlds) run without an
error and keep the books: no NaN or negative counts, members today = yesterday + joins - leaves,
joins and members add up by channel and tier, cost is the sum of its parts, and the member table's
masks agree with the counts and the chat groups on every day."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from schema_strategies import PLAYBOOKS, valid_configs

from sim.cli import load_config
from sim.metrics import METRICS
from sim.model import CommunityModel
from sim.population import NEVER, Channel, Tier

PLAYBOOK_GROUPS = {
    name: load_config([f"playbook={name}"]).to_dict()["playbook"] for name in PLAYBOOKS
}
FUZZ = settings(
    max_examples=25, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
# the whole schema at small sizes, 200 configs (graphs with friendless people and without ties among
# them): the bar the reliability guide states
FUZZ_WIDE = settings(FUZZ, max_examples=200)
COUNT_UNITS = (
    "people",
    "people/day",
    "posts/day",
    "replies/day",
    "invitations/day",
    "incidents/day",
    "ties/day",
    "events/day",
    "orders/day",
    "groups",
    "yuan/day",
)
SHARES = (
    "active_share",
    "member_content_share",
    "churn_rate",
    "reached_share",
    "mean_engagement",
    "content_value",
    "toxicity",
    "expert_burnout",
    "group_active_share_min",
)
COSTS = ("cost_staff", "cost_tools", "campaign_spend", "referral_rewards", "cost_perks", "cost_events",
         "cost_reactivation")


def check_member_table(model: CommunityModel) -> None:
    """The masks, the running counts and the groups describe the same members."""
    t, members = model.table, model.table.is_member
    assert not (t.active & ~members).any(), "a non-member visited"
    assert (t.group[members] >= 0).all() and (t.group[~members] == -1).all(), (
        "member without a group, or the reverse"
    )
    # a member who left and came back keeps the day they first left (cohort survival follows the
    # first spell of membership)
    assert (t.joined_day[members] != NEVER).all()
    left = t.left_day != NEVER
    assert (t.joined_day[left] <= t.left_day[left]).all() and (t.left_day <= model.day).all()
    assert model.state.count.members == int(members.sum())
    assert np.array_equal(
        model.state.count.by_channel, np.bincount(t.channel[members], minlength=len(Channel))
    )
    assert np.array_equal(model.state.count.by_tier, np.bincount(t.tier[members], minlength=len(Tier)))
    assert np.array_equal(
        model.groups.size, np.bincount(t.group[members], minlength=len(model.groups))
    )
    engagement = t.engagement[members]
    assert np.isfinite(engagement).all() and (engagement >= 0).all() and (engagement <= 1).all()
    assert np.isfinite(t.points).all() and (t.points >= 0).all()
    a, b = model.ties.edges()
    assert (a < b).all() and (b < t.n).all()


def check_books(ts: pd.DataFrame, n_founders: int) -> None:
    """The daily series: finite, non-negative, and every identity holds on every day."""
    assert not ts.isna().any().any(), f"NaN in {ts.columns[ts.isna().any()].tolist()}"
    for m in METRICS:
        if m.unit in COUNT_UNITS:
            assert (ts[m.name] >= 0).all(), f"negative {m.name}"
    for name in SHARES:
        assert ts[name].between(0, 1).all(), f"{name} outside 0..1"
    assert ts["members"].iloc[0] == ts["members_founder"].iloc[0] == n_founders
    prev = ts["members"].shift(1).iloc[1:]
    assert (ts["members"].iloc[1:] == prev + ts["joins"].iloc[1:] + ts["returns"].iloc[1:] - ts["leaves"].iloc[1:]).all()
    assert (ts["muted"] <= ts["members"]).all() and (ts["monthly_active"] <= ts["members"]).all()
    assert (ts["weekly_active"] <= ts["monthly_active"]).all() and (ts["silent_12w"] <= ts["members"]).all()
    assert (ts["leaves"].iloc[1:] <= prev).all() and (ts["daily_active"].iloc[1:] <= prev).all()
    later = ts.iloc[1:]  # day 0's joins are the founders
    assert (
        later["joins"] == later[["joins_organic", "joins_campaign", "joins_referral"]].sum(axis=1)
    ).all()
    by_channel = ts[
        ["members_founder", "members_organic", "members_campaign", "members_referral"]
    ].sum(axis=1)
    by_tier = ts[["members_newcomer", "members_regular", "members_core", "members_vip"]].sum(axis=1)
    assert (ts["members"] == by_channel).all() and (ts["members"] == by_tier).all()
    assert np.allclose(ts["cost"], ts[list(COSTS)].sum(axis=1), rtol=1e-9, atol=1e-6)
    assert (ts["membership_fees"] <= ts["revenue"] + 1e-6).all() and (ts["margin"] <= ts["revenue"] + 1e-6).all()
    assert (ts["lapses"] <= ts["leaves"]).all()
    assert (
        ts["reached_share"].diff().iloc[1:] >= 0
    ).all()  # nobody is un-reached (ever joined only grows)


@FUZZ
@given(cfg=valid_configs(PLAYBOOK_GROUPS))
def test_any_valid_config_runs_and_keeps_the_books_every_day(cfg):
    model = CommunityModel(cfg)
    check_member_table(model)
    for _ in range(cfg.days):
        model.step()
        check_member_table(model)
    ts = model.recorder.frame()
    assert len(ts) == cfg.days + 1
    check_books(ts, cfg.founders.n_founders)


@pytest.mark.slow
@FUZZ_WIDE
@given(cfg=valid_configs(PLAYBOOK_GROUPS))
def test_two_hundred_valid_configs_run_without_a_crash_and_keep_the_books(cfg):
    test_any_valid_config_runs_and_keeps_the_books_every_day.hypothesis.inner_test(cfg)
