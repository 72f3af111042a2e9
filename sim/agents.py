"""Mesa agents: `Member` handles onto the member table, and the staff roles.

A `Member` holds no state of its own: each attribute reads and writes its row of the member table,
so there is one copy of every fact. Handles are made on demand (`CommunityModel.member(row)`) for
inspection, the app and tests; mechanics never loop over members through them.

Staff are few and act one by one, each with its own state and decisions:
`Expert` (社群专家) publishes content and answers questions, and burns out when asked for more
than they can sustain; `Moderator` (管理员/群主) greets newcomers, answers first posts and resolves
incidents; `GrowthOfficer` (首席增长官) turns campaign budget into reach; `EventPlanner`
(活动策划) runs events. Roles never subclass each other.
"""

from __future__ import annotations

import mesa
import numpy as np

from sim.population import Channel


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
        return f"Member(row={self.row}, member={self.is_member}, engagement={self.engagement:.2f})"


class Expert(mesa.Agent):
    """Publishes their share of the content calendar and answers members' questions.

    State: `skill` (multiplies the policy's post quality), `burnout` (0..1: grows while the load
    exceeds the sustainable rate, lowers quality, can make them leave), `posts_published`,
    `answers_given`, `load_today` and `load_weekly` (posts per day, smoothed over about a week:
    burnout follows sustained pressure, not one busy day).
    """

    def __init__(self, model, skill: float):
        super().__init__(model)
        self.skill = float(skill)
        self.burnout = 0.0
        self.posts_published = 0
        self.answers_given = 0
        self.load_today = 0.0
        self.load_weekly = 0.0

    def publish(self, day: int, posts_due: float, rng: np.random.Generator) -> tuple[int, float]:
        """Write today's posts (Poisson around what is due); returns (posts, quality-weighted posts)."""
        n_posts = int(rng.poisson(posts_due)) if posts_due > 0 else 0
        self.posts_published += n_posts
        self.load_today = float(n_posts)
        loss = self.model.cfg.capacity.burnout_quality_loss * self.burnout
        quality = min(1.0, self.skill * self.model.cfg.policy.content.quality) * (1.0 - loss)
        return n_posts, n_posts * quality

    def answer_questions(self, waiting: int) -> int:
        """Answer up to the daily capacity of the questions still waiting; returns how many."""
        answered = min(waiting, self.model.cfg.capacity.answers_per_expert_per_day)
        self.answers_given += answered
        self.load_today += answered * self.model.cfg.capacity.answer_effort_posts
        return answered

    def end_day(self, rng: np.random.Generator) -> bool:
        """Update burnout from today's load against the sustainable rate; True if they quit."""
        cap = self.model.cfg.capacity
        self.load_weekly += (self.load_today - self.load_weekly) / 7.0
        overload = self.load_weekly / (cap.expert_capacity_posts_per_week / 7.0) - 1.0
        if overload > 0:
            self.burnout = min(1.0, self.burnout + cap.burnout_per_overload_per_day * overload)
        else:
            self.burnout = max(0.0, self.burnout - cap.burnout_recovery_per_day)
        return bool(rng.random() < cap.p_expert_quit_max_per_day * self.burnout**2)


class Moderator(mesa.Agent):
    """Keeps order (resolves incidents) and cares for newcomers (欢迎新人), within daily capacities.

    State: `greeted_total`, `resolved_total`, `first_replies_total`.
    """

    def __init__(self, model, welcomes_per_day: int):
        super().__init__(model)
        self.welcomes_per_day = int(welcomes_per_day)
        self.greeted_total = 0
        self.resolved_total = 0
        self.first_replies_total = 0

    def resolve_incidents(self, open_incidents: int) -> int:
        """Resolve up to capacity of today's open incidents; returns how many."""
        resolved = min(open_incidents, self.model.cfg.capacity.incidents_per_moderator_per_day)
        self.resolved_total += resolved
        return resolved

    def reply_to_first_posts(self, waiting: int) -> int:
        """Answer newcomers' first posts up to capacity; returns how many."""
        replied = min(waiting, self.model.cfg.capacity.replies_per_moderator_per_day)
        self.first_replies_total += replied
        return replied

    def welcome_newcomers(self, waiting: list[int]) -> list[int]:
        """Greet as many waiting newcomers as capacity allows; returns the rows greeted."""
        greeted = waiting[: self.welcomes_per_day]
        del waiting[: len(greeted)]
        self.greeted_total += len(greeted)
        return greeted


class GrowthOfficer(mesa.Agent):
    """Runs paid campaigns: turns today's budget into people reached.

    State: `spent` (yuan so far), `reached` (people reached so far), `budget_cap` (0 = none).
    """

    def __init__(self, model, budget_cap: float):
        super().__init__(model)
        self.budget_cap = float(budget_cap)
        self.spent = 0.0
        self.reached = 0

    def run_campaign(self, day: int) -> tuple[float, float]:
        """Spend today's budget; returns (yuan spent, expected people reached)."""
        policy = self.model.policies.acquisition
        budget = policy.budget_today(day)
        if self.budget_cap > 0:
            budget = max(0.0, min(budget, self.budget_cap - self.spent))
        reach = budget / policy.cfg.cost_per_reach
        self.spent += budget
        self.reached += int(reach)
        return budget, reach


class EventPlanner(mesa.Agent):
    """Runs the events the event policy schedules (活动策划), up to the size one planner can manage.

    State: `events_held`, `attendance_total`.
    """

    def __init__(self, model):
        super().__init__(model)
        self.events_held = 0
        self.attendance_total = 0

    def capacity_today(self) -> int:
        """How many people this planner's event can take."""
        return min(self.model.cfg.policy.events.capacity, self.model.cfg.capacity.attendees_per_event_planner_event)

    def record_event(self, attendance: int) -> None:
        """Book an event held today."""
        self.events_held += 1
        self.attendance_total += attendance
