"""Every section of every page, by URL: (query, result container to wait for, text it must show), derived from the
registry: each demo's page section and the words its result shows for the bundled example (`Demo.shows`), each
page's views (`Domain.views`), and each hub-only demo's notice. The browser walk opens them
(tests/browser/test_e2e.py) and the load test's sessions browse them (benchmarks/load.py)."""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
import domains  # noqa: E402
from domains.core.registry import HUB  # noqa: E402

HUB_NOTICE = "no hub is reachable"  # the hub-only notice's words, offline (pages/_ui.hub_only_notice)


def sections() -> list[tuple[str, str, str]]:
    out = []
    for domain in domains.domains():
        for demo in domains.demos(domain.id):
            if demo.page_section == HUB:
                out.append((f"{domain.id}?demo={HUB}&task={demo.id}", f".st-key-hub_only_{demo.id.replace('.', '_')}",
                            HUB_NOTICE))
            elif demo.shows:
                out.append((f"{domain.id}?demo={demo.page_section}", f".st-key-{demo.page_section}_result", demo.shows))
        out += [(f"{domain.id}?demo={v.section}", f".st-key-{v.section}_result", v.shows) for v in domain.views if v.shows]
    return out


SECTIONS = sections()
