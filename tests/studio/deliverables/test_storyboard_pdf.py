"""The storyboard PDF, from sequences built by hand (no database): pages, text, scripts, fonts, frames, options."""

import os
import shutil
import unicodedata
from pathlib import Path

import pypdf
import pytest
from PIL import Image

from studio.deliverables import fonts as fonts_module
from studio.deliverables.fonts import FontsMissing, find_fonts
from studio.deliverables.sequence import Line, Media
from studio.deliverables.sketch import framing_sketch
from studio.deliverables.storyboard_pdf import StoryboardOptions, page_count, render_storyboard, running_time
from tests.studio.deliverables.boards import (
    embedded_fonts,
    page_texts,
    panel,
    placed_images,
    seven,
    take,
)
from tests.studio.deliverables.boards import sequence as make_sequence

PANELS_PER_PAGE = {"3x2": 6, "2x2": 4, "1x": 1, "pairs": 4}
SEVEN_SHOT_PAGES = {"3x2": 2, "2x2": 2, "1x": 7, "pairs": 2}


@pytest.mark.parametrize("title_page", [True, False])
@pytest.mark.parametrize("preset", ["3x2", "2x2", "1x", "pairs"])
def test_seven_shots_take_the_exact_pages(tmp_path, preset, title_page):
    options = StoryboardOptions(preset=preset, title_page=title_page)
    result = render_storyboard(seven(tmp_path), options, tmp_path / "board.pdf")
    expected = SEVEN_SHOT_PAGES[preset] + (1 if title_page else 0)
    assert result.pages == expected
    assert page_count(7, options) == expected
    assert len(page_texts(tmp_path / "board.pdf")) == expected
    assert result.bytes == os.path.getsize(tmp_path / "board.pdf")


@pytest.mark.parametrize("preset", ["3x2", "2x2", "1x", "pairs"])
def test_each_page_holds_its_shots_numbers_and_dialogue(tmp_path, preset):
    sequence = seven(tmp_path)
    render_storyboard(sequence, StoryboardOptions(preset=preset), tmp_path / "board.pdf")
    texts = page_texts(tmp_path / "board.pdf")
    per_page = PANELS_PER_PAGE[preset]
    total = len(texts)
    for index, text in enumerate(texts[1:], start=1):
        on_page = sequence.panels[(index - 1) * per_page:index * per_page]
        for shot in sequence.panels:
            here = shot in on_page
            assert (f"{shot.number} " in text) is here, (index, shot.number)
            assert (f"ELIN: {shot.lines[0].text}" in text) is here, (index, shot.number)
        for heading in {shot.scene_heading for shot in on_page}:
            assert heading in text
        assert f"Page {index + 1} of {total}" in text


def test_title_page_says_what_the_board_is(tmp_path):
    render_storyboard(seven(tmp_path), StoryboardOptions(), tmp_path / "board.pdf")
    title = page_texts(tmp_path / "board.pdf")[0]
    for expected in ["The Lighthouse", "Storyboard", "A keeper who cannot leave.", "Draft Draft 3",
                     "Date 4 December 2026", "Revision Blue", "Shots 7", "Running time 00:14", "Aspect 2.39:1",
                     "Frame rate 24 fps", "Page 1 of 3"]:
        assert expected in title


def test_running_time_is_minutes_and_seconds():
    assert [running_time(s) for s in (0, 14, 59.5, 61, 3725)] == ["00:00", "00:14", "01:00", "01:01", "62:05"]


NAMES = ("Élin Ångström", "Tomás")
ARABIC = "لا أحد يسبح هنا"
JAPANESE = "誰もここでは泳がない"


