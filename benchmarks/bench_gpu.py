"""Speed of `backend=gpu` at 1e7 to 1e8 people, and its agreement with the CPU.

Needs CuPy and a CUDA GPU (`pip install -e .[gpu]`); without them it says so in one line and
exits with status 2. Each size is built on the host (the social graph), moved to the device
once, warmed up for two days (CUDA kernels compile on first use), then timed over `--days`
days with the device synchronised before and after. Peak device memory is read from CuPy's
memory pool. The rules are the growth core (benchmarks/reference/core.py) unless `--full`.

A day's work follows the members (plus the day's join lottery), so the rate that matters is
member-days per second: with `--crowd` nearly everyone joins in the first days (organic
discovery at 30% a day), the case of 1e7-1e8 members; without it the default brand community
grows to a few thousand members whatever the population.

    python benchmarks/bench_gpu.py --crowd                          # 1e7, 3e7, 1e8 people x 100 days
    python benchmarks/bench_gpu.py --crowd --sizes 1e8 --days 365   # the 100-million x 365-day run
    python benchmarks/bench_gpu.py --agreement                      # CPU vs GPU, 20,000 people, 8 seeds
    python benchmarks/bench_gpu.py --backend cpu --crowd --sizes 1e6 --days 30   # the same on the host

Prints one JSON line per measurement and a markdown table at the end.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.reference.core import growth_core  # noqa: E402
from sim.backend import BackendUnavailable, get_backend  # noqa: E402
from sim.config import SimConfig  # noqa: E402
from sim.model import CommunityModel  # noqa: E402
from sim.network import build_graph  # noqa: E402
from sim.rng import RngStreams  # noqa: E402


def config(n: int, days: int, backend: str, full: bool, seed: int = 1, crowd: bool = False) -> SimConfig:
    """A small-world population of `n` people (mean degree 10); `crowd`: nearly all join."""
    cfg = SimConfig.from_dict(
        {
            "seed": seed,
            "days": days,
            "backend": backend,
            "network": {"kind": "small_world", "n_people": n, "mean_degree": 10, "p_rewire": 0.1},
            "output": {"plots": False, "csv": False},
        }
    )
    cfg = cfg if full else growth_core(cfg)
    return cfg.replace(**{"member.p_discover_per_day": 0.3}) if crowd else cfg


def measure(n: int, days: int, full: bool, crowd: bool, device: str = "gpu") -> dict:
    """Build, warm up and time one run of `n` people on `device` (gpu; cpu to compare)."""
    backend = get_backend(device)
    pool = backend.xp.get_default_memory_pool() if backend.on_device else None
    cfg = config(n, days + 2, device, full, crowd=crowd)
    t0 = time.perf_counter()
    graph = build_graph(cfg.network, RngStreams(cfg.seed))
    t1 = time.perf_counter()
    model = CommunityModel(cfg, graph=graph)
    del graph  # the model holds the device copy; the host copy stays reachable through it
    for _ in range(2):  # warm-up: kernel compilation and the memory pool's first allocations
        model.step()
    backend.synchronize()
    t2 = time.perf_counter()
    member_days = 0
    for _ in range(days):
        member_days += model.state.count.members  # members the day starts with
        model.step()
    backend.synchronize()
    t3 = time.perf_counter()
    return {
        "n": n,
        "days": days,
        "rules": ("full" if full else "core") + (" crowd" if crowd else ""),
        "graph_build_s": round(t1 - t0, 2),
        "step_s": round(t3 - t2, 3),
        "seconds_per_day": (t3 - t2) / days,
        "person_days_per_s": n * days / (t3 - t2),
        "member_days_per_s": member_days / (t3 - t2),
        "device_pool_peak_gib": pool.total_bytes() / 2**30 if pool else 0.0,
        "members_final": int(model.state.count.members),
        "device": backend.xp.cuda.runtime.getDeviceProperties(0)["name"].decode() if pool else "cpu",
    }


def agreement(seeds: int, full: bool) -> dict:
    """Final members and mean active share on the CPU and the GPU over the same seeds."""
    out = {"cpu": [], "gpu": []}
    for seed in range(seeds):
        for backend in ("cpu", "gpu"):
            cfg = config(20_000, 60, backend, full, seed=seed)
            model = CommunityModel(cfg)
            for _ in range(cfg.days):
                model.step()
            ts = model.recorder.frame()
            out[backend].append(
                (float(ts["members"].iloc[-1]), float(ts["active_share"].iloc[31:].mean()))
            )
    cpu, gpu = np.array(out["cpu"]), np.array(out["gpu"])
    d = gpu - cpu  # same seed, graph and random numbers: pairs differ by floating-point rounding only
    half = 2.0 * d.std(axis=0, ddof=1) / np.sqrt(seeds)
    return {
        "seeds": seeds,
        "cpu_mean": cpu.mean(axis=0).round(4).tolist(),
        "gpu_mean": gpu.mean(axis=0).round(4).tolist(),
        "difference_mean": d.mean(axis=0).round(4).tolist(),
        "difference_ci95_half_width": half.round(4).tolist(),
        "consistent": bool(np.all(np.abs(d.mean(axis=0)) <= half)),
        "same_final_members": int(np.sum(d[:, 0] == 0)),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", nargs="+", default=["1e7", "3e7", "1e8"], help="people per run")
    parser.add_argument("--days", type=int, default=100, help="days timed per run")
    parser.add_argument(
        "--full", action="store_true", help="every mechanic, not just the growth core"
    )
    parser.add_argument("--crowd", action="store_true", help="nearly everyone joins: 1e7-1e8 members")
    parser.add_argument("--agreement", action="store_true", help="compare CPU and GPU over seeds")
    parser.add_argument("--seeds", type=int, default=8)
    parser.add_argument("--backend", default="gpu", choices=["gpu", "cpu"], help="cpu: the same runs on the host")
    args = parser.parse_args()
    try:
        get_backend(args.backend)
    except BackendUnavailable as exc:
        print(f"bench_gpu: {exc}", file=sys.stderr)
        sys.exit(2)
    if args.agreement:
        print(json.dumps(agreement(args.seeds, args.full)))
        return
    rows = []
    for size in args.sizes:
        row = measure(int(float(size)), args.days, args.full, args.crowd, args.backend)
        print(json.dumps(row), flush=True)
        rows.append(row)
    print(
        "\n| people | days | rules | person-days/s | member-days/s | s/day | graph build s | device pool GiB | device |"
    )
    print("|---:|---:|---|---:|---:|---:|---:|---:|---|")
    for r in rows:
        print(
            f"| {r['n']:,} | {r['days']} | {r['rules']} | {r['person_days_per_s']:.3g} | {r['member_days_per_s']:.3g} | "
            f"{r['seconds_per_day']:.4f} | "
            f"{r['graph_build_s']} | {r['device_pool_peak_gib']:.1f} | {r['device']} |"
        )


if __name__ == "__main__":
    main()
