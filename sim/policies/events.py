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

    name: str = param("none", help="none, online or offline", source="setting: the event policy")
    every_days: int = param(7, lo=1, hi=10_000, help="days between events", source="assumption")
    first_day: int = param(14, lo=1, hi=100_000, help="day of the first event", source="assumption")
    capacity: int = param(100, lo=1, hi=10_000_000, help="attendees at most", source="assumption")
    visit_lift: float = param(0.3, lo=0.0, hi=1.0, help="visit drive added for attendees in the days after", source="assumption")
    lift_days: int = param(3, lo=0, hi=365, help="days the lift lasts", source="assumption")
    ties_per_attendee: float = param(
        0.0, lo=0.0, hi=100.0, help="new ties each attendee makes with other attendees (offline meet-ups)", source="assumption"
    )
    cost_per_event: float = param(500.0, lo=0.0, hi=1e9, help="direct cost of one event (yuan)", source="assumption")


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
