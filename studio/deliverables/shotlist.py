"""The shot list of a ``Sequence``: a CSV for the assistant director's spreadsheet and a printable landscape PDF.

CSV columns and values (one row a shot, in board order):

    scene       the scene's place in the script (1-based)
    shot        the shot number ("2A")
    size        the size label ("Medium shot")
    angle, movement, lens_mm, status   as the shot has them
    duration_s  seconds as stored ("2.5")
    characters  the shot's characters, "; " between them
    action      the action line
    dialogue    the lines the shot covers, "SPEAKER: text", one a line

A cell a spreadsheet would read as a formula (starting with ``=``, ``+``, ``-``, ``@``, or a tab or carriage
return) is written with a leading single quote (OWASP's CSV-injection advice).

The PDF prints the same columns but dialogue (the storyboard has it): wrapped text, the header row on every page
and "Page X of Y". Rows are measured before anything
is drawn, so the pages are known in advance (fpdf2's ``{nb}`` alias does not work with text shaping); a row never
splits across pages, and a row taller than a page is cut with an ellipsis.
"""

from __future__ import annotations

import csv
import io
import os

from fpdf import FPDF

from studio.deliverables.fonts import FontSet, find_fonts, is_rtl, setup_pdf
from studio.deliverables.sequence import Panel, Sequence
from studio.deliverables.storyboard_pdf import PdfResult, dialogue_text, seconds_label, sequence_text

COLUMNS = ("scene", "shot", "size", "angle", "movement", "lens_mm", "duration_s", "characters", "action",
           "dialogue", "status")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: str) -> str:
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def shot_row(panel: Panel) -> dict[str, str]:
    return {
        "scene": str(panel.scene_number),
        "shot": panel.number,
        "size": panel.size,
        "angle": panel.angle,
        "movement": panel.movement,
        "lens_mm": str(panel.lens_mm),
        "duration_s": str(panel.duration_s),
        "characters": "; ".join(panel.characters),
        "action": panel.action,
        "dialogue": "\n".join(dialogue_text(panel)),
        "status": panel.status,
    }


