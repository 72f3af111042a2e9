"""Named streams: reproducible, independent by name and by day."""

import numpy as np
import pytest

from sim.rng import RngStreams


def test_same_seed_stream_and_day_give_the_same_draws():
    a = RngStreams(5).day("churn", 12).random(100)
    b = RngStreams(5).day("churn", 12).random(100)
    assert np.array_equal(a, b)


def test_streams_differ_by_name_day_and_seed():
    base = RngStreams(5).day("churn", 12).random(100)
    assert not np.array_equal(base, RngStreams(5).day("referral", 12).random(100))
    assert not np.array_equal(base, RngStreams(5).day("churn", 13).random(100))
    assert not np.array_equal(base, RngStreams(6).day("churn", 12).random(100))


def test_a_days_draws_do_not_depend_on_what_was_drawn_before():
    streams = RngStreams(1)
    streams.day("activity", 3).random(10_000)  # consume a lot from day 3
    assert np.array_equal(streams.day("activity", 4).random(5), RngStreams(1).day("activity", 4).random(5))


def test_setup_generators_are_separate_from_every_day():
    s = RngStreams(2)
    assert not np.array_equal(s.setup("traits").random(10), s.day("traits", 0).random(10))


# -- per-person draws (RowDraws) and the join lottery ------------------------------------------


def test_a_persons_draw_does_not_depend_on_who_else_is_drawn():
    d = RngStreams(4).rows("churn", 30)
    everyone = d.uniform(np.arange(10_000))
    some = np.array([3, 999, 4_242, 9_999])
    assert np.array_equal(d.uniform(some), everyone[some])  # common random numbers, person by person
    assert np.array_equal(RngStreams(4).rows("churn", 30).uniform(some), everyone[some])  # reproducible


def test_per_person_draws_are_uniform_and_independent_across_people_slots_days_and_streams():
    from scipy import stats

    rows = np.arange(200_000)
    s = RngStreams(11)
    base = s.rows("activity", 5).uniform(rows)
    assert base.dtype == np.float32 and base.min() >= 0.0 and base.max() < 1.0
    assert stats.kstest(base, "uniform").pvalue > 0.001
    others = {
        "next person": base[1:],
        "slot": s.rows("activity", 5).uniform(rows, slot=1),
        "day": s.rows("activity", 6).uniform(rows),
        "stream": s.rows("churn", 5).uniform(rows),
        "seed": RngStreams(12).rows("activity", 5).uniform(rows),
    }
    for name, other in others.items():
        n = len(other)
        r = np.corrcoef(base[:n], other)[0, 1]
        assert abs(r) < 4 / np.sqrt(n), name  # independent: |r| within 4 standard errors of 0
        counts, _, _ = np.histogram2d(base[:n], other, bins=16)  # and jointly uniform
        assert stats.chisquare(counts.ravel()).pvalue > 0.001, name


@pytest.mark.parametrize("bound", [0.0123, 0.1])  # a sample of the population; a mask over it
def test_the_join_lottery_keeps_each_person_with_the_bound_as_chance(bound):
    from scipy import stats

    from sim.mechanics.acquisition import lottery

    n = 400_000
    s = RngStreams(3)
    kept = [lottery(n, bound, s.day("acquisition", day), s.rows("acquisition", day))[0] for day in range(1, 21)]
    counts = np.array([len(k) for k in kept])
    assert abs(counts.mean() - n * bound) < 4 * np.sqrt(n * bound * (1 - bound) / len(counts))
    every = np.bincount(np.concatenate(kept) % 8, minlength=8)  # nobody is favoured by their row
    assert every.min() > 0.9 * every.mean()
    rows, u = lottery(n, bound, s.day("acquisition", 1), s.rows("acquisition", 1))
    assert np.all(np.diff(rows) > 0) and u.max() < bound
    assert stats.kstest(u / bound, "uniform").pvalue > 0.001  # below the bound, uniform


def test_join_lotteries_with_bounds_in_one_band_share_people_and_numbers():
    from sim.mechanics.acquisition import lottery

    s = RngStreams(3)
    low, u_low = lottery(100_000, 0.009, s.day("acquisition", 7), s.rows("acquisition", 7))
    high, u_high = lottery(100_000, 0.0150, s.day("acquisition", 7), s.rows("acquisition", 7))
    assert set(low.tolist()) < set(high.tolist())  # everyone the smaller chance admits, the larger does too
    assert np.array_equal(u_high[np.isin(high, low)], u_low)
