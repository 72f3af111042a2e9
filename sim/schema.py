"""The config schema's machinery: the declared field, the validator and dotted-path changes.

Every config group (sim/config.py, sim/lifecycle.py, sim/mechanics/*, sim/policies/*) declares its
fields with `param`, which records the allowed range, the meaning with its unit and the source of
the default. `build` turns a plain mapping (a resolved Hydra config) into those frozen dataclasses
and stops at the first problem with a `ConfigError` whose one-line message names the key, the value
and what is allowed. Nothing here knows a particular group.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from dataclasses import field
from typing import Any


class ConfigError(ValueError):
    """A config value that cannot be used; the message is one line meant for the user."""


SOURCE_KINDS = ("assumption: ", "setting: ")  # or a citation (anything else)


def param(default, *, source: str, lo=None, hi=None, choices=None, help=""):
    """A dataclass field with its allowed range, meaning and source.

    Args:
        default: the default value.
        source: where the default comes from, always stated: a citation ("Nonnecke & Preece 2000:
            ..."), "assumption: <why this value>" for a value chosen without a source, or
            "setting: <what it chooses>" for a choice of the run rather than a fact about communities.
        lo, hi: inclusive bounds for numbers.
        choices: allowed values for strings.
        help: what the parameter means (with its unit).
    """
    meta = {"lo": lo, "hi": hi, "choices": choices, "help": help, "source": source}
    if isinstance(default, dict):  # mutable defaults need a factory
        return field(default_factory=lambda: dict(default), metadata=meta)
    return field(default=default, metadata=meta)


def declared_fields(cls, prefix: str = ""):
    """(dotted key, dataclass field, annotated type) of every leaf parameter under `cls`."""
    hints = typing.get_type_hints(cls)
    for f in dataclasses.fields(cls):
        tp = hints[f.name]
        if dataclasses.is_dataclass(tp):
            yield from declared_fields(tp, f"{prefix}{f.name}.")
        else:
            yield f"{prefix}{f.name}", f, tp


def build(cls, data: Any, prefix: str = ""):
    """An instance of the config dataclass `cls` from the mapping `data`, every value checked.

    Raises:
        ConfigError: on an unknown key, a value of the wrong type or out of range (one line).
    """
    if not isinstance(data, dict):
        raise ConfigError(f"{prefix.rstrip('.') or 'config'} = {data!r} must be a group of keys")
    hints = typing.get_type_hints(cls)
    fields = {f.name: f for f in dataclasses.fields(cls)}
    unknown = sorted(set(data) - set(fields))
    if unknown:
        key = prefix + str(unknown[0])
        raise ConfigError(f"{key}: no such config key; allowed here: {', '.join(sorted(fields))}")
    values = {}
    for name, f in fields.items():
        if name not in data:
            continue
        key, tp = prefix + name, hints[name]
        if dataclasses.is_dataclass(tp):
            values[name] = build(tp, data[name], key + ".")
            continue
        if isinstance(tp, types.UnionType):
            raise TypeError(f"union types are not supported in the schema ({key})")
        value = _coerce(data[name], tp, key)
        _check_range(value, f.metadata, key)
        values[name] = value
    return cls(**values)


def set_dotted(data: dict, dotted: str, value: Any, free_prefix: tuple[str, ...] = ()) -> None:
    """Set `data[a][b][c] = value` for `dotted` = "a.b.c", refusing keys the mapping does not have.

    Groups below `free_prefix` (e.g. ("playbook", "stages")) are free-form: missing levels are made.
    """
    node, parts = data, dotted.split(".")
    free = len(free_prefix) > 0 and tuple(parts[: len(free_prefix)]) == free_prefix
    for i, key in enumerate(parts[:-1]):
        if free and i >= len(free_prefix) - 1 and node.get(key) is None:
            node[key] = {}
        if not isinstance(node.get(key), dict):
            raise ConfigError(f"{dotted}: '{key}' is not a config group")
        node = node[key]
    if parts[-1] not in node and not free:
        raise ConfigError(f"{dotted}: no such config key")
    node[parts[-1]] = value


def _type_name(tp) -> str:
    return getattr(tp, "__name__", str(tp))


def _coerce(value: Any, tp, key: str) -> Any:
    """Check `value` against the annotated type; ints are accepted where floats are asked."""
    if tp is bool:
        if isinstance(value, bool):
            return value
    elif tp is int:
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if isinstance(value, float) and value.is_integer():
            return int(value)
    elif tp is float:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return float(value)
    elif (tp is str and isinstance(value, str)) or (tp is dict and isinstance(value, dict)):
        return value
    raise ConfigError(f"{key} = {value!r} has the wrong type: expected {_type_name(tp)}")


def _check_range(value: Any, meta: dict, key: str) -> None:
    lo, hi, choices = meta.get("lo"), meta.get("hi"), meta.get("choices")
    if choices is not None and value not in choices:
        raise ConfigError(f"{key} = {value!r} is not allowed: choose one of {', '.join(map(str, choices))}")
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if value != value:  # NaN
            raise ConfigError(f"{key} = nan is not a number")
        if (lo is not None and value < lo) or (hi is not None and value > hi):
            raise ConfigError(f"{key} = {value!r} is out of range: allowed {lo} to {hi}")
