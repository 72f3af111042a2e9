"""Lesson presets: scripted lessons a trainer plays in the app or renders to a GIF/MP4.

A lesson is a YAML file in lessons/ (or anywhere, given its path): a title, the scenario it runs
(its seed and, optionally, fewer days), and cues. A cue happens after its day (as
`community-sim-animate --event DAY:KIND` does): an injected event (sim/viz/events.py), a change of
levers (the app's levers, sim/viz/trainer.py `LEVERS`, applied mid-run as `community-sim-fork`
applies a policy change), or only a caption; every cue carries a caption in Chinese and English,
which the app shows in its banner and log and the animation under its stage caption. A bad file
is refused in one line naming the cue (an unknown event or lever, a day beyond the run).

    title: {zh: 专家倦怠, en: an expert burns out}
    scenario: classroom
    seed: 0
    cues:
      - day: 60
        event: expert_leaves
        caption: {zh: ..., en: ...}
      - day: 90
        levers: {posts_per_week: 14}
        caption: {zh: ..., en: ...}
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from sim.config import ConfigError, SimConfig
from sim.viz.events import LABELS
from sim.viz.trainer import LEVERS, trainer_config

LESSON_DIR = Path(__file__).resolve().parents[2] / "lessons"
LESSON_KEYS = {"title", "scenario", "seed", "days", "cues"}
CUE_KEYS = {"day", "event", "levers", "caption"}
# Levers a lesson may change mid-run: the seed belongs to the run, not to a cue.
CUE_LEVERS = {lever.name: lever.key for lever in LEVERS if lever.name != "seed"}


@dataclass(frozen=True)
class Cue:
    """Something that happens after `day`: an event, lever changes, and its caption."""

    day: int
    zh: str
    en: str
    event: str | None = None
    levers: dict = field(default_factory=dict)

    @property
    def caption(self) -> str:
        """'中文 · English'."""
        return f"{self.zh} · {self.en}"


@dataclass(frozen=True)
class Lesson:
    """A scripted lesson: its name, title, the run it plays on and its cues in day order."""

    name: str
    zh: str
    en: str
    cfg: SimConfig
    cues: tuple[Cue, ...]

    @property
    def title(self) -> str:
        """'中文 · English'."""
        return f"{self.zh} · {self.en}"

    def cues_on(self, day: int) -> list[Cue]:
        """The cues that happen after `day`."""
        return [cue for cue in self.cues if cue.day == day]

    def overrides(self, cue: Cue) -> dict:
        """The cue's lever changes as {config key: value}."""
        return {CUE_LEVERS[name]: value for name, value in cue.levers.items()}


def lesson_names(folder: Path = LESSON_DIR) -> list[str]:
    """The lesson presets in `folder`, by file name."""
    return sorted(p.stem for p in folder.glob("*.yaml"))


def lesson_path(name: str | Path, folder: Path = LESSON_DIR) -> Path:
    """A preset's file (`name` in lessons/) or the YAML file `name` itself."""
    path = Path(name)
    if path.suffix in (".yaml", ".yml"):
        return path
    return folder / f"{name}.yaml"


def load_lesson(name: str | Path, folder: Path = LESSON_DIR) -> Lesson:
    """Read and check a lesson.

    Raises:
        ConfigError: one line naming the file and the cue, for anything a lesson cannot play.
    """
    path = lesson_path(name, folder)
    if not path.is_file():
        known = ", ".join(lesson_names(folder)) or "none"
        raise ConfigError(f"no lesson {str(name)!r}: the presets are {known}")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError:
        raise ConfigError(f"{path}: not readable YAML") from None
    where = f"{path.name}"
    if not isinstance(data, dict) or unknown(data, LESSON_KEYS):
        raise ConfigError(f"{where}: a lesson has the keys {', '.join(sorted(LESSON_KEYS))} only")
    cfg = trainer_config(str(data.get("scenario", "classroom")), seed=data.get("seed"))
    if data.get("days") is not None:
        cfg = cfg.replace(days=int(data["days"]))
    cues = tuple(
        sorted(
            (read_cue(raw, k + 1, cfg, where) for k, raw in enumerate(data.get("cues") or [])),
            key=lambda c: c.day,
        )
    )
    zh, en = bilingual(data.get("title"), f"{where}: title")
    return Lesson(path.stem, zh, en, cfg, cues)


def unknown(data: dict, keys: set) -> set:
    """Keys of `data` outside `keys`."""
    return set(data) - keys


def bilingual(value, where: str) -> tuple[str, str]:
    """A {zh, en} mapping as (zh, en), refusing anything else."""
    if not isinstance(value, dict) or not value.get("zh") or not value.get("en"):
        raise ConfigError(f"{where}: give it in both languages, {{zh: ..., en: ...}}")
    return str(value["zh"]), str(value["en"])


def read_cue(raw, k: int, cfg: SimConfig, where: str) -> Cue:
    """Cue number `k` of a lesson on the run `cfg`, checked (its lever values too)."""
    days = cfg.days
    if not isinstance(raw, dict) or unknown(raw, CUE_KEYS) or "day" not in raw:
        raise ConfigError(f"{where}: cue {k}: a cue has day, caption and an event or levers")
    day = raw["day"]
    here = f"{where}: cue {k} (day {day})"
    if not isinstance(day, int) or not 0 <= day < days:
        raise ConfigError(f"{here}: the day must be between 0 and {days - 1} (the run has {days})")
    event = raw.get("event")
    if event is not None and event not in LABELS:
        raise ConfigError(f"{here}: unknown event {event!r}: choose one of {', '.join(LABELS)}")
    levers = raw.get("levers") or {}
    if not isinstance(levers, dict):
        raise ConfigError(f"{here}: levers are a mapping, e.g. {{posts_per_week: 1}}")
    if bad := unknown(levers, set(CUE_LEVERS)):
        names = ", ".join(sorted(bad))
        raise ConfigError(f"{here}: unknown lever {names}: choose from {', '.join(CUE_LEVERS)}")
    try:
        cfg.replace(**{CUE_LEVERS[name]: value for name, value in levers.items()})
    except ConfigError as exc:
        raise ConfigError(f"{here}: {exc}") from None
    zh, en = bilingual(raw.get("caption"), f"{here}: caption")
    return Cue(day, zh, en, event, dict(levers))
