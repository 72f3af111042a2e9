"""What one day carries over to the next, as plain data: `CommunityState`.

The community's state between two days, apart from the big structures that have their own homes
(the social graph, the member table, the interaction ties, the chat groups, the staff agents in
`model.agents`), is one dataclass: the feed, order and toxicity, the newcomers waiting for a
welcome, the running counts, the day's tally, the stage and its history, the log of what happened.
`CommunityModel.step()` is the only writer; checkpoints save and restore it field by field
(sim/model_state.py), so state added here is saved without further code.

`Metric` declares one column of the daily time series, read off the state; the mechanics declare
the metrics they add (sim/metrics.py collects them).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from sim.lifecycle import Stage, StageSnapshot
from sim.population import Channel, Tier


def _per_channel() -> np.ndarray:
    return np.zeros(len(Channel), dtype=np.int64)


def _per_tier() -> np.ndarray:
    return np.zeros(len(Tier), dtype=np.int64)


@dataclass
class Counts:
    """Running counts kept up to date on every join, leave and promotion."""

    population: int = 0  # people in the addressable population (rows of the member table)
    members: int = 0
    ever_joined: int = 0
    by_channel: np.ndarray = field(default_factory=_per_channel)
    by_tier: np.ndarray = field(default_factory=_per_tier)

    @property
    def core_and_vip(self) -> int:
        """Members in the core and VIP tiers."""
        return int(self.by_tier[Tier.CORE] + self.by_tier[Tier.VIP])


@dataclass
class DayTally:
    """What happened today, counted while the day is stepped (the metrics read it)."""

    members_start: int = 0
    joins: np.ndarray = field(default_factory=_per_channel)
    leaves: int = 0
    active: int = 0
    mean_engagement: float = 0.0
    posts_expert: int = 0
    posts_member: int = 0
    replies: int = 0
    first_posts: int = 0
    first_posts_replied: int = 0
    questions: int = 0
    questions_answered: int = 0
    content_value: float = 0.0
    invites: int = 0
    greeted: int = 0
    incidents: int = 0
    incidents_resolved: int = 0
    events: int = 0
    event_attendees: int = 0
    ties_formed: int = 0
    experts_quit: int = 0
    orders: int = 0
    membership_fees: float = 0.0  # fees paid today (joins and renewals)
    renewals: int = 0
    lapses: int = 0  # paying members who did not renew and left (in `leaves` too)
    revenue: float = 0.0  # order value + membership fees
    margin: float = 0.0  # order value x gross margin + fees less the platform's share
    campaign_reach: float = 0.0
    campaign_spend: float = 0.0
    referral_rewards: float = 0.0
    cost_staff: float = 0.0
    cost_tools: float = 0.0
    cost_perks: float = 0.0
    cost_events: float = 0.0
    experts: int = 0  # on staff at the end of the day
    moderators: int = 0
    expert_burnout: float = 0.0  # mean over the experts on staff
    groups: int = 0  # chat groups with members
    group_active_share_min: float = 0.0
    weekly_active: int = 0  # members who visited in the last 7 days (at the end of the day)
    monthly_active: int = 0  # ... in the last 30 days
    silent_12w: int = 0  # members with no post in the last 84 days
    mutes: int = 0
    muted: int = 0  # muted members at the end of the day
    returns: int = 0
    shares: int = 0
    fission_joins: int = 0
    hunter_joins: int = 0
    fission_unlocks: int = 0
    reactivated: int = 0
    announcements: int = 0
    outreach: int = 0
    check_ins: int = 0
    red_packet_yuan: float = 0.0
    member_red_packets: int = 0
    cost_reactivation: float = 0.0

    @property
    def joins_total(self) -> int:
        """All joins today."""
        return int(self.joins.sum())

    @property
    def cost_total(self) -> float:
        """Every cost of the day (yuan)."""
        return (self.campaign_spend + self.referral_rewards + self.cost_staff + self.cost_tools + self.cost_perks
                + self.cost_events + self.cost_reactivation)


@dataclass(frozen=True)
class StageSpell:
    """One stretch of the stage timeline."""

    stage: Stage
    first_day: int
    entry: StageSnapshot


@dataclass
class CommunityState:
    """Everything a day hands to the next, besides the graph, the member table, the ties, the
    groups and the staff agents.

    Attributes:
        day: the last day stepped (0 before the first step).
        feed_stock: fresh, quality-weighted posts in the feed (sim/mechanics/content.py).
        incident_backlog: unresolved incidents still visible (sim/mechanics/moderation.py).
        toxicity: 0..1, left by the backlog; lowers visits and raises churn.
        newcomers_waiting: rows of yesterday's newcomers, waiting for a moderator's welcome.
        count: running counts (members, by channel, by tier).
        tally: today's counts.
        stage, stage_since, last_healthy: the lifecycle stage, the day it began, and the stage a
            DECLINE returns to when it recovers.
        stage_log: the stage timeline.
        events_log: what happened when (stage changes, playbook switches, groups, staff).
        staff_hired: staff numbers handed out so far (each staff agent's own random slot).
        announcement_days: days of the @all announcements of the past two weeks (their fatigue).
        member_packets: red packets members sent into the groups yesterday, claimable today.
        fission_campaign: the fission campaign whose invite-N tasks are being counted (0: none yet).
    """

    day: int = 0
    feed_stock: float = 0.0
    incident_backlog: float = 0.0
    toxicity: float = 0.0
    newcomers_waiting: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    count: Counts = field(default_factory=Counts)
    tally: DayTally = field(default_factory=DayTally)
    stage: Stage = Stage.CREATE
    stage_since: int = 0
    last_healthy: Stage = Stage.CREATE
    stage_log: list[StageSpell] = field(default_factory=list)
    events_log: list[dict] = field(default_factory=list)
    staff_hired: int = 0
    announcement_days: list[int] = field(default_factory=list)
    member_packets: int = 0
    fission_campaign: int = 0

    def log(self, kind: str, label: str, detail: dict | None = None) -> None:
        """Note something that happened today (stage change, playbook switch, group opened, ...)."""
        self.events_log.append({"day": self.day, "kind": kind, "label": label, "detail": detail or {}})


@dataclass(frozen=True)
class Metric:
    """One column of the daily time series, read off the state at the end of the day."""

    name: str
    unit: str
    meaning: str
    read: Callable[[CommunityState], float]


def share(num: float, den: float) -> float:
    """num / den, or 0 when den is 0."""
    return num / den if den else 0.0
