"""Racing the best candidates on more seeds: the beaten leave, those within noise stay as a set."""

import numpy as np

from sim.analysis.racing import Candidate, race


def noisy_scores(offsets: dict[str, float], spread: dict[str, float]):
    """A KPI per (candidate, seed): a seed effect shared by all (common random numbers), an offset,
    and a candidate's own noise."""

    def score(candidate, seed):
        shared = np.random.default_rng(seed).normal(1000, 50)
        own = np.random.default_rng([seed, ord(candidate.name[0])]).normal(0, spread[candidate.name])
        return shared + offsets[candidate.name] + own, 100.0

    return score


def candidates(*names):
    return [Candidate(name, [], {"x": name}) for name in names]


def test_a_candidate_worse_beyond_noise_is_dropped_and_two_within_noise_are_a_tie_set():
    score = noisy_scores({"a": 10, "b": 10, "c": -40}, {"a": 3, "b": 3, "c": 3})
    result = race(candidates("a", "b", "c"), score, [0, 1], higher_is_better=True, rounds=4, seeds_per_round=2)
    assert {c.name for c in result.tied} == {"a", "b"}
    c = next(c for c in result.candidates if c.name == "c")
    assert c.dropped.startswith("worse than") and c.dropped_after < 10
    assert len(result.seeds) == 10  # the tie was never resolved, so every round ran
    assert result.runs == 2 * 10 + c.dropped_after


def test_one_clear_leader_ends_the_race_early():
    score = noisy_scores({"a": 100, "b": 0}, {"a": 1, "b": 1})
    result = race(candidates("a", "b"), score, [0, 1, 2], higher_is_better=True, rounds=5, seeds_per_round=2)
    assert [c.name for c in result.tied] == ["a"] and result.leader.name == "a"
    assert len(result.seeds) == 3 and result.runs == 6


def test_lower_is_better_and_over_budget_candidates_leave_the_race():
    def score(candidate, seed):
        cost = 200.0 if candidate.name == "cheap_but_over" else 50.0
        return {"fast": 30.0, "slow": 60.0, "cheap_but_over": 10.0}[candidate.name] + seed % 2, cost

    result = race(candidates("fast", "slow", "cheap_but_over"), score, [0, 1, 2], higher_is_better=False,
                  rounds=1, seeds_per_round=1, budget=100.0)
    dropped = {c.name: c.dropped for c in result.candidates}
    assert dropped["cheap_but_over"].startswith("over budget")
    assert dropped["slow"].startswith("worse than fast")
    assert result.leader.name == "fast"


def test_seeds_a_candidate_already_ran_are_not_rerun():
    calls = []

    def score(candidate, seed):
        calls.append(seed)
        return 1.0 + seed, 0.0

    first = Candidate("a", [], {}, values={0: 1.0}, costs={0: 0.0})
    result = race([first, Candidate("b", [], {})], score, [0], True, rounds=1, seeds_per_round=1)
    assert sorted(calls) == [0, 1, 1] and result.runs == 3
