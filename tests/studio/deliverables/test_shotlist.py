"""The shot list: CSV with exact rows (and formula-safe cells), and the printable PDF table."""

import csv
import io

import pytest

from studio.deliverables.sequence import Line
from studio.deliverables.shotlist import COLUMNS, render_shotlist_pdf, safe_cell, shotlist_csv
from tests.studio.deliverables.boards import embedded_fonts, page_texts, panel, sequence


def test_csv_rows_are_exact():
    shots = sequence([
        panel(0, lines=[Line("ELIN", "Nobody swims here."), Line("", "Not since the storm.")],
              characters=("ELIN", "TOMÁS"), action='She says "no", twice.'),
        panel(1, number="2B", lines=[], characters=(), action="=HYPERLINK(\"http://x\")", duration="1.25",
              scene=(4, "EXT. PIER - NIGHT")),
    ])
    assert shotlist_csv(shots) == (
        "scene,shot,size,angle,movement,lens_mm,duration_s,characters,action,dialogue,status\r\n"
        '1,1A,Wide shot,Eye level,Dolly in,35,2.0,ELIN; TOMÁS,"She says ""no"", twice.",'
        '"ELIN: Nobody swims here.\nNot since the storm.",draft\r\n'
        '4,2B,Medium shot,Eye level,Static,40,1.25,,"\'=HYPERLINK(""http://x"")",,draft\r\n'
    )
    rows = list(csv.DictReader(io.StringIO(shotlist_csv(shots))))
    assert tuple(rows[0]) == COLUMNS
    assert rows[0]["dialogue"] == "ELIN: Nobody swims here.\nNot since the storm."


@pytest.mark.parametrize(("value", "written"), [
    ("=1+1", "'=1+1"), ("+SUM(A1)", "'+SUM(A1)"), ("-2", "'-2"), ("@cmd", "'@cmd"), ("\tx", "'\tx"),
    ("Close-up", "Close-up"), ("a=b", "a=b"), ("", ""),
])
def test_cells_a_spreadsheet_would_run_are_quoted(value, written):
    assert safe_cell(value) == written


def test_every_csv_cell_is_made_safe():
    shots = sequence([panel(0, number="-1", characters=("@ELIN",), action="+look", lines=[Line("", "=cmd")])])
    row = next(csv.DictReader(io.StringIO(shotlist_csv(shots))))
    assert (row["shot"], row["characters"], row["action"], row["dialogue"]) == ("'-1", "'@ELIN", "'+look", "'=cmd")


def test_pdf_of_seven_shots_is_one_page(tmp_path):
    result = render_shotlist_pdf(sequence([panel(i) for i in range(7)]), tmp_path / "shots.pdf")
    assert result.pages == 1
    (text,) = page_texts(tmp_path / "shots.pdf")
    assert "Sc. Shot Size Angle Movement Lens Dur. Characters Action Status" in text
    assert "1 1A Wide shot Eye level Dolly in 35 mm 2 s ELIN Elin crosses to the lamp, shot 1. draft" in text
    assert "Line number" not in text  # no dialogue column: the storyboard has it
    assert "Page 1 of 1" in text


def test_pdf_of_sixty_shots_repeats_its_header_and_numbers_its_pages(tmp_path):
    # Rows are 5.84 mm, 9.28 mm for "Extreme close-up" (two lines in its column); 168.2 mm of table a page
    # holds 25 of them, so 60 shots take 25 + 25 + 10.
    result = render_shotlist_pdf(sequence([panel(i) for i in range(60)]), tmp_path / "shots.pdf")
    assert result.pages == 3
    texts = page_texts(tmp_path / "shots.pdf")
    assert [text.count(" draft") for text in texts] == [25, 25, 10]
    for number, text in enumerate(texts, start=1):
        assert "Sc. Shot Size Angle Movement Lens Dur. Characters Action Status" in text
        assert f"Page {number} of 3" in text
    everything = " ".join(texts)
    assert all(everything.count(f" {i}A ") == 1 for i in range(1, 61))


def test_pdf_long_action_wraps_in_its_column(tmp_path):
    action = "The keeper climbs the stairs, counting every step aloud until the lamp room door. " * 4
    render_shotlist_pdf(sequence([panel(0, action=action)]), tmp_path / "shots.pdf")
    (text,) = page_texts(tmp_path / "shots.pdf")
    assert " ".join(action.split()) in text


def test_pdf_prints_any_script_with_its_fonts_embedded(tmp_path):
    shots = sequence([panel(0, characters=("Élin Ångström", "Tomás"), action="لا أحد يسبح هنا"),
                      panel(1, characters=("Tomás",), action="誰もここでは泳がない")])
    render_shotlist_pdf(shots, tmp_path / "shots.pdf")
    # NULs: pypdf reads the CJK font's embedded code map as one-byte codes (see test_storyboard_pdf).
    (text,) = [t.replace("\x00", "") for t in page_texts(tmp_path / "shots.pdf")]
    assert "Élin Ångström, Tomás هنا يسبح أحد لا" in text  # the Arabic in visual order, as pypdf gives it
    assert "Tomás 誰もここでは泳がない" in text
    fonts = {name.split("+", 1)[1]: files for name, files in embedded_fonts(tmp_path / "shots.pdf").items()}
    assert fonts == {"NotoSans": ["/FontFile2"], "NotoSansBold": ["/FontFile2"], "NotoSansArabic": ["/FontFile2"],
                     "NotoSansCJKJP": ["/FontFile3"]}
