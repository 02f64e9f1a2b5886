"""Agriculture: leaf outlines (the CNN far ahead, and indifferent to where the tracing starts), the leaf map (a tie
on accuracy, the learned plane far ahead of PCA's), rice farms (boosting wins); photos with and without a leaf."""
from __future__ import annotations

import numpy as np
import pytest

import domains
from domains.core.errors import InputError


@pytest.fixture(scope="module")
def leaf():
    return domains.run("agriculture.leaf", sample=0)


def test_outline_cnn_far_ahead_of_its_baselines(leaf):
    acc = leaf.accuracy
    assert acc["cnn"] == pytest.approx(0.95, abs=0.03)            # measured 0.967 (three seeds averaged)
    assert acc["nn_raw"] == pytest.approx(0.521, abs=0.005)       # deterministic
    assert acc["nn_fft"] == pytest.approx(0.570, abs=0.005)
    assert acc["forest_fft"] == pytest.approx(0.574, abs=0.03)
    assert leaf.evaluation.verdict == "model"
    assert leaf.species == leaf.truth and sum(leaf.probabilities.values()) == pytest.approx(1, abs=1e-3)


def test_where_the_tracing_starts_does_not_change_the_answer(leaf):
    answers = {domains.run("agriculture.leaf", sample=0, rotation=r).species for r in (0, 100, 213, 350)}
    assert answers == {leaf.species}
    rotated = domains.run("agriculture.leaf", sample=0, rotation=100)
    assert rotated.series[0] == leaf.series[100]


def _photo(tmp_path, draw):
    from PIL import Image, ImageDraw
    img = Image.new("RGB", (400, 300), "white")
    draw(ImageDraw.Draw(img))
    path = tmp_path / "leaf.png"
    img.save(path)
    return str(path)


def test_a_photo_is_traced_into_the_series_the_model_reads(tmp_path):
    from domains.agriculture.leaf import outline_from_photo
    path = _photo(tmp_path, lambda d: d.polygon([(200, 30), (260, 120), (230, 250), (170, 250), (140, 120)],
                                                 fill=(40, 120, 40)))
    series, contour, warnings = outline_from_photo(path)
    assert series.shape == (427,) and abs(series.mean()) < 1e-4 and abs(series.std() - 1) < 1e-3
    assert 138 <= contour[:, 1].min() <= 150 and 250 <= contour[:, 1].max() <= 265   # the edge, in pixels
    r = domains.run("agriculture.leaf", path)
    assert r.truth is None and r.contour and any("forced into one of the six" in w for w in r.warnings)


def test_a_photo_without_a_leaf_is_refused(tmp_path):
    blank = _photo(tmp_path, lambda d: None)
    with pytest.raises(InputError, match="no leaf"):
        domains.run("agriculture.leaf", blank)
    full = _photo(tmp_path, lambda d: d.rectangle((0, 0, 400, 300), fill=(40, 120, 40)))
    with pytest.raises(InputError):
        domains.run("agriculture.leaf", full)
    with pytest.raises(InputError):
        domains.run("agriculture.leaf", b"not an image at all")


def test_leaf_map_ties_on_accuracy_and_the_learned_plane_keeps_species_apart():
    r = domains.run("agriculture.leaf_map", leaf=5)
    acc = r.accuracy
    assert min(acc.values()) > 0.98                                 # every model about 0.99
    assert r.knn_2d["map"] > 0.97 and r.knn_2d["pca"] == pytest.approx(0.675, abs=0.01)
    assert len(r.points["x"]) == 1907 and len(r.species) == 32 and sum(r.points["held_out"]) == 477
    assert r.evaluation.verdict in ("tie", "baseline") and r.chosen == 5


def test_rice_boosting_wins_and_cobb_douglas_gives_readable_elasticities():
    r = domains.run("agriculture.rice", farm=0)
    assert r.r2["boosting"] == pytest.approx(0.882, abs=0.01)
    assert r.r2["cobb_douglas"] == pytest.approx(0.837, abs=0.005)
    assert r.r2["network"] < r.r2["boosting"] and r.evaluation.verdict == "baseline"
    assert r.elasticities["size"] == pytest.approx(1.01, abs=0.02) and abs(r.elasticities["pesticide"]) < 0.02
    assert r.actual_kg == 7980.0
    more = domains.run("agriculture.rice", farm=0, inputs={"size": r.inputs["size"] * 1.5})
    assert more.output_kg["cobb_douglas"] > r.output_kg["cobb_douglas"] * 1.3 and more.actual_kg is None
    for bad in ({"urea": -5}, {"urea": 1e9}, {"tractors": 2}, {"urea": "lots"}):
        with pytest.raises(InputError):
            domains.run("agriculture.rice", inputs=bad)
