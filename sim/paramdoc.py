"""The parameter reference (docs/parameters.md), generated from the config schema.

`python -m sim.paramdoc > docs/parameters.md` rewrites it; a test checks it is current, so every
parameter's default, range, meaning and source is documented in one place that cannot drift.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import yaml

from sim.config import SimConfig
from sim.playbook import flatten
from sim.schema import declared_fields

SCENARIOS = Path(__file__).resolve().parents[1] / "scenarios"


def _rows():
    for key, f, tp in declared_fields(SimConfig):
        meta = f.metadata
        if meta.get("choices"):
            allowed = ", ".join(map(str, meta["choices"]))
        elif meta.get("lo") is not None or meta.get("hi") is not None:
            allowed = f"{meta.get('lo')} to {meta.get('hi')}"
        else:
            allowed = tp.__name__
        default = f.default if f.default is not dataclasses.MISSING else f.default_factory()
        yield key, default, allowed, meta["help"], meta["source"]


def render() -> str:
    """The Markdown reference of every parameter."""
    lines = [
        "# Parameters",
        "",
        "Generated from the config schema (`sim/config.py` and the groups it assembles) by",
        "`python -m sim.paramdoc > docs/parameters.md`. Scenario presets (`scenarios/`) and policy",
        "presets (`configs/policy/`) override some of these defaults. A source is a citation,",
        "`assumption: <why this value>` for a value chosen without one, or `setting: <what it chooses>`",
        "for a choice of the run rather than a fact about communities.",
        "",
        "| key | default | allowed | meaning | source |",
        "|---|---|---|---|---|",
    ]
    for key, default, allowed, meaning, source in _rows():
        lines.append(f"| `{key}` | `{default!r}` | {allowed} | {meaning} | {source} |")
    lines += [
        "",
        "## Scenario presets",
        "",
        "What each preset in `scenarios/` sets on top of the defaults above, and where each value comes",
        "from (the preset's `sources`, kept in every run's config.yaml). What a preset is calibrated to",
        "is in scenarios/README.md.",
    ]
    for path in sorted(SCENARIOS.glob("*.yaml")):
        values, sources = preset_values(path)
        lines += ["", f"### `{path.stem}`", "", "| key | value | source |", "|---|---|---|"]
        lines += [f"| `{k}` | `{v!r}` | {sources.get(k, '**missing**')} |" for k, v in values.items()]
    return "\n".join(lines) + "\n"


def preset_values(path: Path) -> tuple[dict, dict]:
    """The values a scenario preset sets, flat ({"network.n_people": 50000, "policy.referral.name":
    "fission", "playbook": "flat", ...}), and its sources."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    values = {}
    for item in data.pop("defaults", None) or []:
        if isinstance(item, dict):
            for group, option in item.items():
                key = group.removeprefix("override ").strip("/").replace("/", ".")
                values[f"{key}.name" if key.startswith("policy.") else key] = option
    sources = data.pop("sources", None) or {}
    values.update(flatten(data))
    return values, sources


if __name__ == "__main__":
    print(render(), end="")
