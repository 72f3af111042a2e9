"""Posterior calibration: which parameter values are consistent with an observed series, and how sure.

The method is Bayesian calibration with an emulator (Kennedy & O'Hagan 2001, in the form of
history-matching practice: emulate, then sample the posterior on the emulator):

1. **Summaries.** The observed days (day 0 excluded) are cut into `blocks` consecutive blocks; for
   every observed column the summary is log(1 + the block's mean). Block means use every day and
   are close to Gaussian; the log puts a community of 300 and one of 3,000 on one footing.
2. **Design.** A Latin hypercube of `n_design` points over the prior box (uniform priors on the
   ranges given), each point run `replicates` times, every run on its own seed.
3. **Emulator.** A Gaussian process per summary (the sweep emulator's process, sim/analysis/
   emulator.py) of the mean over the replicates; its held-out error is measured by k-fold.
4. **Likelihood.** One observed realization is Gaussian around the emulated mean, with the
   simulator's own noise (its spread emulated over the box, its correlation pooled over the points
   and shrunk by Ledoit-Wolf) plus the covariance of the emulator's held-out errors. The model's
   noise is measured, not assumed: this is why every design point runs several seeds.
5. **Posterior.** An affine-invariant ensemble MCMC (emcee) samples the posterior on the emulator.

Why this and not ABC-SMC or neural posterior estimation: on a two-core machine a simulation costs
seconds, and ABC-SMC needs tens of thousands of them for a few parameters; neural estimation needs
PyTorch and thousands of training runs. An emulator needs tens to hundreds of runs, its error is
measured (cross-validation, in the report), and once built it serves every fit on the same data
layout, which is what makes the honesty check (sim/analysis/sbc.py) affordable.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import emcee
import numpy as np
import pandas as pd
from joblib import Parallel, delayed
from sklearn.covariance import LedoitWolf
from sklearn.exceptions import ConvergenceWarning
from sklearn.gaussian_process import GaussianProcessRegressor

from sim.analysis.emulator import make_process
from sim.analysis.observed import simulated_series
from sim.analysis.optimise import Lever
from sim.analysis.sample import latin_hypercube
from sim.config import SimConfig
from sim.progress import Progress
from sim.runner import run

FAST_OUTPUT = {"output.plots": False, "output.csv": False}
RESTARTS = 1  # optimiser restarts per process: one emulator per summary, refitted for every fold


# -- summaries -------------------------------------------------------------------------------------


def block_edges(days: np.ndarray, blocks: int) -> list[np.ndarray]:
    """The observed days after day 0 cut into `blocks` consecutive blocks (fewer for short data)."""
    later = np.asarray(days)[np.asarray(days) > 0]
    return [b for b in np.array_split(later, min(blocks, len(later))) if len(b)]


def summarise(series: pd.DataFrame, columns: list[str], blocks: list[np.ndarray]) -> np.ndarray:
    """log(1 + block mean) of every column over every block: one vector per series."""
    by_day = series.set_index("day")
    return np.array([np.log1p(by_day.loc[b, c].mean()) for c in columns for b in blocks])


def summary_names(columns: list[str], blocks: list[np.ndarray]) -> list[str]:
    """'members d1-30' ... in the order of `summarise`."""
    return [f"{c} d{b[0]}-{b[-1]}" for c in columns for b in blocks]


# -- running the simulator -------------------------------------------------------------------------


def config_at(base: SimConfig, params: list[Lever], theta: np.ndarray, seed: int) -> SimConfig:
    """The base config with the parameters set to `theta` (integers rounded) and this seed."""
    values = {p.key: (int(round(v)) if p.integer else float(v)) for p, v in zip(params, theta, strict=True)}
    return base.replace(seed=int(seed), **values, **FAST_OUTPUT)


def simulate_series(cfg: SimConfig, days: np.ndarray, columns: list[str]) -> pd.DataFrame:
    """The run's values of the observed columns on the observed days."""
    return simulated_series(run(cfg).timeseries, days, columns)


