"""The storyboard PDF: a ``Sequence`` printed as panels (frame, shot number, camera data, action, dialogue, notes).

Presets: landscape 3×2, 2×2 and 1× (one big panel a page, its text under it) and portrait "pairs" (frame left,
text right, four a page); toggles for dialogue, action, notes, camera data, duration and the title page.

Why fpdf2 (with uharfbuzz): the board must print whatever script the team writes in, and Arabic needs shaping
(joined letter forms, right-to-left runs) and Japanese a CJK font. fpdf2 shapes text with HarfBuzz
(``set_text_shaping``), switches to fallback fonts glyph run by glyph run (``set_fallback_fonts``) and embeds
font subsets; it is pure Python with wheels only. ReportLab, which the screenplay PDF uses, draws Latin and CJK
but has no shaping: Arabic comes out as isolated letters in the wrong order. WeasyPrint shapes well (Pango) but
needs Pango/cairo system libraries on every worker and an HTML/CSS pipeline for what is a fixed grid.

Pages are laid out in fixed slots, so the page count is known before drawing (``page_count``) and the footer
says "Page X of Y" without fpdf2's ``{nb}`` alias (which text shaping does not support). Text that does not fit
its slot is set smaller, down to a floor, then cut with an ellipsis: a panel never spills onto its neighbour.

Images are decoded one at a time, scaled down (at most ``max_px`` wide for the preset) and re-encoded as JPEG
before fpdf2 sees them; the encoded bytes are cached per path, so a take used twice is embedded once and a
200-shot board never holds its decoded pictures at once.
"""

from __future__ import annotations

import io
import math
import os
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from decimal import Decimal
from typing import Any

from fpdf import FPDF
from PIL import Image

from studio.deliverables.fonts import FontSet, find_fonts, is_rtl, setup_pdf
from studio.deliverables.sequence import Panel, Sequence
from studio.deliverables.sketch import framing_sketch


@dataclass(frozen=True)
class PdfResult:
    pages: int
    bytes: int
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class Preset:
    orientation: str  # "L" or "P"
    columns: int
    rows: int
    max_px: int  # widest picture embedded
    text_pt: float
    min_pt: float
    label_pt: float
    frame_share: float  # the most of a slot's height the frame may take (grids)
    side: bool = False  # frame left, text right

    @property
    def per_page(self) -> int:
        return self.columns * self.rows


PRESETS = {
    "3x2": Preset("L", 3, 2, 640, 8, 6, 9, 0.62),
    "2x2": Preset("L", 2, 2, 900, 9, 6.5, 10, 0.64),
    "1x": Preset("L", 1, 1, 1200, 11, 7, 13, 0.72),
    "pairs": Preset("P", 1, 4, 800, 9, 6.5, 10, 1.0, side=True),
}
PAPERS = {"A4": (297.0, 210.0), "Letter": (279.4, 215.9)}  # landscape width × height in mm
MARGIN = 12.0
HEADER_H = 10.0
FOOTER_H = 8.0
GAP = 6.0

REVISION_COLOURS = {"white": (255, 255, 255), "blue": (160, 196, 255), "pink": (255, 192, 203),
                    "yellow": (255, 240, 120), "green": (170, 230, 170), "goldenrod": (218, 165, 32),
                    "buff": (240, 220, 130), "salmon": (250, 128, 114), "cherry": (222, 49, 99),
                    "tan": (210, 180, 140), "grey": (190, 190, 190), "gray": (190, 190, 190)}


