"""What the analysis tools check on their whole input before the first run.

A study of a hundred runs that stops on its fortieth, because a lever's upper end is out of range
or one of its choices does not exist, wastes the thirty-nine. So optimise, sensitivity, calibrate
and compare check every choice (composed as `community-sim KEY=CHOICE` would be: the group's
options, the registries, the schema), both ends of every numeric range against the schema, their
counts, budgets and seeds, and the folders they will write, before anything runs or is written.
Every refusal is a `ConfigError` with one line that starts with what the user typed.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from hydra.core.override_parser.overrides_parser import OverridesParser
from hydra.errors import OverrideParseException

from sim.cli import load_config
from sim.config import ConfigError, SimConfig
from sim.recorder import unwritable


def check_at_least(flag: str, value, minimum=1) -> None:
    """Refuse a count (trials, seeds, jobs, samples) below `minimum`, naming the flag and value."""
    if value is None or not value >= minimum:
        raise ConfigError(f"{flag} {value}: must be at least {minimum}")


def check_positive(flag: str, value: float | None) -> None:
    """Refuse a budget or width that is not a positive number (None: not given, accepted)."""
    if value is not None and not value > 0:
        raise ConfigError(f"{flag} {value:g}: must be a positive number")


def default_of(base: SimConfig, key: str):
    """The value of dotted `key` in `base` (ConfigError if there is no such key)."""
    node = base.to_dict()
    for part in key.split("."):
        if not isinstance(node, dict) or part not in node:
            raise ConfigError(f"{key}: no such config key")
        node = node[part]
    return node


def check_range(base: SimConfig, what: str, key: str, lo: float, hi: float, integer: bool = False) -> None:
    """Refuse a range for the number at `key` whose lower or upper end the schema refuses, or
    fractional values for a whole-number key; the message starts with `what` (the user's text)."""
    try:
        default = default_of(base, key)
        if isinstance(default, bool) or not isinstance(default, (int, float)):
            raise ConfigError(f"{key} is not a number (it is {default!r}); give it choices, KEY=A,B")
        if isinstance(default, int) and not integer:
            raise ConfigError(f"{key} takes whole numbers: add :int, e.g. {key}={lo:g}:{hi:g}:int")
        for end in (lo, hi):
            base.replace(**{key: int(end) if integer else float(end)})
    except ConfigError as exc:
        raise ConfigError(f"{what}: {exc}") from None


def check_choices(what: str, key: str, choices: Sequence[str], common: Sequence[str] = ()) -> None:
    """Compose `community-sim COMMON KEY=CHOICE` for every choice, so an option that does not exist,
    a policy picked by its name key or a value the schema refuses stops here, naming `what`."""
    if not choices:
        raise ConfigError(f"{what}: no choices; write KEY=A,B,C")
    for choice in choices:
        try:
            load_config([*common, f"{key}={choice}"])
        except ConfigError as exc:
            raise ConfigError(f"{what}: {exc}") from None


def choice_value(key: str, text: str):
    """A choice's value as `community-sim KEY=TEXT` reads it (`2` an int, `true` a bool, `none` a word)."""
    try:
        (override,) = OverridesParser.create().parse_overrides([f"{key}={text}"])
    except OverrideParseException:
        return text
    return override.value()


def check_seeds(base: SimConfig, flag: str, seeds: Iterable[int]) -> None:
    """Refuse replicate seeds the schema refuses (the first and last are enough for a range)."""
    for seed in seeds:
        try:
            base.replace(seed=seed)
        except ConfigError as exc:
            raise ConfigError(f"{flag}: {exc}") from None


def check_out_folder(flag: str, folder: str | Path) -> None:
    """Refuse an output folder that cannot be made or written, before anything runs."""
    if why := unwritable(Path(folder)):
        raise ConfigError(f"{flag} {folder}: cannot be made or written ({why})")
