"""The table of demos README shows, made from the registry (`python -m domains list --markdown`); a test checks
README holds exactly this table, so a demo declared in its module is listed with no hand edit."""
from __future__ import annotations

from .i18n import _
from .registry import Demo, ModelSpec, demos, domains

START = "<!-- demos: python -m domains list --markdown -->"
END = "<!-- /demos -->"


def _cell(text: str) -> str:
    return " ".join(str(text).split()).replace("|", "\\|")


def _where(m: ModelSpec) -> str:
    if m.source == "hub":
        return f"`{m.ref}`" + (f" @ `{m.revision[:7]}`" if m.revision else " " + _("(unpinned)"))
    if m.source == "trained":
        return _("trained here on {data}").format(data=m.ref)
    return _("from `{package}`").format(package=m.needs.get("pip", m.ref))


def _size(m: ModelSpec) -> str:
    if m.size_mb is None:
        return "–"
    return "<1 MB" if m.size_mb < 1 else f"{m.size_mb:,.0f} MB"


def _offline(m: ModelSpec) -> str:
    if not m.offline:
        return _("needs a hub once")
    if "apt" in m.needs:
        return _("yes, once installed")
    if m.source != "trained":
        return _("yes")
    return {"per-call": _("yes (trained on each run)"), "in-page": _("yes (trained live in the page)")}.get(
        m.needs.get("build"), _("yes (trained on first use, cached)"))


def _rows(demo: Demo, first: str, before: Demo | None) -> list[str]:
    head = f"| {first} | {_cell(_(demo.title))}: {_cell(_(demo.summary))} |"
    if before is not None and before.models == demo.models and before.hub_adapter == demo.hub_adapter:
        above = _("the models above")
        return [f"{head} {above} | | | |"]
    rows = []
    for i, m in enumerate(demo.models):
        rows.append(f"{head if i == 0 else '| | |'} {_cell(m.label)}, {_cell(_where(m))} | {_cell(_(m.license))} | {_size(m)} | "
                    f"{_offline(m)} |")
    if demo.hub_adapter:
        any_hub, own, needs_hub = _("any hub model of this task, by id"), _("its own"), _("needs a hub once")
        rows.append(f"| | | {any_hub} | {own} | – | {needs_hub} |")
    return rows


def markdown() -> str:
    """Every page's demos (and views), with each model's source, license, size and whether it works offline."""
    heads = (_("page"), _("demo"), _("models (default first)"), _("license"), _("size"), _("works offline"))
    lines = ["| " + " | ".join(heads) + " |", "|---|---|---|---|---|---|"]
    for d in domains():
        title = _cell(_(d.title))
        before = None
        for demo in demos(d.id):
            lines += _rows(demo, title, before)
            before = demo
        view, yes = _("no model: a view of the data"), _("yes")
        lines += [f"| {title} | {_cell(_(v.name))} | {view} | | | {yes} |" for v in d.views]
    return "\n".join(lines) + "\n"


def in_readme(text: str) -> str | None:
    """The table between README's markers, or None when the markers are missing."""
    if START not in text or END not in text:
        return None
    return text.split(START, 1)[1].split(END, 1)[0].strip("\n") + "\n"


def write(path: str) -> bool:
    """Put today's table between the markers of the file at `path`; True when it changed."""
    from pathlib import Path
    from .errors import InputError
    text = Path(path).read_text()
    if in_readme(text) is None:
        raise InputError(_("{path} has no table markers ({start} ... {end}).").format(path=path, start=START, end=END))
    before, rest = text.split(START, 1)
    new = before + START + "\n" + markdown() + END + rest.split(END, 1)[1]
    if new != text:
        Path(path).write_text(new)
    return new != text
