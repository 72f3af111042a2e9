"""Racing the top candidates of a search on more seeds, so the answer is a set when chance cannot decide.

A search scores every trial on a few seeds, so its best trial is partly the luckiest. Racing takes
the best few candidates, adds seeds in rounds (the same new seeds for every candidate still in the
race: common random numbers), and after each round drops a candidate once it is worse than the
leader beyond noise: the paired difference over their common seeds (sim/analysis/stats.py) has a
confidence interval wholly on the losing side (Bonferroni-corrected for the repeated looks). A candidate whose mean cost on the raced seeds
exceeds the budget is dropped too. Whoever is left at the end cannot be told apart from the leader
on the seeds run: that is the answer, a set rather than a single winner when it has more than one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from sim.analysis.stats import Interval, PairedDifference, mean_ci, paired_difference


@dataclass
class Candidate:
    """One setting in the race: its overrides and what each seed gave."""

    name: str
    overrides: list[str]
    params: dict
    values: dict[int, float] = field(default_factory=dict)  # seed -> KPI
    costs: dict[int, float] = field(default_factory=dict)  # seed -> total cost (yuan)
    dropped: str = ""  # why it left the race; '' while it is in
    dropped_after: int = 0  # seeds it had run when dropped

    def on(self, seeds: list[int]) -> np.ndarray:
        """Its KPI on `seeds`, in that order."""
        return np.array([self.values[s] for s in seeds], dtype=float)

    def kpi(self) -> Interval:
        """Mean KPI and its confidence interval over every seed it ran."""
        return mean_ci(list(self.values.values()))

    def mean_cost(self) -> float:
        """Mean total cost over every seed it ran."""
        return float(np.mean(list(self.costs.values()))) if self.costs else float("nan")


@dataclass
class Race:
    """The race's outcome: every candidate, the leader and the ones it cannot be told from."""

    candidates: list[Candidate]
    seeds: list[int]
    higher_is_better: bool
    runs: int  # simulation runs the race made (seeds a candidate already had are not rerun)
    leader: Candidate | None = None

    @property
    def tied(self) -> list[Candidate]:
        """The candidates still in the race, leader first: none can be told apart from the leader."""
        return [c for c in self.candidates if not c.dropped]

    def against_leader(self, candidate: Candidate) -> PairedDifference | None:
        """candidate - leader on their common seeds (None for the leader itself or no leader)."""
        if self.leader is None or candidate is self.leader:
            return None
        common = [s for s in self.leader.values if s in candidate.values]
        return paired_difference(candidate.on(common), self.leader.on(common), self.higher_is_better)


Score = Callable[[Candidate, int], tuple[float, float]]  # (candidate, seed) -> (KPI, total cost)


def race(candidates: list[Candidate], score: Score, seeds: list[int], higher_is_better: bool,
         rounds: int = 3, seeds_per_round: int = 2, budget: float | None = None,
         level: float = 0.95) -> Race:
    """Run the candidates on `seeds`, then add seeds in rounds, dropping the beaten ones.

    Args:
        candidates: the settings to race; seeds they already have values for are not rerun.
        score: runs one candidate on one seed, returns (KPI, total cost).
        seeds: the first seeds every candidate runs (e.g. the search's own).
        higher_is_better: direction of the KPI.
        rounds: rounds of new seeds after the first seeds.
        seeds_per_round: new seeds per round, the same for every candidate in the race.
        budget: maximum mean total cost over the raced seeds; None for none.
        level: the confidence that a dropped candidate is really worse, over the whole race (each
            look at each pair uses a Bonferroni-corrected interval).

    Returns:
        Race: the tie set is `Race.tied`.
    """
    result = Race(list(candidates), [], higher_is_better, runs=0)
    batches = [list(seeds)]
    start = max(seeds, default=-1) + 1
    batches += [list(range(start + r * seeds_per_round, start + (r + 1) * seeds_per_round)) for r in range(rounds)]
    # Bonferroni over every look at every pair: testing after each round would otherwise drop a
    # candidate that is only unlucky far more often than 1 - level
    look_level = 1 - (1 - level) / (len(batches) * max(1, len(candidates) - 1))
    for batch in batches:
        alive = result.tied
        if len(alive) <= 1 and result.seeds:
            break
        for candidate in alive:
            for seed in batch:
                if seed not in candidate.values:
                    candidate.values[seed], candidate.costs[seed] = score(candidate, seed)
                    result.runs += 1
        result.seeds += batch
        _drop_the_beaten(result, budget, look_level)
    return result


def _drop_the_beaten(result: Race, budget: float | None, level: float) -> None:
    """Drop candidates over budget, then those worse than the leader beyond noise."""
    n = len(result.seeds)
    for c in result.tied:
        if budget is not None and c.mean_cost() > budget:
            c.dropped, c.dropped_after = f"over budget on {n} seeds: mean cost {c.mean_cost():,.0f} yuan", n
    alive = result.tied
    if not alive:
        result.leader = None
        return
    sign = 1.0 if result.higher_is_better else -1.0
    result.leader = max(alive, key=lambda c: sign * np.nanmean(c.on(result.seeds)))
    for c in alive:
        if c is result.leader:
            continue
        d = paired_difference(c.on(result.seeds), result.leader.on(result.seeds), result.higher_is_better, level)
        worse = d.diff.hi < 0 if result.higher_is_better else d.diff.lo > 0
        if worse:
            c.dropped = (f"worse than {result.leader.name} on {d.diff.n} common seeds by "
                         f"{abs(d.diff.mean):,.4g} [{d.diff.lo:,.4g}, {d.diff.hi:,.4g}]")
            c.dropped_after = n
