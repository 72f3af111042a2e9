"""Config groups of the community-operations mechanics: moderation and toxicity, staff load,
interaction and economics. Part of the schema assembled in sim/config.py (same rules: every field
has a range, a meaning and a stated source)."""

from __future__ import annotations

from dataclasses import dataclass

from sim.schema import param

HALFAKER_2013 = (
    "Halfaker, Geiger, Morgan & Riedl 2013: as Wikipedia's quality control grew stricter, more "
    "good-faith newcomers had their work rejected and fewer stayed; size assumption: at strictness 1 "
    "a newcomer's leaving hazard doubles for their first newcomer_days"
)
JOYCE_KRAUT_2006 = (
    "Joyce & Kraut 2006: 56% of newcomers whose first post got a reply posted again vs 44% of those "
    "ignored; size assumption: 0.15 gives +7.5 points in the model's check (docs/validation.md), "
    "inside its tolerance but below the study's +12"
)
IHR360 = "community operator (社区/社群运营) salaries in ihr360 salary reports"
EMPLOYER_COST = "employer cost is salary x 1.4-1.5 (a practitioner rule of thumb)"


@dataclass(frozen=True)
class ModerationConfig:
    """Incidents (spam, conflicts, rule breaking), their resolution and the toxicity they leave."""

    incidents_per_100_members_per_day: float = param(
        0.5, lo=0.0, hi=1000.0, help="incidents arising per 100 members per day with no norms",
        source="assumption: about 2.5 incidents a day in a full 500-member group with no norms (ad "
        "spam, hard selling, quarrels), enough to keep a moderator busy; no study measures this for "
        "chat groups. One moderator resolves them all in the default community (toxicity stays 0)",
    )
    norm_strength_max: float = param(
        0.8, lo=0.0, hi=1.0, help="largest share of incidents that strong community norms prevent",
        source="assumption: the strongest culture still lets a fifth of would-be incidents happen "
        "(spammers and passers-by ignore norms)",
    )
    norm_core_share_saturation: float = param(
        0.1, lo=1e-6, hi=1.0,
        help="core+VIP share of members at which norms reach 63% of their maximum",
        source="assumption: norms reach 63% of their maximum when a tenth of members are core or VIP, "
        "the contributing tenth of 90-9-1 (Nielsen 2006) who set the tone; without a tier policy "
        "nobody is core and norms stay at zero",
    )
    backlog_clear_per_day: float = param(
        0.3, lo=0.0, hi=1.0, help="share of unresolved incidents that fade on their own each day",
        source="assumption: unresolved incidents scroll out of view with a half-life of about two "
        "days (0.7^2 = 0.49), like posts in a chat group (member.content_half_life_days)",
    )
    tolerance_incidents_per_100_members: float = param(
        2.0, lo=1e-6, hi=1e6, help="unresolved incidents per 100 members at which toxicity is 63%",
        source="assumption: ten visible unresolved fights or spam posts in a full 500-member group "
        "(2 per 100 members) already sour it to 63% toxicity",
    )
    toxicity_visit_effect: float = param(
        0.5, lo=0.0, hi=1.0, help="visit drive is multiplied by 1 - effect x toxicity",
        source="assumption: a fully toxic community loses half its visits: members mute it rather "
        "than read",
    )
    toxicity_churn_effect: float = param(
        2.0, lo=0.0, hi=100.0, help="churn hazard is multiplied by 1 + effect x toxicity",
        source="assumption: full toxicity triples every member's leaving hazard: harassment and spam "
        "are reasons to quit a group, not just to skip a day",
    )
    strictness_auto_removal: float = param(
        0.6, lo=0.0, hi=1.0,
        help="share of incidents strict rules remove without a moderator, at strictness 1",
        source="assumption: at strictness 1 entry checks, keyword filters and written rules (入群验证, "
        "群规) stop 60% of incidents without a moderator; at the default strictness 0.5, 30%",
    )
    strictness_newcomer_churn_effect: float = param(
        1.0, lo=0.0, hi=100.0, help="newcomers' churn hazard is multiplied by 1 + effect x strictness",
        source=HALFAKER_2013,
    )
    newcomer_days: int = param(
        30, lo=1, hi=10_000, help="days a member counts as a newcomer (新人)",
        source="assumption: a member is new (新人) for their first month, the span operators treat as "
        "onboarding and the steepest part of cohort survival (the default community loses about 31% "
        "of joiners in their first 4 weeks, under a quarter of those left in each later 4 weeks)",
    )


