"""Moderation and order (群规与秩序): incidents, their resolution, and toxicity.

Incidents (spam, conflicts, rule breaking) arise in proportion to community size and fall as
community norms strengthen (norms grow with the share of core and VIP members). Strict rules remove
a share automatically; moderators resolve what they can; the rest joins a backlog that fades
slowly. Toxicity, 0..1, saturates in the backlog per 100 members: it lowers visits and raises churn.
Strictness also deters newcomers (Halfaker et al. 2013), applied in the churn phase.
"""

from __future__ import annotations

import math

import numpy as np

from sim.operations_config import ModerationConfig


def norm_strength(core_share: float, cfg: ModerationConfig) -> float:
    """Share of would-be incidents prevented by community norms."""
    return cfg.norm_strength_max * (1.0 - math.exp(-core_share / cfg.norm_core_share_saturation))


def incidents_arising(members: int, norms: float, cfg: ModerationConfig, rng: np.random.Generator) -> int:
    """Incidents arising today (Poisson around size x rate x (1 - norms))."""
    rate = cfg.incidents_per_100_members_per_day * members / 100.0 * (1.0 - norms)
    return int(rng.poisson(rate)) if rate > 0 else 0


def removed_by_rules(incidents: int, strictness: float, cfg: ModerationConfig, rng: np.random.Generator) -> int:
    """Incidents that strict rules remove without a moderator."""
    return int(rng.binomial(incidents, strictness * cfg.strictness_auto_removal)) if incidents else 0


def next_backlog(backlog: float, unresolved: int, cfg: ModerationConfig) -> float:
    """Unresolved incidents still visible tomorrow."""
    return backlog * (1.0 - cfg.backlog_clear_per_day) + unresolved


def toxicity(backlog: float, members: int, cfg: ModerationConfig) -> float:
    """0..1 toxicity from the backlog relative to community size."""
    if members <= 0:
        return 0.0
    return 1.0 - math.exp(-backlog / (cfg.tolerance_incidents_per_100_members * members / 100.0))
