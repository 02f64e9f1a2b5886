"""Languages: the catalog covers every message in the code, the language belongs to the caller (two callers at
once each get their own), and the API and the CLI take `lang`."""
from __future__ import annotations

import re
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from skips import need

import domains
from domains.core import i18n
from domains.core.errors import InputError

ROOT = Path(__file__).resolve().parents[2]
PLACEHOLDER = re.compile(r"\{[^{}]*\}")
CJK = re.compile(r"[\u4e00-\u9fff]")


def zh_catalog():
    from babel.messages.pofile import read_po
    with (i18n.LOCALE_DIR / "zh" / "LC_MESSAGES" / f"{i18n.DOMAIN}.po").open("rb") as f:
        return read_po(f, locale="zh")


def test_every_message_in_the_code_has_a_chinese_translation_with_the_same_placeholders():
    """The guard for every string still to come: a new message without a translation fails here."""
    po = zh_catalog()
    missing, wrong = [], []
    for m in i18n.extract():
        if not m.id:
            continue
        t = po.get(m.id if isinstance(m.id, str) else m.id[0], context=m.context)
        text = t.string if t is not None else None
        text = text[0] if isinstance(text, (tuple, list)) else text
        if not text or (t is not None and t.fuzzy):
            missing.append(m.id)
            continue
        english = m.id if isinstance(m.id, str) else m.id[1]
        if sorted(PLACEHOLDER.findall(english)) != sorted(PLACEHOLDER.findall(text)):
            wrong.append((english, text))
    assert not missing, f"{len(missing)} messages have no Chinese translation (python -m domains catalog, then " \
                        f"translate them in domains/locale/zh/LC_MESSAGES/gallery.po): {missing[:5]}"
    assert not wrong, f"placeholders differ: {wrong[:3]}"
    assert len(po) > 900


def test_english_needs_no_catalog_and_unknown_languages_are_refused():
    assert i18n.in_language("Loading {name}", "en") == "Loading {name}"
    assert i18n.in_language("Loading {name}", "zh") == "正在加载 {name}"
    assert i18n.normalize("zh-CN") == i18n.normalize("zh_Hans_CN") == "zh" and i18n.normalize("en-GB") == "en"
    assert i18n.normalize("fr") is None
    with pytest.raises(InputError, match="Unknown language 'fr'"):
        domains.run("vision.classify", b"x", lang="fr")


def test_the_api_writes_errors_and_results_in_the_callers_language(coffee_png):
    with pytest.raises(InputError) as e:
        domains.run("vision.classify", b"not a picture", lang="zh")
    assert CJK.search(str(e.value)) and "图片" in str(e.value)
    with pytest.raises(InputError) as e:
        domains.run("vision.classify", b"not a picture")
    assert "not an image" in str(e.value)
    r = domains.run("finance.forecast", None, horizon=3, lang="zh")
    assert r.verdict.startswith("留出年份") and "。 " not in r.verdict  # no English gap between Chinese sentences
    assert CJK.search(r.evaluation.split) and "漂移" in r.evaluation.baselines
    with i18n.language("zh"):
        assert "打平" in r.evaluation.sentence()
    assert "Held-out years" in domains.run("finance.forecast", None, horizon=3).verdict
    assert i18n.current() == "en"  # the call's language ended with the call


def test_two_callers_at_once_each_see_only_their_own_language():
    """Two sessions in one process, overlapping on purpose (each waits inside its own model call until the other is
    inside its own too): a process-wide language switch would leak from one to the other."""
    domains.run("finance.forecast", None, horizon=2)  # models loaded: the runs below only call them
    domains.run("finance.headline", "Profits soar")
    seen: dict[str, list[str]] = {"zh": [], "en": []}

    def session(lang: str, order: tuple[str, str], barrier: threading.Barrier) -> None:
        waited = []

        def progress(fraction, message):
            seen[lang].append(message)
            if not waited:
                waited.append(True)
                try:
                    barrier.wait()
                except threading.BrokenBarrierError:
                    pass
        for demo in order:
            if demo == "forecast":
                r = domains.run("finance.forecast", None, horizon=2, lang=lang, progress=progress)
                seen[lang] += [r.verdict, r.evaluation.data, r.evaluation.split]
            else:
                r = domains.run("finance.headline", "Profits soar", lang=lang, progress=progress)
                seen[lang] += [r.evaluation.data, r.evaluation.split]
        try:
            domains.run("medical.breast_cancer", None, case=1, features={"worst radius": 1e9}, lang=lang)
        except InputError as e:
            seen[lang].append(str(e))

    barrier = threading.Barrier(2, timeout=60)
    threads = [threading.Thread(target=session, args=("zh", ("forecast", "headline"), barrier)),
               threading.Thread(target=session, args=("en", ("headline", "forecast"), barrier))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(180)
    assert not barrier.broken  # they really overlapped
    assert len(seen["zh"]) >= 6 and len(seen["en"]) >= 6
    assert all(CJK.search(m) for m in seen["zh"]), seen["zh"]
    assert not any(CJK.search(m) for m in seen["en"]), seen["en"]
    assert any("不合常理" in m for m in seen["zh"]) and any("absurd" in m for m in seen["en"])


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "domains", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=300)


def test_cli_prints_a_chinese_one_line_error(tmp_path):
    bad = tmp_path / "BAD"
    bad.write_bytes(b"not a picture")
    p = run_cli("run", "vision.classify", str(bad), "--lang", "zh")
    assert p.returncode == 2 and p.stdout == ""
    assert p.stderr.count("\n") == 1 and p.stderr.startswith("error: ") and CJK.search(p.stderr), p.stderr
    assert "Traceback" not in p.stderr
    p = run_cli("run", "vision.classify", str(bad), "--lang", "xx")
    assert p.returncode == 2 and "Unknown language 'xx'" in p.stderr


def test_cli_lists_demos_in_chinese():
    import json
    p = run_cli("list", "--json", "--lang", "zh")
    items = {d["id"]: d for d in json.loads(p.stdout)}
    assert items["vision.classify"]["title"] == "图像分类" and items["vision.classify"]["id"] == "vision.classify"


def test_pictures_the_gallery_draws_can_carry_chinese():
    """A caption drawn into a picture uses a font with Chinese glyphs where one is installed (Debian fonts-noto-cjk)."""
    from PIL import Image
    from domains.core import draw
    font = draw._font(20)
    need(any(Path(p).exists() for p in draw.CJK_FONTS), "no CJK font installed (apt-get install fonts-noto-cjk)")
    assert "CJK" in " ".join(font.getname())
    img = draw.boxes(Image.new("RGB", (200, 120), "white"), [((20, 40, 100, 60), "人脸 95%")])
    glyph = font.getmask("人").getbbox()
    assert glyph is not None and glyph[2] - glyph[0] > 8  # a real glyph, not an empty box
    above = img.crop((20, 0, 120, 40)).convert("L")
    assert above.getextrema()[0] < 200  # the caption's label was drawn above the box
