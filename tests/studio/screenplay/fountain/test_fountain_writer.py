"""Screenplay → Fountain: a parse of the output is a fixed point, and elements are forced only where needed."""

from __future__ import annotations

import pytest

from studio.screenplay.fountain import Element, Screenplay, parse, write_fountain

from .conftest import CORPUS, read_corpus

FOUNTAIN_FILES = sorted(path.name for path in CORPUS.glob("*.fountain"))


def essence(sp: Screenplay) -> list[tuple]:
    """Everything about the elements but their source lines."""
    return [(e.kind, e.text, e.scene_number, e.name, e.extensions, e.dual, e.depth, e.notes) for e in sp.elements]


@pytest.mark.parametrize("name", FOUNTAIN_FILES)
def test_writing_then_parsing_is_a_fixed_point(name):
    # given
    parsed = parse(read_corpus(name))

    # when
    written = write_fountain(parsed)
    reparsed = parse(written)

    # then
    assert essence(reparsed) == essence(parsed)
    assert reparsed.title_page == parsed.title_page
    assert write_fountain(reparsed) == written


def test_the_title_page_and_blocks_are_written_in_the_usual_layout(corpus):
    written = write_fountain(parse(corpus("title_page.fountain")))

    assert written == (
        "Title:\n    _**THE LONG NIGHT**_\n    A Lighthouse Story\n"
        "Credit: Written by\nAuthor: Ana Lima\nSource: Based on a true story\nDraft date: 2 May 2026\n"
        "Contact:\n    Ana Lima\n    ana@example.com\n\n"
        "FADE IN:\n\nEXT. LIGHTHOUSE - NIGHT\n\nRain.\n"
    )


def test_elements_are_forced_only_where_they_would_read_as_something_else():
    sp = Screenplay(elements=[
        Element("scene_heading", "INT. HOUSE - DAY", scene_number="3"),
        Element("scene_heading", "FLASHBACK"),
        Element("action", "INT. NOT A HEADING"),
        Element("action", "BOOM\nThe door gives."),
        Element("action", "~not a lyric\n# not a section"),
        Element("character", "McCLANE", name="McCLANE"),
        Element("dialogue", "Hi.\n\nThere."),
        Element("character", "ELIN", name="ELIN", dual=True),
        Element("parenthetical", "(beat)"),
        Element("dialogue", "Yes."),
        Element("transition", "CUT TO:"),
        Element("transition", "Fade out."),
        Element("centered", "THE END"),
        Element("lyric", "La\nLa la"),
        Element("section", "Act", depth=2),
        Element("synopsis", "She leaves."),
        Element("note", "Check this."),
        Element("page_break", ""),
        Element("action", "Done.", notes=["last line"]),
    ])

    assert write_fountain(sp) == (
        "INT. HOUSE - DAY #3#\n\n.FLASHBACK\n\n!INT. NOT A HEADING\n\n!BOOM\nThe door gives.\n\n"
        "!~not a lyric\n!# not a section\n\n@McCLANE\nHi.\n  \nThere.\n\nELIN ^\n(beat)\nYes.\n\n"
        "CUT TO:\n\n> Fade out.\n\n> THE END <\n\n~La\n~La la\n\n## Act\n\n= She leaves.\n\n[[Check this.]]\n\n"
        "===\n\nDone. [[last line]]\n"
    )
    assert essence(parse(write_fountain(sp))) == essence(sp)


def test_an_action_that_looks_like_a_title_page_is_forced_when_there_is_none():
    sp = Screenplay(elements=[Element("action", "Note: the sea is calm.")])

    assert write_fountain(sp) == "!Note: the sea is calm.\n"
    assert parse(write_fountain(sp)).elements == [Element("action", "Note: the sea is calm.", 0, 0)]
