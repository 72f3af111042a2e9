"""The ordinary runs several checks measure, made once per size and seed.

`RecordingModel` is the CommunityModel plus the per-member facts the newcomer check needs and the
member table does not keep: how many posts a member had written at the end of their first posting
day and `AFTER_DAYS` days later (the day their first post got a reply is the table's
`first_reply_day`).
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from sim.cli import load_config
from sim.config import SimConfig
from sim.model import CommunityModel
from sim.validation.base import Size

AFTER_DAYS = 30  # "posted again" = posted again within 30 days of the first post


def default_config(size: Size, seed: int, days: int | None = None) -> SimConfig:
    """The built-in default scenario (brand_community, stage-aware playbook), as `community-sim`
    composes it, at the check's population and length: the setting users run."""
    return load_config([f"seed={seed}", f"days={days or size.days}", f"network.n_people={size.n_people}",
                        "output.plots=false", "output.csv=false"])


class RecordingModel(CommunityModel):
    """CommunityModel that also records posting after the first post."""

    def __init__(self, cfg: SimConfig, graph=None):
        super().__init__(cfg, graph=graph)
        n = self.table.n
        self.posts_first_day = np.zeros(n, dtype=np.int32)
        self.posts_after = np.full(n, -1, dtype=np.int32)  # posts AFTER_DAYS after the first post

    @property
    def first_reply_day(self) -> np.ndarray:
        """Day each member's first post got a reply (NEVER if not)."""
        return self.table.first_reply_day

    def step(self) -> None:
        super().step()
        t = self.table
        today = t.first_post_day == self.day
        self.posts_first_day[today] = t.posts[today]
        due = t.first_post_day == self.day - AFTER_DAYS
        self.posts_after[due] = t.posts[due]


def run_recording(cfg: SimConfig) -> RecordingModel:
    """Step a RecordingModel through `cfg.days` days."""
    model = RecordingModel(cfg)
    for _ in range(cfg.days):
        model.step()
    return model


@lru_cache(maxsize=4)
def default_runs(size: Size) -> tuple[RecordingModel, ...]:
    """One default run per seed of `size` (shared by the checks that measure them)."""
    return tuple(run_recording(default_config(size, seed)) for seed in size.seeds)
