"""Driving: the DQN driver (the small test budget: GALLERY_DRIVING_QUICK=1) beside the rule driver on the same seeds;
people found in the street video and in an uploaded clip."""
from __future__ import annotations

import io

import pytest
from skips import needs

import domains
from domains.core.errors import InputError
from domains.driving import pedestrians as ped
from domains.driving import policy as pol


@pytest.fixture(scope="module")
def drive():
    return domains.run("driving.policy", seed=2026)


def test_every_policy_is_scored_on_the_same_test_seeds_and_the_checkpoint_is_chosen_on_validation(drive):
    assert set(drive.test) == {"learned", "rule", "idle", "random", "last"}
    best = max(drive.validation, key=lambda s: (drive.validation[s]["mean_return"], -int(s)))
    assert drive.chosen_steps == int(best)
    assert drive.test["rule"]["collision_rate"] <= 0.25 < drive.test["idle"]["collision_rate"]
    ev = drive.evaluation
    assert ev.model == pytest.approx(drive.test["learned"]["mean_return"], abs=0.01)
    assert set(ev.baselines.values()) == {round(drive.test[k]["mean_return"], 2) for k in ("rule", "idle", "random")}


def test_both_drivers_meet_the_same_traffic_in_one_animation(drive):
    from PIL import Image
    gif = Image.open(io.BytesIO(drive.animation))
    steps = max(e["steps"] for e in drive.episodes.values())
    assert gif.size == (600, 306) and gif.n_frames == steps + 1
    for e in drive.episodes.values():
        assert len(e["actions"]) == len(e["speeds"]) == e["steps"] and set(e["actions"]) <= set(pol.ACTIONS)
    again = domains.run("driving.policy", seed=2026, animate=False)
    assert again.episodes["rule"]["actions"] == drive.episodes["rule"]["actions"]    # the simulator is seeded
    assert again.animation == b""


def test_the_rule_driver_keeps_its_distance():
    env = pol.make_env()
    run = pol.episode(pol.baselines()["rule"], 1003, env)
    assert not run["crashed"] and run["distance_m"] > 500


def test_warnings_and_refusals():
    dense = domains.run("driving.policy", seed=7, density=2.0, animate=False)
    assert any("density 1" in w for w in dense.warnings)
    test_seed = domains.run("driving.policy", seed=1000, animate=False)
    assert "test seeds" in test_seed.warnings[0]
    with pytest.raises(InputError, match="density"):
        domains.run("driving.policy", density=5)
    with pytest.raises(InputError, match="seed"):
        domains.run("driving.policy", seed=-1)


pytestmark_video = needs(ped.VIDEO.is_file(), "opencv-doc's vtest.avi is not installed (apt-get install opencv-doc)")


@pytestmark_video
def test_people_in_the_street_video_get_boxes_and_skeletons():
    r = domains.run("driving.pedestrians", start_s=8, seconds=6, every=10)
    assert r.video == "vtest.avi" and r.size == [768, 576] and len(r.frames) == len(r.annotated) == 6
    assert r.people >= 12 and r.people <= r.regions                     # two or more walkers a frame
    for f in r.frames:
        for p in f.regions:
            x, y, w, h = p.box
            assert 0 <= x and 0 <= y and x + w <= 768 and y + h <= 576
            assert len(p.landmarks) == (33 if p.body else 0)
    assert "ground truth" in r.notes[0]


@pytestmark_video
def test_an_uploaded_clip_goes_through_the_same_steps(tmp_path):
    import cv2
    cap = cv2.VideoCapture(str(ped.VIDEO))
    out = tmp_path / "clip.avi"
    writer = cv2.VideoWriter(str(out), cv2.VideoWriter_fourcc(*"MJPG"), 10, (768, 576))
    for _ in range(100):
        writer.write(cap.read()[1])
    writer.release()
    r = domains.run("driving.pedestrians", out.read_bytes(), start_s=5, seconds=4, every=10)
    assert r.video == "upload" and r.frames_in_video == 100 and len(r.frames) == 4 and r.people >= 1
    with pytest.raises(InputError, match="start earlier"):
        domains.run("driving.pedestrians", out.read_bytes(), start_s=30)


@pytest.mark.parametrize("data,match", [(b"", "empty"), (b"plain text, not a video", "Could not read"),
                                         (b"\x89PNG\r\n\x1a\n" + b"0" * 100, "Could not read")])
def test_bad_videos_are_refused(data, match):
    with pytest.raises(InputError, match=match):
        domains.run("driving.pedestrians", data)
