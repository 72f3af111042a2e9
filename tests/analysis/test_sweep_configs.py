"""Every ready-made sweep in configs/sweep/ composes, validates, resumes and has replicate seeds."""

import pytest
import yaml

from sim.cli import config_dir, group_options, load_config

SWEEPS = group_options(config_dir(), "sweep")


def test_the_content_by_referral_sweep_is_among_them():
    assert {"content_x_referral", "content_x_referral_small"} <= set(SWEEPS)


@pytest.mark.parametrize("name", SWEEPS)
def test_a_sweep_config_validates_and_names_a_fixed_folder_and_its_seeds(name):
    load_config([f"sweep={name}"])  # its non-sweep values are valid config
    hydra = yaml.safe_load((config_dir() / "sweep" / f"{name}.yaml").read_text())["hydra"]
    assert hydra["sweep"]["dir"] == f"multirun/{name}"  # fixed, so running it again resumes it
    assert str(hydra["sweeper"]["params"]["seed"]).startswith("range(")
