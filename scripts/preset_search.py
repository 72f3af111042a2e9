#!/usr/bin/env python3
"""The documented search behind each scenario preset's calibration (scenarios/README.md).

Runs a preset over seeds for each value of one lever and prints, per value, the facts a preset is
calibrated to (means over the seeds, with the min-max where a single seed can be far off):
daily / monthly active shares and the share silent for 12 weeks over the last 28 days (Nonnecke &
Preece 2000; Breezio; Higher Logic 2023), the share of members who ever posted (van Mierlo 2014;
Lampe & Johnston 2005), seeds passing through the five stages in order, members at the end, and
the payback day where the economics pay back.

usage: python scripts/preset_search.py SCENARIO [--seeds N] [--set KEY=VALUE ...] [--vary KEY=V1,V2,...]
example: python scripts/preset_search.py knowledge_circle --seeds 10 --vary member.engagement_join=0.45,0.55,0.65
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sim.accounts import payback_day  # noqa: E402
from sim.cli import load_config  # noqa: E402
from sim.config import ConfigError  # noqa: E402
from sim.lifecycle import Stage  # noqa: E402
from sim.model import CommunityModel  # noqa: E402
from sim.validation.stages import entry_days, in_order  # noqa: E402


def _value(text: str):
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return text


def measure(scenario: str, seed: int, overrides: dict) -> dict:
    """The calibration facts of one run."""
    cfg = load_config([f"scenario={scenario}", f"seed={seed}", "output.plots=false"]).replace(**overrides)
    model = CommunityModel(cfg)
    for _ in range(cfg.days):
        model.step()
    df = model.recorder.frame()
    last = df.tail(28)
    members = last["members"].clip(lower=1).to_numpy(dtype=float)
    stage = df["stage"].to_numpy()
    t = model.table
    ever = t.joined_day >= 0
    return {
        "members": int(df["members"].iloc[-1]),
        "daily_active": float((last["daily_active"] / members).mean()),
        "monthly_active": float((last["monthly_active"] / members).mean()),
        "silent_12w": float((last["silent_12w"] / members).mean()),
        "ever_posted": float((t.posts[ever] > 0).mean()) if ever.any() else 0.0,
        "five_stages": in_order(entry_days(stage)) and not (stage == Stage.DECLINE).any(),
        "payback_day": payback_day(df["day"], df["margin"], df["cost"]),
    }


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("scenario")
    ap.add_argument("--seeds", type=int, default=5)
    ap.add_argument("--set", nargs="*", default=[], metavar="KEY=VALUE")
    ap.add_argument("--vary", default=None, metavar="KEY=V1,V2")
    a = ap.parse_args(argv)
    fixed = {k: _value(v) for k, v in (kv.split("=", 1) for kv in a.set)}
    key, values = (None, [None]) if a.vary is None else (a.vary.split("=")[0], [_value(v) for v in a.vary.split("=")[1].split(",")])
    print(f"{a.scenario} · seeds 0-{a.seeds - 1} · fixed {fixed or '-'}", flush=True)
    for value in values:
        overrides = dict(fixed, **({key: value} if key else {}))
        t0 = time.time()
        try:
            rows = [measure(a.scenario, seed, overrides) for seed in range(a.seeds)]
        except ConfigError as e:
            print(f"error: {e}", file=sys.stderr)
            return 2
        paid = [r["payback_day"] for r in rows if r["payback_day"] is not None]

        def m(k, rows=rows):
            v = [r[k] for r in rows]
            return f"{np.mean(v):.3f} [{min(v):.3f}-{max(v):.3f}]"

        print(
            f"{key or 'as defined'}={value if key else ''}: members {np.mean([r['members'] for r in rows]):,.0f} · "
            f"daily active {m('daily_active')} · monthly active {m('monthly_active')} · silent 12w {m('silent_12w')} · "
            f"ever posted {m('ever_posted')} · five stages {sum(r['five_stages'] for r in rows)}/{len(rows)} · "
            f"paid back {len(paid)}/{len(rows)}" + (f" (median day {int(np.median(paid))})" if paid else "")
            + f" · {time.time() - t0:.0f} s",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
