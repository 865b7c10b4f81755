"""Fountain → elements with their source lines, over a corpus that covers every element kind and edge case."""

from __future__ import annotations

import pytest

from studio.screenplay.fountain import Element, parse

from .conftest import read_corpus


def table(text: str) -> list[tuple[str, str, int, int]]:
    return [(e.kind, e.text, e.line, e.end_line) for e in parse(text).elements]


EXPECTED = {
    "title_page.fountain": [
        ("action", "FADE IN:", 11, 11),
        ("scene_heading", "EXT. LIGHTHOUSE - NIGHT", 13, 13),
        ("action", "Rain.", 15, 15),
    ],
    "headings.fountain": [
        ("scene_heading", "INT. KITCHEN - DAY", 0, 0),
        ("scene_heading", "EXT. HARBOUR - NIGHT", 2, 2),
        ("scene_heading", "int. lighthouse stairs - continuous", 4, 4),
        ("scene_heading", "EST. VILLAGE - DAWN", 6, 6),
        ("scene_heading", "INT./EXT. CAR - MOVING - DAY", 8, 8),
        ("scene_heading", "I/E BOAT - LATER", 10, 10),
        ("scene_heading", "FLASHBACK - 1985", 12, 12),
        ("action", "...and then nothing.", 14, 14),
        ("action", "INT. THIS IS ACTION", 16, 16),
        ("action", "INT. NO BLANK AFTER\nShe waits.", 18, 19),
        ("action", "She waits again.\nEXT. NO BLANK BEFORE", 21, 22),
        ("action", "INTERIOR DESIGN is her passion.", 24, 24),
    ],
    "dialogue.fountain": [
        ("scene_heading", "INT. LIGHTHOUSE - NIGHT", 0, 0),
        ("character", "ELIN (V.O.)", 2, 2),
        ("dialogue", "I kept the lamp for thirty years.", 3, 3),
        ("character", "ELIN (CONT'D)", 5, 5),
        ("parenthetical", "(quietly)", 6, 6),
        ("dialogue", "Every night.", 7, 7),
        ("parenthetical", "(beat)", 8, 8),
        ("dialogue", "Every single night.", 9, 9),
        ("character", "McCLANE", 11, 11),
        ("dialogue", "Yippee ki-yay.", 12, 12),
        ("character", "JONAS (O.S.) (CONT’D)", 14, 14),
        ("dialogue", "Ten.\nFour.\n\nAnd the rest.", 15, 18),
        ("character", "BRIGHT", 20, 20),
        ("dialogue", "Indented cue and speech.", 21, 21),
        ("character", "ELIN", 23, 23),
        ("dialogue", "Both at once.", 24, 24),
        ("character", "HANS (on the radio)", 26, 26),
        ("dialogue", "Lowercase extension.", 27, 27),
        ("character", "R2D2", 29, 29),
        ("dialogue", "Beep.", 30, 30),
        ("character", "ÉLODIE", 32, 32),
        ("dialogue", "Ça va, *vraiment* ?", 33, 33),
        ("action", "BOOM", 35, 35),
    ],
    "transitions.fountain": [
        ("action", "Rain on the glass.", 0, 0),
        ("transition", "CUT TO:", 2, 2),
        ("transition", "SMASH CUT TO BLACK.", 4, 4),
        ("centered", "THE END", 6, 6),
        ("action", "Cut to: the harbour.", 8, 8),
        ("action", "DISSOLVE TO:\nThe harbour at dawn.", 10, 11),
        ("transition", "Burn to white.", 13, 13),
    ],
    "structure.fountain": [
        ("section", "ACT ONE", 0, 0),
        ("section", "The storm", 2, 2),
        ("synopsis", "Elin keeps the lamp alive.", 4, 4),
        ("section", "Night", 6, 6),
        ("scene_heading", "INT. LAMP ROOM - NIGHT", 8, 8),
        ("synopsis", "Elin climbs.", 9, 9),
        ("lyric", "Row, row, row your boat\nGently down the stream", 11, 12),
        ("character", "ELIN", 14, 14),
        ("lyric", "Merrily, merrily", 15, 15),
        ("dialogue", "Life is but a dream.", 16, 16),
        ("page_break", "", 18, 18),
        ("action", "The next morning.", 20, 20),
    ],
    "notes_boneyard.fountain": [
        ("scene_heading", "INT. LAMP ROOM - NIGHT", 0, 0),
        ("action", "Elin lights the lamp. It flickers.", 2, 2),
        ("note", "A note on its own.", 4, 4),
        ("note", "A note\nover two lines.", 6, 7),
        ("character", "ELIN", 9, 9),
        ("dialogue", "First line.\nSecond line.", 10, 13),  # the one-line boneyard does not end the speech
        ("transition", "CUT TO:", 21, 21),  # a boneyard over several lines reads as a blank line
        ("scene_heading", "EXT. CLIFF - NIGHT", 25, 25),
        ("action", "The wind rises.", 27, 27),
        ("action", "He types /* and stops.", 29, 29),  # never closed: plain text
        ("action", "Half a [[note", 31, 31),  # not closed before a blank line: plain text
        ("action", "And the rest.", 33, 33),
    ],
    "emphasis.fountain": [
        ("scene_heading", "EXT. CLIFF - NIGHT", 0, 0),
        ("action", "The sea is *black*, **loud** and ***cold***. She _never_ looks down.", 2, 2),
        ("action", "    A tab-indented line.\n    Four spaces in.", 4, 5),
        ("action", "Steel enters the code: **\\*9765\\***", 7, 7),
        ("character", "ELIN", 9, 9),
        ("dialogue", "*Please* hold.", 10, 10),
    ],
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_corpus_script_parses_to_its_exact_elements(name):
    # given
    text = read_corpus(name)

    # when
    elements = table(text)

    # then
    assert elements == EXPECTED[name]


def test_the_title_page_keeps_keys_as_written_and_multi_line_values(corpus):
    sp = parse(corpus("title_page.fountain"))

    assert sp.title_page == {
        "Title": ["_**THE LONG NIGHT**_", "A Lighthouse Story"],
        "Credit": ["Written by"],
        "Author": ["Ana Lima"],
        "Source": ["Based on a true story"],
        "Draft date": ["2 May 2026"],
        "Contact": ["Ana Lima", "ana@example.com"],
    }
    assert list(sp.title_page) == ["Title", "Credit", "Author", "Source", "Draft date", "Contact"]


def test_a_known_title_key_ends_the_title_page_at_the_first_other_line():
    sp = parse("Title: Tides\nAuthor: Ana\nA wave breaks.\n\nINT. HOUSE - DAY\n")

    assert sp.title_page == {"Title": ["Tides"], "Author": ["Ana"]}
    assert table(sp.source) == [("action", "A wave breaks.", 2, 2), ("scene_heading", "INT. HOUSE - DAY", 4, 4)]


def test_an_action_line_with_a_colon_is_not_a_title_page():
    sp = parse("Paris: 1942. Rain.\nA car passes.\n")

    assert sp.title_page == {}
    assert table(sp.source) == [("action", "Paris: 1942. Rain.\nA car passes.", 0, 1)]


def test_cues_carry_name_extensions_and_the_dual_flag(corpus):
    cues = [e for e in parse(corpus("dialogue.fountain")).elements if e.kind == "character"]

    assert [(e.name, e.extensions, e.dual) for e in cues] == [
        ("ELIN", ["V.O."], False),
        ("ELIN", ["CONT'D"], False),
        ("McCLANE", [], False),
        ("JONAS", ["O.S.", "CONT’D"], False),
        ("BRIGHT", [], False),
        ("ELIN", [], True),
        ("HANS", ["on the radio"], False),
        ("R2D2", [], False),
        ("ÉLODIE", [], False),
    ]


def test_forced_scene_numbers_are_taken_off_the_heading(corpus):
    headings = [e for e in parse(corpus("headings.fountain")).elements if e.kind == "scene_heading"]

    assert [e.scene_number for e in headings] == [None, "12A", None, None, None, None, None]


def test_sections_carry_their_depth(corpus):
    sections = [e for e in parse(corpus("structure.fountain")).elements if e.kind == "section"]

    assert [(e.text, e.depth) for e in sections] == [("ACT ONE", 1), ("The storm", 2), ("Night", 3)]


def test_inline_notes_leave_the_text_and_stay_with_their_element(corpus):
    elements = parse(corpus("notes_boneyard.fountain")).elements

    assert [(e.kind, e.notes) for e in elements if e.notes] == [
        ("action", ["Is it electric by 1985?"]),
        ("dialogue", ["Louder here?"]),
    ]


def test_a_note_spanning_lines_inside_action_joins_the_text_around_it():
    sp = parse("She waits.[[Two\nlines.]] Then she runs.\n")

    assert sp.elements == [Element("action", "She waits. Then she runs.", 0, 1, notes=["Two\nlines."])]


def test_line_numbers_follow_crlf_and_cr_line_breaks_and_ignore_a_byte_order_mark():
    text = "\ufeffINT. HOUSE - DAY\r\n\r\nBOB\r\nHi.\r\rCUT TO:\r\n"

    assert table(text) == [
        ("scene_heading", "INT. HOUSE - DAY", 0, 0),
        ("character", "BOB", 2, 2),
        ("dialogue", "Hi.", 3, 3),
        ("transition", "CUT TO:", 5, 5),
    ]


def test_an_empty_text_is_an_empty_screenplay():
    sp = parse("")

    assert (sp.title_page, sp.elements, sp.scenes(), sp.characters()) == ({}, [], [], [])


def test_an_unknown_kind_is_refused():
    with pytest.raises(ValueError, match="Unknown element kind 'shot'"):
        Element("shot", "CLOSE ON ELIN")


def test_two_space_lines_join_a_paragraph_only_inside_it():
    text = "BOB\n  \n\nELIN\nOne.\n  \nTwo.\n  \n\nAction one.\n  \nAction two.\n"

    assert table(text) == [
        ("action", "BOB", 0, 0),  # a cue needs a line of text after it
        ("character", "ELIN", 3, 3),
        ("dialogue", "One.\n\nTwo.", 4, 6),
        ("action", "Action one.\n\nAction two.", 9, 11),
    ]


@pytest.mark.parametrize(("title_page", "title"), [
    ("Title:\n    _**BRICK & STEEL**_\n    _**FULL RETIRED**_\n", "BRICK & STEEL FULL RETIRED"),
    ("Title: *Night* **Ferry**\n", "Night Ferry"),
    ("Title: snake_case_title\n", "snake_case_title"),
    ("Author: June Park\n", ""),
])
def test_the_title_is_plain_text_read_line_by_line(title_page, title):
    assert parse(title_page + "\nEXT. HARBOUR - NIGHT\n\nFog.\n").title() == title
