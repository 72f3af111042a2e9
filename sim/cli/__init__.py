"""Command-line entry points (this package is the only one that knows about Hydra).

`community-sim [overrides]` composes configs/ (+ scenarios/), validates it into a SimConfig, runs
it, writes the run folder and prints a summary table. Every policy family is a config group,
picked as `policy/<family>=<option>`. The user's own folders join the search path through
Hydra's `--config-dir DIR` and `hydra.searchpath=[DIR,...]`, adding their scenarios, policy presets,
playbooks, graphs and sweeps to the built-in ones. Bad input exits with status 2 and one line:
the command line (flags, keys, group options, folders) is checked and the config composed once
before Hydra starts (sim/cli/overrides.py, sim/cli/folders.py); values are checked by the schema.

The run folder is checked before Hydra starts (it must be writable: one line and status 2 if not)
and held by the task for the whole run (sim/runlock.py): a second process writing the same folder
is refused with one line naming the holder, a finished folder is skipped untouched (its `.hydra/`
record included: Hydra writes nothing there itself, `hydra.output_subdir` is null in
configs/config.yaml and the task writes the record once the folder is its own), and a run that ends
without DONE leaves FAILED with one line. Every failure is one line on stderr and an exit status
(sim/failures.py): 1 a crash, 2 bad input or an unusable folder, 130/143 Ctrl+C/SIGTERM. In a sweep a
crashed job leaves FAILED and the next job runs; the command then exits 1.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import hydra
import yaml
from hydra import compose, initialize_config_dir
from hydra.core.config_store import ConfigStore
from hydra.core.hydra_config import HydraConfig
from hydra.core.override_parser.overrides_parser import OverridesParser
from hydra.errors import HydraException, OverrideParseException
from hydra.types import RunMode
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
from sim.cli.overrides import (
    check_composed_resolvers,
    check_overrides,
    parse_command_line,
    schema_defaults,
)
from sim.config import ConfigError, SimConfig
from sim.failures import EXIT_CRASH, command, describe, failure_line, say
from sim.failures import one_line as joined_lines
from sim.jobdir import register_resolver
from sim.playbook import pin_overrides
from sim.recorder import atomic_write_text, is_done
from sim.runlock import check_writable, run_folder
from sim.runner import format_summary, run

# Sweep job folders are named by ${job_dir:...} (configs/config.yaml). A launcher's worker (joblib,
# Ray, submitit) imports this module to find the task and names the job folder before the task
# runs, so the resolver is registered on import, not in main().
register_resolver()

EXIT_BAD_INPUT = 2
COMPOSE_ERRORS = (HydraException, OmegaConfBaseException, yaml.YAMLError)
HYDRA_RECORD = ".hydra"  # what Hydra's hydra.output_subdir would be; the task writes it (see _task)

__all__ = ["GROUPS", "POLICY_GROUPS", "SEARCHPATH", "config_dir", "group_options", "load_config", "main"]


def register_schema() -> None:
    """Store the schema defaults as Hydra's `schema` config (the base of configs/config.yaml)."""
    ConfigStore.instance().store(name="schema", node=schema_defaults())


def compose_data(overrides: Sequence[str], dirs: Sequence[Path]) -> dict:
    """Hydra's composition of `overrides` over every folder of the search path, as a plain mapping
    (unresolved, without the `hydra` node) with the chosen scenario's name under `scenario`."""
    return _compose(overrides, dirs)[0]


def _compose(overrides: Sequence[str], dirs: Sequence[Path], multirun: bool = False) -> tuple[dict, Path | None]:
    """compose_data's mapping, and the folder a run of it (a sweep with `multirun`) writes first."""
    register_schema()
    try:
        with initialize_config_dir(config_dir=str(dirs[0]), version_base="1.3"):
            cfg = compose("config", overrides=with_searchpath(overrides, dirs[1:]), return_hydra_config=True)
            choices = dict(cfg.hydra.runtime.choices)
            data = OmegaConf.to_container(cfg, resolve=False)
            folder = output_folder(cfg, multirun)
    except COMPOSE_ERRORS as exc:
        raise ConfigError(one_line(exc)) from None
    data.pop("hydra", None)
    check_composed_resolvers(data)
    return with_scenario_name(data, choices), folder


