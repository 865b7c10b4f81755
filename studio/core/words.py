"""Words for counts and names, as pages and messages write them (frontend/src/lib/dom.js has ``plural`` too)."""

from __future__ import annotations

import re

IRREGULAR = {"person": "people"}
# words kept lower case inside a title-cased name (WOMAN IN GREY → Woman in Grey), never as its first word
SMALL_WORDS = frozenset({"a", "an", "and", "as", "at", "but", "by", "for", "from", "in", "into", "nor", "of", "on",
                         "or", "over", "the", "to", "with"})


def noun(count: int, word: str, many: str | None = None) -> str:
    """The form of ``word`` that ``count`` takes: scene for 1, scenes for 0 or 2; person, people."""
    return word if count == 1 else many or IRREGULAR.get(word, word + "s")


def plural(count: int, word: str, many: str | None = None) -> str:
    """``1 scene``, ``2 scenes``, ``0 scenes``, ``1 person``, ``2 people``."""
    return f"{count} {noun(count, word, many)}"


def title_case(name: str) -> str:
    """THE STRANGER → The Stranger, WOMAN IN GREY → Woman in Grey, O'BRIEN → O'Brien, MASTER'S → Master's."""
    words = name.lower().split(" ")
    return " ".join(w if i and w in SMALL_WORDS else _capitalized(w) for i, w in enumerate(words))


def _capitalized(word: str) -> str:
    """Each part of a hyphenated word capitalized, and a name after an apostrophe (O'Brien, not Master'S)."""
    return "-".join(re.sub(r"'(\w{3,})", lambda m: "'" + m[1].capitalize(), part.capitalize())
                    for part in word.split("-"))
