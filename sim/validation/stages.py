"""The lifecycle stages mean what operators mean (sim/lifecycle.py), read from the recorded `stage`
and `joins` columns of the preset runs: the five stages come in order; MATURE begins once the
inflow has fallen to two thirds of its peak or less; after EXPANSION begins, more people join than
before it."""

from __future__ import annotations

import math

import numpy as np

from sim.lifecycle import Stage, window_sums
from sim.validation.base import PatternResult, Size
from sim.validation.presets import DEFAULT_PRESET
from sim.validation.runs import PresetRun, preset_runs, size_text

ORDER = (Stage.CREATE, Stage.GROW, Stage.ACTIVE, Stage.MATURE, Stage.EXPANSION)
WINDOW_DAYS = 28
MATURE_INFLOW = 2.0 / 3.0  # joins over 28 days at MATURE entry, at most this share of the peak
IN_ORDER_SHARE = 0.8  # at least 8 seeds of 10 pass through the five stages in order


def entry_days(stage: np.ndarray) -> dict[Stage, int]:
    """The first day each stage was recorded (stages never entered are absent)."""
    return {s: int(np.argmax(stage == s)) for s in ORDER if (stage == s).any()}


def in_order(entry: dict[Stage, int]) -> bool:
    """Whether the five healthy stages were all entered, one after another (`entry`: `entry_days`)."""
    days = [entry.get(s) for s in ORDER]
    return None not in days and all(a < b for a, b in zip(days, days[1:], strict=False))


def stage_facts(run: PresetRun) -> dict[str, float]:
    """One run's stage entries and the joins around MATURE and EXPANSION entry (nan where not reached)."""
    stage, joins = run.frame["stage"].to_numpy(), run.frame["joins"].to_numpy(dtype=float)
    entry = entry_days(stage)
    out = {"in_order": float(in_order(entry)),
           "mature_day": float(entry.get(Stage.MATURE, math.nan)),
           "expansion_day": float(entry.get(Stage.EXPANSION, math.nan)),
           "mature_inflow_of_peak": math.nan, "expansion_joins_after": math.nan, "expansion_joins_before": math.nan}
    sums = window_sums(joins, WINDOW_DAYS)  # index: a window's last day minus one
    if Stage.MATURE in entry:
        d = entry[Stage.MATURE]
        out["mature_inflow_of_peak"] = float(sums[d - 1] / max(1.0, sums[: d].max()))
    if Stage.EXPANSION in entry:
        d = entry[Stage.EXPANSION]
        after = joins[d + 1 : d + 1 + WINDOW_DAYS]
        if len(after) == WINDOW_DAYS:  # entered with four weeks left to see
            out["expansion_joins_after"] = float(after.sum())
            out["expansion_joins_before"] = float(joins[max(1, d - WINDOW_DAYS + 1) : d + 1].sum())
    return out


def check_stage_meaning(size: Size, preset: str = DEFAULT_PRESET) -> PatternResult:
    """The five stages come in order; MATURE means a fallen inflow, EXPANSION a rising one."""
    runs = preset_runs(preset, size)
    rows = [{"seed": s, **stage_facts(r)} for s, r in zip(size.seeds, runs, strict=True)]
    mature = [r["mature_inflow_of_peak"] for r in rows if not math.isnan(r["mature_inflow_of_peak"])]
    expanded = [r for r in rows if not math.isnan(r["expansion_joins_after"])]
    need = math.ceil(IN_ORDER_SHARE * len(rows))
    m = {
        "seeds_in_order": sum(r["in_order"] for r in rows),
        "seeds_needed": need,
        "seeds_mature": len(mature),
        "worst_mature_inflow_of_peak": max(mature, default=math.nan),
        "seeds_expansion_resolved": len(expanded),
        "expansion_after_over_before": float(np.mean([r["expansion_joins_after"] / max(1.0, r["expansion_joins_before"])
                                                      for r in expanded])) if expanded else math.nan,
    }
    ok = (m["seeds_in_order"] >= need and all(v <= MATURE_INFLOW for v in mature)
          and all(r["expansion_joins_after"] > r["expansion_joins_before"] for r in expanded))
    return PatternResult(
        "stage_meaning",
        "A community passes through create, grow, active, mature and expansion in order; maturity is a "
        "saturating inflow, expansion is growth resumed.",
        "Iriberri & Leroy 2009 (ACM Computing Surveys 41(2)) name the stages (qualitative); practitioners' "
        "meaning: maturity = a stable structure and a saturating audience, expansion = growth resumes as the "
        "community reaches new people (no numeric thresholds published)",
        f"recorded stage and joins per day: first entry day of each stage; at MATURE entry the joins of the last "
        f"{WINDOW_DAYS} days over the largest {WINDOW_DAYS}-day joins before; joins in the {WINDOW_DAYS} days after "
        f"EXPANSION entry and in the {WINDOW_DAYS} days up to it (where the run goes on {WINDOW_DAYS} days after it)",
        m,
        f"the five stages in order on at least {IN_ORDER_SHARE:.0%} of seeds ({need} of {len(rows)}; at 2 seeds: "
        f"both); on every seed that reaches MATURE its inflow at most {MATURE_INFLOW:.2f} of the peak; on every "
        "seed whose EXPANSION is followed for 28 days, more joins after it than before",
        ok,
        size.seeds,
        size_text(preset, size, runs),
        {"per_seed": rows},
        preset,
    )
