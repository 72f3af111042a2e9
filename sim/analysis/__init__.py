"""Analysis across runs: collecting sweeps, comparing policies with confidence intervals,
global sensitivity analysis and policy optimisation (see docs/experiments.md)."""
