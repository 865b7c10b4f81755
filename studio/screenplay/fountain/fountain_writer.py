"""Screenplay → Fountain text that parses back to the same elements.

Each element is written plainly where that reads back as itself, and forced otherwise (``.`` heading,
``!`` action, ``@`` cue, ``>`` transition). Blocks are separated by one blank line; a dialogue block
(cue, parentheticals, dialogue, lyrics) has none inside. Inline notes are written at the end of their
element's last line. A parse of the output is a fixed point: writing it again gives the same text.
"""

from __future__ import annotations

import re

from .model import Element, Screenplay, group_blocks
from .parser import is_cue, parse, title_page_size

_RISKY_ACTION_LINE = re.compile(r"^\s*(?:[~!#=@.>]|\[\[)|<\s*$")


def write_fountain(sp: Screenplay) -> str:
    """The screenplay as Fountain text, ending with a newline."""
    blocks = [_write_block(block) for block in group_blocks(sp.elements)]
    if not sp.title_page and blocks and title_page_size(blocks[0].split("\n")) and sp.elements[0].kind == "action":
        blocks[0] = "!" + blocks[0]
    if sp.title_page:
        blocks.insert(0, _title_page(sp.title_page))
    return "\n\n".join(blocks) + "\n"


def _title_page(title_page: dict[str, list[str]]) -> str:
    lines = []
    for key, values in title_page.items():
        if len(values) == 1:
            lines.append(f"{key}: {values[0]}")
        else:
            lines.append(f"{key}:")
            lines.extend(f"    {value}" for value in values)
    return "\n".join(lines)


def _write_block(block: list[Element]) -> str:
    first = block[0]
    if first.kind == "character":
        return "\n".join([_with_notes(_cue(first), first), *(_dialogue_part(e) for e in block[1:])])
    return _with_notes(_WRITERS.get(first.kind, _action)(first), first)


def _with_notes(text: str, element: Element) -> str:
    return text + "".join(f" [[{note}]]" for note in element.notes)


def _cue(element: Element) -> str:
    cue = element.text + (" ^" if element.dual else "")
    return cue if is_cue(cue) and not cue.startswith("@") else "@" + cue


def _dialogue_part(element: Element) -> str:
    if element.kind == "lyric":
        text = _lines(element.text, "~")
    elif element.kind == "parenthetical":
        text = element.text
    else:
        text = "\n".join(line or "  " for line in element.text.split("\n"))
    return _with_notes(text, element)


def _lines(text: str, prefix: str = "", suffix: str = "") -> str:
    return "\n".join(f"{prefix}{line}{suffix}" for line in text.split("\n"))


def _reads_as(snippet: str, element: Element) -> bool:
    elements = parse(snippet).elements
    return len(elements) == 1 and (elements[0].kind, elements[0].text, elements[0].scene_number) == (
        element.kind, element.text, element.scene_number)


def _heading(element: Element) -> str:
    number = f" #{element.scene_number}#" if element.scene_number else ""
    plain = element.text + number
    return plain if _reads_as(plain, element) else "." + plain


def _action(element: Element) -> str:
    lines = [line or "  " for line in element.text.split("\n")]
    plain = "\n".join(lines)
    if _reads_as(plain, element):
        return plain
    forced = ["!" + line if index == 0 or _RISKY_ACTION_LINE.search(line) else line for index, line in enumerate(lines)]
    return "\n".join(forced)


def _transition(element: Element) -> str:
    return element.text if _reads_as(element.text, element) else "> " + element.text


def _section(element: Element) -> str:
    return "#" * (element.depth or 1) + " " + element.text


_WRITERS = {
    "scene_heading": _heading,
    "action": _action,
    "transition": _transition,
    "centered": lambda e: _lines(e.text, "> ", " <"),
    "lyric": lambda e: _lines(e.text, "~"),
    "section": _section,
    "synopsis": lambda e: "= " + e.text,
    "note": lambda e: f"[[{e.text}]]",
    "page_break": lambda e: "===",
}
