"""The registry: domains (one page each), demos (one plain function each) and their models.

Importing this module is cheap: no torch, no transformers. Domain packages register themselves when
imported; the `domains` package finds them (one package per domain, no list to keep) and hands this
module its discovery function, so the shared machinery never imports a domain.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Callable

from .errors import InputError, ModelUnavailable, UnknownDemo
from .i18n import N_, _, join
from .responsible import Card

SOURCES = ("package", "hub", "trained")
HUB_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,95}/[A-Za-z0-9][A-Za-z0-9._-]{0,95}$")


MULTILINGUAL = ("zh", "en", "mul")  # a model for many languages: the two the gallery speaks, and "mul" (many more)


@dataclass(frozen=True)
class ModelSpec:
    """What a model is and where it comes from; shown on the model card before anything loads."""

    id: str                    # registry id, or the hub repo id for hub models
    name: str
    source: str                # "package" | "hub" | "trained"
    adapter: str               # key into loader.ADAPTERS
    license: str
    size_mb: float | None      # on disk; None when unknown (an arbitrary hub id)
    ram_mb: float | None       # estimate before loading; the loader measures the real figure
    offline: bool              # works with no network on a machine set up by the README
    ref: str                   # package (import name) | hub repo id | dataset id
    revision: str | None = None  # pinned commit for hub models
    task: str = ""             # transformers pipeline task, where one applies
    homepage: str = ""
    description: str = ""
    # labels, preprocessing, ...; for a trained model, "build": "per-call" (trained on each request), "in-page" (trained
    # live in the page) or "long" (minutes: built ahead by `python -m domains train`); absent: built once, cached on disk
    needs: dict[str, Any] = field(default_factory=dict)
    languages: str = ""        # the languages a text or speech model reads, as a user would say it ("English")
    scripts: tuple[str, ...] = ()  # Unicode scripts of its input text (("LATIN",)); empty: any or not text
    # the languages it reads as ISO 639-1 codes (("en",), ("zh", "en", "mul")): "mul" = and many more; empty: no text
    language_codes: tuple[str, ...] = ()
    text_args: dict[str, Any] = field(default_factory=dict)  # fills {placeholders} in description and languages

    @property
    def label(self) -> str:
        """The model's name in the current language (names that hold words, "... (trained here)", are in the
        catalog; product names come back as they are)."""
        return _(self.name)

    def text(self, name: str) -> str:
        """`description` or `languages` in the current language, placeholders filled (strings translated too)."""
        raw = getattr(self, name)
        if not raw:
            return ""
        args = {k: _(v) if isinstance(v, str) else v for k, v in self.text_args.items()}
        return _(raw).format(**args) if args else _(raw)

    def __post_init__(self):
        if self.source not in SOURCES:
            raise ValueError(f"unknown source {self.source!r}")
        if self.source == "hub" and not HUB_ID.match(self.ref):
            raise ValueError(f"bad hub id {self.ref!r}")

    def card(self) -> dict[str, Any]:
        return {
            "id": self.id, "name": self.name, "source": self.source, "license": self.license,
            "size_mb": self.size_mb, "ram_mb": self.ram_mb, "offline": self.offline,
            "ref": self.ref, "revision": self.revision, "homepage": self.homepage,
            "languages": list(self.language_codes), "languages_in_words": self.languages,
        }


def hub_model(repo_id: str, task: str, adapter: str, revision: str | None = None) -> ModelSpec:
    """A spec for any hub model id the user types: nothing known about it until it loads."""
    repo_id = repo_id.strip()
    if not HUB_ID.match(repo_id):
        raise InputError(_("'{repo_id}' is not a Hugging Face model id (expected 'owner/name').").format(repo_id=repo_id))
    return ModelSpec(
        id=repo_id, name=repo_id, source="hub", adapter=adapter, license=N_("see the model's card"),
        size_mb=None, ram_mb=None, offline=False, ref=repo_id, revision=revision, task=task,
        homepage=f"https://huggingface.co/{repo_id}",
        description=N_("A model from the Hugging Face hub, chosen by id; unpinned (latest revision)."),
    )


@dataclass(frozen=True)
class Param:
    """A demo parameter: parsed from the CLI's KEY=VALUE and bounds-checked for every caller."""

    name: str
    kind: type  # int | float | str | bool
    default: Any
    help: str = ""
    min: float | None = None
    max: float | None = None
    choices: tuple[Any, ...] = ()

    def parse(self, raw: Any) -> Any:
        if self.kind is object:  # a second input (bytes, path, array): the demo's own guard checks it
            return raw if raw not in (None, "") else self.default
        if raw is None or (raw == "" and self.kind is not str):
            if self.default is None:
                return None
            raw = self.default
        if self.kind is str and isinstance(raw, (dict, list)):  # structured values travel as JSON text
            import json
            raw = json.dumps(raw)
        try:
            if self.kind is bool and isinstance(raw, str):
                if raw.lower() not in ("1", "0", "true", "false", "yes", "no"):
                    raise ValueError(raw)
                value = raw.lower() in ("1", "true", "yes")
            elif self.kind is int and isinstance(raw, float) and raw != int(raw):  # 2.5 is not a count
                raise ValueError(raw)
            else:
                value = self.kind(raw)
        except (TypeError, ValueError, OverflowError):
            raise InputError(_("{name} must be a {__name__}, got {raw!r}.").format(name=self.name, __name__=self.kind.__name__, raw=raw)) from None
        if isinstance(value, int) and abs(value) >= 2**63:  # no count or seed is this large; numpy and torch overflow
            raise InputError(_("{name} must be between {min} and {max}, got {value}.").format(
                name=self.name, min=-2**63 + 1, max=2**63 - 1, value=str(value)[:20] + "..."))
        if isinstance(value, float) and value != value or value in (float("inf"), float("-inf")):
            raise InputError(_("{name} must be a finite number, got {raw!r}.").format(name=self.name, raw=raw))
        if self.min is not None and value < self.min or self.max is not None and value > self.max:
            raise InputError(_("{name} must be between {min} and {max}, got {value}.").format(name=self.name, min=self.min, max=self.max, value=value))
        if self.choices and value not in self.choices:
            raise InputError(_("{name} must be one of {v}, got {value!r}.").format(name=self.name, v=', '.join(map(str, self.choices)), value=value))
        return value


