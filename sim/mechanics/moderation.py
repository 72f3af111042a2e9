"""Moderation and order (群规与秩序): incidents, their resolution, and toxicity.

Incidents (spam, conflicts, rule breaking) arise in proportion to community size and fall as
community norms strengthen (norms grow with the share of core and VIP members). Strict rules remove
a share automatically; moderators resolve what they can (sim/agents.py); the rest joins a backlog
that fades slowly. Toxicity, 0..1, saturates in the backlog per 100 members: it lowers visits
(sim/mechanics/visits.py) and raises churn (sim/mechanics/churn.py). Strictness also deters
newcomers (Halfaker et al. 2013), applied in the churn hazard.
"""

from __future__ import annotations

import math

import numpy as np

from sim.operations_config import ModerationConfig
from sim.state import Metric

PARAMETERS = (
    "moderation.incidents_per_100_members_per_day",
    "moderation.norm_strength_max",
    "moderation.norm_core_share_saturation",
    "moderation.strictness_auto_removal",
    "moderation.backlog_clear_per_day",
    "moderation.tolerance_incidents_per_100_members",
    "policy.moderation.strictness",
)

METRICS = (
    Metric("incidents", "incidents/day", "spam, conflicts and rule breaking that arose today", lambda s: s.tally.incidents),
    Metric("incidents_resolved", "incidents/day", "incidents removed by rules or moderators today",
           lambda s: s.tally.incidents_resolved),
    Metric("toxicity", "0..1", "toxicity left by unresolved incidents", lambda s: s.toxicity),
)


def norm_strength(core_share: float, cfg: ModerationConfig) -> float:
    """Share of would-be incidents prevented by community norms."""
    return cfg.norm_strength_max * (1.0 - math.exp(-core_share / cfg.norm_core_share_saturation))


def incidents_today(members: int, core_and_vip: int, strictness: float, cfg: ModerationConfig,
                    rng: np.random.Generator) -> tuple[int, int]:
    """(incidents arising today, those strict rules remove by themselves).

    Arising: Poisson around members / 100 x rate x (1 - norms); removed: each with chance
    strictness x strictness_auto_removal.
    """
    norms = norm_strength(core_and_vip / members if members else 0.0, cfg)
    rate = cfg.incidents_per_100_members_per_day * members / 100.0 * (1.0 - norms)
    arising = int(rng.poisson(rate)) if rate > 0 else 0
    removed = int(rng.binomial(arising, strictness * cfg.strictness_auto_removal)) if arising else 0
    return arising, removed


def next_backlog(backlog: float, unresolved: int, cfg: ModerationConfig) -> float:
    """Unresolved incidents still visible tomorrow."""
    return backlog * (1.0 - cfg.backlog_clear_per_day) + unresolved


def toxicity(backlog: float, members: int, cfg: ModerationConfig) -> float:
    """0..1 toxicity from the backlog relative to community size."""
    if members <= 0:
        return 0.0
    return 1.0 - math.exp(-backlog / (cfg.tolerance_incidents_per_100_members * members / 100.0))
