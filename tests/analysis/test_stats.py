"""The interval code gives what it promises on distributions whose answer is known."""

import numpy as np
import pandas as pd
from scipy import stats

from sim.analysis.stats import band, mean_ci, paired_difference


def test_95_percent_interval_covers_the_true_mean_95_percent_of_the_time():
    rng = np.random.default_rng(2024)
    true_mean, n, reps = 3.0, 8, 4000
    samples = rng.normal(true_mean, 2.0, size=(reps, n))
    hits = sum(ci.lo <= true_mean <= ci.hi for ci in map(mean_ci, samples))
    # binomial sd of the coverage over 4000 reps is 0.0034: 0.935..0.965 is about +-4 sd
    assert 0.935 <= hits / reps <= 0.965


def test_interval_matches_the_textbook_student_t_interval():
    x = np.array([12.0, 15.5, 9.0, 11.2, 14.1])
    lo, hi = stats.t.interval(0.95, len(x) - 1, loc=x.mean(), scale=stats.sem(x))
    ci = mean_ci(x)
    assert np.isclose(ci.lo, lo) and np.isclose(ci.hi, hi) and ci.n == 5


def test_one_replicate_has_a_mean_but_no_interval_and_nans_are_dropped():
    ci = mean_ci([4.0, float("nan")])
    assert ci.mean == 4.0 and ci.n == 1 and np.isnan(ci.lo) and np.isnan(ci.hi)


def test_pairing_on_common_seeds_gives_a_far_narrower_interval_than_either_policy():
    rng = np.random.default_rng(5)
    seed_luck = rng.normal(0, 10, 20)  # what the seed does to both policies alike
    baseline = 100 + seed_luck + rng.normal(0, 0.5, 20)
    policy = 102 + seed_luck + rng.normal(0, 0.5, 20)
    d = paired_difference(policy, baseline)
    assert d.diff.lo < 2.0 < d.diff.hi
    assert d.diff.width < mean_ci(policy).width / 5
    assert d.p_better > 0.999 and d.wins >= 0.9


def test_probability_of_beating_respects_the_direction_of_the_kpi():
    base = np.array([10.0, 11.0, 12.0, 13.0])
    cheaper = base - np.array([1.0, 0.8, 1.2, 0.9])
    assert paired_difference(cheaper, base, higher_is_better=False).p_better > 0.99
    assert paired_difference(cheaper, base, higher_is_better=True).p_better < 0.01
    no_change = paired_difference(base, base)
    assert no_change.p_better == 0.5 and no_change.diff.mean == 0.0 and no_change.wins == 0.0


def test_band_is_the_interval_of_each_day_across_replicates():
    frame = pd.DataFrame({"day": [0, 0, 0, 1, 1, 1], "members": [1.0, 2.0, 3.0, 5.0, 5.0, 8.0]})
    b = band(frame, "members", "day").set_index("day")
    for day in (0, 1):
        ci = mean_ci(frame.loc[frame.day == day, "members"])
        assert np.isclose(b.loc[day, "mean"], ci.mean) and np.isclose(b.loc[day, "lo"], ci.lo)
