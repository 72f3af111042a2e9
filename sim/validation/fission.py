"""A fission launch (裂变启动): the `fission_launch` scenario grows a community from its founders
with one poster campaign and no paid acquisition.

Measured per seed: members on day 60; the campaign's daily reproduction number, read by the day
people joined (the joins a member's poster brought in, per member who joined that day: the case
reproduction number of epidemiology), pooled over the members at the campaign's start (its first
sharers, and those who joined in its first three days) and over those who joined in its last three; and the 30-day retention of the campaign's reward hunters (羊毛党) against its other joiners.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from sim.population import NEVER, Channel
from sim.validation.base import PatternResult, Size
from sim.validation.runs import preset_runs, size_text

PRESET = "fission_launch"
EDGE_DAYS = 3  # the campaign's start and end windows
# joins brought in are counted up to day 90, whatever the preset's length: later everyday
# invitations would otherwise add to the campaign's reproduction numbers
COUNT_UNTIL_DAY = 90
SEEDS_FULL = tuple(range(10))


def reproduction_by_join_day(table, first_day: int, last_day: int,
                             until_day: int = COUNT_UNTIL_DAY) -> tuple[float, int]:
    """Referral joins brought in by day `until_day`, per member who joined between `first_day`
    and `last_day` (the case reproduction number of that cohort), and the cohort's size."""
    cohort = (table.joined_day >= first_day) & (table.joined_day <= last_day)
    brought = (table.channel == Channel.REFERRAL) & (table.inviter >= 0) & (table.joined_day <= until_day)
    offspring = np.bincount(table.inviter[brought], minlength=table.n)
    n = int(cohort.sum())
    return (float(offspring[cohort].sum()) / n if n else float("nan")), n


def retention_30(table, rows_mask, last_day: int) -> float:
    """Share of the people in `rows_mask` who joined at least 30 days before `last_day` and were
    still members (first spell) 30 days after joining."""
    cohort = rows_mask & (table.joined_day >= 0) & (table.joined_day <= last_day - 30)
    left = table.left_day[cohort]
    stayed = (left == NEVER) | (left - table.joined_day[cohort] > 30)
    return float(stayed.mean()) if stayed.size else float("nan")


def check_fission_launch(size: Size, preset: str = PRESET) -> PatternResult:
    """A fission campaign can launch a community: past 1,000 members in 60 days on most seeds, a
    reproduction number above 1 at the campaign's start and below 1 by its end, and reward hunters
    who leave fast."""
    seeds = SEEDS_FULL if size.name == "full" else size.seeds + (2,)
    runs = preset_runs(preset, dataclasses.replace(size, seeds=seeds))
    rows = []
    for seed, model in zip(seeds, runs, strict=True):
        cfg, t = model.cfg.policy.referral, model.table
        start, end = cfg.fission_first_day, cfg.fission_first_day + cfg.fission_length_days - 1
        # the start: everyone who was a member when the campaign began (its first sharers) and who
        # joined in its first days
        r_start, n_start = reproduction_by_join_day(t, 0, start + EDGE_DAYS - 1)
        r_end, n_end = reproduction_by_join_day(t, end - EDGE_DAYS + 1, end)
        came = (t.channel == Channel.REFERRAL) & (t.joined_day >= start) & (t.joined_day <= end)
        ts = model.frame
        rows.append({
            "seed": seed,
            "members_day60": int(ts["members"].iloc[60]),
            "r_start": r_start, "n_start": n_start, "r_end": r_end, "n_end": n_end,
            "hunter_retention_30": retention_30(t, came & t.hunter, model.day),
            "other_retention_30": retention_30(t, came & ~t.hunter, model.day),
            "fission_joins": int(ts["fission_joins"].sum()),
            "reward_cost": float(ts["referral_rewards"].sum()),
        })
    over = sum(r["members_day60"] > 1000 for r in rows)
    m = {
        "seeds_over_1000_by_day60": over,
        "members_day60": float(np.mean([r["members_day60"] for r in rows])),
        "r_start": float(np.mean([r["r_start"] for r in rows])),
        "r_end": float(np.mean([r["r_end"] for r in rows])),
        "hunter_retention_30": float(np.mean([r["hunter_retention_30"] for r in rows])),
        "other_retention_30": float(np.mean([r["other_retention_30"] for r in rows])),
        "reward_cost_per_fission_join": float(sum(r["reward_cost"] for r in rows) / max(1, sum(r["fission_joins"] for r in rows))),
    }
    ok = (over >= 0.8 * len(rows) and all(r["r_start"] > 1 for r in rows) and all(r["r_end"] < 1 for r in rows)
          and m["hunter_retention_30"] < 0.5 * m["other_retention_30"])
    return PatternResult(
        "fission_launch",
        "A poster campaign (任务宝) can launch a community: a short burst with R above 1, saturating below 1, "
        "and reward hunters who leave.",
        "practice of 裂变 launches (no published figures); Goel, Anderson, Hofman & Watts 2016: sustained "
        "viral bursts are rare and short",
        f"scenario {preset}: members on day 60; referral joins by day {COUNT_UNTIL_DAY} per member at the campaign's "
        f"start (members before it and joiners of its first {EDGE_DAYS} days) and per joiner of its last {EDGE_DAYS} days; 30-day retention of its reward hunters and other joiners",
        m,
        "at least 80% of seeds past 1,000 members by day 60; on every seed R above 1 at the start and below 1 "
        "by the end; hunters' 30-day retention under half the other joiners'",
        ok,
        seeds,
        size_text(preset, size, runs) + " (20 founders, no paid campaign, one 14-day poster campaign)",
        {"per_seed": rows},
        preset,
    )
