"""Command-line entry points (the only module that knows about Hydra).

`community-sim [overrides]` composes configs/ (+ scenarios/), validates it into a SimConfig, runs
it, writes the run folder and prints a summary table. Every policy family is a config group,
picked as `policy/<family>=<option>`. The user's own folders join the search path through
Hydra's `--config-dir DIR` and `hydra.searchpath=[DIR,...]`, adding their scenarios, policy presets,
playbooks, graphs and sweeps to the built-in ones. Bad input exits with status 2 and one line:
the command line (flags, keys, group options, folders) is checked and the config composed once
before Hydra starts; values are checked by the schema.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path

import hydra
import yaml
from hydra import compose, initialize_config_dir
from hydra._internal.utils import get_args_parser  # Hydra's own reading of its command line
from hydra.core.config_store import ConfigStore
from hydra.core.hydra_config import HydraConfig
from hydra.core.override_parser.overrides_parser import OverridesParser
from hydra.errors import HydraException, OverrideParseException
from omegaconf import OmegaConf
from omegaconf.errors import OmegaConfBaseException

from sim.backend import BackendUnavailable
from sim.config import ConfigError, SimConfig
from sim.jobdir import register_resolver
from sim.playbook import flatten, pin_overrides
from sim.policies import REGISTRIES
from sim.recorder import is_done, mark_failed
from sim.runner import format_summary, run

# Sweep job folders are named by ${job_dir:...} (configs/config.yaml). A launcher's worker (joblib,
# Ray, submitit) imports this module to find the task and names the job folder before the task
# runs, so the resolver is registered on import, not in main().
register_resolver()

EXIT_BAD_INPUT = 2
POLICY_GROUPS = tuple(f"policy/{family}" for family in REGISTRIES)
GROUPS = ("network", *POLICY_GROUPS, "playbook", "scenario", "sweep")
SEARCHPATH = "hydra.searchpath"
COMPOSE_ERRORS = (HydraException, OmegaConfBaseException, yaml.YAMLError)


def config_dir() -> Path:
    """The configs/ folder: $COMMUNITY_SIM_CONFIGS, else the one beside the installed package."""
    env = os.environ.get("COMMUNITY_SIM_CONFIGS")
    path = Path(env) if env else Path(__file__).resolve().parents[1] / "configs"
    if not (path / "config.yaml").is_file():
        raise ConfigError(
            f"no configs/config.yaml at {path}: install the project in editable mode (pip install -e .) "
            "or set COMMUNITY_SIM_CONFIGS to the configs folder"
        )
    return path


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


def search_dirs(
    config_dir_flag: str | None, overrides: Iterable[str], config_dirs: Iterable[str | Path] = ()
) -> list[Path]:
    """The config folders in Hydra's search order: the built-in configs/, then `--config-dir`
    (and `config_dirs`), then the `hydra.searchpath` entries (`file://PATH` or `PATH`, relative
    to the current directory). A folder that does not exist is refused."""
    named = [(f"--config-dir {config_dir_flag}", config_dir_flag)] if config_dir_flag is not None else []
    named += [(f"config folder {d}", d) for d in config_dirs]
    named += [(f"{SEARCHPATH} entry {e}", e) for e in searchpath_entries(overrides)]
    dirs = [config_dir()]
    for label, entry in named:
        text = str(entry)
        if "://" in text and not text.startswith("file://"):
            raise ConfigError(f"{label}: community-sim searches folders only: write file://PATH or PATH")
        path = Path(text.removeprefix("file://")).absolute()
        if not path.is_dir():
            raise ConfigError(f"{label}: no such folder ({path})")
        dirs.append(path)
    check_not_shadowed(dirs)
    return dirs


def searchpath_entries(overrides: Iterable[str]) -> list[str]:
    """The folders of the first `hydra.searchpath=[...]` override (the one Hydra uses), if any."""
    parser = OverridesParser.create()
    for arg in overrides:
        if arg.split("=", 1)[0] != SEARCHPATH:
            continue
        try:
            (override,) = parser.parse_overrides([arg])
        except OverrideParseException:
            raise ConfigError(f"{arg}: cannot be read; write {SEARCHPATH}=[file://./myconf]") from None
        value = override.value()
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ConfigError(f"{arg}: {SEARCHPATH} takes a list of folders, e.g. {SEARCHPATH}=[file://./myconf]")
        return value
    return []


def check_not_shadowed(dirs: Sequence[Path]) -> None:
    """Refuse a user's preset named like one in an earlier folder: Hydra would silently take the
    earlier one (the built-in one) and never read the user's."""
    for i, folder in enumerate(dirs[1:], start=1):
        for group in GROUPS:
            for path in sorted((folder / group).glob("*.yaml")):
                for earlier in dirs[:i]:
                    other = earlier / group / path.name
                    if other.is_file() and other.read_bytes() != path.read_bytes():
                        raise ConfigError(
                            f"{path}: {other} has the same name and Hydra would use that one; give yours another name"
                        )


