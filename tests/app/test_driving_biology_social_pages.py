"""Driving, biology and social networks under AppTest."""
from __future__ import annotations

from skips import needs

from test_pages import errors, open_section, texts
from domains.driving import pedestrians as ped


def test_driving_policy_shows_both_drivers_and_every_policy_on_the_test_seeds():
    at = open_section("pages/driving.py", "policy")
    assert not at.exception and not errors(at)
    assert "Above: the learned driver. Below: the rule driver." in texts(at)
    assert [m.label for m in at.metric] == ["distance, m", "mean speed, m/s", "return"] * 2
    assert "Every driver on the same 8 test seeds" in texts(at)        # the test budget's seeds
    dense = open_section("pages/driving.py", "policy", drv_density=2.0)
    assert not dense.exception and any("density 1" in w.value for w in dense.warning)


@needs(ped.VIDEO.is_file(), "opencv-doc's vtest.avi is not installed (apt-get install opencv-doc)")
def test_pedestrians_scrub_through_frames():
    at = open_section("pages/driving.py", "pedestrians", ped_seconds=3)
    assert not at.exception and not errors(at)
    assert at.slider(key="ped_frame").max == 3 and at.metric[0].label == "people (a body found)"
    at.slider(key="ped_frame").set_value(3).run()
    assert not at.exception and at.slider(key="ped_frame").value == 3
    upload = open_section("pages/driving.py", "pedestrians", ped_source="upload")
    assert not upload.exception and "Upload a clip" in upload.info[0].value


def test_biology_antibody_reads_the_example_and_refuses_dna():
    at = open_section("pages/biology.py", "antibody")
    assert not at.exception and not errors(at)
    assert [m.value for m in at.metric][:2] == ["heavy", "human"]
    assert "What the model puts in the masked positions" in texts(at)
    at.text_area(key="ab_text").set_value("ACGT" * 40).run()
    assert "looks like DNA" in " ".join(errors(at)) and not at.exception


def test_biology_dna_draws_the_held_out_region_and_reads_a_pasted_sequence():
    at = open_section("pages/biology.py", "dna")
    assert not at.exception and not errors(at)
    assert "the model wins" in texts(at) and "200-bp window" in texts(at)
    pasted = open_section("pages/biology.py", "dna", dna_source="paste", dna_seq="ACGT" * 20)
    assert "at least 200" in " ".join(errors(pasted)) and not pasted.exception


def test_social_communities_scores_the_club_split_and_takes_named_groups():
    at = open_section("pages/social.py", "communities")
    assert not at.exception and not errors(at)
    assert [m.label for m in at.metric] == ["graph network", "label propagation", "largest group for everyone"]
    assert "a tie" in texts(at)
    flor = open_section("pages/social.py", "communities", soc_graph="florentine")
    assert not flor.exception and flor.metric[0].label == "the two methods agree on"
    bad = open_section("pages/social.py", "communities", soc_graph="lesmis", soc_lab_lesmis="<b>Valjean</b>=A")
    assert "No member called" in " ".join(errors(bad)) and not bad.exception


def test_social_links_suggests_friends_with_the_shared_ones():
    at = open_section("pages/social.py", "links", lnk_graph="lesmis")
    assert not at.exception and not errors(at)
    assert "Valjean" in texts(at) and "Finding hidden friendships, 10 random splits" in texts(at)
    assert "Adamic-Adar" in texts(at)
