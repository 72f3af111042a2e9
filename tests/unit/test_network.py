"""The social graph: generators, user files, and the members' subgraph."""

import re

import networkx as nx
import numpy as np
import pytest

from sim.config import ConfigError, NetworkConfig
from sim.network import SocialGraph, build_graph, read_graph_file
from sim.rng import RngStreams


@pytest.mark.parametrize("kind", ["small_world", "holme_kim", "scale_free", "sbm"])
def test_generators_build_the_population_with_the_asked_mean_degree(kind):
    g = build_graph(NetworkConfig(kind=kind, n_people=4000, mean_degree=10), RngStreams(1))
    assert g.n == 4000
    assert 8.0 <= g.degree.mean() <= 10.5
    assert g.indices.dtype == np.int32  # int32 CSR keeps the graph half the size


def test_the_same_seed_builds_the_same_graph_and_another_seed_another():
    cfg = NetworkConfig(kind="small_world", n_people=2000)
    a, b, c = (build_graph(cfg, RngStreams(s)) for s in (1, 1, 2))
    assert np.array_equal(a.indices, b.indices) and not np.array_equal(a.indices, c.indices)


def test_block_model_keeps_most_ties_inside_segments():
    g = build_graph(NetworkConfig(kind="sbm", n_people=4000, n_segments=4, segment_mixing=0.05), RngStreams(3))
    rows = np.repeat(np.arange(g.n), g.degree)
    within = (g.segment[rows] == g.segment[g.indices]).mean()
    assert 0.9 <= within <= 0.99


def test_graph_is_symmetric_without_self_loops_or_duplicates():
    g = SocialGraph.from_edges(5, np.array([0, 1, 1, 2, 3, 3]), np.array([1, 0, 2, 2, 4, 4]))
    nxg = g.to_networkx()
    assert sorted(nxg.edges()) == [(0, 1), (1, 2), (3, 4)]
    assert g.n_edges == 3


def test_complete_graph_counts_every_other_active_person():
    g = SocialGraph(4, complete=True)
    active = np.array([True, False, True, True])
    assert g.count_among(np.arange(4), active).tolist() == [2, 3, 2, 2]
    picks = g.random_neighbour(np.array([0, 1, 2, 3]), np.array([0.0, 0.0, 0.99, 0.99]))
    assert picks.tolist() == [1, 0, 3, 2]  # never oneself


def test_edge_list_file_with_names_and_comments_is_read(tmp_path):
    path = tmp_path / "friends.csv"
    path.write_text("# who knows whom\nalice,bob\nbob carol\n\ncarol,alice  # a triangle\ndave,alice\n")
    g = read_graph_file(str(path))
    assert g.n == 4 and g.n_edges == 4
    assert sorted(g.labels.tolist()) == ["alice", "bob", "carol", "dave"]


def test_graphml_file_is_read(tmp_path):
    path = tmp_path / "g.graphml"
    nx.write_graphml(nx.path_graph(6), path)
    g = read_graph_file(str(path))
    assert g.n == 6 and g.n_edges == 5


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"alice\n", "line 1 has 1 column(s)"),
        (b"", "the graph has 0 node(s)"),
        (b"\xff\xfe\x00bad", "not UTF-8 text"),
        (b"a a\n", "no usable ties"),
    ],
)
def test_malformed_edge_lists_are_refused_with_one_line(tmp_path, content, expected):
    path = tmp_path / "edges.txt"
    path.write_bytes(content)
    with pytest.raises(ConfigError, match=re.escape(expected)):
        read_graph_file(str(path))


def test_truncated_graphml_is_refused(tmp_path):
    path = tmp_path / "g.graphml"
    nx.write_graphml(nx.path_graph(6), path)
    path.write_text(path.read_text()[:200])
    with pytest.raises(ConfigError, match="not a readable GraphML file"):
        read_graph_file(str(path))


def test_members_subgraph_keeps_only_ties_among_members():
    g = SocialGraph.from_networkx(nx.path_graph(5))
    mask = np.array([True, True, False, True, True])
    sub = g.to_networkx(mask)
    assert sorted(sub.nodes()) == [0, 1, 3, 4] and sorted(sub.edges()) == [(0, 1), (3, 4)]
