"""Command-line entry points (this package is the only one that knows about Hydra).

`community-sim [overrides]` composes configs/ (+ scenarios/), validates it into a SimConfig, runs
it, writes the run folder and prints a summary table. Every policy family is a config group,
picked as `policy/<family>=<option>`. The user's own folders join the search path through
Hydra's `--config-dir DIR` and `hydra.searchpath=[DIR,...]`, adding their scenarios, policy presets,
playbooks, graphs and sweeps to the built-in ones. Bad input exits with status 2 and one line:
the command line (flags, keys, group options, folders) is checked and the config composed once
before Hydra starts (sim/cli/overrides.py, sim/cli/folders.py); values are checked by the schema.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path

import hydra
import yaml
from hydra import compose, initialize_config_dir
from hydra.core.config_store import ConfigStore
from hydra.core.hydra_config import HydraConfig
from hydra.core.override_parser.overrides_parser import OverridesParser
from hydra.errors import HydraException, OverrideParseException
from omegaconf import OmegaConf
from omegaconf.errors import OmegaConfBaseException

from sim.backend import BackendUnavailable
from sim.cli.folders import (
    GROUPS,
    POLICY_GROUPS,
    SEARCHPATH,
    config_dir,
    group_options,
    search_dirs,
    with_searchpath,
)
from sim.cli.overrides import check_overrides, parse_command_line, schema_defaults
from sim.config import ConfigError, SimConfig
from sim.jobdir import register_resolver
from sim.playbook import pin_overrides
from sim.recorder import is_done, mark_failed
from sim.runner import format_summary, run

# Sweep job folders are named by ${job_dir:...} (configs/config.yaml). A launcher's worker (joblib,
# Ray, submitit) imports this module to find the task and names the job folder before the task
# runs, so the resolver is registered on import, not in main().
register_resolver()

EXIT_BAD_INPUT = 2
COMPOSE_ERRORS = (HydraException, OmegaConfBaseException, yaml.YAMLError)

__all__ = ["GROUPS", "POLICY_GROUPS", "SEARCHPATH", "config_dir", "group_options", "load_config", "main"]


def register_schema() -> None:
    """Store the schema defaults as Hydra's `schema` config (the base of configs/config.yaml)."""
    ConfigStore.instance().store(name="schema", node=schema_defaults())


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
