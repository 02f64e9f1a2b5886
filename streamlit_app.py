"""Entry point: the router (st.navigation, sections by field) and the home gallery."""
from typing import Callable

import streamlit as st

from domains import demos, domains
from pages import _ui
from domains.core.errors import GalleryError
from domains.core.i18n import _, n_
from domains.serving import workers

with _ui.FIRST_IMPORTS:  # the libraries every page draws with, imported once by one session: two first visitors
    import pandas  # noqa: F401  importing them at once in two threads can meet a half-initialised module
    import plotly.graph_objects  # noqa: F401  (Python breaks the import deadlock that way; found by the load test)

_ui.choose_language()  # first: everything below is written in this session's language
_ui.apply_upload_limit()  # the gallery's one upload limit, for Streamlit's server too
_ui.read_operator_link()  # ?operator=<token>: this session may act on what every visitor shares
workers.use_in_app()  # heavy demos run in worker processes, apart from this server (GALLERY_WORKERS=0: here)


@st.cache_resource(show_spinner=False)
def _warm_once() -> bool:
    """Once per server, behind its first page: every light demo runs its example here (domains/core/warm.py)."""
    from domains.core import warm
    return warm.start()


_warm_once()
st.set_page_config(page_title=_("Deep Learning Gallery"), page_icon=":material/neurology:", layout="wide")

# a domain without a page file (all its demos of shapes the gallery draws) gets a page built from the registry
PAGES = {d.id: st.Page(d.page or _ui.known_page(d.id), title=_(d.title), icon=d.icon, url_path=d.id)
         for d in domains()}
MARK = {"ok": ":green[:material/check_circle:]", "failed": ":red[:material/error:]",
        "online-only": ":gray[:material/cloud:]"}


def health_panel() -> dict:
    """The latest health check (date, machine, totals) and a button to run it again; returns results by id."""
    from domains.core import health
    latest = health.load() or {}
    results = {r["id"]: r for r in latest.get("results", [])}
    with st.container(border=True, key="health_panel"):
        left, right = st.columns([4, 1], vertical_alignment="center")
        with left:
            if results:
                counts = {s: sum(r["status"] == s for r in results.values()) for s in MARK}
                st.markdown(_("**Demo health check** · {v} UTC on `{machine}` · {ok} {ok2} ok · {failed} {failed2} "
                              "failed · {online_only} {online_only2} need a hub").format(v=latest['date'][:16].replace('T', ' '), machine=latest['machine'], ok=MARK['ok'], ok2=counts['ok'], failed=MARK['failed'], failed2=counts['failed'], online_only=MARK['online-only'], online_only2=counts['online-only']))
            else:
                st.markdown(_("**Demo health check** · not run on this machine yet. It runs every offline demo on "
                              "its bundled example and records how long each took."))
        if not _ui.is_operator():  # the check loads every model and rewrites the shared file: the operator's
            return results
        run_now = right.button(_("Run the check now"), icon=":material/play_circle:", key="health_run",
                               width="stretch", help=_("Every offline demo on its example; a few minutes the first "
                                                       "time (models load). Also: python -m domains check"))
        if run_now:
            import domains as api
            bar = st.progress(0.0, text=_("Starting the check"))
            try:
                api.check(progress=lambda f, m: bar.progress(f or 0.0, text=m), save=True, wait=False)
            except GalleryError as err:
                bar.empty()
                _ui.show_error(err)
                return results
            bar.empty()
            st.rerun()
    return results


def background_bar(state: Callable[[], dict | None], message: Callable[[int, int, str], str], every: float) -> None:
    """Work going on behind the app (`state()`: {done, of, started} while it runs, None once done): a bar with an
    estimate, redrawn every `every` seconds; when the work ends, the page once more without the bar."""
    if not state():
        return

    @st.fragment(run_every=every)
    def bar() -> None:
        _ui.choose_language()  # a fragment's rerun runs only this function: its language is set again here
        import time
        from domains.core.progress import duration
        now = state()
        if not now:
            st.rerun(scope="app")
        done, of = int(now["done"]), max(1, int(now["of"]))
        left = (time.time() - float(now["started"])) / done * (of - done) if done else None
        st.progress(done / of, text=message(done, of, _(", {eta} left").format(eta=duration(left)) if left else ""))
    bar()


def preparing() -> None:
    """While the demos are prepared behind the app (its first start), in another process: its progress."""
    from domains.core import health
    background_bar(health.running, lambda done, of, left: _(
        "Preparing the demos behind the app: {done} of {of} checked{left}. Every page works meanwhile; a demo whose "
        "model is not ready yet builds it when asked, with its own progress.").format(done=done, of=of, left=left), 5)


