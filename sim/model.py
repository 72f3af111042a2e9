"""CommunityModel: builds the world and owns the order of one simulated day.

The world is a social graph of the addressable population, a member table (one array per
attribute, see sim/population.py), the staff as Mesa agents and the operating policies. Member
behaviour is vectorised (sim/mechanics/); staff act one by one.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import mesa
import numpy as np

from sim.agents import Expert, GrowthOfficer, Member, Moderator
from sim.backend import get_backend
from sim.config import SimConfig
from sim.lifecycle import Stage, StageSnapshot, next_stage
from sim.mechanics import acquisition, churn, content, engagement, referral
from sim.metrics import METRICS
from sim.network import SocialGraph, build_graph
from sim.policies import Policies
from sim.population import JOIN_CHANNELS, Channel, MemberTable
from sim.recorder import Recorder
from sim.rng import RngStreams


@dataclass
class DayTally:
    """Counts gathered while stepping one day (read by the metrics)."""

    members_start: int = 0
    joins: np.ndarray = field(default_factory=lambda: np.zeros(len(Channel), dtype=np.int64))
    leaves: int = 0
    active: int = 0
    mean_engagement: float = 0.0
    posts_expert: int = 0
    posts_member: int = 0
    content_value: float = 0.0
    invites: int = 0
    greeted: int = 0
    campaign_spend: float = 0.0
    referral_rewards: float = 0.0

    @property
    def joins_total(self) -> int:
        """All joins today."""
        return int(self.joins.sum())


@dataclass
class Counts:
    """Running counts kept up to date on every join and leave."""

    members: int = 0
    ever_joined: int = 0
    by_channel: np.ndarray = field(default_factory=lambda: np.zeros(len(Channel), dtype=np.int64))


@dataclass(frozen=True)
class StageSpell:
    """One stretch of the stage timeline."""

    stage: Stage
    first_day: int
    entry: StageSnapshot


class CommunityModel(mesa.Model):
    """A community growing inside its addressable population, one step per day.

    One day, in this order (every member decides from the state the day started with; staff
    act one by one in shuffled order):

    1. staff act: experts publish the calendar's posts, growth officers buy campaign reach,
       moderators welcome yesterday's newcomers (sim/agents.py)
    2. members visit: chance = engagement x (base + content pull + pull of friends active yesterday)
    3. members post: active members write posts (heavy-tailed propensities); the feed is refreshed
    4. members value the day: engagement moves toward the value of a visit, decays without one
    5. members invite: active members invite friends who can still join (referral policy)
    6. members leave: churn hazard from engagement
    7. newcomers arrive: referral, campaign and organic joins, one channel per person in that order
    8. the day is recorded and the lifecycle stage updated

    Args:
        cfg: a validated SimConfig.
        graph: an already built SocialGraph to reuse (else built from cfg.network).
    """

    def __init__(self, cfg: SimConfig, graph: SocialGraph | None = None):
        super().__init__(rng=cfg.seed)
        self.cfg = cfg
        self.streams = RngStreams(cfg.seed)
        self.backend = get_backend(cfg.backend)
        self.graph = graph if graph is not None else build_graph(cfg.network, self.streams)
        self.table = MemberTable(self.graph.n)
        self.policies = Policies.from_config(cfg.policy)
        self.day = 0
        self.feed_stock = 0.0
        self.count = Counts()
        self.tally = DayTally()
        self.newcomers_waiting: list[int] = []
        self._handles: dict[int, Member] = {}
        self._draw_traits()
        self._seat_founders()
        self._hire_staff()
        self.stage = Stage.CREATE
        self._stage_since = 0
        self._last_healthy = Stage.CREATE
        self.stage_log: list[StageSpell] = [StageSpell(Stage.CREATE, 0, self._snapshot_empty())]
        self.recorder = Recorder(METRICS, cfg.days)
        self.tally.members_start = self.count.members
        self.tally.mean_engagement = self._mean_engagement()
        self.recorder.record(0, self)

    # -- building the world -------------------------------------------------------------------

    def _draw_traits(self) -> None:
        """Heavy-tailed posting propensity for everyone (participation inequality)."""
        m = self.cfg.member
        z = self.streams.setup("traits").standard_normal(self.table.n, dtype=np.float32)
        self.table.p_post[:] = np.minimum(1.0, m.p_post_median * np.exp(m.p_post_sigma * z))

    def _seat_founders(self) -> None:
        f = self.cfg.founders
        n = self.graph.n
        if f.n_founders > n:
            from sim.config import ConfigError  # noqa: PLC0415

            raise ConfigError(f"founders.n_founders = {f.n_founders} is larger than the graph ({n} people)")
        rng = self.streams.setup("founders")
        if f.placement == "random" or self.graph.complete:
            rows = rng.choice(n, size=f.n_founders, replace=False)
        else:
            rows, tried = [], set()
            while len(rows) < f.n_founders:  # a circle of friends; more circles if one is too small
                start = int(rng.integers(n))
                if start in tried:
                    continue
                tried.add(start)
                circle = [r for r in self.graph.breadth_first(start, f.n_founders) if r not in set(rows)]
                rows.extend(circle[: f.n_founders - len(rows)])
        rows = np.asarray(rows, dtype=np.int64)
        self._admit(rows, Channel.FOUNDER, self.cfg.member.engagement_founder)

    def _hire_staff(self) -> None:
        s = self.cfg.staff
        skills = 1.0 + s.expert_skill_sd * self.streams.setup("staff").standard_normal(s.n_experts)
        self.experts = [Expert(self, float(np.clip(k, 0.1, 2.0))) for k in skills]
        self.moderators = [Moderator(self, s.welcomes_per_moderator_per_day) for _ in range(s.n_moderators)]
        cap = self.cfg.policy.acquisition.total_budget / max(1, s.n_growth_officers)
        self.growth_officers = [GrowthOfficer(self, cap) for _ in range(s.n_growth_officers)]

    # -- one day ------------------------------------------------------------------------------

    def step(self) -> None:
        """Advance the community by one day (the order is in the class docstring)."""
        self.day += 1
        self.tally = DayTally(members_start=self.count.members)
        self.staff_act()
        content_value, social = self.members_visit()
        self.members_post()
        self.members_value(content_value, social)
        invited = self.members_invite()
        self.members_leave()
        self.newcomers_arrive(invited)
        self.tally.mean_engagement = self._mean_engagement()
        self.recorder.record(self.day, self)
        self.update_stage()

    def staff_act(self) -> None:
        """Experts publish, growth officers buy reach, moderators greet (shuffled order)."""
        day, t = self.day, self.tally
        staff = [*self.experts, *self.growth_officers, *self.moderators]
        order = self.streams.day("staff_order", day).permutation(len(staff))
        content_rng = self.streams.day("content", day)
        due = self.policies.content.posts_due_per_day(day) / max(1, len(self.experts))
        waiting, self.newcomers_waiting = self.newcomers_waiting, []
        self._reach_today = 0.0
        for i in order:
            agent = staff[i]
            if isinstance(agent, Expert):
                n_posts, weighted = agent.publish(day, due, content_rng)
                t.posts_expert += n_posts
                self.feed_stock += weighted
            elif isinstance(agent, GrowthOfficer):
                spent, reach = agent.run_campaign(day)
                t.campaign_spend += spent
                self._reach_today += reach
            else:
                greeted = agent.welcome_newcomers(waiting)
                greeted = [r for r in greeted if self.table.is_member[r]]
                self.table.engagement[greeted] = np.minimum(
                    1.0, self.table.engagement[greeted] + self.cfg.staff.welcome_engagement_boost
                )
                t.greeted += len(greeted)

    def members_visit(self):
        """Members visit from engagement, fresh content and friends active yesterday."""
        m, table = self.cfg.member, self.table
        value = content.content_value(self.feed_stock, m.content_saturation_posts)
        friends = self.graph.neighbour_count(table.active.astype(np.float32))
        social = engagement.social_pull(friends, m.social_saturation_friends)
        p_visit = engagement.visit_probability(table.engagement, value, social, m)
        u = self.streams.day("activity", self.day).random(table.n, dtype=np.float32)
        table.active[:] = engagement.visits(table.is_member, p_visit, u)
        self.tally.active = int(np.count_nonzero(table.active))
        self.tally.content_value = value
        return value, social

    def members_post(self) -> None:
        """Active members write posts; the feed goes stale and takes in today's posts."""
        m, table = self.cfg.member, self.table
        u = self.streams.day("posting", self.day).random(table.n, dtype=np.float32)
        posted = content.members_post(table.active, table.p_post, u)
        table.posts += posted
        self.tally.posts_member = content.post_count(posted)
        self.feed_stock = self.feed_stock * content.stale_factor(m.content_half_life_days) + (
            m.member_post_quality * self.tally.posts_member
        )

    def members_value(self, content_value: float, social) -> None:
        """Engagement follows the value of the day's visit."""
        t = self.table
        engagement.update_engagement(t.engagement, t.active, t.is_member, content_value, social, self.cfg.member)

    def members_invite(self) -> referral.ReferralOutcome | None:
        """Active members invite friends (who join in `newcomers_arrive`)."""
        policy, table = self.policies.referral, self.table
        if policy.cfg.name == "none":
            return None
        g = self.streams.day("referral", self.day)
        u_invite, u_target, u_accept, u_priority = (g.random(table.n, dtype=np.float32) for _ in range(4))
        outcome = referral.invite(
            table.active, policy.invite_propensity(table), table.eligible, self.graph,
            policy.cfg.p_accept, u_invite, u_target, u_accept, u_priority,
        )
        table.invites_sent[outcome.senders] += 1
        self.tally.invites = len(outcome.senders)
        return outcome

    def members_leave(self) -> None:
        """Members leave with the churn hazard of their engagement."""
        m, table = self.cfg.member, self.table
        u = self.streams.day("churn", self.day).random(table.n, dtype=np.float32)
        hazard = churn.leave_hazard(table.engagement, m.p_churn_max_per_day, m.churn_shape)
        rows = churn.leavers(table.is_member, hazard, u)
        by_channel = np.bincount(table.channel[rows], minlength=len(Channel))
        table.remove(rows, self.day)
        self.count.members -= len(rows)
        self.count.by_channel -= by_channel
        self.tally.leaves = len(rows)

    def newcomers_arrive(self, invited: referral.ReferralOutcome | None) -> None:
        """Referral, campaign and organic joins; a person joins through the first that applies."""
        m, table, day = self.cfg.member, self.table, self.day
        g = self.streams.day("acquisition", day)
        u_organic, u_campaign = (g.random(table.n, dtype=np.float32) for _ in range(2))
        eligible = table.eligible
        if invited is not None and len(invited.joiners):
            table.inviter[invited.joiners] = invited.inviters
            self.tally.referral_rewards = self.policies.referral.pay_rewards(table, invited.inviters)
            self._admit(invited.joiners, Channel.REFERRAL, m.engagement_join + m.engagement_join_referral_bonus)
            eligible[invited.joiners] = False
        n_eligible = int(np.count_nonzero(eligible))
        reach, p_convert = self._reach_today, self.cfg.policy.acquisition.p_convert
        rows = acquisition.campaign_joiners(eligible, n_eligible, reach, p_convert, u_campaign)
        self._admit(rows, Channel.CAMPAIGN, m.engagement_join + m.engagement_join_campaign_bonus)
        eligible[rows] = False
        rows = acquisition.organic_joiners(eligible, m.p_discover_per_day, u_organic)
        self._admit(rows, Channel.ORGANIC, m.engagement_join)

    def _admit(self, rows: np.ndarray, channel: Channel, start_engagement: float) -> None:
        if len(rows) == 0:
            return
        self.table.admit(rows, self.day, channel, float(np.clip(start_engagement, 0.0, 1.0)))
        self.count.members += len(rows)
        self.count.ever_joined += len(rows)
        self.count.by_channel[channel] += len(rows)
        self.tally.joins[channel] += len(rows)
        if channel != Channel.FOUNDER:
            self.newcomers_waiting.extend(rows.tolist())

    def _mean_engagement(self) -> float:
        members = self.count.members
        if not members:
            return 0.0
        return float(np.dot(self.table.engagement, self.table.is_member.astype(np.float32)) / members)

    # -- lifecycle ----------------------------------------------------------------------------

    def _snapshot_empty(self) -> StageSnapshot:
        return StageSnapshot(self.count.members, 0.0, 0.0, 0.0)

    def snapshot(self) -> StageSnapshot:
        """Stage criteria over the last `window_days` days."""
        w = self.cfg.lifecycle.window_days
        members = self.recorder.column("members", self.day)
        first = max(0, self.day - w)
        window = slice(first + 1, self.day + 1)
        span = max(1, self.day - first)
        start = members[first]
        growth = (members[-1] - start) / max(start, 1.0) * 7.0 / span
        active = self.recorder.column("daily_active", self.day)[window].sum()
        members_start = members[first : self.day].sum()
        posts_m = self.recorder.column("posts_member", self.day)[window].sum()
        posts_e = self.recorder.column("posts_expert", self.day)[window].sum()
        return StageSnapshot(
            members=int(members[-1]),
            growth_per_week=float(growth),
            active_share=float(active / members_start) if members_start else 0.0,
            member_content_share=float(posts_m / (posts_m + posts_e)) if posts_m + posts_e else 0.0,
        )

    def update_stage(self) -> None:
        """Run the stage detector on today's window and log any change."""
        snap = self.snapshot()
        new = next_stage(self.stage, self.day - self._stage_since, snap, self.cfg.lifecycle, self._last_healthy)
        if new != self.stage:
            if new != Stage.DECLINE:
                self._last_healthy = new
            self.stage, self._stage_since = new, self.day
            self.stage_log.append(StageSpell(new, self.day, snap))
        self.recorder.set(self.day, "stage", int(self.stage))

    # -- inspection ---------------------------------------------------------------------------

    def member(self, row: int) -> Member:
        """The Mesa handle onto person `row` (made on first use)."""
        if row not in self._handles:
            self._handles[row] = Member(self, row)
        return self._handles[row]

    def members(self) -> list[Member]:
        """Handles for today's members (for inspection and small demos; not for hot paths)."""
        return [self.member(int(r)) for r in np.flatnonzero(self.table.is_member)]

    def member_graph(self):
        """Today's members and the ties among them, as a networkx graph."""
        return self.graph.to_networkx(self.table.is_member)
