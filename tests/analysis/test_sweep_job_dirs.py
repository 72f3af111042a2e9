"""Sweep job folders: named by their overrides, and still made when the overrides are very long."""

import subprocess
import sys

import yaml

from sim.analysis.collect import collect
from sim.jobdir import NAME_MAX_BYTES, job_dir

# real settings at values that spell out many digits: Hydra's name for these jobs is over 255 bytes
LONG = ["days=5", "network.n_people=200", "founders.n_founders=10", "output.plots=false", "output.csv=false",
        "member.p_active_base=0.0500000001", "member.w_active_content=0.4500000001",
        "member.w_active_social=0.3500000001", "member.engagement_decay_per_day=0.0100000001",
        "member.engagement_learning_rate=0.1000000001"]


def as_values(overrides) -> dict:
    """key -> value of `key=value` overrides (Hydra records `false` as `False`)."""
    return {o.split("=", 1)[0]: yaml.safe_load(o.split("=", 1)[1].lower()) for o in overrides}


def sweep(sweep_dir):
    # seed sorts last in Hydra's name, so the two jobs' names differ only after any cut
    args = [sys.executable, "-m", "sim.cli", "-m", f"hydra.sweep.dir={sweep_dir}", *LONG, "seed=0,1"]
    return subprocess.run(args, capture_output=True, text=True, timeout=120)


def test_short_names_are_kept_and_long_ones_cut_the_same_way_every_time_without_collisions():
    short = "policy.content.posts_per_week=7,policy/referral=none,seed=3"
    assert job_dir(short) == short
    base = ",".join(sorted(LONG))
    a, b = job_dir(base + ",seed=0"), job_dir(base + ",seed=1")
    assert len((base + ",seed=0").encode()) > NAME_MAX_BYTES
    assert a != b and a == job_dir(base + ",seed=0")
    assert a.startswith("days=5,founders.n_founders=10,member.") and "/" not in a
    wide = job_dir("scenario=" + "社群运营" * 40)  # 3 bytes a character: the cut keeps whole characters
    assert len(wide.encode()) <= NAME_MAX_BYTES and wide.startswith("scenario=社群运营")


def test_a_sweep_with_over_long_overrides_runs_resumes_and_collects(tmp_path):
    root = tmp_path / "sweep"
    first = sweep(root)
    assert first.returncode == 0, first.stderr[-2000:]
    jobs = sorted(p.parent for p in root.rglob("DONE"))
    assert len(jobs) == 2 and all(len(j.name.encode()) <= NAME_MAX_BYTES for j in jobs)
    for job in jobs:
        seed = yaml.safe_load((job / "config.yaml").read_text())["seed"]
        recorded = yaml.safe_load((job / ".hydra" / "overrides.yaml").read_text())
        assert as_values(recorded) == as_values([*LONG, f"seed={seed}"])  # all of them, beside the short name
    again = sweep(root)  # a restart finds the same folders and keeps what finished
    assert again.returncode == 0, again.stderr[-2000:]
    assert again.stdout.count("already finished, skipped") == 2
    assert sorted(p.parent for p in root.rglob("DONE")) == jobs
    summary = collect(root).summary
    assert sorted(summary["seed"]) == [0, 1]
    assert collect(root).fixed["member.p_active_base"] == 0.0500000001  # shared by both jobs: held fixed
