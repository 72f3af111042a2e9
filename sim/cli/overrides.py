"""The command line, checked before Hydra starts: flags, keys, group options and value shapes.

Every problem is one line naming the key or flag, what it takes and what it got (a `ConfigError`);
values themselves are checked by the schema once the config is composed. Also refused here: a
sweep with no values (`seed=range(0,0)`, which would launch no job and report success), an
interpolation through a resolver nobody registered (`days=${eval:1+1}`, which Hydra finds only
when the job resolves its config), and a group option whose YAML file cannot be read, names a
Python object (`!!python/object/apply:...`) or uses such a resolver, in each option a sweep
names (Hydra itself composes only the first job before it starts).
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path

import yaml
from hydra._internal.utils import get_args_parser  # Hydra's own reading of its command line
from hydra.core.override_parser.overrides_parser import OverridesParser
from hydra.core.override_parser.types import Glob
from hydra.errors import HydraException, OverrideParseException
from omegaconf import OmegaConf, grammar_parser
from omegaconf.errors import GrammarParseError, OmegaConfBaseException
from omegaconf.grammar.gen.OmegaConfGrammarParser import OmegaConfGrammarParser

from sim.cli.folders import GROUPS, POLICY_GROUPS, group_options
from sim.config import ConfigError, SimConfig
from sim.playbook import flatten
from sim.policies import REGISTRIES

HYDRA_RESOLVERS = ("now", "hydra", "python_version")  # registered by Hydra itself when it starts


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
        refuse_unknown_resolvers(arg, value)
        refuse_empty_sweep(arg, key, dirs)
        if key.startswith(("hydra.", "hydra/", "playbook.stages.")):  # free-form: checked by the schema
            continue
        if key in GROUPS:
            options = group_options(dirs, key)
            values = value.split(",") if has_value and "(" not in value else []
            for v in values:
                if v not in options:
                    raise ConfigError(f"{key}={v}: no such option; allowed: {', '.join(options)}")
                check_option_files(f"{key}={v}", key, v, dirs)
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


def resolver_names(text: str) -> list[str]:
    """The resolvers an OmegaConf value calls (`${oc.env:HOME}` -> ['oc.env']), nested ones too."""
    if "${" not in text:
        return []
    try:
        tree = grammar_parser.parse(text)
    except GrammarParseError:  # not an interpolation OmegaConf reads: left to its own message
        return []
    names, todo = [], [tree]
    while todo:
        node = todo.pop()
        if isinstance(node, OmegaConfGrammarParser.InterpolationResolverContext):
            names.append(node.resolverName().getText())
        todo.extend(node.getChild(i) for i in range(node.getChildCount()) if hasattr(node, "getChildCount"))
    return names


def unknown_resolver(text: str) -> str | None:
    """The first resolver `text` calls that neither OmegaConf, Hydra nor community-sim registers."""
    for name in resolver_names(text):
        if name not in HYDRA_RESOLVERS and not OmegaConf.has_resolver(name):
            return name
    return None


def refuse_unknown_resolvers(what: str, text: str) -> None:
    """Refuse, naming `what`, a value calling a resolver no one registered (Hydra would stop the
    job with a traceback when it resolves the config, after the launch)."""
    name = unknown_resolver(text)
    if name is not None:
        raise ConfigError(
            f"{what}: ${{{name}:...}} calls a resolver '{name}' that does not exist; configs hold values, "
            "and interpolations may use only ${key}, OmegaConf's oc.* and Hydra's now/hydra resolvers"
        )


def check_composed_resolvers(data: dict) -> None:
    """Refuse, naming the key, an interpolation through a resolver that does not exist anywhere in
    a composed config (unresolved, as `compose_data` gives it), whichever file it came from."""
    for dotted, value in flatten_strings(data):
        refuse_unknown_resolvers(f"{dotted}={value}", value)


def refuse_empty_sweep(arg: str, key: str, dirs: Path | Sequence[Path]) -> None:
    """Refuse a sweep with no values (`seed=range(0,0)`, `scenario=glob(nothing*)`): Hydra would
    launch no job and exit as if it had succeeded."""
    try:
        (override,) = OverridesParser.create().parse_overrides([arg])
    except OverrideParseException:
        return  # refused with its own message where the value is checked
    if not override.is_sweep_override():
        return
    value = override.value()
    if isinstance(value, Glob):
        if key not in GROUPS:
            return
        values = value.filter(group_options(dirs, key))
    else:
        try:
            values = list(override.sweep_string_iterator())
        except HydraException:  # interval(...): a range for a sweeper to sample, never empty here
            return
    if not values:
        example = f"{key}=range(0,5) or {key}=1,2" if key not in GROUPS else f"{key}=" + ",".join(group_options(dirs, key)[:2])
        raise ConfigError(f"{arg}: this sweep has no values, so no job would run; give at least one (e.g. {example})")


def check_option_files(what: str, group: str, option: str, dirs: Path | Sequence[Path], seen=None) -> None:
    """Read the YAML of `group`'s `option` in every folder that has it, and the options its
    defaults list names in turn, refusing with one line naming `what` and the file a YAML error, a
    tag that names Python (`!!python/object/apply:os.system`) or a resolver that does not exist."""
    seen = set() if seen is None else seen
    if (group, option) in seen:
        return
    seen.add((group, option))
    for folder in [dirs] if isinstance(dirs, Path) else dirs:
        path = Path(folder) / group / f"{option}.yaml"
        if not path.is_file():
            continue
        try:
            content = OmegaConf.to_container(OmegaConf.load(path), resolve=False)
        except yaml.YAMLError as exc:
            raise ConfigError(f"{what}: {yaml_problem(exc, path)}") from None
        except (OmegaConfBaseException, OSError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{what}: {path} cannot be read ({' '.join(str(exc).split())})") from None
        for dotted, value in flatten_strings(content):
            refuse_unknown_resolvers(f"{what}: {path}: {dotted}={value}", value)
        for sub_group, sub_option in defaults_named(content, group):
            check_option_files(what, sub_group, sub_option, dirs, seen)


def yaml_problem(exc: yaml.YAMLError, path: Path) -> str:
    """A YAML error in one line, as YAML words it (`...; in "FILE", line L, column C`); a tag that
    names Python is said to be refused as such."""
    mark = getattr(exc, "problem_mark", None)
    where = " ".join(str(mark).split()) if mark is not None else f'in "{path}"'
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    tag = problem.partition("tag:yaml.org,2002:")[2].rstrip("'")
    if tag.startswith("python/"):
        return f"the tag !!{tag} names Python code, and configs hold values only, never code; {where}"
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    return "; ".join(lines) if mark is not None else f"{'; '.join(lines)}; {where}"


def flatten_strings(node, prefix: str = ""):
    """(dotted key, text) of every string in a YAML document's mapping and lists."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield from flatten_strings(value, f"{prefix}{key}.")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from flatten_strings(value, f"{prefix}{i}.")
    elif isinstance(node, str):
        yield prefix.rstrip("."), node


def defaults_named(content, group: str) -> list[tuple[str, str]]:
    """(group, option) of the configs a file's defaults list names in its own group (`- stage_aware`)
    or by absolute group (`- override /playbook: flat`); others are composed with the first job."""
    named = []
    entries = content.get("defaults", []) if isinstance(content, dict) else []
    for entry in entries if isinstance(entries, list) else []:
        if isinstance(entry, str) and entry != "_self_":
            named.append((group, entry))
        elif isinstance(entry, dict):
            for key, option in entry.items():
                target = str(key).removeprefix("override ").removeprefix("optional ").strip()
                if target.startswith("/") and isinstance(option, str):
                    named.append((target.lstrip("/"), option))
    return named


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
