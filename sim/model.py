"""CommunityModel: builds the world and owns the order of one simulated day, and every write.

The world is a social graph of the addressable population, a member table (one array per
attribute, sim/population.py), the interaction ties and chat groups, the staff as Mesa agents in
`model.agents`, the operating policies, and `state` (sim/state.py): what a day carries over.
Member behaviour is vectorised over the members' rows by the mechanics (sim/mechanics/), which
return what happened; the model applies it. A day costs in proportion to the community, not the
population.
"""

from __future__ import annotations

import mesa
import numpy as np

from sim import staff, world
from sim.agents import (
    Member,
)
from sim.backend import get_backend
from sim.config import ConfigError, SimConfig
from sim.day import DayPhases
from sim.lifecycle import Stage, StageSnapshot, explain, next_stage, snapshot
from sim.mechanics import (
    engagement,
    moderation,
)
from sim.mechanics.groups import Groups
from sim.mechanics.ties import InteractionTies
from sim.memory import check_fits
from sim.metrics import METRICS
from sim.network import SocialGraph, build_graph
from sim.playbook import stage_config, stage_overrides
from sim.policies import Policies
from sim.population import Channel, MemberTable
from sim.recorder import Recorder
from sim.rng import RngStreams
from sim.roster import StaffRoster
from sim.state import CommunityState, Counts, StageSpell


class CommunityModel(DayPhases, StaffRoster, mesa.Model):
    """A community growing inside its addressable population, one step per day.

    One day, in this order (every member decides from the state the day started with):

    1. staff act (each on the day's sheet, in a shuffled order): experts publish the calendar's
       posts, growth officers buy campaign reach, moderators resolve incidents and greet
       yesterday's newcomers, planners hold events; then incidents become backlog and toxicity
    2. levers call members back (reactivation policy): @all, red packets, one-to-one outreach
    3. members visit: `visits.visit_chance` (engagement, fresh content, friends active yesterday,
       an event's lift, toxicity; none of their own for muted members), or are called back;
       visitors claim red packets and some send one back
    4. members post and reply: heavy-tailed posting, replies that form ties, newcomers' first
       posts answered (or not), questions answered by experts within capacity
    5. members value the day: engagement moves toward the value of a visit, decays without one
       (not while muted); first replies and answers add to it
    6. members share: word of mouth along every tie, and a fission campaign's poster
       (`referral.spread`)
    7. members buy: visitors order (tiers and having come by referral raise the rate); the order
       value is booked at its gross margin (`economics.orders`)
    8. members leave or go quiet: `churn.leave_or_mute` (leaving for other reasons; losing
       interest: a third leave, the rest mute); in a paid community, members whose period ended
       renew (and pay) or leave
    9. newcomers arrive: referral, campaign and organic joins (`acquisition.join_chance`), one
       channel per person in that order; they are seated in chat groups, and a new group opens
       (seeded with core members) when all are full; former members come back; in a paid
       community every joiner (founders apart) pays the membership fee
    10. points and tiers: members earn points and rise through the tiers
    11. staff end the day: experts take stock of their load (burnout; some quit), temporary
        contracts end, moderators are hired as the moderation policy asks
    12. the day is recorded and the lifecycle stage updated; a new stage switches the playbook

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
        if graph is None:
            check_fits(base_cfg)  # a population that cannot fit is refused before anything is built
            graph = build_graph(base_cfg.network, self.streams)
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
        today = self._start_day()
        self._staff_act(today)
        self._call_back(today)
        self._visit(today)
        self._red_packets(today)
        self._post_and_reply(today)
        self._value(today)
        self._share(today)
        self._buy(today)
        self._leave(today)
        self._arrive(today)
        self._award_points(today)
        self._staff_end_day(today.work)
        self._close_day(today.members_end, today.visitors_staying)
        self.recorder.record(self.state.day, self.state)
        self._update_stage()

    # -- lifecycle ----------------------------------------------------------------------------

    def _update_stage(self) -> None:
        """Run the stage detector on today's window; on a change, log it and apply the playbook."""
        s, lc = self.state, self.cfg.lifecycle
        snap = snapshot(lambda name: self.recorder.column(name, s.day), lc.window_days, s.stage_since)
        new = next_stage(s.stage, s.day - s.stage_since, snap, lc, s.last_healthy)
        if new != s.stage:
            why = explain(new, snap, lc, previous=s.stage)
            if new != Stage.DECLINE:
                s.last_healthy = new
            s.stage, s.stage_since = new, s.day
            s.stage_log.append(StageSpell(new, s.day, snap))
            s.log("stage", new.label, {"stage": new.name, "why": why})
            self._apply_playbook(new)
        self.recorder.set(s.day, "stage", int(s.stage))

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

    def add_incidents(self, n: float) -> None:
        """Unresolved incidents arriving from outside the day (an injected spam wave): they join the
        backlog, and toxicity follows at once (and fades as the backlog clears, day by day)."""
        s = self.state
        s.incident_backlog += float(n)
        s.toxicity = moderation.toxicity(s.incident_backlog, s.count.members, self.cfg.moderation)

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