def group_options(dirs: Path | Sequence[Path], group: str) -> list[str]:
    """The options of a config group: its YAML files in every folder of the search path."""
    folders = [dirs] if isinstance(dirs, Path) else dirs
    return sorted({p.stem for folder in folders for p in (Path(folder) / group).glob("*.yaml")})


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


def register_schema() -> None:
    """Store the schema defaults as Hydra's `schema` config (the base of configs/config.yaml)."""
    ConfigStore.instance().store(name="schema", node=schema_defaults())


def with_searchpath(overrides: Sequence[str], user_dirs: Sequence[Path]) -> list[str]:
    """`overrides` with one `hydra.searchpath` override naming `user_dirs` (absolute), the way the
    compose API takes extra config folders (it has no --config-dir)."""
    kept = [o for o in overrides if o.split("=", 1)[0] != SEARCHPATH]
    if not user_dirs:
        return kept
    quoted = ",".join("'file://" + str(d).replace("\\", "\\\\").replace("'", "\\'") + "'" for d in user_dirs)
    return [*kept, f"{SEARCHPATH}=[{quoted}]"]


def compose_data(overrides: Sequence[str], dirs: Sequence[Path]) -> dict:
    """Hydra's composition of `overrides` over every folder of the search path, as a plain mapping
    (unresolved, without the `hydra` node) with the chosen scenario's name under `scenario`."""
    register_schema()
    try:
        with initialize_config_dir(config_dir=str(dirs[0]), version_base="1.3"):
            cfg = compose("config", overrides=with_searchpath(overrides, dirs[1:]), return_hydra_config=True)
            choices = dict(cfg.hydra.runtime.choices)
            data = OmegaConf.to_container(cfg, resolve=False)
    except COMPOSE_ERRORS as exc:
        raise ConfigError(one_line(exc)) from None
    data.pop("hydra", None)
    return with_scenario_name(data, choices)


def with_scenario_name(data: dict, choices) -> dict:
    """`data` with `scenario` set to the chosen preset's name. A preset whose settings landed under
    `scenario.` lacks its `# @package _global_` first line, and would otherwise be ignored."""
    scenario = choices.get("scenario") or "custom"
    if data.get("scenario"):
        raise ConfigError(
            f"scenario/{scenario}.yaml: its settings would land under 'scenario.'; "
            "make '# @package _global_' its first line"
        )
    data["scenario"] = scenario
    return data


def one_line(exc: BaseException) -> str:
    """Hydra's, OmegaConf's or YAML's complaint on one line (they span several)."""
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    if len(lines) > 1 and lines[1].startswith("Available options"):
        options = lines[2:lines.index("Config search path:")] if "Config search path:" in lines else lines[2:]
        return f"{lines[0]}; allowed: {', '.join(options)}"
    return "; ".join(lines)


