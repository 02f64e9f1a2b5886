"""The gallery's languages: gettext catalogs kept with Babel, looked up per call.

    from domains.core.i18n import _, n_, N_
    _("Loading {name}").format(name=spec.name)      # translated into the current language
    n_("{n} run", "{n} runs", n).format(n=n)          # with plural forms
    TITLE = N_("Image classification")               # marked for the catalog, translated where shown: _(TITLE)

Message ids are the English sentences, so English never depends on a catalog. The language belongs to the
caller, not the process: it is a context variable, set for one call by `language(lang)` (the API's and the
CLI's `lang=` / `--lang`) or for one Streamlit script run by `set_language(lang)`. One process serves many
browsers at once, each in its own language.

Catalogs: `domains/locale/gallery.pot` (extracted from `domains/` and `pages/`) and
`domains/locale/<lang>/LC_MESSAGES/gallery.po` (kept in the repository), compiled to `.mo` on first use.
`python -m domains catalog` refreshes the template and merges it into every language's `.po`.
"""
from __future__ import annotations

import gettext
import os
import tempfile
import threading
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Iterator

LANGUAGES = {"en": "English", "zh": "中文"}   # code -> its own name, for the switch
DEFAULT = "en"
DOMAIN = "gallery"
LOCALE_DIR = Path(__file__).resolve().parents[1] / "locale"
ROOT = LOCALE_DIR.parents[1]
KEYWORDS = {"_": None, "N_": None, "n_": (1, 2), "p_": ((1, "c"), 2), "Np_": ((1, "c"), 2)}
SOURCES = ("domains", "pages", "streamlit_app.py")

_current: ContextVar[str] = ContextVar("gallery_language", default=DEFAULT)
_catalogs: dict[str, gettext.NullTranslations] = {}
_lock = threading.Lock()


def normalize(lang: str | None) -> str | None:
    """A supported language code for 'zh', 'zh-CN', 'zh_Hans_CN', 'en-GB', ...; None when unsupported."""
    if not lang:
        return None
    base = str(lang).strip().replace("_", "-").split("-")[0].lower()
    return base if base in LANGUAGES else None


def current() -> str:
    return _current.get()


def set_language(lang: str | None) -> str:
    """Set the language for the rest of this context (a Streamlit script run); returns the code used."""
    code = normalize(lang) or DEFAULT
    _current.set(code)
    return code


@contextmanager
def language(lang: str | None) -> Iterator[str]:
    """Use `lang` for the calls inside the block (None: keep the caller's). Unknown codes are an error."""
    if lang is None:
        yield current()
        return
    code = normalize(lang)
    if code is None:
        from .errors import InputError
        raise InputError(f"Unknown language '{lang}'. Languages: {', '.join(LANGUAGES)}.")
    token = _current.set(code)
    try:
        yield code
    finally:
        _current.reset(token)


