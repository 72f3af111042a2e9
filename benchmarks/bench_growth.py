"""Speed and memory of the vectorised model against the per-agent Mesa reference, side by side.

Every measurement runs in its own Python process, so its peak resident memory is its own; each
is repeated and the median is reported (the machine may be shared). Sizes are people in the
addressable population (a Watts-Strogatz small world of mean degree 10, the default brand
community's rules and parameters otherwise). A "person-day" is one person of the population
simulated for one day, members or not: the reference steps every person every day, ours works
on the members and on the few people the day's join lottery draws, so its cost follows the
member-days (members at the start of each day, summed), reported alongside.

    python benchmarks/bench_growth.py                 # the full table (about 15-25 minutes)
    python benchmarks/bench_growth.py --quick         # small sizes, one repeat (a minute)
    python benchmarks/bench_growth.py --one ours 1000000 100   # one measurement, JSON out

Writes benchmarks/results/bench_growth.json and .md, and prints the table.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"
SCENARIOS = {
    # the growth core (benchmarks/reference/core.py) with the default brand community's
    # parameters: the rules both models implement, so the comparison is like for like
    "core": {},
    # the growth core in a saturating community: most people join within weeks
    "busy": {"member.p_discover_per_day": 0.02},
    # every mechanic of sim's model at its default (ties, replies, moderation, ...): ours only
    "full": {},
    # nearly everyone joins in the first days (organic discovery at 30% a day): members are of
    # the order of the population, the case for member-days per second at a million members
    "crowd": {"member.p_discover_per_day": 0.3},
}


def config_for(n: int, days: int, scenario: str):
    """The benchmark config for `n` people."""
    from benchmarks.reference.core import growth_core  # noqa: PLC0415
    from sim.config import SimConfig  # noqa: PLC0415 - imported in the measuring process only

    cfg = SimConfig.from_dict(
        {
            "seed": 1,
            "days": days,
            "network": {"kind": "small_world", "n_people": n, "mean_degree": 10, "p_rewire": 0.1},
            "output": {"plots": False, "csv": False},
        }
    )
    if scenario != "full":
        cfg = growth_core(cfg)
    return cfg.replace(**SCENARIOS[scenario]) if SCENARIOS[scenario] else cfg


def measure_one(model: str, n: int, days: int, scenario: str) -> dict:
    """Build and run one model in this process; timings, rate and this process's peak memory."""
    sys.path.insert(0, str(ROOT))
    from sim.network import build_graph  # noqa: PLC0415
    from sim.rng import RngStreams  # noqa: PLC0415

    cfg = config_for(n, days, scenario)
    t0 = time.perf_counter()
    graph = build_graph(cfg.network, RngStreams(cfg.seed))
    t1 = time.perf_counter()
    if model == "ours":
        from sim.model import CommunityModel  # noqa: PLC0415

        sim = CommunityModel(cfg, graph=graph)
    else:
        from benchmarks.reference import ReferenceModel  # noqa: PLC0415

        sim = ReferenceModel(cfg, graph=graph)
    t2 = time.perf_counter()
    c2 = time.process_time()
    member_days = 0
    for _ in range(days):
        member_days += sim.state.count.members if model == "ours" else sim.members  # members the day starts with
        sim.step()
    t3 = time.perf_counter()
    c3 = time.process_time()
    members = sim.state.count.members if model == "ours" else sim.members
    return {
        "model": model,
        "n": n,
        "days": days,
        "scenario": scenario,
        "graph_s": round(t1 - t0, 3),
        "build_s": round(t2 - t1, 3),
        "step_s": round(t3 - t2, 3),
        "person_days_per_s": n * days / (t3 - t2),
        "person_days_per_cpu_s": n * days / max(c3 - c2, 1e-9),
        "member_days_per_s": member_days / (t3 - t2),
        "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "members_final": int(members),
    }


