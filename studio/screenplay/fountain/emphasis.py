"""Fountain's inline emphasis: ``*italic*``, ``**bold**``, ``***bold italic***`` and ``_underline_``.

Element texts keep this markup as written; the PDF and FDX writers need it as styled runs, and the FDX
reader turns styled runs back into markup. Rules (those of the Fountain 1.1 syntax page, read as Markdown
reads them):

- a delimiter opens only when the next character is not a space, and closes only when the character
  before it is not a space; emphasis never spans a line break;
- a delimiter with no partner on its line is plain text;
- ``_`` inside a word (``snake_case``) is plain text, as in Markdown;
- ``\\*``, ``\\_`` and ``\\\\`` are the literal characters.

Reading emphasis is linear in the text's length, and bounded: a text longer than ``MAX_STYLED_CHARS`` (no
paragraph of a screenplay is; a pasted blob can be) is one unstyled run, its markup kept as written, so nothing
is lost and no export spends seconds styling it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

BOLD, ITALIC, UNDERLINE = "bold", "italic", "underline"
MAX_STYLED_CHARS = 20_000

_DELIMITER_STYLES = {"***": frozenset({BOLD, ITALIC}), "**": frozenset({BOLD}), "*": frozenset({ITALIC}),
                     "_": frozenset({UNDERLINE})}
_TOKEN = re.compile(r"\\[*_\\]|\*\*\*|\*\*|\*|_|\n|[^*_\\\n]+|\\")


@dataclass(frozen=True)
class Run:
    """A stretch of text in one style."""

    text: str
    style: frozenset[str] = frozenset()


def parse_emphasis(markup: str) -> list[Run]:
    """Markup → runs; adjacent runs of the same style are merged. Linear in the markup's length; markup
    longer than ``MAX_STYLED_CHARS`` is one plain run, as written."""
    if len(markup) > MAX_STYLED_CHARS:
        return [Run(markup)]
    tokens = _TOKEN.findall(markup)
    closes = _match_delimiters(tokens)
    closers = set(closes.values())
    runs: list[Run] = []
    pieces: list[str] = []  # the text of the run being gathered, joined once it ends
    style: frozenset[str] = frozenset()
    active = dict.fromkeys(_DELIMITER_STYLES, 0)  # open delimiters of each kind
    for index, token in enumerate(tokens):
        if index in closers or index in closes:
            active[token] += -1 if index in closers else 1
            now = frozenset().union(*(_DELIMITER_STYLES[d] for d, n in active.items() if n))
            if now != style and pieces:
                _append(runs, Run("".join(pieces), style))
                pieces = []
            style = now
            continue
        pieces.append(token[1] if token.startswith("\\") and len(token) == 2 else token)
    if pieces:
        _append(runs, Run("".join(pieces), style))
    return runs


def plain_text(markup: str) -> str:
    """The text as printed: markup removed."""
    return "".join(run.text for run in parse_emphasis(markup))


def to_markup(runs: list[Run]) -> str:
    """Runs → markup that reads back as the same runs.

    Nested spans are written nested (``**bold *and italic* bold**``) where that reads back, else each run is
    wrapped on its own; ``*``, ``_`` and ``\\`` are escaped only where they would otherwise be read as markup.
    """
    runs = merge_runs(runs)
    markup = ""
    for escape in (False, True):
        for write in (_nested_markup, _flat_markup):
            markup = write(runs, escape)
            if merge_runs(parse_emphasis(markup)) == runs:
                return markup
    return markup


def merge_runs(runs: list[Run]) -> list[Run]:
    merged: list[Run] = []
    for run in runs:
        _append(merged, run)
    return merged


def _append(runs: list[Run], run: Run) -> None:
    if not run.text:
        return
    if runs and runs[-1].style == run.style:
        runs[-1] = Run(runs[-1].text + run.text, run.style)
    else:
        runs.append(run)


def _match_delimiters(tokens: list[str]) -> dict[int, int]:
    """Opening token index → closing token index, for the delimiters that pair up on their line.

    A closer pairs with the nearest open delimiter of its kind and closes whatever opened after that one. The
    open delimiters are a stack, with where each kind sits in it, so each is pushed and dropped once: linear.
    """
    pairs: dict[int, int] = {}
    stack: list[int] = []
    depths: dict[str, list[int]] = {d: [] for d in _DELIMITER_STYLES}  # kind → its places in the stack

    def cut(depth: int) -> None:
        del stack[depth:]
        for places in depths.values():
            while places and places[-1] >= depth:
                places.pop()

    for index, token in enumerate(tokens):
        if token == "\n":
            cut(0)
            continue
        if token not in _DELIMITER_STYLES:
            continue
        before = tokens[index - 1][-1:] if index else ""
        after = tokens[index + 1][:1] if index + 1 < len(tokens) else ""
        if token == "_" and before.isalnum() and after.isalnum():
            continue
        places = depths[token]
        if places and before.strip() and not (token == "_" and after.isalnum()):
            depth = places[-1]
            pairs[stack[depth]] = index
            cut(depth)
        elif after.strip() and not (token == "_" and before.isalnum()):
            places.append(len(stack))
            stack.append(index)
    return pairs


def _escape(text: str, escape: bool) -> str:
    return re.sub(r"([*_\\\\])", r"\\\1", text) if escape else text


def _flat_markup(runs: list[Run], escape: bool) -> str:
    return "".join(_run_markup(run, escape) for run in runs)


_ORDER = (UNDERLINE, BOLD, ITALIC)
_MARK = {UNDERLINE: "_", BOLD: "**", ITALIC: "*"}


def _nested_markup(runs: list[Run], escape: bool) -> str:
    """Open and close each style where it starts and ends, keeping spaces outside the delimiters."""
    out: list[str] = []
    stack: list[str] = []
    for run in runs + [Run("", frozenset())]:
        text = _escape(run.text, escape)
        keep = 0
        while keep < len(stack) and stack[keep] in run.style:
            keep += 1
        trailing = len(out[-1]) - len(out[-1].rstrip(" ")) if out and stack[keep:] else 0
        if trailing:
            out[-1], spaces = out[-1][:-trailing], out[-1][-trailing:]
        else:
            spaces = ""
        out.extend(_MARK[style] for style in reversed(stack[keep:]))
        out.append(spaces)
        del stack[keep:]
        opening = [style for style in _ORDER if style in run.style and style not in stack]
        if opening:
            lead = len(text) - len(text.lstrip(" "))
            out.append(text[:lead])
            text = text[lead:]
            out.extend(_MARK[style] for style in opening)
            stack.extend(opening)
        out.append(text)
    return "".join(out)


def _run_markup(run: Run, escape: bool) -> str:
    text = _escape(run.text, escape)
    core = text.strip(" ")
    if not run.style or not core:
        return text
    lead, trail = text[: len(text) - len(text.lstrip(" "))], text[len(text.rstrip(" ")):]
    if BOLD in run.style and ITALIC in run.style:
        core = f"***{core}***"
    elif BOLD in run.style:
        core = f"**{core}**"
    elif ITALIC in run.style:
        core = f"*{core}*"
    if UNDERLINE in run.style:
        core = f"_{core}_"
    return lead + core + trail