def run_many(cfgs: list[SimConfig], days, columns, label: str, n_jobs: int = 1) -> list[pd.DataFrame]:
    """Simulate every config in order, with a progress line; `n_jobs` processes."""
    if n_jobs <= 1:
        results = (simulate_series(cfg, days, columns) for cfg in cfgs)
    else:
        results = Parallel(n_jobs=n_jobs, return_as="generator")(
            delayed(simulate_series)(cfg, days, columns) for cfg in cfgs
        )
    out: list[pd.DataFrame] = []
    with Progress(len(cfgs), label, "runs") as progress:
        for frame in results:
            out.append(frame)
            progress.advance()
    return out


# -- design ----------------------------------------------------------------------------------------


@dataclass
class Design:
    """Simulated summaries at a Latin hypercube of parameter values, every point run several times."""

    params: list[Lever]
    theta: np.ndarray  # (points, parameters), natural units
    summaries: np.ndarray  # (points, replicates, summaries)
    seeds: np.ndarray  # (points, replicates): every run its own seed
    names: list[str]

    @property
    def lo(self) -> np.ndarray:
        return np.array([p.lo for p in self.params], dtype=float)

    @property
    def hi(self) -> np.ndarray:
        return np.array([p.hi for p in self.params], dtype=float)

    def frame(self) -> pd.DataFrame:
        """One row per run: point, seed, the parameter values and every summary."""
        n, r, _ = self.summaries.shape
        rows = pd.DataFrame(np.repeat(self.theta, r, axis=0), columns=[p.key for p in self.params])
        rows.insert(0, "seed", self.seeds.ravel())
        rows.insert(0, "point", np.repeat(np.arange(n), r))
        return pd.concat([rows, pd.DataFrame(self.summaries.reshape(n * r, -1), columns=self.names)], axis=1)


def build_design(base: SimConfig, params: list[Lever], days: np.ndarray, columns: list[str],
                 blocks: list[np.ndarray], n_design: int, replicates: int, first_seed: int = 0,
                 design_seed: int = 0, n_jobs: int = 1) -> Design:
    """Run the design: every point of the hypercube `replicates` times, each run on its own seed."""
    theta = latin_hypercube(params, n_design, design_seed)
    seeds = design_seeds(n_design, replicates, first_seed)
    cfgs = [config_at(base, params, t, s) for t, row in zip(theta, seeds, strict=True) for s in row]
    series = run_many(cfgs, days, columns, "calibrate: design", n_jobs)
    summaries = np.array([summarise(s, columns, blocks) for s in series]).reshape(n_design, replicates, -1)
    return Design(params, theta, summaries, seeds, summary_names(columns, blocks))


def design_seeds(points: int, replicates: int, first_seed: int = 0) -> np.ndarray:
    """Seeds of the design's runs, one per run: (points, replicates).

    Not common random numbers: the noise is estimated from the spread of replicates, and points
    sharing their seeds would share their noise, leaving as many independent worlds as replicates."""
    return first_seed + np.arange(points * replicates).reshape(points, replicates)


# -- emulator --------------------------------------------------------------------------------------


class Emulator:
    """A Gaussian process per summary of the mean over seeds, on parameters scaled to [0, 1]."""

    def __init__(self, lo: np.ndarray, hi: np.ndarray, seed: int = 0):
        self.lo, self.hi, self.seed = np.asarray(lo, float), np.asarray(hi, float), seed
        self.gps: list[GaussianProcessRegressor] = []
        self._factors: list[tuple] = []  # (signal kernel, alpha) per process, made on the first prediction
        self.centre = self.scale = np.zeros(0)

    def _unit(self, theta: np.ndarray) -> np.ndarray:
        return (np.atleast_2d(theta) - self.lo) / (self.hi - self.lo)

    def fit(self, theta: np.ndarray, y: np.ndarray) -> Emulator:
        self.centre, self.scale = y.mean(axis=0), y.std(axis=0) + 1e-12
        z = (y - self.centre) / self.scale
        x = self._unit(theta)
        self.gps, self._factors = [], []
        for j in range(y.shape[1]):  # the sweep emulator's process (sim/analysis/emulator.py), one per summary
            gp = make_process(x.shape[1], RESTARTS, self.seed).set_params(normalize_y=False)  # z is standardised
            with warnings.catch_warnings():  # a length scale at its bound: a parameter without effect
                warnings.simplefilter("ignore", ConvergenceWarning)
                self.gps.append(gp.fit(x, z[:, j]))
        return self

    def predict(self, theta: np.ndarray) -> np.ndarray:
        """Emulated mean, (points, summaries).

        The algebra of scikit-learn's `predict` (k(x, X) alpha; the white term does not cross
        points) on factors kept from the fit, since an MCMC calls this tens of thousands of times.
        The emulator's uncertainty enters the likelihood as its measured held-out error instead."""
        x = self._unit(theta)
        if not self._factors:
            self._factors = [(gp.kernel_.k1, gp.alpha_) for gp in self.gps]
        train = self.gps[0].X_train_
        means = [signal(x, train) @ alpha for signal, alpha in self._factors]
        return np.column_stack(means) * self.scale[None, :] + self.centre


