"""CLI: `python -m domains list --json`, `python -m domains run DEMO_ID INPUT [--model ID] [--param K=V] --json`,
`python -m domains check [--json] [DEMO_ID ...]`, `python -m domains train [DEMO_ID ...]` and
`python -m domains find DESCRIPTION [--top N] [--json]`.

Bad input or an unavailable model: exit 2 with one line on stderr, never a traceback. `check` exits 1 when
an offline demo fails on its bundled example."""
from __future__ import annotations

import argparse
import json
import sys
from typing import Any, NoReturn
from .core.i18n import _


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # one line, exit 2
        self.exit(2, f"error: {message} (see python -m domains --help)\n")


def _input(demo, raw: str | None) -> Any:
    from .core import examples
    from .core.errors import InputError
    if demo.input_kind == "none":
        return None
    if raw is None:
        if demo.input_optional:
            return None
        raise InputError(_("{id} needs an input ({input_kind}).").format(id=demo.id, input_kind=demo.input_kind))
    if demo.input_kind == "image" and raw.startswith("example:"):
        return examples.image(raw.split(":", 1)[1])
    if demo.input_kind == "audio" and raw.startswith("example:"):
        return examples.clip(raw.split(":", 1)[1])
    if demo.input_kind == "text" and raw == "-":
        return sys.stdin.buffer.read()  # bytes: the text guard decodes (and rejects invalid UTF-8)
    if demo.input_kind == "text" and raw.startswith("file:"):
        from pathlib import Path
        path = Path(raw[5:])
        if not path.is_file():
            raise InputError(_("No such text file: {path}").format(path=path))
        return path.read_bytes()
    return raw


def _params(pairs: list[str]) -> dict[str, str]:
    from .core.errors import InputError
    out = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise InputError(_("--param takes KEY=VALUE, got {pair!r}.").format(pair=pair))
        out[key] = value
    return out


