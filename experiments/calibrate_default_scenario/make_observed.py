"""The synthetic community this experiment calibrates to: the default scenario at known values.

    python -m experiments.calibrate_default_scenario.make_observed

Runs the built-in default scenario for 180 days at its default campaign conversion rate (0.01) and
leaving hazard (0.002 a day) on seed 4242 (no design, check or predictive run uses it), and writes
what an operator would have exported after half a year, members and daily active users by date, to
observed.csv, with the truth in truth.json.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from sim.analysis.observed import simulated_series
from sim.cli import load_config
from sim.runner import run

HERE = Path(__file__).resolve().parent
TRUTH = {"policy.acquisition.p_convert": 0.01, "member.p_churn_max_per_day": 0.002}
SEED, DAYS = 4242, 180


def main() -> None:
    cfg = load_config([f"days={DAYS}", f"seed={SEED}", "output.plots=false", "output.csv=false"])
    assert all(cfg.get(k) == v for k, v in TRUTH.items()), "the truth is the default scenario's own values"
    series = simulated_series(run(cfg).timeseries, list(range(DAYS + 1)), ["members", "daily_active"])
    series.insert(0, "date", pd.date_range("2026-01-01", periods=len(series)).strftime("%Y-%m-%d"))
    series.drop(columns="day").to_csv(HERE / "observed.csv", index=False)
    (HERE / "truth.json").write_text(json.dumps({"values": TRUTH, "seed": SEED, "days": DAYS}, indent=2) + "\n")
    print(f"observed.csv: {len(series)} days; truth {TRUTH} on seed {SEED}")


if __name__ == "__main__":
    main()
