"""The PDF, read back with pypdf: pages, the text of each line, and where it stands (in inches)."""

from __future__ import annotations

import io
from itertools import pairwise

import pytest
from pypdf import PdfReader

from studio.screenplay.fountain import parse, render_pdf

from .conftest import read_corpus

WAVES = [f"Wave {n} breaks against the rocks." for n in range(1, 21)]
GULLS = [f"Gull {n} circles the lamp." for n in range(1, 24)]


def read_pages(pdf: bytes) -> list:
    return PdfReader(io.BytesIO(pdf)).pages


def page_rows(page) -> list[list[tuple[float, float, str, str]]]:
    """Each printed line, top down: its pieces as (x inches, baseline y points, text, font), left to right."""
    rows: dict[float, list] = {}

    def visit(text, cm, tm, font, size):
        if text.strip():
            y = round(tm[5], 1)
            rows.setdefault(y, []).append((round(tm[4] / 72, 2), y, text.strip(), font["/BaseFont"][1:]))

    page.extract_text(visitor_text=visit)
    return [sorted(rows[y]) for y in sorted(rows, reverse=True)]


def page_lines(page) -> list[str]:
    return [" ".join(piece[2] for piece in row) for row in page_rows(page)]


def x_of(page, text: str) -> float:
    return next(piece[0] for row in page_rows(page) for piece in row if piece[2] == text)


@pytest.fixture(scope="module")
def long_night():
    return read_pages(render_pdf(parse(read_corpus("pagination.fountain"))))


def test_the_script_takes_a_title_page_and_four_us_letter_pages(long_night):
    assert len(long_night) == 5
    assert [list(map(float, page.mediabox)) for page in long_night] == [[0, 0, 612, 792]] * 5


def test_the_title_page_is_laid_out_and_not_numbered(long_night):
    rows = page_rows(long_night[0])

    assert [[(x, y, text) for x, y, text, _ in row] for row in rows] == [
        [(3.55, 519.0, "The Long Night")],  # centred a third of the way down
        [(3.75, 495.0, "Written by")],
        [(3.85, 471.0, "Ana Lima")],
        [(1.5, 87.0, "Ana Lima")],  # contact bottom left, ending on the last line above the 1" margin
        [(1.5, 75.0, "ana@example.com"), (6.5, 75.0, "2 May 2026")],  # draft date bottom right, ending at 7.5"
    ]


def test_a_speech_that_does_not_fit_splits_after_a_sentence_with_more_and_contd(long_night):
    first, second = page_lines(long_night[1]), page_lines(long_night[2])

    assert first == ["INT. LIGHTHOUSE - NIGHT", *WAVES, "ELIN (V.O.)",
                     "I kept the lamp for thirty years.",
                     "Every night I climbed the stairs,",
                     "one hundred and twelve of them, and",
                     "every night I counted. My father",
                     "kept it before me. He said the sea",
                     "forgives nothing, and he was right",
                     "about that, if nothing else. When",
                     "the storm came in the winter of the",
                     "wreck, I was alone. The radio was",
                     "dead. I lit the lamp by hand.",
                     "(MORE)"]
    assert second == ["2.", "ELIN (V.O.) (CONT'D)",
                      "It was the only thing I could do,",
                      "so I did it. And the ship still",
                      "broke on the rocks.",
                      *GULLS]


def test_pypdf_plain_text_shows_the_same_lines(long_night):
    text = long_night[2].extract_text()

    assert [line.strip() for line in text.splitlines()][:5] == [
        "2.", "ELIN (V.O.) (CONT'D)", "It was the only thing I could do,", "so I did it. And the ship still",
        "broke on the rocks."]


def test_a_page_holds_54_lines_six_to_the_inch_inside_one_inch_margins(long_night):
    baselines = [row[0][1] for row in page_rows(long_night[1])]

    assert baselines[0] == 711.0  # first line just under the 1" top margin (792 - 72 - 9)
    assert baselines[-1] == 75.0  # the 54th line sits on the 1" bottom margin
    assert (baselines[0] - baselines[-1]) / 12 + 1 == 54
    assert {a - b for a, b in pairwise(baselines)} <= {12.0, 24.0}


def test_a_scene_heading_is_never_left_as_the_last_line_of_a_page(long_night):
    # the heading would have fitted on page 2's last lines, but not the action after it
    assert page_lines(long_night[2])[-1] == "Gull 23 circles the lamp."
    assert page_lines(long_night[3])[:3] == [
        "3.", "EXT. CLIFF - NIGHT", "The wind tears at her coat as she climbs down toward the"]


def test_a_page_break_starts_a_new_page(long_night):
    assert page_lines(long_night[3])[-1] == "CUT TO:"
    assert page_lines(long_night[4]) == ["4.", "THE END"]


