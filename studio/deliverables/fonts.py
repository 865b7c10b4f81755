"""Fonts for the PDF deliverables (storyboard, shot list): found on disk, registered with fpdf2, shaped.

A board is written in whatever scripts the team writes in: accented Latin, Arabic (right to left, joined),
Japanese, Hebrew, Devanagari, Thai… No single font covers all of them, so a document gets one *body* font
(Noto Sans, or DejaVu Sans where Noto is missing) and a chain of *fallback* fonts that fpdf2 switches to, glyph
run by glyph run, for the characters the body font lacks (``FPDF.set_fallback_fonts``). Text shaping
(``FPDF.set_text_shaping``, HarfBuzz through uharfbuzz) joins Arabic letters and lays right-to-left runs out in
visual order. Every font is embedded as a subset (FontFile2 for TrueType outlines, FontFile3 for the CFF
outlines of Noto Sans CJK).

A fallback is registered only when the document's text holds a character of its script: Noto Sans CJK is
20 MB and takes a third of a second to parse, which a board in English should not pay.

No Django here: the directory to search first is an argument (a setting may pass it later).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

SYSTEM_DIRS = ("/usr/share/fonts", "/usr/local/share/fonts", "~/.local/share/fonts", "~/.fonts",
               "/Library/Fonts", "/System/Library/Fonts")


class FontsMissing(RuntimeError):
    """No usable body font was found; the message says what to install."""


@dataclass(frozen=True)
class FontFace:
    family: str  # the name it is registered under in the PDF
    path: Path
    index: int = 0  # face number inside a .ttc collection


@dataclass(frozen=True)
class Fallback:
    face: FontFace
    ranges: tuple[tuple[int, int], ...]  # the code points it is there for; () = any character the body lacks


@dataclass(frozen=True)
class FontSet:
    regular: FontFace
    bold: FontFace
    fallbacks: tuple[Fallback, ...]

    def faces_for(self, text: str) -> list[FontFace]:
        """The fallback faces a document holding ``text`` needs, in fallback order."""
        points = {ord(ch) for ch in text if ord(ch) > 0x24F}
        out = []
        for fallback in self.fallbacks:
            if not fallback.ranges:  # the catch-all: only for characters the body font and the others lack
                covered = [*(f.ranges for f in self.fallbacks if f.face in out)]
                rest = {cp for cp in points if not any(lo <= cp <= hi for ranges in covered for lo, hi in ranges)}
                if rest - _cmap(self.regular):
                    out.append(fallback.face)
            elif any(lo <= cp <= hi for cp in points for lo, hi in fallback.ranges):
                out.append(fallback.face)
        return out


@lru_cache(maxsize=8)
def _cmap(face: FontFace) -> frozenset[int]:
    """The code points a font has glyphs for."""
    from fontTools.ttLib import TTFont

    with TTFont(face.path, fontNumber=face.index, lazy=True) as font:
        return frozenset(font.getBestCmap())


ARABIC = ((0x0600, 0x06FF), (0x0750, 0x077F), (0x08A0, 0x08FF), (0xFB50, 0xFDFF), (0xFE70, 0xFEFF))
HEBREW = ((0x0590, 0x05FF), (0xFB1D, 0xFB4F))
DEVANAGARI = ((0x0900, 0x097F), (0xA8E0, 0xA8FF))
BENGALI = ((0x0980, 0x09FF),)
THAI = ((0x0E00, 0x0E7F),)
CJK = ((0x1100, 0x11FF), (0x2E80, 0x2FDF), (0x3000, 0x30FF), (0x3130, 0x318F), (0x31F0, 0x31FF),
       (0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xAC00, 0xD7AF), (0xF900, 0xFAFF), (0xFF00, 0xFFEF),
       (0x20000, 0x2FA1F))

# (family, file names to look for in order, face index, ranges)
FALLBACKS = (
    ("Arabic", ("NotoSansArabic-Regular.ttf", "NotoNaskhArabic-Regular.ttf", "NotoKufiArabic-Regular.ttf"), 0,
     ARABIC),
    ("Hebrew", ("NotoSansHebrew-Regular.ttf", "NotoSerifHebrew-Regular.ttf"), 0, HEBREW),
    ("Devanagari", ("NotoSansDevanagari-Regular.ttf",), 0, DEVANAGARI),
    ("Bengali", ("NotoSansBengali-Regular.ttf",), 0, BENGALI),
    ("Thai", ("NotoSansThai-Regular.ttf", "NotoSerifThai-Regular.ttf"), 0, THAI),
    # Face 0 of the collection is Noto Sans CJK JP; every face of it holds kana, hanzi/kanji and hangul.
    ("CJK", ("NotoSansCJK-Regular.ttc", "NotoSansCJKjp-Regular.otf", "NotoSansCJK-Regular.otf"), 0, CJK),
    # Last: symbols and anything else the body font lacks (DejaVu covers Cyrillic, Greek, Arabic basics, arrows…).
    ("DejaVu", ("DejaVuSans.ttf",), 0, ()),
)

INSTALL_HINT = ("No font for PDF deliverables was found (looked for NotoSans-Regular.ttf or DejaVuSans.ttf in {dirs}). "
                "Install them: apt-get install fonts-noto-core fonts-noto-cjk fonts-dejavu-core "
                "(or put the .ttf files in the fonts directory setting).")


def _index(dirs: list[Path]) -> dict[str, Path]:
    """File name → first path holding it, searching ``dirs`` in order."""
    found: dict[str, Path] = {}
    for root in dirs:
        if not root.is_dir():
            continue
        for folder, _subdirs, files in os.walk(root):
            for name in files:
                found.setdefault(name, Path(folder) / name)
    return found


_CACHE: dict[tuple[str, ...], FontSet] = {}


def find_fonts(directory: str | os.PathLike | None = None) -> FontSet:
    """The fonts a PDF deliverable uses: ``directory`` first (when given), then the system font folders.

    Raises ``FontsMissing`` naming the packages to install when neither Noto Sans nor DejaVu Sans is found.
    """
    dirs = ([Path(directory).expanduser()] if directory else []) + [Path(d).expanduser() for d in SYSTEM_DIRS]
    key = tuple(str(d) for d in dirs)
    if key in _CACHE:
        return _CACHE[key]
    files = _index(dirs)
    regular = bold = None
    for body, bold_name in (("NotoSans-Regular.ttf", "NotoSans-Bold.ttf"), ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf")):
        if body in files:
            regular = FontFace("Body", files[body])
            bold = FontFace("Body", files.get(bold_name, files[body]))
            break
    if regular is None or bold is None:
        raise FontsMissing(INSTALL_HINT.format(dirs=", ".join(key)))
    fallbacks = []
    for family, names, index, ranges in FALLBACKS:
        path = next((files[name] for name in names if name in files), None)
        if path is None or path == regular.path:
            continue
        fallbacks.append(Fallback(FontFace(family, path, index), ranges))
    fonts = FontSet(regular, bold, tuple(fallbacks))
    _CACHE[key] = fonts
    return fonts


def setup_pdf(pdf, fonts: FontSet, text: str) -> str:
    """Register the body font and the fallbacks ``text`` needs on an ``fpdf.FPDF``, turn shaping on; returns the
    body family to ``set_font`` with ("" regular, "B" bold)."""
    pdf.add_font(fonts.regular.family, "", str(fonts.regular.path), collection_font_number=fonts.regular.index)
    pdf.add_font(fonts.bold.family, "B", str(fonts.bold.path), collection_font_number=fonts.bold.index)
    faces = fonts.faces_for(text)
    for face in faces:
        pdf.add_font(face.family, "", str(face.path), collection_font_number=face.index)
    if faces:
        # exact_match=False: bold Japanese falls back to the regular CJK face rather than to a missing glyph.
        pdf.set_fallback_fonts([face.family for face in faces], exact_match=False)
    pdf.set_text_shaping(True)
    return fonts.regular.family


def is_rtl(text: str) -> bool:
    """Whether the first strong character of ``text`` is right-to-left (Arabic, Hebrew): such a line is aligned
    right."""
    import unicodedata

    for ch in text:
        kind = unicodedata.bidirectional(ch)
        if kind in ("R", "AL"):
            return True
        if kind == "L":
            return False
    return False
