"""Word of mouth configured as SI contagion matches an independent SI simulation
(sim/validation/contagion.py), and the comparison is strong enough to reject a wrong beta.

The independent SI is checked on its own first: on disjoint stars a susceptible centre with k
infected leaves is infected on day one with 1 - (1 - beta)^k, and an infection takes a day to pass
on (on a path with beta = 1 one more node a day).
"""

import numpy as np
import pytest

from sim.validation.base import QUICK
from sim.validation.contagion import (
    BETA,
    MAX_Z,
    MIN_SHARE_WITHIN,
    check_si_contagion,
    replicates,
    si_comparison,
    si_epidemic,
)


@pytest.mark.parametrize("k", [1, 2, 4])
def test_independent_si_infects_a_node_with_k_infected_neighbours_with_1_minus_1_minus_beta_to_the_k(
    k,
):
    n_stars, beta = 20_000, 0.2
    adj, infected = [], []
    for s in range(n_stars):  # centre c, leaves c+1..c+k (all infected)
        c = s * (k + 1)
        adj.append(list(range(c + 1, c + k + 1)))
        adj.extend([[c] for _ in range(k)])
        infected.extend(range(c + 1, c + k + 1))
    counts = si_epidemic(adj, infected, beta, 1, np.random.default_rng(k))
    share = (counts[1] - counts[0]) / n_stars
    expected = 1 - (1 - beta) ** k
    assert abs(share - expected) <= 4 * np.sqrt(expected * (1 - expected) / n_stars)


def test_independent_si_new_infections_spread_only_from_the_next_day():
    path = [[1], [0, 2], [1, 3], [2, 4], [3]]
    counts = si_epidemic(path, [0], 1.0, 6, np.random.default_rng(0))
    assert counts.tolist() == [1, 2, 3, 4, 5, 5, 5]
    assert si_epidemic(path, [0], 0.0, 3, np.random.default_rng(0)).tolist() == [1, 1, 1, 1]


def test_word_of_mouth_as_si_matches_the_independent_si():
    result = check_si_contagion(QUICK)
    assert result.passed, result.measured
    assert result.measured["share_within_3se"] >= MIN_SHARE_WITHIN
    assert result.measured["days_compared"] >= 20  # the epidemic is compared over its whole rise
    for row in result.detail["per_seed"]:  # SI: nobody leaves, nobody joins but by word of mouth
        assert row["left"] == 0 and row["joined_not_by_referral"] == 0, row


def test_the_comparison_rejects_the_simulator_at_twice_the_beta():
    c = si_comparison(replicates(QUICK), beta_sim=2 * BETA, beta_si=BETA)
    assert not c["passed"]
    assert c["max_z"] > 2 * MAX_Z
