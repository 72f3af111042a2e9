"""Readable names of config keys, for reports a strategist reads: the schema's meaning, not the key.

A dotted key (`policy.content.posts_per_week`) is named by its declared `help` text (sim/schema.py),
followed by the Chinese term its config group carries in its docstring where it has one
(`ContentPolicyConfig`: 内容日历), so a report says "expert posts per week, whole team (内容日历)".
A config group chosen by name (`policy/referral`) is named by its group's docstring ("referral
policy (裂变)"). A key the schema does not declare keeps its key.
"""

from __future__ import annotations

import dataclasses
import re
import typing
from functools import cache

from sim.config import SimConfig

_CHINESE = re.compile(r"[\u4e00-\u9fff]+")


def _group_at(path: list[str]):
    """The config dataclass at a dotted path of group names, or None."""
    cls = SimConfig
    for name in path:
        hints = typing.get_type_hints(cls)
        if name not in hints or not dataclasses.is_dataclass(hints[name]):
            return None
        cls = hints[name]
    return cls


def _chinese_term(cls) -> str:
    """The first Chinese term in a config group's docstring ('' if none)."""
    found = _CHINESE.search(cls.__doc__ or "")
    return found.group(0) if found else ""


@cache
def parameter_name(key: str, chinese: bool = True) -> str:
    """A readable name for a dotted config key or a config group (`a/b`).

    Args:
        key: `policy.content.posts_per_week`, `policy/referral` or `policy.referral`.

        chinese: add the group's Chinese term (off for plots drawn without a CJK font).

    Returns:
        The schema's meaning of the key with the group's Chinese term, e.g. "expert posts per
        week, whole team (内容日历)"; the key itself when the schema does not declare it.
    """
    parts = key.replace("/", ".").split(".")
    group = _group_at(parts)
    if group is not None:  # a config group chosen by name: policy/referral
        what = (group.__doc__ or parts[-1]).strip().splitlines()[0].rstrip(".")
        what = f"{parts[-1]} policy" if parts[0] == "policy" else _CHINESE.sub("", what).replace(" ()", "")
        term = _chinese_term(group) if chinese else ""
        return f"{what} ({term})" if term else what
    owner = _group_at(parts[:-1])
    if owner is None:
        return key
    field = {f.name: f for f in dataclasses.fields(owner)}.get(parts[-1])
    if field is None or not field.metadata.get("help"):
        return key
    term = _chinese_term(owner) if chinese else ""
    return f"{field.metadata['help']} ({term})" if term else field.metadata["help"]


def labelled(key: str) -> str:
    """`parameter_name(key)` followed by the key, for tables that must also say what to type."""
    name = parameter_name(key)
    return key if name == key else f"{name} [{key}]"
