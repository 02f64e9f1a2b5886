"""Agriculture under AppTest: every section runs to its result and says who wins."""
from __future__ import annotations

from test_pages import errors, open_section, texts


def test_leaf_section_names_the_tree_and_holds_when_rotated():
    at = open_section("pages/agriculture.py", "leaf")
    assert not at.exception and not errors(at)
    assert "### Oregon white oak (Quercus garryana) (correct)" in texts(at) and "the model wins" in texts(at)
    turned = open_section("pages/agriculture.py", "leaf", leaf_rotation=300)
    assert not turned.exception and "### Oregon white oak (Quercus garryana) (correct)" in texts(turned)
    up = open_section("pages/agriculture.py", "leaf", leaf_source="upload")
    assert not up.exception and any("single leaf" in i.value for i in up.info)


def test_leaf_map_section_shows_both_maps_and_the_knn_figures():
    at = open_section("pages/agriculture.py", "map")
    assert not at.exception and not errors(at)
    assert "### Leaf 0: Chinese redbud" in texts(at) and "on PCA's map 67" in texts(at)


def test_rice_section_estimates_output_and_reacts_to_inputs():
    at = open_section("pages/agriculture.py", "rice")
    assert not at.exception and not errors(at)
    assert "kg of rice (recorded: 7,980 kg)" in texts(at) and "the baseline wins" in texts(at)
    at.number_input(key="rice_size_0").set_value(4.5).run()
    assert not at.exception and "recorded" not in [m.value for m in at.markdown if "kg of rice" in m.value][0]
