"""Entry point: the router (st.navigation, sections by field) and the home gallery."""
import streamlit as st

from domains import demos, domains
from pages import _ui

st.set_page_config(page_title="Deep Learning Gallery", page_icon=":material/neurology:", layout="wide")

PAGES = {d.id: st.Page(d.page, title=d.title, icon=d.icon, url_path=d.id) for d in domains()}
MARK = {"ok": ":green[:material/check_circle:]", "failed": ":red[:material/error:]",
        "online-only": ":gray[:material/cloud:]"}


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


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
                st.markdown(f"**Demo health check** · {latest['date'][:16].replace('T', ' ')} UTC on "
                            f"`{latest['machine']}` · {MARK['ok']} {counts['ok']} ok · {MARK['failed']} "
                            f"{counts['failed']} failed · {MARK['online-only']} {counts['online-only']} need a hub")
            else:
                st.markdown("**Demo health check** · not run on this machine yet. It runs every offline demo on its "
                            "bundled example and records how long each took.")
        run_now = right.button("Run the check now", icon=":material/play_circle:", key="health_run",
                               width="stretch", help="Every offline demo on its example; a few minutes the first time "
                                                     "(models load). Also: python -m domains check")
        if run_now:
            import domains as api
            bar = st.progress(0.0, text="Starting the check")
            results = {r["id"]: r for r in api.check(progress=lambda f, m: bar.progress(f or 0.0, text=m))}
            health.save(list(results.values()))
            bar.empty()
            st.rerun()
    return results


def home() -> None:
    st.title(":material/neurology: Deep Learning Gallery")
    st.markdown("What deep learning does, field by field, with **real models running on this computer**. "
                "Every page gives a real answer offline; hub models are one choice away when a hub is reachable.")
    checked = health_panel()
    sections: dict[str, list] = {}
    for d in domains():
        sections.setdefault(d.section, []).append(d)
    for section, items in sections.items():
        st.subheader(section)
        per_row = min(3, max(2, len(items)))  # a section of two cards fills the row, not two thirds of it
        cols = st.columns(per_row)
        for i, d in enumerate(items):
            with cols[i % per_row], st.container(border=True, key=f"card_{d.id}"):
                st.page_link(PAGES[d.id], label=f"**{d.title}**", icon=d.icon)
                st.write(d.blurb)
                page_demos = demos(d.id)
                offline = [x for x in page_demos if not x.online_only]
                hub_only = [x.title for x in page_demos if x.online_only]
                st.markdown("**Offline:** " + ", ".join(
                    x.title + (f" {MARK[checked[x.id]['status']]}" if x.id in checked else "") for x in offline) +
                    (", " + ", ".join(d.extras) if d.extras else "") +
                    (f"  \n**With a hub:** {', '.join(hub_only)}" if hub_only else ""))
                failed = [checked[x.id] for x in offline if checked.get(x.id, {}).get("status") == "failed"]
                for r in failed:
                    st.error(f"{r['title']} failed its check: {r['reason']}", icon=":material/error:")
                if any(x.id in checked for x in offline) and not failed:
                    st.caption(f"{MARK['ok']} all checked demos worked on their examples")
                models = list({m.id: m for x in page_demos for m in x.models}.values())  # each model once
                with st.expander(f"{_plural(len(models), 'model')}, their licenses and sizes"):
                    for m in models:
                        st.markdown(f"{m.name} &nbsp; {_ui.badges(m)}")
                if st.button(f"Open {d.title}", key=f"open_{d.id}", icon=":material/arrow_forward:", width="stretch"):
                    st.switch_page(PAGES[d.id])


nav = {"": [st.Page(home, title="Home", icon=":material/home:", default=True)]}
for d in domains():
    nav.setdefault(d.section, []).append(PAGES[d.id])
page = st.navigation(nav)
page.run()
_ui.loaded_models_panel()  # after the page, so it shows what the page just loaded
_ui.session_report_button()
