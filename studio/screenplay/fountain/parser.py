"""Fountain text → :class:`Screenplay`, every element with its source lines.

How the text is read (Fountain 1.1, https://fountain.io/syntax; where the page is silent, the choice
is written here):

1. Boneyard and notes are taken out first (see :mod:`.source`).
2. A title page is the first paragraph when every line in it is ``Key: value`` or an indented
   continuation (three spaces or a tab) and at least one key has a value; ``FADE IN:`` alone is not one.
   When it opens with a key the syntax page names (Title, Credit, Author, …) it may end without a blank
   line, at the first line that is neither.
3. The rest is cut into paragraphs at blank lines. A line of exactly two spaces inside a paragraph is
   part of it (an intended blank line in dialogue or action); at a paragraph's edge it is a blank line.
   Sections (``#``), synopses (``=``) and page breaks (``===``) are read on any line and end the paragraph.
4. A paragraph of one line may be a scene heading (``INT``, ``EXT``, ``EST``, ``INT./EXT``, ``INT/EXT``,
   ``I/E`` and, beyond the page, ``EXT./INT``, ``EXT/INT``, ``E/I``; or forced with ``.`` then a letter or
   digit), a transition (upper case ending in ``TO:``, or forced with ``>``), centered text (``> … <``)
   or a lyric (``~``): scene headings and transitions need the blank lines around them.
5. A paragraph of two or more lines whose first line is upper case (at least one letter; extensions in
   parentheses may be lower case; not a scene heading; not ending in ``:``) or forced with ``@`` is a
   dialogue block: cue, then parentheticals ``(…)``, lyrics ``~`` and dialogue.
6. Anything else is action: ``!`` forces it; leading spaces are kept and tabs become four spaces. Lines
   starting with ``~`` or written ``> … <`` inside it are lyrics and centered text.
"""

from __future__ import annotations

import re
from dataclasses import replace

from .headings import split_cue, starts_like_heading, take_scene_number
from .model import Element, Screenplay
from .source import SourceLine, read_source

_PAGE_BREAK = re.compile(r"={3,}")
_TITLE_KEY = re.compile(r"^([^\W\d_][\w '\-]*?)\s*:\s*(.*)$")
_TITLE_CONTINUATION = re.compile(r"^( {3,}|\t)")
_KNOWN_TITLE_KEYS = {"title", "credit", "author", "authors", "source", "draft date", "date", "contact", "copyright",
                     "notes", "revision"}


def parse(text: str) -> Screenplay:
    """Read a Fountain text."""
    lines = read_source(text[1:] if text.startswith("\ufeff") else text)
    title_page, body = _read_title_page(lines)
    elements: list[Element] = []
    for paragraph in _paragraphs(body):
        elements.extend(_read_paragraph(paragraph))
    return Screenplay(title_page=title_page, elements=elements, source=text)


# -- title page ----------------------------------------------------------------------------------------


def _read_title_page(lines: list[SourceLine]) -> tuple[dict[str, list[str]], list[SourceLine]]:
    start = 0
    while start < len(lines) and lines[start].is_blank:
        start += 1
    end = start
    while end < len(lines) and not lines[end].is_blank:
        end += 1
    block = [line for line in lines[start:end] if not line.is_note_only]
    size = title_page_size([line.text for line in block])
    if not size:
        return {}, lines
    title_page: dict[str, list[str]] = {}
    key = ""
    for line in block[:size]:
        match = _title_key(line.text)
        if match:
            key = match.group(1)
            title_page.setdefault(key, [])
        value = (match.group(2) if match else line.text).strip()
        if value:
            title_page[key].append(value)
    rest = lines.index(block[size]) if size < len(block) else end
    return title_page, lines[rest:]


def _title_key(text: str) -> re.Match | None:
    return None if _TITLE_CONTINUATION.match(text) else _TITLE_KEY.match(text)


def title_page_size(block: list[str]) -> int:
    """How many of the first paragraph's lines are a title page (0: none).

    The whole paragraph must be ``Key: value`` lines and indented continuations, with at least one value;
    when it opens with a key the syntax page names (Title, Credit, Author, …), the title page may also
    end at the first line that is neither, and the script starts there.
    """
    if not block or not _title_key(block[0]):
        return 0
    size, has_value = 0, False
    for text in block:
        match = _title_key(text)
        if not match and not _TITLE_CONTINUATION.match(text):
            break
        has_value = has_value or bool((match.group(2) if match else text).strip())
        size += 1
    known = _title_key(block[0]).group(1).lower() in _KNOWN_TITLE_KEYS
    return size if has_value and (size == len(block) or known) else 0


