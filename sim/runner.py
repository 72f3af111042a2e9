"""Running the simulation: `run(config) -> RunResult`, with no Hydra involved.

`run` builds the model, steps it for `days`, summarises, and (given an output folder) writes the
run folder described in sim/recorder.py, marking it done last.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import yaml

from sim import accounts
from sim.checkpoint import Checkpointer
from sim.config import SimConfig
from sim.dashboard import save_dashboard
from sim.lifecycle import Stage
from sim.metrics import METRICS
from sim.model import CommunityModel
from sim.network import SocialGraph
from sim.recorder import (
    atomic_save,
    atomic_write_json,
    atomic_write_text,
    mark_done,
    provenance,
)

HIGHLIGHT_WINDOW_DAYS = 28  # "recent" averages in the summary use the last four weeks


@dataclass
class RunResult:
    """What one run produced."""

    config: SimConfig
    timeseries: pd.DataFrame
    stages: pd.DataFrame
    summary: dict
    out_dir: Path | None
    model: CommunityModel


def run(
    cfg: SimConfig, out_dir: str | Path | None = None, graph: SocialGraph | None = None,
    start: CommunityModel | None = None,
) -> RunResult:
    """Simulate `cfg.days` days and summarise; write the run folder if `out_dir` is given.

    Args:
        cfg: validated configuration.
        out_dir: folder to write outputs into (created if needed); None writes nothing.
        graph: a prebuilt social graph to reuse across runs (must match cfg.network).
        start: a model restored from a checkpoint (sim/checkpoint.py; its `base_cfg` is `cfg`):
            stepped on from its day to `cfg.days` instead of building a new one.
    """
    t0 = time.perf_counter()
    model = start if start is not None else CommunityModel(cfg, graph=graph)
    checkpoints = Checkpointer(cfg, out_dir)  # saves nothing unless checkpoint.* asks
    t1 = time.perf_counter()
    stepped = max(cfg.days - model.day, 0)  # a restored model steps only the days after its own
    for _ in range(model.day, cfg.days):
        model.step()
        checkpoints.after_day(model)
    t2 = time.perf_counter()
    timeseries = model.recorder.frame()
    stages = stage_table(model)
    timings = {
        "build_seconds": round(t1 - t0, 3),
        "step_seconds": round(t2 - t1, 3),
        "member_days_per_second": round(model.graph.n * stepped / max(t2 - t1, 1e-9)),
    }
    summary = summarise(cfg, timeseries, stages, timings)
    result = RunResult(cfg, timeseries, stages, summary, None, model)
    if out_dir is not None:
        result.out_dir = write_run_folder(result, Path(out_dir), timings)
    return result


def stage_table(model: CommunityModel) -> pd.DataFrame:
    """The stage timeline: one row per spell, with the criteria values at entry."""
    rows = []
    spells = model.state.stage_log
    for k, spell in enumerate(spells):
        last = spells[k + 1].first_day - 1 if k + 1 < len(spells) else model.day
        rows.append(
            {
                "stage": spell.stage.name,
                "stage_zh": spell.stage.zh,
                "first_day": spell.first_day,
                "last_day": last,
                "members_at_entry": spell.entry.members,
                "growth_per_week_at_entry": round(spell.entry.growth_per_week, 4),
                "active_share_at_entry": round(spell.entry.active_share, 4),
                "member_content_share_at_entry": round(spell.entry.member_content_share, 4),
            }
        )
    return pd.DataFrame(rows)


def events_table(model: CommunityModel) -> pd.DataFrame:
    """What happened when (stage changes, playbook switches, groups opened, staff changes)."""
    rows = [{"day": e["day"], "kind": e["kind"], "label": e["label"],
             "detail": json.dumps(e["detail"], ensure_ascii=False, default=str)} for e in model.state.events_log]
    return pd.DataFrame(rows, columns=["day", "kind", "label", "detail"])


def summarise(cfg: SimConfig, ts: pd.DataFrame, stages: pd.DataFrame, timings: dict) -> dict:
    """Headline figures of a run."""
    recent = ts.tail(HIGHLIGHT_WINDOW_DAYS)
    final = ts.iloc[-1]
    cost_total = float(ts["cost"].sum())
    posts_m, posts_e = int(ts["posts_member"].sum()), int(ts["posts_expert"].sum())
    revenue = float(ts["revenue"].sum())
    acquired = int(ts["joins"][1:].sum())
    reached = [Stage[s] for s in stages["stage"]]
    healthy = [s for s in reached if s != Stage.DECLINE]
    return {
        "scenario": cfg.scenario,
        "seed": cfg.seed,
        "days": cfg.days,
        "population": cfg.network.n_people if cfg.network.kind != "file" else None,
        "members_final": int(final["members"]),
        "members_peak": int(ts["members"].max()),
        "daily_active_recent": round(float(recent["daily_active"].mean()), 2),
        "active_share_recent": round(float(recent["active_share"].mean()), 4),
        "monthly_active_share_recent": round(float((recent["monthly_active"] / recent["members"].clip(lower=1)).mean()), 4),
        "muted_share_final": round(float(final["muted"]) / float(final["members"]), 4) if final["members"] else 0.0,
        "silent_12w_share_final": round(float(final["silent_12w"]) / float(final["members"]), 4) if final["members"] else 0.0,
        "reactivated_total": int(ts["reactivated"].sum()),
        "returns_total": int(ts["returns"].sum()),
        "joins": {
            "founder": int(ts["members_founder"].iloc[0]),
            "organic": int(ts["joins_organic"].sum()),
            "campaign": int(ts["joins_campaign"].sum()),
            "referral": int(ts["joins_referral"].sum()),
        },
        "leaves_total": int(ts["leaves"].sum()),
        "churn_rate_recent_per_day": round(float(recent["churn_rate"].mean()), 5),
        "posts_expert_total": posts_e,
        "posts_member_total": posts_m,
        "member_content_share": round(posts_m / (posts_m + posts_e), 4) if posts_m + posts_e else 0.0,
        "cost_total_yuan": round(cost_total, 2),
        "cost_by_kind_yuan": {k: round(v, 2) for k, v in accounts.costs_by_kind(ts).items()},
        "cost_per_member_yuan": round(cost_total / final["members"], 2) if final["members"] else None,
        "cost_per_acquired_member_yuan": _ratio(ts["campaign_spend"].sum() + ts["referral_rewards"].sum(), acquired),
        "cost_per_retained_member_yuan": _ratio(cost_total, final["members"]),
        "revenue_total_yuan": round(revenue, 2),
        "arpu_per_month_yuan": _ratio(revenue * 30.0 / max(len(ts) - 1, 1), ts["members"][1:].mean()),
        "roi": round(accounts.roi(ts), 4) if cost_total else None,
        **accounts.accounts(ts),
        "reached_share": round(float(final["reached_share"]), 4),
        "stage_final": reached[-1].name,
        "stage_final_zh": reached[-1].zh,
        "stage_highest": max(healthy).name,
        "days_to_stage": first_days(stages),
        "timings": timings,
    }


def first_days(stages: pd.DataFrame) -> dict:
    """Day each stage was first entered (DECLINE included if it happened), in order of entry."""
    first: dict[str, int] = {}
    for row in stages.itertuples():
        first.setdefault(row.stage, int(row.first_day))
    return first


def _ratio(num: float, den: float, digits: int = 2) -> float | None:
    return round(float(num) / float(den), digits) if den else None


def payback_line(s: dict) -> str:
    """When the community pays back, or that it never does and which cost dominates."""
    dominant = s["cost_dominant"]
    if s["payback_day"] is not None:
        fees = " (membership fees count on the day they are paid)" if s.get("membership_fees_total_yuan") else ""
        return f"day {s['payback_day']}: cumulative margin covers cumulative cost from then on{fees}"
    covers = f"margin covers {s['margin_share_of_cost']:.0%} of cost" if s["margin_share_of_cost"] is not None else "no cost"
    line = f"never pays back in {s['days']} days: {covers}"
    if dominant:
        kind = dominant["kind"].replace("_", " ")
        line += f"; {kind} {'is' if kind == 'reactivation' else 'are'} {dominant['share']:.0%} of cost"
    return line


def unit_economics_line(s: dict) -> str:
    """CAC by channel, margin per member-month, LTV and LTV/CAC."""
    cac = s["cac_yuan"]

    def yuan(x):
        return "-" if x is None else f"{x:,.1f}"

    ltv = s["ltv_yuan"]
    return (f"CAC {yuan(cac['blended'])} yuan (campaign {yuan(cac['campaign'])} · referral {yuan(cac['referral'])} · "
            f"organic {yuan(cac['organic'])}) · margin {yuan(s['margin_per_member_month_yuan'])}/member-month · "
            f"LTV {yuan(ltv)} over {s['expected_lifetime_months'] or 0:.0f} months"
            + (f" · LTV/CAC {s['ltv_to_cac']:.1f}" if s["ltv_to_cac"] is not None else ""))


def write_run_folder(result: RunResult, out: Path, timings: dict) -> Path:
    """Write every output of a finished run, then mark the folder done."""
    out.mkdir(parents=True, exist_ok=True)
    cfg = result.config
    atomic_write_text(out / "config.yaml", yaml.safe_dump(cfg.to_dict(), sort_keys=False, allow_unicode=True))
    atomic_save(out / "timeseries.parquet", lambda p: result.timeseries.to_parquet(p, index=False))
    if cfg.output.csv:
        atomic_save(out / "timeseries.csv", lambda p: result.timeseries.to_csv(p, index=False))
    atomic_write_json(out / "metrics.json", {m.name: {"unit": m.unit, "meaning": m.meaning} for m in METRICS})
    atomic_save(out / "stages.csv", lambda p: result.stages.to_csv(p, index=False))
    atomic_save(out / "events.csv", lambda p: events_table(result.model).to_csv(p, index=False))
    atomic_write_json(out / "summary.json", result.summary)
    if cfg.output.plots:
        atomic_save(out / "dashboard.png", lambda p: save_dashboard(result.timeseries, result.stages, cfg, p))
    atomic_write_json(out / "provenance.json", provenance(cfg.seed, timings))
    mark_done(out)
    return out


def format_summary(summary: dict, out_dir: Path | None = None) -> str:
    """A short, human-readable table of a run's headline figures."""
    s = summary
    j = s["joins"]
    stages = " → ".join(f"{Stage[name].zh} d{day}" for name, day in s["days_to_stage"].items())
    members_final = s["members_final"]
    share = s["active_share_recent"]
    lines = [
        f"community-sim · {s['scenario']} · seed {s['seed']} · {s['days']} days"
        + (f" · {s['population']:,} people" if s["population"] else ""),
        f"  members (final / peak)    {members_final:,} / {s['members_peak']:,}",
        f"  daily active, last 4 wk   {s['daily_active_recent']:,.0f}  ({share:.1%} of members)",
        f"  joins by channel          founder {j['founder']:,} · organic {j['organic']:,} · "
        f"campaign {j['campaign']:,} · referral {j['referral']:,}",
        f"  quiet members             {s['monthly_active_share_recent']:.0%} visited in a month · "
        f"{s['muted_share_final']:.0%} muted · {s['silent_12w_share_final']:.0%} no post in 12 weeks · "
        f"{s['reactivated_total']:,} called back",
        f"  churn                     {s['leaves_total']:,} left · {s['churn_rate_recent_per_day']:.2%} per day recently"
        + (f" · {s['returns_total']:,} came back" if s["returns_total"] else ""),
        f"  content                   {s['posts_member_total']:,} member posts · {s['posts_expert_total']:,} expert posts"
        f" (member share {s['member_content_share']:.0%})",
        f"  cost · revenue · margin   {s['cost_total_yuan']:,.0f} yuan · {s['revenue_total_yuan']:,.0f} yuan · "
        f"{s['margin_total_yuan']:,.0f} yuan" + (f" · ROI {s['roi']:+.0%}" if s["roi"] is not None else "")
        + (f" · {s['cost_per_retained_member_yuan']:,.0f} yuan per retained member" if s["cost_per_retained_member_yuan"] else ""),
        f"  payback                   {payback_line(s)}",
        f"  per member                {unit_economics_line(s)}",
        f"  stage reached             {s['stage_final_zh']} {s['stage_final']}  ({stages})",
    ]
    if out_dir is not None:
        lines.append(f"outputs: {out_dir}")
    return "\n".join(lines)