# Result shapes the gallery draws with no page code (pages/_ui.known_section), and what a result of each holds:
SHAPES = {
    "labels": "labels: a list of items with .label and .score, best first (an image or a text in)",
    "spans": "text: the text read; spans (or entities): items with .start, .end (characters) and .label",
    "prediction": "prediction: the answer; probability: its probability or None; evaluation: the record or None",
    "transcript": "text: what was heard; segments: items with .start, .end (seconds) and .text",
    "text": "text: the answer in words (a caption, a summary, an answer, a continuation)",
    "picture": "headline: what was found, in a line; picture: the image the demo drew; rows: a table (dicts) or []",
}
HUB = "hub"  # the page section that gathers a page's hub-only demos (a task picker, then the demo)
HUB_LABEL = N_(":material/cloud: Hub-only tasks")


@dataclass(frozen=True)
class View:
    """A page section with no demo behind it (a viewer, a map): in the page's selector, on the home page's card, and
    in the browser walk, declared with its domain."""

    section: str     # ?demo=<section>; the page draws it in a container keyed "<section>_result"
    label: str       # its name in the page's selector, with its icon (":material/radiology: Medical images")
    name: str        # its name on the home page's card ("Medical image viewer")
    shows: str = ""  # words it shows when opened: what the browser walk waits for


@dataclass(frozen=True)
class Domain:
    id: str
    title: str
    icon: str
    section: str
    blurb: str
    # its page file, relative to the repo root (pages/<id>.py); "" for a domain whose demos are all of shapes the
    # gallery draws (SHAPES): the router builds its page from the registry
    page: str = ""
    order: int = 100  # place in the navigation and on the home page
    views: tuple[View, ...] = ()  # what the page offers besides its demos (a viewer, a map)

    @property
    def extras(self) -> tuple[str, ...]:
        """The views' names, for the home page's card."""
        return tuple(v.name for v in self.views)


