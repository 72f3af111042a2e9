"""Scale-related behaviour that can be checked on the CPU with small sizes.

Claims: the linear-time CSR build gives exactly the adjacency of the edge list; the scatter count
over a few active people equals the sparse mat-vec (both code paths, the GPU's included, with
numpy as the array module); the day's uniform draws are the same through `uniform(s)` as through
the stream's generator (so common random numbers hold whichever a mechanic uses); small runs keep
a Mesa agent for every member and large ones make handles only on demand.
"""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from sim.agents import Member
from sim.backend import CPU, get_backend, gpu_available
from sim.config import SimConfig
from sim.model import CommunityModel
from sim.network import SocialGraph, _owners, small_world


def test_csr_build_matches_the_adjacency_of_the_edge_list():
    rng = np.random.default_rng(4)
    n = 500
    src, dst = rng.integers(0, n, 4000), rng.integers(0, n, 4000)
    g = SocialGraph.from_edges(n, src, dst)
    keep = src != dst
    expected = sp.coo_array((np.ones(keep.sum()), (src[keep], dst[keep])), shape=(n, n)).tocsr()
    expected = ((expected + expected.T) > 0).astype(np.int8).tocsr()
    expected.sort_indices()
    assert np.array_equal(g.indptr, expected.indptr) and np.array_equal(g.indices, expected.indices)


def test_the_device_way_of_finding_each_gathered_ties_owner_is_numpys():
    g = small_world(3000, 10, 0.2, np.random.default_rng(1))
    rows = np.sort(np.random.default_rng(2).choice(g.n, 900, replace=False))
    deg = g.degree[rows]
    ends = np.cumsum(deg)
    assert np.array_equal(
        _owners(deg, ends, int(deg.sum()), np, search=True), _owners(deg, ends, int(deg.sum()), np)
    )


def test_counting_active_friends_of_members_equals_the_full_mat_vec():
    g = small_world(20_000, 10, 0.1, np.random.default_rng(1))
    rng = np.random.default_rng(3)
    flag = rng.random(g.n) < 0.05
    full = g._adj @ flag.astype(np.float32)
    for n_rows in (0, 50, 5_000, 15_000):  # the gather path, then the mat-vec path
        rows = np.sort(rng.choice(g.n, n_rows, replace=False))
        assert np.array_equal(g.count_among(rows, flag), full[rows])


def test_the_cpu_backend_keeps_the_graph_and_table_on_the_host():
    g = small_world(100, 4, 0.1, np.random.default_rng(0))
    assert g.on(CPU) is g and get_backend("cpu") is CPU


def test_a_run_makes_member_handles_only_on_demand():
    cfg = SimConfig.from_dict(
        {"days": 30, "seed": 2, "network": {"kind": "small_world", "n_people": 2000}, "output": {"plots": False}}
    )
    model = CommunityModel(cfg)
    for _ in range(cfg.days):
        model.step()
    assert model.state.count.members > 20
    assert Member not in model.agents_by_type  # 30 days of joins made no Python object per member
    row = int(np.flatnonzero(model.table.is_member)[0])
    assert model.member(row).is_member and len(model.agents_by_type[Member]) == 1


@pytest.mark.skipif(not gpu_available(), reason="needs CuPy and a CUDA GPU")
def test_a_gpu_run_keeps_its_arrays_on_the_device_and_grows_like_the_cpu_run():
    base = {
        "days": 60,
        "network": {"kind": "small_world", "n_people": 20_000},
        "output": {"plots": False},
    }
    cpu, gpu = [], []
    for seed in range(5):
        for backend, out in (("cpu", cpu), ("gpu", gpu)):
            model = CommunityModel(SimConfig.from_dict({**base, "seed": seed, "backend": backend}))
            for _ in range(60):
                model.step()
            out.append(model.state.count.members)
            if backend == "gpu":
                assert type(model.table.engagement).__module__.startswith("cupy")
    assert abs(np.mean(gpu) - np.mean(cpu)) <= 0.1 * np.mean(cpu)
