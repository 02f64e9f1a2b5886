"""The gallery's shared widgets: one model picker, one model card, one image input, one way to run a demo
(progress + errors), one error display, one loaded-models panel. Pages hold only layout."""
from __future__ import annotations

import json
import logging
import re
import threading
from typing import Any, Callable

import streamlit as st

import domains
import domains.core.examples
from domains.core import hub, i18n, registry
from domains.serving import remote, workers
from domains.core.errors import GalleryError, InputError, ModelUnavailable
from domains.core.inputs import guard
from domains.core.loader import LOADER
from domains.core.registry import Demo, ModelSpec
from domains.core.i18n import N_, _, n_

OTHER = "__other_hub_model__"
RUNS = "_session_runs"   # this browser session's runs, for the session report
MAX_RUNS = 30
log = logging.getLogger("gallery")


_MARKDOWN = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~:$&=^\"'])")
_BARE_LINK = re.compile(r"(?<=\\:)|(?<=www)(?=\\\.)|(?=@)", re.I)  # after ':', inside 'www.', before '@'
JOINER = "\u2060"  # WORD JOINER: invisible, and no bare link (http://, www., e-mail) can form across it


FIRST_IMPORTS = threading.Lock()  # streamlit_app.py imports the drawing libraries under it, once per process

def md(text: Any) -> str:
    """Text a user typed (or a model wrote from it) made inert inside Markdown: every character Markdown,
    HTML or Streamlit's own syntax could read is escaped, and an invisible joiner sits inside bare links
    (Streamlit turns those into links after Markdown), so links, images, tags, emphasis, colours and
    formulas show exactly as typed."""
    return _BARE_LINK.sub(JOINER, _MARKDOWN.sub(r"\\\1", str(text))).replace("\n", "  \n")


# ---------------------------------------------------------------- language
LANG_KEY, SWITCH_KEY = "_lang", "lang_switch"


def choose_language() -> str:
    """This script run's language: the switch when the user just moved it, else `?lang=` in the URL (a shared
    link), else this session's earlier choice, else the browser's language. Set for this run only (a context
    variable: other sessions keep theirs) and written back to the URL so the link can be shared."""
    from domains.core import i18n
    before = st.session_state.get(LANG_KEY)
    switched = st.session_state.get(SWITCH_KEY)
    if switched and before and switched != before:
        lang = switched
    else:
        lang = (i18n.normalize(st.query_params.get("lang")) or before
                or i18n.normalize(st.context.locale) or i18n.DEFAULT)
    st.session_state[LANG_KEY] = lang
    if st.session_state.get(SWITCH_KEY) != lang:  # never touch the switch once drawn (a page calls this again)
        st.session_state[SWITCH_KEY] = lang
    if st.query_params.get("lang") != lang:
        st.query_params["lang"] = lang
    return i18n.set_language(lang)


def language_switch() -> None:
    """Sidebar: English / 中文 (each language named in itself)."""
    from domains.core import i18n
    with st.sidebar:
        st.segmented_control(_("Language"), list(i18n.LANGUAGES), format_func=i18n.LANGUAGES.get, key=SWITCH_KEY,
                             label_visibility="collapsed")


# ---------------------------------------------------------------- operator and visitor
OPERATOR_ENV, OPERATOR_KEY = "GALLERY_OPERATOR_TOKEN", "_operator"


def operator_token() -> str:
    """The operator's token: GALLERY_OPERATOR_TOKEN in the environment (./gallery.sh app makes one) or in
    Streamlit's secrets. Empty: nobody operates this server from a browser."""
    import os
    token = os.environ.get(OPERATOR_ENV, "").strip()
    if not token and st.secrets.load_if_toml_exists():
        token = str(st.secrets.get(OPERATOR_ENV, "")).strip()
    return token


def read_operator_link() -> None:
    """`?operator=<token>`, once: a matching token makes this session the operator's (kept in the session, never
    in the URL); the parameter leaves the address bar either way, so a shared link never carries it."""
    import hmac
    given = st.query_params.get("operator")
    if given is None:
        return
    del st.query_params["operator"]
    token = operator_token()
    if token and hmac.compare_digest(given.encode(), token.encode()):
        st.session_state[OPERATOR_KEY] = True


def is_operator() -> bool:
    """Only the operator acts on what every visitor shares (unloading models, running the health check)."""
    return bool(st.session_state.get(OPERATOR_KEY)) and bool(operator_token())


# ---------------------------------------------------------------- page frame
def page_header(domain_id: str, intro: str = "") -> None:
    """Every domain page starts here: hand a first direct visit to the router, set this run's language (the router
    has already; a page run on its own, as in tests, has not), then title and intro (`intro` untranslated:
    mark it with N_)."""
    _ensure_router()
    choose_language()
    d = next(d for d in domains.domains() if d.id == domain_id)
    st.title(f"{d.icon} {_(d.title)}")
    st.markdown(_(intro or d.blurb))


# On a phone a table shrinks to the screen, a long word breaking where it must, instead of running past the edge
# where its frame clips it (five columns of long names did: "0." for 0.23)
PHONE_CSS = """<style>
@media (max-width: 640px) {
  [data-testid=stTable] th *, [data-testid=stTable] td * {min-width: 0 !important}
  [data-testid=stTable] th * {overflow-wrap: anywhere !important}
}
</style>"""


def phone_style() -> None:
    """The app's few style rules (a style-only st.html takes no room on the page)."""
    st.html(PHONE_CSS)


def _ensure_router() -> None:
    """Streamlit treats a `pages/` folder as old-style pages until st.navigation first runs in the
    process, so a first visit straight to /vision would skip streamlit_app.py (no router, no layout).
    Switch that off and rerun: the router then resolves the same page (hashes come from url_path)."""
    from streamlit.runtime.pages_manager import PagesManager
    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()


# ---------------------------------------------------------------- models
def model_label(spec: ModelSpec) -> str:
    where = _("offline") if spec.offline else _("hub")
    size = f" · {spec.size_mb:.0f} MB" if spec.size_mb else ""
    return f"{spec.label} ({where}{size})"


def model_picker(demo: Demo, key: str, models: list[ModelSpec] | None = None) -> ModelSpec | None:
    """A select box of the demo's models (or the subset `models`), default first, plus any hub model id."""
    models = list(models) if models is not None else list(demo.models)
    options = [m.id for m in models] + ([OTHER] if demo.hub_adapter else [])
    by_id = {m.id: m for m in models}
    choice = st.selectbox(
        _("Model"), options, key=key,
        format_func=lambda o: _("Another hub model…") if o == OTHER else model_label(by_id[o]),
        help=_("Models marked offline ship inside installed packages. Hub models download once into the Hugging "
               "Face cache, where a hub is reachable."))
    if choice != OTHER:
        return by_id[choice]
    repo = st.text_input(_("Hugging Face model id ({task})").format(task=demo.task), key=f"{key}_hub",
                         placeholder=_("owner/name, e.g. facebook/convnext-tiny-224")).strip()
    if not repo:
        st.caption(_("Type a model id to use it."))
        return None
    try:
        return demo.model(repo)
    except GalleryError as e:
        show_error(e)
        return None


