"""The parameter reference in docs/ is current with the schema."""

from pathlib import Path

from sim.paramdoc import render


def test_docs_parameters_md_matches_the_schema():
    path = Path(__file__).resolve().parents[2] / "docs" / "parameters.md"
    assert path.read_text(encoding="utf-8") == render(), "run: python -m sim.paramdoc > docs/parameters.md"


def test_every_parameter_has_a_meaning():
    for line in render().split("\n## Scenario presets")[0].splitlines()[8:]:
        assert line.split("|")[4].strip(), line