@dataclass(frozen=True)
class StoryboardOptions:
    preset: str = "3x2"
    dialogue: bool = True
    action: bool = True
    notes: bool = True
    camera: bool = True  # size · angle · movement · lens
    duration: bool = True
    title_page: bool = True
    paper: str = "A4"

    def __post_init__(self):
        if self.preset not in PRESETS:
            raise ValueError(f"preset must be one of {_choices(PRESETS)}, not {self.preset!r}.")
        if self.paper not in PAPERS:
            raise ValueError(f"paper must be one of {_choices(PAPERS)}, not {self.paper!r}.")

    @classmethod
    def from_dict(cls, data: Any) -> StoryboardOptions:
        """Options from a request's JSON; a ``ValueError`` names the bad key or value (the API answers 400)."""
        if data is None:
            return cls()
        if not isinstance(data, dict):
            raise ValueError(f"Storyboard options must be an object, not {type(data).__name__}.")
        known = {f.name: f for f in fields(cls)}
        unknown = sorted(str(key) for key in data if key not in known)
        if unknown:
            names = ", ".join(repr(key) for key in unknown)
            raise ValueError(f"Unknown storyboard option{'s' if len(unknown) > 1 else ''} {names}; "
                             f"the options are {', '.join(sorted(known))}.")
        for key, value in data.items():
            if known[key].type in ("bool", bool) and type(value) is not bool:
                raise ValueError(f"{key} must be true or false, not {value!r}.")
            if known[key].type in ("str", str) and not isinstance(value, str):
                raise ValueError(f"{key} must be a string, not {value!r}.")
        return cls(**data)


def _choices(names) -> str:
    return ", ".join(repr(name) for name in names)


def page_count(n_panels: int, options: StoryboardOptions) -> int:
    """Pages the board of ``n_panels`` takes: the title page, then the panel pages (one, saying so, when empty)."""
    per_page = PRESETS[options.preset].per_page
    return int(options.title_page) + max(1, math.ceil(n_panels / per_page))


def running_time(seconds) -> str:
    """mm:ss, rounded to the nearest second (minutes may pass 59)."""
    total = int(Decimal(str(float(seconds))).quantize(Decimal(1), rounding="ROUND_HALF_UP"))
    return f"{total // 60:02d}:{total % 60:02d}"


def seconds_label(value: Decimal) -> str:
    text = format(Decimal(value).normalize(), "f")
    return f"{text} s"


def dialogue_text(panel: Panel) -> list[str]:
    return [f"{line.speaker}: {line.text}" if line.speaker else line.text for line in panel.lines]


# --- pictures ------------------------------------------------------------------------------------------------


class Pictures:
    """Scaled, encoded pictures for one render: (bytes, width px, height px) per source, decoded one at a time."""

    def __init__(self, max_px: int, image_for: Callable[[Panel], Any] | None = None):
        self.max_px = max_px
        self.image_for = image_for
        self.cache: dict[Any, tuple[bytes, int, int]] = {}
        self.warnings: list[str] = []

    def for_panel(self, panel: Panel, box_w: float, box_h: float) -> tuple[bytes, int, int]:
        source: Any = None
        if self.image_for is not None:
            source = self.image_for(panel)
        elif panel.media is not None:
            source = panel.media
        if source is None:
            return self.sketch(panel, box_w / box_h)
        key = source if isinstance(source, str | os.PathLike) else getattr(source, "path", None)
        if key is not None and key in self.cache:
            return self.cache[key]
        try:
            image = self.decode(source)
        except Exception as error:  # a missing or unreadable take prints as its sketch, with a warning
            self.warnings.append(f"Shot {panel.number}: its picture could not be read ({error}); "
                                 "the framing sketch is printed instead.")
            return self.sketch(panel, box_w / box_h)
        encoded = self.encode(image, "JPEG")
        image.close()
        if key is not None:
            self.cache[key] = encoded
        return encoded

    def decode(self, source) -> Image.Image:
        if isinstance(source, Image.Image):
            return source.copy()
        path, kind = (source.path, source.kind) if hasattr(source, "kind") else (os.fspath(source), "image")
        if kind == "clip":
            import av

            with av.open(path) as container:
                frame = next(container.decode(video=0))
                image = frame.to_image()
        else:
            with Image.open(path) as opened:
                opened.draft("RGB", (self.max_px, self.max_px))  # JPEG: decode at a fraction of the size
                image = opened.copy()
                image.load()
        if image.mode not in ("RGB", "L"):
            if "A" in image.getbands():
                flat = Image.new("RGB", image.size, (0, 0, 0))
                flat.paste(image.convert("RGBA"), mask=image.convert("RGBA").getchannel("A"))
                image = flat
            else:
                image = image.convert("RGB")
        image.thumbnail((self.max_px, self.max_px), Image.Resampling.LANCZOS)
        return image

    def sketch(self, panel: Panel, aspect: float) -> tuple[bytes, int, int]:
        width = min(self.max_px, 900)
        height = max(8, round(width / aspect))
        key = ("sketch", panel.size_code, panel.angle, panel.movement, panel.lens_mm, width, height)
        if key not in self.cache:
            self.cache[key] = self.encode(framing_sketch(panel, width, height), "PNG")
        return self.cache[key]

    @staticmethod
    def encode(image: Image.Image, kind: str) -> tuple[bytes, int, int]:
        out = io.BytesIO()
        if kind == "JPEG":
            image.save(out, "JPEG", quality=85, optimize=True)
        else:
            image.save(out, "PNG", optimize=False)
        return out.getvalue(), image.width, image.height