SOURCE_NAMES = {"package": N_("package"), "hub": N_("hub"), "trained": N_("trained here")}


def badges(spec: ModelSpec) -> str:
    parts = [_(":green-badge[:material/wifi_off: offline]") if spec.offline
             else _(":orange-badge[:material/cloud: needs a hub]")]
    parts.append(":gray-badge[{}]".format(_(SOURCE_NAMES[spec.source])))
    parts.append(f":blue-badge[{_(spec.license)}]")  # licence names stay; "see the model's card" translates
    if spec.size_mb:
        size = f"{spec.size_mb:.0f} MB" if spec.size_mb >= 1 else _("under 1 MB")
        parts.append(":gray-badge[{}]".format(_("{size} on disk").format(size=size)))
    if spec.ram_mb:
        parts.append(":gray-badge[{}]".format(_("~{ram_mb:.0f} MB RAM (estimate)").format(ram_mb=spec.ram_mb)))
    return " ".join(parts)


PAGES = {"privacy": N_("Privacy"), "fairness": N_("Fairness"), "work": N_("Work")}   # the cards' pages, by url path


def model_card(spec: ModelSpec, demo: Demo | None = None, in_memory: str | None = None) -> None:
    """What a model is, before it loads: source, license, size, RAM, revision, and whether it is loaded (or
    `in_memory`: where a model that is not the loader's lives, e.g. one a visitor trains in the session). With the
    demo, its responsible-use card follows as a fold: the data, who it works worse for, what not to use it for."""
    _model_card(spec, in_memory)
    card = demo.responsible if demo else None
    if card is None:
        return
    text = card.describe()
    inert = lambda v: v.replace("*", "\\*")  # noqa: E731  (O*NET: not emphasis)
    with st.expander(_(":material/policy: Responsible use"), key=f"responsible_{demo.id.replace('.', '_')}"):
        st.markdown(_("**Learned from:** {v}").format(v=inert(text["data"])))
        st.markdown(_("**Works worse for:** {v}").format(v=inert(text["works_worse_for"])))
        st.markdown(_("**Do not use it for:** {v}").format(v=inert(text["not_for"])))
        # a relative link: it works under any base path, and carries the language (a new page load)
        st.markdown(":material/arrow_forward: [{label}]({page}?lang={lang})".format(
            label=_("More on the {page} page").format(page=_(PAGES[card.page])), page=card.page, lang=i18n.current()))


def _model_card(spec: ModelSpec, in_memory: str | None = None) -> None:
    with st.container(border=True):
        st.markdown(_("**{name}** &nbsp; {v}").format(name=spec.label, v=badges(spec)))
        if spec.description:
            st.caption(spec.text("description"))  # placeholders filled (sizes, languages)
        rows = {_("Source"): {"package": _("installed package `{ref}`"), "hub": _("hub `{ref}`"),
                              "trained": _("trained here on `{ref}`")}[spec.source].format(ref=_(spec.ref))}
        if spec.revision and len(spec.revision) == 40:
            rows[_("Revision")] = _("`{revision}` (pinned)").format(revision=spec.revision[:12])
        elif spec.revision:
            rows[_("Revision")] = _("branch `{revision}` (latest on it)").format(revision=spec.revision)
        elif spec.source == "hub":
            why = spec.needs.get("unpinned")
            rows[_("Revision")] = (_("latest (not pinned: {why})").format(why=_(why)) if why
                                   else _("latest (not pinned)"))
        if spec.homepage:
            rows[_("More")] = spec.homepage
        if spec.languages:
            rows[_("Reads")] = spec.text("languages")
        loaded = next((m for m in LOADER.loaded() if m["id"] == spec.id), None)
        there = remote.enabled() and spec.id in {m for r in _server_status(remote.url()).get("models", {}).values()
                                                 for m in r.get("models", [])}
        held = [w for w in workers.POOL.status() if spec.id in w.get("models", [])] if not loaded else []
        if in_memory:
            rows[_("In memory")] = in_memory
        elif held:  # a heavy demo's model: a worker process holds it
            rows[_("In memory")] = _("in a worker process (pid {pid}): loaded").format(pid=held[0]["pid"])
        elif there:  # the model server runs it: a replica there holds it
            rows[_("In memory")] = _("on the model server: loaded")
        elif loaded:
            # measured, beside the badge's estimate: the growth counts libraries this model was the first to use
            rows[_("In memory")] = _("yes: the process grew {measured_mb:.0f} MB while loading it (libraries it used "
                                     "first count too); the budget counts {ram_mb:.0f} MB, as in the sidebar").format(
                measured_mb=loaded["measured_mb"], ram_mb=loaded["ram_mb"])
        else:
            rows[_("In memory")] = _("on the model server: not loaded yet") if remote.enabled() else _("not loaded yet")
        st.markdown("  \n".join(f"{k}: {v}" for k, v in rows.items()))
        if spec.source == "hub" and not hub.online():
            st.caption(_(":material/info: No hub is reachable from this machine: this model works only if it is "
                         "already in the local Hugging Face cache."))


def hub_only_notice(demo: Demo, selector: str = "") -> bool:
    """For a demo with no offline model: say so calmly and, offline, offer the closest offline demo as a button
    (switching the page's demo `selector` to that demo's section, when it is on this page). Returns whether the demo can run here (a hub is
    reachable, or its model is already in the local cache): when not, the page shows no run controls."""
    if not demo.online_only:
        return True
    spec = demo.default_model
    if hub.online():
        st.info(_("{title} needs a model from the Hugging Face hub: it downloads once (size on its card), then "
                  "runs on this computer.").format(title=_(demo.title)), icon=":material/cloud:")
        return True
    if hub.cached(spec.ref, spec.revision):
        st.caption(_(":material/inventory_2: {name} is in this computer's model cache, so {title} runs without a hub.").format(name=spec.label, title=_(demo.title)))
        return True
    other = domains.get(demo.offline_instead) if demo.offline_instead else None
    here = bool(other and selector and other.domain == demo.domain
                and other.page_section in registry.sections(demo.domain))
    with st.container(border=True, key=f"hub_only_{demo.id.replace('.', '_')}"):
        st.markdown(_(":material/cloud_off: **{title} needs a model from the Hugging Face hub, and no hub is "
                      "reachable from this computer.** No model for this task ships inside a package, so there is "
                      "nothing to run here until one is downloaded once (its card below says how big it is).").format(title=_(demo.title)))
        if other and here:
            st.button(_("Try {title} instead: it works offline").format(title=_(other.title)), key=f"goto_{demo.id}",
                      icon=":material/wifi_off:", on_click=lambda: st.session_state.update({selector: other.page_section}))
    st.caption(_("It runs on this computer once {name} is in the local Hugging Face cache (e.g. after one run with "
                 "a hub reachable).").format(name=spec.label))
    return False


