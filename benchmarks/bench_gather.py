"""Where gathering the members' friend lists beats the full sparse mat-vec.

Each day every member's count of friends who visited yesterday feeds the social pull.
`SocialGraph.count_among(rows, flag)` reads just the friend lists of `rows` (the members) when
they hold less than a tenth of all ties (GATHER_SHARE); otherwise it runs the CSR mat-vec over
every tie and picks the members' entries. This times both on one graph for a range of member shares (a tenth of the
members visited yesterday) and prints the median of 7 runs.

    python benchmarks/bench_gather.py            # 1e6 people, mean degree 10
    python benchmarks/bench_gather.py --people 1e5
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sim.network import small_world  # noqa: E402


def median_time(fn, repeats: int = 7) -> float:
    """Median seconds of `fn()` over `repeats` calls after one warm-up."""
    fn()
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=float, default=1e6)
    args = parser.parse_args()
    n = int(args.people)
    g = small_world(n, 10, 0.1, np.random.default_rng(0))
    rng = np.random.default_rng(1)
    print(f"{n:,} people, {g.n_edges:,} ties")
    print("| member share | share of ties gathered | mat-vec ms | gather ms | faster |")
    print("|---:|---:|---:|---:|---|")
    for share in (0.0001, 0.001, 0.01, 0.05, 0.1, 0.2, 0.3, 0.5, 0.8):
        rows = np.flatnonzero(rng.random(n) < share)
        flag = np.zeros(n, dtype=bool)
        flag[rows[rng.random(len(rows)) < 0.1]] = True
        gathered = g.degree[rows].sum() / len(g.indices)
        t_mv = median_time(lambda rows=rows, flag=flag: (g._adj @ flag.astype(np.float32))[rows])
        t_ga = median_time(lambda rows=rows, flag=flag: g._gather_count(rows, flag))
        faster = "gather" if t_ga < t_mv else "mat-vec"
        print(f"| {share:g} | {gathered:.4f} | {t_mv * 1e3:.2f} | {t_ga * 1e3:.2f} | {faster} |")


if __name__ == "__main__":
    main()
