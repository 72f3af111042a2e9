"""The member-history and lifecycle patterns on the default preset (brand_community) at quick size
(seeds 0 and 1; `community-sim-validate --size full` runs ten seeds on every preset they apply to).

Each test asserts the check's own criterion where it holds today; where the model misses the
source (the report shows FAIL) the test states the claim the model does meet and says what it
misses, so that the difference stays visible.
"""

import numpy as np

from sim.population import NEVER, Channel
from sim.validation.base import QUICK
from sim.validation.members import (
    check_invitation_timing,
    check_reactivation,
    check_referred_churn,
)
from sim.validation.runs import default_runs
from sim.validation.stages import check_stage_meaning


def test_reactivation_levers_call_quiet_members_back_and_an_at_all_wakes_two_to_five_percent_of_the_dormant():
    result = check_reactivation(QUICK)
    for row in result.detail["per_seed"]:
        assert row["monthly_active_all"] > row["monthly_active_none"] and row["reactivated_all"] > 0, row
    assert 0.02 <= result.measured["announcement_response"] <= 0.05, result.measured
    assert result.passed, result.measured


def test_referred_members_leave_less_than_campaign_joiners_while_their_inviter_stays():
    m = check_referred_churn(QUICK).measured
    assert m["present_vs_campaign"] + 2 * m["present_vs_campaign_se"] < 1.0, m
    # with the inviter gone, the edge over campaign joiners is no larger than while present
    assert m["gone_vs_campaign"] + 2 * m["gone_vs_campaign_se"] > m["present_vs_campaign"], m


def test_members_record_the_day_of_their_first_share_that_reached_someone():
    t = default_runs(QUICK)[0].table
    shared = t.first_share_day != NEVER
    assert shared.any() and (t.first_share_day[shared] >= t.joined_day[shared]).all()
    # everyone who brought someone in shared that day or before
    brought = (t.channel == Channel.REFERRAL) & (t.inviter >= 0) & (t.joined_day >= 1)
    inviters = t.inviter[brought]
    assert (t.first_share_day[inviters] != NEVER).all()
    assert (t.first_share_day[inviters] <= t.joined_day[brought]).all()


def test_members_who_invite_do_so_mostly_soon_after_joining():
    result = check_invitation_timing(QUICK)
    m = result.measured
    # invitations cluster after joining: the first five days hold far more than their share of a
    # 60-day horizon (5/60); how many (Qiu et al.'s 80%) is the next test's claim
    assert m["within_5_days"] > 3 * 5 / 60 and m["median_days"] < 30, m
    assert m["inviters"] > 200, m
    assert result.passed == (0.70 <= m["within_5_days"] <= 0.90)


def test_four_in_five_first_invitations_come_within_five_days_of_joining():
    assert check_invitation_timing(QUICK).passed


def test_the_default_community_passes_the_five_stages_in_order_with_a_fallen_inflow_at_maturity():
    result = check_stage_meaning(QUICK)
    m = result.measured
    assert m["seeds_in_order"] == len(QUICK.seeds), result.detail
    assert m["seeds_mature"] == len(QUICK.seeds) and m["worst_mature_inflow_of_peak"] <= 2 / 3, result.detail
    assert result.passed, result.detail


def test_joins_around_expansion_are_read_from_the_recorded_columns():
    # the check's figures agree with the recorded series themselves on one seed
    run = default_runs(QUICK)[0]
    stage, joins = run.frame["stage"].to_numpy(), run.frame["joins"].to_numpy()
    d = int(np.argmax(stage == 3))
    peak = max(joins[max(1, e - 27): e + 1].sum() for e in range(1, d + 1))
    assert joins[d - 27: d + 1].sum() <= 2 / 3 * peak
