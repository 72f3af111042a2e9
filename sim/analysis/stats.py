"""Confidence intervals for replicate runs and paired comparisons on common random numbers.

Replicates of one policy are independent draws, so their mean gets a Student-t interval. Two
policies run on the same seeds share every random draw except the policy's own effect, so their
difference is estimated from the per-seed paired differences, whose spread is much smaller than
either policy's: that is what makes a comparison on common random numbers cheap.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats


@dataclass(frozen=True)
class Interval:
    """A mean with its two-sided confidence interval over n replicates."""

    mean: float
    lo: float
    hi: float
    n: int

    @property
    def width(self) -> float:
        """hi - lo (NaN when it cannot be estimated)."""
        return self.hi - self.lo


def mean_ci(values, level: float = 0.95) -> Interval:
    """Mean and Student-t confidence interval of replicate values (NaNs dropped).

    Args:
        values: one number per replicate.
        level: coverage of the interval, e.g. 0.95.

    Returns:
        Interval; lo and hi are NaN with fewer than two values.
    """
    x = np.asarray(values, dtype=float)
    x = x[~np.isnan(x)]
    n = x.size
    if n == 0:
        return Interval(float("nan"), float("nan"), float("nan"), 0)
    mean = float(x.mean())
    if n < 2:
        return Interval(mean, float("nan"), float("nan"), 1)
    half = stats.t.ppf(0.5 + level / 2, n - 1) * x.std(ddof=1) / np.sqrt(n)
    return Interval(mean, mean - half, mean + half, n)


@dataclass(frozen=True)
class PairedDifference:
    """policy - baseline over common seeds, and how sure we are the policy is better."""

    diff: Interval
    p_better: float  # posterior probability that the mean difference favours the policy
    wins: float  # share of seeds on which the policy did better than the baseline
    ties: float = 0.0  # share of seeds on which the two gave the same value


def paired_difference(policy, baseline, higher_is_better: bool = True, level: float = 0.95) -> PairedDifference:
    """Compare two policies run on the same seeds (position i of both is seed i).

    Seeds where either value is NaN (e.g. a stage never reached) are left out of the pair.
    `p_better` is P(mean difference favours the policy) under a flat prior, the Student-t
    posterior of the mean paired difference; with zero spread it is 1, 0 or 0.5.

    Args:
        policy: per-seed values of the policy.
        baseline: per-seed values of the baseline, same seeds in the same order.
        higher_is_better: direction of the KPI.
        level: coverage of the difference's interval.
    """
    a, b = np.asarray(policy, dtype=float), np.asarray(baseline, dtype=float)
    if a.shape != b.shape:
        raise ValueError(f"paired samples differ in length: {a.size} and {b.size}")
    keep = ~(np.isnan(a) | np.isnan(b))
    d = a[keep] - b[keep]
    diff = mean_ci(d, level)
    signed = d if higher_is_better else -d
    wins = float(np.mean(signed > 0)) if d.size else float("nan")
    ties = float(np.mean(signed == 0)) if d.size else float("nan")
    return PairedDifference(diff, _p_positive(signed), wins, ties)


def _p_positive(d: np.ndarray) -> float:
    if d.size == 0:
        return float("nan")
    mean = d.mean()
    sd = d.std(ddof=1) if d.size > 1 else 0.0
    if sd == 0 or d.size < 2:
        return float(np.sign(mean) / 2 + 0.5)
    return float(stats.t.cdf(mean / (sd / np.sqrt(d.size)), d.size - 1))


def band(frame, value: str, by: str, level: float = 0.95):
    """Mean and Student-t CI of `value` at each `by` (e.g. day) over the replicates at it.

    Returns:
        DataFrame with columns by, mean, lo, hi (lo/hi NaN where fewer than two replicates).
    """
    g = frame.groupby(by, sort=True)[value].agg(["mean", "std", "count"]).reset_index()
    n = g["count"].to_numpy(dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        t = np.where(n > 1, stats.t.ppf(0.5 + level / 2, np.maximum(n - 1, 1)), np.nan)
        half = t * g["std"].to_numpy() / np.sqrt(n)
    return g.assign(lo=g["mean"] - half, hi=g["mean"] + half)[[by, "mean", "lo", "hi"]]
