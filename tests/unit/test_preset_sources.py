"""Every value a scenario preset sets says where it comes from."""

import pytest

from sim.paramdoc import SCENARIOS, preset_values

PRESETS = sorted(SCENARIOS.glob("*.yaml"))
KINDS = ("assumption: ", "setting: ")


def test_the_six_kinds_of_community_have_a_preset():
    assert {p.stem for p in PRESETS} >= {"brand_community", "knowledge_circle", "product_forum", "classroom",
                                         "fission_launch", "service_community"}


@pytest.mark.parametrize("path", PRESETS, ids=lambda p: p.stem)
def test_every_value_a_preset_sets_has_a_source(path):
    values, sources = preset_values(path)
    assert values, f"{path.stem} sets nothing"
    missing = [k for k in values if not str(sources.get(k, "")).strip()]
    assert not missing, f"{path.stem}: no source for {missing}"
    for key in values:
        text = sources[key]
        cited = any(ch.isdigit() for ch in text.split(":")[0]) or not text.startswith(("assumption", "setting"))
        assert text.startswith(KINDS) or cited, f"{path.stem}.{key}: '{text}' is neither a citation nor 'assumption: <why>'"
        assert len(text.split(":", 1)[-1].split()) >= 3, f"{path.stem}.{key}: the source gives no reason"


@pytest.mark.parametrize("path", PRESETS, ids=lambda p: p.stem)
def test_a_preset_has_no_source_for_a_value_it_does_not_set(path):
    values, sources = preset_values(path)
    assert not set(sources) - set(values), f"{path.stem}: sources for keys it does not set: {set(sources) - set(values)}"