# ---------------------------------------------------------------- running
def checked(kind: str, raw: Any, demo_id: str | None = None) -> Any | None:
    """An upload, a recording or an example in the guard's decoded form (`Guarded`), decoded once: give it to
    `run_demo` and to the drawing (`audio_plot`, a picture), which then decode nothing again. On bad input the
    guard's message is shown and None comes back."""
    try:
        return guard(kind, raw)
    except GalleryError as e:
        show_error(e, demo_id=demo_id)
        return None


def run_demo(demo_id: str, input: Any, *, model: ModelSpec | None, **params) -> Any | None:
    """Run a demo, showing each stage of the work (loading, training, the model call) with its estimate from
    earlier runs on this machine and a running clock; on failure show the message, return None."""
    slot = st.empty()
    if isinstance(input, (bytes, bytearray)):  # an upload or a recording, decoded and checked once, here: the
        input = checked(domains.get(demo_id).input_kind_for(params), input, demo_id)  # demo, report, server reuse it
        if input is None:
            return None

    def progress(fraction: float | None, message: str) -> None:
        slot.progress(0.0 if fraction is None else float(fraction), text=message)

    try:
        # appears only when a run takes more than a moment; Streamlit writes its clock in English ("3.3 seconds"),
        # so other languages rely on the stage messages' own clock
        with st.spinner(_("Working…"), show_time=i18n.current() == "en"):
            result = domains.run(demo_id, input, model=model.id if model else None, progress=progress,
                                 lang=i18n.current(), **params)
        _remember(demo_id, model, input, params, result)
        return result
    except GalleryError as e:
        show_error(e, demo_id=demo_id)
    except Exception as e:  # a bug: keep the page alive, log the traceback for the server's operator
        log.exception("demo %s failed", demo_id)
        st.error(_("Something went wrong inside the demo ({__name__}). The rest of the app still works.").format(__name__=type(e).__name__),
                 icon=":material/error:")
    finally:
        slot.empty()
    return None


def _remember(demo_id: str, model: ModelSpec | None, input: Any, params: dict, result: Any) -> None:
    """Keep the run for the session report. Streamlit reruns a page on every click, so a run with the same
    demo, model, settings and input as one already kept is the same run, not a new one."""
    from domains.core.report import record, run_key
    runs = st.session_state.setdefault(RUNS, [])
    try:
        spec = model or domains.get(demo_id).default_model
        key = run_key(demo_id, spec.id, params, input)  # once: the input is hashed once per run, not per kept run
        if any(r.key == key for r in runs):
            return  # a rerun of a kept run: no second thumbnail, no second entry
        runs.append(record(domains.get(demo_id), model, input, params, result, key=key))
    except Exception:  # the report is an extra: never let it break a demo
        log.exception("could not record run of %s", demo_id)
        return
    del runs[:-MAX_RUNS]


def session_report_button() -> None:
    """Sidebar: download this session's runs as one self-contained HTML page."""
    runs = list(st.session_state.get(RUNS, []))
    with st.sidebar:
        st.subheader(_(":material/summarize: Session report"))
        if not runs:
            st.caption(_("Run a demo: each result is kept for a report you can download and send."))
            return
        download(n_("Download the report ({n} run)", "Download the report ({n} runs)", len(runs)).format(n=len(runs)),
                 lambda lang=i18n.current(): domains.report(runs, lang=lang), "gallery-session-report.html",
                 "text/html", key="session_report",
                 help=_("One HTML file: every run with its model, input, result and latency, images "
                            "embedded. Opens offline; print it to PDF from the browser."))


def download(label: str, data: Any, file_name: str, mime: str, *, key: str, **kwargs: Any) -> None:
    """The one download button. A click does not rerun the page (on_click="ignore"): a rerun would redraw the
    button with a new file id and drop the old one, so on busy cores a report built on demand (a callable `data`)
    could be asked for under an id the rerun had already dropped, and never arrive."""
    st.download_button(label, data, file_name, mime, key=key, on_click="ignore", icon=":material/download:", **kwargs)


def show_error(err: GalleryError, demo_id: str | None = None) -> None:
    """The one error display: the message, the hint, and the offline alternative where there is one."""
    icon = ":material/block:" if isinstance(err, InputError) else ":material/error:"
    st.error(md(err) + (f"  \n{md(err.hint)}" if err.hint else ""), icon=icon)  # messages quote user input
    alt = getattr(err, "alternative", None)
    if isinstance(err, ModelUnavailable) and alt and demo_id:
        spec = domains.get(demo_id).model(alt)
        st.info(_("**{name}** works offline on this machine: pick it in the Model box.").format(name=spec.label),
                icon=":material/wifi_off:")
    if err.retry:  # busy, or the model server did not answer: a click reruns the page, and with it the request
        st.button(_("Try again"), key=f"retry_{demo_id}_{id(err)}", icon=":material/refresh:")


# ---------------------------------------------------------------- inputs
def uploader(label: str, key: str, **kwargs: Any) -> Any:
    """The one file upload box: the gallery's one upload limit (GALLERY_MAX_UPLOAD_MB) in the browser too."""
    from domains.core.media import MAX_UPLOAD_MB
    return st.file_uploader(label, key=key, max_upload_size=MAX_UPLOAD_MB, **kwargs)


def apply_upload_limit() -> None:
    """Streamlit's server refuses uploads past `server.maxUploadSize`: the gallery's limit, set from the one
    place it lives (the browser learns it per upload box)."""
    from streamlit import config
    from domains.core.media import MAX_UPLOAD_MB
    if config.get_option("server.maxUploadSize") != MAX_UPLOAD_MB:
        config.set_option("server.maxUploadSize", MAX_UPLOAD_MB)


def image_input(key: str, examples, default: str | None = None) -> tuple[Any, str] | None:
    """Example photos (one click), upload or camera. Returns (image source, caption) or None."""
    state = f"{key}_src"
    if state not in st.session_state and default:
        st.session_state[state] = ("example", default)

    def choose(kind: str, value: Any = None) -> None:
        st.session_state[state] = (kind, value)

    tab_ex, tab_up, tab_cam = st.tabs([_(":material/photo_library: Examples"), _(":material/upload: Upload"),
                                       _(":material/photo_camera: Camera")])
    with tab_ex:
        cols = st.columns(3)
        for i, ex in enumerate(examples):
            with cols[i % 3]:
                st.image(domains.core.examples.thumbnail(ex.id), width="stretch")
                st.button(_(ex.title), key=f"{key}_ex_{ex.id}", on_click=choose, args=("example", ex.id),
                          width="stretch", help=_(ex.credit))
    with tab_up:
        uploader(_("An image (PNG, JPEG, GIF, BMP, TIFF, WebP)"), key=f"{key}_upload",
                 # no type filter: a wrong file gets the image guard's message, not a bare red icon
                 on_change=choose, args=("upload",))
        st.caption(_("Nothing is stored: the image is read in memory, its metadata (EXIF, location) dropped, and "
                     "large images are shrunk before the model sees them."))
    with tab_cam:
        if st.toggle(_("Use my camera"), key=f"{key}_cam_on"):
            st.camera_input(_("Take a photo"), key=f"{key}_camera", on_change=choose, args=("camera",))

    kind, value = st.session_state.get(state, (None, None))
    if kind == "example":
        ex = next(e for e in examples if e.id == value)
        return domains.core.examples.image(ex.id), f"{_(ex.title)} — {_(ex.credit)}"
    if kind in ("upload", "camera"):
        f = st.session_state.get(f"{key}_{'upload' if kind == 'upload' else 'camera'}")
        if f is not None:
            return f.getvalue(), getattr(f, "name", kind)
    return None


