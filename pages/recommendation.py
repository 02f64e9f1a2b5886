"""Recommendation: rate films, get suggestions with reasons; more like this; the learned film map."""
import json

import pandas as pd
import plotly.express as px
import streamlit as st

from domains import get, recommendation
from domains.core.errors import GalleryError
from pages import _ui
from domains.core.i18n import N_, _

_ui.page_header("recommendation", N_("A model trained here on 100,000 MovieLens ratings learns a few numbers per "
                                    "film and per person, so that films people liked score high. Rate some films; "
                                    "the model places you among them."))
SECTIONS = _ui.sections("recommendation")  # declared with the demos (registry)


def genres(g: str) -> str:
    return _(", ").join(_(x) for x in g.split("|"))

section = _ui.demo_selector("recommendation_demo", SECTIONS)
ratings_df, movies = recommendation.data()
titles = movies.sort_values("n_ratings", ascending=False).display.tolist()

if section == "recommend":
    demo = _ui.section_header("recommendation.recommend")
    if "rec_table" not in st.session_state:
        st.session_state.rec_table = pd.DataFrame({"film": ["Toy Story (1995)", "Finding Nemo (2003)",
                                                            "Alien (1979)"], "stars": ["5", "4.5", "1.5"]})
    left, right = st.columns([2, 3], gap="large")
    with left:
        st.markdown(_("**Your ratings** (0.5 to 5 stars; add or delete rows)"))
        table = st.data_editor(
            st.session_state.rec_table.astype({"stars": str}), num_rows="dynamic", hide_index=True, key="rec_editor", width="stretch",
            column_config={"film": st.column_config.SelectboxColumn(_("Film"), options=titles, required=True),
                           # text, not a number column: a number column silently clamps 7 to 5 and drops "abc";
                           # as text, whatever is typed reaches the ratings guard, which says what is wrong
                           "stars": st.column_config.TextColumn(_("Stars"), required=True)})
        n = st.slider(_("How many suggestions"), 5, 20, 10, key="rec_n")
        if st.button(_("Clear my ratings (cold start)"), key="rec_clear", icon=":material/restart_alt:"):
            st.session_state.rec_table = pd.DataFrame({"film": [], "stars": []}, dtype=str)
            st.rerun()
    rated = {str(f): str(s).strip() for f, s in zip(table.film, table.stars) if isinstance(f, str) and pd.notna(s)}
    with right:
        result = _ui.run_demo(demo.id, None, model=demo.default_model, ratings=json.dumps(rated), n=n)
        if result is not None:
            with st.container(key="recommend_result"):
                st.markdown(_("### Most popular films") if result.cold_start else _("### {n} films for you").format(n=len(result.items)))
                _ui.table([{_("film"): i.title, _("why"): i.reason, _("genres"): genres(i.genres)}
                           for i in result.items])
                for note in result.notes:
                    st.caption(note)
    if result is not None:
        m = result.metrics
        mf = _("matrix factorisation (trained here)")
        _ui.evaluation(result.evaluation, mf,
                       _("A hit is a held-out film the user rated 4 stars or more appearing in their top 10."))
        with st.expander(_("Precision and recall too")):
            st.dataframe(pd.DataFrame([
                {_("method"): mf, **{k: v for k, v in m["model"].items() if k != "users"}},
                {_("method"): _(m["baseline_name"]), **{k: v for k, v in m["baseline"].items() if k != "users"}}]),
                hide_index=True)
            st.caption(_("{users} users evaluated; trained on {train_ratings:,} ratings in {train_seconds} s.").format(users=m['model']['users'], train_ratings=m['train_ratings'], train_seconds=m['train_seconds']))
        _ui.reproduce(demo, demo.default_model, {"ratings": rated, "n": n}, result)
    _ui.model_card(demo.default_model, demo)

elif section == "similar":
    demo = _ui.section_header("recommendation.similar", _("This reads only titles and genres (MiniLM), not what people watched: a "
                                                          "content recommender, the usual answer to films nobody has rated yet."))
    film = st.selectbox(_("Film"), titles, index=titles.index("Toy Story (1995)"), key="sim_film")
    result = _ui.run_demo(demo.id, film, model=demo.default_model, n=10)
    if result is not None:
        with st.container(key="similar_result"):
            st.markdown(_("### More like {v}").format(v=_ui.md(result.film)))
            _ui.table([{_("film"): i.title, _("similarity"): round(i.score, 3), _("genres"): genres(i.genres)}
                       for i in result.items])
        _ui.reproduce(demo, demo.default_model, {"n": 10}, result)
    _ui.model_card(demo.default_model, demo)

elif section == "map":
    st.subheader(_("The film map"))
    st.caption(_("Each film's 32 learned numbers, squeezed to two (PCA), for the 600 most rated films. Nobody told "
                 "the model about genres: films end up near each other because the same people liked them."))
    slot = st.empty()
    try:
        df = recommendation.item_map(progress=lambda f, m: slot.progress(f or 0.0, text=m))
    except GalleryError as e:
        slot.empty()
        _ui.show_error(e)
        st.stop()
    slot.empty()
    with st.container(key="map_result"):
        common = df.genre.value_counts().index[:9]  # nine genres and "other": colours a reader can tell apart
        df = df.assign(genre=df.genre.where(df.genre.isin(common), "other").map(_))
        fig = px.scatter(df, x="x", y="y", color="genre", hover_name="title", size="ratings", size_max=14,
                         height=560, category_orders={"genre": [*map(_, common), _("other")]},
                         color_discrete_sequence=[*px.colors.qualitative.Set1, "#bbbbbb"],
                         labels={"genre": _("first genre"), "ratings": _("ratings")})
        fig.update_layout(xaxis_title="", yaxis_title="", legend_title=_("first genre"))
        st.plotly_chart(fig, key="rec_map")
    _ui.model_card(get("recommendation.recommend").default_model, get("recommendation.recommend"))

else:  # a demo of a known shape, drawn from its declaration
    _ui.show_section("recommendation", section, {})
