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


def loners_graph() -> SocialGraph:
    """Six people: 1-2-3 a chain; 0, 4 and 5 (the last row) without friends."""
    return SocialGraph.from_edges(6, np.array([1, 2]), np.array([2, 3]))


def test_a_person_without_friends_has_no_friend_to_pick_wherever_their_row_sits():
    g = loners_graph()
    rows = np.array([0, 1, 4, 5, 5, 3])
    u = np.array([0.0, 0.5, 0.3, 0.0, 0.999, 0.999], dtype=np.float32)
    assert g.random_neighbour(rows, u).tolist() == [-1, 2, -1, -1, -1, 2]


def test_in_a_graph_without_ties_nobody_has_a_friend_to_pick_or_count():
    g = SocialGraph.from_edges(4, np.array([0, 1]), np.array([0, 1]))  # self-loops only: dropped
    rows = np.arange(4)
    assert g.n_edges == 0 and g.degree.tolist() == [0, 0, 0, 0]
    assert g.random_neighbour(rows, np.full(4, 0.5, dtype=np.float32)).tolist() == [-1] * 4
    assert g.count_among(rows, np.ones(4, dtype=bool)).tolist() == [0.0] * 4
    assert g.neighbours(3).tolist() == [] and g.breadth_first(3, 3) == [3]


@pytest.mark.parametrize("path", ["gather", "mat-vec"])
def test_friends_are_counted_alike_for_people_with_and_without_friends(path):
    g = loners_graph()
    active = np.array([True, True, False, True, False, True])
    rows = np.array([0, 2, 5]) if path == "gather" else np.arange(6)
    counts = g._gather_count(rows, active) if path == "gather" else g.count_among(rows, active)
    expected = {0: 0, 1: 0, 2: 2, 3: 0, 4: 0, 5: 0}
    assert counts.tolist() == [expected[r] for r in rows.tolist()]


def test_edge_list_names_that_read_as_the_same_number_are_refused_naming_both(tmp_path):
    path = tmp_path / "ids.csv"
    path.write_text("1,2\n2,3\n1.0,3\n")
    with pytest.raises(ConfigError, match=re.escape("'1' (line 1) and '1.0' (line 3)")) as err:
        read_graph_file(str(path))
    assert "\n" not in str(err.value)


def test_graphml_ids_that_read_as_the_same_number_are_refused_naming_both(tmp_path):
    g = nx.Graph([("7", "8"), ("8", "07")])
    path = tmp_path / "g.graphml"
    nx.write_graphml(g, path)
    with pytest.raises(ConfigError, match=re.escape("'7' and '07'")):
        read_graph_file(str(path))


def test_an_edge_list_with_a_weight_column_is_refused_with_one_line(tmp_path):
    path = tmp_path / "weighted.txt"
    path.write_text("alice bob 0.5\nbob carol 2\n")
    with pytest.raises(ConfigError, match=re.escape("line 1 has 3 columns")) as err:
        read_graph_file(str(path))
    assert "\n" not in str(err.value)


def test_an_edge_list_written_by_networkx_with_empty_attributes_is_read(tmp_path):
    path = tmp_path / "g.edges"
    nx.write_edgelist(nx.path_graph(5), path)  # "0 1 {}" per line
    g = read_graph_file(str(path))
    assert g.n == 5 and g.n_edges == 4


def test_graphml_ties_of_different_weights_are_refused_and_one_weight_for_all_is_read(tmp_path):
    path = tmp_path / "w.graphml"
    nx.write_graphml(nx.Graph([("a", "b", {"weight": 0.5}), ("b", "c", {"weight": 3.0})]), path)
    with pytest.raises(ConfigError, match=re.escape("ties carry different weights (0.5, 3.0, ...)")):
        read_graph_file(str(path))
    nx.write_graphml(nx.Graph([("a", "b", {"weight": 1.0}), ("b", "c", {"weight": 1.0})]), path)
    assert read_graph_file(str(path)).n_edges == 2


def test_an_edge_list_with_names_containing_spaces_is_refused_not_split(tmp_path):
    path = tmp_path / "names.csv"
    path.write_text("Alice Smith,Bob Jones\n")
    with pytest.raises(ConfigError, match=re.escape("line 1 has 4 columns ('Alice Smith,Bob Jones')")):
        read_graph_file(str(path))