# --- drawing -------------------------------------------------------------------------------------------------


@dataclass
class Para:
    text: str
    style: str = ""
    colour: tuple[int, int, int] = (0, 0, 0)
    scale: float = 1.0
    indent: float = 0.0


@dataclass
class Board:
    pdf: FPDF
    family: str
    sequence: Sequence
    options: StoryboardOptions
    preset: Preset
    pictures: Pictures
    total_pages: int
    page_w: float
    page_h: float
    aspect: float
    warnings: list[str] = field(default_factory=list)

    # text ------------------------------------------------------------------------------------------------
    def font(self, size: float, style: str = "", colour=(0, 0, 0)):
        self.pdf.set_font(self.family, style, size)
        self.pdf.set_text_color(*colour)

    def line(self, x, y, w, h, text, *, size, style="", colour=(0, 0, 0), align=None):
        """One line of text in a box, cut with an ellipsis when it is too wide."""
        self.font(size, style, colour)
        text = self.cut(text, w)
        self.pdf.set_xy(x, y)
        self.pdf.cell(w, h, text, align=align or ("R" if is_rtl(text) else "L"))

    def cut(self, text: str, w: float) -> str:
        pdf = self.pdf
        if pdf.get_string_width(text) <= w - 2 * pdf.c_margin:
            return text
        while text and pdf.get_string_width(text + "…") > w - 2 * pdf.c_margin:
            text = text[:-1]
        return text.rstrip() + "…"

    def block(self, x: float, y: float, w: float, h: float, paras: list[Para]):
        """Paragraphs in a box: at the preset's size when they fit, smaller down to the floor, then cut."""
        preset = self.preset
        size = preset.text_pt
        while True:
            laid = [(para, self.wrap(para, w, size, h)) for para in paras]
            used = sum(len(lines) * self.leading(size * para.scale) for para, lines in laid)
            used += self.para_gap(size) * max(0, len(laid) - 1)
            if used <= h or size <= preset.min_pt:
                break
            size = max(preset.min_pt, size - 0.5)
        items = []  # (para, text, height, gap after)
        for para, lines in laid:
            for n, text in enumerate(lines):
                items.append((para, text, self.leading(size * para.scale),
                              self.para_gap(size) if n == len(lines) - 1 else 0.0))
        at, fit = y, 0
        for _para, _text, lh, gap in items:
            if at + lh > y + h + 0.01:
                break
            at += lh + gap
            fit += 1
        at = y
        for index, (para, text, lh, gap) in enumerate(items[:fit]):
            if index == fit - 1 and fit < len(items):
                text = text.rstrip() + "…"  # line() cuts it to the width
            self.line(x + para.indent, at, w - para.indent, lh, text, size=size * para.scale, style=para.style,
                      colour=para.colour)
            at += lh + gap

    def wrap(self, para: Para, w: float, size: float, h: float) -> list[str]:
        """The paragraph's lines at ``size``; text far past what the box could hold is not measured (a 3,000
        character action line would cost a second a panel to shape): at most the characters of a box full of
        characters a third of an em wide."""
        pt = size * para.scale
        self.font(pt, para.style)
        most = int((w - para.indent) / (pt * 0.3528 / 3) * (h / self.leading(pt) + 1))
        lines: list[str] = []
        for raw in para.text.splitlines() or [""]:
            if not raw.strip():
                continue
            wrapped = self.pdf.multi_cell(w - para.indent, self.leading(size), raw[:most], dry_run=True,
                                          output="LINES")
            if len(raw) > most and wrapped:
                wrapped[-1] = wrapped[-1].rstrip() + "…"
            lines += wrapped
            if len(lines) * self.leading(pt) > h:
                break
        return lines

    @staticmethod
    def leading(size_pt: float) -> float:
        return size_pt * 0.3528 * 1.28

    @staticmethod
    def para_gap(size_pt: float) -> float:
        return size_pt * 0.3528 * 0.45

    # pages -----------------------------------------------------------------------------------------------
    def footer(self):
        pdf = self.pdf
        y = self.page_h - MARGIN - FOOTER_H + 3
        pdf.set_draw_color(200, 200, 200)
        pdf.line(MARGIN, y - 1, self.page_w - MARGIN, y - 1)
        text_w = (self.page_w - 2 * MARGIN) / 3
        seq = self.sequence
        left = " · ".join(part for part in (seq.title, seq.draft) if part)
        self.line(MARGIN, y, text_w, 5, left, size=7, colour=(110, 110, 110))
        self.line(MARGIN + text_w, y, text_w, 5, f"Page {pdf.page_no()} of {self.total_pages}", size=8,
                  colour=(60, 60, 60), align="C")
        self.line(MARGIN + 2 * text_w, y, text_w, 5, self.day(), size=7, colour=(110, 110, 110), align="R")

    def day(self) -> str:
        day = self.sequence.day
        return f"{day.day} {day:%B %Y}"

    def header(self, panels: list[Panel]):
        headings: list[str] = []
        for panel in panels:
            heading = f"{panel.scene_number}. {panel.scene_heading}".strip()
            if heading not in headings:
                headings.append(heading)
        width = self.page_w - 2 * MARGIN
        self.line(MARGIN, MARGIN, width * 0.72, 6, "  ·  ".join(headings), size=10, style="B")
        self.line(MARGIN + width * 0.72, MARGIN, width * 0.28, 6, self.sequence.title, size=8,
                  colour=(110, 110, 110), align="R")
        self.pdf.set_draw_color(60, 60, 60)
        self.pdf.line(MARGIN, MARGIN + 7, self.page_w - MARGIN, MARGIN + 7)

    def title_page(self):
        pdf, seq = self.pdf, self.sequence
        pdf.add_page()
        width = self.page_w - 2 * MARGIN
        top = self.page_h * 0.22
        self.font(28, "B")
        pdf.set_xy(MARGIN, top)
        pdf.multi_cell(width, 12, seq.title or "Untitled", align="C", new_x="LMARGIN", new_y="NEXT")
        self.font(11, "", (90, 90, 90))
        pdf.ln(1)
        pdf.multi_cell(width, 5, "Storyboard", align="C", new_x="LMARGIN", new_y="NEXT")
        if seq.logline:
            pdf.ln(6)
            pdf.set_x(MARGIN + width * 0.15)
            self.font(12, "", (30, 30, 30))
            pdf.multi_cell(width * 0.7, 6, seq.logline, align="C", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(10)
        rows = [("Draft", seq.draft or "—"), ("Date", self.day()), ("Revision", seq.revision_colour or "—"),
                ("Shots", str(len(seq.panels))), ("Running time", running_time(seq.seconds)),
                ("Aspect", f"{Decimal(seq.aspect).normalize():f}:1"),
                ("Frame rate", f"{float(seq.fps):.3f}".rstrip("0").rstrip(".") + " fps")]
        label_w, value_w = 40.0, 70.0
        x = (self.page_w - label_w - value_w) / 2
        for label, value in rows:
            y = pdf.get_y()
            self.line(x, y, label_w, 7, label, size=10, colour=(110, 110, 110), align="R")
            self.line(x + label_w + 4, y, value_w - 4, 7, value, size=10, style="B")
            if label == "Revision" and seq.revision_colour.lower() in REVISION_COLOURS:
                pdf.set_fill_color(*REVISION_COLOURS[seq.revision_colour.lower()])
                pdf.set_draw_color(120, 120, 120)
                swatch_x = x + label_w + 6 + pdf.get_string_width(value) + 2
                pdf.rect(swatch_x, y + 1.5, 8, 4, style="DF")
            pdf.set_y(y + 7)
        self.footer()

    # panels ----------------------------------------------------------------------------------------------
    def frame(self, panel: Panel, x: float, y: float, w: float, h: float):
        """The panel's picture letterboxed in a box of w × h (the sequence's aspect): scaled, never stretched."""
        pdf = self.pdf
        data, px_w, px_h = self.pictures.for_panel(panel, w, h)
        pdf.set_fill_color(0, 0, 0)
        pdf.rect(x, y, w, h, style="F")
        scale = min(w / px_w, h / px_h)
        iw, ih = px_w * scale, px_h * scale
        pdf.image(data, x + (w - iw) / 2, y + (h - ih) / 2, iw, ih)
        pdf.set_draw_color(90, 90, 90)
        pdf.set_line_width(0.2)
        pdf.rect(x, y, w, h)

    def paras(self, panel: Panel) -> list[Para]:
        opts = self.options
        out = []
        if opts.camera:
            out.append(Para(panel.camera, colour=(90, 90, 90), scale=0.92))
        if opts.action and panel.action.strip():
            out.append(Para(panel.action.strip()))
        if opts.dialogue:
            for text in dialogue_text(panel):
                out.append(Para(text, indent=2.5, colour=(20, 20, 90)))
        if opts.notes and panel.notes.strip():
            out.append(Para("Notes: " + panel.notes.strip(), colour=(150, 80, 0), scale=0.92))
        return out

    def label(self, panel: Panel, x: float, y: float, w: float, h: float):
        size = self.preset.label_pt
        self.line(x, y, w * 0.6, h, panel.number, size=size, style="B", align="L")
        if self.options.duration:
            self.line(x + w * 0.6, y, w * 0.4, h, seconds_label(panel.duration_s), size=size * 0.85,
                      colour=(70, 70, 70), align="R")

    def grid_panel(self, panel: Panel, x: float, y: float, w: float, h: float):
        label_h = self.leading(self.preset.label_pt) + 0.8
        fh = min(w / self.aspect, (h - label_h) * self.preset.frame_share)
        fw = fh * self.aspect
        fx = x + (w - fw) / 2
        self.label(panel, fx, y, fw, label_h)
        self.frame(panel, fx, y + label_h, fw, fh)
        text_y = y + label_h + fh + 1.5
        # Text runs under the frame, as wide as the slot (a tall 9:16 frame would make a narrow column).
        text_x, text_w = (fx, fw) if fw > w * 0.8 else (x, w)
        self.block(text_x, text_y, text_w, y + h - text_y, self.paras(panel))

    def side_panel(self, panel: Panel, x: float, y: float, w: float, h: float):
        label_h = self.leading(self.preset.label_pt) + 0.8
        left = w * 0.52
        fw = left
        fh = fw / self.aspect
        if fh > h - label_h:
            fh = h - label_h
            fw = fh * self.aspect
        self.label(panel, x, y, fw, label_h)
        self.frame(panel, x, y + label_h, fw, fh)
        text_x = x + fw + 5  # beside the frame (a tall frame leaves the text more room)
        self.block(text_x, y + label_h, x + w - text_x, h - label_h, self.paras(panel))

    def panel_pages(self, on_progress: Callable[[int, int], None] | None):
        pdf, preset = self.pdf, self.preset
        panels = list(self.sequence.panels)
        total = len(panels)
        top = MARGIN + HEADER_H
        bottom = self.page_h - MARGIN - FOOTER_H
        area_w, area_h = self.page_w - 2 * MARGIN, bottom - top
        slot_w = (area_w - GAP * (preset.columns - 1)) / preset.columns
        slot_h = (area_h - GAP * (preset.rows - 1)) / preset.rows
        if not panels:
            pdf.add_page()
            self.header([])
            self.line(MARGIN, top + 20, area_w, 8, "No shots in this sequence.", size=12, align="C")
            self.footer()
            return
        done = 0
        for start in range(0, total, preset.per_page):
            page = panels[start:start + preset.per_page]
            pdf.add_page()
            self.header(page)
            for index, panel in enumerate(page):
                row, col = divmod(index, preset.columns)
                x = MARGIN + col * (slot_w + GAP)
                y = top + row * (slot_h + GAP)
                if preset.side:
                    self.side_panel(panel, x, y, slot_w, slot_h)
                    if row < preset.rows - 1 and index < len(page) - 1:
                        pdf.set_draw_color(215, 215, 215)
                        pdf.line(x, y + slot_h + GAP / 2, x + slot_w, y + slot_h + GAP / 2)
                else:
                    self.grid_panel(panel, x, y, slot_w, slot_h)
                done += 1
                if on_progress is not None:
                    on_progress(done, total)
            self.footer()


def sequence_text(sequence: Sequence) -> str:
    """All the text a document of the sequence may print (to choose its fallback fonts)."""
    parts = [sequence.title, sequence.logline, sequence.draft, sequence.revision_colour]
    for panel in sequence.panels:
        parts += [panel.number, panel.scene_heading, panel.camera, panel.action, panel.notes, panel.status,
                  panel.size, *panel.characters, *(f"{line.speaker} {line.text}" for line in panel.lines)]
    return "\n".join(parts)


def render_storyboard(sequence: Sequence, options: StoryboardOptions | None, out_path: str | os.PathLike, *,
                      on_progress: Callable[[int, int], None] | None = None,
                      image_for: Callable[[Panel], Any] | None = None,
                      fonts: FontSet | None = None) -> PdfResult:
    """Write the storyboard of ``sequence`` to ``out_path``.

    ``image_for(panel)`` may name each panel's picture (a path, a ``Media`` or a PIL image; ``None`` draws the
    framing sketch); by default it is ``panel.media`` (an image, or a clip's first frame). ``on_progress(done,
    total)`` is called after each panel.
    """
    options = options or StoryboardOptions()
    preset = PRESETS[options.preset]
    fonts = fonts or find_fonts()
    long_side, short_side = PAPERS[options.paper]
    pdf = FPDF(orientation=preset.orientation, unit="mm", format=(short_side, long_side))
    pdf.set_auto_page_break(False)
    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    pdf.c_margin = 0.4
    pdf.set_title(f"{sequence.title} — storyboard")
    pdf.set_creator("Previz Studio")
    family = setup_pdf(pdf, fonts, sequence_text(sequence))
    page_w, page_h = (long_side, short_side) if preset.orientation == "L" else (short_side, long_side)
    aspect = float(sequence.aspect) if sequence.aspect and sequence.aspect > 0 else 16 / 9
    board = Board(pdf, family, sequence, options, preset, Pictures(preset.max_px, image_for),
                  page_count(len(sequence.panels), options), page_w, page_h, aspect)
    if options.title_page:
        board.title_page()
    board.panel_pages(on_progress)
    pdf.output(os.fspath(out_path))
    return PdfResult(pdf.pages_count, os.path.getsize(out_path), tuple(board.pictures.warnings))
