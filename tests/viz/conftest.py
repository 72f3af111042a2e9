"""Fixtures for the trainer's pictures: a small community that passes through several stages."""

from __future__ import annotations

import pytest

from sim.config import SimConfig
from sim.runner import run

STAGED = {
    "scenario": "test_staged",
    "seed": 3,
    "days": 60,
    "network": {"kind": "holme_kim", "n_people": 2000, "mean_degree": 10},
    "founders": {"n_founders": 10},
    "policy": {"acquisition": {"budget_per_day": 40.0}},
    # Low thresholds so a 60-day run moves through more than one stage (the detector is tested
    # elsewhere; here the stages only need to change).
    "lifecycle": {
        "min_dwell_days": 7,
        "window_days": 7,
        "grow_min_members": 20,
        "active_min_members": 40,
        "active_min_active_share": 0.05,
    },
    "output": {"plots": False, "csv": False},
}


@pytest.fixture(scope="session")
def staged_config() -> SimConfig:
    """A 2,000-person community run for 60 days with easy stage thresholds."""
    return SimConfig.from_dict(STAGED)


@pytest.fixture(scope="session")
def staged_run_dir(tmp_path_factory, staged_config):
    """A finished run folder of `staged_config`."""
    out = tmp_path_factory.mktemp("staged_run")
    run(staged_config, out_dir=out)
    return out
