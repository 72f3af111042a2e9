"""Shared fixtures: small, fast configurations with fixed seeds."""

from __future__ import annotations

import pytest

from sim.config import SimConfig

SMALL = {
    "scenario": "test_small",
    "seed": 7,
    "days": 90,
    "network": {"kind": "holme_kim", "n_people": 3000, "mean_degree": 10},
    "founders": {"n_founders": 15},
    "policy": {"acquisition": {"budget_per_day": 30.0}},
    "output": {"plots": False, "csv": False},
}


@pytest.fixture
def small_config() -> SimConfig:
    """A 3,000-person community run for 90 days (about a second)."""
    return SimConfig.from_dict(SMALL)