# -- paragraphs ----------------------------------------------------------------------------------------


def _paragraphs(lines: list[SourceLine]):
    """Runs of non-blank lines; boundary lines (section, synopsis, page break) come alone."""
    current: list[SourceLine] = []
    for line in lines:
        if _boundary_kind(line.text):
            yield from _trimmed(current)
            yield [line]
            current = []
        elif line.is_blank and not line.is_two_spaces:
            yield from _trimmed(current)
            current = []
        else:
            current.append(line)
    yield from _trimmed(current)


def _trimmed(paragraph: list[SourceLine]):
    """The paragraph without two-space lines at its edges (there they are blank lines)."""
    start, end = 0, len(paragraph)
    while start < end and paragraph[start].is_two_spaces:
        start += 1
    while end > start and paragraph[end - 1].is_two_spaces:
        end -= 1
    if start < end:
        yield paragraph[start:end]


def _boundary_kind(text: str) -> str | None:
    stripped = text.strip()
    if _PAGE_BREAK.fullmatch(stripped):
        return "page_break"
    if stripped.startswith("#"):
        return "section"
    if stripped.startswith("="):
        return "synopsis"
    return None


def _read_paragraph(paragraph: list[SourceLine]) -> list[Element]:
    if all(line.is_note_only or line.is_two_spaces for line in paragraph):
        return [Element("note", note, line.no, line.note_end if line.note_end is not None else line.no)
                for line in paragraph for note in line.notes]
    lines = next(_trimmed(_fold_notes(paragraph)))
    kind = _boundary_kind(lines[0].text)
    if kind:
        return [_boundary(kind, lines[0])]
    if len(lines) == 1:
        single = _single_line(lines[0])
        if single:
            return [single]
    if len(lines) > 1 and is_cue(lines[0].text):
        return _dialogue_block(lines)
    return _action_paragraph(lines)


def _fold_notes(paragraph: list[SourceLine]) -> list[SourceLine]:
    """Drop the note-only lines of a paragraph, giving their notes to the text line before (or after) them."""
    content: list[SourceLine] = []
    leading: list[SourceLine] = []
    for line in paragraph:
        if not line.is_note_only:
            content.append(line)
            continue
        anchor = next((i for i in reversed(range(len(content))) if not content[i].is_two_spaces), None)
        if anchor is None:
            leading.append(line)
        else:
            content[anchor] = _add_notes(content[anchor], [line], after=True)
    if leading:
        first = next(i for i, line in enumerate(content) if not line.is_two_spaces)
        content[first] = _add_notes(content[first], leading, after=False)
    return content


def _add_notes(line: SourceLine, note_lines: list[SourceLine], *, after: bool) -> SourceLine:
    notes = [note for note_line in note_lines for note in note_line.notes]
    end = max([_last_no(line)] + [_last_no(n) for n in note_lines]) if after else line.note_end
    return replace(line, notes=line.notes + notes if after else notes + line.notes, note_end=end)


def _element(kind: str, text: str, lines: list[SourceLine], **extra) -> Element:
    notes = [note for line in lines for note in line.notes]
    return Element(kind, text, lines[0].no, max(_last_no(line) for line in lines), notes=notes, **extra)


def _last_no(line: SourceLine) -> int:
    """The last source line a line reaches, its notes included."""
    return max(line.no, line.note_end if line.note_end is not None else line.no)


def _boundary(kind: str, line: SourceLine) -> Element:
    stripped = line.text.strip()
    if kind == "page_break":
        return _element(kind, "", [line])
    if kind == "section":
        depth = len(stripped) - len(stripped.lstrip("#"))
        return _element(kind, stripped[depth:].strip(), [line], depth=depth)
    return _element(kind, stripped[1:].strip(), [line])


# -- one-line paragraphs -------------------------------------------------------------------------------


def _single_line(line: SourceLine) -> Element | None:
    stripped = line.text.strip()
    if stripped.startswith("!"):
        return None
    if _is_forced_heading(stripped) or starts_like_heading(stripped):
        text, number = take_scene_number(stripped[1:] if _is_forced_heading(stripped) else stripped)
        return _element("scene_heading", text, [line], scene_number=number)
    if stripped.startswith(">") and stripped.endswith("<") and len(stripped) > 1:
        return _element("centered", stripped[1:-1].strip(), [line])
    if stripped.startswith(">"):
        return _element("transition", stripped[1:].strip(), [line])
    if _is_upper(stripped) and stripped.endswith("TO:"):
        return _element("transition", stripped, [line])
    return None


