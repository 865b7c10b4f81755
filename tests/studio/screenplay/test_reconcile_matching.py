"""Scene identity through edits: which old scene each scene of the new text is (pure matching)."""

from __future__ import annotations

import pytest

from studio.screenplay.reconcile import Matching, New, Old, match

LAMP = ("INT. LAMP ROOM - NIGHT", "Elin trims the wick, then freezes.\n\nELIN\nNobody swims here.")
SHORE = ("EXT. SHORE - DAWN", "Elin drags the stranger out of the surf.\n\nTHE STRANGER\nIs the light still burning?")
KITCHEN = ("INT. KITCHEN - DAY", "Tomas unloads supplies. He stops when he sees the stranger by the stove.")
ROCK = ("EXT. SKARV ROCK - NIGHT", "A storm hammers a lone lighthouse. The beam sweeps the black water.")


def olds(*scenes):
    return [Old(id=100 + i, heading=h, body=b, position=i) for i, (h, b) in enumerate(scenes)]


def news(*scenes):
    return [New(heading=h, body=b, position=i) for i, (h, b) in enumerate(scenes)]


CASES = {
    "nothing changed": (
        (ROCK, LAMP, SHORE), (ROCK, LAMP, SHORE), Matching(kept={0: 100, 1: 101, 2: 102})),
    "a heading renamed": (
        (ROCK, LAMP, SHORE), (ROCK, ("INT. LANTERN GALLERY - NIGHT", LAMP[1]), SHORE),
        Matching(kept={0: 100, 1: 101, 2: 102})),
    "a body rewritten": (
        (ROCK, LAMP, SHORE), (ROCK, (LAMP[0], "Elin polishes the great lens. Outside, nothing but fog."), SHORE),
        Matching(kept={0: 100, 1: 101, 2: 102})),
    "heading and body both edited a little": (
        (ROCK, LAMP, SHORE),
        (ROCK, ("INT. LAMP ROOM - LATER", LAMP[1].replace("freezes", "stops")), SHORE),
        Matching(kept={0: 100, 1: 101, 2: 102})),
    "a scene inserted before": (
        (LAMP, SHORE), (ROCK, LAMP, SHORE), Matching(kept={1: 100, 2: 101})),
    "two scenes swapped": (
        (ROCK, LAMP, SHORE), (ROCK, SHORE, LAMP), Matching(kept={0: 100, 1: 102, 2: 101})),
    "a scene deleted": (
        (ROCK, LAMP, SHORE), (ROCK, SHORE), Matching(kept={0: 100, 1: 102}, gone=[101])),
    "a heading deleted: its scene is gone, not merged into the scene above": (
        (ROCK, LAMP, SHORE), (ROCK, (LAMP[0], LAMP[1] + "\n\n" + SHORE[1])),
        Matching(kept={0: 100, 1: 101}, gone=[102])),
    "the heading above renamed as the heading below is deleted: the scene above is still itself": (
        (ROCK, LAMP, SHORE), (("EXT. SKARV REEF - NIGHT", ROCK[1] + "\n\n" + LAMP[1]), SHORE),
        Matching(kept={0: 100, 1: 102}, gone=[101])),
    "a deleted heading comes back (undo, or typed again): its scene is found again": (
        (ROCK, SHORE, LAMP), (ROCK, LAMP, SHORE), Matching(kept={0: 100, 1: 102, 2: 101})),
    "a scene cut and pasted elsewhere": (
        (ROCK, LAMP, SHORE), (LAMP, ROCK, SHORE), Matching(kept={0: 101, 1: 100, 2: 102})),
    "everything replaced": (
        (ROCK, LAMP), (KITCHEN,), Matching(kept={}, gone=[100, 101])),
    "the same heading twice keeps each in place": (
        (LAMP, SHORE, LAMP), (LAMP, SHORE, LAMP, KITCHEN), Matching(kept={0: 100, 1: 101, 2: 102})),
    "a scene split in two": (
        (ROCK, LAMP),
        (ROCK, (LAMP[0], "Elin trims the wick, then freezes."), ("INT. STAIRS - NIGHT", "ELIN\nNobody swims here.")),
        Matching(kept={0: 100, 1: 101})),
}


@pytest.mark.parametrize(("before", "after", "expected"), CASES.values(), ids=CASES.keys())
def test_scenes_keep_their_identity_through_edits(before, after, expected):
    assert match(olds(*before), news(*after)) == expected