def held_out(theta: np.ndarray, y: np.ndarray, lo, hi, folds: int = 5, seed: int = 0) -> np.ndarray:
    """The emulator's held-out predictions of every design point (k-fold over the points)."""
    n = len(theta)
    folds = max(2, min(folds, n))
    order = np.random.default_rng(seed).permutation(n)
    predicted = np.empty_like(y)
    for part in np.array_split(order, folds):
        keep = np.setdiff1d(order, part)
        predicted[part] = Emulator(lo, hi, seed).fit(theta[keep], y[keep]).predict(theta[part])
    return predicted


def r_squared(y: np.ndarray, predicted: np.ndarray) -> np.ndarray:
    """R² per column."""
    resid = ((y - predicted) ** 2).sum(axis=0)
    total = ((y - y.mean(axis=0)) ** 2).sum(axis=0)
    return 1.0 - resid / np.where(total > 0, total, np.nan)


# -- likelihood and posterior ----------------------------------------------------------------------


class Noise:
    """The simulator's own noise on the summaries, as it varies over the box.

    Its spread per summary is emulated (a Gaussian process on the log of each point's standard
    deviation over seeds: a small community is relatively noisier than a large one); its
    correlation between summaries is pooled over the points and shrunk by Ledoit-Wolf. The
    replicates must have seeds of their own (Design): points sharing seeds share their noise, and
    the pooled correlation would rest on as many independent worlds as there are replicates.
    """

    def __init__(self, design: Design, seed: int = 0):
        n, r, k = design.summaries.shape
        if r < 2:
            raise ValueError("the simulator's noise needs at least two seeds per design point")
        sd = design.summaries.std(axis=1, ddof=1) + 1e-6
        self.spread = Emulator(design.lo, design.hi, seed).fit(design.theta, np.log(sd))
        resid = design.summaries - design.summaries.mean(axis=1, keepdims=True)
        std = (resid / sd[:, None, :]).reshape(n * r, k) * np.sqrt(r / (r - 1))
        cov = LedoitWolf(assume_centered=True).fit(std).covariance_
        d = np.sqrt(np.diag(cov))
        self.correlation = cov / np.outer(d, d) + 1e-6 * np.eye(k)

    def covariance(self, theta: np.ndarray) -> np.ndarray:
        """(m, k, k): the covariance of one run's summaries at each row of `theta`."""
        sd = np.exp(self.spread.predict(theta))
        return sd[:, :, None] * sd[:, None, :] * self.correlation[None]


@dataclass
class Likelihood:
    """Gaussian log-likelihood of one observed summary vector on the emulator."""

    emulator: Emulator
    noise: Noise
    error: np.ndarray  # (k, k) covariance of the emulator's held-out errors
    lo: np.ndarray
    hi: np.ndarray

    def log_posterior(self, theta: np.ndarray, observed: np.ndarray) -> np.ndarray:
        """Log posterior (uniform prior on the box) of each row of `theta`; -inf outside the box."""
        theta = np.atleast_2d(theta)
        out = np.full(len(theta), -np.inf)
        inside = np.all((theta >= self.lo) & (theta <= self.hi), axis=1)
        if not inside.any():
            return out
        mean = self.emulator.predict(theta[inside])
        cov = self.noise.covariance(theta[inside]) + self.error[None]
        diff = (observed[None, :] - mean)[:, :, None]
        chol = np.linalg.cholesky(cov)
        z = np.linalg.solve(chol, diff)[:, :, 0]
        logdet = 2 * np.log(np.diagonal(chol, axis1=1, axis2=2)).sum(axis=1)
        out[inside] = -0.5 * (np.sum(z**2, axis=1) + logdet)
        return out


