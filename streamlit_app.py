"""Entry point: the router (st.navigation, sections by field) and the home gallery."""
import streamlit as st

from domains import demos, domains
from pages import _ui

st.set_page_config(page_title="Deep Learning Gallery", page_icon=":material/neurology:", layout="wide")

PAGES = {d.id: st.Page(d.page, title=d.title, icon=d.icon, url_path=d.id) for d in domains()}


def home() -> None:
    st.title(":material/neurology: Deep Learning Gallery")
    st.markdown("What deep learning does, field by field, with **real models running on this computer**. "
                "Every page gives a real answer offline; hub models are one choice away when a hub is reachable.")
    sections: dict[str, list] = {}
    for d in domains():
        sections.setdefault(d.section, []).append(d)
    for section, items in sections.items():
        st.subheader(section)
        cols = st.columns(3)
        for i, d in enumerate(items):
            with cols[i % 3], st.container(border=True):
                st.page_link(PAGES[d.id], label=f"**{d.title}**", icon=d.icon)
                st.write(d.blurb)
                page_demos = demos(d.id)
                offline = [x.title for x in page_demos if not x.online_only]
                hub_only = [x.title for x in page_demos if x.online_only]
                st.markdown("**Offline:** " + ", ".join(offline) +
                            (f"  \n**With a hub:** {', '.join(hub_only)}" if hub_only else ""))
                models = list({m.id: m for x in page_demos for m in x.models}.values())  # each model once
                with st.expander(f"{len(models)} models, their licenses and sizes"):
                    for m in models:
                        st.markdown(f"{m.name} &nbsp; {_ui.badges(m)}")


nav = {"": [st.Page(home, title="Home", icon=":material/home:", default=True)]}
for d in domains():
    nav.setdefault(d.section, []).append(PAGES[d.id])
page = st.navigation(nav)
page.run()
_ui.loaded_models_panel()  # after the page, so it shows what the page just loaded
