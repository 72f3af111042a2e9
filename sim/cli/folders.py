"""Where community-sim looks for config: the built-in configs/ and the user's own folders.

Hydra's search path is the built-in folder first, then `--config-dir DIR`, then the entries of
`hydra.searchpath=[...]`; a user's folder adds its scenarios, policy presets, playbooks, graphs and
sweeps to the built-in ones. These functions find the folders, list a group's options across them
and refuse what Hydra would silently get wrong (a user preset shadowed by a built-in one).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from pathlib import Path

from hydra.core.override_parser.overrides_parser import OverridesParser
from hydra.errors import OverrideParseException

from sim.config import ConfigError
from sim.policies import REGISTRIES

POLICY_GROUPS = tuple(f"policy/{family}" for family in REGISTRIES)
GROUPS = ("network", *POLICY_GROUPS, "playbook", "scenario", "sweep")
SEARCHPATH = "hydra.searchpath"


def config_dir() -> Path:
    """The configs/ folder: $COMMUNITY_SIM_CONFIGS, else the one beside the installed package."""
    env = os.environ.get("COMMUNITY_SIM_CONFIGS")
    path = Path(env) if env else Path(__file__).resolve().parents[2] / "configs"
    if not (path / "config.yaml").is_file():
        raise ConfigError(
            f"no configs/config.yaml at {path}: install the project in editable mode (pip install -e .) "
            "or set COMMUNITY_SIM_CONFIGS to the configs folder"
        )
    return path


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


def with_searchpath(overrides: Sequence[str], user_dirs: Sequence[Path]) -> list[str]:
    """`overrides` with one `hydra.searchpath` override naming `user_dirs` (absolute), the way the
    compose API takes extra config folders (it has no --config-dir)."""
    kept = [o for o in overrides if o.split("=", 1)[0] != SEARCHPATH]
    if not user_dirs:
        return kept
    quoted = ",".join("'file://" + str(d).replace("\\", "\\\\").replace("'", "\\'") + "'" for d in user_dirs)
    return [*kept, f"{SEARCHPATH}=[{quoted}]"]