@dataclass
class Posterior:
    """Posterior samples and how the chain went."""

    samples: np.ndarray  # (draws, parameters)
    acceptance: float
    autocorr: np.ndarray  # integrated autocorrelation time per parameter (steps)


def sample_posterior(likelihood: Likelihood, observed: np.ndarray, start: np.ndarray, walkers: int = 32,
                     steps: int = 1500, burn: int = 500, thin: int = 5, seed: int = 0) -> Posterior:
    """emcee's ensemble sampler from `start` (rows: good design points), jittered inside the box."""
    rng = np.random.default_rng(seed)
    d = len(likelihood.lo)
    width = likelihood.hi - likelihood.lo
    picks = start[rng.integers(0, len(start), walkers)]
    p0 = np.clip(picks + rng.normal(0, 0.02, (walkers, d)) * width, likelihood.lo + 1e-9 * width,
                 likelihood.hi - 1e-9 * width)
    sampler = emcee.EnsembleSampler(
        walkers, d, lambda t: likelihood.log_posterior(t, observed), vectorize=True
    )
    sampler._random = np.random.mtrand.RandomState(int(rng.integers(2**31)))  # emcee's own stream, seeded
    sampler.run_mcmc(p0, steps, progress=False)
    chain = sampler.get_chain(discard=burn, thin=thin, flat=True)
    tau = sampler.get_autocorr_time(discard=burn, quiet=True)
    return Posterior(chain, float(np.mean(sampler.acceptance_fraction)), np.asarray(tau))


def best_points(likelihood: Likelihood, design: Design, observed: np.ndarray, k: int = 8) -> np.ndarray:
    """The design points where the observed data are most likely: where the walkers start."""
    lp = likelihood.log_posterior(design.theta, observed)
    return design.theta[np.argsort(-lp)[:k]]


@dataclass
class Calibrator:
    """A design, its emulator and the simulator's noise: everything a fit on this data layout needs."""

    design: Design
    emulator: Emulator
    likelihood: Likelihood
    r2: np.ndarray  # held-out R² per summary

    @classmethod
    def from_design(cls, design: Design, folds: int = 5, seed: int = 0) -> Calibrator:
        mean = design.summaries.mean(axis=1)
        emulator = Emulator(design.lo, design.hi, seed).fit(design.theta, mean)
        noise = Noise(design, seed)
        predicted = held_out(design.theta, mean, design.lo, design.hi, folds, seed)
        resid = mean - predicted
        error = LedoitWolf(assume_centered=True).fit(resid).covariance_ + 1e-8 * np.eye(mean.shape[1])
        likelihood = Likelihood(emulator, noise, error, design.lo, design.hi)
        return cls(design, emulator, likelihood, r_squared(mean, predicted))

    def fit(self, observed: np.ndarray, walkers: int = 32, steps: int = 1500, seed: int = 0) -> Posterior:
        burn = steps // 3
        start = best_points(self.likelihood, self.design, observed)
        return sample_posterior(self.likelihood, observed, start, walkers, steps, burn, 5, seed)


def intervals(samples: np.ndarray, params: list[Lever], mass: float = 0.9) -> dict[str, dict[str, float]]:
    """Median, mean, sd and the central `mass` credible interval of every parameter."""
    tail = (1 - mass) / 2
    out = {}
    for j, p in enumerate(params):
        v = samples[:, j]
        out[p.key] = {
            "median": float(np.median(v)),
            "mean": float(v.mean()),
            "sd": float(v.std(ddof=1)),
            "low": float(np.quantile(v, tail)),
            "high": float(np.quantile(v, 1 - tail)),
            "prior_low": float(p.lo),
            "prior_high": float(p.hi),
        }
    return out


def correlations(samples: np.ndarray, params: list[Lever]) -> dict[str, float]:
    """Posterior correlation of every pair: a strong one is a ridge (values that trade off)."""
    c = np.corrcoef(samples.T) if samples.shape[1] > 1 else np.ones((1, 1))
    return {
        f"{a.key} ~ {b.key}": float(c[i, j])
        for i, a in enumerate(params)
        for j, b in enumerate(params)
        if i < j
    }
