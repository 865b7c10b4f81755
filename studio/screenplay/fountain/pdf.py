"""Screenplay → PDF in standard screenplay format (reportlab; Courier 12 pt, US Letter).

Layout, in inches from the page's left edge: action, scene headings and centered text in 1.5–7.5
(60 characters); character cues at 3.7; dialogue and lyrics (italic) at 2.5, 35 characters wide;
parentheticals at 3.1, 25 wide; transitions end at 7.5. Dual dialogue sits in two columns (1.5 and 4.5,
28 wide each). Six lines to the inch and 1" top and bottom margins give 54 lines a page. Page numbers
("2.") stand top right from page 2 on; the title page, when there is one, is not numbered.

Pagination: one blank line before each block (none at the top of a page); a scene heading moves to the
next page rather than end one; action splits between lines, keeping two lines on each side; a speech
that does not fit splits after a sentence with "(MORE)" under it and its cue repeated with "(CONT'D)"
at the top of the next page, else moves whole; ``===`` starts a new page. Sections, synopses and notes do
not print. Scene headings are plain Courier unless ``bold_headings``. With ``scene_numbers``, each heading
carries its number in both margins: its forced number, else its position in the script.

The work is bounded: a paragraph prints at most ``MAX_PRINTED_CHARS`` characters (a page and a half of solid
text), then says how much of it is not printed; wrapping and pagination are linear.

Standard Courier covers Latin-1 (WinAnsi); other scripts would need an embedded TrueType font.
"""

from __future__ import annotations

import io
import re
from collections import deque
from dataclasses import dataclass, field, replace
from datetime import date
from itertools import zip_longest

from reportlab.lib.pagesizes import LETTER
from reportlab.pdfgen import canvas

from .emphasis import BOLD, ITALIC, UNDERLINE, Run, merge_runs, parse_emphasis
from .headings import normalise_extension, split_cue
from .model import Element, Screenplay, group_blocks

INCH = 72.0
PAGE_WIDTH, PAGE_HEIGHT = LETTER
LINE_HEIGHT = 12.0
CHAR_WIDTH = 7.2
LINES_PER_PAGE = 54
TOP_MARGIN = 1.0 * INCH
DESCENT = 3.0

X_ACTION, X_CUE, X_DIALOGUE, X_PAREN, X_RIGHT = 1.5 * INCH, 3.7 * INCH, 2.5 * INCH, 3.1 * INCH, 7.5 * INCH
X_CENTER = (X_ACTION + X_RIGHT) / 2
WIDTH_ACTION, WIDTH_CUE, WIDTH_DIALOGUE, WIDTH_PAREN = 60, 38, 35, 25
X_NUMBER_LEFT, X_NUMBER_RIGHT = 1.25 * INCH, 7.75 * INCH
X_PAGE_NUMBER, Y_PAGE_NUMBER = X_RIGHT, PAGE_HEIGHT - 0.5 * INCH - 9
DUAL_COLUMNS = ((1.5 * INCH, 2.5 * INCH, 1.8 * INCH), (4.5 * INCH, 5.5 * INCH, 4.8 * INCH))  # dialogue, cue, paren
WIDTH_DUAL, WIDTH_DUAL_PAREN = 28, 22

_FONTS = {
    frozenset(): "Courier", frozenset({BOLD}): "Courier-Bold", frozenset({ITALIC}): "Courier-Oblique",
    frozenset({BOLD, ITALIC}): "Courier-BoldOblique",
}
_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"”’')\]]*[ \t]+|\n")
CONTD = "CONT'D"
MAX_PRINTED_CHARS = 5_000


@dataclass(frozen=True)
class Fragment:
    """Text on one row: ``x`` is its left edge, or its right edge or centre for those alignments."""

    x: float
    runs: tuple[Run, ...]
    align: str = "left"


Row = list[Fragment]


@dataclass
class Speech:
    """A dialogue block not yet set: its cue and its parts as (kind, runs)."""

    cue: str
    parts: list[tuple[str, list[Run]]]


@dataclass
class Block:
    kind: str
    rows: list[Row] = field(default_factory=list)
    speech: Speech | None = None

    @property
    def min_rows(self) -> int:
        """Rows that must follow a scene heading on its page."""
        return min(2, len(self.rows)) if self.kind in ("action", "dialogue") else len(self.rows)


