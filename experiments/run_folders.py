"""Figures a comparison report does not show, read from its run folders.

    python experiments/run_folders.py experiments/daily_content_worth_it/report

reads every `REPORT/runs/ARM/seed=S/timeseries.parquet` that `community-sim-compare` kept and prints,
per arm, the mean over seeds of what the experiments' READMEs quote beside the report: the state on
the last day (members, the share of them who muted the group, the share who visited that day, how
many seeds end in the DECLINE warning), joins by channel over the run, and the experts' work and
fate (posts, who quit and on which day, burnout on the last day, staff cost), then the same per seed.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

from sim.lifecycle import Stage


def per_run(report: Path) -> pd.DataFrame:
    rows = []
    for path in sorted(report.glob("runs/*/seed=*/timeseries.parquet")):
        arm, seed = path.parent.parent.name, int(path.parent.name.removeprefix("seed="))
        d = pd.read_parquet(path)
        last = d.iloc[-1]
        rows.append({
            "arm": arm, "seed": seed,
            "members": int(last.members),
            "muted share": float(last.muted_share),
            "daily active share": float(last.active_share),
            "ends in DECLINE": int(last.stage) == Stage.DECLINE,
            "campaign joins": int(d.joins_campaign.sum()),
            "referral joins": int(d.joins_referral.sum()),
            "left": int(d.leaves.sum()),
            "member posts, last 4 weeks": int(d.posts_member.iloc[-28:].sum()),
            "expert posts": int(d.posts_expert.sum()),
            "experts who quit": int(d.experts_quit.sum()),
            "quit on days": " ".join(str(int(x)) for x in d.loc[d.experts_quit > 0, "day"]),
            "expert burnout at the end": float(last.expert_burnout),
            "staff cost (yuan)": float(d.cost_staff.sum()),
            "campaign spend (yuan)": float(d.campaign_spend.sum()),
            "referral rewards (yuan)": float(d.referral_rewards.sum()),
            "revenue (yuan)": float(d.revenue.sum()),
        })
    if not rows:
        raise SystemExit(f"no run folders under {report}/runs")
    return pd.DataFrame(rows)


def main() -> None:
    report = Path(sys.argv[1])
    runs = per_run(report)
    arms = list(dict.fromkeys(runs.arm))
    means = runs.drop(columns=["seed", "quit on days"]).groupby("arm", sort=False).mean().loc[arms]
    means["ends in DECLINE"] = runs.groupby("arm", sort=False)["ends in DECLINE"].sum().loc[arms].astype(int)
    means = means.rename(columns={"ends in DECLINE": "seeds ending in DECLINE"})
    pd.set_option("display.width", 200)
    print(f"mean over seeds ({runs.groupby('arm').size().max()} per arm); last day for states, whole run for flows")
    print(means.T.round(3).to_string())
    print()
    print(runs.sort_values(["arm", "seed"]).to_string(index=False))


if __name__ == "__main__":
    main()
