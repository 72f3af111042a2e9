"""The parameter reference (docs/parameters.md), generated from the config schema.

`python -m sim.paramdoc > docs/parameters.md` rewrites it; a test checks it is current, so every
parameter's default, range, meaning and source is documented in one place that cannot drift.
"""

from __future__ import annotations

import dataclasses
import typing

from sim.config import SimConfig


def _rows(cls, prefix: str = ""):
    hints = typing.get_type_hints(cls)
    for f in dataclasses.fields(cls):
        tp = hints[f.name]
        if dataclasses.is_dataclass(tp):
            yield from _rows(tp, f"{prefix}{f.name}.")
            continue
        meta = f.metadata
        if meta.get("choices"):
            allowed = ", ".join(map(str, meta["choices"]))
        elif meta.get("lo") is not None or meta.get("hi") is not None:
            allowed = f"{meta.get('lo')} to {meta.get('hi')}"
        else:
            allowed = tp.__name__
        default = f.default if f.default is not dataclasses.MISSING else f.default_factory()
        yield f"{prefix}{f.name}", default, allowed, meta.get("help", ""), meta.get("source", "assumption")


def render() -> str:
    """The Markdown reference of every parameter."""
    lines = [
        "# Parameters",
        "",
        "Generated from `sim/config.py` by `python -m sim.paramdoc > docs/parameters.md`. Scenario presets",
        "(`scenarios/`) and policy options (`configs/policy/`) override some of these defaults.",
        "`assumption` marks a value chosen for plausibility, not taken from a source.",
        "",
        "| key | default | allowed | meaning | source |",
        "|---|---|---|---|---|",
    ]
    for key, default, allowed, meaning, source in _rows(SimConfig):
        lines.append(f"| `{key}` | `{default!r}` | {allowed} | {meaning} | {source} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(render(), end="")
