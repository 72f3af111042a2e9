"""Config groups of the community-operations mechanics: moderation and toxicity, staff load,
interaction and economics. Part of the schema assembled in sim/config.py (same rules: every field
has a range, a meaning and a stated source)."""

from __future__ import annotations

from dataclasses import dataclass

from sim.schema import param

HALFAKER_2013 = "Halfaker, Geiger, Morgan & Riedl 2013 (stricter quality control cut newcomer retention); size assumption"
JOYCE_KRAUT_2006 = "Joyce & Kraut 2006: 56% of replied newcomers posted again vs 44% unreplied; size calibrated, assumption"


@dataclass(frozen=True)
class ModerationConfig:
    """Incidents (spam, conflicts, rule breaking), their resolution and the toxicity they leave."""

    incidents_per_100_members_per_day: float = param(0.5, lo=0.0, hi=1000.0, help="incidents arising per 100 members per day with no norms", source="assumption")
    norm_strength_max: float = param(0.8, lo=0.0, hi=1.0, help="largest share of incidents that strong community norms prevent", source="assumption")
    norm_core_share_saturation: float = param(0.1, lo=1e-6, hi=1.0, help="core+VIP share of members at which norms reach 63% of their maximum", source="assumption")
    backlog_clear_per_day: float = param(0.3, lo=0.0, hi=1.0, help="share of unresolved incidents that fade on their own each day", source="assumption")
    tolerance_incidents_per_100_members: float = param(2.0, lo=1e-6, hi=1e6, help="unresolved incidents per 100 members at which toxicity is 63%", source="assumption")
    toxicity_visit_effect: float = param(0.5, lo=0.0, hi=1.0, help="visit drive is multiplied by 1 - effect x toxicity", source="assumption")
    toxicity_churn_effect: float = param(2.0, lo=0.0, hi=100.0, help="churn hazard is multiplied by 1 + effect x toxicity", source="assumption")
    strictness_auto_removal: float = param(0.6, lo=0.0, hi=1.0, help="share of incidents strict rules remove without a moderator, at strictness 1", source="assumption")
    strictness_newcomer_churn_effect: float = param(1.0, lo=0.0, hi=100.0, help="newcomers' churn hazard is multiplied by 1 + effect x strictness", source=HALFAKER_2013)
    newcomer_days: int = param(30, lo=1, hi=10_000, help="days a member counts as a newcomer (新人)", source="assumption")


@dataclass(frozen=True)
class StaffLoadConfig:
    """Capacities and burnout of the staff roles."""

    incidents_per_moderator_per_day: int = param(20, lo=0, hi=1_000_000, help="incidents one moderator resolves per day", source="assumption")
    replies_per_moderator_per_day: int = param(20, lo=0, hi=1_000_000, help="newcomers' first posts one moderator answers per day (welcome policy greet_and_reply)", source="assumption")
    expert_capacity_posts_per_week: float = param(7.0, lo=0.01, hi=10_000.0, help="posts per week one expert sustains without burning out (内容生产压力)", source="assumption")
    answers_per_expert_per_day: int = param(6, lo=0, hi=1_000_000, help="members' questions one expert answers per day", source="assumption")
    answer_effort_posts: float = param(0.05, lo=0.0, hi=100.0, help="effort of one answer, in posts", source="assumption")
    burnout_per_overload_per_day: float = param(0.03, lo=0.0, hi=1.0, help="burnout gained per day per unit of load above capacity (load/capacity - 1)", source="assumption")
    burnout_recovery_per_day: float = param(0.02, lo=0.0, hi=1.0, help="burnout shed per day at or below capacity", source="assumption")
    burnout_quality_loss: float = param(0.5, lo=0.0, hi=1.0, help="share of post quality lost at full burnout", source="assumption")
    p_expert_quit_max_per_day: float = param(0.02, lo=0.0, hi=1.0, help="daily chance a fully burnt-out expert leaves (x burnout squared)", source="assumption")
    attendees_per_event_planner_event: int = param(200, lo=1, hi=10_000_000, help="largest event one planner can run", source="assumption")


@dataclass(frozen=True)
class InteractionConfig:
    """Replies between members, newcomers' first replies, questions, and the ties they create."""

    reply_to_post_ratio: float = param(2.0, lo=0.0, hi=100.0, help="a member's chance to reply on a visit, relative to their chance to post", source="assumption")
    p_tie_per_reply: float = param(0.05, lo=0.0, hi=1.0, help="chance a reply makes replier and poster friends", source="assumption")
    p_triadic_per_reply: float = param(0.02, lo=0.0, hi=1.0, help="chance a reply also introduces the replier to a member friend of the poster (triadic closure)", source="assumption")
    p_peer_first_reply_max: float = param(0.6, lo=0.0, hi=1.0, help="largest chance members reply to a newcomer's first post", source="assumption")
    peer_first_reply_saturation_active: float = param(50.0, lo=1e-6, hi=1e9, help="daily active members at which peer replies to first posts reach 63% of their maximum", source="assumption")
    first_reply_engagement_boost: float = param(0.15, lo=0.0, hi=1.0, help="engagement added when a newcomer's first post gets a reply", source=JOYCE_KRAUT_2006)
    question_share: float = param(0.3, lo=0.0, hi=1.0, help="share of member posts that are questions for the experts", source="assumption")
    answer_engagement_boost: float = param(0.05, lo=0.0, hi=1.0, help="engagement added when a member's question is answered by an expert", source="assumption")


@dataclass(frozen=True)
class EconomicsConfig:
    """Costs per role and the value active members bring."""

    expert_cost_per_day: float = param(400.0, lo=0.0, hi=1e9, help="cost of one expert per day (yuan; ~12,000 a month)", source="assumption")
    moderator_cost_per_day: float = param(200.0, lo=0.0, hi=1e9, help="cost of one moderator per day (yuan)", source="assumption")
    growth_officer_cost_per_day: float = param(300.0, lo=0.0, hi=1e9, help="cost of one growth officer per day (yuan), campaigns not included", source="assumption")
    event_planner_cost_per_day: float = param(250.0, lo=0.0, hi=1e9, help="cost of one event planner per day (yuan), events not included", source="assumption")
    p_purchase_per_active_day: float = param(0.01, lo=0.0, hi=1.0, help="chance an active member buys on a visit (before tier multipliers)", source="assumption")
    average_order_value: float = param(80.0, lo=0.0, hi=1e9, help="value of one purchase (yuan)", source="assumption")