def text_input(key: str, examples: dict[str, str], default: str | None = None, label: str = N_("Text"),
               height: int = 160, max_chars: int | None = None,
               on_pick: Callable[[str], None] | None = None) -> Any | None:
    """A text area with one-click examples and a .txt upload. Returns the text (str), the uploaded bytes
    (the domain's text guard decodes them and rejects invalid UTF-8), or None when empty.
    `on_pick(title)` runs when an example is clicked (e.g. to set its language)."""
    area = f"{key}_text"
    if area not in st.session_state:
        st.session_state[area] = examples.get(default, "") if default else ""

    def use(title: str) -> None:
        st.session_state[area] = examples[title]
        st.session_state[f"{key}_upload_on"] = False
        if on_pick:
            on_pick(title)

    with st.container(horizontal=True):  # buttons wrap, each as wide as its title: none is cut off
        for i, title in enumerate(examples):
            st.button(_(title), key=f"{key}_ex_{i}", on_click=use, args=(title,), width="content")
    if st.toggle(_("Upload a text file instead"), key=f"{key}_upload_on"):
        f = uploader(_("A UTF-8 text file (.txt, .md, .csv)"), key=f"{key}_upload")  # the text guard checks it
        return f.getvalue() if f is not None else None
    text = st.text_area(_(label), key=area, height=height, max_chars=max_chars)
    return text if text.strip() else None


def audio_input(key: str, default: str | None = None, label: str = N_("Clip"),
                languages: tuple[str, ...] = ("en",)) -> tuple[Any, str] | None:
    """One-click example clips (made by the project's own voice, plus real-voice clips when installed; clips in
    other `languages` where the demo reads them), an upload (WAV, FLAC, OGG, MP3) or the microphone. Returns
    (audio bytes, caption) or None."""
    state = f"{key}_src"
    if state not in st.session_state and default:
        st.session_state[state] = ("example", default)

    def choose(kind: str, value: Any = None) -> None:
        st.session_state[state] = (kind, value)

    ex_tab, up_tab, mic_tab = st.tabs([_(":material/library_music: Examples"), _(":material/upload: Upload"),
                                       _(":material/mic: Microphone")])
    with ex_tab:
        ids = domains.core.examples.clip_ids(languages)
        with st.container(horizontal=True):  # buttons wrap, each as wide as its title: none is cut off
            for ex, title in ids.items():
                st.button(title, key=f"{key}_ex_{ex}", on_click=choose, args=("example", ex), width="content")
    with up_tab:
        uploader(_("{label}: WAV, FLAC, OGG or MP3, any sample rate").format(label=_(label)), key=f"{key}_upload",
                 on_change=choose, args=("upload",))  # no type filter: the audio guard says what is wrong
    with mic_tab:
        st.audio_input(_("Record"), key=f"{key}_mic", sample_rate=16000, on_change=choose, args=("mic",))
    kind, value = st.session_state.get(state, (None, None))
    if kind == "example":
        try:
            return domains.core.examples.clip(value), ids.get(value, value)
        except GalleryError as e:
            show_error(e)
            return None
    if kind in ("upload", "mic"):
        f = st.session_state.get(f"{key}_{kind}")
        if f is not None:
            return f.getvalue(), getattr(f, "name", "recording")
    return None


def audio_plot(data: Any, segments: list[tuple[float, float]] | None = None, key: str = "") -> None:
    """Waveform and spectrogram of a clip (bytes, or the guarded clip `checked` gave: no second decode), with
    speech segments shaded when given."""
    import plotly.graph_objects as go
    from domains.core import audio
    try:
        samples, __ = audio.load_audio(data)
    except GalleryError:
        return  # the demo has already shown the message
    t, env = audio.waveform(samples)
    wave = go.Figure(go.Scatter(x=t, y=env, fill="tozeroy", mode="lines", line={"width": 1}, name="level"))
    for a, b in segments or []:
        wave.add_vrect(x0=a, x1=b, fillcolor="green", opacity=0.15, line_width=0)
    wave.update_layout(height=160, margin={"l": 10, "r": 10, "t": 10, "b": 30}, xaxis_title=_("seconds"),
                       yaxis_title=_("level"), showlegend=False)
    sp = audio.spectrogram(samples)
    spec = go.Figure(go.Heatmap(x=sp.times, y=sp.freqs, z=sp.db, colorscale="Magma", showscale=True,
                                colorbar={"title": {"text": "dB"}, "thickness": 12},
                                hovertemplate="%{x:.2f} s, %{y:.0f} Hz: %{z:.0f} dB<extra></extra>"))
    spec.update_layout(height=200, margin={"l": 10, "r": 10, "t": 10, "b": 30}, xaxis_title=_("seconds"),
                       yaxis_title=_("Hz"))
    st.plotly_chart(wave, key=f"{key}_wave")
    st.plotly_chart(spec, key=f"{key}_spec")


def highlighted(text: str, spans: list[tuple[int, int, str, str]]) -> None:
    """Text with spans (start, end, tag, colour) marked in place; the tag shows after each span."""
    import html
    out, pos = [], 0
    for start, end, tag, colour in sorted(spans):
        if start < pos:
            continue
        out.append(html.escape(text[pos:start]))
        out.append(f'<mark style="background:{colour};padding:1px 4px;border-radius:4px">{html.escape(text[start:end])}'
                   + (f' <b style="font-size:0.7em;opacity:0.7">{html.escape(tag)}</b>' if tag else "") + "</mark>")
        pos = end
    out.append(html.escape(text[pos:]))
    st.html(f'<div style="line-height:2;white-space:pre-wrap;font-family:sans-serif">{"".join(out)}</div>')


# ---------------------------------------------------------------- layouts
def sections(domain_id: str) -> dict[str, str]:
    """The page's sections (section id -> translated label), as its demos and views declare them (registry)."""
    return {k: _(v) for k, v in registry.sections(domain_id).items()}