def multilingual():
    return make_sequence([
        panel(0, lines=[Line("ÉLIN ÅNGSTRÖM", ARABIC)], characters=NAMES, action="Élin Ångström watches Tomás."),
        panel(1, lines=[Line("TOMÁS", JAPANESE)], characters=NAMES[1:], action="Tomás turns to the sea."),
    ], title="Fyren på Ön")


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def test_arabic_japanese_and_accented_latin_extract_back_and_their_fonts_are_embedded(tmp_path):
    render_storyboard(multilingual(), StoryboardOptions(preset="2x2", title_page=False), tmp_path / "board.pdf")
    # pypdf 7.1 reads the CJK font's code map (an embedded /Encoding CMap: fpdf2 writes Noto Sans CJK, a CFF
    # CID-keyed font, that way) as one-byte codes, so every two-byte code gives a NUL then the right character.
    # poppler's pdftotext reads it exactly; dropping the NULs is the only normalisation done here.
    text = nfc(page_texts(tmp_path / "board.pdf")[0].replace("\x00", ""))
    assert "Élin Ångström watches Tomás." in text
    assert "Tomás turns to the sea." in text
    assert "TOMÁS: 誰もここでは泳がない" in text
    # The Arabic line is shaped (joined forms) and laid right to left; pypdf returns the glyph runs in the order
    # they sit on the page (visual order), each word mapped back to its letters in logical order, so the words
    # come out last word first. The exact string:
    assert ARABIC.split() == ["لا", "أحد", "يسبح", "هنا"]
    assert "ÉLIN ÅNGSTRÖM: هنا يسبح أحد لا" in text
    assert "Fyren på Ön" in text
    fonts = embedded_fonts(tmp_path / "board.pdf")
    names = {name.split("+", 1)[1]: files for name, files in fonts.items()}
    assert names == {"NotoSans": ["/FontFile2"], "NotoSansBold": ["/FontFile2"], "NotoSansArabic": ["/FontFile2"],
                     "NotoSansCJKJP": ["/FontFile3"]}


def test_a_board_in_latin_only_embeds_no_cjk_or_arabic_font(tmp_path):
    render_storyboard(seven(tmp_path), StoryboardOptions(title_page=False), tmp_path / "board.pdf")
    assert {name.split("+", 1)[1] for name in embedded_fonts(tmp_path / "board.pdf")} == {"NotoSans", "NotoSansBold"}


def test_frames_keep_their_aspect_letterboxed_never_stretched(tmp_path):
    # A 16:9 take and a 4:3 take on a 2.39 board, and a sketch: each placed at its own pixel ratio.
    sequence = make_sequence([panel(0, media=take(tmp_path, "wide", (200, 0, 0), (64, 36))),
                              panel(1, media=take(tmp_path, "tv", (0, 200, 0), (40, 30))),
                              panel(2, media=None)])
    for preset in ("3x2", "pairs"):
        render_storyboard(sequence, StoryboardOptions(preset=preset, title_page=False), tmp_path / "board.pdf")
        placed = placed_images(tmp_path / "board.pdf", 0)
        assert len(placed) == 3
        for w, h, px_w, px_h in placed:
            assert w / h == pytest.approx(px_w / px_h, rel=0.01)
        ratios = [w / h for w, h, _, _ in placed]
        assert ratios == [pytest.approx(16 / 9, rel=0.01), pytest.approx(4 / 3, rel=0.01),
                          pytest.approx(2.39, rel=0.01)]
        # Both takes are narrower than the 2.39 box: they fill its height (bars left and right), as the sketch does.
        assert len({round(h, 2) for _, h, _, _ in placed}) == 1


