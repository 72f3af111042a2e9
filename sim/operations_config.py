"""Config groups of the community-operations mechanics: moderation, staff load, tiers and points,
events, welcome and economics. Part of the schema in sim/config.py (same rules: every field has a
range, a meaning and a source or `assumption`)."""

from __future__ import annotations

from dataclasses import dataclass

from sim.schema import param

HALFAKER_2013 = "Halfaker, Geiger, Morgan & Riedl 2013 (stricter quality control cut newcomer retention); size assumption"
JOYCE_KRAUT_2006 = "Joyce & Kraut 2006: 56% of replied newcomers posted again vs 44% unreplied; size calibrated, assumption"


@dataclass(frozen=True)
class ModerationConfig:
    """Incidents (spam, conflicts, rule breaking), their resolution and the toxicity they leave."""

    incidents_per_100_members_per_day: float = param(0.5, lo=0.0, hi=1000.0, help="incidents arising per 100 members per day with no norms")
    norm_strength_max: float = param(0.8, lo=0.0, hi=1.0, help="largest share of incidents that strong community norms prevent")
    norm_core_share_saturation: float = param(0.1, lo=1e-6, hi=1.0, help="core+VIP share of members at which norms reach 63% of their maximum")
    backlog_clear_per_day: float = param(0.3, lo=0.0, hi=1.0, help="share of unresolved incidents that fade on their own each day")
    tolerance_incidents_per_100_members: float = param(2.0, lo=1e-6, hi=1e6, help="unresolved incidents per 100 members at which toxicity is 63%")
    toxicity_visit_effect: float = param(0.5, lo=0.0, hi=1.0, help="visit drive is multiplied by 1 - effect x toxicity")
    toxicity_churn_effect: float = param(2.0, lo=0.0, hi=100.0, help="churn hazard is multiplied by 1 + effect x toxicity")
    strictness_auto_removal: float = param(0.6, lo=0.0, hi=1.0, help="share of incidents strict rules remove without a moderator, at strictness 1")
    strictness_newcomer_churn_effect: float = param(1.0, lo=0.0, hi=100.0, help="newcomers' churn hazard is multiplied by 1 + effect x strictness", source=HALFAKER_2013)
    newcomer_days: int = param(30, lo=1, hi=10_000, help="days a member counts as a newcomer (新人)")


@dataclass(frozen=True)
class StaffLoadConfig:
    """Capacities and burnout of the staff roles."""

    incidents_per_moderator_per_day: int = param(20, lo=0, hi=1_000_000, help="incidents one moderator resolves per day")
    replies_per_moderator_per_day: int = param(20, lo=0, hi=1_000_000, help="newcomers' first posts one moderator answers per day (welcome policy greet_and_reply)")
    expert_capacity_posts_per_week: float = param(7.0, lo=0.01, hi=10_000.0, help="posts per week one expert sustains without burning out (内容生产压力)")
    answers_per_expert_per_day: int = param(6, lo=0, hi=1_000_000, help="members' questions one expert answers per day")
    answer_effort_posts: float = param(0.05, lo=0.0, hi=100.0, help="effort of one answer, in posts")
    burnout_per_overload_per_day: float = param(0.03, lo=0.0, hi=1.0, help="burnout gained per day per unit of load above capacity (load/capacity - 1)")
    burnout_recovery_per_day: float = param(0.02, lo=0.0, hi=1.0, help="burnout shed per day at or below capacity")
    burnout_quality_loss: float = param(0.5, lo=0.0, hi=1.0, help="share of post quality lost at full burnout")
    p_expert_quit_max_per_day: float = param(0.02, lo=0.0, hi=1.0, help="daily chance a fully burnt-out expert leaves (x burnout squared)")
    attendees_per_event_planner_event: int = param(200, lo=1, hi=10_000_000, help="largest event one planner can run")


@dataclass(frozen=True)
class InteractionConfig:
    """Replies between members, newcomers' first replies, questions, and the ties they create."""

    reply_to_post_ratio: float = param(2.0, lo=0.0, hi=100.0, help="a member's chance to reply on a visit, relative to their chance to post")
    p_tie_per_reply: float = param(0.05, lo=0.0, hi=1.0, help="chance a reply makes replier and poster friends")
    p_triadic_per_reply: float = param(0.02, lo=0.0, hi=1.0, help="chance a reply also introduces the replier to a member friend of the poster (triadic closure)")
    p_peer_first_reply_max: float = param(0.6, lo=0.0, hi=1.0, help="largest chance members reply to a newcomer's first post")
    peer_first_reply_saturation_active: float = param(50.0, lo=1e-6, hi=1e9, help="daily active members at which peer replies to first posts reach 63% of their maximum")
    first_reply_engagement_boost: float = param(0.15, lo=0.0, hi=1.0, help="engagement added when a newcomer's first post gets a reply", source=JOYCE_KRAUT_2006)
    question_share: float = param(0.3, lo=0.0, hi=1.0, help="share of member posts that are questions for the experts")
    answer_engagement_boost: float = param(0.05, lo=0.0, hi=1.0, help="engagement added when a member's question is answered by an expert")


