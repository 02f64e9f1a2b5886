"""The image guard: every Pillow mode accepted, caps enforced, EXIF dropped, bad files named clearly."""
from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

import domains
from domains.core.errors import InputError
from domains.core.inputs import MAX_SIDE, load_image
from testmedia import encode, gradient


@pytest.mark.parametrize("mode,fmt", [("L", "PNG"), ("LA", "PNG"), ("P", "PNG"), ("RGBA", "PNG"), ("1", "PNG"),
                                      ("CMYK", "JPEG"), ("I;16", "PNG"), ("I", "TIFF"), ("F", "TIFF"),
                                      ("RGB", "WEBP"), ("P", "GIF")])
def test_every_mode_becomes_rgb_with_its_content(mode, fmt):
    img, info = load_image(encode(gradient(mode), fmt))
    assert img.mode == "RGB" and img.size == (64, 48)
    assert info.mode == Image.open(io.BytesIO(encode(gradient(mode), fmt))).mode
    if mode != "1":  # the gradient survives the conversion
        assert np.asarray(img).std() > 20, "content lost in conversion"


def test_transparency_is_composited_on_white():
    rgba = Image.new("RGBA", (20, 20), (255, 0, 0, 0))
    img, _ = load_image(encode(rgba))
    assert img.getpixel((5, 5)) == (255, 255, 255)


def test_sixteen_bit_is_rescaled_not_clipped():
    a = np.full((16, 16), 1000, np.uint16)
    a[:, 8:] = 3000  # a dim 16-bit image: naive conversion would give all 255 or all 0
    img, _ = load_image(encode(Image.fromarray(a)))
    px = np.asarray(img)[..., 0]
    assert px[0, 0] == 0 and px[0, 15] == 255


@pytest.mark.parametrize("size", [(1, 1), (15, 400), (400, 8)])
def test_too_small_images_are_refused(size):
    with pytest.raises(InputError, match=f"{size[0]} x {size[1]} pixels: too small"):
        load_image(encode(Image.new("RGB", size, (1, 2, 3))))


def test_sixteen_pixels_are_enough():
    img, info = load_image(encode(Image.new("RGB", (16, 16), (1, 2, 3))))
    assert img.size == (16, 16) and img.getpixel((0, 0)) == (1, 2, 3)


def test_large_image_is_downscaled_before_inference():
    img, info = load_image(encode(Image.new("RGB", (4000, 1000))))
    assert (info.width, info.height) == (4000, 1000)
    assert max(img.size) == MAX_SIDE and img.size == (MAX_SIDE, MAX_SIDE // 4)


def test_huge_image_is_refused_from_its_header():
    data = encode(Image.new("1", (20000, 20000)))  # 400 megapixels, a few hundred KB as PNG
    with pytest.raises(InputError, match="megapixel"):
        load_image(data)


def test_exif_orientation_applied_then_metadata_dropped():
    img = Image.new("RGB", (40, 20), (200, 10, 10))
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90 degrees on display
    exif[0x010F] = "SecretCam"
    out, info = load_image(encode(img, "JPEG", exif=exif.tobytes()))
    assert out.size == (20, 40)  # turned as the camera meant
    assert info.exif_stripped
    assert not out.getexif() and not out.info
    assert b"SecretCam" not in encode(out, "JPEG")


@pytest.mark.parametrize("data,message", [
    (b"", "empty"),
    (b"hello, I am a text file pretending to be a PNG\n", "not an image"),
    (b"\x89PNG\r\n\x1a\n" + b"\0" * 20, "not an image|corrupt"),
])
def test_bad_files_get_clear_messages(data, message):
    with pytest.raises(InputError, match=message):
        load_image(data)


def test_truncated_jpeg_is_named():
    data = encode(Image.linear_gradient("L").convert("RGB").resize((300, 300)), "JPEG")
    with pytest.raises(InputError, match="corrupt or truncated"):
        load_image(data[: len(data) // 2])


def test_byte_cap(monkeypatch):
    monkeypatch.setattr("domains.core.media.MAX_BYTES", 1000)  # the one cap both guards read
    with pytest.raises(InputError, match="limit is"):
        load_image(b"x" * 2000)


def test_paths_and_missing_paths(tmp_path):
    p = tmp_path / "a.png"
    p.write_bytes(encode(Image.new("RGB", (20, 20))))
    assert load_image(p)[0].size == (20, 20)
    with pytest.raises(InputError, match="No such image file"):
        load_image(tmp_path / "missing.png")
    with pytest.raises(InputError, match="Expected the image"):
        load_image(12345)


def test_classifier_runs_on_a_16_bit_grayscale_photo():
    """A real photo in an awkward mode still gets a real answer from the offline model."""
    from domains.core import examples
    gray16 = Image.fromarray(np.asarray(examples.image("coffee").convert("L"), np.uint16) * 257)
    res = domains.run("vision.classify", encode(gray16), top_k=5)
    assert res.image.mode == "I;16"
    assert "espresso" in [l.label for l in res.labels]
