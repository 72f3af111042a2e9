"""The preset runs several checks measure, made once per (preset, size, variant) and seed.

A preset run is the scenario as `community-sim scenario=NAME seed=S` runs it, at the preset's own
population and length (a Size may ask for a smaller one), plus a variant's overrides (a policy
switched on, say). It is stepped by a `RecordingModel`: the CommunityModel plus the per-member
facts the newcomer check needs and the member table does not keep (how many posts a member had
written at the end of their first posting day and `AFTER_DAYS` days later; the day their first post
got a reply is the table's `first_reply_day`) and, each day, how many members had not visited for
30 days or more (the dormant members a reactivation lever can call back). Only what the checks
read is kept (`PresetRun`), not the model and its graph.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from sim.cli import load_config
from sim.config import SimConfig
from sim.mechanics.reactivation import REACTIVATION_GAP_DAYS
from sim.model import CommunityModel
from sim.population import NEVER, MemberTable
from sim.validation.base import Size
from sim.validation.presets import DEFAULT_PRESET

AFTER_DAYS = 30  # "posted again" = posted again within 30 days of the first post
QUIET_OUTPUT = ("output.plots=false", "output.csv=false")


def preset_config(preset: str, size: Size, seed: int, overrides: tuple[str, ...] = ()) -> SimConfig:
    """Scenario `preset` as `community-sim` composes it, at its own population and days unless
    `size` names others, with `overrides` on top."""
    own = [f"network.n_people={size.n_people}"] if size.n_people else []
    own += [f"days={size.days}"] if size.days else []
    return load_config([f"scenario={preset}", f"seed={seed}", *own, *QUIET_OUTPUT, *overrides])


class RecordingModel(CommunityModel):
    """CommunityModel that also records posting after the first post and the dormant members."""

    def __init__(self, cfg: SimConfig, graph=None):
        super().__init__(cfg, graph=graph)
        n = self.table.n
        self.posts_first_day = np.zeros(n, dtype=np.int32)
        self.posts_after = np.full(n, -1, dtype=np.int32)  # posts AFTER_DAYS after the first post
        self.dormant_next = np.zeros(cfg.days + 1, dtype=np.int64)  # by day d: dormant on day d + 1

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
        since = np.where(t.last_visit_day == NEVER, t.joined_day, t.last_visit_day)
        self.dormant_next[self.day] = int((t.is_member & (self.day + 1 - since >= REACTIVATION_GAP_DAYS)).sum())


@dataclass(frozen=True)
class PresetRun:
    """What the checks read from one finished run.

    Attributes:
        cfg: the run's config (as composed; the playbook may have switched policies since).
        table: the member table at the end.
        frame: the daily time series (`recorder.frame()`).
        day: the last day.
        posts_first_day, posts_after: RecordingModel's posting records.
        dormant_next: by day d, the members who had not visited for 30 days or more on day d + 1.
    """

    cfg: SimConfig
    table: MemberTable
    frame: pd.DataFrame
    day: int
    posts_first_day: np.ndarray
    posts_after: np.ndarray
    dormant_next: np.ndarray

    @property
    def first_reply_day(self) -> np.ndarray:
        """Day each member's first post got a reply (NEVER if not)."""
        return self.table.first_reply_day


def run_recording(cfg: SimConfig) -> RecordingModel:
    """Step a RecordingModel through `cfg.days` days."""
    model = RecordingModel(cfg)
    for _ in range(cfg.days):
        model.step()
    return model


def finished(model: RecordingModel) -> PresetRun:
    """The record of a finished RecordingModel."""
    return PresetRun(model.cfg, model.table, model.recorder.frame(), model.day, model.posts_first_day,
                     model.posts_after, model.dormant_next)


@lru_cache(maxsize=32)
def preset_runs(preset: str, size: Size, overrides: tuple[str, ...] = ()) -> tuple[PresetRun, ...]:
    """One run of `preset` per seed of `size`, with `overrides` (shared by the checks that measure them)."""
    return tuple(finished(run_recording(preset_config(preset, size, seed, overrides))) for seed in size.seeds)


def default_runs(size: Size) -> tuple[PresetRun, ...]:
    """The default scenario's runs (brand_community)."""
    return preset_runs(DEFAULT_PRESET, size)


def size_text(preset: str, size: Size, runs: tuple[PresetRun, ...] | None = None) -> str:
    """The runs in words: the preset, its population and days."""
    cfg = runs[0].cfg if runs else preset_config(preset, size, size.seeds[0])
    return f"scenario {preset}: {cfg.network.n_people:,} people, {cfg.days} days"
