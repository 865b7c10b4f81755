"""Scenes and speaking characters, as the studio reconciles Scene rows and the navigator jumps to lines."""

from __future__ import annotations

from studio.screenplay.fountain import CharacterInfo, parse


def test_scenes_span_from_their_heading_to_the_line_before_the_next(corpus):
    # given
    sp = parse(corpus("scenes.fountain"))

    # when
    scenes = sp.scenes()

    # then: text before the first heading is no scene; the last scene runs to the last line
    assert [(s.heading, s.line, s.end_line) for s in scenes] == [
        ("INT. LAMP ROOM - NIGHT", 6, 21),
        ("EXT./INT. CAR - MOVING - CONTINUOUS", 22, 23),
        ("I/E BOAT - MOMENTS LATER", 24, 25),
        ("EST. VILLAGE", 26, 27),
        ("FLASHBACK - 1985", 28, 32),
        ("INT. HOUSE - KITCHEN", 33, 37),
    ]


def test_headings_split_into_int_ext_location_and_time_of_day(corpus):
    scenes = parse(corpus("scenes.fountain")).scenes()

    assert [(s.int_ext, s.location, s.time_of_day, s.number) for s in scenes] == [
        ("INT", "LAMP ROOM", "NIGHT", "4"),
        ("INT/EXT", "CAR - MOVING", "CONTINUOUS", None),
        ("INT/EXT", "BOAT", "MOMENTS LATER", None),
        ("EXT", "VILLAGE", "", None),
        ("", "FLASHBACK", "1985", None),
        ("INT", "HOUSE - KITCHEN", "", None),  # KITCHEN is no time of day
    ]


def test_more_heading_forms_normalise_as_documented():
    text = "\n\n".join([
        "int. kitchen - night", "INT.-EXT. PORCH - DUSK", "E/I TRUCK - 3:15 AM", "INT. CAFÉ – NUIT",
        "EXT. PIER - LATER THAT NIGHT", ".INT. SPACESHIP - DAY",
    ])

    scenes = parse(text).scenes()

    assert [(s.int_ext, s.location, s.time_of_day) for s in scenes] == [
        ("INT", "kitchen", "night"),
        ("INT/EXT", "PORCH", "DUSK"),
        ("INT/EXT", "TRUCK", "3:15 AM"),
        ("INT", "CAFÉ", "NUIT"),
        ("EXT", "PIER", "LATER THAT NIGHT"),
        ("INT", "SPACESHIP", "DAY"),
    ]


def test_a_scene_body_is_its_source_after_the_heading_without_boneyard(corpus):
    first = parse(corpus("scenes.fountain")).scenes()[0]

    assert first.body == (
        "ELIN (V.O.)\nThe lamp.\n\n"
        "JONAS (O.S.)\n(calling)\nElin!\n\n"
        "ELIN (CONT’D)\nComing."
    )


def test_a_scene_lists_its_elements_and_who_speaks_in_it(corpus):
    scenes = parse(corpus("scenes.fountain")).scenes()

    assert [(e.kind, e.line) for e in scenes[0].elements] == [
        ("character", 8), ("dialogue", 9), ("character", 15), ("parenthetical", 16), ("dialogue", 17),
        ("character", 19), ("dialogue", 20),
    ]
    assert [s.characters for s in scenes] == [["ELIN", "JONAS"], [], [], [], [], ["MCCLANE"]]


def test_characters_are_normalised_with_their_extensions_and_speeches(corpus):
    sp = parse(corpus("scenes.fountain"))

    assert sp.characters() == [
        CharacterInfo("ELIN", ["V.O.", "CONT'D"], 2),
        CharacterInfo("JONAS", ["O.S."], 1),
        CharacterInfo("MCCLANE", [], 1),
    ]


def test_dual_dialogue_and_every_extension_form_count_for_one_character(corpus):
    sp = parse(corpus("dialogue.fountain"))

    assert sp.characters() == [
        CharacterInfo("ELIN", ["V.O.", "CONT'D"], 3),
        CharacterInfo("MCCLANE", [], 1),
        CharacterInfo("JONAS", ["O.S.", "CONT'D"], 1),
        CharacterInfo("BRIGHT", [], 1),
        CharacterInfo("HANS", ["ON THE RADIO"], 1),
        CharacterInfo("R2D2", [], 1),
        CharacterInfo("ÉLODIE", [], 1),
    ]
