"""Claims about the money: what staff cost, who pays what, and when a community pays back."""

import numpy as np
import pytest

from sim.cli import load_config
from sim.mechanics import economics
from sim.rng import RngStreams
from sim.runner import format_summary, run

FREE_FOR_A_LONG_TIME = {"economics.membership_period_days": 10_000}  # nobody's period ends in the run


def test_staff_cost_is_monthly_salaries_times_employer_cost_as_a_daily_amount(small_config):
    cfg = small_config.replace(**{"staff.n_event_planners": 1, "days": 5})
    e = cfg.economics
    ts = run(cfg).timeseries
    salaries = 2 * e.expert_salary_per_month + e.moderator_salary_per_month + e.growth_officer_salary_per_month \
        + e.event_planner_salary_per_month
    assert e.employer_cost_factor == 1.45
    assert ts.loc[1, "cost_staff"] == pytest.approx(salaries * 1.45 * 12 / 365)
    assert ts.loc[1, "cost_tools"] == pytest.approx(e.tools_cost_per_month * 12 / 365)


def test_joiners_pay_the_fee_on_the_day_they_join_and_margin_nets_the_platform_share(small_config):
    cfg = small_config.replace(**{"economics.membership_fee": 100.0, "economics.platform_fee_share": 0.2,
                                  "economics.p_order_per_active_day": 0.0, "member.p_return_per_day": 0.002,
                                  **FREE_FOR_A_LONG_TIME})
    ts = run(cfg).timeseries
    assert ts.loc[0, "membership_fees"] == 0 and ts.loc[0, "joins"] > 0  # founders (day 0) do not pay
    ts = ts.iloc[1:]
    assert ts["returns"].sum() > 0  # former members who come back pay again
    assert np.allclose(ts["membership_fees"], (ts["joins"] + ts["returns"]) * 100.0)
    assert np.allclose(ts["revenue"], ts["membership_fees"])
    assert np.allclose(ts["margin"], ts["membership_fees"] * 0.8)


def test_a_fee_changes_the_accounts_not_the_members(small_config):
    free = run(small_config).timeseries
    paid = run(small_config.replace(**{"economics.membership_fee": 100.0, **FREE_FOR_A_LONG_TIME})).timeseries
    assert free["membership_fees"].sum() == 0
    assert paid["membership_fees"].sum() > 0
    for column in ("members", "joins", "leaves", "daily_active", "orders"):
        assert free[column].equals(paid[column])


def test_members_who_do_not_renew_leave_and_those_who_do_pay_again(small_config):
    cfg = small_config.replace(**{"days": 150, "economics.membership_fee": 50.0, "economics.membership_period_days": 20,
                                  "economics.p_renew": 0.5, "member.p_return_per_day": 0.0})
    ts = run(cfg).timeseries.iloc[1:]
    renewals, lapses = ts["renewals"].sum(), ts["lapses"].sum()
    assert renewals > 150 and lapses > 150  # the share renewing then has a standard error under 0.03
    assert renewals / (renewals + lapses) == pytest.approx(0.5, abs=0.08)
    assert (ts["leaves"] >= ts["lapses"]).all()
    assert np.allclose(ts["membership_fees"], (ts["joins"] + ts["renewals"]) * 50.0)
    free = run(cfg.replace(**{"economics.membership_fee": 0.0})).timeseries
    assert free["lapses"].sum() == 0 and ts["leaves"].sum() > free["leaves"].sum()


def test_referred_members_order_16_percent_more_often():
    # 200,000 visitors, half referred, at 5% a day: about 5,000 orders in each half, so the ratio's
    # standard error is about 0.02 and 1.16 lies 8 standard errors from 1
    n, p = 200_000, 0.05
    rows = np.arange(n)
    u = RngStreams(11).rows("purchase", 1).uniform(rows)
    referred = rows % 2 == 0
    referred_orders = economics.orders(u[referred], p, referred=np.ones(n // 2, bool), referred_multiplier=1.16)
    other_orders = economics.orders(u[~referred], p, referred=np.zeros(n // 2, bool), referred_multiplier=1.16)
    assert referred_orders / other_orders == pytest.approx(1.16, abs=0.04)


def test_members_who_came_by_referral_add_orders_and_nothing_else(small_config):
    # invitations that carry, so most joiners come by referral
    cfg = small_config.replace(**{"economics.p_order_per_active_day": 0.2, "policy.referral.p_reach_per_tie": 0.5,
                                  "policy.referral.p_accept": 0.5})
    same = run(cfg.replace(**{"economics.referred_value_multiplier": 1.0})).timeseries
    more = run(cfg).timeseries  # common random numbers: the same visitors draw the same numbers
    assert same["joins_referral"].sum() > same["joins"].iloc[1:].sum() / 2
    assert same["members"].equals(more["members"]) and same["daily_active"].equals(more["daily_active"])
    assert (more["orders"] >= same["orders"]).all()
    extra = (more["orders"].sum() - same["orders"].sum()) / same["orders"].sum()
    assert 0 < extra < 0.16  # only the referred members' orders grow, by 16%


def test_a_brand_community_that_only_buys_traffic_never_pays_back_and_says_staff_dominate():
    result = run(load_config(["scenario=brand_community", "policy/referral=none", "playbook=flat", "seed=0",
                              "output.plots=false"]))
    s = result.summary
    assert s["payback_day"] is None and s["roi"] < -0.5
    assert s["cost_dominant"]["kind"] == "staff" and s["cost_dominant"]["share"] > 0.5
    assert "never pays back in 365 days: margin covers" in format_summary(s)
    assert f"staff are {s['cost_dominant']['share']:.0%} of cost" in format_summary(s)


@pytest.mark.slow
def test_the_paid_knowledge_circle_pays_back_within_a_year_on_most_seeds():
    paid_back = [run(load_config(["scenario=knowledge_circle", f"seed={seed}", "output.plots=false"])).summary["payback_day"]
                 for seed in range(10)]
    assert sum(day is not None and day <= 365 for day in paid_back) >= 8
