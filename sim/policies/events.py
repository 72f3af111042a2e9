"""Event policy (活动): on which days the activity planners hold an event, and what it is like.

The planners (sim/agents.py, EventPlanner) hold the events; the events mechanic
(sim/mechanics/events.py) draws the attendees and the ties they make; attendees visit more for a
few days (sim/mechanics/visits.py).
"""

from __future__ import annotations

from dataclasses import dataclass

from sim.schema import param


@dataclass(frozen=True)
class EventPolicyConfig:
    """Events run by the activity planner (活动策划): online sessions or offline meet-ups."""

    name: str = param(
        "none", help="none, online or offline",
        source="setting: the event policy; none by default (stage_aware starts weekly online events "
        "in ACTIVE)",
    )
    every_days: int = param(
        7, lo=1, hi=10_000, help="days between events",
        source="assumption: a weekly event, such as a weekly sharing session, the regular activities "
        "(定期举办活动) operators recommend",
    )
    first_day: int = param(
        14, lo=1, hi=100_000, help="day of the first event",
        source="assumption: the first event two weeks in, once there are members to attend",
    )
    capacity: int = param(
        100, lo=1, hi=10_000_000, help="attendees at most",
        source="assumption: 100 attendees, an online session or a meet-up one planner fills easily; "
        "the stage_aware playbook raises it to 200",
    )
    visit_lift: float = param(
        0.3, lo=0.0, hi=1.0, help="visit drive added for attendees in the days after",
        source="assumption: an event gives attendees something to come back for, a lift (x "
        "engagement) two-thirds of a full feed's pull (member.w_active_content = 0.45)",
    )
    lift_days: int = param(
        3, lo=0, hi=365, help="days the lift lasts",
        source="assumption: three days of after-glow: the discussion, notes and photos after an event",
    )
    ties_per_attendee: float = param(
        0.0, lo=0.0, hi=100.0,
        help="new ties each attendee makes with other attendees (offline meet-ups)",
        source="assumption: an online session makes no new friendships; offline meet-ups should set a "
        "positive value",
    )
    muted_reach: float = param(
        0.1, lo=0.0, hi=1.0, help="chance that a member who muted the group sees an event's notice (x their sign-up chance)",
        source="assumption: a muted group shows no notices, so a muted member hears of an event only "
        "now and then (a friend's message, a pinned notice seen on a rare visit): one event in ten; an "
        "attendee who had muted the group unmutes (events as a reactivation lever)",
    )
    cost_per_event: float = param(
        500.0, lo=0.0, hi=1e9, help="direct cost of one event (yuan)",
        source="assumption: a small speaker fee or prizes for an online session, staff time not "
        "included",
    )


@dataclass(frozen=True)
class NoEvents:
    """No events."""

    cfg: EventPolicyConfig
    needs_planner = False
    visit_lift = 0.0

    def is_event_day(self, day: int) -> bool:
        """Whether an event is held today."""
        return False


@dataclass(frozen=True)
class ScheduledEvents:
    """An event every `every_days` from `first_day` (online sessions or offline meet-ups differ
    by their values: capacity, cost, new ties per attendee)."""

    cfg: EventPolicyConfig
    needs_planner = True

    @property
    def visit_lift(self) -> float:
        """Visit drive added for attendees while their lift lasts."""
        return self.cfg.visit_lift

    def is_event_day(self, day: int) -> bool:
        """Whether an event is held today."""
        return day >= self.cfg.first_day and (day - self.cfg.first_day) % self.cfg.every_days == 0


POLICIES = {"none": NoEvents, "online": ScheduledEvents, "offline": ScheduledEvents}
