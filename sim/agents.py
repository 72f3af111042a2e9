"""Mesa agents: `Member` handles onto the member table, and the staff roles.

A `Member` holds no state of its own: each attribute reads and writes its row of the member table,
so there is one copy of every fact. Handles are made on demand (`CommunityModel.member(row)`) for
inspection, the app and tests; mechanics never loop over members through them. A handle whose
member has left says so (`is_member`, `left_day`, its repr) and is no longer in `model.agents`.

Staff are few and act one by one, each with its own state and decisions, on the day's `WorkDay`
sheet: what there is to do today (posts due, open incidents, newcomers waiting, members who might
come to an event) and what they did, which `CommunityModel.step()` then applies. Every role has
the same two hooks, `act(work)` and `end_day(work)`, and its own random numbers, keyed by its staff
number (`WorkDay.rng`, `WorkDay.rows`). The roles (roles never subclass each other):
`Expert` (社群专家) publishes content and answers questions, and burns out when asked for more than
they can sustain; `Moderator` (管理员/群主) greets newcomers, answers first posts and resolves
incidents; `GrowthOfficer` (首席增长官) turns campaign budget into reach; `EventPlanner` (活动策划)
holds the events the event policy schedules.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import mesa
import numpy as np

from sim.backend import xp_of
from sim.mechanics import events
from sim.operations_config import StaffLoadConfig
from sim.population import Channel
from sim.rng import RngStreams
from sim.state import Metric


class Member(mesa.Agent):
    """A member's face: a view of row `row` of the model's member table."""

    def __init__(self, model, row: int):
        super().__init__(model)
        self.row = int(row)

    def _get(self, name):
        return getattr(self.model.table, name)[self.row]

    @property
    def is_member(self) -> bool:
        """Member today."""
        return bool(self._get("is_member"))

    @property
    def left_day(self) -> int | None:
        """Day the member left, if they have."""
        day = int(self._get("left_day"))
        return None if day < 0 else day

    @property
    def engagement(self) -> float:
        """How much the member values the community, 0..1."""
        return float(self._get("engagement"))

    @engagement.setter
    def engagement(self, value: float) -> None:
        self.model.table.engagement[self.row] = value

    @property
    def active(self) -> bool:
        """Visited the community today."""
        return bool(self._get("active"))

    @property
    def joined_day(self) -> int:
        """Day of joining (-1 if never)."""
        return int(self._get("joined_day"))

    @property
    def channel(self) -> Channel:
        """How the member came in."""
        return Channel(int(self._get("channel")))

    @property
    def inviter(self) -> int | None:
        """Row of the member who invited them, if any."""
        who = int(self._get("inviter"))
        return None if who < 0 else who

    @property
    def posts(self) -> int:
        """Posts written so far."""
        return int(self._get("posts"))

    def friends(self) -> np.ndarray:
        """Rows of this person's friends in the social graph."""
        return self.model.graph.neighbours(self.row)

    def __repr__(self) -> str:
        if not self.is_member and self.left_day is not None:
            return f"Member(row={self.row}, left on day {self.left_day})"
        return f"Member(row={self.row}, member={self.is_member}, engagement={self.engagement:.2f})"


@dataclass
class EventHeld:
    """An event a planner held today: who came and the pairs of them who became friends."""

    attendees: np.ndarray
    tie_a: np.ndarray
    tie_b: np.ndarray