def output_folder(cfg, multirun: bool = False) -> Path | None:
    """hydra.run.dir (hydra.sweep.dir for a sweep) of a composed config, resolved as Hydra
    resolves it; None when it cannot be resolved before Hydra starts."""
    instance = HydraConfig.instance()
    saved = instance.cfg
    try:
        instance.set_config(cfg)
        node = cfg.hydra.sweep if multirun or cfg.hydra.mode == RunMode.MULTIRUN else cfg.hydra.run
        return Path(str(node.dir))
    except COMPOSE_ERRORS:
        return None
    finally:
        instance.cfg = saved


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
    return joined_lines(str(exc))


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


def check_composition(args: argparse.Namespace, dirs: Sequence[Path]) -> Path | None:
    """Compose the run (a sweep's first job) once before Hydra starts, so that a preset Hydra
    cannot read (a user's YAML error, an option its defaults list names that no folder has) is
    one line and status 2, not Hydra's report; values are left to the schema in the task.

    Returns:
        The folder the command will write first (the run folder; the sweep folder with -m), or
        None when it writes none (--help, --cfg, ...) or it cannot be told before Hydra starts.
    """
    if args.help or args.hydra_help or args.shell_completion or args.experimental_rerun:
        return None
    if args.config_name or args.config_path:  # another primary config: Hydra composes it alone
        return None
    parser = OverridesParser.create()
    try:
        parsed = parser.parse_overrides(args.overrides)
    except OverrideParseException as exc:
        raise ConfigError(one_line(exc)) from None
    os.environ.pop(SWEEP_JOBS, None)
    os.environ.pop(SWEEP_START, None)
    first_job, jobs = [], 1
    for arg, override in zip(args.overrides, parsed, strict=True):
        if override.is_sweep_override():
            try:
                values = list(override.sweep_string_iterator())
            except HydraException:  # glob(...) needs Hydra's own loader: left to the sweep
                values, jobs = [], None
            jobs = jobs * len(values) if jobs is not None else None
            if not values:
                continue
            arg = f"{override.get_key_element()}={values[0]}"
        first_job.append(arg)
    if args.multirun and jobs:  # the sweep's size, for its progress lines (launchers' processes inherit it)
        os.environ[SWEEP_JOBS], os.environ[SWEEP_START] = str(jobs), str(time.time())
    folder = _compose(first_job, dirs, args.multirun)[1]
    return None if args.cfg or args.info else folder


SWEEP_JOBS, SWEEP_START = "COMMUNITY_SIM_SWEEP_JOBS", "COMMUNITY_SIM_SWEEP_START"


def sweep_progress(job_num: int) -> None:
    """One line on stderr as a sweep's job ends: which of how many, and the time since the sweep
    began (a sweep of many runs says how far it is, in a terminal and in a CI log alike)."""
    total, start = os.environ.get(SWEEP_JOBS), os.environ.get(SWEEP_START)
    if not total or not start:
        return
    elapsed = int(time.time() - float(start))
    print(f"sweep: job {job_num + 1} of {total} ended · {elapsed // 3600}:{elapsed // 60 % 60:02d}:{elapsed % 60:02d} "
          "since the sweep began", file=sys.stderr, flush=True)


@dataclass
class _Jobs:
    """What the tasks run in main()'s own process (one run, or a sweep's jobs one after another)
    tell main(): the lines of the jobs that crashed. Jobs a launcher runs in other processes
    raise instead, and the launcher reports them."""

    pid: int | None = None
    crashed: list[str] = field(default_factory=list)


_jobs = _Jobs()