def hub_tasks(domain_id: str) -> dict[str, str]:
    """The page's hub-only demos (demo id -> translated label), for the hub section's task picker."""
    return {k: _(v) for k, v in registry.hub_tasks(domain_id).items()}


def demo_selector(key: str, options: dict[str, str]) -> str:
    """Which demo of the page to show (only that one runs); kept in the URL as ?demo=... for links."""
    if key not in st.session_state:
        wanted = st.query_params.get("demo")
        st.session_state[key] = wanted if wanted in options else next(iter(options))
    choice = st.segmented_control(_("Demo"), list(options), format_func=options.get, key=key,
                                  label_visibility="collapsed")
    choice = choice or next(iter(options))
    st.query_params["demo"] = choice
    return choice


def task_picker(key: str, tasks: dict[str, str]) -> str:
    """A second-level choice among a section's demos (radio), kept in the URL as ?task=... for links."""
    if key not in st.session_state:
        wanted = st.query_params.get("task")
        st.session_state[key] = wanted if wanted in tasks else next(iter(tasks))
    task = st.radio(_("Task"), list(tasks), format_func=tasks.get, horizontal=True, key=key)
    st.query_params["task"] = task
    return task


def image_demo(demo: Demo, key: str, examples, default: str | None, render: Callable[..., None],
               controls: Callable[[], dict] | None = None) -> Any | None:
    """The standard image demo: model and knobs on top, input left, result right, then the model card and
    the code to reproduce. `render(result, source, caption)` draws the result; `controls()` returns params."""
    section_header(demo.id)
    pick = len(demo.models) > 1 or demo.hub_adapter
    top = st.columns([3, 2]) if pick and controls else [st.container()]
    with top[0]:
        spec = model_picker(demo, key=f"{key}_model") if pick else demo.default_model
    with top[-1]:
        params = controls() if controls else {}
    left, right = st.columns(2, gap="large")
    with left:
        picked = image_input(key, examples, default)
    result = guarded = None
    with right:
        if picked and spec:
            guarded = checked("image", picked[0], demo.id)
        if guarded is not None:
            result = run_demo(demo.id, guarded, model=spec, **params)
        if result is not None:
            with st.container(key=f"{demo.page_section}_result"):  # the walk finds every result by its section
                render(result, guarded.value, picked[1])  # the guarded RGB picture: uploads may be 16-bit, CMYK...
        elif not picked:
            st.info(_("Choose an example, upload an image, or take one with your camera."), icon=":material/image:")
    if spec:
        model_card(spec, demo)
    if result is not None:
        reproduce(demo, spec, params, result)
    return result


def delta_style(change: float | None, higher_is_better: bool | None) -> dict:
    """How a figure's second line is drawn. A comparison (change None: "raw band: 61%") gets no arrow and no
    colour: it is not a change, and an up arrow under a smaller value reads as a rise. A signed change gets the
    arrow of its sign, green when it is an improvement, red when not, grey when neither direction is better."""
    if not change:  # None (a comparison) or no change: nothing to point at
        return {"delta_color": "off", "delta_arrow": "off"}
    colour = "off" if higher_is_better is None else ("normal" if higher_is_better else "inverse")
    return {"delta_color": colour, "delta_arrow": "auto"}


def figure(where: Any, label: str, value: Any, *, beside: str | None = None, change: float | None = None,
           change_text: str | None = None, higher_is_better: bool | None = None, help: str | None = None) -> None:
    """The one way to show a headline number: `beside` is a comparison shown under it without an arrow; `change`
    a signed difference (written as `change_text`, default its sign and three digits) shown with its arrow."""
    if change is not None:
        text = change_text if change_text is not None else f"{change:+.3g}"
        if change < 0 and not text.lstrip().startswith(("-", "−")):
            text = "-" + text  # Streamlit draws the arrow from the text's sign
        where.metric(label, value, text, help=help, **delta_style(change, higher_is_better))
    else:
        where.metric(label, value, beside, help=help, **delta_style(None, None))


_UNSET = object()
NUMBER_WIDTH = 260  # px: a number box as wide as a number, not the page


def number(label: str, lo: float | None = None, hi: float | None = None, value: Any = _UNSET,
           step: float | None = None, *, key: str, where: Any = None, format: str | None = None,
           help: str | None = None, width: int | str = NUMBER_WIDTH) -> Any:
    """The one number box. Streamlit's own bounds keep an out-of-range value in the box with a red outline while
    the script silently goes on with the old one, and an integer box reads "1e12" as 1: here every number typed
    reaches the page, one outside [lo, hi] is refused in words beside the box (the nearest allowed value is
    used, and the page says so), and a whole-number box rounds and says so. Returns an int when the bounds,
    value and step are all whole numbers, else a float; None for a blank box that allows one (value=None)."""
    where = where or st
    given = [x for x in (lo, hi, step) if x is not None] + ([value] if value not in (_UNSET, None) else [])
    whole = all(isinstance(x, int) for x in given)
    kwargs: dict[str, Any] = {"key": key, "help": help, "width": width,
                              "format": format or ("%.0f" if whole else None),
                              "step": float(step if step is not None else 1)}
    if value is not _UNSET:
        kwargs["value"] = None if value is None else float(value)
    state = st.session_state.get(key)
    if isinstance(state, int) and not isinstance(state, bool):  # a value a page set before: the box is a float box
        st.session_state[key] = float(state)
    got = where.number_input(label, **kwargs)
    if got is None:
        return None
    used = float(got)
    if whole and used != round(used):
        used = float(round(used))
    if lo is not None and used < lo or hi is not None and used > hi:
        used = float(min(max(used, lo if lo is not None else used), hi if hi is not None else used))
    if used != float(got):
        where.warning(
            _("{label}: {value:g} is refused (allowed: {lo:g} to {hi:g}{whole}); the page uses {used:g}.").format(
                label=label, value=float(got), lo=lo if lo is not None else float("-inf"),
                hi=hi if hi is not None else float("inf"), used=used,
                whole=_(", whole numbers") if whole else ""), icon=":material/block:")
    return int(used) if whole else used


def weekday(date: str, width: str = "EEE") -> str:
    """A date's weekday name in the page's language ("Mon" / "周一"; width "EEEE" for "Monday" / "星期一")."""
    import datetime as dt
    from babel.dates import format_date
    return format_date(dt.date.fromisoformat(date), width, locale="zh_CN" if i18n.current() == "zh" else "en")


def pct(p: float) -> str:
    """A probability as a percentage that never claims certainty: 0.9996 is '>99.9%', not '100%'."""
    if p >= 0.999:
        return ">99.9%"
    if p >= 0.99:
        return f"{min(p, 0.999):.1%}"
    if 0 < p < 0.001:
        return "<0.1%"
    return f"{p:.0%}"


def warnings(result: Any) -> None:
    """A result's reasons to doubt it (a tiny picture, input outside what the model knows), in sight."""
    for w in getattr(result, "warnings", None) or []:
        st.warning(md(w), icon=":material/warning:")


