"""Words for counts and names, as the pages and messages write them (frontend/src/lib/dom.js has ``plural`` too)."""

from __future__ import annotations

IRREGULAR = {"person": "people", "child": "children"}


def plural(count: int, word: str, many: str | None = None) -> str:
    """``1 scene``, ``2 scenes``, ``0 scenes``; ``plural(1, "person")`` is ``1 person``, of 2 ``2 people``."""
    return f"{count} {word if count == 1 else many or IRREGULAR.get(word, word + 's')}"
