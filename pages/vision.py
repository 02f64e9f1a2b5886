"""Vision: what a network sees in a photo."""
import streamlit as st

from domains import examples, get
from pages import _ui

demo = get("vision.classify")
_ui.page_header("vision", "A convolutional network trained on **ImageNet** (1.2 million photos, 1,000 classes) names what it "
            "sees. Pick a photo, upload your own, or use your camera.")

st.subheader(demo.title)
c_model, c_k = st.columns([3, 1])
with c_model:
    spec = _ui.model_picker(demo, key="cls_model")
with c_k:
    top_k = st.slider("Top classes", 1, 10, 5, key="cls_top_k")

left, right = st.columns(2, gap="large")
with left:
    picked = _ui.image_input("cls", examples.IMAGES, default="coffee")
with right:
    result = None
    if picked and spec:
        source, caption = picked
        result = _ui.run_demo(demo.id, source, model=spec, top_k=top_k)
    if result:
        with st.container(key="cls_result"):
            best = result.labels[0]
            st.markdown(f"### {best.label} · {best.score:.0%}")
            st.bar_chart({"class": [l.label for l in result.labels], "probability": [l.score for l in result.labels]},
                         x="class", y="probability", horizontal=True, sort="-probability",
                         height=36 * len(result.labels) + 70)
            st.caption(f"{result.model} · **{result.latency_ms:.0f} ms** on this CPU (model already loaded) · "
                       f"input {result.image.width}x{result.image.height} {result.image.mode}")
            for note in result.notes:
                st.caption(note)
            st.image(source, caption=caption, width=420)
    elif not picked:
        st.info("Choose an example photo, upload an image, or take one with your camera.", icon=":material/image:")

if spec:
    _ui.model_card(spec)
if result:
    _ui.reproduce(demo.id, spec, {"top_k": top_k}, result)

with st.expander("What this is, and what it is not"):
    st.markdown(
        "- The model only knows the 1,000 ImageNet classes (many dog breeds, few everyday objects). "
        "A photo of something else still gets the closest of those, often with a low probability.\n"
        "- Probabilities are the network's softmax output: a measure of its confidence, not of being right.\n"
        "- ImageNet's photos over-represent some places and people; accuracy elsewhere can be lower.")