def latency(result: Any, extra: str = "") -> None:
    """The one line under every result: which model, and how long the call took with the model loaded."""
    where = (_("{model} · **{ms} ms** on the model server (model already loaded){extra}") if remote.enabled()
             else _("{model} · **{ms} ms** on this CPU (model already loaded){extra}"))
    st.caption(where.format(model=result.model, ms=milliseconds(result.latency_ms), extra=extra))


def milliseconds(ms: float) -> str:
    """A call's duration as read aloud: "<1" rather than "0" for a sub-millisecond call, one decimal below 10."""
    return "<1" if ms < 1 else f"{ms:.1f}" if ms < 10 else f"{ms:.0f}"


VERDICT_BADGE = {"model": N_(":green-badge[:material/trending_up: the model wins]"),
                 "tie": N_(":gray-badge[:material/drag_handle: a tie]"),
                 "baseline": N_(":orange-badge[:material/trending_down: the baseline wins]")}


def evaluation(ev: Any, model_name: str = N_("this model (trained here)"), note: str = "") -> None:
    """The one drawing of an evaluation record: verdict, scores beside every baseline, data and split."""
    if ev is None:
        return
    import hashlib
    with st.container(border=True, key=f"evaluation_{hashlib.sha1((ev.metric + ev.data).encode()).hexdigest()[:8]}"):
        st.markdown(_("**How good is it?** &nbsp; {v}").format(v=_(VERDICT_BADGE[ev.verdict])))
        st.markdown(ev.sentence())
        method, metric = _("method"), _(ev.metric)
        # a table, not a grid: a grid cuts its value column off on a phone; every score in the record's one format
        rows = [{method: _(model_name), metric: ev.fmt(ev.model) + ev.unit}] + [
            {method: _(k), metric: ev.fmt(v) + ev.unit} for k, v in ev.baselines.items()]
        table(rows)
        better = _("Higher is better") if ev.higher_is_better else _("Lower is better")
        st.caption(_("Data: {data}. Split: {split}. {better}; differences within {tolerance}{unit} count as a "
                     "tie.").format(data=_(ev.data), split=_(ev.split), better=better,
                                    tolerance=f"{ev.tolerance:g}", unit=ev.unit) + (f" {_(note)}" if note else ""))


def table(rows: Any) -> None:
    """A small result table whose every cell is read whole: long names and reasons wrap inside their column
    (an interactive grid cuts them off at its column width). For up to a few dozen rows."""
    import pandas as pd
    frame = rows if isinstance(rows, pd.DataFrame) else pd.DataFrame(rows)
    # st.table reads its cells as Markdown: every string, the app's own values too (">99.9%" became a block
    # quote), goes through the one plain-text path
    frame = frame.map(lambda v: md(v) if isinstance(v, str) else v).rename(columns=lambda c: md(c))
    st.table(frame, hide_index=True)


def bar(labels: list[str], scores: list[float], x_title: str = N_("probability"), key: str | None = None) -> None:
    """Scores as horizontal bars, best on top. Probabilities and shares read as percentages on the axis and
    in the hover, as in the headline above them; other scores keep their own numbers."""
    import plotly.graph_objects as go
    percent = x_title in ("probability", "share of pixels")  # English ids, translated for the axis below
    order = sorted(range(len(scores)), key=lambda i: scores[i])
    # every bar labelled with its value; the labels are categories (digits "0".."9" would make a numeric axis that
    # names every other digit and ignores the order)
    fig = go.Figure(go.Bar(x=[scores[i] for i in order], y=[wrap(labels[i]) for i in order], orientation="h",
                           text=[pct(scores[i]) if percent else f"{scores[i]:.3g}" for i in order],
                           textposition="auto", cliponaxis=False,
                           hovertemplate="%{y}: %{x:" + (".1%" if percent else ".3f") + "}<extra></extra>"))
    fig.update_layout(height=32 * len(labels) + 70, margin={"l": 10, "r": 10, "t": 10, "b": 40},
                      xaxis_title=wrap(_(x_title), 28), xaxis_tickformat=".0%" if percent else None,
                      yaxis_automargin=True, yaxis_type="category")
    st.plotly_chart(fig, key=key)


def wrap(label: Any, width: int = 26) -> str:
    """A chart label broken into lines of about `width` characters (plotly's <br>): a long axis label is cut at the
    plot's edge on a phone, not wrapped. Text without spaces (Chinese) is broken every `width` characters."""
    import textwrap
    text = str(label)
    if " " in text:
        return text if len(text) <= width else "<br>".join(textwrap.wrap(text, width))
    step = width // 2  # a Chinese character is two columns wide
    return "<br>".join(text[i:i + step] for i in range(0, len(text), step))


# every chart's legend: a row above the plot that grows upwards when a phone wraps it (a legend anchored by its top
# at y > 1 wraps down over the curves)
LEGEND_ABOVE = {"orientation": "h", "y": 1.02, "yanchor": "bottom", "x": 0}


def lines(frame: Any, x_title: str, y_title: str, key: str, height: int = 260, percent: bool = False) -> None:
    """Curves over steps (loss, accuracy by epoch): one line per column against the index, the axis fitted to the
    data (a loss near 0.3 is not squashed against 0), both axes titled in full, the legend above the plot."""
    import plotly.graph_objects as go
    fig = go.Figure([go.Scatter(x=list(frame.index), y=list(frame[c]), name=str(c), mode="lines")
                     for c in frame.columns])
    fig.update_layout(height=height, margin={"l": 10, "r": 10, "t": 40, "b": 10}, xaxis_title=x_title,
                      yaxis_title=y_title, yaxis_tickformat=".0%" if percent else None,
                      legend=LEGEND_ABOVE)
    st.plotly_chart(fig, key=key)


# ---------------------------------------------------------------- a section's frame
def section_header(demo_id: str, more: str = "", *, summary: str | None = None) -> Demo:
    """A demo section's top: its title and summary (or the page's own `summary`), then `more` (translated) after
    it. Returns the demo."""
    demo = domains.get(demo_id)
    st.subheader(_(demo.title))
    st.caption(i18n.join(_(demo.summary) if summary is None else summary, more) if more else
               (_(demo.summary) if summary is None else summary))
    return demo


def section_footer(demo: Demo, spec: ModelSpec, params: dict, result: Any) -> None:
    """A demo section's bottom: the model and time line, the raw output with the code to reproduce it, and the
    model's card with its responsible-use fold."""
    latency(result)
    reproduce(demo, spec, params, result)
    model_card(spec, demo)


# ---------------------------------------------------------------- known shapes: sections with no page code
SPAN_COLOURS = ("#ffd166", "#a0c4ff", "#caffbf", "#ffc6ff", "#fdffb6", "#9bf6ff", "#ffadad", "#bdb2ff")


