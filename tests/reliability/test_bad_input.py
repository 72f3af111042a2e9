"""Bad input is refused with one clear line naming the key (a ConfigError in Python, exit 2 and no
traceback from the command), never run: random invalid values anywhere in the schema, unknown
keys, and unusable graph files (truncated, wrong encoding, empty, self-loops only, broken GraphML)."""

from __future__ import annotations

import copy
import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from schema_strategies import leaves

from sim.cli import load_config
from sim.config import ConfigError, SimConfig
from sim.runner import run

BASE = SimConfig.from_dict(
    {"days": 5, "network": {"n_people": 300}, "output": {"plots": False, "csv": False}}
).to_dict()
FREE_TEXT = {
    "scenario",
    "network.path",
    "playbook.name",
    "checkpoint.dir",
}  # any string is valid there
LEAVES = [(k, f, tp) for k, f, tp in leaves() if k not in FREE_TEXT]
NOT_NUMBERS = [float("nan"), float("inf"), float("-inf"), "12", None, [1], {"a": 1}, True, "1e400"]


def invalid_values(key, f, tp):
    """Values the schema must refuse for one field."""
    lo, hi = f.metadata.get("lo"), f.metadata.get("hi")
    if tp in (int, float):
        bad = list(NOT_NUMBERS)
        bad += [lo - 1 if tp is int else lo - 1e-3] if lo is not None else []
        bad += [hi * 10 + 1, 10**30] if hi is not None else []
        bad += [0.5] if tp is int else []
        return st.sampled_from(bad)
    if tp is bool:
        return st.sampled_from(["yes", 1, 0.0, None, float("nan")])
    if tp is dict:
        return st.sampled_from(
            ["stages", 3, {"SOMEDAY": {}}, {"GROW": {"network": {"n_people": 5}}}, {"GROW": 7}]
        )
    return st.sampled_from([3, None, "no_such_option", ["a"]])


def put(data: dict, dotted: str, value) -> dict:
    data = copy.deepcopy(data)
    node = data
    *parents, leaf = dotted.split(".")
    for p in parents:
        node = node[p]
    node[leaf] = value
    return data


@st.composite
def invalid_configs(draw):
    key, f, tp = draw(st.sampled_from(LEAVES))
    if draw(st.integers(0, 9)) == 0:  # now and then an unknown key instead of a bad value
        group = key.rsplit(".", 1)[0] if "." in key else ""
        name = draw(st.sampled_from(["colour", "_target_", "p_acept", "Days"]))
        return put(BASE, f"{group}.{name}" if group else name, 1), f"{group}.{name}".lstrip(".")
    return put(BASE, key, draw(invalid_values(key, f, tp))), key


@settings(max_examples=300, deadline=None, derandomize=True)
@given(case=invalid_configs())
def test_any_invalid_value_or_unknown_key_is_refused_with_one_line_naming_it(case):
    data, key = case
    with pytest.raises(ConfigError) as err:
        SimConfig.from_dict(data)
    message = str(err.value)
    assert "\n" not in message and len(message) < 1000
    assert key.split(".")[0] in message or key.rsplit(".", 1)[-1] in message, (key, message)


GRAPH_FILES = {
    "truncated.csv": (b"alice,bob\nbob,carol\ncar", "line 3 has 1 column(s)"),
    "utf16.txt": ("alice bob\nbob carol\n".encode("utf-16"), "not UTF-8 text"),
    "binary.edges": (bytes(range(256)) * 4, "not UTF-8 text"),
    "empty.txt": (b"", "0 node(s) and no usable ties"),
    "comments.txt": (b"# nobody here\n\n", "0 node(s) and no usable ties"),
    "self_loops.txt": (b"alice alice\nbob bob\n", "2 node(s) and no usable ties"),
    "cut.graphml": (
        b'<?xml version="1.0"?><graphml><graph edgedefault="undirected"><node id="a"/><edge sou',
        "not a readable GraphML file",
    ),
    "no_edges.graphml": (
        b'<?xml version="1.0"?><graphml xmlns="http://graphml.graphdrawing.org/xmlns">'
        b'<graph edgedefault="undirected"><node id="a"/><node id="b"/></graph></graphml>',
        "no usable ties",
    ),
    "two_people.txt": (
        b"alice bob\n",
        "founders.n_founders = 20 is larger than the graph (2 people)",
    ),
}


@pytest.mark.parametrize("name", sorted(GRAPH_FILES))
def test_an_unusable_graph_file_is_refused_with_one_line(tmp_path, name):
    content, expected = GRAPH_FILES[name]
    path = tmp_path / name
    path.write_bytes(content)
    cfg = SimConfig.from_dict(put(put(BASE, "network.kind", "file"), "network.path", str(path)))
    with pytest.raises(ConfigError) as err:
        run(cfg)
    assert expected in str(err.value) and "\n" not in str(err.value)


@pytest.mark.parametrize(
    ("override", "expected"),
    [
        ("policy.referral.p_accept=nan", "policy.referral.p_accept = nan is not a number"),
        ("days=1e12", "days = 1000000000000 is out of range"),
        ("network.n_people=1e400", "network.n_people = inf has the wrong type"),
        ("founders=[1,2]", "founders: expected a group of settings"),  # refused before Hydra merges it
    ],
)
def test_command_line_values_that_are_not_numbers_or_too_big_are_refused(override, expected):
    with pytest.raises(ConfigError) as err:
        load_config([override])
    assert expected in str(err.value) and "\n" not in str(err.value)


def test_the_command_refuses_a_graph_file_in_another_encoding_with_one_line_and_exit_2(tmp_path):
    graph = tmp_path / "graph.txt"
    graph.write_bytes("alice bob\nbob carol\n".encode("utf-16"))
    proc = subprocess.run(
        [sys.executable, "-m", "sim.cli", "days=5", "network=file", f"network.path={graph}"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    (line,) = proc.stderr.strip().splitlines()
    assert "not UTF-8 text" in line
    assert not list(tmp_path.rglob("DONE"))


def test_visit_weights_too_small_for_float32_do_not_make_engagement_nan():
    cfg = SimConfig.from_dict(
        put(put(BASE, "member.w_active_content", 1e-50), "member.w_active_social", 0.0)
    )
    assert not run(cfg).timeseries["mean_engagement"].isna().any()