def test_a_4k_take_is_scaled_down_and_embedded_once(tmp_path):
    big = take(tmp_path, "uhd", (10, 90, 160), (3840, 2160))
    sequence = make_sequence([panel(0, media=big), panel(1, media=big)])
    for preset, widest in (("1x", 1200), ("3x2", 640)):
        render_storyboard(sequence, StoryboardOptions(preset=preset, title_page=False), tmp_path / "board.pdf")
        reader = pypdf.PdfReader(tmp_path / "board.pdf")
        placed = [image for index in range(len(reader.pages)) for image in placed_images(tmp_path / "board.pdf", index)]
        assert [(px_w, px_h) for _, _, px_w, px_h in placed] == [(widest, widest * 9 // 16)] * 2
        assert len({ref.idnum for page in reader.pages for ref in page["/Resources"]["/XObject"].values()}) == 1


def test_a_clip_prints_its_first_frame(tmp_path):
    import av

    path = tmp_path / "clip.mp4"
    with av.open(str(path), "w") as container:
        stream = container.add_stream("mpeg4", rate=24)
        stream.width, stream.height, stream.pix_fmt = 64, 48, "yuv420p"
        for colour in [(220, 30, 30), (30, 30, 220), (30, 30, 220)]:
            frame = av.VideoFrame.from_image(Image.new("RGB", (64, 48), colour))
            container.mux(stream.encode(frame))
        container.mux(stream.encode())
    media = Media(path=str(path), kind="clip", width=64, height=48, frames=3, fps=24)
    render_storyboard(make_sequence([panel(0, media=media)]), StoryboardOptions(preset="1x", title_page=False),
                      tmp_path / "board.pdf")
    (image,) = pypdf.PdfReader(tmp_path / "board.pdf").pages[0].images
    red, green, blue = image.image.convert("RGB").getpixel((32, 24))
    assert red > 170
    assert max(green, blue) < 80


def test_an_unreadable_take_prints_its_sketch_with_a_warning(tmp_path):
    media = Media(path=str(tmp_path / "gone.png"), kind="image", width=64, height=36)
    result = render_storyboard(make_sequence([panel(0, media=media, number="4C")]),
                               StoryboardOptions(title_page=False), tmp_path / "board.pdf")
    assert len(result.warnings) == 1
    assert result.warnings[0].startswith("Shot 4C: its picture could not be read (")
    assert result.warnings[0].endswith("); the framing sketch is printed instead.")
    assert [round(w / h, 2) for w, h, _, _ in placed_images(tmp_path / "board.pdf", 0)] == [2.39]


def test_image_for_chooses_the_picture(tmp_path):
    red = take(tmp_path, "red", (255, 0, 0), (40, 30))
    chosen = []

    def image_for(shot):
        chosen.append(shot.number)
        return red.path if shot.number == "1A" else None

    render_storyboard(make_sequence([panel(0), panel(1)]), StoryboardOptions(title_page=False),
                      tmp_path / "board.pdf", image_for=image_for)
    assert chosen == ["1A", "2A"]
    ratios = [round(w / h, 2) for w, h, _, _ in placed_images(tmp_path / "board.pdf", 0)]
    assert ratios == [1.33, 2.39]


def test_progress_is_reported_per_panel(tmp_path):
    calls = []
    render_storyboard(seven(tmp_path), StoryboardOptions(preset="2x2"), tmp_path / "board.pdf",
                      on_progress=lambda done, total: calls.append((done, total)))
    assert calls == [(n, 7) for n in range(1, 8)]


def test_toggles_leave_their_text_out(tmp_path):
    sequence = make_sequence([panel(0, notes="Too dark; try the 35.")])
    render_storyboard(sequence, StoryboardOptions(title_page=False), tmp_path / "all.pdf")
    everything = page_texts(tmp_path / "all.pdf")[0]
    parts = {"dialogue": "ELIN: Line number 1 is spoken here.", "action": "Elin crosses to the lamp, shot 1.",
             "notes": "Notes: Too dark; try the 35.", "camera": "WS · eye level · dolly in · 35 mm",
             "duration": "1A 2 s"}
    for text in parts.values():
        assert text in everything
    for option, text in parts.items():
        render_storyboard(sequence, StoryboardOptions(title_page=False, **{option: False}), tmp_path / "less.pdf")
        less = page_texts(tmp_path / "less.pdf")[0]
        assert text not in less
        assert all(other in less for name, other in parts.items() if name != option)


def test_text_too_long_for_its_panel_is_cut_not_spilled(tmp_path):
    long_action = "The storm keeps on coming over the rocks and the keeper keeps on climbing the stairs. " * 40
    sequence = make_sequence([panel(i, action=long_action) for i in range(6)])
    result = render_storyboard(sequence, StoryboardOptions(title_page=False), tmp_path / "board.pdf")
    assert result.pages == 1
    text = page_texts(tmp_path / "board.pdf")[0]
    assert text.count("…") == 6
    assert "Page 1 of 1" in text


def test_an_empty_sequence_says_so(tmp_path):
    result = render_storyboard(make_sequence([]), StoryboardOptions(), tmp_path / "board.pdf")
    assert result.pages == 2
    assert "No shots in this sequence." in page_texts(tmp_path / "board.pdf")[1]


def test_options_from_dict_reads_the_request():
    assert StoryboardOptions.from_dict(None) == StoryboardOptions()
    assert StoryboardOptions.from_dict({"preset": "pairs", "notes": False, "paper": "Letter"}) == \
        StoryboardOptions(preset="pairs", notes=False, paper="Letter")


@pytest.mark.parametrize(("data", "message"), [
    ({"preset": "4x4"}, "preset must be one of '3x2', '2x2', '1x', 'pairs', not '4x4'."),
    ({"paper": "A3"}, "paper must be one of 'A4', 'Letter', not 'A3'."),
    ({"dialogue": "yes"}, "dialogue must be true or false, not 'yes'."),
    ({"title_page": 1}, "title_page must be true or false, not 1."),
    ({"preset": 3}, "preset must be a string, not 3."),
    ({"colour": True}, "Unknown storyboard option 'colour'; the options are action, camera, dialogue, duration, "
                       "notes, paper, preset, title_page."),
    ({"b": 1, "a": 2}, "Unknown storyboard options 'a', 'b'; the options are action, camera, dialogue, duration, "
                       "notes, paper, preset, title_page."),
    (["3x2"], "Storyboard options must be an object, not list."),
])
def test_options_from_dict_refuses_bad_keys_and_values(data, message):
    with pytest.raises(ValueError) as error:
        StoryboardOptions.from_dict(data)
    assert str(error.value) == message


def test_framing_sketch_is_a_grey_frame_of_the_asked_size():
    image = framing_sketch(panel(1), 239, 100)
    assert image.size == (239, 100)
    assert image.mode == "RGB"
    assert image.getpixel((20, 20)) == (222, 222, 222)
    assert image.getpixel((239 // 3, 10)) != (222, 222, 222)  # a thirds guide
    assert len(image.crop((60, 20, 180, 60)).getcolors(maxcolors=65536)) > 2  # the size code, in the middle


def font_dir(tmp_path: Path, *names: str) -> Path:
    folder = tmp_path / "fonts"
    folder.mkdir()
    for name in names:
        shutil.copy(find_fonts().regular.path if name.startswith("Noto") else
                    "/usr/share/fonts/truetype/dejavu/" + name, folder / name)
    return folder


def test_find_fonts_looks_in_the_given_directory_first(tmp_path):
    folder = font_dir(tmp_path, "NotoSans-Regular.ttf")
    found = find_fonts(folder)
    assert found.regular.path == folder / "NotoSans-Regular.ttf"
    assert found.bold.path.name == "NotoSans-Bold.ttf"  # not in the directory: the system's
    assert found.bold.path.parent != folder
    assert any(fallback.face.family == "CJK" for fallback in found.fallbacks)


def test_find_fonts_falls_back_to_dejavu_then_says_what_to_install(tmp_path, monkeypatch):
    monkeypatch.setattr(fonts_module, "SYSTEM_DIRS", ())
    folder = font_dir(tmp_path, "DejaVuSans.ttf", "DejaVuSans-Bold.ttf")
    found = find_fonts(folder)
    assert (found.regular.path.name, found.bold.path.name) == ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf")
    assert found.fallbacks == ()
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(FontsMissing) as error:
        find_fonts(empty)
    assert str(error.value) == (
        f"No font for PDF deliverables was found (looked for NotoSans-Regular.ttf or DejaVuSans.ttf in {empty}). "
        "Install them: apt-get install fonts-noto-core fonts-noto-cjk fonts-dejavu-core "
        "(or put the .ttf files in the fonts directory setting).")


@pytest.mark.parametrize("preset", ["3x2", "pairs"])
def test_a_tall_aspect_keeps_its_ratio_on_letter_paper(tmp_path, preset):
    sequence = make_sequence([panel(i) for i in range(4)], aspect="0.5625")
    options = StoryboardOptions(preset=preset, paper="Letter", title_page=False)
    render_storyboard(sequence, options, tmp_path / "board.pdf")
    page = pypdf.PdfReader(tmp_path / "board.pdf").pages[0]
    assert (float(page.mediabox.width), float(page.mediabox.height)) == \
        ((792, 612) if preset == "3x2" else (612, 792))
    assert [w / h for w, h, _, _ in placed_images(tmp_path / "board.pdf", 0)] == [pytest.approx(0.5625, rel=0.01)] * 4
