"""Privacy: Presidio finds and removes personal data (measured on the labelled sentences), faces are hidden so the
detector no longer finds them, DP-SGD pushes a membership attack back to chance."""
from __future__ import annotations

import io

import pytest

import domains
from domains.core import examples
from domains.core.errors import InputError

TEXT = ("Please send the contract to Alice Johnson at alice.johnson@example.com or call +1 (415) 555-0132. "
        "Card 4111 1111 1111 1111. Alice Johnson again.")


def test_personal_data_is_found_with_its_position_and_replaced():
    r = domains.run("privacy.pii", TEXT)
    found = {(e.type, e.text) for e in r.entities}
    assert {("PERSON", "Alice Johnson"), ("EMAIL_ADDRESS", "alice.johnson@example.com"),
            ("PHONE_NUMBER", "+1 (415) 555-0132"), ("CREDIT_CARD", "4111 1111 1111 1111")} <= found
    assert all(TEXT[e.start:e.end] == e.text and 0 < e.score <= 1 for e in r.entities)
    assert not any(e.type == "URL" for e in r.entities)          # the domain inside the e-mail is not a second find
    assert r.anonymized.count("<PERSON>") == 2 and "@" not in r.anonymized and "4111" not in r.anonymized


def test_operators_and_linkable_pseudonyms():
    masked = domains.run("privacy.pii", TEXT, operator="mask").anonymized
    assert "Alice" not in masked and "*" * 13 in masked
    h1 = domains.run("privacy.pii", TEXT, operator="hash").anonymized
    h2 = domains.run("privacy.pii", "Alice Johnson called.", operator="hash").anonymized
    code = h2.split()[0]
    assert len(code) == 64 and h1.count(code) == 2                 # the same name, the same code in both texts
    redacted = domains.run("privacy.pii", TEXT, operator="redact", types="EMAIL_ADDRESS").anonymized
    assert "alice.johnson@example.com" not in redacted and "Alice Johnson" in redacted


def test_precision_and_recall_on_the_labelled_sentences_with_the_misses_named():
    r = domains.run("privacy.pii", "Call Bob.")
    s = r.scores
    assert s["micro"]["gold"] == 40 and s["micro"]["precision"] >= 0.8 and s["micro"]["recall"] >= 0.9
    assert s["EMAIL_ADDRESS"]["recall"] == s["CREDIT_CARD"]["recall"] == s["IBAN_CODE"]["recall"] == 1.0
    assert s["PERSON"]["recall"] < 0.9                              # the small network misses names
    assert "Luca Bianchi" in [m["text"] for m in r.misses if m["kind"] == "FN"]
    assert r.evaluation.verdict == "model" and r.evaluation.baselines


@pytest.mark.parametrize("text,match", [("", "empty"), ("x" * 200_000, "the limit is 20,000"), ("请把合同发给张伟。", "reads English only"),
                                        (b"\xff\xfe bad", "UTF-8")])
def test_pii_refusals(text, match):
    with pytest.raises(InputError, match=match):
        domains.run("privacy.pii", text)


def test_html_in_text_stays_text():
    r = domains.run("privacy.pii", "<script>alert('Alice Johnson')</script> <a href='javascript:x'>mail</a>")
    assert "<script>" in r.anonymized and "javascript:" in r.anonymized


def test_unknown_operator_and_type():
    with pytest.raises(InputError, match="operator"):
        domains.run("privacy.pii", TEXT, operator="shred")
    with pytest.raises(InputError, match="entity type"):
        domains.run("privacy.pii", TEXT, types="PASSWORD")


@pytest.mark.parametrize("method", ["blur", "pixelate", "box"])
def test_no_face_is_found_after_hiding(method):
    r = domains.run("privacy.faces", examples.image("grace_hopper"), method=method)
    assert len(r.faces) == 1 and r.faces[0]["score"] > 0.8 and r.faces_after == []
    x, y, w, h = r.faces[0]["hidden"]
    import numpy as np
    before, after = np.asarray(r.original.convert("RGB"), float), np.asarray(r.image, float)
    assert np.abs(before[y:y + h, x:x + w] - after[y:y + h, x:x + w]).mean() > 10    # the face changed
    outside = np.ones(before.shape[:2], bool)
    outside[y:y + h, x:x + w] = False
    assert np.abs(before[outside] - after[outside]).max() == 0                         # nothing else did


def test_a_photo_without_faces_and_exif_is_dropped():
    from PIL import Image
    img = examples.image("coffee")
    exif = Image.Exif()
    exif[0x010F] = "GalleryCam"          # Make
    exif[0x0132] = "2026:11:29 10:00:00"  # DateTime
    buf = io.BytesIO()
    img.save(buf, format="JPEG", exif=exif)
    r = domains.run("privacy.faces", buf.getvalue())
    assert r.faces == [] and "No face found" in r.warnings[0]
    assert {"Make", "DateTime"} <= set(r.exif_found) and r.exif_kept == []
    out = io.BytesIO()
    r.image.save(out, format="JPEG")
    assert len(Image.open(io.BytesIO(out.getvalue())).getexif()) == 0


def test_bad_images_and_methods():
    with pytest.raises(InputError, match="not an image"):
        domains.run("privacy.faces", b"plain text, not a picture")
    with pytest.raises(InputError, match="method"):
        domains.run("privacy.faces", examples.image("grace_hopper"), method="smudge")


@pytest.fixture(scope="module")
def dp4():
    return domains.run("privacy.dp", epsilon=4)


def test_the_overfit_model_leaks_and_dp_pushes_the_attack_to_chance(dp4):
    runs = dp4.runs
    assert runs["overfit"]["attack_auc"] > runs["normal"]["attack_auc"] > dp4.chosen["attack_auc"]
    assert runs["overfit"]["attack_auc"] > 0.58 and abs(dp4.chosen["attack_auc"] - 0.5) < 0.02
    assert runs["overfit"]["train_accuracy"] > 0.95                # it memorised its loans
    assert dp4.chosen["accuracy"] > dp4.majority + 0.03             # and DP at epsilon 4 still learned something
    assert dp4.evaluation.verdict == "model" and not dp4.evaluation.higher_is_better
    for e in (0.5, 1, 2, 4, 8):
        assert runs[f"dp-{e:g}"]["epsilon_spent"] <= e * 1.01


def test_a_tiny_budget_only_predicts_the_larger_class(dp4):
    r = domains.run("privacy.dp", epsilon=0.5)
    assert r.chosen["predicts_one_class"] and r.warnings and r.chosen["accuracy"] == pytest.approx(r.majority, abs=0.002)
    with pytest.raises(InputError, match="epsilon"):
        domains.run("privacy.dp", epsilon=3)
