"""The declared metrics: name, unit, meaning and how each is read off the model.

One row of the daily time series is one value per metric, in this order. Metrics read the day's
tally (counts the model gathered while stepping) and running totals; none loops over members.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Metric:
    """One column of the daily time series."""

    name: str
    unit: str
    meaning: str
    read: Callable[[object], float]


def _share(num: float, den: float) -> float:
    return num / den if den else 0.0


METRICS: tuple[Metric, ...] = (
    Metric("members", "people", "members at the end of the day", lambda m: m.count.members),
    Metric("members_founder", "people", "members who are founders", lambda m: m.count.by_channel[1]),
    Metric("members_organic", "people", "members who found the community themselves", lambda m: m.count.by_channel[2]),
    Metric("members_campaign", "people", "members who came through a paid campaign", lambda m: m.count.by_channel[3]),
    Metric("members_referral", "people", "members invited by a member (裂变)", lambda m: m.count.by_channel[4]),
    Metric("joins", "people/day", "people who joined today", lambda m: m.tally.joins_total),
    Metric("joins_organic", "people/day", "organic joins today", lambda m: m.tally.joins[2]),
    Metric("joins_campaign", "people/day", "campaign joins today", lambda m: m.tally.joins[3]),
    Metric("joins_referral", "people/day", "referral joins today", lambda m: m.tally.joins[4]),
    Metric("leaves", "people/day", "members who left today", lambda m: m.tally.leaves),
    Metric("churn_rate", "1/day", "leaves today / members at the start of the day", lambda m: _share(m.tally.leaves, m.tally.members_start)),
    Metric("daily_active", "people", "members who visited today (DAU)", lambda m: m.tally.active),
    Metric("active_share", "share", "daily active / members at the start of the day", lambda m: _share(m.tally.active, m.tally.members_start)),
    Metric("mean_engagement", "0..1", "mean engagement of members", lambda m: m.tally.mean_engagement),
    Metric("posts_expert", "posts/day", "posts published by experts today", lambda m: m.tally.posts_expert),
    Metric("posts_member", "posts/day", "posts written by members today", lambda m: m.tally.posts_member),
    Metric("member_content_share", "share", "member-written share of today's posts", lambda m: _share(m.tally.posts_member, m.tally.posts_member + m.tally.posts_expert)),
    Metric("content_value", "0..1", "value of the feed today (fresh quality-weighted content, saturating)", lambda m: m.tally.content_value),
    Metric("replies", "replies/day", "replies members wrote today", lambda m: m.tally.replies),
    Metric("first_posts", "posts/day", "members' first-ever posts today", lambda m: m.tally.first_posts),
    Metric("first_posts_replied", "posts/day", "first posts that got a reply", lambda m: m.tally.first_posts_replied),
    Metric("questions", "posts/day", "member posts that asked the experts a question", lambda m: m.tally.questions),
    Metric("questions_answered", "posts/day", "questions the experts answered", lambda m: m.tally.questions_answered),
    Metric("ties_formed", "ties/day", "new friendships formed inside the community (replies, events)", lambda m: m.tally.ties_formed),
    Metric("incidents", "incidents/day", "spam, conflicts and rule breaking that arose today", lambda m: m.tally.incidents),
    Metric("incidents_resolved", "incidents/day", "incidents removed by rules or moderators today", lambda m: m.tally.incidents_resolved),
    Metric("toxicity", "0..1", "toxicity left by unresolved incidents", lambda m: m.toxicity),
    Metric("moderators", "people", "moderators on staff", lambda m: len(m.moderators)),
    Metric("experts", "people", "experts on staff", lambda m: len(m.experts)),
    Metric("expert_burnout", "0..1", "mean burnout of the experts on staff", lambda m: sum(e.burnout for e in m.experts) / len(m.experts) if m.experts else 0.0),
    Metric("experts_quit", "people/day", "experts who left today", lambda m: m.tally.experts_quit),
    Metric("members_newcomer", "people", "members in the newcomer tier (新人)", lambda m: m.count.by_tier[0]),
    Metric("members_regular", "people", "members in the regular tier (普通成员)", lambda m: m.count.by_tier[1]),
    Metric("members_core", "people", "members in the core tier (核心成员)", lambda m: m.count.by_tier[2]),
    Metric("members_vip", "people", "members in the VIP tier", lambda m: m.count.by_tier[3]),
    Metric("groups", "groups", "chat groups with members (WeChat groups cap at 500)", lambda m: int(np.count_nonzero(m.groups.size))),
    Metric("members_per_group", "people/group", "mean members per group", lambda m: _share(m.count.members, np.count_nonzero(m.groups.size))),
    Metric("group_active_share_min", "share", "daily active share of the quietest group (groups of 20+ members)", lambda m: m.group_activity_floor()),
    Metric("events", "events/day", "events held today", lambda m: m.tally.events),
    Metric("event_attendees", "people/day", "event attendance today", lambda m: m.tally.event_attendees),
    Metric("invites_sent", "invitations/day", "referral invitations sent today", lambda m: m.tally.invites),
    Metric("newcomers_greeted", "people/day", "newcomers welcomed by moderators today", lambda m: m.tally.greeted),
    Metric("campaign_spend", "yuan/day", "campaign spend today", lambda m: m.tally.campaign_spend),
    Metric("referral_rewards", "yuan/day", "referral rewards paid today", lambda m: m.tally.referral_rewards),
    Metric("cost_staff", "yuan/day", "staff cost today (all roles)", lambda m: m.tally.cost_staff),
    Metric("cost_perks", "yuan/day", "VIP perks today", lambda m: m.tally.cost_perks),
    Metric("cost_events", "yuan/day", "direct cost of today's events", lambda m: m.tally.cost_events),
    Metric("cost", "yuan/day", "all costs today: staff + campaigns + referral rewards + perks + events", lambda m: m.tally.cost_total),
    Metric("purchases", "orders/day", "purchases by active members today", lambda m: m.tally.purchases),
    Metric("revenue", "yuan/day", "purchases x average order value", lambda m: m.tally.purchases * m.cfg.economics.average_order_value),
    Metric("reached_share", "share", "share of the addressable population that ever joined", lambda m: _share(m.count.ever_joined, m.table.n)),
    Metric("stage", "code", "lifecycle stage code at the end of the day (sim.lifecycle.Stage)", lambda m: int(m.stage)),
)

METRIC_NAMES = tuple(metric.name for metric in METRICS)