def show_section(domain_id: str, section: str, custom: dict[str, Callable[[], None]]) -> None:
    """A page's dispatch: its own function for a section it draws itself (`custom`), else the section of the demo
    of a known shape there (the hub section: a task picker first)."""
    if section in custom:
        custom[section]()
        return
    if section == registry.HUB:
        section_demos = [domains.get(task_picker(f"{domain_id}_hub_task", hub_tasks(domain_id)))]
    else:
        section_demos = [d for d in domains.demos(domain_id) if d.page_section == section and d.shape]
    if not section_demos:  # a section with neither: the registry and the page disagree
        show_error(GalleryError(_("This page has no section '{section}'.").format(section=section)))
        return
    known_section(section_demos[0])


def known_page(domain_id: str) -> Callable[[], None]:
    """The page of a domain with no page file: its header, its sections' selector, and each section drawn by its
    demo's shape."""
    def page() -> None:
        page_header(domain_id)
        show_section(domain_id, demo_selector(f"{domain_id}_demo", sections(domain_id)), {})
    page.__name__ = f"{domain_id}_page"  # the router names the page by its url path; Streamlit wants a name too
    return page


def param_inputs(demo: Demo, key: str, values: dict[str, Any]) -> dict[str, Any]:
    """A widget per parameter, from its declaration: a choice box, a toggle, a number box within its bounds, a
    text box. Labelled by the parameter's description; `values` are the starting values (the bundled example's)."""
    out: dict[str, Any] = {}
    for p in demo.params:
        if p.kind is object:  # a second input (a clip, a file): a known shape has one input
            continue
        label, value, k = _(p.help) or p.name, values.get(p.name, p.default), f"{key}_p_{p.name}"
        if p.choices:
            out[p.name] = st.selectbox(label, p.choices, index=list(p.choices).index(value) if value in p.choices
                                       else 0, key=k)
        elif p.kind is bool:
            out[p.name] = st.toggle(label, value=bool(value), key=k)
        elif p.kind in (int, float):
            out[p.name] = number(label, p.min, p.max, p.kind(value) if value is not None else None, key=k,
                                 step=1 if p.kind is int else None)
        else:
            out[p.name] = st.text_input(label, value="" if value is None else str(value), key=k)
    return out


def known_section(demo: Demo) -> None:
    """A demo's section drawn from its declaration alone: title, model, parameters, an input of its kind (its
    bundled example first), the run, the result by its shape (registry.SHAPES), then the code to reproduce it and
    the model's card with its responsible-use fold."""
    key = demo.id.replace(".", "_")
    section_header(demo.id)
    if not hub_only_notice(demo, f"{demo.domain}_demo"):
        model_card(demo.default_model, demo)
        return
    spec = model_picker(demo, f"{key}_model") if len(demo.models) > 1 or demo.hub_adapter else demo.default_model
    example, example_params = demo.example() if demo.example else (None, {})
    left, right = st.columns([2, 3], gap="large")
    with left:
        params = param_inputs(demo, key, example_params)
        x, ready = None, demo.input_kind == "none"
        if demo.input_kind == "image":  # the photos, opening on the demo's own example
            picked = image_input(key, domains.core.examples.tagged("photo"),
                                 getattr(demo.example, "example_id", "coffee"))
            x, ready = (picked[0], True) if picked else (None, False)
        elif demo.input_kind == "audio":
            picked = audio_input(key, "gallery")
            x, ready = (picked[0], True) if picked else (None, False)
        elif demo.input_kind == "text":
            x = text_input(key, {N_("Example"): example} if isinstance(example, str) else {}, N_("Example"))
            ready = x is not None
    result = run_demo(demo.id, x, model=spec, **params) if ready and spec is not None else None
    with right:
        if result is not None:
            with st.container(key=f"{demo.page_section}_result"):
                warnings(result)
                SHAPE_DRAWINGS[demo.shape](result)
                if hasattr(result, "latency_ms") and hasattr(result, "model"):
                    latency(result)
            reproduce(demo, spec, params, result)
    if spec is not None:
        model_card(spec, demo)


def _items(result: Any, *names: str) -> list:
    return next((list(getattr(result, n)) for n in names if getattr(result, n, None) is not None), [])


def _draw_labels(result: Any) -> None:
    labels = _items(result, "labels")
    if not labels:
        st.markdown(_("### No label"))
        return
    st.markdown(_("### {label} · {score}").format(label=md(labels[0].label), score=pct(labels[0].score)))
    bar([str(x.label) for x in labels], [float(x.score) for x in labels])


def _draw_spans(result: Any) -> None:
    spans = _items(result, "spans", "entities")
    kinds = sorted({str(x.label) for x in spans})
    colour = {k: SPAN_COLOURS[i % len(SPAN_COLOURS)] for i, k in enumerate(kinds)}
    st.markdown(n_("### {n} span found", "### {n} spans found", len(spans)).format(n=len(spans)))
    highlighted(result.text, [(x.start, x.end, str(x.label), colour[str(x.label)]) for x in spans])
    if spans:
        table([{_("text"): result.text[x.start:x.end], _("type"): str(x.label), _("start"): x.start,
                _("end"): x.end} for x in spans])


def _draw_prediction(result: Any) -> None:
    p = getattr(result, "probability", None)
    head = md(_(str(result.prediction)))
    st.markdown(f"### {head}" + (f" · {pct(p)}" if p is not None else ""))
    evaluation(getattr(result, "evaluation", None))


def _draw_transcript(result: Any) -> None:
    st.markdown(f"### {md(result.text)}" if result.text.strip() else _("### Nothing heard"))
    segments = _items(result, "segments")
    if segments:
        table([{_("from (s)"): f"{x.start:.1f}", _("to (s)"): f"{x.end:.1f}", _("text"): x.text} for x in segments])


def _draw_text(result: Any) -> None:
    st.markdown(f"### “{md(result.text)}”" if str(result.text).strip() else _("### (no words)"))


def _draw_picture(result: Any) -> None:
    st.markdown(f"### {md(result.headline)}")
    if result.picture is not None:
        st.image(result.picture, width="stretch")
    if result.rows:
        table(result.rows)


SHAPE_DRAWINGS: dict[str, Callable[[Any], None]] = {"labels": _draw_labels, "spans": _draw_spans,
                                                    "prediction": _draw_prediction, "transcript": _draw_transcript,
                                                    "text": _draw_text, "picture": _draw_picture}
assert set(SHAPE_DRAWINGS) == set(registry.SHAPES)