def render_pdf(sp: Screenplay, *, scene_numbers: bool = False, bold_headings: bool = False, title: str = "",
               author: str = "", made: date | None = None) -> bytes:
    """The screenplay as PDF bytes (the same screenplay, title, author and day give the same bytes).

    The document's title and author are the title page's, or else ``title`` and ``author``; its date is ``made``
    (the day it is exported; without one, the fixed date of reportlab's invariant mode)."""
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=LETTER, invariant=1)
    pdf.setTitle(sp.title() or title or "Screenplay")
    pdf.setAuthor(_title_page_field(sp, "Author", "Authors", "Written by") or author)
    pdf.setCreator("Previz Studio")
    if made is not None:
        pdf.setDateFormatter(lambda *_: f"D:{made:%Y%m%d}000000+00'00'")
    if sp.title_page:
        _draw_title_page(pdf, sp.title_page)
        pdf.showPage()
    for number, page in enumerate(layout(sp, scene_numbers=scene_numbers, bold_headings=bold_headings), 1):
        if number > 1:
            _draw(pdf, Fragment(X_PAGE_NUMBER, (Run(f"{number}."),), "right"), Y_PAGE_NUMBER)
        for index, row in enumerate(page):
            for fragment in row:
                _draw(pdf, fragment, _baseline(index))
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def _title_page_field(sp: Screenplay, *names: str) -> str:
    """The first line of the first of ``names`` the title page has (any case), as plain text; or ""."""
    fields = {key.lower(): lines for key, lines in sp.title_page.items()}
    lines = next((fields[n.lower()] for n in names if fields.get(n.lower())), [""])
    return _plain(lines[0]).strip()


def layout(sp: Screenplay, *, scene_numbers: bool = False, bold_headings: bool = False) -> list[list[Row]]:
    """The script's pages, each a list of rows (an empty row is a blank line)."""
    return _paginate(_blocks([_printable(e) for e in sp.elements], scene_numbers, bold_headings))


def _printable(element: Element) -> Element:
    """The element as it prints: a paragraph over ``MAX_PRINTED_CHARS`` is cut there (between words where it can),
    saying how much is left out."""
    text = element.text
    if len(text) <= MAX_PRINTED_CHARS:
        return element
    cut = text.rfind(" ", 0, MAX_PRINTED_CHARS + 1)
    cut = cut if cut > 0 else MAX_PRINTED_CHARS
    return replace(element, text=f"{text[:cut].rstrip()} [… {len(text) - cut:,} more characters not printed]")


# -- blocks --------------------------------------------------------------------------------------------


def _blocks(elements: list[Element], scene_numbers: bool, bold_headings: bool) -> list[Block]:
    blocks = []
    scene = 0
    for unit in group_blocks(elements, join_dual=True):
        first = unit[0]
        if first.kind == "scene_heading":
            scene += 1
            number = (first.scene_number or str(scene)) if scene_numbers else None
            blocks.append(Block("scene_heading", _heading_rows(first, number, bold_headings)))
        elif first.kind == "character" and any(e.kind == "character" and e.dual for e in unit[1:]):
            blocks.append(Block("dual", _dual_rows(unit)))
        elif first.kind == "character":
            speech = Speech(_plain(first.text), [(e.kind, parse_emphasis(e.text)) for e in unit[1:]])
            blocks.append(Block("dialogue", _speech_rows(speech), speech))
        elif first.kind == "page_break":
            blocks.append(Block("page_break"))
        elif first.kind in _SIMPLE:
            blocks.append(Block(first.kind, _SIMPLE[first.kind](first)))
    return blocks


def _heading_rows(element: Element, number: str | None, bold: bool) -> list[Row]:
    style = frozenset({BOLD}) if bold else frozenset()
    rows = _rows(element.text, X_ACTION, WIDTH_ACTION, extra=style)
    if number:
        rows[0] = [Fragment(X_NUMBER_LEFT, (Run(number),), "right"), *rows[0], Fragment(X_NUMBER_RIGHT, (Run(number),))]
    return rows


_SIMPLE = {
    "action": lambda e: _rows(e.text, X_ACTION, WIDTH_ACTION),
    "centered": lambda e: _rows(e.text, X_CENTER, WIDTH_ACTION, align="center"),
    "transition": lambda e: _rows(e.text, X_RIGHT, WIDTH_ACTION, align="right"),
    "lyric": lambda e: _rows(e.text, X_DIALOGUE, WIDTH_DIALOGUE, extra=frozenset({ITALIC})),
    "dialogue": lambda e: _rows(e.text, X_DIALOGUE, WIDTH_DIALOGUE),  # with no cue before it
    "parenthetical": lambda e: _rows(e.text, X_PAREN, WIDTH_PAREN),
}


