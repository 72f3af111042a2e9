"""CommunityModel: builds the world and owns the order of one simulated day, and every write.

The world is a social graph of the addressable population, a member table (one array per
attribute, sim/population.py), the interaction ties and chat groups, the staff as Mesa agents in
`model.agents`, the operating policies, and `state` (sim/state.py): what a day carries over.
Member behaviour is vectorised over the members' rows by the mechanics (sim/mechanics/), which
return what happened; the model applies it. A day costs in proportion to the community, not the
population.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

import mesa
import numpy as np
from mesa.agent import AgentSet

from sim import staff, world
from sim.agents import (
    STAFF_ROLES,
    EventPlanner,
    Expert,
    GrowthOfficer,
    Member,
    Moderator,
    StaffAgent,
    WorkDay,
)
from sim.backend import get_backend
from sim.config import ConfigError, SimConfig
from sim.lifecycle import Stage, StageSnapshot, next_stage, snapshot
from sim.mechanics import (
    acquisition,
    churn,
    content,
    economics,
    engagement,
    interaction,
    moderation,
    referral,
    tiers,
    visits,
)
from sim.mechanics.groups import Groups
from sim.mechanics.ties import InteractionTies
from sim.metrics import METRICS
from sim.network import SocialGraph, build_graph
from sim.playbook import stage_config, stage_overrides
from sim.policies import Policies
from sim.population import Channel, MemberTable, Tier
from sim.recorder import Recorder
from sim.rng import RngStreams
from sim.state import CommunityState, Counts, DayTally, StageSpell


@dataclass
class Today:
    """What the phases of one day hand to each other (rows on the run's device)."""

    members: object  # members at the start of the day (sorted rows)
    work: WorkDay | None = None  # the staff's sheet
    attended: list = field(default_factory=list)  # rows of today's event attendees, per event
    visited: object = None  # mask over `members`
    visitors: object = None
    social: object = None  # pull of friends active yesterday, per member
    content_value: float = 0.0
    posters: object = None
    repliers: object = None
    boosts: list = field(default_factory=list)  # (rows, engagement boost)
    invited: referral.ReferralOutcome | None = None
    joined: list = field(default_factory=list)  # host rows admitted today, per channel
    staying: object = None  # `members` less today's leavers
    visitors_staying: object = None


class CommunityModel(mesa.Model):
    """A community growing inside its addressable population, one step per day.

    One day, in this order (every member decides from the state the day started with):

    1. staff act (each on the day's sheet, in a shuffled order): experts publish the calendar's
       posts, growth officers buy campaign reach, moderators resolve incidents and greet
       yesterday's newcomers, planners hold events; then incidents become backlog and toxicity
    2. members visit: `visits.visit_chance` (engagement, fresh content, friends active yesterday,
       an event's lift, toxicity)
    3. members post and reply: heavy-tailed posting, replies that form ties, newcomers' first
       posts answered (or not), questions answered by experts within capacity
    4. members value the day: engagement moves toward the value of a visit, decays without one;
       first replies and answers add to it
    5. members invite: visitors invite friends who can still join (referral policy)
    6. members buy: visitors purchase (tiers raise the rate)
    7. members leave: `churn.leave_hazard` (engagement, tier, toxicity, strictness for newcomers)
    8. newcomers arrive: referral, campaign and organic joins (`acquisition.join_chance`), one
       channel per person in that order; they are seated in chat groups, and a new group opens
       (seeded with core members) when all are full
    9. points and tiers: members earn points and rise through the tiers
    10. staff end the day: experts take stock of their load (burnout; some quit), temporary
        contracts end, moderators are hired as the moderation policy asks
    11. the day is recorded and the lifecycle stage updated; a new stage switches the playbook

    Every write to the member table, the state and the staff roster happens in this class; the
    mechanics only compute. What a day carries over is `state` (checkpoints save it as it is).

    Args:
        cfg: a validated SimConfig.
        graph: an already built SocialGraph to reuse (else built from cfg.network).
    """

    def __init__(self, cfg: SimConfig, graph: SocialGraph | None = None):
        self._assemble(cfg, stage_config(cfg, Stage.CREATE), graph)
        n = self.graph.n
        self.table = MemberTable(n, xp=self.backend.xp)
        self.ties = InteractionTies(n, xp=self.backend.xp)
        self.groups = Groups(cfg.groups.capacity)
        self.state = CommunityState(count=Counts(population=n))
        self.recorder = Recorder(METRICS, cfg.days)
        self._draw_traits()
        self._seat_founders()
        self._hire_initial_staff()
        s = self.state
        s.stage_log.append(StageSpell(Stage.CREATE, 0, StageSnapshot(s.count.members, 0.0, 0.0, 0.0)))
        if changes := stage_overrides(cfg, Stage.CREATE):
            s.log("playbook", f"{cfg.playbook.name}: {Stage.CREATE.label}", changes)
        s.tally.members_start = s.count.members
        members = self.table.member_rows()
        self._close_day(members, members[:0])
        self.recorder.record(0, s)

    def _assemble(self, base_cfg: SimConfig, cfg: SimConfig, graph: SocialGraph | None) -> None:
        """Mesa's model, the configs and what follows from them (backend, streams, policies, graph)."""
        super().__init__(rng=base_cfg.seed)
        self.base_cfg = base_cfg  # the run's config, playbook included
        self.cfg = cfg  # the config in force (changes with the stage)
        self.backend = get_backend(base_cfg.backend)
        self.streams = RngStreams(base_cfg.seed)
        graph = graph if graph is not None else build_graph(base_cfg.network, self.streams)
        self.graph = graph.on(self.backend)  # the CSR in device memory for backend=gpu
        self.policies = Policies.from_config(cfg.policy)
        self._handles: dict[int, Member] = {}

    @classmethod
    def restored(cls, base_cfg: SimConfig, cfg: SimConfig, graph: SocialGraph, table: MemberTable,
                 ties: InteractionTies, groups: Groups, state: CommunityState, recorder: Recorder,
                 staff_states: list[tuple[type, dict]]) -> CommunityModel:
        """The model at the end of `state.day`, from its parts (sim/model_state.py), ready to step on.

        `staff_states` are (role, the agent's own attributes) in hiring order per role.
        """
        model = cls.__new__(cls)
        model._assemble(base_cfg, cfg, graph)
        model.table, model.ties, model.groups, model.state, model.recorder = table, ties, groups, state, recorder
        model.affinity_max = float(table.affinity.max()) if table.n else 0.0
        for role, attributes in staff_states:
            agent = role.__new__(role)
            mesa.Agent.__init__(agent, model)
            vars(agent).update(attributes)
        return model

    # -- building the world -------------------------------------------------------------------

    def _draw_traits(self) -> None:
        p_post, affinity = world.traits(self.table.n, self.cfg.member, self.streams)
        xp = self.backend.xp
        self.table.p_post[:] = xp.asarray(p_post)
        if affinity is not None:
            self.table.affinity[:] = xp.asarray(affinity)
        self.affinity_max = float(self.table.affinity.max()) if self.table.n else 0.0  # bounds every join chance

    def _seat_founders(self) -> None:
        f = self.cfg.founders
        if f.n_founders > self.graph.n:
            raise ConfigError(f"founders.n_founders = {f.n_founders} is larger than the graph ({self.graph.n} people)")
        rows = world.founders(self.graph, f.n_founders, f.placement, self.streams.setup("founders"))
        self.groups.open(0, -(-len(rows) // self.groups.capacity))  # the founders' group(s)
        self._admit(rows, Channel.FOUNDER, self.cfg.member.engagement_founder)

    def _hire_initial_staff(self) -> None:
        for role, wanted in staff.wanted(self.cfg).items():
            for _ in range(wanted):
                self.hire(role, log=False)

    # -- one day ------------------------------------------------------------------------------

    def step(self) -> None:
        """Advance the community by one day (the order is in the class docstring)."""
        s = self.state
        s.day += 1
        s.tally = DayTally(members_start=s.count.members, cost_staff=self._staff_cost())
        today = Today(members=self.table.member_rows())
        self._staff_act(today)
        self._visit(today)
        self._post_and_reply(today)
        self._value(today)
        self._invite(today)
        self._buy(today)
        self._leave(today)
        self._arrive(today)
        members_end = self.backend.xp.concatenate([today.staying, *(self.backend.xp.asarray(r) for r in today.joined)])
        self._award_points(today, members_end)
        self._staff_end_day(today.work)
        self._close_day(members_end, today.visitors_staying)
        self.recorder.record(s.day, s)
        self._update_stage()

    def _staff_act(self, today: Today) -> None:
        """Staff work on the day's sheet; then the model applies what they did."""
        s, cfg, t, xp, table = self.state, self.cfg, self.state.tally, self.backend.xp, self.table
        arising, removed = moderation.incidents_today(
            s.count.members, s.count.core_and_vip, cfg.policy.moderation.strictness, cfg.moderation,
            self.streams.day("moderation", s.day),
        )
        work = WorkDay(
            s.day, self.streams, cfg.capacity, self.policies,
            posts_due_per_expert=self.policies.content.posts_due_per_day(s.day) / max(1, len(self.roster(Expert))),
            open_incidents=arising - removed, waiting=s.newcomers_waiting.tolist(), members=today.members,
            engagement=table.engagement[today.members], feed_stock=s.feed_stock, incidents_resolved=removed,
        )
        self._staff_in_order(s.day).shuffle_do("act", work)
        today.work = work
        s.feed_stock, s.newcomers_waiting = work.feed_stock, s.newcomers_waiting[:0]
        t.incidents, t.incidents_resolved, t.posts_expert = arising, work.incidents_resolved, work.posts_expert
        t.campaign_spend, t.campaign_reach = work.campaign_spend, work.campaign_reach
        s.incident_backlog = moderation.next_backlog(s.incident_backlog, work.open_incidents, cfg.moderation)
        s.toxicity = moderation.toxicity(s.incident_backlog, s.count.members, cfg.moderation)
        for rows in work.greeted:
            greeted = xp.asarray(rows, dtype=xp.int64)
            greeted = greeted[table.is_member[greeted]]
            table.engagement[greeted] = engagement.boosted(table.engagement[greeted], cfg.staff.welcome_engagement_boost)
            t.greeted += len(greeted)
        for event in work.events:
            table.lift_until[event.attendees] = s.day + self.policies.events.cfg.lift_days
            today.attended.append(event.attendees)
            t.ties_formed += self.ties.add(event.tie_a, event.tie_b)
            t.events += 1
            t.event_attendees += len(event.attendees)
            t.cost_events += self.policies.events.cfg.cost_per_event

    def _visit(self, today: Today) -> None:
        s, m, table, rows = self.state, self.cfg.member, self.table, today.members
        today.content_value = content.content_value(s.feed_stock, m.content_saturation_posts)
        friends = visits.active_friends(rows, table.active, self.graph, self.ties)  # active: yesterday's
        today.social = visits.social_pull(friends, m.social_saturation_friends)
        lift = self.policies.events.visit_lift
        p_visit = visits.visit_chance(
            table.engagement[rows], today.content_value, today.social, table.lift_until[rows] if lift > 0 else None,
            s.day, s.toxicity, m, toxicity_visit_effect=self.cfg.moderation.toxicity_visit_effect, visit_lift=lift,
        )
        today.visited = self.streams.rows("activity", s.day).uniform(rows) < p_visit
        table.active[rows] = today.visited  # only members can have visited yesterday: this clears them all
        today.visitors = rows[today.visited]
        s.tally.active, s.tally.content_value = len(today.visitors), today.content_value

    def _post_and_reply(self, today: Today) -> None:
        s, cfg, table, t, day = self.state, self.cfg, self.table, self.state.tally, self.state.day
        rows = today.visitors
        p_post = content.posting_rate(
            table.p_post[rows], self._tier_multipliers("post")[table.tier[rows]], table.engagement[rows], cfg.member
        )
        posted = content.members_post(p_post, self.streams.rows("posting", day).uniform(rows))
        today.posters = posters = rows[posted]
        written = content.posts_written(p_post[posted], self.streams.day("posting", day))
        table.posts[posters] += written.astype(table.posts.dtype)
        t.posts_member = int(written.sum())
        s.feed_stock = content.next_feed_stock(s.feed_stock, t.posts_member, cfg.member)
        replies = interaction.replies(rows, p_post, posters, self.streams.rows("replies", day), self.graph,
                                      table.is_member, cfg.interaction)
        today.repliers, t.replies = replies.repliers, len(replies.repliers)
        t.ties_formed += self.ties.add(replies.tie_a, replies.tie_b)
        today.boosts = [self._first_replies(posters), self._answers(posters)]

    def _first_replies(self, posters) -> tuple[object, float]:
        """Newcomers' first posts, answered by members or by moderators on reply duty."""
        ic, table, t, day = self.cfg.interaction, self.table, self.state.tally, self.state.day
        first = interaction.first_posters(posters, table.first_post_day)
        table.first_post_day[first] = day
        t.first_posts = len(first)
        staff_replies = 0
        if self.policies.welcome.reply_first_posts:
            for moderator in self.roster(Moderator):
                staff_replies += moderator.reply_to_first_posts(len(first) - staff_replies, self.cfg.capacity)
        p = interaction.first_reply_chance(t.active, staff_replies, len(first), ic)
        replied = first[self.streams.rows("first_reply", day).uniform(first) < p]
        table.first_reply_day[replied] = day
        t.first_posts_replied = len(replied)
        return replied, ic.first_reply_engagement_boost

    def _answers(self, posters) -> tuple[object, float]:
        """Questions among today's posts; the experts answer them within their capacity, in turn."""
        ic, t, day = self.cfg.interaction, self.state.tally, self.state.day
        askers = interaction.questions(posters, self.streams.rows("questions", day).uniform(posters),
                                       ic.question_share, self.streams.day("questions", day))
        answered = 0
        for expert in self.roster(Expert):
            answered += expert.answer_questions(len(askers) - answered, self.cfg.capacity)
        t.questions, t.questions_answered = len(askers), answered
        return askers[:answered], ic.answer_engagement_boost

    def _value(self, today: Today) -> None:
        table, rows = self.table, today.members
        table.engagement[rows] = engagement.updated_engagement(
            table.engagement[rows], today.visited, today.content_value, today.social, self.cfg.member,
            engagement.fit(table.affinity[rows]),
        )
        for rows_boosted, boost in today.boosts:
            table.engagement[rows_boosted] = engagement.boosted(table.engagement[rows_boosted], boost)

    def _invite(self, today: Today) -> None:
        policy, table = self.policies.referral, self.table
        if not policy.invites:
            return
        today.invited = referral.invite(
            today.visitors, policy.invite_propensity(table, today.visitors), table.joined_day, self.graph,
            policy.cfg.p_accept, self.streams.rows("referral", self.state.day), affinity=table.affinity,
        )
        table.invites_sent[today.invited.senders] += 1
        self.state.tally.invites = len(today.invited.senders)

    def _buy(self, today: Today) -> None:
        e, t = self.cfg.economics, self.state.tally
        u = self.streams.rows("purchase", self.state.day).uniform(today.visitors)
        t.purchases = economics.purchases(self.table.tier[today.visitors], self._tier_multipliers("purchase"),
                                          e.p_purchase_per_active_day, u)
        t.revenue = t.purchases * e.average_order_value

    def _leave(self, today: Today) -> None:
        s, cfg, table, xp, rows = self.state, self.cfg, self.table, self.backend.xp, today.members
        hazard = churn.leave_hazard(
            table.engagement[rows], self._tier_multipliers("churn")[table.tier[rows]], s.toxicity,
            churn.is_newcomer(table.joined_day[rows], s.day, cfg.moderation.newcomer_days),
            cfg.policy.moderation.strictness, cfg.member, cfg.moderation,
        )
        leaving = churn.leavers(rows, hazard, self.streams.rows("churn", s.day).uniform(rows))
        s.count.by_channel -= self.backend.to_numpy(xp.bincount(table.channel[leaving], minlength=len(Channel)))
        s.count.by_tier -= self.backend.to_numpy(xp.bincount(table.tier[leaving], minlength=len(Tier)))
        self.groups.leave(table.group, leaving)
        table.remove(leaving, s.day)
        self._drop_handles(leaving)
        today.staying = rows[table.is_member[rows]]
        today.visitors_staying = today.visitors[table.is_member[today.visitors]]
        s.count.members -= len(leaving)
        s.tally.leaves = len(leaving)

    def _arrive(self, today: Today) -> None:
        """Referral, campaign and organic joins; a person joins through the first that applies."""
        m, table, xp, invited, t = self.cfg.member, self.table, self.backend.xp, today.invited, self.state.tally
        if invited is not None and len(invited.joiners):
            seated = self._admit(invited.joiners, Channel.REFERRAL, m.engagement_join + m.engagement_join_referral_bonus,
                                 preferred=table.group[invited.inviters])
            today.joined.append(seated)
            keep = xp.isin(invited.joiners, xp.asarray(seated))  # all of them unless groups are full
            invited.joiners, invited.inviters = invited.joiners[keep], invited.inviters[keep]
            table.inviter[invited.joiners] = invited.inviters.astype(table.inviter.dtype)
            rewarded = self.policies.referral.rewarded(table, invited.inviters)
            table.rewarded_joins[rewarded] += 1
            t.referral_rewards = float(len(rewarded) * self.policies.referral.cfg.reward_per_join)
        n_eligible = table.n - self.state.count.ever_joined  # people who never joined (leavers do not return)
        p_campaign, p_organic = acquisition.base_chances(
            t.campaign_reach, n_eligible, self.cfg.policy.acquisition.p_convert, m.p_discover_per_day
        )
        bound = min(1.0, (p_campaign + p_organic) * self.affinity_max)  # nobody's chance is higher
        if bound > 0:
            rows, u = acquisition.candidates(table.joined_day, bound, n_eligible, self.streams.day("acquisition", self.state.day),
                                             self.streams.rows("acquisition", self.state.day), xp)
            campaign, organic = acquisition.joiners(rows, u, table.affinity[rows], p_campaign, p_organic)
            today.joined.append(self._admit(campaign, Channel.CAMPAIGN, m.engagement_join + m.engagement_join_campaign_bonus))
            today.joined.append(self._admit(organic, Channel.ORGANIC, m.engagement_join))

    def _admit(self, rows, channel: Channel, start_engagement: float, preferred=None) -> np.ndarray:
        """Seat newcomers in chat groups (opening groups when all are full) and make those seated
        members; returns who joined (host rows)."""
        s = self.state
        rows, opened = self.groups.seat(self.table.group, rows, preferred, s.day, self.cfg.groups.spawn)
        if opened:
            self._open_groups(opened)
        if len(rows) == 0:
            return rows
        self.table.admit(self.backend.xp.asarray(rows), s.day, channel, float(np.clip(start_engagement, 0.0, 1.0)))
        s.count.members += len(rows)
        s.count.ever_joined += len(rows)
        s.count.by_channel[channel] += len(rows)
        s.count.by_tier[Tier.NEWCOMER] += len(rows)
        s.tally.joins[channel] += len(rows)
        if channel != Channel.FOUNDER:
            s.newcomers_waiting = np.concatenate([s.newcomers_waiting, rows])
        return rows

    def _open_groups(self, opened: int) -> None:
        """New chat groups (精细化建群): a few core members move in to get each going; a moderator
        is hired for each if the group rules say so."""
        g, table = self.cfg.groups, self.table
        new_ids = np.arange(len(self.groups) - opened, len(self.groups))
        if g.seed_core_members and self.state.count.members:
            members = self.table.member_rows()  # today's newcomers are not seated yet: none sits in a new group
            core = self.groups.core_for_new_groups(members, table.tier, table.engagement, g.seed_core_members, opened)
            for i, gid in enumerate(new_ids):
                self.groups.move(table.group, core[i * g.seed_core_members : (i + 1) * g.seed_core_members], int(gid))
        for gid in new_ids:
            if g.moderator_per_new_group:
                self.hire(Moderator)
            self.state.log("group_opened", f"group {gid} opened", {"group": int(gid)})

    def _award_points(self, today: Today, members_end) -> None:
        """Members earn points (积分) and rise through the tiers; VIP perks are booked."""
        policy, table, xp, s = self.policies.tiers, self.table, self.backend.xp, self.state
        if not policy.active:
            return
        empty = xp.zeros(0, dtype=xp.int64)
        inviters = today.invited.inviters if today.invited is not None else empty
        attended = xp.concatenate([empty, *today.attended])
        # those who left today earn nothing for their visit
        for rows, points in tiers.points_earned(today.visitors_staying, today.posters, today.repliers, attended,
                                                inviters, policy.cfg):
            table.points[rows] += points
        table.tier[members_end] = tiers.tiers_from_points(table.points[members_end], policy.thresholds())
        s.count.by_tier = self.backend.to_numpy(xp.bincount(table.tier[members_end], minlength=len(Tier))).astype(np.int64)
        s.tally.cost_perks = s.count.by_tier[Tier.VIP] * policy.cfg.vip_perk_cost_per_day

    def _staff_end_day(self, work: WorkDay) -> None:
        """Staff take stock (experts may quit), temporary contracts end, the owner hires the
        moderators the moderation policy asks for."""
        s = self.state
        self._staff().do("end_day", work)
        for expert in work.quitting:
            self.let_go(expert)
            s.tally.experts_quit += 1
            s.log("expert_quit", "an expert left (burnout)", {"burnout": round(expert.burnout, 3)})
        for agent in self._staff():
            if agent.until_day is not None and s.day >= agent.until_day:
                self.let_go(agent)
                s.log("contract_ended", f"{type(agent).__name__} went home (temporary)", {"role": type(agent).__name__})
        moderators = len(self.roster(Moderator))
        for _ in range(self.policies.moderation.moderators_wanted(s.count.members, moderators) - moderators):
            self.hire(Moderator)

    def _close_day(self, members_end, visitors_staying) -> None:
        """The day's end-of-day figures: engagement, staff on duty, groups."""
        t, experts = self.state.tally, self.roster(Expert)
        t.mean_engagement = engagement.mean(self.table.engagement[members_end])
        t.experts, t.moderators = len(experts), len(self.roster(Moderator))
        t.expert_burnout = sum(e.burnout for e in experts) / len(experts) if experts else 0.0
        t.groups = self.groups.n_with_members
        t.group_active_share_min = self.groups.activity_floor(self.table.group, members_end, visitors_staying)

    def _tier_multipliers(self, effect: str):
        """The tier policy's multiplier of `effect` per tier code, on the run's device."""
        return self.backend.xp.asarray(self.policies.tiers.multipliers(effect))

    def _staff_cost(self) -> float:
        return economics.staff_cost(*(len(self.roster(role)) for role in (Expert, Moderator, GrowthOfficer, EventPlanner)),
                                    self.cfg.economics)

    # -- the staff roster (model.agents) -------------------------------------------------------

    def roster(self, role: type) -> list:
        """Staff of `role` on duty, in hiring order."""
        return list(self.agents_by_type.get(role, ()))

    def _staff(self) -> AgentSet:
        """Every staff agent: experts, growth officers, moderators, planners, each in hiring order."""
        return AgentSet([a for role in STAFF_ROLES for a in self.agents_by_type.get(role, ())], random=self.random)

    def _staff_in_order(self, day: int) -> AgentSet:
        """The staff, to be activated in a shuffled order: Mesa's `shuffle_do` with a generator
        seeded from the day's `staff_order` stream, so runs repeat and resumed runs shuffle alike."""
        seed = int(self.streams.day("staff_order", day).integers(2**63))
        return AgentSet(list(self._staff()), random=random.Random(seed))

    def hire(self, role: type, *, until_day: int | None = None, log: bool = True, **contract) -> StaffAgent:
        """Add one staff member of `role` (the one place staff join), with the next staff number.
        A new expert's skill is drawn from their own slot of the `hiring` stream; `until_day` makes
        a temporary contract; a growth officer's `budget_cap` may be given."""
        s = self.state
        staff_id, s.staff_hired = s.staff_hired, s.staff_hired + 1
        if role is Expert:
            z = self.streams.agent("hiring", s.day, staff_id).standard_normal()
            agent = Expert(self, staff_id, staff.expert_skill(z, self.cfg), until_day)
        elif role is Moderator:
            agent = Moderator(self, staff_id, self.cfg.staff.welcomes_per_moderator_per_day, until_day)
        elif role is GrowthOfficer:
            agent = GrowthOfficer(self, staff_id, contract.get("budget_cap", staff.budget_cap_per_officer(self.cfg)), until_day)
        else:
            agent = EventPlanner(self, staff_id, until_day)
        if log:
            s.log("hired", f"{role.__name__} hired", {"role": role.__name__})
        return agent

    def let_go(self, agent: StaffAgent) -> None:
        """Take `agent` off the staff (the one place staff leave)."""
        agent.remove()

    def _sync_headcount(self) -> None:
        """Hire or let go staff so each role matches the config in force (after a playbook switch).
        Those let go first: the most burnt-out experts, the latest hires otherwise."""
        for role, wanted in staff.wanted(self.cfg).items():
            for _ in range(wanted - len(self.roster(role))):
                self.hire(role)
            for agent in staff.to_let_go(self.roster(role), wanted):
                self.let_go(agent)

    # -- lifecycle ----------------------------------------------------------------------------

    def _update_stage(self) -> None:
        """Run the stage detector on today's window; on a change, log it and apply the playbook."""
        s, lc = self.state, self.cfg.lifecycle
        snap = snapshot(lambda name: self.recorder.column(name, s.day), lc.window_days, self.groups.n_with_members, self.segments_reached())
        new = next_stage(s.stage, s.day - s.stage_since, snap, lc, s.last_healthy)
        if new != s.stage:
            if new != Stage.DECLINE:
                s.last_healthy = new
            s.stage, s.stage_since = new, s.day
            s.stage_log.append(StageSpell(new, s.day, snap))
            s.log("stage", new.label, {"stage": new.name})
            self._apply_playbook(new)
        self.recorder.set(s.day, "stage", int(s.stage))

    def segments_reached(self) -> int:
        """Population segments (sbm graphs) holding at least the foothold share of members."""
        count = self.state.count
        if self.graph.segment is None or not count.members:
            return 1
        per_segment = np.bincount(self.graph.segment[self.backend.to_numpy(self.table.member_rows())])
        return int(np.count_nonzero(per_segment >= self.cfg.lifecycle.segment_foothold_share * count.members))

    def _apply_playbook(self, stage: Stage) -> None:
        """Switch to the policies, staff and group rules the playbook gives for `stage`."""
        changes = stage_overrides(self.base_cfg, stage)
        if not changes:
            return
        self.operate_under(self.base_cfg, stage_config(self.base_cfg, stage, current=self.cfg))
        self.state.log("playbook", f"{self.base_cfg.playbook.name}: {stage.label}", changes)

    def operate_under(self, base_cfg: SimConfig, cfg: SimConfig | None = None, sync_staff: bool = True) -> None:
        """Run on under `base_cfg` and the config in force `cfg` (default: what `base_cfg` gives in
        the current stage): the random streams (its seed), the policies, the group rules and, unless
        `sync_staff` is false, the staff headcount follow."""
        self.base_cfg = base_cfg
        self.cfg = cfg if cfg is not None else stage_config(base_cfg, self.state.stage, current=self.cfg)
        self.streams = RngStreams(base_cfg.seed)
        self.policies = Policies.from_config(self.cfg.policy)
        if sync_staff:
            self._sync_headcount()

    def adjust_engagement(self, rows, *, factor: float | None = None, add: float | None = None) -> None:
        """Change the engagement of the people in `rows` from outside the day (an injected event):
        multiplied by `factor`, or raised by `add` (capped at 1)."""
        rows = self.backend.xp.asarray(rows)
        if factor is not None:
            self.table.engagement[rows] = self.table.engagement[rows] * np.float32(factor)
        if add is not None:
            self.table.engagement[rows] = engagement.boosted(self.table.engagement[rows], add)

    def add_ties(self, a, b) -> int:
        """New friendships a[i]-b[i] formed outside the day (an injected event); returns how many were new."""
        return self.ties.add(a, b)

    def note(self, kind: str, label: str, detail: dict | None = None) -> None:
        """Log something done to the community from outside the day (an injected event, a fork)."""
        self.state.log(kind, label, detail)

    # -- inspection ---------------------------------------------------------------------------

    @property
    def day(self) -> int:
        """The last day stepped."""
        return self.state.day

    @property
    def stage(self) -> Stage:
        """The lifecycle stage at the end of the last day."""
        return self.state.stage

    def member(self, row: int) -> Member:
        """The Mesa handle onto person `row` (made on first use). Handles of members are kept in
        `model.agents` until the member leaves; a handle onto someone who is not a member says so
        and is not kept."""
        row = int(row)
        if row in self._handles:
            return self._handles[row]
        handle = Member(self, row)
        if handle.is_member:
            self._handles[row] = handle
        else:
            handle.remove()
        return handle

    def members(self) -> list[Member]:
        """Handles for today's members (for inspection and small demos; not for hot paths)."""
        return [self.member(int(r)) for r in self.backend.to_numpy(self.table.member_rows())]

    def _drop_handles(self, leaving) -> None:
        """Handles of members who left today leave `model.agents` (they still say who they were)."""
        if self._handles:
            for row in self.backend.to_numpy(leaving).tolist():
                if (handle := self._handles.pop(row, None)) is not None:
                    handle.remove()

    def member_graph(self):
        """Today's members and the ties among them (social graph + ties formed inside), as networkx."""
        is_member = self.backend.to_numpy(self.table.is_member)
        g = self.graph.to_networkx(is_member)
        a, b = self.ties.edges()
        keep = is_member[a] & is_member[b]
        g.add_edges_from(zip(a[keep].tolist(), b[keep].tolist(), strict=True))
        return g
