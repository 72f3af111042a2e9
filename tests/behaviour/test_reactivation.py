"""Claims about quiet and muted members and the levers that call them back (唤醒/召回)."""

import numpy as np
import pytest

from sim.model import CommunityModel
from sim.runner import run

SEEDS = (0, 1, 2, 3, 4)  # paired arms: the claim must hold on every seed, not on average


def weekly_active(ts) -> float:
    """Mean weekly active members over the run's last 8 weeks."""
    return float(ts["weekly_active"].tail(56).mean())


@pytest.fixture
def quiet_community(small_config):
    """The small community for 150 days, where most members have muted it by the end."""
    return small_config.replace(days=150)


def test_red_packets_raise_weekly_active_members_on_every_seed_at_their_stated_cost(quiet_community):
    packets = quiet_community.replace(**{"policy.reactivation.name": "red_packets"})
    for seed in SEEDS:
        plain, ts = run(quiet_community.replace(seed=seed)).timeseries, run(packets.replace(seed=seed)).timeseries
        assert weekly_active(ts) > weekly_active(plain), seed
        assert plain["cost_reactivation"].sum() == 0.0
        # the operator pays for the claimed shares of its drops, at most 20 yuan per group a week
        drops = ts["day"] % packets.policy.reactivation.red_packet_every_days == 0
        most = (ts.loc[drops, "groups"] * packets.policy.reactivation.red_packet_yuan_per_group).sum()
        assert 0 < ts["cost_reactivation"].sum() <= most + 1e-6
        assert ts["member_red_packets"].sum() > 0  # claimants send packets back (gift contagion)


def test_a_muted_member_never_visits_without_a_lever(quiet_community):
    model = CommunityModel(quiet_community)
    muted_ever = np.zeros(model.table.n, dtype=bool)
    for _ in range(quiet_community.days):
        was_muted = model.table.muted.copy()
        model.step()
        assert not (was_muted & (model.table.last_visit_day == model.day) & model.table.is_member).any()
        muted_ever |= model.table.muted
    assert muted_ever.sum() > 0


def test_one_to_one_outreach_brings_muted_members_back(quiet_community):
    ts_off = run(quiet_community).timeseries
    ts_on = run(quiet_community.replace(**{"policy.reactivation.name": "outreach"})).timeseries
    assert ts_on["outreach_messages"].sum() > 0
    assert ts_on["reactivated"].sum() > ts_off["reactivated"].sum()
    assert ts_on["muted"].iloc[-1] < ts_off["muted"].iloc[-1]


def test_announcements_tire_members_when_sent_too_often(quiet_community):
    # an @all every day: the response falls with the announcements of the past two weeks, so
    # the daily call-backs of the second week bring fewer members than a weekly @all's
    daily = quiet_community.replace(**{"policy.reactivation.name": "announcements",
                                       "policy.reactivation.announce_every_days": 1})
    weekly = quiet_community.replace(**{"policy.reactivation.name": "announcements"})
    ts_daily, ts_weekly = run(daily).timeseries, run(weekly).timeseries
    assert ts_daily["announcements"].sum() == quiet_community.days
    per_call_daily = ts_daily["reactivated"].sum() / ts_daily["announcements"].sum()
    per_call_weekly = ts_weekly["reactivated"].sum() / max(1, ts_weekly["announcements"].sum())
    assert per_call_daily < per_call_weekly


def test_members_who_lose_interest_mostly_mute_rather_than_leave(quiet_community):
    ts = run(quiet_community).timeseries
    assert ts["mutes"].sum() > ts["leaves"].sum()
    assert ts["muted"].iloc[-1] > 0.3 * ts["members"].iloc[-1]


def test_a_daily_check_in_raises_daily_activity_at_its_cost(quiet_community):
    plain = run(quiet_community).timeseries
    checked = run(quiet_community.replace(**{"policy.reactivation.name": "check_in"})).timeseries
    assert checked["daily_active"].tail(60).mean() > plain["daily_active"].tail(60).mean()
    reward = quiet_community.policy.reactivation.check_in_reward
    assert checked["cost_reactivation"].sum() == pytest.approx(checked["check_ins"].sum() * reward)


def test_former_members_come_back_only_when_returns_are_on(quiet_community):
    none = run(quiet_community.replace(**{"member.p_return_per_day": 0.0})).timeseries
    assert none["returns"].sum() == 0
    result = run(quiet_community.replace(**{"member.p_return_per_day": 0.01}))
    table = result.model.table
    assert result.timeseries["returns"].sum() > 0
    # who came back had left before: a member today with a first leaving day in the past
    back = table.is_member & (table.left_day >= 0)
    assert back.sum() > 0 and (table.left_day[back] < result.model.day).all()


def test_repeated_fission_campaigns_tire_members(small_config):
    # three poster campaigns a month apart, with and without fatigue (paired seed): without it the
    # later campaigns bring more joins than with it, and the first campaign is the same
    cfg = small_config.replace(**{"days": 90, "policy.referral.name": "fission", "policy.referral.fission_every_days": 30,
                                  "policy.referral.fission_length_days": 10, "playbook.stages": {}})
    tired, fresh = run(cfg).timeseries, run(cfg.replace(**{"policy.referral.fission_fatigue": 1.0})).timeseries

    def joins(ts, k):
        return ts.loc[(ts["day"] >= 1 + 30 * k) & (ts["day"] < 11 + 30 * k), "fission_joins"].sum()

    assert joins(tired, 0) == joins(fresh, 0)
    assert joins(tired, 1) + joins(tired, 2) < joins(fresh, 1) + joins(fresh, 2)
    assert tired["fission_rewards"].sum() > 0 and tired["referral_rewards"].sum() > 0