def in_subprocess(args: list[str], timeout: float) -> dict | None:
    """Run this script with `args` in a fresh interpreter and read its JSON line."""
    cmd = [sys.executable, str(Path(__file__).resolve()), *args]
    try:
        out = subprocess.run(
            cmd, capture_output=True, text=True, timeout=timeout, check=True
        ).stdout
    except subprocess.TimeoutExpired:
        print(f"  timed out after {timeout:.0f} s: {' '.join(args)}", file=sys.stderr)
        return None
    except subprocess.CalledProcessError as exc:
        print(
            f"  failed: {' '.join(args)}: {exc.stderr.strip().splitlines()[-1:]}", file=sys.stderr
        )
        return None
    return json.loads(out.strip().splitlines()[-1])


def median_of(runs: list[dict]) -> dict:
    """Median of every numeric field over repeats (the first run's labels)."""
    out = dict(runs[0])
    for key in (
        "graph_s",
        "build_s",
        "step_s",
        "person_days_per_s",
        "person_days_per_cpu_s",
        "member_days_per_s",
        "peak_rss_mib",
        "wall_s",
    ):
        if key in out:
            out[key] = statistics.median(r[key] for r in runs)
    out["repeats"] = len(runs)
    out["person_days_per_s_all"] = [round(r.get("person_days_per_s", 0)) for r in runs]
    return out


def time_demo() -> dict:
    """Wall time and peak memory of `community-sim` with no arguments, start-up included."""
    exe = Path(sys.executable).with_name("community-sim")
    with tempfile.TemporaryDirectory() as tmp:
        # a wrapper process whose only child is the demo: its RUSAGE_CHILDREN peak is the demo's
        code = (
            "import resource, subprocess, sys, time; t = time.perf_counter(); "
            "subprocess.run([sys.argv[1]], check=True, stdout=subprocess.DEVNULL); "
            "print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)"
        )
        out = subprocess.run(
            [sys.executable, "-c", code, str(exe)],
            cwd=tmp,
            capture_output=True,
            text=True,
            check=True,
        )
    wall, rss = map(float, out.stdout.split())
    return {"wall_s": wall, "peak_rss_mib": rss}


def machine() -> dict:
    """What the figures were measured on."""
    import mesa  # noqa: PLC0415
    import numpy  # noqa: PLC0415
    import scipy  # noqa: PLC0415

    cpu = next(
        (
            ln.split(":", 1)[1].strip()
            for ln in Path("/proc/cpuinfo").read_text().splitlines()
            if ln.startswith("model name")
        ),
        "?",
    )
    mem = next(
        (
            int(ln.split()[1]) / 2**20
            for ln in Path("/proc/meminfo").read_text().splitlines()
            if ln.startswith("MemTotal")
        ),
        0,
    )
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gib": round(mem, 1),
        "python": platform.python_version(),
        "numpy": numpy.__version__,
        "scipy": scipy.__version__,
        "mesa": mesa.__version__,
        "load_average_at_start": os.getloadavg(),
        "date_utc": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }


def table(rows: list[dict], extra: dict) -> str:
    """The results as a markdown table."""
    lines = [
        "| scenario | people | days | model | person-days/s | per CPU-s | member-days/s | peak RSS MiB | step s | graph s | members at end | ours/ref |",
        "|---|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    refs = {(r["scenario"], r["n"]): r for r in rows if r["model"] == "reference"}
    for r in rows:
        ref = refs.get((r["scenario"], r["n"]))
        ratio = (
            f"{r['person_days_per_s'] / ref['person_days_per_s']:.0f}x"
            if r["model"] == "ours" and ref
            else ""
        )
        lines.append(
            f"| {r['scenario']} | {r['n']:,} | {r['days']} | {r['model']} | {r['person_days_per_s']:.3g} | "
            f"{r['person_days_per_cpu_s']:.3g} | {r.get('member_days_per_s', 0):.3g} | "
            f"{r['peak_rss_mib']:.0f} | {r['step_s']:.2f} | {r['graph_s']:.2f} | {r['members_final']:,} | {ratio} |"
        )
    for name, value in extra.items():
        lines.append(
            f"\n{name}: "
            + ", ".join(
                f"{k} {v:.3g}" if isinstance(v, float) else f"{k} {v}" for k, v in value.items()
            )
        )
    return "\n".join(lines)


def plan(quick: bool) -> list[tuple[str, int, int, str]]:
    """(model, people, days, scenario) to measure."""
    if quick:
        return [(m, n, 60, "core") for n in (1000, 10_000) for m in ("ours", "reference")] + [
            ("ours", 100_000, 60, "core")
        ]
    runs = [(m, n, 60, "core") for n in (1000, 10_000, 100_000) for m in ("ours", "reference")]
    runs += [("ours", 1_000_000, 60, "core"), ("ours", 10_000_000, 30, "core")]
    runs += [
        ("ours", 100_000, 60, "busy"),
        ("reference", 100_000, 60, "busy"),
        ("ours", 1_000_000, 60, "busy"),
    ]
    runs += [
        ("ours", 1_000_000, 100, "core"),
        ("ours", 1_000_000, 100, "full"),
    ]  # the 1e6 x 100-day run
    runs += [("ours", 10_000_000, 30, "full")]
    runs += [("ours", 100_000, 30, "crowd"), ("reference", 100_000, 30, "crowd"), ("ours", 1_000_000, 30, "crowd")]
    return runs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, one repeat")
    parser.add_argument(
        "--repeats", type=int, default=3, help="measurements per row (median reported)"
    )
    parser.add_argument(
        "--timeout", type=float, default=900.0, help="seconds allowed per measurement"
    )
    parser.add_argument("--no-demo", action="store_true", help="skip timing the default demo")
    parser.add_argument(
        "--one", nargs=3, metavar=("MODEL", "PEOPLE", "DAYS"), help=argparse.SUPPRESS
    )
    parser.add_argument(
        "--scenario", default="core", choices=sorted(SCENARIOS), help=argparse.SUPPRESS
    )
    args = parser.parse_args()
    if args.one:
        model, n, days = args.one[0], int(float(args.one[1])), int(args.one[2])
        print(json.dumps(measure_one(model, n, days, args.scenario)))
        return
    repeats = 1 if args.quick else args.repeats
    info = machine()
    print(f"machine: {info}", flush=True)
    samples: dict[tuple, list[dict]] = {}
    for k in range(repeats):  # repeats interleaved, so a noisy minute does not hit one row only
        for model, n, days, scenario in plan(args.quick):
            r = in_subprocess(
                ["--one", model, str(n), str(days), "--scenario", scenario], args.timeout
            )
            if r is not None:
                samples.setdefault((model, n, days, scenario), []).append(r)
                print(
                    f"  [{k + 1}/{repeats}] {scenario} {model} {n:,} x {days}: {r['person_days_per_s']:.3g} "
                    f"person-days/s, {r['peak_rss_mib']:.0f} MiB",
                    flush=True,
                )
    rows = [median_of(v) for v in samples.values()]
    extra = {}
    if not args.no_demo:
        demo = [time_demo() for _ in range(repeats)]
        extra["default demo (community-sim, no arguments; median)"] = median_of(demo) | {
            "all_wall_s": [round(d["wall_s"], 1) for d in demo]
        }
        extra["default demo (community-sim, no arguments; median)"].pop(
            "person_days_per_s_all", None
        )
    text = table(rows, extra)
    print(text)
    RESULTS.mkdir(parents=True, exist_ok=True)
    name = "bench_growth_quick" if args.quick else "bench_growth"
    (RESULTS / f"{name}.json").write_text(
        json.dumps({"machine": info, "rows": rows, **extra}, indent=1)
    )
    (RESULTS / f"{name}.md").write_text(f"machine: {info}\n\n{text}\n")


if __name__ == "__main__":
    main()