@dataclass(frozen=True)
class Demo:
    id: str                      # "vision.classify"
    domain: str
    task: str
    title: str
    summary: str
    input_kind: str              # "image" | "text" | "audio" | "none"
    fn: Callable[..., Any]       # fn(input, *, model=None, progress=None, **params) -> dataclass
    models: tuple[ModelSpec, ...]
    params: tuple[Param, ...] = ()
    hub_adapter: str | None = None  # set when any hub model of `task` can be used
    offline_instead: str = ""       # for hub-only demos: the id of a demo that works offline instead
    aliases: tuple[str, ...] = ()   # earlier ids, still accepted by the API and the CLI
    # The bundled example the health check runs: () -> (input, params). None: no input, default params.
    example: Callable[[], tuple[Any, dict[str, Any]]] | None = None
    # What its model learned from, who it works worse for, what not to use it for (core.responsible.Card); every demo
    # of the gallery has one (a test checks), a demo declared elsewhere may go without.
    responsible: Card | None = None
    # Where its page shows it: the section (?demo=<section>; default the id's last part, or "hub" for a demo with no
    # offline model), its name in the page's selector with its icon (or, for a hub-only demo, in the task picker),
    # and words its result shows for the bundled example (what the browser walk waits for, in "<section>_result").
    section: str = ""
    label: str = ""
    shows: str = ""
    # The shape of its result (a key of SHAPES): the page draws it with no code of its own. "": its page has a
    # section written for it.
    shape: str = ""
    # A boolean parameter that makes the input a clip instead (smart_home.command's `voice`): the guards then read
    # the input as audio, never as text.
    audio_when: str = ""
    # Seconds of CPU per warm call (transcription, the round trip, the street video...): in the app it runs in a
    # worker process at a lower priority, so light demos and the server keep a core (serving/workers.py).
    worker: bool = False

    def input_kind_for(self, params: dict[str, Any]) -> str:
        """The kind of input this call takes, for the guards: `input_kind`, or audio when `audio_when` is set."""
        if self.audio_when and params.get(self.audio_when) is not None:
            try:
                if self.param(self.audio_when).parse(params[self.audio_when]):
                    return "audio"
            except InputError:
                pass  # the demo's own parsing says what is wrong with it
        return self.input_kind

    @property
    def page_section(self) -> str:
        return self.section or (HUB if self.online_only else self.id.split(".", 1)[1])

    @property
    def online_only(self) -> bool:
        return not any(m.offline for m in self.models)

    @property
    def input_optional(self) -> bool:
        """True when the demo's function may be called without an input (its first parameter has a default): the
        CLI then runs it without one too (concepts.cnn reads a held-out digit)."""
        import inspect
        first = next(iter(inspect.signature(self.fn).parameters.values()), None)
        return first is not None and first.default is not inspect.Parameter.empty

    @property
    def default_model(self) -> ModelSpec:
        return self.models[0]

    def model(self, model_id: str | None = None) -> ModelSpec:
        """A registered model by id (default first), or any hub id where the demo allows it."""
        if not model_id:
            return self.default_model
        for m in self.models:
            if model_id in (m.id, m.ref):
                return m
        known = ", ".join(m.id for m in self.models)
        if not self.hub_adapter:
            raise InputError(_("Demo {id} has no model '{model_id}'. Known: {known}.").format(id=self.id, model_id=model_id, known=known))
        if "/" not in model_id or " " in model_id.strip():
            raise InputError(_("'{model_id}' is neither a model of {id} ({known}) nor a Hugging Face model id "
                               "(owner/name).").format(model_id=model_id, id=self.id, known=known))
        return hub_model(model_id, self.task, self.hub_adapter)

    def param(self, name: str) -> Param:
        return next(p for p in self.params if p.name == name)

    def offline_alternative(self, spec: ModelSpec) -> ModelSpec | None:
        return next((m for m in self.models if m.offline and m.id != spec.id), None)

    def parse_params(self, raw: dict[str, Any]) -> dict[str, Any]:
        by_name = {p.name: p for p in self.params}
        unknown = set(raw) - set(by_name)
        if unknown:
            raise InputError(_("Unknown parameter(s) for {id}: {v}. Known: {v2}.").format(id=self.id, v=', '.join(sorted(unknown)), v2=', '.join(by_name) or 'none'))
        return {k: by_name[k].parse(v) for k, v in raw.items()}

    def describe(self) -> dict[str, Any]:
        card = self.responsible
        return {
            "id": self.id, "aliases": list(self.aliases), "domain": self.domain, "task": self.task,
            "title": _(self.title), "summary": _(self.summary), "input": self.input_kind, "online_only": self.online_only,
            "models": [{"id": m.id, "source": m.source, "license": m.license, "size_mb": m.size_mb,
                        "offline": m.offline, "revision": m.revision, "languages": list(m.language_codes)}
                       for m in self.models],
            "params": [{"name": p.name, "type": p.kind.__name__, "default": p.default, "help": _(p.help)}
                       for p in self.params],
            "responsible": card.describe() if card else None,
        }