@dataclass(frozen=True)
class EconomicsConfig:
    """Costs per role and the value active members bring."""

    expert_cost_per_day: float = param(400.0, lo=0.0, hi=1e9, help="cost of one expert per day (yuan; ~12,000 a month)")
    moderator_cost_per_day: float = param(200.0, lo=0.0, hi=1e9, help="cost of one moderator per day (yuan)")
    growth_officer_cost_per_day: float = param(300.0, lo=0.0, hi=1e9, help="cost of one growth officer per day (yuan), campaigns not included")
    event_planner_cost_per_day: float = param(250.0, lo=0.0, hi=1e9, help="cost of one event planner per day (yuan), events not included")
    p_purchase_per_active_day: float = param(0.01, lo=0.0, hi=1.0, help="chance an active member buys on a visit (before tier multipliers)")
    average_order_value: float = param(80.0, lo=0.0, hi=1e9, help="value of one purchase (yuan)")


@dataclass(frozen=True)
class ModerationPolicyConfig:
    """How many moderators, and how strict (群规)."""

    name: str = param("fixed", help="fixed (staff.n_moderators) or ratio (hire to keep members_per_moderator)", source="setting")
    members_per_moderator: int = param(500, lo=1, hi=10**9, help="ratio: members per moderator (one admin per 500-member WeChat group)")
    max_moderators: int = param(50, lo=0, hi=100_000, help="ratio: hiring stops here")
    strictness: float = param(0.5, lo=0.0, hi=1.0, help="0 lenient .. 1 strict: more automatic removal, more deterred newcomers")


@dataclass(frozen=True)
class WelcomePolicyConfig:
    """Newcomer care (新人欢迎): what staff time goes to newcomers."""

    name: str = param("greet", help="none, greet (moderators greet newcomers) or greet_and_reply (also answer first posts)", source="setting")


@dataclass(frozen=True)
class TierPolicyConfig:
    """User layering (用户分层) with points (积分): thresholds, what each tier changes, VIP perks."""

    name: str = param("none", help="none, points_ladder (新人/普通/核心/VIP) or three_tier (粉丝/会员/VIP)", source="setting")
    points_per_post: float = param(5.0, lo=0.0, hi=1e6, help="points for a post")
    points_per_reply: float = param(2.0, lo=0.0, hi=1e6, help="points for a reply")
    points_per_referral_join: float = param(20.0, lo=0.0, hi=1e6, help="points for a friend who joins")
    points_per_event: float = param(10.0, lo=0.0, hi=1e6, help="points for attending an event")
    points_per_active_day: float = param(1.0, lo=0.0, hi=1e6, help="points for a visit (check-in 签到)")
    regular_points: float = param(20.0, lo=0.0, hi=1e12, help="points to become a regular member")
    core_points: float = param(120.0, lo=0.0, hi=1e12, help="points to become a core member")
    vip_points: float = param(500.0, lo=0.0, hi=1e12, help="points to become VIP")
    churn_multiplier_regular: float = param(0.8, lo=0.0, hi=10.0, help="churn hazard multiplier of regulars")
    churn_multiplier_core: float = param(0.5, lo=0.0, hi=10.0, help="churn hazard multiplier of core members")
    churn_multiplier_vip: float = param(0.3, lo=0.0, hi=10.0, help="churn hazard multiplier of VIPs")
    post_multiplier_regular: float = param(1.2, lo=0.0, hi=100.0, help="posting propensity multiplier of regulars")
    post_multiplier_core: float = param(2.0, lo=0.0, hi=100.0, help="posting propensity multiplier of core members")
    post_multiplier_vip: float = param(2.5, lo=0.0, hi=100.0, help="posting propensity multiplier of VIPs")
    purchase_multiplier_regular: float = param(1.2, lo=0.0, hi=100.0, help="purchase rate multiplier of regulars")
    purchase_multiplier_core: float = param(2.0, lo=0.0, hi=100.0, help="purchase rate multiplier of core members")
    purchase_multiplier_vip: float = param(3.0, lo=0.0, hi=100.0, help="purchase rate multiplier of VIPs (higher ARPU, as in the Yanjin Puzi case)")
    vip_perk_cost_per_day: float = param(1.0, lo=0.0, hi=1e6, help="cost of one VIP's perks per day (yuan)")


@dataclass(frozen=True)
class EventPolicyConfig:
    """Events run by the activity planner (活动策划): online sessions or offline meet-ups."""

    name: str = param("none", help="none, online or offline", source="setting")
    every_days: int = param(7, lo=1, hi=10_000, help="days between events")
    first_day: int = param(14, lo=1, hi=100_000, help="day of the first event")
    capacity: int = param(100, lo=1, hi=10_000_000, help="attendees at most")
    visit_lift: float = param(0.3, lo=0.0, hi=1.0, help="visit drive added for attendees in the days after")
    lift_days: int = param(3, lo=0, hi=365, help="days the lift lasts")
    ties_per_attendee: float = param(0.0, lo=0.0, hi=100.0, help="new ties each attendee makes with other attendees (offline meet-ups)")
    cost_per_event: float = param(500.0, lo=0.0, hi=1e9, help="direct cost of one event (yuan)")