def _speech_rows(speech: Speech, columns: tuple[float, float, float] | None = None) -> list[Row]:
    x_dialogue, x_cue, x_paren = columns or (X_DIALOGUE, X_CUE, X_PAREN)
    width, paren_width, cue_width = (WIDTH_DUAL, WIDTH_DUAL_PAREN, WIDTH_DUAL) if columns else (
        WIDTH_DIALOGUE, WIDTH_PAREN, WIDTH_CUE)
    rows = _rows(speech.cue, x_cue, cue_width)
    for kind, runs in speech.parts:
        if kind == "parenthetical":
            rows += _wrapped(runs, x_paren, paren_width)
        else:
            extra = frozenset({ITALIC}) if kind == "lyric" else frozenset()
            rows += _wrapped([Run(r.text, r.style | extra) for r in runs], x_dialogue, width)
    return rows


def _dual_rows(unit: list[Element]) -> list[Row]:
    second = next(i for i, e in enumerate(unit) if i and e.kind == "character")
    sides = []
    for elements, columns in ((unit[:second], DUAL_COLUMNS[0]), (unit[second:], DUAL_COLUMNS[1])):
        speech = Speech(_plain(elements[0].text), [(e.kind, parse_emphasis(e.text)) for e in elements[1:]])
        sides.append(_speech_rows(speech, columns))
    return [[*left, *right] for left, right in zip_longest(*sides, fillvalue=[])]


def _rows(markup: str, x: float, width: int, *, align: str = "left", extra: frozenset = frozenset()) -> list[Row]:
    runs = [Run(run.text, run.style | extra) for run in parse_emphasis(markup)]
    return _wrapped(runs, x, width, align)


def _wrapped(runs: list[Run], x: float, width: int, align: str = "left") -> list[Row]:
    return [[Fragment(x, tuple(line), align)] if line else [] for line in wrap(runs, width)]


def _plain(markup: str) -> str:
    return "".join(run.text for run in parse_emphasis(markup))


# -- wrapping ------------------------------------------------------------------------------------------


def wrap(runs: list[Run], width: int) -> list[list[Run]]:
    """Styled text → lines of at most ``width`` characters, broken at spaces (or inside a longer word)."""
    plain = "".join(run.text for run in runs)
    spans, offset = [], 0
    for line in plain.split("\n"):
        spans += [(offset + start, offset + end) for start, end in _wrap_line(line, width)]
        offset += len(line) + 1
    return _slices(runs, spans)


def _slices(runs: list[Run], spans: list[tuple[int, int]]) -> list[list[Run]]:
    """``_slice`` for each of the spans (in order, not overlapping), in one pass over the runs."""
    out, index, position = [], 0, 0  # the first run that may reach into the next span, and where it starts
    for start, end in spans:
        while index < len(runs) and position + len(runs[index].text) <= start:
            position += len(runs[index].text)
            index += 1
        pieces, at, next_run = [], position, index
        while next_run < len(runs) and at < end:
            run = runs[next_run]
            left, right = max(start, at), min(end, at + len(run.text))
            if left < right:
                pieces.append(Run(run.text[left - at:right - at], run.style))
            at += len(run.text)
            next_run += 1
        out.append(merge_runs(pieces))
    return out


def _wrap_line(line: str, width: int) -> list[tuple[int, int]]:
    length = len(line.rstrip())
    if not length:
        return [(0, 0)]
    spans, start = [], 0
    while start < length:
        if length - start <= width:
            spans.append((start, length))
            break
        cut = line.rfind(" ", start + 1, start + width + 1)
        end, following = (cut, cut + 1) if cut > start else (start + width, start + width)
        spans.append((start, len(line[:end].rstrip()) if line[start:end].strip() else end))
        start = following
        while start < length and line[start] == " ":
            start += 1
    return spans


def _slice(runs: list[Run], start: int, end: int) -> list[Run]:
    out, position = [], 0
    for run in runs:
        left, right = max(start, position), min(end, position + len(run.text))
        if left < right:
            out.append(Run(run.text[left - position:right - position], run.style))
        position += len(run.text)
    return merge_runs(out)


# -- pagination ----------------------------------------------------------------------------------------


def _paginate(blocks: list[Block]) -> list[list[Row]]:
    pages: list[list[Row]] = [[]]
    queue = deque(blocks)
    while queue:
        block = queue.popleft()
        page = pages[-1]
        if block.kind == "page_break":
            if page:
                pages.append([])
            continue
        gap = 1 if page else 0
        room = LINES_PER_PAGE - len(page) - gap
        if len(block.rows) + _kept_with(block, queue) <= room or (not page and len(block.rows) <= room):
            page.extend([[]] * gap + block.rows)
            continue
        split = _split(block, room, force=not page)
        if split:
            head, rest = split
            page.extend([[]] * gap + head)
            queue.appendleft(rest)
        else:
            queue.appendleft(block)
        pages.append([])
    return pages


def _kept_with(block: Block, queue: deque[Block]) -> int:
    """Rows a scene heading needs after it on its page: a blank line and the start of the next block."""
    if block.kind != "scene_heading" or not queue or queue[0].kind == "page_break":
        return 0
    return 1 + queue[0].min_rows


