"""Operating playbooks: which policy values apply in which lifecycle stage.

A playbook (configs/playbook/) lists, per stage, overrides of `policy.*`, `staff.*` and `groups.*`.
They accumulate in stage order (CREATE, GROW, ACTIVE, MATURE, EXPANSION): a stage's config is the
base config plus the overrides of every stage up to it. DECLINE's overrides apply on top of the
config in force when the community starts declining. Every stage's config is built and validated
before the run starts, so a bad playbook stops the run at once with one line.
"""

from __future__ import annotations

import dataclasses

from sim.lifecycle import Stage
from sim.schema import ConfigError

HEALTHY_ORDER = (Stage.CREATE, Stage.GROW, Stage.ACTIVE, Stage.MATURE, Stage.EXPANSION)
SWITCHABLE = ("policy", "staff", "groups")


def flatten(overrides: dict, prefix: str = "") -> dict:
    """Nested overrides -> {"policy.content.posts_per_week": 14, ...}."""
    flat = {}
    for key, value in overrides.items():
        dotted = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(flatten(value, dotted + "."))
        else:
            flat[dotted] = value
    return flat


def stage_overrides(cfg, stage: Stage) -> dict:
    """The flat overrides the playbook gives for `stage` itself (not accumulated)."""
    raw = cfg.playbook.stages.get(stage.name) or {}
    return flatten(raw)


def stage_config(cfg, stage: Stage, current=None):
    """The config in force in `stage`: base + accumulated overrides (DECLINE: current + its own).

    Stage configs carry the playbook's name but not its stages (the model keeps the playbook).
    """
    base = current if (stage == Stage.DECLINE and current is not None) else _without_playbook(cfg)
    if stage == Stage.DECLINE:
        changes = stage_overrides(cfg, stage)
    else:
        changes = {}
        for s in HEALTHY_ORDER[: HEALTHY_ORDER.index(stage) + 1]:
            changes.update(stage_overrides(cfg, s))
    return base.replace(**changes) if changes else base


def _without_playbook(cfg):
    return dataclasses.replace(cfg, playbook=dataclasses.replace(cfg.playbook, stages={}))


def pin_overrides(data: dict, overrides) -> list[str]:
    """Hold command-line choices for the whole run: remove what the user set explicitly
    (`policy.content.posts_per_week=3`, `policy/referral=none`, `staff.n_experts=4`) from every
    stage of the playbook in the composed config `data`, so a stage switch cannot undo it.

    Returns the keys that the playbook would otherwise have changed.
    """
    stages = (data.get("playbook") or {}).get("stages") or {}
    pinned = []
    for item in overrides:
        key = str(item).split("=", 1)[0].lstrip("+~").replace("/", ".")
        if key.split(".", 1)[0] not in SWITCHABLE:
            continue
        *parents, leaf = key.split(".")
        for overrides_of_stage in stages.values():
            node = overrides_of_stage
            for part in parents:
                node = node.get(part) if isinstance(node, dict) else None
            if isinstance(node, dict) and leaf in node:
                del node[leaf]
                if key not in pinned:
                    pinned.append(key)
    return pinned


def check_playbook(cfg) -> None:
    """Refuse unknown stages, keys outside policy/staff/groups, and values the schema refuses."""
    for name, overrides in cfg.playbook.stages.items():
        if name not in Stage.__members__:
            raise ConfigError(f"playbook.stages.{name}: not a stage; allowed: {', '.join(Stage.__members__)}")
        if overrides is None:
            continue
        if not isinstance(overrides, dict):
            raise ConfigError(f"playbook.stages.{name} = {overrides!r} must be a group of overrides")
        for key in flatten(overrides):
            if key.split(".", 1)[0] not in SWITCHABLE:
                raise ConfigError(f"playbook.stages.{name}.{key}: a playbook can change {', '.join(s + '.*' for s in SWITCHABLE)} only")
    for stage in Stage:
        try:
            stage_config(cfg, stage)
        except ConfigError as exc:
            raise ConfigError(f"playbook.stages.{stage.name}: {exc}") from None