def _is_forced_heading(stripped: str) -> bool:
    return len(stripped) > 1 and stripped[0] == "." and stripped[1].isalnum()


def _is_upper(text: str) -> bool:
    return any(ch.isalpha() for ch in text) and text == text.upper()


# -- dialogue ------------------------------------------------------------------------------------------


def _cue_parts(text: str) -> tuple[str, bool, bool]:
    """A cue line → (cue text without ``@`` and ``^``, forced, dual)."""
    cue = text.strip()
    forced = cue.startswith("@")
    cue = cue[1:] if forced else cue
    dual = cue.endswith("^")
    return (cue[:-1].strip() if dual else cue), forced, dual


def is_cue(text: str) -> bool:
    """Would this line, followed by a line of text, start a dialogue block?"""
    cue, forced, _ = _cue_parts(text)
    name, _ = split_cue(cue)
    if forced:
        return bool(name)
    return (bool(name) and name[0].isalnum() and _is_upper(name) and not name.endswith(":") and "^" not in name
            and not starts_like_heading(text.strip()))


def _dialogue_block(lines: list[SourceLine]) -> list[Element]:
    cue, _, dual = _cue_parts(lines[0].text)
    name, extensions = split_cue(cue)
    elements = [_element("character", cue, lines[:1], name=name, extensions=extensions, dual=dual)]
    speech: list[SourceLine] = []
    for line in lines[1:]:
        kind = _speech_line_kind(line)
        if kind == "dialogue":
            speech.append(line)
            continue
        elements.extend(_speech(speech))
        speech = []
        stripped = line.text.strip()
        elements.append(_element(kind, stripped[1:].strip() if kind == "lyric" else stripped, [line]))
    elements.extend(_speech(speech))
    return _merge_lyrics(elements)


def _speech_line_kind(line: SourceLine) -> str:
    stripped = line.text.strip()
    if line.is_two_spaces:
        return "dialogue"
    if stripped.startswith("(") and stripped.endswith(")"):
        return "parenthetical"
    return "lyric" if stripped.startswith("~") else "dialogue"


def _speech(lines: list[SourceLine]) -> list[Element]:
    lines = next(_trimmed(lines), [])
    if not lines:
        return []
    return [_element("dialogue", "\n".join("" if line.is_two_spaces else line.text.strip() for line in lines), lines)]


def _merge_lyrics(elements: list[Element]) -> list[Element]:
    """Consecutive lyric lines (or centered lines) are one element."""
    merged: list[Element] = []
    for element in elements:
        previous = merged[-1] if merged else None
        if previous and element.kind in ("lyric", "centered") and previous.kind == element.kind:
            merged[-1] = replace(previous, text=f"{previous.text}\n{element.text}", end_line=element.end_line,
                                 notes=previous.notes + element.notes)
        else:
            merged.append(element)
    return merged


# -- action --------------------------------------------------------------------------------------------


def _action_paragraph(lines: list[SourceLine]) -> list[Element]:
    """Action lines, with lyric (``~``) and centered (``> … <``) lines among them as their own elements."""
    elements: list[Element] = []
    action: list[SourceLine] = []
    for line in lines:
        stripped = line.text.strip()
        if stripped.startswith("~"):
            kind, text = "lyric", stripped[1:].strip()
        elif stripped.startswith(">") and stripped.endswith("<") and len(stripped) > 1:
            kind, text = "centered", stripped[1:-1].strip()
        else:
            action.append(line)
            continue
        elements.extend(_action(action))
        action = []
        elements.append(_element(kind, text, [line]))
    elements.extend(_action(action))
    return _merge_lyrics(elements)


def _action(lines: list[SourceLine]) -> list[Element]:
    lines = next(_trimmed(lines), [])
    if not lines:
        return []
    return [_element("action", "\n".join(_action_line(line) for line in lines), lines)]


def _action_line(line: SourceLine) -> str:
    if line.is_two_spaces:
        return ""
    text = line.text.replace("\t", "    ").rstrip()
    return text[1:] if text.startswith("!") else text
