"""Stage notes: what a class reads when the community enters a new stage.

The model logs every stage change as `{"stage": NAME, "why": "<bilingual line>"}` (kind "stage";
the line names the criterion crossed and its numbers, sim/lifecycle.py `explain`) and every
playbook switch as kind "playbook" with the overrides that changed. A `StageNote` joins the two of
one day: the stage entered, why, and what the playbook switched. The app shows the latest note
under the banner and all of them in its log; the storyboard puts each stage's note under its
panel. Pure functions over the log: no model, no drawing.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sim.lifecycle import Stage
from sim.viz.lang import BOTH, pick


@dataclass(frozen=True)
class StageNote:
    """One stage change: the day, the stage entered, why, and the playbook's switches that day."""

    day: int
    stage: Stage
    why: str
    switched: dict = field(default_factory=dict)

    @property
    def switch_text(self) -> str:
        """'打法切换 playbook: content.posts_per_week → 10, ...', or '' when nothing switched."""
        return switch_text(self.switched)


def short_key(key: str) -> str:
    """An override's key without the 'policy.' prefix every policy lever shares."""
    return key.removeprefix("policy.")


def switch_text(changes: dict, lang: str = BOTH) -> str:
    """A playbook switch in one line, bilingual or in `lang` (empty when nothing changed)."""
    if not changes:
        return ""
    items = ", ".join(f"{short_key(k)} → {v}" for k, v in changes.items())
    return f"{pick('打法切换', 'playbook', lang)}: {items}"


def stage_notes(events_log: list[dict]) -> list[StageNote]:
    """The stage changes of a run's log, in order, each with the playbook switch of its day.

    Args:
        events_log: the model's `state.events_log` (dicts with day, kind, label, detail).
    """
    notes: list[StageNote] = []
    for entry in events_log:
        kind, detail = entry.get("kind"), entry.get("detail") or {}
        if kind == "stage":
            notes.append(
                StageNote(int(entry["day"]), Stage[detail["stage"]], str(detail.get("why", "")))
            )
        elif (
            kind == "playbook"
            and notes
            and notes[-1].day == int(entry["day"])
            and not notes[-1].switched
        ):
            last = notes[-1]
            notes[-1] = StageNote(last.day, last.stage, last.why, dict(detail))
    return notes


def first_notes(notes: list[StageNote]) -> dict[Stage, StageNote]:
    """The note of each stage's first entry (the storyboard shows each stage's first spell)."""
    out: dict[Stage, StageNote] = {}
    for note in notes:
        out.setdefault(note.stage, note)
    return out