# ---------------------------------------------------------------- extras
def reproduce(demo: Demo, spec: ModelSpec | None, params: dict, result: Any) -> None:
    """Raw JSON and the code that gives the same result outside the app (`spec` None: the demo picks the model, as
    language.ner does by the text's script)."""
    src = {"image": "photo.jpg", "text": "'some text'", "audio": "clip.wav"}.get(demo.input_kind)
    with st.expander(_("Raw output and code to reproduce")):
        st.json(domains.to_dict(result), expanded=False)
        args = "".join(f" --param {k}={json.dumps(v) if isinstance(v, (dict, list)) else v}"
                       for k, v in params.items() if v not in (None, ""))
        model = f" --model {spec.id}" if spec is not None and spec.id != demo.default_model.id else ""
        st.code(f"python -m domains run {demo.id}{' ' + src if src else ''}{model}{args} --json", language="bash")
        kw = "".join(f", {k}={v!r}" for k, v in params.items() if v not in (None, ""))
        first = f", {src!r}" if src else ""
        chosen = f", model={spec.id!r}" if spec is not None else ""
        st.code(f"import domains\nresult = domains.run({demo.id!r}{first}{chosen}{kw})",
                language="python")


def _unload(model_id: str, name: str) -> None:
    if not is_operator():  # a forged click from a visitor's session changes nothing
        return
    freed = LOADER.unload(model_id)
    if freed is not None:
        st.session_state["_unloaded"] = (name, freed)


@st.cache_data(ttl=10, show_spinner=False)
def _server_status(url: str) -> dict:
    return remote.status()


def _stop_worker(pid: int) -> None:
    if not is_operator():  # a forged click from a visitor's session changes nothing
        return
    if workers.POOL.stop(pid):
        st.session_state["_worker_stopped"] = pid


def _workers_panel() -> None:
    """Sidebar: the worker processes of the heavy demos (memory, models, calls); the operator can stop an idle one
    (its memory goes back; the next heavy call starts another)."""
    running = workers.POOL.status()
    st.caption(n_(":material/settings_applications: Heavy demos run in a worker process apart from this server, at "
                  "a lower priority (at most {n} at once): {v} running.",
                  ":material/settings_applications: Heavy demos run in worker processes apart from this server, at "
                  "a lower priority (at most {n} at once): {v} running.", workers.size()).format(
        n=workers.size(), v=len(running)))
    operator = is_operator()
    for w in running:
        c1, c2 = st.columns([3, 1], vertical_alignment="center") if operator else (st.container(), None)
        c1.caption(n_("Worker {pid}: {rss_mb:.0f} MB · {models} · {calls} call · {state}",
                      "Worker {pid}: {rss_mb:.0f} MB · {models} · {calls} calls · {state}", w["calls"]).format(
            pid=w["pid"], rss_mb=w.get("rss_mb", 0), calls=w["calls"],
            models=", ".join(w.get("models", [])) or _("no model loaded yet"),
            state=_("working") if w["busy"] else _("idle")))
        if operator:
            c2.button(":material/stop_circle:", key=f"stop_worker_{w['pid']}", disabled=w["busy"],
                      help=_("Stop this worker: its memory goes back; the next heavy demo starts another."),
                      on_click=_stop_worker, args=(w["pid"],))
    stopped = st.session_state.pop("_worker_stopped", None)
    if stopped:
        st.caption(_(":material/stop_circle: Worker {pid} stopped.").format(pid=stopped))
    if workers.POOL.lost:
        st.caption(n_("{n} worker stopped mid-call since the app started (its caller was told to try again).",
                      "{n} workers stopped mid-call since the app started (their callers were told to try again).",
                      workers.POOL.lost).format(n=workers.POOL.lost))


def where_models_run() -> None:
    """Sidebar: in this process (and the heavy demos in worker processes), or on the model server (its replicas
    and the models loaded there)."""
    if not remote.enabled():
        st.caption(_(":material/computer: Models run in this process."))
        if workers.size():
            _workers_panel()
        return
    s = _server_status(remote.url())
    st.caption(_(":material/hub: Models run on the cluster at {url}.").format(url=s["url"]))
    if s.get("error"):
        st.caption(_("It does not answer right now ({why}).").format(why=s["error"]))
        return
    replicas = sum(d.get("replicas", 0) for d in s.get("deployments", {}).values())
    st.caption(n_("{n} replica running", "{n} replicas running", replicas).format(n=replicas))


def _server_replicas() -> None:
    """Sidebar, with the model server: each deployment's models and memory (one replica's report each)."""
    s = _server_status(remote.url())
    names = {m.id: m.name for d in domains.demos() for m in d.models}
    for name, r in sorted(s.get("models", {}).items()):
        st.caption(_("{deployment}: {rss_mb:.0f} MB · {models}").format(
            deployment=name, rss_mb=r.get("rss_mb", 0),
            models=", ".join(names.get(m, m) for m in r.get("models", [])) or _("no model loaded yet")))


def loaded_models_panel() -> None:
    """Sidebar: which models are in memory, RAM each, the budget; the operator can unload them (visitors read)."""
    with st.sidebar:
        st.subheader(_(":material/memory: Models in memory"))
        if is_operator():
            st.caption(_(":material/admin_panel_settings: Operator: you can unload models and run the health "
                         "check. Visitors see this panel without its buttons."))
        where_models_run()
        if remote.enabled():
            _server_replicas()
            if not LOADER.loaded():  # only in-process demos (video) load models here
                return
            st.caption(_("In this process (demos that read a file where it lies):"))
        elif workers.size():
            st.caption(_("In this server's own process (the light demos):"))
        used, budget = LOADER.used_mb(), LOADER.budget_mb
        st.progress(min(used / budget, 1.0), text=_("{used:.0f} of {budget:.0f} MB budget").format(used=used, budget=budget))
        loaded = LOADER.loaded()
        if not loaded:
            st.caption(_("None yet: a model loads the first time a demo needs it, then stays for every visitor "
                         "until the budget needs room (least recently used goes first)."))
        operator = is_operator()
        for m in loaded:
            c1, c2 = st.columns([3, 1], vertical_alignment="center") if operator else (st.container(), None)
            c1.markdown(n_("**{name}**  \n{ram_mb:.0f} MB · loaded in {load_s:.1f} s · {calls} call", "**{name}**  \n{ram_mb:.0f} MB · loaded in {load_s:.1f} s · {calls} calls", m['calls']).format(name=_(m['name']), ram_mb=m['ram_mb'], load_s=m['load_s'], calls=m['calls']))
            if operator:
                c2.button(":material/eject:", key=f"unload_{m['id']}", help=_("Unload {name}").format(name=_(m['name'])),
                          on_click=_unload, args=(m["id"], _(m["name"])), disabled=m["in_use"])
        if loaded:
            st.caption(_("MB counted: the larger of the memory the process grew by while the model loaded and the "
                         "model's own estimate (weights mapped from disk are not all in memory at first)."))
        freed = st.session_state.pop("_unloaded", None)
        if freed:
            st.caption(_(":material/eject: {v} unloaded: the process gave {v2:.0f} MB back to the system.").format(v=freed[0], v2=freed[1]))
        st.caption(_("Hub: {v}").format(v=_("reachable") if hub.online() else _("not reachable (offline mode)")))
