"""Biology: AntiBERTy reads antibody chains as shipped; the DNA CNN trained here beats k-mer logistic regression."""
from __future__ import annotations

import pytest

import domains
from domains.biology import EXAMPLES
from domains.core.errors import InputError


@pytest.mark.parametrize("key", list(EXAMPLES))
def test_every_example_chain_is_named_heavy_or_light_right(key):
    r = domains.run("biology.antibody", EXAMPLES[key][1])
    assert r.chain == key.split("-")[0] and r.chain_probabilities[r.chain] > 0.9
    assert r.length == len(EXAMPLES[key][1]) == len(r.likelihood)


def test_masked_residues_are_recovered_far_above_the_baseline():
    r = domains.run("biology.antibody", EXAMPLES["heavy-1"][1], mask="31,32,33")
    assert r.recovery > 0.75 and r.baseline < 0.2 and r.evaluation.verdict == "model"
    assert [p.position for p in r.masked] == [31, 32, 33]
    for p in r.masked:
        probs = [pr for _a, pr in p.top]
        assert probs == sorted(probs, reverse=True) and sum(probs) <= 1.0001 and p.residue == EXAMPLES["heavy-1"][1][p.position - 1]
    assert r.masked[0].top[0][0] == "D"                      # the D at 31 is restored with 90 %
    mouse = domains.run("biology.antibody", EXAMPLES["heavy-5"][1])
    assert mouse.species == "Mouse" and r.species == "Human"
    assert r.map["labels"][-1] == "yours" and len(r.map["x"]) == len(EXAMPLES) + 1


@pytest.mark.parametrize("text,match", [
    ("ACGTACGTAC" * 12, "looks like DNA"), (">VH\n" + EXAMPLES["heavy-1"][1], "FASTA"),
    ("EVQLVESGG" * 3, "variable domain"), (EXAMPLES["heavy-1"][1] + "XZ", "amino-acid"), ("   ", "empty|whitespace"),
    ("<script>alert(1)</script>", "amino-acid")])
def test_antibody_refusals(text, match):
    with pytest.raises(InputError, match=match):
        domains.run("biology.antibody", text)


def test_mask_positions_are_checked():
    with pytest.raises(InputError, match="from 1 to"):
        domains.run("biology.antibody", EXAMPLES["light-1"][1], mask="0,500")
    with pytest.raises(InputError, match="whole numbers"):
        domains.run("biology.antibody", EXAMPLES["light-1"][1], mask="a,b")


@pytest.fixture(scope="module")
def region():
    return domains.run("biology.dna", start=0, length=10_000)


def test_the_cnn_finds_genes_better_than_kmers_on_the_held_out_region(region):
    assert 0.85 <= region.auc["cnn"] <= 0.95 and region.auc["logistic"] == pytest.approx(0.744, abs=0.02)
    assert region.accuracy["majority"] == pytest.approx(0.563, abs=0.005) and region.evaluation.verdict == "model"


def test_the_track_follows_the_annotation(region):
    import numpy as np
    t = region.track
    assert len(t["centre"]) == len(t["cnn"]) == len(t["annotated"]) == (10_000 - 200) // 20 + 1
    ann = np.array([a if a is not None else -1 for a in t["annotated"]])
    cnn = np.array(t["cnn"])
    assert cnn[ann == 1].mean() > cnn[ann == 0].mean() + 0.3               # coding windows score much higher
    assert None in t["annotated"] and any(g[0] == "psbA" for g in region.genes)   # boundaries unlabelled; psbA at the start
    assert not region.warnings                                             # wholly held out


def test_a_pasted_sequence_and_a_training_region():
    seq, _c, _g = domains.biology.dna.genome()
    pasted = domains.run("biology.dna", sequence=seq[1000:3000].lower())
    assert pasted.source == "pasted" and pasted.track["annotated"] is None and len(pasted.track["cnn"]) == 91
    train = domains.run("biology.dna", start=60_000, length=5_000)
    assert train.warnings and "training" in train.warnings[0]


@pytest.mark.parametrize("params,match", [({"sequence": "ACGU" * 100}, "A, C, G and T"),
                                          ({"sequence": "ACGT" * 10}, "at least 200"),
                                          ({"sequence": "N" * 300}, "tenth"),
                                          ({"start": -5}, "start runs"), ({"length": 50_000}, "length")])
def test_dna_refusals(params, match):
    with pytest.raises(InputError, match=match):
        domains.run("biology.dna", **params)
