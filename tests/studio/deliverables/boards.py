"""Sequences built by hand for the deliverable tests (no database), and solid-colour takes written with Pillow."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

from PIL import Image

from studio.deliverables.sequence import Line, Media, Panel, Sequence

SIZES = [("Wide shot", "WS"), ("Medium shot", "MS"), ("Close-up", "CU"), ("Extreme close-up", "ECU")]
SCENES = [(1, "INT. LAMP ROOM - NIGHT"), (2, "EXT. CLIFF PATH - DAWN"), (3, "INT. KEEPER'S COTTAGE - DAY")]


def take(folder: Path, name: str, colour, size=(64, 36)) -> Media:
    """A solid-colour PNG take (16:9 by default)."""
    path = folder / f"{name}.png"
    Image.new("RGB", size, colour).save(path)
    return Media(path=str(path), kind="image", width=size[0], height=size[1])


def panel(i: int, *, media: Media | None = None, lines=None, action=None, number=None, scene=None,
          notes="", characters=("ELIN",), duration="2.0") -> Panel:
    scene_number, heading = scene or SCENES[min(i // 3, len(SCENES) - 1)]
    size, code = SIZES[i % len(SIZES)]
    return Panel(shot_id=100 + i, number=number or f"{i + 1}A", scene_id=10 + scene_number,
                 scene_number=scene_number, scene_heading=heading, size=size, size_code=code, angle="Eye level",
                 movement="Static" if i % 2 else "Dolly in", lens_mm=35 + 5 * (i % 4), duration_s=Decimal(duration),
                 frames=round(Decimal(duration) * 24), action=action if action is not None else
                 f"Elin crosses to the lamp, shot {i + 1}.", lines=tuple(lines if lines is not None else
                 [Line("ELIN", f"Line number {i + 1} is spoken here.")]), notes=notes,
                 characters=tuple(characters), status="draft", version=1, selected="sketch" if media is None
                 else "newest", media=media)


def sequence(panels, *, aspect="2.39", title="The Lighthouse", logline="A keeper who cannot leave.") -> Sequence:
    return Sequence(project_id=1, title=title, logline=logline, draft="Draft 3", revision_colour="Blue",
                    day=date(2026, 12, 4), aspect=Decimal(aspect), fps=Fraction(24), panels=tuple(panels))


def seven(folder: Path, **kw) -> Sequence:
    """Seven shots: four with solid-colour takes, three sketches."""
    colours = [(200, 40, 40), (40, 160, 60), (40, 60, 200), (220, 200, 40)]
    panels = [panel(i, media=take(folder, f"take{i}", colours[i]) if i < 4 else None) for i in range(7)]
    return sequence(panels, **kw)


def page_texts(path) -> list[str]:
    """pypdf's text of each page, whitespace collapsed (wrapped lines join with a space)."""
    import pypdf

    return [" ".join(page.extract_text().split()) for page in pypdf.PdfReader(path).pages]


def embedded_fonts(path) -> dict[str, list[str]]:
    """Base font name → the FontFile keys of its descriptor, for every font a page of the PDF uses."""
    import pypdf

    out: dict[str, list[str]] = {}
    for page in pypdf.PdfReader(path).pages:
        for ref in page["/Resources"].get("/Font", {}).values():
            font = ref.get_object()
            descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
            out[str(font["/BaseFont"])] = sorted(key for key in descriptor if key.startswith("/FontFile"))
    return out


def placed_images(path, page_index: int) -> list[tuple[float, float, int, int]]:
    """(placed width, placed height, pixel width, pixel height) of each image drawn on a page."""
    import re

    import pypdf

    page = pypdf.PdfReader(path).pages[page_index]
    xobjects = page["/Resources"]["/XObject"]
    content = page.get_contents().get_data().decode("latin-1")
    out = []
    for w, h, name in re.findall(r"([\d.]+) 0 0 ([\d.]+) [\d.-]+ [\d.-]+ cm (/I\d+) Do", content):
        image = xobjects[name].get_object()
        out.append((float(w), float(h), int(image["/Width"]), int(image["/Height"])))
    return out