def write_hydra_record(cfg, out_dir: Path) -> None:
    """Write `.hydra/` (config.yaml, hydra.yaml, overrides.yaml) as Hydra writes it, once the task
    holds the run folder. configs/config.yaml sets hydra.output_subdir to null so that Hydra writes
    nothing into a folder before the task knows it is free and unfinished."""
    record = out_dir / HYDRA_RECORD
    record.mkdir(exist_ok=True)
    atomic_write_text(record / "config.yaml", OmegaConf.to_yaml(cfg))
    atomic_write_text(record / "hydra.yaml", OmegaConf.to_yaml(HydraConfig.instance().cfg))
    atomic_write_text(record / "overrides.yaml", OmegaConf.to_yaml(HydraConfig.get().overrides.task))


def _task(cfg) -> None:
    """The Hydra task: hold the run folder, record, validate, run, write, print.

    A finished folder is skipped untouched. Bad input (or a folder another process holds) stops
    the command with status 2, a sweep too. A crash leaves FAILED and one line; in a sweep the
    next job runs and main() exits 1 at the end.
    """
    hc = HydraConfig.get()
    out_dir = Path(hc.runtime.output_dir)
    try:
        with run_folder(out_dir) as folder:
            if folder.done:  # a restarted sweep (fixed hydra.sweep.dir), a run folder given again
                print(f"already finished, skipped: {out_dir}")
                if hc.mode == RunMode.MULTIRUN:
                    sweep_progress(hc.job.num)
                return
            if hc.output_subdir is None:
                write_hydra_record(cfg, out_dir)
            try:
                data = with_scenario_name(OmegaConf.to_container(cfg, resolve=True), hc.runtime.choices)
            except COMPOSE_ERRORS as exc:
                raise ConfigError(one_line(exc)) from None
            pinned = pin_overrides(data, hc.overrides.task)
            sim_cfg = SimConfig.from_dict(data)
            try:
                result = run(sim_cfg, out_dir)
            except BackendUnavailable as exc:
                raise ConfigError(str(exc)) from None
    except ConfigError as exc:
        say(describe(exc))
        sys.exit(EXIT_BAD_INPUT)
    except Exception as exc:
        if os.getpid() != _jobs.pid:
            raise  # a launcher running the job in another process reports it
        line = failure_line(exc, "community-sim")
        say(line)
        _jobs.crashed.append(line)
        if hc.mode == RunMode.MULTIRUN:
            sweep_progress(hc.job.num)
        return
    if pinned:
        print(f"note: held for the whole run, not changed by playbook {sim_cfg.playbook.name}: {', '.join(pinned)}")
    print(format_summary(result.summary, result.out_dir))
    if hc.mode == RunMode.MULTIRUN:
        sweep_progress(hc.job.num)


@contextmanager
def hydra_errors_raised() -> Iterator[None]:
    """Hydra lets an error through instead of printing its own report (HYDRA_FULL_ERROR), so that
    it becomes one line like every other failure."""
    saved = os.environ.get("HYDRA_FULL_ERROR")
    os.environ["HYDRA_FULL_ERROR"] = "1"
    try:
        yield
    finally:
        if saved is None:
            os.environ.pop("HYDRA_FULL_ERROR", None)
        else:
            os.environ["HYDRA_FULL_ERROR"] = saved


@command("community-sim")
def main() -> None:
    """`community-sim`: run one simulation (or a sweep with -m) from the Hydra config tree."""
    args = parse_command_line(sys.argv[1:])
    dirs = search_dirs(args.config_dir, args.overrides)
    check_overrides(args.overrides, dirs)
    folder = check_composition(args, dirs)
    if folder is not None and not is_done(folder):
        check_writable(folder, make=False)
    register_schema()
    _jobs.pid, _jobs.crashed = os.getpid(), []
    # Hydra reads sys.argv itself: --config-dir and hydra.searchpath join its search path there.
    with hydra_errors_raised():
        try:
            hydra.main(version_base="1.3", config_path=str(dirs[0]), config_name="config")(_task)()
        except COMPOSE_ERRORS as exc:
            raise ConfigError(one_line(exc)) from None
    if _jobs.crashed:
        sys.exit(EXIT_CRASH)