def load_config(overrides: Sequence[str] = (), config_dirs: Iterable[str | Path] = ()) -> SimConfig:
    """Compose configs/ with Hydra-style overrides (as on the command line) into a SimConfig.

    For tools and notebooks that want exactly what `community-sim OVERRIDES` would run, without
    running it: `load_config(["scenario=classroom", "policy/referral=reward_per_join", "seed=3"])`.
    The user's own config folders join the search path as on the command line:
    `load_config(["scenario=my_circle"], config_dirs=["./myconf"])`, or `--config-dir DIR` or
    `hydra.searchpath=[file://DIR]` among the overrides.
    Raises ConfigError with one line on an unknown key, option, folder or bad value.
    """
    args = parse_command_line(overrides)
    flags = [name for name, value in vars(args).items() if name not in ("overrides", "config_dir") and value]
    if flags:
        raise ConfigError(f"load_config takes overrides and --config-dir only; got --{flags[0].replace('_', '-')}")
    dirs = search_dirs(args.config_dir, args.overrides, config_dirs)
    check_overrides(args.overrides, dirs)
    data = compose_data(args.overrides, dirs)
    pin_overrides(data, args.overrides)
    return SimConfig.from_dict(data)


def check_composition(args: argparse.Namespace, dirs: Sequence[Path]) -> None:
    """Compose the run (a sweep's first job) once before Hydra starts, so that a preset Hydra
    cannot read (a user's YAML error, an option its defaults list names that no folder has) is
    one line and status 2, not Hydra's report; values are left to the schema in the task."""
    if args.help or args.hydra_help or args.shell_completion or args.experimental_rerun:
        return
    if args.config_name or args.config_path:  # another primary config: Hydra composes it alone
        return
    parser = OverridesParser.create()
    try:
        parsed = parser.parse_overrides(args.overrides)
    except OverrideParseException as exc:
        raise ConfigError(one_line(exc)) from None
    first_job = []
    for arg, override in zip(args.overrides, parsed, strict=True):
        if override.is_sweep_override():
            try:
                first = next(iter(override.sweep_string_iterator()), None)
            except HydraException:  # glob(...) needs Hydra's own loader: left to the sweep
                first = None
            if first is None:
                continue
            arg = f"{override.get_key_element()}={first}"
        first_job.append(arg)
    compose_data(first_job, dirs)


def _task(cfg) -> None:
    """The Hydra task: validate, run, write, print."""
    hc = HydraConfig.get()
    out_dir = Path(hc.runtime.output_dir)
    if is_done(out_dir):  # a restarted sweep (fixed hydra.sweep.dir): keep what already finished
        print(f"already finished, skipped: {out_dir}")
        return
    try:
        data = with_scenario_name(OmegaConf.to_container(cfg, resolve=True), hc.runtime.choices)
        pinned = pin_overrides(data, hc.overrides.task)
        sim_cfg = SimConfig.from_dict(data)
        result = run(sim_cfg, out_dir)
    except (ConfigError, BackendUnavailable) as exc:
        mark_failed(out_dir, f"error: {exc}")
        print(f"error: {exc}", file=sys.stderr)
        sys.exit(EXIT_BAD_INPUT)
    if pinned:
        print(f"note: held for the whole run, not changed by playbook {sim_cfg.playbook.name}: {', '.join(pinned)}")
    print(format_summary(result.summary, result.out_dir))


def main() -> None:
    """`community-sim`: run one simulation (or a sweep with -m) from the Hydra config tree."""
    try:
        args = parse_command_line(sys.argv[1:])
        dirs = search_dirs(args.config_dir, args.overrides)
        check_overrides(args.overrides, dirs)
        check_composition(args, dirs)
    except ConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        sys.exit(EXIT_BAD_INPUT)
    register_schema()
    # Hydra reads sys.argv itself: --config-dir and hydra.searchpath join its search path there.
    hydra.main(version_base="1.3", config_path=str(dirs[0]), config_name="config")(_task)()


if __name__ == "__main__":
    main()
