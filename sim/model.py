"""CommunityModel: builds the world and owns the order of one simulated day.

The world is a social graph of the addressable population, a member table (one array per
attribute, see sim/population.py), the staff as Mesa agents and the operating policies. Member
behaviour is vectorised over the members' rows (sim/member_day.py, sim/mechanics/), so a day costs
in proportion to the community rather than the population; staff act one by one.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import mesa
import numpy as np

from sim import member_day, staff
from sim.agents import EventPlanner, Expert, GrowthOfficer, Member, Moderator
from sim.backend import get_backend
from sim.config import ConfigError, SimConfig
from sim.lifecycle import Stage, StageSnapshot, next_stage, weekly_trend
from sim.mechanics import economics
from sim.mechanics.groups import Groups
from sim.mechanics.ties import InteractionTies
from sim.member_day import MAX_POSTS_PER_VISIT
from sim.metrics import METRICS
from sim.network import SocialGraph, build_graph
from sim.playbook import stage_config, stage_overrides
from sim.policies import Policies
from sim.population import Channel, MemberTable, Tier
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
    purchases: int = 0
    campaign_spend: float = 0.0
    referral_rewards: float = 0.0
    cost_staff: float = 0.0
    cost_perks: float = 0.0
    cost_events: float = 0.0

    @property
    def joins_total(self) -> int:
        """All joins today."""
        return int(self.joins.sum())

    @property
    def cost_total(self) -> float:
        """Every cost of the day (yuan)."""
        return self.campaign_spend + self.referral_rewards + self.cost_staff + self.cost_perks + self.cost_events


@dataclass
class Counts:
    """Running counts kept up to date on every join, leave and promotion."""

    members: int = 0
    ever_joined: int = 0
    by_channel: np.ndarray = field(default_factory=lambda: np.zeros(len(Channel), dtype=np.int64))
    by_tier: np.ndarray = field(default_factory=lambda: np.zeros(len(Tier), dtype=np.int64))

    @property
    def core_and_vip(self) -> int:
        """Members in the core and VIP tiers."""
        return int(self.by_tier[Tier.CORE] + self.by_tier[Tier.VIP])


@dataclass(frozen=True)
class StageSpell:
    """One stretch of the stage timeline."""

    stage: Stage
    first_day: int
    entry: StageSnapshot


class CommunityModel(mesa.Model):
    """A community growing inside its addressable population, one step per day.

    One day, in this order (every member decides from the state the day started with; staff
    act one by one in shuffled order; sim/staff.py):

    1. staff act: experts publish the calendar's posts, growth officers buy campaign reach,
       moderators resolve incidents and greet yesterday's newcomers, the planner holds events
    2. members visit: chance = engagement x (base + content pull + pull of friends active
       yesterday + event lift) x (1 - toxicity effect)
    3. members post and reply: heavy-tailed posting, replies that form ties, newcomers' first
       posts answered (or not), questions answered by experts within capacity
    4. members value the day: engagement moves toward the value of a visit, decays without one;
       greetings, first replies and answers add to it
    5. members invite: active members invite friends who can still join (referral policy)
    6. members buy: active members purchase (tiers raise the rate)
    7. members leave: churn hazard from engagement, tier, toxicity and (for newcomers) strictness
    8. newcomers arrive: referral, campaign and organic joins, one channel per person in that order
    9. points and tiers: members earn points and rise through the tiers
    10. staff end the day: burnout (experts may quit), moderators hired per policy; costs booked
    11. the day is recorded and the lifecycle stage updated

    Args:
        cfg: a validated SimConfig.
        graph: an already built SocialGraph to reuse (else built from cfg.network).
    """

    def __init__(self, cfg: SimConfig, graph: SocialGraph | None = None):
        super().__init__(rng=cfg.seed)
        self.base_cfg = cfg  # the run's config, playbook included
        self.cfg = stage_config(cfg, Stage.CREATE)  # the config in force (changes with the stage)
        self.backend = get_backend(cfg.backend)
        self.streams = RngStreams(cfg.seed)  # per-person draws are made on the rows' device
        graph = graph if graph is not None else build_graph(cfg.network, self.streams)
        self.graph = graph.on(self.backend)  # the CSR in device memory for backend=gpu
        self.table = MemberTable(self.graph.n, xp=self.backend.xp)
        self.ties = InteractionTies(self.graph.n, xp=self.backend.xp)
        self.policies = Policies.from_config(self.cfg.policy)
        self.groups = Groups(cfg.groups.capacity)
        self.events_log: list[dict] = []
        self.day = 0
        self.feed_stock = 0.0
        self.incident_backlog = 0.0
        self.toxicity = 0.0
        self.reach_today = 0.0
        self.count = Counts()
        self.tally = DayTally()
        self.newcomers_waiting: list[int] = []
        self.attended_today = np.zeros(0, dtype=np.int64)
        self._handles: dict[int, Member] = {}
        self._affinity_max: float | None = None  # derived from the table when first needed
        self.today: member_day.Today | None = None  # who did what on the latest day
        self._draw_traits()
        self._seat_founders()
        self._hire_staff()
        self.stage = Stage.CREATE
        self._stage_since = 0
        self._last_healthy = Stage.CREATE
        self.stage_log: list[StageSpell] = [StageSpell(Stage.CREATE, 0, StageSnapshot(self.count.members, 0.0, 0.0, 0.0))]
        if changes := stage_overrides(cfg, Stage.CREATE):
            self.log_event("playbook", f"{cfg.playbook.name}: {Stage.CREATE.label}", changes)
        self.recorder = Recorder(METRICS, cfg.days)
        self.tally.members_start = self.count.members
        self.tally.mean_engagement = self._mean_engagement(self.member_rows())
        self.recorder.record(0, self)

    # -- building the world -------------------------------------------------------------------

    def _draw_traits(self) -> None:
        """Heavy-tailed posting propensity for everyone (participation inequality)."""
        m = self.cfg.member
        z = self.streams.setup("traits").standard_normal(self.table.n, dtype=np.float32)
        # capped: beyond that a member is a spam bot, not a super-poster
        xp = self.backend.xp
        self.table.p_post[:] = xp.asarray(np.minimum(MAX_POSTS_PER_VISIT, m.p_post_median * np.exp(m.p_post_sigma * z)))
        if m.join_affinity_shape > 0:
            g = self.streams.setup("affinity")
            self.table.affinity[:] = xp.asarray(g.gamma(m.join_affinity_shape, 1.0 / m.join_affinity_shape, self.table.n))

    def _seat_founders(self) -> None:
        f = self.cfg.founders
        n = self.graph.n
        if f.n_founders > n:
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
                taken = set(rows)
                circle = [r for r in self.graph.breadth_first(start, f.n_founders) if r not in taken]
                rows.extend(circle[: f.n_founders - len(rows)])
        rows = np.asarray(rows, dtype=np.int64)
        self.groups.open(0, -(-len(rows) // self.groups.capacity))  # the founders' group(s)
        self.admit(rows, Channel.FOUNDER, self.cfg.member.engagement_founder)

    def _hire_staff(self) -> None:
        s = self.cfg.staff  # the CREATE stage's staff
        skills = 1.0 + s.expert_skill_sd * self.streams.setup("staff").standard_normal(s.n_experts)
        self.experts = [Expert(self, float(np.clip(k, 0.1, 2.0))) for k in skills]
        self.moderators = [Moderator(self, s.welcomes_per_moderator_per_day) for _ in range(s.n_moderators)]
        cap = staff.budget_cap_per_officer(self.cfg)
        self.growth_officers = [GrowthOfficer(self, cap) for _ in range(s.n_growth_officers)]
        self.event_planners = [EventPlanner(self) for _ in range(s.n_event_planners)]

    # -- one day ------------------------------------------------------------------------------

    def step(self) -> None:
        """Advance the community by one day (the order is in the class docstring)."""
        self.day += 1
        self.tally = DayTally(members_start=self.count.members)
        self.attended_today = self.backend.xp.zeros(0, dtype=np.int64)
        self.tally.cost_staff = self._staff_cost()
        self.today = today = member_day.Today(members=self.member_rows())
        staff.staff_act(self, today.members)
        member_day.visit(self, today)
        member_day.post_and_reply(self, today)
        member_day.value(self, today)
        member_day.invite(self, today)
        member_day.buy(self, today)
        member_day.leave(self, today)
        member_day.arrive(self, today)
        member_day.award_points(self, today)
        staff.end_day(self)
        self.tally.mean_engagement = self._mean_engagement(today.members_end)
        self.recorder.record(self.day, self)
        self.update_stage()

    def member_rows(self):
        """Rows of today's members, sorted (on the run's device)."""
        return self.backend.xp.flatnonzero(self.table.is_member)

    def tier_multipliers(self, effect: str):
        """The tier policy's multiplier of `effect` per tier code, on the run's device."""
        return self.backend.xp.asarray(self.policies.tiers.multipliers(effect))

    @property
    def affinity_max(self) -> float:
        """The highest join affinity in the population (a fixed trait: bounds every join chance)."""
        if self._affinity_max is None:
            self._affinity_max = float(self.table.affinity.max()) if self.table.n else 0.0
        return self._affinity_max

    def _staff_cost(self) -> float:
        return economics.staff_cost(
            len(self.experts), len(self.moderators), len(self.growth_officers), len(self.event_planners), self.cfg.economics
        )

    def admit(self, rows, channel: Channel, start_engagement: float, preferred=None) -> np.ndarray:
        """Seat newcomers in chat groups and make those seated members; returns who joined (host rows)."""
        rows, opened = self.groups.seat(self.table.group, rows, preferred, self.day, self.cfg.groups.spawn)
        if opened:
            self._seed_new_groups(opened)
        if len(rows) == 0:
            return rows
        self.table.admit(self.backend.xp.asarray(rows), self.day, channel, float(np.clip(start_engagement, 0.0, 1.0)))
        self.count.members += len(rows)
        self.count.ever_joined += len(rows)
        self.count.by_channel[channel] += len(rows)
        self.count.by_tier[Tier.NEWCOMER] += len(rows)
        self.tally.joins[channel] += len(rows)
        if channel != Channel.FOUNDER:
            self.newcomers_waiting.extend(rows.tolist())
        return rows

    def _seed_new_groups(self, opened: int) -> None:
        """Move a few core members (the most engaged if there are no tiers) into each new group:
        the best `seed_core_members` to the first new group, the next best to the second, ..."""
        table, g, xp = self.table, self.cfg.groups, self.backend.xp
        new_ids = np.arange(len(self.groups) - opened, len(self.groups))
        per_group = g.seed_core_members
        if per_group and self.count.members:
            members = self.member_rows()  # today's newcomers are not members yet: none sits in a new group
            rank = table.tier[members].astype(np.float32) * 2.0 + table.engagement[members]
            k = per_group * opened  # only the top k need sorting (same order as a full stable sort)
            top = xp.flatnonzero(rank >= xp.partition(rank, len(rank) - k)[len(rank) - k]) if len(rank) > k else slice(None)
            core = members[top][xp.argsort(-rank[top], kind="stable")[:k]]
            for i, gid in enumerate(new_ids):
                self.groups.move(table.group, core[i * per_group : (i + 1) * per_group], int(gid))
        for gid in new_ids:
            if g.moderator_per_new_group:
                staff.hire(self, Moderator)
            self.log_event("group_opened", f"group {gid} opened", {"group": int(gid)})

    def _mean_engagement(self, rows) -> float:
        """Mean engagement of the members in `rows`."""
        return float(self.table.engagement[rows].sum(dtype=np.float64)) / len(rows) if len(rows) else 0.0

    # -- lifecycle ----------------------------------------------------------------------------

    def snapshot(self) -> StageSnapshot:
        """Stage criteria over the last `window_days` days."""
        w = self.cfg.lifecycle.window_days
        members = self.recorder.column("members", self.day)
        first = max(0, self.day - w)
        window = slice(first + 1, self.day + 1)
        start = members[first]
        growth = weekly_trend(members[first:])
        active = self.recorder.column("daily_active", self.day)[window].sum()
        members_start = members[first : self.day].sum()
        posts_m = self.recorder.column("posts_member", self.day)[window].sum()
        posts_e = self.recorder.column("posts_expert", self.day)[window].sum()
        leaves = self.recorder.column("leaves", self.day)[window].sum()
        return StageSnapshot(
            members=int(members[-1]),
            growth_per_week=float(growth),
            active_share=float(active / members_start) if members_start else 0.0,
            member_content_share=float(posts_m / (posts_m + posts_e)) if posts_m + posts_e else 0.0,
            n_groups=int(np.count_nonzero(self.groups.size)),
            segments_reached=self.segments_reached(),
            retention=float(1.0 - leaves / start) if start else 1.0,
        )

    def group_activity_floor(self, min_members: int = 20) -> float:
        """Daily active share of the quietest group with at least `min_members` members."""
        if self.today is not None and self.today.members_end is not None:  # today's rows, already gathered
            rows, visitors = self.today.members_end, self.today.visitors_staying
        else:
            rows = self.member_rows()
            visitors = rows[self.table.active[rows]]
        members, actives = self.groups.activity(self.table.group, rows, visitors)
        big = members >= min_members
        return float((actives[big] / members[big]).min()) if big.any() else 0.0

    def segments_reached(self) -> int:
        """Population segments (sbm graphs) holding at least the foothold share of members."""
        if self.graph.segment is None or not self.count.members:
            return 1
        per_segment = np.bincount(self.graph.segment[self.backend.to_numpy(self.member_rows())])
        return int(np.count_nonzero(per_segment >= self.cfg.lifecycle.segment_foothold_share * self.count.members))

    def update_stage(self) -> None:
        """Run the stage detector on today's window; on a change, log it and apply the playbook."""
        snap = self.snapshot()
        new = next_stage(self.stage, self.day - self._stage_since, snap, self.cfg.lifecycle, self._last_healthy)
        if new != self.stage:
            if new != Stage.DECLINE:
                self._last_healthy = new
            self.stage, self._stage_since = new, self.day
            self.stage_log.append(StageSpell(new, self.day, snap))
            self.log_event("stage", new.label, {"stage": new.name})
            self.apply_playbook(new)
        self.recorder.set(self.day, "stage", int(self.stage))

    def apply_playbook(self, stage: Stage) -> None:
        """Switch to the policies, staff and group rules the playbook gives for `stage`."""
        changes = stage_overrides(self.base_cfg, stage)
        if not changes:
            return
        self.cfg = stage_config(self.base_cfg, stage, current=self.cfg)
        self.policies = Policies.from_config(self.cfg.policy)
        staff.sync_headcount(self)
        self.log_event("playbook", f"{self.base_cfg.playbook.name}: {stage.label}", changes)

    def log_event(self, kind: str, label: str, detail: dict | None = None) -> None:
        """Note something that happened today (stage change, playbook switch, group opened, ...)."""
        self.events_log.append({"day": self.day, "kind": kind, "label": label, "detail": detail or {}})

    # -- inspection ---------------------------------------------------------------------------

    def member(self, row: int) -> Member:
        """The Mesa handle onto person `row` (made on first use)."""
        if row not in self._handles:
            self._handles[row] = Member(self, row)
        return self._handles[row]

    def members(self) -> list[Member]:
        """Handles for today's members (for inspection and small demos; not for hot paths)."""
        return [self.member(int(r)) for r in self.backend.to_numpy(self.member_rows())]

    def member_graph(self):
        """Today's members and the ties among them (social graph + ties formed inside), as networkx."""
        is_member = self.backend.to_numpy(self.table.is_member)
        g = self.graph.to_networkx(is_member)
        a, b = self.ties.edges()
        keep = is_member[a] & is_member[b]
        g.add_edges_from(zip(a[keep].tolist(), b[keep].tolist(), strict=True))
        return g
