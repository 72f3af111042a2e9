"""Where gathering the active people's friend lists beats the full sparse mat-vec.

`SocialGraph.neighbour_count` counts active friends for everyone. With few active people it
scatters their friend lists (`scatter_count`); otherwise it runs the CSR mat-vec over every tie.
This times both on one graph for a range of active shares and prints the median of 7 runs.

    python benchmarks/bench_scatter.py            # 1e6 people, mean degree 10
    python benchmarks/bench_scatter.py --people 1e5
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


def best_of(fn, repeats: int = 7) -> float:
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
    print("| active share | share of ties gathered | mat-vec ms | scatter ms | faster |")
    print("|---:|---:|---:|---:|---|")
    for share in (0.0001, 0.001, 0.01, 0.05, 0.1, 0.2, 0.3, 0.5):
        x = (rng.random(n) < share).astype(np.float32)
        rows = np.flatnonzero(x != 0)
        gathered = g.degree[rows].sum() / len(g.indices)
        t_mv = best_of(lambda x=x: g._adj @ x)
        t_sc = best_of(lambda rows=rows: g.scatter_count(rows))
        faster = "scatter" if t_sc < t_mv else "mat-vec"
        print(f"| {share:g} | {gathered:.4f} | {t_mv * 1e3:.2f} | {t_sc * 1e3:.2f} | {faster} |")


if __name__ == "__main__":
    main()