_DOMAINS: dict[str, Domain] = {}
_DEMOS: dict[str, Demo] = {}
_ALIASES: dict[str, str] = {}
_discover: Callable[[], None] = lambda: None


def set_discovery(fn: Callable[[], None]) -> None:
    """The `domains` package registers how to find the domain packages; lookups call it first."""
    global _discover
    _discover = fn


def register_domain(domain: Domain) -> Domain:
    _DOMAINS[domain.id] = domain
    return domain


def register(demo: Demo) -> Demo:
    if demo.domain not in _DOMAINS:
        _discover()  # a demo declared outside its domain's package (a notebook, a plugin)
    if demo.domain not in _DOMAINS:
        raise ValueError(f"demo {demo.id} names unknown domain {demo.domain}")
    if not demo.id.startswith(demo.domain + "."):
        raise ValueError(f"demo {demo.id} must start with its domain's id ({demo.domain}.)")
    if not demo.models:
        raise ValueError(f"demo {demo.id} has no model")
    if demo.shape and demo.shape not in SHAPES:
        raise ValueError(f"demo {demo.id}: unknown shape {demo.shape!r} (known: {', '.join(SHAPES)})")
    if not demo.shape and not _DOMAINS[demo.domain].page:
        raise ValueError(f"demo {demo.id}: its domain has no page file, so it needs a shape the gallery draws")
    _DEMOS[demo.id] = demo
    for alias in demo.aliases:
        _ALIASES[alias] = demo.id
    return demo


def result_types() -> list[type]:
    """Each registered demo's declared result type (its function's return annotation)."""
    import typing
    out = []
    for d in demos():
        try:
            t = typing.get_type_hints(d.fn).get("return")
        except Exception:  # an annotation that does not resolve: the demo's results cannot cross the wire
            t = None
        if t is not None:
            out.append(t)
    return out


def unregister(demo_id: str) -> None:
    """Take a demo out again (test doubles)."""
    demo = _DEMOS.pop(demo_id, None)
    for alias in demo.aliases if demo else ():
        _ALIASES.pop(alias, None)


def domains() -> list[Domain]:
    _discover()
    return sorted(_DOMAINS.values(), key=lambda d: d.order)


def demos(domain: str | None = None) -> list[Demo]:
    _discover()  # by domain (the order discovery imports them, whichever imports another first), then as declared
    return sorted((d for d in _DEMOS.values() if domain is None or d.domain == domain), key=lambda d: d.domain)


def sections(domain_id: str) -> dict[str, str]:
    """The page's sections, in order, section id -> label (untranslated): its demos as declared, then its views,
    then one "hub" section when it has hub-only demos. A demo shown inside another's section declares that section
    and no label."""
    out: dict[str, str] = {}
    hub = False
    for d in demos(domain_id):
        hub |= d.page_section == HUB
        if d.page_section != HUB and d.page_section not in out and d.label:
            out[d.page_section] = d.label
    out |= {v.section: v.label for v in _DOMAINS[domain_id].views}
    return out | ({HUB: HUB_LABEL} if hub else {})


def hub_tasks(domain_id: str) -> dict[str, str]:
    """The page's hub-only demos, demo id -> label (untranslated), for its task picker."""
    return {d.id: d.label or d.title for d in demos(domain_id) if d.page_section == HUB}


def get(demo_id: str) -> Demo:
    """A demo by id, or by one of its earlier ids."""
    _discover()
    try:
        return _DEMOS[_ALIASES.get(demo_id, demo_id)]
    except KeyError:
        raise UnknownDemo(_("No demo '{demo_id}'. Known: {v}.").format(demo_id=demo_id, v=', '.join(sorted(_DEMOS)))) from None


def local_run(demo, input: Any = None, *, model: str | None = None, progress=None, **kwargs: Any) -> Any:
    """Run a demo in this process with parsed parameters (what the model server does with a request)."""
    try:
        return demo.fn(input, model=model, progress=progress, **kwargs)
    except ModelUnavailable as e:
        if e.alternative is None:
            alt = next((m for m in demo.models if m.offline and model not in (m.id, m.ref)), None)
            e.alternative = alt.id if alt else None
        if e.alternative:
            e.hint = join(e.hint, _("Or pick a model marked offline."))
        elif demo.offline_instead:
            other = get(demo.offline_instead)
            e.hint = _("This task has no model that ships offline. Offline, try {title} instead.").format(
                title=_(other.title))
            e.instead = other.id
        raise