def _split(block: Block, room: int, *, force: bool) -> tuple[list[Row], Block] | None:
    """The rows that go on this page and the block that carries on, or None to move the block whole."""
    if block.speech is not None:
        split = _split_speech(block.speech, room)
        if split:
            return split
    elif block.kind == "action":
        keep = min(room, len(block.rows) - 2)
        if keep >= 2:
            return block.rows[:keep], Block(block.kind, block.rows[keep:])
    if force:  # taller than a page and no better place to break
        return block.rows[:room], Block(block.kind, block.rows[room:])
    return None


def _split_speech(speech: Speech, room: int) -> tuple[list[Row], Block] | None:
    """Break a speech after the last sentence that fits with its cue and "(MORE)" on this page."""
    best = None
    for head, rest in _speech_cuts(speech):
        rows = _speech_rows(Speech(speech.cue, head))
        if len(rows) + 1 > room:
            break  # the heads only grow: none after this one fits either
        best = rows + [[Fragment(X_CUE, (Run("(MORE)"),))]], Speech(_continued(speech.cue), rest)
    if best is None:
        return None
    rows, rest = best
    return rows, Block("dialogue", _speech_rows(rest), rest)


def _speech_cuts(speech: Speech):
    """(head, rest) part lists at every place a speech may break, in reading order."""
    parts = speech.parts
    for index, (kind, runs) in enumerate(parts):
        if kind == "dialogue":
            plain = "".join(run.text for run in runs)
            for match in _SENTENCE_END.finditer(plain):
                if match.end() < len(plain.rstrip()):
                    head = parts[:index] + [(kind, _slice(runs, 0, match.start()))]
                    yield head, [(kind, _slice(runs, match.end(), len(plain)))] + parts[index + 1:]
        if kind != "parenthetical" and index + 1 < len(parts):
            yield parts[:index + 1], parts[index + 1:]


def _continued(cue: str) -> str:
    _, extensions = split_cue(cue)
    return cue if any(normalise_extension(e) == CONTD for e in extensions) else f"{cue} ({CONTD})"


# -- drawing -------------------------------------------------------------------------------------------


def _baseline(row: int) -> float:
    return PAGE_HEIGHT - TOP_MARGIN - LINE_HEIGHT * (row + 1) + DESCENT


def _draw(pdf: canvas.Canvas, fragment: Fragment, y: float) -> None:
    width = sum(len(run.text) for run in fragment.runs) * CHAR_WIDTH
    x = fragment.x - {"left": 0, "right": width, "center": width / 2}[fragment.align]
    for run in fragment.runs:
        pdf.setFont(_FONTS[run.style - {UNDERLINE}], 12)
        pdf.drawString(x, y, run.text)
        run_width = len(run.text) * CHAR_WIDTH
        if UNDERLINE in run.style:
            pdf.setLineWidth(0.6)
            pdf.line(x, y - 1.5, x + run_width, y - 1.5)
        x += run_width


_TITLE_CENTRE = ("Title", "Credit", "Author", "Authors", "Source")
_TITLE_RIGHT = ("Draft date", "Date", "Revision")


def _draw_title_page(pdf: canvas.Canvas, title_page: dict[str, list[str]]) -> None:
    """Title a third of the way down, credit/author/source below it; contact bottom left, draft date bottom right."""
    keys = {key.lower(): key for key in title_page}
    centre = _title_lines(title_page, keys, _TITLE_CENTRE)
    y = PAGE_HEIGHT - PAGE_HEIGHT / 3 - 9
    for line in centre:
        if line is not None:
            _draw(pdf, Fragment(PAGE_WIDTH / 2, tuple(parse_emphasis(line)), "center"), y)
        y -= LINE_HEIGHT
    placed = {k.lower() for k in (*_TITLE_CENTRE, *_TITLE_RIGHT, "Contact")}
    left = _title_lines(title_page, keys, ["Contact", *(k for k in title_page if k.lower() not in placed)])
    right = _title_lines(title_page, keys, _TITLE_RIGHT)
    for lines, x, align in ((left, X_ACTION, "left"), (right, X_RIGHT, "right")):
        for index, line in enumerate(lines, LINES_PER_PAGE - len(lines)):
            if line is not None:
                _draw(pdf, Fragment(x, tuple(parse_emphasis(line)), align), _baseline(index))


def _title_lines(title_page: dict[str, list[str]], keys: dict[str, str], wanted) -> list[str | None]:
    """The lines of the wanted keys in that order, a blank line (None) between keys."""
    lines: list[str | None] = []
    for name in wanted:
        key = keys.get(name.lower())
        if key and title_page[key]:
            lines += ([None] if lines else []) + title_page[key]
    return lines