def main(argv: list[str] | None = None) -> int:
    parser = _Parser(prog="python -m domains", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="cmd", required=True, parser_class=_Parser)
    p_list = sub.add_parser("list", help="list demos and their models")
    p_list.add_argument("--json", action="store_true")
    p_list.add_argument("--markdown", action="store_true", help="README's table of demos (page, demo, models, "
                                                                 "license, size, offline)")
    p_list.add_argument("--write", metavar="README", help="with --markdown: put the table into this file, between its "
                                                        "markers")

    p_run = sub.add_parser("run", help="run one demo")
    p_run.add_argument("demo")
    p_run.add_argument("input", nargs="*", help="a file path (image, audio); text itself, file:PATH or - (stdin) "
                                                 "for text demos; example:ID for a bundled image")
    p_run.add_argument("--model")
    p_run.add_argument("--param", action="append", default=[], metavar="KEY=VALUE")
    p_run.add_argument("--json", action="store_true")
    sub.add_parser("catalog", help="refresh the translation catalogs (domains/locale) from the code")
    p_check = sub.add_parser("check", help="run every offline demo (or those named) on its bundled example")
    p_check.add_argument("demos", nargs="*", metavar="DEMO_ID")
    p_check.add_argument("--json", action="store_true", help="print the results as a JSON list")
    p_check.add_argument("--warm", type=int, default=1, help="warm runs per demo (median reported)")
    p_train = sub.add_parser("train", help="build the models the project trains (all, or those of the demos named) "
                                            "into the disk cache, with progress; already built: loaded")
    p_train.add_argument("demos", nargs="*", metavar="DEMO_ID")
    p_train.add_argument("--ship", action="store_true",
                         help="build every model kept on disk afresh (every offline demo run once; the simulator driver "
                              "small and full) and put them in models/, the folder the gallery ships them in")
    p_find = sub.add_parser("find", help="find a demo by describing it, in English or Chinese (the home page's search)")
    p_find.add_argument("description", nargs="+")
    p_find.add_argument("--top", type=int, default=5, help="how many demos (1-20)")
    p_find.add_argument("--json", action="store_true")
    for p in (p_list, p_run, p_check, p_train, p_find):
        p.add_argument("--lang", default=None, help="language of titles, notes and messages: en (default) or zh")
    args = parser.parse_args(argv)
    if args.cmd == "catalog":
        from .core.i18n import update
        update()
        return 0

    from .core.errors import GalleryError
    from .core.i18n import language
    try:
        with language(args.lang):
            return _main(args)
    except GalleryError as e:
        alt = getattr(e, "alternative", None)
        with language(None if "Unknown language" in str(e) else args.lang):
            extra = f" {e.hint}" if e.hint else ""
            extra += (" " + _("Offline alternative: --model {alt}.").format(alt=alt)) if alt else ""
        extra += f" (python -m domains run {e.instead} ...)" if getattr(e, "instead", None) else ""
        print(f"error: {e}{extra}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except Exception as e:  # a bug, not the user's fault: still one line
        print(f"internal error: {type(e).__name__}: {e}".splitlines()[0], file=sys.stderr)
        return 1


def _main(args) -> int:
    from . import demos, get, run, to_dict
    from .core.errors import InputError
    if args.cmd == "check":
        return _check(args)
    if args.cmd == "train":
        return _train(args)
    if args.cmd == "find":
        from .core import finder
        found = finder.find(" ".join(args.description), top_k=args.top)
        if args.json:
            print(json.dumps(to_dict(found), indent=2, ensure_ascii=False))
        else:
            for m in found.matches:
                print(f"{m.score:.2f}  {m.id:28s} {m.title} (/{m.domain}?demo={m.section})")
        return 0
    if args.cmd == "list":
        if args.markdown:
            from .core import table
            if args.write:
                changed = table.write(args.write)
                print(_("{path}: table of demos {state}.").format(
                    path=args.write, state=_("rewritten") if changed else _("already up to date")), file=sys.stderr)
            else:
                print(table.markdown(), end="")
            return 0
        items = [d.describe() for d in demos()]
        if args.json:
            print(json.dumps(items, indent=2, ensure_ascii=False))
        else:
            for d in items:
                print(f"{d['id']:24s} {d['title']}  [{', '.join(m['id'] for m in d['models'])}]")
        return 0
    demo = get(args.demo)
    params = _params(args.param)
    if len(args.input) > 2 or (len(args.input) == 2 and "other" not in {p.name for p in demo.params}):
        raise InputError(_("{id} takes one input, got {n}.").format(id=demo.id, n=len(args.input)))
    if len(args.input) == 2:  # e.g. speech.speaker A B: the second input is the `other` parameter
        params["other"] = _input(demo, args.input[1])
    first = args.input[0] if args.input else None
    result = to_dict(run(args.demo, _input(demo, first), model=args.model, **params))
    print(json.dumps(result, indent=2, ensure_ascii=False) if args.json else result)
    return 0


def _check(args) -> int:
    from . import check

    def progress(fraction, message):
        if not args.json:
            print(message, file=sys.stderr, flush=True)

    results = check(args.demos or None, progress=progress, warm_runs=max(0, args.warm), save=True)
    if args.json:
        print(json.dumps(results, indent=2, ensure_ascii=False))
    else:
        for r in results:
            ms = f"first {r['first_ms']:.0f} ms, warm {r['warm_ms']:.0f} ms, {r['ram_mb']:.0f} MB" \
                if r["status"] == "ok" and r["warm_ms"] is not None else ""
            ev = f"  [{r['evaluation']['verdict']} wins]" if r.get("evaluation") else ""
            print(f"{r['status']:12s} {r['id']:28s} {ms}{ev}{('  ' + r['reason']) if r['reason'] else ''}")
    return 1 if any(r["status"] == "failed" for r in results) else 0


def _train(args) -> int:
    """Every model with source "trained" of the named demos (default: all) loaded once: built on first use.
    --ship: every model kept on disk built afresh in an empty cache, then copied into models/."""
    if args.ship:
        return _ship(args)
    import time
    from . import demos, get
    from .core.loader import LOADER
    chosen = [get(d) for d in args.demos] if args.demos else demos()
    specs = list({m.id: m for d in chosen for m in d.models if m.source == "trained"}.values())
    if not specs:
        print(_("No model of {v} is trained by the project.").format(v=", ".join(args.demos)), file=sys.stderr)
        return 2
    shown = {"t": 0.0}

    def progress(fraction, message):
        now = time.monotonic()
        if now - shown["t"] > 2 or fraction in (None, 1.0):
            shown["t"] = now
            pct = f"{fraction:4.0%} " if fraction is not None else ""
            print(f"  {pct}{message}", file=sys.stderr, flush=True)

    for spec in specs:
        t0 = time.perf_counter()
        print(_("{name}:").format(name=spec.label), file=sys.stderr, flush=True)
        with LOADER.use(spec, progress):
            pass
        print(_("  ready in {s:.1f} s").format(s=time.perf_counter() - t0), file=sys.stderr, flush=True)
    return 0


def _ship(args) -> int:
    """Every offline demo run once in a fresh cache with nothing shipped to load from, then models/ replaced by the
    models that built and kept on disk: those trained once (not those trained per request or live in a page), the
    simulator driver in both sizes (the small one is what the tests use), the corpora's embeddings."""
    import os
    import tempfile
    from pathlib import Path
    from . import check, demos, get, run
    from .core import paths, trained
    from .core.errors import GalleryError
    from .core.loader import LOADER
    if args.demos:
        print(_("--ship builds every model: name no demo."), file=sys.stderr)
        return 2

    def progress(fraction, message):
        print(f"  {message}", file=sys.stderr, flush=True)

    with tempfile.TemporaryDirectory(prefix="gallery-ship-") as tmp:
        os.environ.update(GALLERY_CACHE_DIR=tmp, GALLERY_SHIPPED_MODELS="0")
        for quick, chosen in (("0", None), ("1", ["driving.policy"])):
            os.environ["GALLERY_DRIVING_QUICK"] = quick
            for spec in get("driving.policy").models:  # the loaded driver is the other size: load this one
                LOADER.unload(spec.id)
            failed = [r["id"] for r in check(chosen, progress=progress, warm_runs=0) if r["status"] == "failed"]
            if failed:
                print(_("Not shipped: {ids} failed their check.").format(ids=", ".join(failed)), file=sys.stderr)
                return 1
        for demo in demos():  # a demo's other offline models on its example too (a corpus embedded by each)
            x, params = demo.example() if demo.example else (None, {})
            for spec in [m for m in demo.models[1:] if m.offline and demo.input_kind != "video"]:
                progress(None, f"{demo.id} with {spec.id}")
                try:
                    run(demo.id, x, model=spec.id, **params)
                except GalleryError as e:
                    print(f"  {demo.id} with {spec.id}: {e}", file=sys.stderr)
        added, removed = trained.ship(paths.SHIPPED, Path(tmp) / "trained")
    size = sum(f.stat().st_size for f in paths.SHIPPED.rglob("*") if f.is_file())
    print(_("models/: {n} models, {mb:.1f} MB; {a} new, {r} removed").format(
        n=len([d for d in paths.SHIPPED.iterdir() if d.is_dir()]), mb=size / 2**20, a=len(added), r=len(removed)),
        file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
