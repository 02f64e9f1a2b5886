"""Responsible-use cards: for every demo, what its model learned from, who or what it works worse for (where that is
known), what it must not be used for, and the gallery's page about the risk.

A card is part of its demo's registry entry (`Demo.responsible`, declared with the demo in its domain's module); the
CLI's `list --json` carries it and every page shows it as a fold under the model card. Wording that several demos
share lives beside the model or data it describes (e.g. `core.text.MINILM_DATA`). A test checks every demo has one."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .i18n import _, join


Text = str | tuple[str, ...]   # one message, or several shown one after the other


def _t(text: Text) -> str:
    return join(*(_(t) for t in text)) if isinstance(text, tuple) else _(text)


@dataclass(frozen=True)
class Card:
    data: Text       # what the model learned from
    weaker: Text     # who or what it works worse for, where known
    not_for: Text    # what it must not be used for
    page: str        # the responsible-AI page about the risk: privacy | fairness | work

    def describe(self) -> dict[str, Any]:
        """The card in the current language (the CLI's `list --json` field `responsible`)."""
        return {"data": _t(self.data), "works_worse_for": _t(self.weaker), "not_for": _t(self.not_for),
                "page": self.page}