@dataclass(frozen=True)
class StaffLoadConfig:
    """Capacities and burnout of the staff roles."""

    incidents_per_moderator_per_day: int = param(
        20, lo=0, hi=1_000_000, help="incidents one moderator resolves per day",
        source="assumption: a few minutes an incident (delete, warn, remove), about 20 a day beside "
        "greeting; one moderator then keeps up with about 4,000 members with no norms",
    )
    replies_per_moderator_per_day: int = param(
        20, lo=0, hi=1_000_000,
        help="newcomers' first posts one moderator answers per day (welcome policy greet_and_reply)",
        source="assumption: answering a first post takes a few minutes, like an incident; 20 a day is "
        "more than the default community's first posts (about 3 a day), so on reply duty every first "
        "post is answered",
    )
    expert_capacity_posts_per_week: float = param(
        7.0, lo=0.01, hi=10_000.0,
        help="posts per week one expert sustains without burning out (内容生产压力)",
        source="assumption: one substantial post a day is what an expert sustains alongside answering "
        "questions (内容生产压力 beyond it); the default calendar asks each of two experts for half "
        "of it (plus answers), the stage_aware CREATE stage (14 a week) for all of it",
    )
    answers_per_expert_per_day: int = param(
        6, lo=0, hi=1_000_000, help="members' questions one expert answers per day",
        source="assumption: about six answers a day beside writing; in the default community the "
        "experts answer 80-90% of members' questions",
    )
    answer_effort_posts: float = param(
        0.05, lo=0.0, hi=100.0, help="effort of one answer, in posts",
        source="assumption: an answer is a twentieth of a post's work, so a full day of answers (6) "
        "adds 0.3 posts to an expert's load",
    )
    burnout_per_overload_per_day: float = param(
        0.03, lo=0.0, hi=1.0,
        help="burnout gained per day per unit of load above capacity (load/capacity - 1)",
        source="assumption: at twice the sustainable load an expert is fully burnt out in about a "
        "month (33 days), at 50% over in about two",
    )
    burnout_recovery_per_day: float = param(
        0.02, lo=0.0, hi=1.0, help="burnout shed per day at or below capacity",
        source="assumption: recovery is slower than burning out: from full burnout to none in 50 days "
        "at or below capacity",
    )
    burnout_quality_loss: float = param(
        0.5, lo=0.0, hi=1.0, help="share of post quality lost at full burnout",
        source="assumption: a fully burnt-out expert's posts are worth half as much (rushed, "
        "repetitive content)",
    )
    p_expert_quit_max_per_day: float = param(
        0.02, lo=0.0, hi=1.0, help="daily chance a fully burnt-out expert leaves (x burnout squared)",
        source="assumption: a fully burnt-out expert leaves after about 50 days on average, a half "
        "burnt-out one after about 200; under the default calendar burnout stays below 0.03 and "
        "nobody quits",
    )
    attendees_per_event_planner_event: int = param(
        200, lo=1, hi=10_000_000, help="largest event one planner can run",
        source="assumption: one planner alone can host an online session of about 200 (one meeting "
        "room or livestream with questions); the stage_aware playbook's weekly events ask for 200",
    )


@dataclass(frozen=True)
class InteractionConfig:
    """Replies between members, newcomers' first replies, questions, and the ties they create."""

    reply_to_post_ratio: float = param(
        2.0, lo=0.0, hi=100.0,
        help="a member's chance to reply on a visit, relative to their chance to post",
        source="assumption: replying is cheaper than posting, so twice as likely on a visit; the "
        "default community still writes about two replies per three posts, because prolific posters "
        "write several posts a day",
    )
    p_tie_per_reply: float = param(
        0.05, lo=0.0, hi=1.0, help="chance a reply makes replier and poster friends",
        source="assumption: one reply in twenty leads to adding each other as friends (加好友); the "
        "default community forms 700-900 such ties a year",
    )
    p_triadic_per_reply: float = param(
        0.02, lo=0.0, hi=1.0,
        help="chance a reply also introduces the replier to a member friend of the poster (triadic closure)",
        source="assumption: meeting a friend of the person one answers is rarer than befriending that "
        "person (2 replies in 100 vs 5)",
    )
    p_peer_first_reply_max: float = param(
        0.6, lo=0.0, hi=1.0, help="largest chance members reply to a newcomer's first post",
        source="Joyce & Kraut 2006: 61% of newcomers' first posts got a reply (Burke, Joyce, Kim, "
        "Anand & Kraut 2007: 40% of thread starters got none); the default community answers about "
        "57% of first posts",
    )
    peer_first_reply_saturation_active: float = param(
        50.0, lo=1e-6, hi=1e9,
        help="daily active members at which peer replies to first posts reach 63% of their maximum",
        source="assumption: a group needs some tens of members around for someone to pick up a "
        "stranger's post: 50 active members that day give 63% of the maximum (38% of first posts)",
    )
    first_reply_engagement_boost: float = param(
        0.15, lo=0.0, hi=1.0,
        help="engagement added when a newcomer's first post gets a reply", source=JOYCE_KRAUT_2006,
    )
    question_share: float = param(
        0.3, lo=0.0, hi=1.0, help="share of member posts that are questions for the experts",
        source="assumption: in a brand or knowledge community about a third of member posts ask the "
        "experts something (how-to, product questions); the rest share or chat",
    )
    answer_engagement_boost: float = param(
        0.05, lo=0.0, hi=1.0,
        help="engagement added when a member's question is answered by an expert",
        source="assumption: an expert's answer adds a third of what a reply to a first post adds "
        "(0.15): welcome, but the asker is usually no longer new",
    )