def warming() -> None:
    """While the app warms its light demos in this server (its first minutes): how far it is."""
    from domains.core import warm
    background_bar(lambda: warm.state() if warm.running() else None, lambda done, of, left: _(
        "Getting the demos ready on this server: {done} of {of}{left}. Every page works meanwhile; a demo not ready "
        "yet loads its model when asked.").format(done=done, of=of, left=left), 3)


def find_a_demo() -> None:
    """A description in either language in, the demos closest in meaning out, each a link to its page section."""
    query = st.text_input(_("Find a demo by describing it"), key="home_find", max_chars=300,
                          placeholder=_("e.g. read the text in a photo · 我想识别照片里的文字"))
    if not query.strip():
        return
    from domains.core import finder
    try:
        with st.spinner(_("Comparing your words with every demo")):
            found = finder.find(query)
    except GalleryError as err:
        _ui.show_error(err)
        return
    titles = {d.id: _(d.title) for d in domains()}
    with st.container(key="find_result", border=True):
        for m in found.matches:
            st.page_link(PAGES[m.domain], label=f"**{m.title}** · {titles[m.domain]}", icon=PAGES[m.domain].icon,
                         query_params={"demo": m.section})
            st.caption(_("{summary} (similarity {score:.2f})").format(summary=m.summary, score=m.score))
        st.caption(_("Ranked by {model}, which compares meanings across languages, over every demo's title and "
                     "summary in English and Chinese.").format(model=finder.model_label()))
        with st.expander(_("How good is the search?")):
            _ui.evaluation(found.evaluation, _("search by meaning ({model})").format(model=finder.model_label()))


@st.cache_resource(show_spinner=False)
def _finder_index() -> bool:
    """The demo finder's index (every demo's title and summary in both languages, embedded), built once per server
    at its start, in the background: the first visitor's search does not wait for it."""
    import threading
    from domains.core import finder
    threading.Thread(target=finder.warm, daemon=True, name="finder-index").start()
    return True


def home() -> None:
    st.title(_(":material/neurology: Deep Learning Gallery"))
    st.markdown(_("What deep learning does, field by field, with **real models running on this computer**. Every "
                  "page gives a real answer offline; hub models are one choice away when a hub is reachable."))
    _finder_index()
    find_a_demo()
    preparing()
    warming()
    checked = health_panel()
    sections: dict[str, list] = {}
    for d in domains():
        sections.setdefault(_(d.section), []).append(d)
    for section, items in sections.items():
        st.subheader(section)
        per_row = min(3, max(2, len(items)))  # a section of two cards fills the row, not two thirds of it
        cols = st.columns(per_row)
        for i, d in enumerate(items):
            with cols[i % per_row], st.container(border=True, key=f"card_{d.id}"):
                st.page_link(PAGES[d.id], label=f"**{_(d.title)}**", icon=d.icon)
                st.write(_(d.blurb))
                page_demos = demos(d.id)
                offline = [x for x in page_demos if not x.online_only]
                hub_only = [_(x.title) for x in page_demos if x.online_only]
                listed = [_(x.title) + (f" {MARK[checked[x.id]['status']]}" if x.id in checked else "")
                          for x in offline] + [_(e) for e in d.extras]
                st.markdown(_("**Offline:** {demos}").format(demos=_(", ").join(listed)) +
                            ("  \n" + _("**With a hub:** {demos}").format(demos=_(", ").join(hub_only))
                             if hub_only else ""))
                failed = [checked[x.id] for x in offline if checked.get(x.id, {}).get("status") == "failed"]
                for r in failed:
                    st.error(_("{title} failed its check: {reason}").format(title=_(r["title"]), reason=r["reason"]), icon=":material/error:")
                if any(x.id in checked for x in offline) and not failed:
                    st.caption(_("{ok} all checked demos worked on their examples").format(ok=MARK['ok']))
                models = list({m.id: m for x in page_demos for m in x.models}.values())  # each model once
                with st.expander(n_("{n} model, its license and size", "{n} models, their licenses and sizes",
                                    len(models)).format(n=len(models))):
                    st.markdown("  \n".join(f"{m.label} &nbsp; {_ui.badges(m)}" for m in models))  # one element
                if st.button(_("Open {title}").format(title=_(d.title)), key=f"open_{d.id}", icon=":material/arrow_forward:", width="stretch"):
                    st.switch_page(PAGES[d.id])


nav = {"": [st.Page(home, title=_("Home"), icon=":material/home:", default=True)]}
for d in domains():
    nav.setdefault(_(d.section), []).append(PAGES[d.id])
page = st.navigation(nav, expanded=True)  # every page in sight: with more than 10 the menu would hide some behind "View more"
_ui.language_switch()
_ui.phone_style()
page.run()
_ui.loaded_models_panel()  # after the page, so it shows what the page just loaded
_ui.session_report_button()
