"""Command-line entry points (the only module that knows about Hydra).

`community-sim [overrides]` composes configs/ (+ scenarios/), validates it into a SimConfig, runs
it, writes the run folder and prints a summary table. Bad input exits non-zero with one line:
command-line keys and group options are checked before Hydra starts, values by the schema.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from sim.backend import BackendUnavailable
from sim.config import ConfigError, SimConfig
from sim.jobdir import register_resolver
from sim.playbook import pin_overrides

# Sweep job folders are named by ${job_dir:...} (configs/config.yaml). A launcher's worker (joblib,
# Ray, submitit) imports this module to find the task and names the job folder before the task
# runs, so the resolver is registered on import, not in main().
register_resolver()

EXIT_BAD_INPUT = 2
GROUPS = ("network", "policy/content", "policy/referral", "policy/acquisition", "playbook", "scenario", "sweep")
HYDRA_FLAGS_WITH_VALUE = {"--config-path", "-cp", "--config-name", "-cn", "--config-dir", "-cd",
                          "--package", "-p", "--info", "-i", "--experimental-rerun"}


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


def group_options(cdir: Path, group: str) -> list[str]:
    """The options of a config group (YAML files in its folder)."""
    return sorted(p.stem for p in (cdir / group).glob("*.yaml"))


def check_overrides(args: list[str], cdir: Path) -> None:
    """Refuse unknown keys and group options on the command line with one clear line."""
    defaults = schema_defaults()
    skip_next = False
    for arg in args:
        if skip_next:
            skip_next = False
            continue
        if arg in HYDRA_FLAGS_WITH_VALUE:
            skip_next = True
            continue
        if arg.startswith("-") or "=" not in arg:
            if not arg.startswith("-"):
                raise ConfigError(f"{arg!r} is not an override: write key=value, e.g. days=180")
            continue
        key, value = arg.split("=", 1)
        key = key.lstrip("+~")
        if key.startswith(("hydra.", "hydra/", "playbook.stages.")):  # free-form: checked by the schema
            continue
        if key in GROUPS:
            options = group_options(cdir, key)
            values = [v for v in value.split(",")] if "(" not in value else []
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
        check_value(arg, key, node)


def check_value(arg: str, key: str, default) -> None:
    """Refuse a value that cannot be read, or a list or mapping where the schema has one value (and
    the reverse), with one line naming the key, what it takes and what it got (Hydra's own messages
    for these, `no viable alternative at input` or `Cannot merge DictConfig with ListConfig`, name
    neither)."""
    from hydra.core.override_parser.overrides_parser import OverridesParser  # noqa: PLC0415
    from hydra.errors import OverrideParseException  # noqa: PLC0415

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
        for sub in got:
            if sub not in default:
                raise ConfigError(f"{key}.{sub}: no such config key; allowed here: {', '.join(sorted(default))}")
    elif isinstance(default, dict) or isinstance(got, list | dict):
        kind = "the list" if isinstance(got, list) else "the mapping" if isinstance(got, dict) else "the value"
        raise ConfigError(f"{key}: expected {expected}; got {kind} {value}")


def register_schema() -> None:
    """Store the schema defaults as Hydra's `schema` config (the base of configs/config.yaml)."""
    from hydra.core.config_store import ConfigStore  # noqa: PLC0415

    ConfigStore.instance().store(name="schema", node=schema_defaults())


def load_config(overrides: list[str] | tuple[str, ...] = ()) -> SimConfig:
    """Compose configs/ with Hydra-style overrides (as on the command line) into a SimConfig.

    For tools and notebooks that want exactly what `community-sim OVERRIDES` would run, without
    running it: `load_config(["scenario=classroom", "policy/referral=reward_per_join", "seed=3"])`.
    Raises ConfigError with one line on an unknown key, option or bad value.
    """
    from hydra import compose, initialize_config_dir  # noqa: PLC0415
    from hydra.errors import HydraException  # noqa: PLC0415
    from omegaconf import OmegaConf  # noqa: PLC0415
    from omegaconf.errors import OmegaConfBaseException  # noqa: PLC0415

    cdir = config_dir()
    check_overrides(list(overrides), cdir)
    register_schema()
    try:
        with initialize_config_dir(config_dir=str(cdir), version_base="1.3"):
            cfg = compose("config", overrides=list(overrides), return_hydra_config=True)
            choices = cfg.hydra.runtime.choices
            scenario = choices.get("scenario") or "custom"
            data = OmegaConf.to_container(cfg, resolve=False)
    except (HydraException, OmegaConfBaseException) as exc:
        raise ConfigError(str(exc).splitlines()[0]) from None
    data.pop("hydra", None)
    data["scenario"] = scenario
    pin_overrides(data, overrides)
    return SimConfig.from_dict(data)


def _task(cfg) -> None:
    """The Hydra task: validate, run, write, print."""
    from hydra.core.hydra_config import HydraConfig  # noqa: PLC0415
    from omegaconf import OmegaConf  # noqa: PLC0415

    from sim.recorder import is_done, mark_failed  # noqa: PLC0415
    from sim.runner import format_summary, run  # noqa: PLC0415

    hc = HydraConfig.get()
    out_dir = Path(hc.runtime.output_dir)
    if is_done(out_dir):  # a restarted sweep (fixed hydra.sweep.dir): keep what already finished
        print(f"already finished, skipped: {out_dir}")
        return
    try:
        data = OmegaConf.to_container(cfg, resolve=True)
        data["scenario"] = hc.runtime.choices.get("scenario") or "custom"
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
    import hydra  # noqa: PLC0415

    try:
        cdir = config_dir()
        check_overrides(sys.argv[1:], cdir)
    except ConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        sys.exit(EXIT_BAD_INPUT)
    register_schema()
    hydra.main(version_base="1.3", config_path=str(cdir), config_name="config")(_task)()


if __name__ == "__main__":
    main()
