"""Final Draft in and out: every paragraph type, title pages, round trips, and unsafe XML refused."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from studio.screenplay.fountain import Element, Screenplay, parse, read_fdx, write_fdx, write_fountain

from .conftest import CORPUS, read_corpus

FOUNTAIN_FILES = sorted(path.name for path in CORPUS.glob("*.fountain"))


def essence(sp: Screenplay) -> list[tuple]:
    return [(e.kind, e.text, e.scene_number, e.dual, e.depth, e.notes) for e in sp.elements]


def fdx_corpus(name: str) -> bytes:
    return (CORPUS / name).read_bytes()


@pytest.mark.parametrize("name", FOUNTAIN_FILES)
def test_fountain_to_fdx_and_back_keeps_every_element_and_the_title_page(name):
    # given
    sp = parse(read_corpus(name))

    # when
    back = read_fdx(write_fdx(sp))

    # then
    assert essence(back) == essence(sp)
    assert back.title_page == sp.title_page


def test_a_final_draft_file_with_every_paragraph_type_reads_into_elements():
    # when
    sp = read_fdx(fdx_corpus("every_paragraph.fdx"))

    # then
    assert [(e.kind, e.text) for e in sp.elements] == [
        ("section", "ACT ONE"),
        ("synopsis", "Elin keeps the lamp alive."),
        ("scene_heading", "INT. LAMP ROOM - NIGHT"),
        ("action", "The lamp turns. She is *soaked*. She drops her _**keys**_."),
        ("character", "ELIN (V.O.)"),
        ("parenthetical", "(quietly)"),
        ("dialogue", "Thirty years."),
        ("parenthetical", "(beat)"),
        ("dialogue", "Every night."),
        ("character", "ELIN"),
        ("dialogue", "Hold on!"),
        ("character", "SAILOR"),
        ("dialogue", "I can't!"),
        ("action", "CLOSE ON THE LAMP"),  # a Shot
        ("note", "Check the lamp model."),
        ("lyric", "Row, row, row your boat"),
        ("transition", "CUT TO:"),
        ("section", "The wreck"),
        ("page_break", ""),
        ("scene_heading", "EXT. CLIFF - DAWN"),
        ("action", "ACT TWO"),  # New Act
        ("action", "ELIN, SAILOR"),  # Cast List
        ("centered", "THE END"),
        ("action", "END OF ACT TWO"),  # End of Act
    ]
    heading, sailor = sp.elements[2], sp.elements[11]
    assert (heading.scene_number, sailor.dual, sp.elements[6].notes, sp.elements[17].depth) == (
        "7B", True, ["Too long?"], 2)


def test_a_final_draft_title_page_is_read_by_where_its_blocks_stand():
    sp = read_fdx(fdx_corpus("every_paragraph.fdx"))

    assert sp.title_page == {
        "Title": ["_The Long Night_"],
        "Credit": ["Written by"],
        "Author": ["Ana Lima"],
        "Draft date": ["Second draft", "2 May 2026"],
        "Contact": ["Ana Lima", "ana@example.com"],
        "Copyright": ["Copyright (c) 2026 Ana Lima"],
    }


def test_a_read_fdx_screenplay_has_source_lines_from_its_fountain_form():
    sp = read_fdx(fdx_corpus("every_paragraph.fdx"))

    assert sp.source == write_fountain(sp)
    assert [(s.heading, s.number, s.line, s.end_line, s.characters) for s in sp.scenes()] == [
        ("INT. LAMP ROOM - NIGHT", "7B", 15, 42, ["ELIN", "SAILOR"]),
        ("EXT. CLIFF - DAWN", None, 43, 52, []),
    ]


def test_write_fdx_emits_final_draft_paragraphs_styles_and_dual_dialogue():
    # given
    sp = parse(
        "INT. HOUSE - DAY #3#\n\nShe is *soaked*.\n\n> THE END <\n\nBOB\nHi.\n\nELIN ^\nHo.\n\n===\n\n~La la\n"
    )

    # when
    root = ET.fromstring(write_fdx(sp))

    # then
    paragraphs = root.find("Content")
    assert [(p.get("Type"), p.get("Number"), p.get("Alignment"), p.get("StartsNewPage")) for p in paragraphs] == [
        ("Scene Heading", "3", None, None), ("Action", None, None, None), ("Action", None, "Center", None),
        (None, None, None, None), ("Lyrics", None, None, "Yes"),
    ]
    assert [(t.text, t.get("Style")) for t in paragraphs[1].findall("Text")] == [
        ("She is ", None), ("soaked", "Italic"), (".", None)]
    dual = paragraphs[3].find("DualDialogue")
    assert [(p.get("Type"), p.findtext("Text")) for p in dual] == [
        ("Character", "BOB"), ("Dialogue", "Hi."), ("Character", "ELIN"), ("Dialogue", "Ho.")]


def test_title_page_keys_fdx_cannot_place_are_written_with_their_key():
    sp = Screenplay(title_page={"Title": ["Tides"], "Notes": ["First pass"], "Revision": ["Blue"]},
                    elements=[Element("action", "Waves.")])

    back = read_fdx(write_fdx(sp))

    assert back.title_page == {"Title": ["Tides"], "Notes": ["First pass"], "Revision": ["Blue"]}


@pytest.mark.parametrize(("name", "reason"), [
    ("billion_laughs.fdx", "it declares a DTD"),
    ("external_entity.fdx", "it declares a DTD"),
])
def test_xml_entity_tricks_are_refused(name, reason):
    with pytest.raises(ValueError, match=f"Refused FDX file: {reason}"):
        read_fdx(fdx_corpus(name))


@pytest.mark.parametrize(("data", "message"), [
    (b"<FinalDraft><Content>", "Not a valid FDX file: the XML is malformed"),
    (b"", "Not a valid FDX file: the XML is malformed"),
    (b"<html><body/></html>", "Not a Final Draft file: the document element is <html>, not <FinalDraft>."),
])
def test_malformed_or_foreign_xml_is_refused(data, message):
    with pytest.raises(ValueError, match=message.replace(".", r"\.")):
        read_fdx(data)
