"""Economics: what running the community costs and what its members bring.

Costs per day: staff by role, campaign spend, referral rewards, VIP perks, events. Value: active
members buy with a daily chance (higher in higher tiers) at an average order value.
"""

from __future__ import annotations

import numpy as np

from sim.operations_config import EconomicsConfig


def staff_cost(n_experts: int, n_moderators: int, n_growth_officers: int, n_event_planners: int, cfg: EconomicsConfig) -> float:
    """Daily staff cost (yuan)."""
    return (
        n_experts * cfg.expert_cost_per_day
        + n_moderators * cfg.moderator_cost_per_day
        + n_growth_officers * cfg.growth_officer_cost_per_day
        + n_event_planners * cfg.event_planner_cost_per_day
    )


def purchases(visitor_tiers, purchase_multipliers, p_purchase: float, u) -> int:
    """Number of purchases today, at most one per visitor (tiers, multipliers and u on one device)."""
    p = np.float32(p_purchase) * purchase_multipliers[visitor_tiers]
    return int((u < p).sum())