@dataclass
class WorkDay:
    """The staff's sheet for one day: what there is to do, and what they did.

    Staff agents read the first part and write the second (and their own state); the model
    applies the second part to the community after every agent has acted.
    """

    day: int
    streams: RngStreams
    capacity: StaffLoadConfig
    policies: object  # sim.policies.Policies in force today
    posts_due_per_expert: float
    open_incidents: int
    waiting: list[int]  # yesterday's newcomers, in order of arrival
    members: object  # rows of today's members (at the start of the day)
    engagement: object  # everyone's engagement (staff write nothing to it while they act: the day's start)
    feed_stock: float  # the feed, to which experts add their posts
    muted: object = None  # everyone's muted flag at the start of the day (None: nobody)
    posts_expert: int = 0
    campaign_spend: float = 0.0
    campaign_reach: float = 0.0
    incidents_resolved: int = 0
    greeted: list = field(default_factory=list)  # rows greeted, one list per moderator
    events: list[EventHeld] = field(default_factory=list)
    quitting: list = field(default_factory=list)  # staff who leave at the end of the day

    def rng(self, agent: StaffAgent, stream: str) -> np.random.Generator:
        """`agent`'s own host generator of `stream` today (keyed by its staff number)."""
        return self.streams.agent(stream, self.day, agent.staff_id)

    def rows(self, agent: StaffAgent, stream: str):
        """`agent`'s own per-person draws of `stream` today (keyed by its staff number)."""
        return self.streams.agent_rows(stream, self.day, agent.staff_id)

    def free_for_events(self):
        """Today's members not yet at one of today's events (a member attends one a day), and their
        chance to sign up: their engagement at the start of the day, times the event policy's
        `muted_reach` for those who muted the group (they see the notice only now and then)."""
        members = self.members
        xp = xp_of(members)
        if self.events:
            members = members[~xp.isin(members, xp.concatenate([e.attendees for e in self.events]))]
        interest = self.engagement[members]
        if self.muted is not None:
            interest = xp.where(self.muted[members], interest * np.float32(self.policies.events.cfg.muted_reach), interest)
        return members, interest


class StaffAgent(mesa.Agent):
    """What every staff role has: a staff number (its random slot), a contract, two daily hooks.

    Args:
        model: the model.
        staff_id: the staff number, unique in the run (keys the agent's random numbers).
        until_day: last day on duty of a temporary contract (None: permanent).
    """

    def __init__(self, model, staff_id: int, until_day: int | None = None):
        super().__init__(model)
        self.staff_id = int(staff_id)
        self.until_day = until_day

    def act(self, work: WorkDay) -> None:
        """Do today's work (writes to `work` and to the agent's own state)."""

    def end_day(self, work: WorkDay) -> None:
        """Take stock at the end of the day."""


class Expert(StaffAgent):
    """Publishes their share of the content calendar and answers members' questions.

    State: `skill` (multiplies the policy's post quality), `burnout` (0..1: grows while the load
    exceeds the sustainable rate, lowers quality, can make them leave), `posts_published`,
    `answers_given`, `load_today` and `load_weekly` (posts per day, smoothed over about a week:
    burnout follows sustained pressure, not one busy day).
    """

    def __init__(self, model, staff_id: int, skill: float, until_day: int | None = None):
        super().__init__(model, staff_id, until_day)
        self.skill = float(skill)
        self.burnout = 0.0
        self.posts_published = 0
        self.answers_given = 0
        self.load_today = 0.0
        self.load_weekly = 0.0

    def act(self, work: WorkDay) -> None:
        """Write today's posts (Poisson around what is due) into the feed."""
        due = work.posts_due_per_expert
        n_posts = int(work.rng(self, "content").poisson(due)) if due > 0 else 0
        self.posts_published += n_posts
        self.load_today = float(n_posts)
        loss = work.capacity.burnout_quality_loss * self.burnout
        quality = min(1.0, self.skill * work.policies.content.cfg.quality) * (1.0 - loss)
        work.posts_expert += n_posts
        work.feed_stock += n_posts * quality

    def answer_questions(self, waiting: int, capacity: StaffLoadConfig) -> int:
        """Answer up to the daily capacity of the questions still waiting; returns how many."""
        answered = min(waiting, capacity.answers_per_expert_per_day)
        self.answers_given += answered
        self.load_today += answered * capacity.answer_effort_posts
        return answered

    def end_day(self, work: WorkDay) -> None:
        """Update burnout from today's load against the sustainable rate; quit if it is too much."""
        cap = work.capacity
        self.load_weekly += (self.load_today - self.load_weekly) / 7.0
        overload = self.load_weekly / (cap.expert_capacity_posts_per_week / 7.0) - 1.0
        if overload > 0:
            self.burnout = min(1.0, self.burnout + cap.burnout_per_overload_per_day * overload)
        else:
            self.burnout = max(0.0, self.burnout - cap.burnout_recovery_per_day)
        if work.rng(self, "burnout").random() < cap.p_expert_quit_max_per_day * self.burnout**2:
            work.quitting.append(self)


