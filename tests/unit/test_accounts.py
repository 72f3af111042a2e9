"""The run's accounts as pure functions of the daily series: payback, dominant cost, CAC, lifetime."""

import math

import pandas as pd
import pytest

from sim import accounts


@pytest.mark.parametrize(("margin", "cost", "expected"), [
    ([0, 10, 10, 10], [0, 5, 5, 5], 1),              # ahead from the first day
    ([0, 0, 0, 30, 10], [0, 10, 10, 10, 10], 3),      # cumulative 30 >= 30 on day 3, and stays
    ([0, 1, 1, 1], [0, 10, 10, 10], None),            # never
    ([0, 30, 0, 0], [0, 10, 10, 20], None),           # ahead on days 1-2, behind at the end
    ([0, 30, 0, 0, 40], [0, 10, 10, 20, 5], 4),       # ahead, behind on day 3, ahead for good on day 4
    ([0, 0, 0], [0, 0, 0], None),                     # nothing spent: nothing to pay back
    ([5, 0, 10], [0, 10, 0], 2),                      # day 0 never counts
])
def test_payback_day_is_the_first_day_from_which_cumulative_margin_covers_cumulative_cost(margin, cost, expected):
    assert accounts.payback_day(range(len(margin)), margin, cost) == expected


def series(**columns) -> pd.DataFrame:
    n = len(next(iter(columns.values())))
    base = {"day": range(n), "members": [100] * n, "leaves": [0] * n, "cost": [0.0] * n, "margin": [0.0] * n}
    base |= {c: [0.0] * n for _, c in accounts.COST_KINDS}
    base |= {f"joins_{ch}": [0] * n for ch in ("campaign", "referral", "organic")}
    return pd.DataFrame(base | columns)


def test_the_dominant_cost_is_the_largest_kind_with_its_share():
    ts = series(cost_staff=[0.0, 60.0, 60.0], campaign_spend=[0.0, 40.0, 0.0], cost_tools=[0.0, 10.0, 10.0])
    assert accounts.dominant_cost(ts) == ("staff", pytest.approx(120 / 180))
    assert accounts.dominant_cost(series(cost_staff=[0.0, 0.0])) is None


def test_acquisition_cost_per_join_by_channel():
    ts = series(campaign_spend=[0.0, 100.0, 100.0], referral_rewards=[0.0, 30.0, 0.0],
                joins_campaign=[5, 10, 10], joins_referral=[0, 3, 0], joins_organic=[0, 4, 3])
    cac = accounts.cac_by_channel(ts)  # day 0's joins are founders' and do not count
    assert cac == {"campaign": 10.0, "referral": 10.0, "organic": 0.0, "blended": pytest.approx(230 / 30)}
    assert accounts.cac_by_channel(series(campaign_spend=[0.0, 0.0]))["campaign"] is None


def test_expected_lifetime_is_the_inverse_monthly_leave_rate_capped():
    # 1 leave a day out of 100 members: 30% a month, 3.3 months
    assert accounts.expected_lifetime_months(series(leaves=[0] + [1] * 120)) == pytest.approx(1 / 0.3)
    assert accounts.expected_lifetime_months(series(leaves=[0] * 121)) == accounts.LIFETIME_CAP_MONTHS
    # only the last 90 days count
    early_exodus = series(leaves=[0] + [50] * 30 + [1] * 90)
    assert accounts.expected_lifetime_months(early_exodus) == pytest.approx(1 / 0.3)


def test_roi_is_margin_less_cost_over_cost():
    ts = series(cost=[0.0, 100.0], margin=[0.0, 150.0])
    assert accounts.roi(ts) == pytest.approx(0.5)
    assert math.isnan(accounts.roi(series(cost=[0.0, 0.0])))
