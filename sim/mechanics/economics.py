"""Economics: what running the community costs each day and what its members bring.

Costs per day: staff on salary (monthly salary per role x the employer's cost factor, as a daily
amount), tools (software subscriptions), and what the levers spend (campaigns, referral and fission
rewards, VIP perks, events, reactivation; booked by their own phases). Value per day: active
members order with a daily chance (raised by their tier, and for members who came by referral)
at an average order value, of which the gross margin is kept; joining members of a paid community
pay a membership fee, and at the end of each period some renew and the rest leave; the hosting
platform keeps a share of the fees.
"""

from __future__ import annotations

import numpy as np

from sim.backend import xp_of
from sim.operations_config import EconomicsConfig
from sim.state import Metric

PARAMETERS = (
    "economics.expert_salary_per_month",
    "economics.moderator_salary_per_month",
    "economics.growth_officer_salary_per_month",
    "economics.event_planner_salary_per_month",
    "economics.employer_cost_factor",
    "economics.tools_cost_per_month",
    "economics.p_order_per_active_day",
    "economics.average_order_value",
    "economics.gross_margin",
    "economics.referred_value_multiplier",
    "economics.membership_fee",
    "economics.membership_period_days",
    "economics.p_renew",
    "economics.platform_fee_share",
    "policy.tiers.purchase_multiplier_*",
)

MONTHS_PER_DAY = 12.0 / 365.0

METRICS = (
    Metric("campaign_spend", "yuan/day", "campaign spend today", lambda s: s.tally.campaign_spend),
    Metric("referral_rewards", "yuan/day", "referral and fission rewards paid today", lambda s: s.tally.referral_rewards),
    Metric("cost_staff", "yuan/day", "staff cost today (all roles; salaries x employer cost factor)",
           lambda s: s.tally.cost_staff),
    Metric("cost_tools", "yuan/day", "software subscriptions today (SCRM / 企业微信 tools)", lambda s: s.tally.cost_tools),
    Metric("cost_perks", "yuan/day", "VIP perks today", lambda s: s.tally.cost_perks),
    Metric("cost_events", "yuan/day", "direct cost of today's events", lambda s: s.tally.cost_events),
    Metric("cost", "yuan/day",
           "all costs today: staff + tools + campaigns + referral rewards + perks + events + reactivation",
           lambda s: s.tally.cost_total),
    Metric("orders", "orders/day", "orders by active members today", lambda s: s.tally.orders),
    Metric("membership_fees", "yuan/day", "membership fees paid today (joins and renewals)",
           lambda s: s.tally.membership_fees),
    Metric("renewals", "people/day", "paying members who renewed today", lambda s: s.tally.renewals),
    Metric("lapses", "people/day", "paying members who did not renew today and left (counted in leaves)",
           lambda s: s.tally.lapses),
    Metric("revenue", "yuan/day", "orders x average order value + membership fees", lambda s: s.tally.revenue),
    Metric("margin", "yuan/day",
           "what the community keeps: order value x gross margin + fees x (1 - platform share)",
           lambda s: s.tally.margin),
)


def staff_cost(n_experts: int, n_moderators: int, n_growth_officers: int, n_event_planners: int,
               cfg: EconomicsConfig) -> float:
    """Daily staff cost (yuan): monthly salaries x the employer's cost factor, x 12 / 365."""
    salaries = (
        n_experts * cfg.expert_salary_per_month
        + n_moderators * cfg.moderator_salary_per_month
        + n_growth_officers * cfg.growth_officer_salary_per_month
        + n_event_planners * cfg.event_planner_salary_per_month
    )
    return salaries * cfg.employer_cost_factor * MONTHS_PER_DAY


def tools_cost(cfg: EconomicsConfig) -> float:
    """Daily cost of the software subscriptions (yuan)."""
    return cfg.tools_cost_per_month * MONTHS_PER_DAY


def orders(u, p_order: float, tier_multiplier=None, referred=None, referred_multiplier: float = 1.0) -> int:
    """Orders today, at most one per visitor.

    Args:
        u: one uniform per visitor.
        p_order: a visitor's chance to order (economics.p_order_per_active_day).
        tier_multiplier: the order multiplier of each visitor's tier (None: 1 for all).
        referred: mask of the visitors who came by referral (None: nobody).
        referred_multiplier: their order rate relative to others (Schmitt, Skiera & Van den Bulte 2011).

    Returns:
        The number of visitors who ordered.
    """
    xp = xp_of(u)
    p = xp.full(len(u), np.float32(p_order), dtype=np.float32)
    if tier_multiplier is not None:
        p = p * tier_multiplier
    if referred is not None:
        p = xp.where(referred, p * np.float32(referred_multiplier), p)
    return int(xp.count_nonzero(u < p))


def renewing(u, p_renew: float):
    """Mask over the members whose period ended today (u: one uniform each): who pays again."""
    return u < np.float32(p_renew)


def margin(order_value: float, fees: float, cfg: EconomicsConfig) -> float:
    """What the community keeps of a day's revenue (yuan): the gross margin on orders and the fees
    less the platform's commission."""
    return order_value * cfg.gross_margin + fees * (1.0 - cfg.platform_fee_share)
