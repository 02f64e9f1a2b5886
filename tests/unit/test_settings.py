"""One place for each setting: every GALLERY_ variable the code reads is documented, and the upload limit is one
number that the guards, the upload boxes, Streamlit's server and nginx all take from domains/core/inputs.py."""
from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CODE = [*ROOT.glob("domains/**/*.py"), *ROOT.glob("pages/*.py"), ROOT / "streamlit_app.py", *ROOT.glob("deploy/*"),
        *ROOT.glob("benchmarks/*.py"), ROOT / "gallery.sh", ROOT / ".ci" / "run", *ROOT.glob("tests/**/*.py")]


def test_every_gallery_setting_the_code_reads_is_in_the_readme():
    readme = (ROOT / "README.md").read_text()
    names = {n for f in CODE if f.is_file() for n in re.findall(r"\bGALLERY_[A-Z0-9_]*[A-Z0-9]\b", f.read_text())}
    assert len(names) > 15
    missing = sorted(n for n in names if f"`{n}`" not in readme)
    assert not missing, f"document these in README's settings table: {missing}"


def test_one_upload_limit_everywhere():
    from domains.core import audio, media
    from domains.driving import pedestrians
    assert media.MAX_BYTES == audio.MAX_BYTES == pedestrians.MAX_MB * 2**20 == media.MAX_UPLOAD_MB * 2**20
    uploads = [f"{f.relative_to(ROOT)}:{i}" for f in ROOT.glob("pages/*.py")
               for i, line in enumerate(f.read_text().splitlines(), 1) if "st.file_uploader(" in line]
    assert uploads == [next(u for u in uploads if u.startswith("pages/_ui.py"))], uploads  # only the helper
    assert "maxUploadSize =" not in (ROOT / ".streamlit" / "config.toml").read_text()
    conf = (ROOT / "deploy" / "nginx.conf").read_text()
    assert re.search(r"client_max_body_size @MAX_BODY@;", conf) and not re.search(r"client_max_body_size \d", conf)


def test_streamlit_takes_the_galleries_limit():
    from streamlit import config
    from domains.core.media import MAX_UPLOAD_MB
    from pages import _ui
    before = config.get_option("server.maxUploadSize")
    try:
        _ui.apply_upload_limit()
        assert config.get_option("server.maxUploadSize") == MAX_UPLOAD_MB
    finally:
        config.set_option("server.maxUploadSize", before)


def test_every_readme_screenshot_is_retaken_by_one_command_in_both_languages():
    """README's pictures come from `./gallery.sh screenshots` (tests/browser/screenshots.py): each one it shows is
    on that list, in English and Chinese, and on disk."""
    shown = set(re.findall(r"docs/screenshots/([\w.-]+)\.png", (ROOT / "README.md").read_text()))
    listed = re.findall(r'\("([\w-]+)", "[\w?=&]*", "', (ROOT / "tests/browser/screenshots.py").read_text())
    made = {n for name in listed for n in (name, f"zh-{name}")}
    assert len(listed) >= 12 and shown and shown <= made, sorted(shown - made)
    assert {f"zh-{n}" for n in listed} & shown, "no Chinese screenshot in the README"
    assert all((ROOT / "docs" / "screenshots" / f"{n}.png").is_file() for n in shown)
    assert "screenshots) " in (ROOT / "gallery.sh").read_text()
