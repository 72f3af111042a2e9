"""Every default says where it comes from: a citation, a reasoned assumption or a choice of the run.

The rule is `param`'s (sim/schema.py): a citation names its author(s) and year; a value chosen
without a source says `assumption: <why this value>`; a choice of the run rather than a fact about
communities says `setting: <what it chooses>`. A bare "assumption" or "setting" tells a reader
nothing they could check or disagree with.
"""

import re

import pytest

from sim.config import SimConfig
from sim.schema import declared_fields

SOURCES = {key: f.metadata["source"] for key, f, _ in declared_fields(SimConfig)}
YEAR = re.compile(r"\b(1[89]|20)\d\d\b")


def _words(text: str) -> int:
    return len(text.split())


@pytest.mark.parametrize("key", sorted(SOURCES))
def test_every_parameter_says_where_its_default_comes_from(key):
    source = SOURCES[key].strip()
    assert source.lower() not in ("assumption", "setting", ""), f"{key}: bare source {source!r}"
    if source.startswith("setting: "):
        assert _words(source.removeprefix("setting: ")) >= 3, f"{key}: say what the setting chooses"
    elif source.startswith("assumption: "):
        assert _words(source.removeprefix("assumption: ")) >= 5, f"{key}: say why this value"
    else:
        assert YEAR.search(source), f"{key}: a citation names its year: {source!r}"


@pytest.mark.parametrize("key", sorted(SOURCES))
def test_a_sourced_direction_states_why_its_size(key):
    source = SOURCES[key]
    for match in re.finditer(r"size assumption", source):
        assert source[match.end() : match.end() + 1] == ":", f"{key}: 'size assumption: <why>'"


def test_sources_fit_one_cell_of_the_parameter_table():
    for key, source in SOURCES.items():
        assert "|" not in source and "\n" not in source, key
