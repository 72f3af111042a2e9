"""Named streams: reproducible, independent by name and by day."""

import numpy as np

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
