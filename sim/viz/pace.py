"""The pace of a lesson: simulated days per second, and when playing stops by itself.

Play runs the community at a speed the trainer sets in days per second (1 to 30), whatever the
drawing costs: each tick steps as many days as the time since the last tick is worth at that
speed, then the page redraws once. A slow redraw thus means more days per picture, never a slower
community (up to `MAX_TICK_S`, so a stalled browser does not make the community jump months).
Step is always one day. Playing stops at the run's last day ("run finished"), at the next stage
change when asked to run to it, or at every stage change when the trainer wants to pause there.
"""

from __future__ import annotations

from dataclasses import dataclass

MIN_DAYS_PER_S, MAX_DAYS_PER_S, DEFAULT_DAYS_PER_S = 1, 30, 10
TICK_S = 0.08  # shortest pause between ticks, so the browser gets a moment to show each picture
MAX_TICK_S = 1.0  # at most this much time is turned into days by one tick

FINISHED, NEW_STAGE = "finished", "new_stage"


@dataclass
class Pace:
    """Days due per tick at `days_per_s`, carrying fractions of a day from tick to tick."""

    days_per_s: float = DEFAULT_DAYS_PER_S
    carry: float = 0.0

    def days_due(self, elapsed_s: float) -> int:
        """Whole days due after `elapsed_s` seconds (the fraction left waits for the next tick)."""
        speed = min(max(self.days_per_s, MIN_DAYS_PER_S), MAX_DAYS_PER_S)
        self.carry += speed * min(max(elapsed_s, 0.0), MAX_TICK_S)
        days = int(self.carry)
        self.carry -= days
        return days


def advance(model, days: int, stop_at_stage: bool = False) -> str | None:
    """Step `model` up to `days` days; returns why it stopped early (or at the end), else None.

    Args:
        model: a ClassroomModel or a SplitRun (has step(), running, stage; a split run's stage
            is both arms' stages, so it changes when either arm's does).
        days: days to step.
        stop_at_stage: stop right after a day on which the stage changed.
    """
    for _ in range(days):
        if not model.running:
            return FINISHED
        before = model.stage
        model.step()
        if stop_at_stage and model.stage != before:
            return NEW_STAGE
    return None if model.running else FINISHED
