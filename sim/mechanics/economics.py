"""Economics: what running the community costs and what its members bring.

Costs per day: staff by role, campaign spend, referral rewards, VIP perks, events. Value: active
members buy with a daily chance (higher in higher tiers) at an average order value.
"""

from __future__ import annotations

import numpy as np

from sim.backend import xp_of
from sim.operations_config import EconomicsConfig
from sim.state import Metric

PARAMETERS = (
    "economics.expert_cost_per_day",
    "economics.moderator_cost_per_day",
    "economics.growth_officer_cost_per_day",
    "economics.event_planner_cost_per_day",
    "economics.p_purchase_per_active_day",
    "economics.average_order_value",
    "policy.tiers.purchase_multiplier_*",
)

METRICS = (
    Metric("campaign_spend", "yuan/day", "campaign spend today", lambda s: s.tally.campaign_spend),
    Metric("referral_rewards", "yuan/day", "referral rewards paid today", lambda s: s.tally.referral_rewards),
    Metric("cost_staff", "yuan/day", "staff cost today (all roles)", lambda s: s.tally.cost_staff),
    Metric("cost_perks", "yuan/day", "VIP perks today", lambda s: s.tally.cost_perks),
    Metric("cost_events", "yuan/day", "direct cost of today's events", lambda s: s.tally.cost_events),
    Metric("cost", "yuan/day", "all costs today: staff + campaigns + referral rewards + perks + events",
           lambda s: s.tally.cost_total),
    Metric("purchases", "orders/day", "purchases by active members today", lambda s: s.tally.purchases),
    Metric("revenue", "yuan/day", "purchases x average order value", lambda s: s.tally.revenue),
)


def staff_cost(n_experts: int, n_moderators: int, n_growth_officers: int, n_event_planners: int, cfg: EconomicsConfig) -> float:
    """Daily staff cost (yuan)."""
    return (
        n_experts * cfg.expert_cost_per_day
        + n_moderators * cfg.moderator_cost_per_day
        + n_growth_officers * cfg.growth_officer_cost_per_day
        + n_event_planners * cfg.event_planner_cost_per_day
    )


def purchases(tier_multiplier, p_purchase: float, u) -> int:
    """Number of purchases today, at most one per visitor (u: one uniform each; tier_multiplier: the
    purchase multiplier of each visitor's tier, None: 1 for all; both on one device)."""
    p = np.float32(p_purchase) if tier_multiplier is None else np.float32(p_purchase) * tier_multiplier
    return int(xp_of(u).count_nonzero(u < p))
