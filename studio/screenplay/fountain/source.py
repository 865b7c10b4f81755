"""The source as the parser reads it: lines, with boneyard and notes taken out.

Line numbers are those of the text given: lines are split at ``\\r\\n``, ``\\r`` or ``\\n`` (as a browser
editor does), so a trailing newline makes one more, empty, line.

- **Boneyard** ``/* … */`` may span lines, blank lines included. Its content is dropped. A line that held
  nothing but a one-line boneyard disappears (so ``/* cut line */`` inside a speech does not break the
  speech); lines left empty by a boneyard spanning several lines read as blank lines (a cut-out block of
  paragraphs separates what is around it). A ``/*`` with no ``*/`` after it is plain text: a half-typed
  comment in the live editor does not hide the rest of the script.
- **Notes** ``[[ … ]]`` may span lines but not a blank line (a line of exactly two spaces is allowed, as
  the syntax page says); a ``[[`` that is not closed before a blank line is plain text. Each note is taken
  out of its line and kept with the line it starts on (text after a note that spans lines joins that
  line); a line that held only notes is a *note line*.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_BREAK = re.compile(r"\r\n|\r")
_BONEYARD = re.compile(r"/\*.*?\*/", re.S)
_HIDDEN, _HIDDEN_BLOCK, _NOTE_OPEN, _NOTE_CLOSE = "\x00", "\x01", "\x02", "\x03"
_HIDDEN_AT_START = re.compile(r"^[\x00\x01]+[ \t]*")
_HIDDEN_BEFORE_SPACE = re.compile(r"[ \t]*[\x00\x01]+(?=[ \t]|$)")
_MARKER_AT_START = re.compile(r"^\x02\d+\x03[ \t]*")
_MARKER_BEFORE_SPACE = re.compile(r"[ \t]*\x02\d+\x03(?=[ \t]|$)")
_MARKER = re.compile(r"\x02(\d+)\x03")

TWO_SPACES = "  "


@dataclass
class SourceLine:
    """One line of the source: ``text`` without boneyard or notes, ``notes`` that start on it."""

    no: int
    text: str
    notes: list[str] = field(default_factory=list)
    note_end: int | None = None  # the last source line of this line's notes

    @property
    def is_blank(self) -> bool:
        return not self.text.strip() and not self.notes

    @property
    def is_note_only(self) -> bool:
        return not self.text.strip() and bool(self.notes)

    @property
    def is_two_spaces(self) -> bool:
        return self.text == TWO_SPACES and not self.notes


def split_lines(text: str) -> list[str]:
    return _BREAK.sub("\n", text).split("\n")


def without_boneyard(text: str, *, keep_blocks: bool = False) -> list[tuple[int, str]]:
    """(line number, text) of the lines left once boneyard is removed.

    Lines that held only boneyard go; with ``keep_blocks`` those emptied by a boneyard spanning several
    lines stay, as blank lines.
    """
    text = re.sub("[\x00-\x03]", "\ufffd", _BREAK.sub("\n", text))
    marked = _BONEYARD.sub(_mark_boneyard, text)
    kept = []
    for no, line in enumerate(marked.split("\n")):
        if _HIDDEN not in line and _HIDDEN_BLOCK not in line:
            kept.append((no, line))
            continue
        clean = re.sub("[\x00\x01]", "", _HIDDEN_BEFORE_SPACE.sub("", _HIDDEN_AT_START.sub("", line)))
        if clean.strip():
            kept.append((no, clean))
        elif keep_blocks and _HIDDEN_BLOCK in line:
            kept.append((no, ""))
    return kept


def _mark_boneyard(match: re.Match) -> str:
    breaks = match.group().count("\n")
    return _HIDDEN + ("\n" + _HIDDEN_BLOCK) * breaks if breaks else _HIDDEN


def read_source(text: str) -> list[SourceLine]:
    """The source lines the parser reads: boneyard removed, notes taken out of their lines."""
    lines = without_boneyard(text, keep_blocks=True)
    notes: list[tuple[str, int]] = []
    texts = _mark_notes([line for _, line in lines], [no for no, _ in lines], notes)
    result = []
    for (no, _), marked in zip(lines, texts, strict=True):
        if marked == _HIDDEN:
            continue
        found = [notes[int(i)] for i in _MARKER.findall(marked)]
        result.append(SourceLine(no, _unmark(marked), [n for n, _ in found],
                                 max((end for _, end in found), default=None)))
    return result


def take_notes(text: str) -> tuple[str, list[str]]:
    """A text's inline notes taken out of it (as from a Final Draft paragraph): (text, notes)."""
    lines = text.split("\n")
    notes: list[tuple[str, int]] = []
    marked = _mark_notes(lines, list(range(len(lines))), notes)
    return "\n".join(_unmark(line) for line in marked if line != _HIDDEN), [note for note, _ in notes]


def _unmark(marked: str) -> str:
    """A line without its note markers, and without the space a note leaves behind."""
    if _NOTE_OPEN not in marked:
        return marked
    return _MARKER.sub("", _MARKER_BEFORE_SPACE.sub("", _MARKER_AT_START.sub("", marked)))


def _mark_notes(lines: list[str], numbers: list[int], notes: list[tuple[str, int]]) -> list[str]:
    """Replace each note by a marker on its first line; lines wholly inside a note become ``_HIDDEN``."""
    lines = list(lines)
    row, col = 0, 0
    while row < len(lines):
        start = lines[row].find("[[", col)
        if start < 0:
            row, col = row + 1, 0
            continue
        end = _note_end(lines, row, start + 2)
        if end is None:
            col = start + 2
            continue
        end_row, end_col = end
        body = _note_text(lines, row, start + 2, end_row, end_col)
        marker = f"{_NOTE_OPEN}{len(notes)}{_NOTE_CLOSE}"
        notes.append((body, numbers[end_row]))
        tail = lines[end_row][end_col + 2:]
        for hidden in range(row + 1, end_row):
            lines[hidden] = _HIDDEN
        if end_row > row:
            lines[end_row] = _HIDDEN
        lines[row] = lines[row][:start] + marker + tail
        col = start + len(marker)
    return lines


def _note_end(lines: list[str], row: int, col: int) -> tuple[int, int] | None:
    """Where the note opened at (row, col) closes: the ``]]`` before any blank line, or None."""
    while row < len(lines):
        end = lines[row].find("]]", col)
        if end >= 0:
            return row, end
        row, col = row + 1, 0
        if row < len(lines) and not lines[row].strip() and lines[row] != TWO_SPACES:
            return None
    return None


def _note_text(lines: list[str], row: int, col: int, end_row: int, end_col: int) -> str:
    if row == end_row:
        return lines[row][col:end_col]
    parts = [lines[row][col:], *lines[row + 1:end_row], lines[end_row][:end_col]]
    return "\n".join(parts)