def test_page_numbers_stand_top_right_from_page_two(long_night):
    numbers = [page_rows(page)[0][-1] for page in long_night[2:]]

    assert [(x + 0.1 * len(text), y, text) for x, y, text, _ in numbers] == [
        (7.5, 747.0, "2."), (7.5, 747.0, "3."), (7.5, 747.0, "4.")]
    assert "1." not in page_lines(long_night[1])


def test_elements_stand_at_their_indents(corpus):
    page = read_pages(render_pdf(parse(corpus("dialogue.fountain") + "\n\nCUT TO:\n\n> THE END <\n")))[0]

    assert x_of(page, "INT. LIGHTHOUSE - NIGHT") == 1.5
    assert x_of(page, "ELIN (V.O.)") == 3.7
    assert x_of(page, "I kept the lamp for thirty years.") == 2.5
    assert x_of(page, "(quietly)") == 3.1
    assert x_of(page, "BOOM") == 1.5
    assert round(x_of(page, "CUT TO:") + 0.7, 2) == 7.5  # right-aligned at 1" from the right edge
    assert round(x_of(page, "THE END") + 0.35, 2) == 4.5  # centred between the margins


def test_dual_dialogue_stands_in_two_columns(long_night):
    rows = page_rows(long_night[3])

    assert [[(x, text) for x, _, text, _ in row] for row in rows[4:7]] == [
        [(2.5, "ELIN"), (5.5, "SAILOR")],
        [(1.8, "(shouting)"), (4.5, "I can't!")],
        [(1.5, "Hold on!")],
    ]


def test_scene_numbers_print_in_both_margins_when_asked(corpus):
    pages = read_pages(render_pdf(parse(corpus("pagination.fountain")), scene_numbers=True))

    first, third = page_rows(pages[1])[0], page_rows(pages[3])[1]
    assert [(x, text) for x, _, text, _ in first] == [(1.05, "1A"), (1.5, "INT. LIGHTHOUSE - NIGHT"), (7.75, "1A")]
    assert [(x, text) for x, _, text, _ in third] == [(1.15, "2"), (1.5, "EXT. CLIFF - NIGHT"), (7.75, "2")]


def test_courier_12_with_bold_headings_when_asked_and_italic_lyrics():
    sp = parse("INT. HOUSE - DAY\n\n~La la\n\nShe is **loud**.\n")

    plain = page_rows(read_pages(render_pdf(sp))[0])
    bold = page_rows(read_pages(render_pdf(sp, bold_headings=True))[0])

    assert [[(text, font) for _, _, text, font in row] for row in plain] == [
        [("INT. HOUSE - DAY", "Courier")], [("La la", "Courier-Oblique")],
        [("She is", "Courier"), ("loud", "Courier-Bold"), (".", "Courier")]]
    assert bold[0][0][3] == "Courier-Bold"


def test_the_same_screenplay_gives_the_same_bytes(corpus):
    sp = parse(corpus("structure.fountain"))

    assert render_pdf(sp) == render_pdf(sp)


def test_a_cue_already_marked_contd_is_not_marked_twice_across_a_page():
    filler = "\n\n".join(f"Line {n}." for n in range(1, 25))
    text = (f"INT. ROOM - DAY\n\n{filler}\n\nBOB (CONT'D)\n"
            "The first sentence runs long enough to wrap. The second one too, it is long. The third.\n(beat)\nDone.\n")

    first, second = (page_lines(page) for page in read_pages(render_pdf(parse(text))))

    assert first[-4:] == ["BOB (CONT'D)", "The first sentence runs long enough", "to wrap.", "(MORE)"]
    assert second == ["2.", "BOB (CONT'D)", "The second one too, it is long. The", "third.", "(beat)", "Done."]


def test_an_empty_screenplay_is_one_blank_page():
    pages = read_pages(render_pdf(parse("")))

    assert [page_lines(page) for page in pages] == [[]]


def test_a_paragraph_longer_than_a_page_and_a_half_prints_its_start_and_says_what_is_left_out():
    from studio.screenplay.fountain.pdf import MAX_PRINTED_CHARS, layout

    # given an action paragraph of 1 MB
    sp = parse("INT. ROOM - DAY\n\n" + "word " * 200_000 + "\n")

    # when it is laid out and rendered
    pages = layout(sp)
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(render_pdf(sp))).pages)

    # then it prints its first MAX_PRINTED_CHARS characters and a note of the rest, on two pages
    assert len(pages) == 2
    assert text.count("word") == MAX_PRINTED_CHARS // 5
    assert "[… 995,000 more characters not printed]" in text
