"""The parameter reference (docs/parameters.md), generated from the config schema.

`python -m sim.paramdoc > docs/parameters.md` rewrites it; a test checks it is current, so every
parameter's default, range, meaning and source is documented in one place that cannot drift.
"""

from __future__ import annotations

import dataclasses

from sim.config import SimConfig
from sim.schema import declared_fields


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
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(render(), end="")
