"""Resuming and forking runs from checkpoints (sim/checkpoint.py).

`resume` finishes a run from its last checkpoint (after a crash or a kill) with exactly the series
the uninterrupted run gives. `fork` continues one checkpoint under several policies (config
overrides) from the same state: every fork draws the same random numbers (common random numbers,
sim/rng.py), so the forks differ only by the policy. Forks can also continue on other seeds
("the same past, other futures"); `compare_forks` runs every fork on every seed and tabulates the
KPIs with the comparison report of sim/analysis/compare.py (paired by seed).

Every fork is checked against the checkpoint's config (its overrides, days and seeds) before the
first one runs, so a bad value in the last arm stops the command before any run.

Commands:
    community-sim-resume CHECKPOINT [--days N] [--out DIR]
    community-sim-fork CHECKPOINT [--stage MATURE] --days N --arm LABEL OVERRIDE... --arm ... [--seeds N]
        [--config-dir DIR]
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd
import yaml

from sim.analysis.checks import check_at_least, check_out_folder
from sim.analysis.compare import FAST_OUTPUT, Comparison, formatted, kpi_table, write_outputs
from sim.analysis.kpis import kpi_row, standard_kpis
from sim.checkpoint import CheckpointError, find, load, read
from sim.cli import GROUPS, load_config
from sim.cli.folders import search_dirs
from sim.cli.overrides import refuse_policy_by_name
from sim.config import ConfigError, SimConfig
from sim.failures import CommandParser
from sim.lifecycle import Stage
from sim.model import CommunityModel
from sim.playbook import flatten, stage_config
from sim.recorder import is_done
from sim.runlock import run_folder
from sim.runner import format_summary, run

EXIT_BAD_INPUT = 2
FIXED = (
    "network",
    "founders",
    "scenario",
    "seed",
    "days",
    "backend",
)  # the built world, or set by options
RUN_SETTINGS = ("output", "checkpoint")  # what a fork writes, not how the community is run
NO_CHECKPOINTS = {"checkpoint.every_days": 0, "checkpoint.at_stage_change": False}


def parse_overrides(args: list[str], config_dirs=()) -> dict:
    """`key=value` (a YAML value) and `group=option` (a config-group choice, composed as
    `community-sim` would, with the user's `config_dirs` on the search path) into {dotted key:
    value}; keys the state fixes are refused, and so is a policy picked by its name key
    (`policy.referral.name=none`: write `policy/referral=none`, as on community-sim's command line)."""
    flat = {}
    dirs = None
    for arg in args:
        key, sep, text = arg.partition("=")
        key = key.lstrip("+~")
        if not sep or not key:
            raise ConfigError(
                f"{arg!r} is not an override: write key=value, e.g. policy.content.posts_per_week=14"
            )
        if "_target_" in key:
            raise ConfigError(
                f"{arg}: configs select behaviour by name and never name code (_target_ is refused)"
            )
        if key.replace("/", ".").split(".")[0] in FIXED:
            raise ConfigError(
                f"{key}: fixed once the community exists (a fork continues its world); use --days/--seeds for those"
            )
        if key == "sweep":
            raise ConfigError(
                f"{arg}: a fork runs its own arms (--arm) and seeds (--seeds); sweeps are for community-sim -m"
            )
        if key in GROUPS:
            node = load_config([arg], config_dirs=config_dirs).to_dict()
            for part in key.split("/"):
                node = node[part]
            flat[key.replace("/", ".")] = node
            continue
        try:
            value = yaml.safe_load(text)
        except yaml.YAMLError:
            raise ConfigError(f"{arg}: the value is not readable YAML") from None
        dirs = dirs or search_dirs(None, [], config_dirs)
        named = flatten(value, f"{key}.") if isinstance(value, dict) else {key: text}
        for sub, sub_value in named.items():
            refuse_policy_by_name(sub, sub_value, dirs)
        flat[key] = value
    return flat


def with_overrides(cfg: SimConfig, overrides: dict) -> SimConfig:
    """`cfg` with {dotted key: value} applied and validated; keys under `playbook.stages` may be new."""
    data = cfg.to_dict()
    for dotted, value in overrides.items():
        node, parts = data, dotted.split(".")
        for i, key in enumerate(parts[:-1]):
            free = (
                parts[:2] == ["playbook", "stages"] and i >= 1
            )  # a playbook's stages are free-form
            if free and node.get(key) is None:
                node[key] = {}
            if not isinstance(node.get(key), dict):
                raise ConfigError(f"{dotted}: '{key}' is not a config group")
            node = node[key]
        if parts[-1] not in node and parts[:2] != ["playbook", "stages"]:
            raise ConfigError(f"{dotted}: no such config key")
        node[parts[-1]] = value
    return SimConfig.from_dict(data)


def forked_configs(
    base_cfg: SimConfig, cfg: SimConfig, stage: Stage, day: int, overrides: dict, days: int,
    seed: int | None = None,
) -> tuple[SimConfig, SimConfig | None, dict, bool]:
    """The configs a run saved on `day` in `stage` (base `base_cfg`, in force `cfg`) continues
    under for `days` more days with `overrides`, every value checked: (base config, config in force
    or None when the policies do not change, the policy changes, whether the seed changes)."""
    if days < 1:
        raise ConfigError(f"--days = {days}: a fork runs at least one more day")
    changes = {k: v for k, v in overrides.items() if k.split(".")[0] not in RUN_SETTINGS}
    new_seed = seed is not None and seed != base_cfg.seed
    settings = {**(NO_CHECKPOINTS if changes or new_seed else {}), **overrides}
    base = with_overrides(
        base_cfg, {"days": day + days, **settings, **({"seed": seed} if new_seed else {})}
    )
    in_force = None
    if changes:
        kept = {k: v for k, v in changes.items() if not k.startswith("playbook")}  # DECLINE builds on it
        in_force = stage_config(base, stage, current=with_overrides(cfg, kept))
    return base, in_force, changes, new_seed


def check_fork(record: dict, overrides: dict, days: int, seeds=(None,)) -> None:
    """Refuse, before anything runs, a fork that `forked_configs` would refuse on any of `seeds`
    (None: the run's own), from the checkpoint whose record (sim/checkpoint.py `read`) is `record`."""
    base, cfg = SimConfig.from_dict(record["base_config"]), SimConfig.from_dict(record["config_in_force"])
    for seed in seeds:
        forked_configs(base, cfg, Stage[record["stage"]], record["day"], overrides, days, seed)


def continue_from(
    model: CommunityModel, overrides: dict, days: int, seed: int | None = None
) -> CommunityModel:
    """Make a restored model ready to run `days` more days under `overrides` (validated).

    With no policy change and the same seed this is an exact continuation. A policy change
    re-derives the config in force for the current stage (playbook included), swaps the policies,
    hires or lets go staff to match, and logs a `fork` event. A new seed re-keys every stream
    from the next day on. A changed or reseeded run writes no checkpoints unless `overrides` asks
    (resuming unchanged keeps the run's own checkpoint settings).
    """
    base, in_force, changes, new_seed = forked_configs(
        model.base_cfg, model.cfg, model.stage, model.day, overrides, days, seed
    )
    if changes:
        model.operate_under(base, in_force)
    else:  # the same community and staff, on more days or another seed
        model.operate_under(base, model.cfg, sync_staff=False)
    if changes or new_seed:
        label = (
            ", ".join(f"{k}={v}" for k, v in changes.items() if not isinstance(v, dict)) or "fork"
        )
        model.note("fork", label, {"overrides": changes, "seed": base.seed})
    return model


def fork(
    checkpoint, overrides_list: list[dict], days: int, seed: int | None = None, out_dirs=None
) -> list:
    """Continue `checkpoint` under each overrides dict for `days` more days from the same state.

    Args:
        checkpoint: a checkpoint folder.
        overrides_list: one {dotted key: value} per fork ({} continues unchanged).
        days: days to run past the checkpoint.
        seed: the seed of the days after the checkpoint (default: the run's own).
        out_dirs: a run folder per fork, or None to write nothing.

    Returns:
        One RunResult per fork, in order (series from day 0; the days up to the checkpoint are shared).
        Forks write no checkpoints unless their overrides ask.
    """
    out_dirs = out_dirs or [None] * len(overrides_list)
    record = read(checkpoint)[0]
    for overrides in overrides_list:  # every fork checked before the first one runs
        check_fork(record, {**NO_CHECKPOINTS, **overrides}, days, (seed,))
    results = []
    for overrides, out in zip(overrides_list, out_dirs, strict=True):
        model = continue_from(load(checkpoint), {**NO_CHECKPOINTS, **overrides}, days, seed)
        results.append(run(model.base_cfg, out, start=model))
    return results


def compare_forks(
    checkpoint,
    arms: dict[str, dict],
    days: int,
    seeds: list[int],
    baseline: str | None = None,
    out: Path | None = None,
    level: float = 0.95,
):
    """Every fork on every seed (common random numbers), tabulated against the baseline fork.

    Runs go to OUT/runs/ARM/seed=S (DONE last); a comparison started again reuses what finished.
    Returns a sim.analysis.compare.Comparison (write it with its `write_outputs`).
    """
    baseline = baseline or next(iter(arms))
    if baseline not in arms:
        raise ConfigError(f"--baseline {baseline!r} is not an arm; arms: {', '.join(arms)}")
    if not seeds:
        raise ConfigError("--seeds must be at least 1")
    record = read(checkpoint)[0]
    for label, overrides in arms.items():  # every arm on the lowest and highest seed, before any run
        try:
            check_fork(record, {**NO_CHECKPOINTS, **FAST_OUTPUT, **overrides}, days, (min(seeds), max(seeds)))
        except ConfigError as exc:
            raise ConfigError(f"--arm {label}: {exc}") from None
    frames = []
    for seed in seeds:
        for label, overrides in arms.items():
            folder = out / "runs" / label / f"seed={seed}" if out is not None else None
            if folder is not None and is_done(folder):
                ts = pd.read_parquet(folder / "timeseries.parquet")
            else:
                settings = {**NO_CHECKPOINTS, **FAST_OUTPUT, **overrides}  # checked above
                model = continue_from(load(checkpoint), settings, days, seed)
                ts = run(model.base_cfg, folder, start=model).timeseries
            frames.append(ts.assign(arm=label, seed=seed))
    daily = pd.concat(frames, ignore_index=True)
    kpis = standard_kpis()
    kpi_runs = pd.DataFrame(
        [
            {"arm": a, "seed": s, **kpi_row(g, kpis)}
            for (a, s), g in daily.groupby(["arm", "seed"], sort=False)
        ]
    )
    base = SimConfig.from_dict(record["base_config"])
    configs = {
        label: with_overrides(base, {"days": int(daily["day"].max()), **o})
        for label, o in arms.items()
    }
    return Comparison(
        configs,
        baseline,
        list(seeds),
        kpis,
        kpi_runs,
        daily,
        kpi_table(kpi_runs, kpis, baseline, level),
    )


# -- commands -------------------------------------------------------------------------------------


def _fail(exc: Exception) -> None:
    print(f"error: {exc}", file=sys.stderr)
    sys.exit(EXIT_BAD_INPUT)


def resume_main(argv: list[str] | None = None) -> None:
    """`community-sim-resume CHECKPOINT`: finish a run from a checkpoint (or a run's latest)."""
    p = CommandParser(prog="community-sim-resume", description=resume_main.__doc__)
    p.add_argument(
        "checkpoint", type=Path, help="a checkpoint folder, or a run folder (its latest checkpoint)"
    )
    p.add_argument("--days", type=int, help="run to this day (default: the run's own days)")
    p.add_argument(
        "--out", type=Path, help="run folder to write (default: the run that saved the checkpoint)"
    )
    a = p.parse_args(argv)
    try:
        where = find(a.checkpoint)
        meta = read(where)[0]
        if a.days is not None and a.days <= meta["day"]:
            raise ConfigError(
                f"--days {a.days}: the run already has {meta['day']} days at {where.name}; "
                f"--days must exceed {meta['day']} (to run on under other settings, use community-sim-fork)"
            )
        out = a.out or (Path(meta["run_dir"]) if meta["run_dir"] else None)
        if out is None:
            raise CheckpointError(f"{where}: saved without a run folder; give --out")
        with run_folder(out):  # one writer per run folder: a run or a resume holding it is not disturbed
            result = finish_run(where, out, a.days)
    except ConfigError as exc:
        _fail(exc)
    if result is None:
        print(f"already finished, skipped: {out}")
        return
    print(format_summary(result.summary, result.out_dir))


def finish_run(where: Path, out: Path, days: int | None = None):
    """Finish the run of checkpoint `where` into run folder `out`, up to day `days` (default: the
    run's own days); None if `out` is already finished. Everything `out` receives is written here."""
    if is_done(out):
        return None
    model = load(where)
    end = days if days is not None else model.base_cfg.days
    if end > model.day:
        model = continue_from(model, {}, end - model.day)
    # else: saved on its last day and stopped before its run folder was written: write it now
    return run(model.base_cfg, out, start=model)


def fork_main(argv: list[str] | None = None) -> None:
    """`community-sim-fork CHECKPOINT --days N --arm LABEL OVERRIDE... --arm LABEL OVERRIDE...`."""
    p = CommandParser(prog="community-sim-fork", description=__doc__.split("\n\n")[1])
    p.add_argument(
        "checkpoint", type=Path, help="a checkpoint folder, or a run folder or checkpoints folder"
    )
    p.add_argument(
        "--stage",
        help="with a run folder: fork from the first checkpoint in this stage (e.g. MATURE)",
    )
    p.add_argument("--days", type=int, required=True, help="days to run past the checkpoint")
    p.add_argument(
        "--arm",
        nargs="+",
        action="append",
        required=True,
        metavar=("LABEL", "OVERRIDE"),
        help="a fork: its label, then overrides (key=value or group=option; none = continue unchanged)",
    )
    p.add_argument("--baseline", help="label of the baseline fork (default: the first)")
    p.add_argument(
        "--seeds",
        type=int,
        default=5,
        help="seeds for the days after the checkpoint, from the run's own",
    )
    p.add_argument("--level", type=float, default=0.95)
    p.add_argument("--out", type=Path, default=Path("reports/forks"))
    p.add_argument("--title", default="Forks from a checkpoint 分叉对比")
    p.add_argument(
        "--config-dir",
        action="append",
        default=[],
        type=Path,
        help="a folder of your own config presets the arms may pick (repeat for more)",
    )
    a = p.parse_args(argv)
    try:
        labels = [arm[0] for arm in a.arm]
        if len(set(labels)) != len(labels) or len(labels) < 2:
            raise ConfigError(
                f"give at least two arms with distinct labels (got {', '.join(labels)})"
            )
        check_at_least("--seeds", a.seeds)
        if not 0 < a.level < 1:
            raise ConfigError(f"--level {a.level}: must be between 0 and 1")
        if a.days < 1:
            raise ConfigError(f"--days {a.days}: a fork runs at least one more day")
        where = find(a.checkpoint, a.stage)
        first = read(where)[0]["seed"]
        arms = {}
        for arm in a.arm:
            try:
                arms[arm[0]] = parse_overrides(arm[1:], a.config_dir)
            except ConfigError as exc:
                raise ConfigError(f"--arm {arm[0]}: {exc}") from None
        check_out_folder("--out", a.out)
        c = compare_forks(
            where, arms, a.days, list(range(first, first + a.seeds)), a.baseline, a.out, a.level
        )
    except ConfigError as exc:
        _fail(exc)
    md, page = write_outputs(c, a.out, f"{a.title} · {where.name}", a.level)
    print(formatted(c).to_string(index=False))
    print(f"forked from {where} · seeds: {len(c.seeds)} · report: {page} · {md}")