def _po(lang: str) -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def _compile(po: Path) -> Path:
    """The .po compiled to .mo beside it (or in the cache when the checkout is read-only), when stale."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po
    mo = po.with_suffix(".mo")
    if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
        return mo
    with po.open("rb") as f:
        catalog = read_po(f, locale=po.parents[1].name)
    for target in (mo, Path(tempfile.gettempdir()) / f"dl-gallery-{po.parents[1].name}-{DOMAIN}.mo"):
        try:
            fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".mo-")
            with os.fdopen(fd, "wb") as f:
                write_mo(f, catalog)
            os.replace(tmp, target)
            return target
        except OSError:
            continue
    raise OSError(f"cannot write a compiled catalog for {po}")


def translations(lang: str) -> gettext.NullTranslations:
    """The catalog of a language (English: none, the ids are English)."""
    t = _catalogs.get(lang)  # every message looks this up: no lock once the catalog is loaded
    if t is not None:
        return t
    with _lock:
        t = _catalogs.get(lang)
        if t is None:
            po = _po(lang)
            if lang == DEFAULT or not po.exists():
                t = gettext.NullTranslations()
            else:
                with _compile(po).open("rb") as f:
                    t = gettext.GNUTranslations(f)
            _catalogs[lang] = t
        return t


def _(message: str) -> str:
    """`message` in the current language (itself when English or untranslated)."""
    lang = _current.get()
    return message if lang == DEFAULT or not message else translations(lang).gettext(message)


def n_(singular: str, plural: str, n: int) -> str:
    lang = _current.get()
    if lang == DEFAULT:
        return singular if n == 1 else plural
    return translations(lang).ngettext(singular, plural, n)


def p_(context: str, message: str) -> str:
    """`message` in the current language, where the same English word means different things ("Home": the home
    page, or a loan applicant's housing): the context tells them apart in the catalog."""
    lang = _current.get()
    return message if lang == DEFAULT else translations(lang).pgettext(context, message)


def Np_(context: str, message: str) -> str:
    """Mark a message with a context for the catalog, translated where shown with p_(context, message)."""
    return message


def N_(message: str) -> str:
    """Mark a message for the catalog without translating it here (module-level titles, blurbs...)."""
    return message


def join(*sentences: str) -> str:
    """Sentences one after another: a space between them in English, none in Chinese (its full stop is enough)."""
    gap = "" if _current.get() == "zh" else " "
    return gap.join(s for s in sentences if s)


def join_list(items: list[str]) -> str:
    """Words in a list: "a, b, c" in English, "a、b、c" in Chinese."""
    return ("、" if _current.get() == "zh" else ", ").join(items)


def in_language(message: str, lang: str) -> str:
    with language(lang):
        return _(message)


# ---------------------------------------------------------------- catalog upkeep
def extract():
    """Every translatable message in the code, as a Babel catalog (what the .pot holds)."""
    from babel.messages.catalog import Catalog
    from babel.messages.extract import extract_from_dir, extract_from_file
    catalog = Catalog(project="dl-gallery", charset="utf-8")
    for src in SOURCES:
        path = ROOT / src
        found = (extract_from_dir(str(path), method_map=[("**.py", "python")], keywords=KEYWORDS,
                                  comment_tags=("i18n:",), strip_comment_tags=True) if path.is_dir()
                 else ((str(path.name), *m) for m in extract_from_file("python", str(path), keywords=KEYWORDS,
                                                                       comment_tags=("i18n:",),
                                                                       strip_comment_tags=True)))
        for filename, lineno, message, comments, context in found:
            rel = f"{src}/{filename}" if path.is_dir() else src
            catalog.add(message, None, [(rel, lineno)], auto_comments=comments, context=context)
    return catalog


def update() -> None:
    """Write the template and merge it into each language's .po (new messages empty, old ones kept)."""
    from babel.messages.pofile import read_po, write_po
    template = extract()
    LOCALE_DIR.mkdir(parents=True, exist_ok=True)
    with (LOCALE_DIR / f"{DOMAIN}.pot").open("wb") as f:
        write_po(f, template, width=110, omit_header=False)
    for lang in LANGUAGES:
        if lang == DEFAULT:
            continue
        po = _po(lang)
        po.parent.mkdir(parents=True, exist_ok=True)
        if po.exists():
            with po.open("rb") as f:
                catalog = read_po(f, locale=lang)
        else:
            from babel.messages.catalog import Catalog
            catalog = Catalog(locale=lang, project="dl-gallery", charset="utf-8")
        catalog.update(template, no_fuzzy_matching=True)
        with po.open("wb") as f:
            write_po(f, catalog, width=110, ignore_obsolete=True)
        missing = sum(1 for m in catalog if m.id and (not m.string or isinstance(m.string, tuple) and not all(m.string)))
        print(f"{po.relative_to(ROOT)}: {len(catalog)} messages, {missing} untranslated")