def shotlist_csv(sequence: Sequence) -> str:
    """The shot list as CSV text (RFC 4180: CRLF line ends, quoted where needed), header row first."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for panel in sequence.panels:
        row = shot_row(panel)
        writer.writerow([safe_cell(row[column]) for column in COLUMNS])
    return out.getvalue()


# --- PDF -----------------------------------------------------------------------------------------------------

PAGE_W, PAGE_H = 297.0, 210.0  # A4 landscape, mm
MARGIN = 10.0
TITLE_H = 9.0
FOOTER_H = 7.0
FONT_PT = 7.5
LEADING = FONT_PT * 0.3528 * 1.3
PAD = 1.2
# (title, width mm, align); the widths fill the 277 mm between the margins
PDF_COLUMNS = (("Sc.", 10, "L"), ("Shot", 13, "L"), ("Size", 24, "L"), ("Angle", 22, "L"), ("Movement", 24, "L"),
               ("Lens", 13, "R"), ("Dur.", 13, "R"), ("Characters", 38, "L"), ("Action", 100, "L"),
               ("Status", 20, "L"))


def pdf_cells(panel: Panel) -> list[str]:
    return [str(panel.scene_number), panel.number, panel.size, panel.angle, panel.movement,
            f"{panel.lens_mm} mm" if panel.lens_mm else "", seconds_label(panel.duration_s),
            ", ".join(panel.characters), panel.action.strip(), panel.status]


class ShotListPdf:
    def __init__(self, sequence: Sequence, fonts: FontSet):
        self.sequence = sequence
        pdf = FPDF(orientation="L", unit="mm", format="A4")
        pdf.set_auto_page_break(False)
        pdf.set_margins(MARGIN, MARGIN, MARGIN)
        pdf.c_margin = 0.3
        pdf.set_title(f"{sequence.title} — shot list")
        pdf.set_creator("Previz Studio")
        self.family = setup_pdf(pdf, fonts, sequence_text(sequence))
        self.pdf = pdf
        self.table_top = MARGIN + TITLE_H
        self.header_h = LEADING + 2 * PAD
        self.bottom = PAGE_H - MARGIN - FOOTER_H

    def wrap(self, text: str, width: float, style: str = "") -> list[str]:
        self.pdf.set_font(self.family, style, FONT_PT)
        lines: list[str] = []
        for raw in text.splitlines():
            if raw.strip():
                lines += self.pdf.multi_cell(width - 2 * PAD, LEADING, raw, dry_run=True, output="LINES")
        return lines or [""]

    def layout(self) -> list[list[list[list[str]]]]:
        """Pages of rows of cells of lines."""
        room = self.bottom - self.table_top - self.header_h
        max_lines = max(1, int((room - 2 * PAD) // LEADING))
        pages: list[list[list[list[str]]]] = [[]]
        used = 0.0
        for panel in self.sequence.panels:
            cells = []
            for (_title, width, _align), text in zip(PDF_COLUMNS, pdf_cells(panel), strict=True):
                lines = self.wrap(text, width, "B" if _title == "Shot" else "")
                if len(lines) > max_lines:
                    lines = [*lines[:max_lines - 1], lines[max_lines - 1].rstrip() + "…"]
                cells.append(lines)
            height = max(len(lines) for lines in cells) * LEADING + 2 * PAD
            if used + height > room + 0.01 and pages[-1]:
                pages.append([])
                used = 0.0
            pages[-1].append(cells)
            used += height
        return pages

    def render(self, out_path) -> PdfResult:
        self.pdf.add_page()  # fpdf2 measures text on a page: the first one
        pages = self.layout()
        total = len(pages)
        for number, rows in enumerate(pages, start=1):
            self.page(rows, number, total)
        self.pdf.output(os.fspath(out_path))
        return PdfResult(self.pdf.pages_count, os.path.getsize(out_path))

    def text(self, x, y, w, text, *, size=FONT_PT, style="", colour=(0, 0, 0), align=None):
        pdf = self.pdf
        pdf.set_font(self.family, style, size)
        pdf.set_text_color(*colour)
        pdf.set_xy(x, y)
        pdf.cell(w, LEADING, text, align=align or ("R" if is_rtl(text) else "L"))

    def page(self, rows, number: int, total: int):
        pdf, seq = self.pdf, self.sequence
        if number > 1:
            pdf.add_page()
        width = PAGE_W - 2 * MARGIN
        self.text(MARGIN, MARGIN, width * 0.7, f"{seq.title} — shot list", size=11, style="B")
        right = " · ".join(part for part in (seq.draft, f"{seq.day.day} {seq.day:%B %Y}",
                                             f"{len(seq.panels)} shot{'' if len(seq.panels) == 1 else 's'}") if part)
        self.text(MARGIN + width * 0.7, MARGIN, width * 0.3, right, size=8, colour=(90, 90, 90), align="R")
        y = self.table_top
        pdf.set_fill_color(235, 235, 235)
        pdf.rect(MARGIN, y, width, self.header_h, style="F")
        x = MARGIN
        for title, col_w, align in PDF_COLUMNS:
            self.text(x + PAD, y + PAD, col_w - 2 * PAD, title, style="B", align=align)
            x += col_w
        y += self.header_h
        pdf.set_draw_color(200, 200, 200)
        pdf.set_line_width(0.15)
        for cells in rows:
            height = max(len(lines) for lines in cells) * LEADING + 2 * PAD
            x = MARGIN
            for (title, col_w, align), lines in zip(PDF_COLUMNS, cells, strict=True):
                for n, line in enumerate(lines):
                    self.text(x + PAD, y + PAD + n * LEADING, col_w - 2 * PAD, line,
                              style="B" if title == "Shot" else "", align=align if align == "R" else None)
                x += col_w
            y += height
            pdf.line(MARGIN, y, MARGIN + width, y)
        self.text(MARGIN, PAGE_H - MARGIN - LEADING, width, f"Page {number} of {total}", size=8,
                  colour=(60, 60, 60), align="C")


def render_shotlist_pdf(sequence: Sequence, out_path: str | os.PathLike, *, fonts: FontSet | None = None) -> PdfResult:
    """Write the shot list of ``sequence`` as a landscape A4 PDF table."""
    return ShotListPdf(sequence, fonts or find_fonts()).render(out_path)