@dataclass(frozen=True)
class EconomicsConfig:
    """What the community costs (staff on salary, tools, and the levers' own spending) and what its
    members bring (orders at a gross margin, membership fees net of the platform's commission)."""

    expert_salary_per_month: float = param(
        12_300.0, lo=0.0, hi=1e9, help="monthly salary of one expert (yuan, before employer cost)",
        source=f"assumption: a Beijing community operator's pay, about 12,300 yuan a month ({IHR360}); an "
        "expert who writes the community's content is paid at least that",
    )
    moderator_salary_per_month: float = param(
        6_100.0, lo=0.0, hi=1e9, help="monthly salary of one moderator (yuan, before employer cost)",
        source=f"assumption: a community operator's pay outside Beijing, Wuhan about 6,500, other cities "
        f"4,800-6,400 a month ({IHR360}); 6,100, within that range",
    )
    growth_officer_salary_per_month: float = param(
        9_100.0, lo=0.0, hi=1e9, help="monthly salary of one growth officer (yuan, before employer cost; campaigns apart)",
        source=f"assumption: between a moderator's and an expert's pay ({IHR360}: 6,100-12,300)",
    )
    event_planner_salary_per_month: float = param(
        7_600.0, lo=0.0, hi=1e9, help="monthly salary of one event planner (yuan, before employer cost; events apart)",
        source=f"assumption: a little above a moderator's pay ({IHR360}: 4,800-6,500 outside Beijing)",
    )
    employer_cost_factor: float = param(
        1.45, lo=1.0, hi=10.0, help="an employee's cost to the employer per yuan of salary (social insurance, housing fund, ...)",
        source=f"assumption: the middle of the rule that {EMPLOYER_COST}",
    )
    tools_cost_per_month: float = param(
        1_000.0, lo=0.0, hi=1e9, help="software subscriptions per month (yuan): an SCRM / 企业微信 tool",
        source="assumption: an SCRM tool on 企业微信 (group management, welcome messages, tagging) for a small "
        "team costs some thousands to about 20,000 yuan a year at vendors' list prices; 12,000 a year, "
        "a few per cent of the staff cost",
    )
    p_order_per_active_day: float = param(
        0.03, lo=0.0, hi=1.0,
        help="chance an active member (a visitor that day) orders, before tier and referral multipliers",
        source="assumption: with about 15-20% of members active on a day this is 0.0045-0.006 orders per "
        "member per day (one order every 6 months or so), a quarter of a coffee chain's groups (about 0.02 "
        "cups per member per day, Luckin case write-ups): a brand's goods "
        "are bought less often than coffee",
    )
    average_order_value: float = param(
        80.0, lo=0.0, hi=1e9, help="value of one order (yuan)",
        source="assumption: a typical online order of a consumer brand (a few packs of snacks or a small "
        "gift box)",
    )
    gross_margin: float = param(
        0.3, lo=0.0, hi=1.0, help="share of an order's value kept after the cost of the goods",
        source="assumption: consumer snack brands report gross margins of about 25-35% (三只松鼠, 良品铺子, "
        "盐津铺子 annual reports); 0.3",
    )
    referred_value_multiplier: float = param(
        1.16, lo=0.0, hi=100.0, help="order rate of members who came by referral, relative to others",
        source="Schmitt, Skiera & Van den Bulte 2011, J Marketing 75(1): referred customers are worth at "
        "least 16% more (bank customers, ~33 months)",
    )
    membership_fee: float = param(
        0.0, lo=0.0, hi=1e9, help="fee a joining member pays per membership period (yuan; 0: a free community)",
        source="setting: a free community (brand groups are free to join); paid circles set it (knowledge_circle)",
    )
    membership_period_days: int = param(
        365, lo=1, hi=100_000, help="days one membership fee covers",
        source="setting: a year, as paid circles (知识星球) sell memberships",
    )
    p_renew: float = param(
        0.63, lo=0.0, hi=1.0,
        help="share of paying members who renew at the end of a period (the others leave); only with a fee",
        source="Fader & Hardie 2007, J Interactive Marketing 21(1): 63.1% of a subscription's 'regular' "
        "segment renew after the first year",
    )
    platform_fee_share: float = param(
        0.0, lo=0.0, hi=1.0, help="share of membership fees the hosting platform keeps (its commission)",
        source="setting: no platform takes a cut of a free community's (zero) fees; paid circles set it "
        "(knowledge_circle)",
    )
