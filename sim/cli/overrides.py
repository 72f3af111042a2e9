"""The command line, checked before Hydra starts: flags, keys, group options and value shapes.

Every problem is one line naming the key or flag, what it takes and what it got (a `ConfigError`);
values themselves are checked by the schema once the config is composed.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path

from hydra._internal.utils import get_args_parser  # Hydra's own reading of its command line
from hydra.core.override_parser.overrides_parser import OverridesParser
from hydra.errors import OverrideParseException

from sim.cli.folders import GROUPS, POLICY_GROUPS, group_options
from sim.config import ConfigError, SimConfig
from sim.playbook import flatten
from sim.policies import REGISTRIES


def schema_defaults() -> dict:
    """Every key of the schema with its default (the base every YAML overrides)."""
    data = SimConfig().to_dict()
    data.pop("scenario")  # taken from the chosen scenario preset
    return data


def parse_command_line(argv: Sequence[str]) -> argparse.Namespace:
    """Hydra's own reading of a command line: its flags (`--config-dir`, `-m`, `--cfg`, ...) and the
    overrides, with a bad flag refused in one line instead of argparse's usage message."""
    parser = get_args_parser()
    parser.exit_on_error = False
    try:
        args, extra = parser.parse_known_args(list(argv))
    except argparse.ArgumentError as exc:
        raise ConfigError(str(exc)) from None
    if extra and extra[0].startswith("-"):
        raise ConfigError(f"{extra[0]}: no such flag (see community-sim --hydra-help)")
    if extra:
        raise ConfigError(
            f"{extra[0]}: Hydra reads the overrides as one run of arguments; put them all after the flags, "
            "e.g. community-sim --cfg job days=30 seed=3"
        )
    return args


def check_overrides(args: list[str], dirs: Path | Sequence[Path]) -> None:
    """Refuse unknown keys and group options on the command line with one clear line."""
    defaults = schema_defaults()
    for arg in args:
        key, has_value, value = arg.partition("=")
        key = key.lstrip("+~")
        if not has_value and not arg.startswith("~"):
            raise ConfigError(f"{arg!r} is not an override: write key=value, e.g. days=180")
        refuse_policy_by_name(key, value, dirs)
        if key.startswith(("hydra.", "hydra/", "playbook.stages.")):  # free-form: checked by the schema
            continue
        if key in GROUPS:
            options = group_options(dirs, key)
            values = value.split(",") if has_value and "(" not in value else []
            for v in values:
                if v not in options:
                    raise ConfigError(f"{key}={v}: no such option; allowed: {', '.join(options)}")
            continue
        node, path = defaults, []
        for part in key.split("."):
            path.append(part)
            if not isinstance(node, dict) or part not in node:
                allowed = ", ".join(sorted(node)) if isinstance(node, dict) else "(a value, not a group)"
                raise ConfigError(f"{'.'.join(path)}: no such config key; allowed here: {allowed}")
            node = node[part]
        if has_value:
            check_value(arg, key, node, dirs)


def refuse_policy_by_name(key: str, value: str, dirs: Path | Sequence[Path]) -> None:
    """A policy is picked on the command line as a config group, `policy/tiers=three_tier`, one
    way for every family; `policy.tiers.name=...` stays for YAML (scenarios, playbook stages)."""
    family = policy_family_of_name_key(key)
    if family is not None:
        options = group_options(dirs, f"policy/{family}")
        raise ConfigError(
            f"{key}={value}: pick a policy with its config group: write policy/{family}={value} "
            f"(options: {', '.join(options)})"
        )


def policy_family_of_name_key(key: str) -> str | None:
    """'tiers' for the key `policy.tiers.name`, else None."""
    parts = key.split(".")
    if len(parts) == 3 and parts[0] == "policy" and parts[2] == "name" and parts[1] in REGISTRIES:
        return parts[1]
    return None


def check_value(arg: str, key: str, default, dirs: Path | Sequence[Path]) -> None:
    """Refuse a value that cannot be read, or a list or mapping where the schema has one value (and
    the reverse), with one line naming the key, what it takes and what it got (Hydra's own messages
    for these, `no viable alternative at input` or `Cannot merge DictConfig with ListConfig`, name
    neither)."""
    value = arg.split("=", 1)[1]
    example, leaf = key, default
    while isinstance(leaf, dict):  # the group's first setting, however deep
        first = sorted(leaf)[0]
        example, leaf = f"{example}.{first}", leaf[first]
    example = f"{example}={str(leaf).lower() if isinstance(leaf, bool) else leaf}"
    if isinstance(default, dict):
        expected = f"a group of settings ({', '.join(sorted(default))}), set one at a time, e.g. {example}"
    else:
        expected = f"one {type(default).__name__}, e.g. {example}"
    try:
        (override,) = OverridesParser.create().parse_overrides([arg])
    except OverrideParseException:
        pairs = [f"'{a}' and '{b}'" for a, b in ("[]", "{}", "()") if value.count(a) != value.count(b)]
        pairs += [f"its {q} quotes" for q in ("'", '"') if value.count(q) % 2]
        why = f"{pairs[0]} do not pair up" if pairs else "check its brackets, quotes and commas"
        raise ConfigError(f"{key}: expected {expected}; got {value!r}, which cannot be read: {why}") from None
    if override.is_sweep_override() or override.is_delete():
        return
    got = override.value()
    if isinstance(default, dict) and isinstance(got, dict):
        for sub, sub_value in flatten(got, f"{key}.").items():
            refuse_policy_by_name(sub, sub_value, dirs)
        for sub in got:
            if sub not in default:
                raise ConfigError(f"{key}.{sub}: no such config key; allowed here: {', '.join(sorted(default))}")
    elif isinstance(default, dict) and isinstance(got, str) and key.replace(".", "/", 1) in POLICY_GROUPS:
        raise ConfigError(f"{key}={value}: pick a policy with its config group: write {key.replace('.', '/', 1)}={value}")
    elif isinstance(default, dict) or isinstance(got, list | dict):
        kind = "the list" if isinstance(got, list) else "the mapping" if isinstance(got, dict) else "the value"
        raise ConfigError(f"{key}: expected {expected}; got {kind} {value}")
