"""Are the calibration's credible intervals honest? Simulation-based calibration (Talts et al. 2018).

For K synthetic truths drawn from the prior (uniform on the ranges), the simulator is run once at
each truth (on seeds the design never used), the series is summarised as real data would be, and
the posterior is sampled on the same emulator a real fit on this data layout uses. If the whole
chain (summaries, emulator, noise model, MCMC) is honest, the truth's rank among the posterior
draws is uniform, and a central 90% credible interval holds the truth 90% of the time. Coverage
between 80% and 98% per parameter is the acceptance band: with K = 50 truths, an honest 90% lands
outside it about 3% of the time (binomial), so a miss is a finding, not luck.

The design and the emulator are built once and shared by every truth, as they are in real use
(one design per data layout). The check therefore measures the fit, given that emulator; a second
design would be a second check.
"""

from __future__ import annotations

from dataclasses import dataclass

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from scipy import stats

from sim.analysis.optimise import Lever
from sim.analysis.posterior import Calibrator, config_at, run_many, summarise
from sim.config import SimConfig
from sim.progress import Progress

DRAWS_FOR_RANKS = 99  # posterior draws the truth is ranked among: ranks 0..99, 100 equal bins
TRUTH_SEED = 1_000_000  # truths run on seeds from here, far from any design seed


@dataclass
class CheckResult:
    """One row per truth: its values, its rank and whether the 90% interval held it."""

    table: pd.DataFrame
    params: list[Lever]

    def coverage(self) -> dict[str, dict[str, float]]:
        """Per parameter: covered share, its 95% binomial interval, and the rank histogram's p-value."""
        k = len(self.table)
        out = {}
        for p in self.params:
            hits = int(self.table[f"{p.key} in 90%"].sum())
            ci = stats.binomtest(hits, k).proportion_ci(0.95)
            counts = np.histogram(self.table[f"{p.key} rank"], bins=rank_bins(k))[0]
            out[p.key] = {
                "covered": hits / k,
                "hits": hits,
                "truths": k,
                "ci_low": float(ci.low),
                "ci_high": float(ci.high),
                "uniform_p": float(stats.chisquare(counts).pvalue),
            }
        return out


def rank_bins(k: int) -> np.ndarray:
    """Edges of the rank histogram: about K/5 truths per bar, at most 10 bars."""
    bars = int(np.clip(k // 5, 2, 10))
    return np.linspace(0, DRAWS_FOR_RANKS + 1, bars + 1)


def check(calibrator: Calibrator, base: SimConfig, days: np.ndarray, columns: list[str],
          blocks: list[np.ndarray], truths: int, seed: int = 0, walkers: int = 32, steps: int = 1500,
          n_jobs: int = 1) -> CheckResult:
    """Draw `truths` truths from the prior, simulate, fit each, rank each truth."""
    params = calibrator.design.params
    lo, hi = calibrator.design.lo, calibrator.design.hi
    theta = lo + np.random.default_rng(seed).random((truths, len(params))) * (hi - lo)
    series = run_many([config_at(base, params, t, TRUTH_SEED + seed * 10_000 + i) for i, t in enumerate(theta)],
                      days, columns, "calibrate --check: truths", n_jobs)
    rows = []
    with Progress(truths, "calibrate --check: fits", "posteriors") as progress:
        for i, (t, s) in enumerate(zip(theta, series, strict=True)):
            post = calibrator.fit(summarise(s, columns, blocks), walkers, steps, seed=seed * 10_000 + i)
            draws = post.samples[np.linspace(0, len(post.samples) - 1, DRAWS_FOR_RANKS).astype(int)]
            row = {"truth": i}
            for j, p in enumerate(params):
                low, high = np.quantile(post.samples[:, j], [0.05, 0.95])
                row[p.key] = float(t[j])
                row[f"{p.key} rank"] = int(np.sum(draws[:, j] < t[j]))
                row[f"{p.key} in 90%"] = bool(low <= t[j] <= high)
                row[f"{p.key} low"], row[f"{p.key} high"] = float(low), float(high)
            rows.append(row)
            progress.advance()
    return CheckResult(pd.DataFrame(rows), params)


def plot_ranks(result: CheckResult):
    """One rank histogram per parameter, with the band an honest (uniform) histogram stays in."""
    k = len(result.table)
    edges = rank_bins(k)
    bars = len(edges) - 1
    fig, axes = plt.subplots(1, len(result.params), figsize=(4.2 * len(result.params), 3.2), squeeze=False)
    low, high = stats.binom.ppf([0.005, 0.995], k, 1 / bars)
    for ax, p in zip(axes[0], result.params, strict=True):
        ax.hist(result.table[f"{p.key} rank"], bins=edges, color="C0", edgecolor="white")
        ax.axhspan(low, high, color="0.85", zorder=0, label="99% band if uniform")
        ax.axhline(k / bars, color="0.4", lw=1)
        ax.set_title(p.key, fontsize=9)
        ax.set_xlabel(f"rank of the truth among {DRAWS_FOR_RANKS} posterior draws")
    axes[0, 0].set_ylabel(f"truths (of {k})")
    axes[0, 0].legend(fontsize=7)
    fig.tight_layout()
    return fig