class Moderator(StaffAgent):
    """Keeps order (resolves incidents) and cares for newcomers (欢迎新人), within daily capacities.

    State: `welcomes_per_day`, `greeted_total`, `resolved_total`, `first_replies_total`.
    """

    def __init__(self, model, staff_id: int, welcomes_per_day: int, until_day: int | None = None):
        super().__init__(model, staff_id, until_day)
        self.welcomes_per_day = int(welcomes_per_day)
        self.greeted_total = 0
        self.resolved_total = 0
        self.first_replies_total = 0

    def act(self, work: WorkDay) -> None:
        """Resolve what capacity allows of the open incidents, greet waiting newcomers."""
        resolved = min(work.open_incidents, work.capacity.incidents_per_moderator_per_day)
        self.resolved_total += resolved
        work.open_incidents -= resolved
        work.incidents_resolved += resolved
        if work.policies.welcome.greet:
            greeted = work.waiting[: self.welcomes_per_day]
            del work.waiting[: len(greeted)]
            self.greeted_total += len(greeted)
            work.greeted.append(greeted)

    def reply_to_first_posts(self, waiting: int, capacity: StaffLoadConfig) -> int:
        """Answer newcomers' first posts up to capacity; returns how many."""
        replied = min(waiting, capacity.replies_per_moderator_per_day)
        self.first_replies_total += replied
        return replied


class GrowthOfficer(StaffAgent):
    """Runs paid campaigns: turns today's budget into people reached.

    State: `spent` (yuan so far), `reached` (people reached so far), `budget_cap` (0 = none).
    """

    def __init__(self, model, staff_id: int, budget_cap: float, until_day: int | None = None):
        super().__init__(model, staff_id, until_day)
        self.budget_cap = float(budget_cap)
        self.spent = 0.0
        self.reached = 0

    def act(self, work: WorkDay) -> None:
        """Spend today's budget on reach."""
        policy = work.policies.acquisition
        budget = policy.budget_today(work.day)
        if self.budget_cap > 0:
            budget = max(0.0, min(budget, self.budget_cap - self.spent))
        reach = budget / policy.cfg.cost_per_reach
        self.spent += budget
        self.reached += int(reach)
        work.campaign_spend += budget
        work.campaign_reach += reach


class EventPlanner(StaffAgent):
    """Holds the events the event policy schedules (活动策划), up to the size one planner manages.

    State: `events_held`, `attendance_total`.
    """

    def __init__(self, model, staff_id: int, until_day: int | None = None):
        super().__init__(model, staff_id, until_day)
        self.events_held = 0
        self.attendance_total = 0

    def act(self, work: WorkDay) -> None:
        """On an event day, hold an event for the members who sign up (chance = engagement at the
        start of the day; members already at another planner's event today do not)."""
        policy = work.policies.events
        if not policy.is_event_day(work.day):
            return
        size = min(policy.cfg.capacity, work.capacity.attendees_per_event_planner_event)
        members, engagement = work.free_for_events()
        rows = events.attendees(members, engagement, size, work.rows(self, "events"))
        a, b = events.meet_ups(rows, policy.cfg.ties_per_attendee, work.rng(self, "events"))
        work.events.append(EventHeld(rows, a, b))
        self.events_held += 1
        self.attendance_total += len(rows)


STAFF_ROLES = (Expert, GrowthOfficer, Moderator, EventPlanner)  # the order staff are listed in

METRICS = (
    Metric("moderators", "people", "moderators on staff", lambda s: s.tally.moderators),
    Metric("experts", "people", "experts on staff", lambda s: s.tally.experts),
    Metric("expert_burnout", "0..1", "mean burnout of the experts on staff", lambda s: s.tally.expert_burnout),
    Metric("experts_quit", "people/day", "experts who left today", lambda s: s.tally.experts_quit),
    Metric("newcomers_greeted", "people/day", "newcomers welcomed by moderators today", lambda s: s.tally.greeted),
)
