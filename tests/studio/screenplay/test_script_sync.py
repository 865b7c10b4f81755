"""The script's text drives its scenes and suggests its characters: identities, omissions, shots kept."""

from __future__ import annotations

import pytest

from studio.cast import services as cast_services
from studio.cast.models import Character, DismissedCue
from studio.screenplay import services as script_services
from studio.screenplay.models import Scene
from studio.shots.models import Shot
from tests import factories

ROCK = "EXT. SKARV ROCK - NIGHT\n\nA storm hammers a lone lighthouse.\n"
LAMP = "INT. LAMP ROOM - NIGHT\n\nElin trims the wick, then freezes.\n\nELIN\nNobody swims here.\n"
SHORE = "EXT. SHORE - DAWN\n\nElin drags THE STRANGER out of the surf.\n\nTHE STRANGER\nIs the light still burning?\n"
KITCHEN = "INT. KITCHEN - DAY\n\nTomas unloads supplies.\n"


def script_text(*scenes: str) -> str:
    return "\n".join(scenes)


def write(project, text: str):
    script = project.scripts.get()
    script_services.script_update(actor=factories.owner_of(project), script=script, changes={"fountain": text})
    return script


def scenes_now(project) -> list[tuple[int, str, str, bool]]:
    return list(Scene.objects.filter(project=project).order_by("order")
                .values_list("pk", "number", "location", "omitted"))


@pytest.fixture
def lighthouse(db):
    """Three scenes from the script, each with a shot; ids by name."""
    owner = factories.make_user("theo")
    project = factories.make_project(owner=owner, title="The Lighthouse")
    factories.make_character(project, name="Elin")
    factories.make_character(project, name="The Stranger")
    write(project, script_text(ROCK, LAMP, SHORE))
    ids = dict(Scene.objects.filter(project=project).values_list("location", "pk"))
    shots = {name: factories.make_shot(Scene.objects.get(pk=pk)).pk for name, pk in ids.items()}
    return project, {"ROCK": ids["SKARV ROCK"], "LAMP": ids["LAMP ROOM"], "SHORE": ids["SHORE"]}, shots


def test_the_script_makes_numbered_scenes_with_their_lines(lighthouse):
    project, _ids, _ = lighthouse

    rows = list(Scene.objects.filter(project=project).order_by("order").values_list(
        "number", "int_ext", "location", "time_of_day", "line", "in_script", "omitted"))

    assert rows == [
        ("1", "EXT", "SKARV ROCK", "NIGHT", 0, True, False),
        ("2", "INT", "LAMP ROOM", "NIGHT", 4, True, False),
        ("3", "EXT", "SHORE", "DAWN", 11, True, False),
    ]


EDITS = {
    "rename a heading": (
        lambda: script_text(ROCK, LAMP.replace("LAMP ROOM", "LANTERN GALLERY"), SHORE),
        [("ROCK", "1", "SKARV ROCK", False), ("LAMP", "2", "LANTERN GALLERY", False), ("SHORE", "3", "SHORE", False)],
        {"ROCK": "ROCK", "LAMP": "LAMP", "SHORE": "SHORE"}),
    "insert a scene before": (
        lambda: script_text(KITCHEN, ROCK, LAMP, SHORE),
        [(None, "1", "KITCHEN", False), ("ROCK", "2", "SKARV ROCK", False), ("LAMP", "3", "LAMP ROOM", False),
         ("SHORE", "4", "SHORE", False)],
        {"ROCK": "ROCK", "LAMP": "LAMP", "SHORE": "SHORE"}),
    "swap two scenes": (
        lambda: script_text(ROCK, SHORE, LAMP),
        [("ROCK", "1", "SKARV ROCK", False), ("SHORE", "2", "SHORE", False), ("LAMP", "3", "LAMP ROOM", False)],
        {"ROCK": "ROCK", "LAMP": "LAMP", "SHORE": "SHORE"}),
    "delete a scene (its shot is kept, orphaned)": (
        lambda: script_text(ROCK, SHORE),
        [("ROCK", "1", "SKARV ROCK", False), ("SHORE", "2", "SHORE", False), ("LAMP", "2", "LAMP ROOM", True)],
        {"ROCK": "ROCK", "LAMP": "LAMP", "SHORE": "SHORE"}),
    "delete a heading (its text joins the scene above; its shot stays its own, orphaned)": (
        lambda: script_text(ROCK, LAMP + "\n" + SHORE.split("\n", 2)[2]),
        [("ROCK", "1", "SKARV ROCK", False), ("LAMP", "2", "LAMP ROOM", False), ("SHORE", "3", "SHORE", True)],
        {"ROCK": "ROCK", "LAMP": "LAMP", "SHORE": "SHORE"}),
}


@pytest.mark.parametrize(("edit", "expected_scenes", "shot_homes"), EDITS.values(), ids=EDITS.keys())
def test_scenes_keep_their_identity_and_their_shots_through_script_edits(lighthouse, edit, expected_scenes,
                                                                           shot_homes):
    project, ids, shots = lighthouse

    write(project, edit())

    rows = scenes_now(project)
    assert [(next((k for k, v in ids.items() if v == pk), None), number, location, omitted)
            for pk, number, location, omitted in rows] == expected_scenes
    homes = {name: Shot.objects.get(pk=shot).scene_id for name, shot in
             {"ROCK": shots["SKARV ROCK"], "LAMP": shots["LAMP ROOM"], "SHORE": shots["SHORE"]}.items()}
    assert homes == {name: ids[home] for name, home in shot_homes.items()}
    assert Shot.objects.filter(project=project).count() == 3


def test_an_omitted_scene_comes_back_with_its_shots_when_the_text_returns(lighthouse):
    project, ids, _ = lighthouse
    write(project, script_text(ROCK, SHORE))

    write(project, script_text(ROCK, LAMP, SHORE))

    assert [(pk, omitted) for pk, _, _, omitted in scenes_now(project)] == [
        (ids["ROCK"], False), (ids["LAMP"], False), (ids["SHORE"], False)]


def test_a_deleted_scene_without_shots_is_deleted(db):
    project = factories.make_project(owner=factories.make_user("theo"))
    write(project, script_text(ROCK, LAMP))
    lamp = Scene.objects.get(project=project, location="LAMP ROOM").pk

    write(project, script_text(ROCK))

    assert not Scene.objects.filter(pk=lamp).exists()
    assert [location for _, _, location, _ in scenes_now(project)] == ["SKARV ROCK"]


def test_scenes_made_on_the_board_are_left_alone_and_follow_the_scripted_ones(lighthouse):
    project, _ids, _ = lighthouse
    planned = factories.make_scene(project, location="Drone plate")

    write(project, script_text(KITCHEN, ROCK, LAMP, SHORE))

    assert [location for _, _, location, _ in scenes_now(project)] == [
        "KITCHEN", "SKARV ROCK", "LAMP ROOM", "SHORE", "Drone plate"]
    assert Scene.objects.get(pk=planned.pk).in_script is False


def test_a_forced_scene_number_is_kept(db):
    project = factories.make_project(owner=factories.make_user("theo"))

    write(project, script_text(ROCK.replace("NIGHT", "NIGHT #12A#"), LAMP))

    assert [number for _, number, _, _ in scenes_now(project)] == ["12A", "2"]


# --- Characters -------------------------------------------------------------------------------


def test_cues_that_name_nobody_become_suggested_characters(lighthouse):
    project, _, _ = lighthouse

    write(project, script_text(ROCK, LAMP, SHORE, "INT. KITCHEN - DAY\n\nTOMAS (V.O.)\nWho is he?\n\n"
                                                   "ELIN (CONT'D)\nI don't know.\n\n@McCLANE\nYippee.\n"))

    cast = list(Character.objects.filter(project=project).order_by("name").values_list("name", "suggested"))
    assert cast == [("Elin", False), ("McCLANE", True), ("The Stranger", False), ("Tomas", True)]


def test_a_cue_matching_an_alias_is_that_character(lighthouse):
    project, _, _ = lighthouse
    elin = Character.objects.get(project=project, name="Elin")
    cast_services.character_update(actor=factories.owner_of(project), character=elin, expected_version=1,
                                   changes={"aliases": ["THE KEEPER"]})

    write(project, script_text(ROCK, "INT. STAIRS - NIGHT\n\nTHE KEEPER\nWho's there?\n"))

    assert list(Character.objects.filter(project=project, suggested=True)) == []


def test_a_suggestion_whose_cue_is_gone_goes_but_a_dismissed_cue_is_not_suggested_again(lighthouse):
    project, _, _ = lighthouse
    with_tomas = script_text(ROCK, "INT. KITCHEN - DAY\n\nTOMAS\nWho is he?\n\nCROWD\nWho!\n")
    write(project, with_tomas)
    crowd = Character.objects.get(project=project, name="Crowd")
    cast_services.character_dismiss(actor=factories.owner_of(project), character=crowd)

    write(project, script_text(ROCK))
    write(project, with_tomas + "\n")

    assert DismissedCue.objects.filter(project=project).values_list("name", flat=True).get() == "CROWD"
    assert list(Character.objects.filter(project=project, suggested=True).values_list("name", flat=True)) == [
        "Tomas"]


def test_a_settled_script_keeps_its_cues_each_as_first_written(lighthouse):
    project, _, _ = lighthouse

    script = write(project, script_text(ROCK, LAMP, SHORE, "INT. KITCHEN - DAY\n\n@McCLANE\nYippee.\n\n"
                                                           "ELIN (CONT'D)\nWho?\n\nMCCLANE\nMe.\n"))

    script.refresh_from_db()
    assert script.cues == ["ELIN", "THE STRANGER", "McCLANE"]


def test_a_suggestion_stays_while_another_script_still_has_its_cue(lighthouse):
    project, _, _ = lighthouse
    owner = factories.owner_of(project)
    first = write(project, script_text(ROCK, "INT. KITCHEN - DAY\n\nTOMAS\nWho is he?\n"))
    episode = factories.make_script(project, title="Episode 2", fountain="INT. DECK - DAY\n\nTOMAS\nAhoy.\n")

    # the first script no longer has him; the second still does
    script_services.script_update(actor=owner, script=first, changes={"fountain": script_text(ROCK)})
    still = list(Character.objects.filter(project=project, suggested=True).values_list("name", flat=True))
    script_services.script_update(actor=owner, script=episode, changes={"fountain": "INT. HALL - DAY\n\nQuiet.\n"})
    gone = list(Character.objects.filter(project=project, suggested=True).values_list("name", flat=True))

    assert (still, gone) == (["Tomas"], [])


def test_settling_a_script_parses_its_own_text_only_and_reads_the_same_for_1_or_6_scripts(db, monkeypatch):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from studio.screenplay import fountain

    parsed = []
    real_parse = fountain.parse
    monkeypatch.setattr(fountain, "parse", lambda text: parsed.append(text) or real_parse(text))
    counts = []
    for others in (0, 5):
        project = factories.make_project(title=f"{others} others")
        first = project.scripts.get()
        for i in range(others):
            factories.make_script(project, title=f"Episode {i + 2}", fountain=f"INT. ROOM {i} - DAY\n\nANNA\nHi.\n")
        parsed.clear()
        with CaptureQueriesContext(connection) as queries:
            script_services.script_update(actor=factories.owner_of(project), script=first,
                                          changes={"fountain": script_text(ROCK, LAMP)})
        counts.append(len(queries))
        assert parsed == [script_text(ROCK, LAMP)]

    assert counts[0] == counts[1]


def test_the_migration_gives_existing_scripts_their_cues(lighthouse):
    import importlib

    from django.apps import apps

    from studio.screenplay.models import Script

    project, _, _ = lighthouse
    script = write(project, script_text(ROCK, LAMP, SHORE, "INT. KITCHEN - DAY\n\n@McCLANE\nYippee.\n"))
    empty = factories.make_script(project, title="Empty")
    Script.objects.filter(project=project).update(cues=[])  # as the scripts were before the field

    importlib.import_module("studio.screenplay.migrations.0008_script_cues").store_cues(apps, None)

    assert dict(Script.objects.filter(project=project).values_list("pk", "cues")) == {
        script.pk: ["ELIN", "THE STRANGER", "McCLANE"], empty.pk: []}


# --- Taking scenes out of the script and putting them back: the reconciliation table ------------------------

LAMP_HEADING = "INT. LAMP ROOM - NIGHT\n\n"
WHOLE = script_text(ROCK, LAMP, SHORE)
NO_LAMP_HEADING = WHOLE.replace(LAMP_HEADING, "")
TYPING_IT_BACK = [NO_LAMP_HEADING.replace("Elin trims", "INT. LAMP" + "Elin trims"),  # half typed, no line break yet
                  NO_LAMP_HEADING.replace("Elin trims", "INT. LAMP ROOM - NIGHT\nElin trims"),
                  WHOLE]
ALL_BACK = [("ROCK", "1", "SKARV ROCK", False, ["1A"]), ("LAMP", "2", "LAMP ROOM", False, ["2A"]),
            ("SHORE", "3", "SHORE", False, ["3A"])]
LAMP_ORPHANED = [("ROCK", "1", "SKARV ROCK", False, ["1A"]), ("SHORE", "2", "SHORE", False, ["3A"]),
                 ("LAMP", "2", "LAMP ROOM", True, ["2A"])]

RECONCILIATION = {
    "delete a heading: its scene is orphaned with its shots, none moves to the scene above": (
        [NO_LAMP_HEADING], LAMP_ORPHANED),
    "delete a heading, then undo: the scene is back with its shots": ([NO_LAMP_HEADING, WHOLE], ALL_BACK),
    "delete a heading, then type it back": ([NO_LAMP_HEADING, *TYPING_IT_BACK], ALL_BACK),
    "delete the whole scene's text": ([script_text(ROCK, SHORE)], LAMP_ORPHANED),
    "delete the whole scene's text, then undo": ([script_text(ROCK, SHORE), WHOLE], ALL_BACK),
    "cut a scene and paste it elsewhere": (
        [script_text(ROCK, SHORE), script_text(LAMP, ROCK, SHORE)],
        [("LAMP", "1", "LAMP ROOM", False, ["2A"]), ("ROCK", "2", "SKARV ROCK", False, ["1A"]),
         ("SHORE", "3", "SHORE", False, ["3A"])]),
    "rename the heading above while deleting the heading below, in one write": (
        [NO_LAMP_HEADING.replace("SKARV ROCK", "SKARV REEF")],
        [("ROCK", "1", "SKARV REEF", False, ["1A"]), ("SHORE", "2", "SHORE", False, ["3A"]),
         ("LAMP", "2", "LAMP ROOM", True, ["2A"])]),
}


def board_of(project, ids) -> list[tuple]:
    """(name of the scene's row, number, location, omitted, its shots' numbers) in board order."""
    names = {pk: name for name, pk in ids.items()}
    return [(names.get(scene.pk), scene.number, scene.location, scene.omitted,
             list(scene.shots.order_by("order").values_list("number", flat=True)))
            for scene in Scene.objects.filter(project=project).order_by("order")]


@pytest.mark.parametrize(("edits", "expected"), RECONCILIATION.values(), ids=RECONCILIATION.keys())
def test_a_scene_taken_out_of_the_script_keeps_its_row_and_shots_and_comes_back_with_them(lighthouse, edits,
                                                                                         expected):
    # given three scenes, each with its shot (1A, 2A, 3A)
    project, ids, _ = lighthouse

    # when the script goes through the edits
    for text in edits:
        write(project, text)

    # then no scene took another's shots, no shot was renumbered, and a heading that came back found its row
    assert board_of(project, ids) == expected
    assert Shot.objects.filter(project=project).count() == 3


def test_a_scene_with_a_synopsis_but_no_shots_comes_back_with_it_when_its_heading_does(db):
    # given a scene of the script with a synopsis written on the board, and no shots
    project = factories.make_project(owner=factories.make_user("theo"))
    write(project, WHOLE)
    lamp = Scene.objects.get(project=project, location="LAMP ROOM")
    script_services.scene_update(actor=factories.owner_of(project), scene=lamp, expected_version=lamp.version,
                                 changes={"synopsis": "Elin hears the knock."})

    # when its heading is deleted, then undone
    write(project, NO_LAMP_HEADING)
    omitted = Scene.objects.filter(pk=lamp.pk).values_list("omitted", "synopsis").first()
    write(project, WHOLE)

    # then it was kept, omitted, and is back in the script with its synopsis
    assert omitted == (True, "Elin hears the knock.")
    assert Scene.objects.filter(pk=lamp.pk).values_list("number", "omitted", "synopsis").get() == (
        "2", False, "Elin hears the knock.")


def test_deleting_a_heading_and_undoing_it_through_the_api_keeps_the_scene_and_its_shots(lighthouse, api):
    # given three scenes with their shots
    project, ids, _ = lighthouse
    client = api(factories.owner_of(project))
    script = project.scripts.get()
    url = f"/api/v1/projects/{project.pk}/scripts/{script.pk}/"

    # when a writer deletes the lamp room's heading, reads the scene, then puts the heading back
    deleted = client.patch(url, {"fountain": NO_LAMP_HEADING}, format="json")
    scene = client.get(f"/api/v1/projects/{project.pk}/scenes/{ids['LAMP']}/")
    undone = client.patch(url, {"fountain": WHOLE}, format="json")

    # then the scene stayed readable (omitted) and came back with the same id and its shot, numbers unchanged
    assert (deleted.status_code, undone.status_code) == (200, 200)
    assert (scene.status_code, scene.json()["omitted"], scene.json()["location"]) == (200, True, "LAMP ROOM")
    assert board_of(project, ids) == ALL_BACK


# --- Edits a dead process stored and never settled --------------------------------------------------------


def crash_after_storing(script, text: str, author) -> None:
    """An editor's edit appended to the log as a room stores it, and the process gone before its settle."""
    from studio.screenplay import collab

    collab.append_update(script.pk, collab.replace_text(collab.load_doc(script.pk), text), author_id=author.pk)


def test_edits_stored_but_never_settled_are_settled_when_a_process_starts(lighthouse):
    # given a script whose log holds an edit (a scene inserted) that its process died before settling
    project, ids, _ = lighthouse
    script = project.scripts.get()
    crash_after_storing(script, script_text(KITCHEN, ROCK, LAMP, SHORE), factories.owner_of(project))
    untouched = factories.make_script(project, title="Episode 2", fountain="INT. DECK - DAY\n\nWaves.\n")

    # when a process starts and settles what is pending, then another does
    first = script_services.scripts_settle_pending()
    second = script_services.scripts_settle_pending()

    # then the script's text, scenes and board caught up with its log, once
    script.refresh_from_db()
    assert (first, second) == ([script.pk], [])
    assert script.fountain == script_text(KITCHEN, ROCK, LAMP, SHORE)
    names = {pk: name for name, pk in ids.items()}
    assert [(names.get(pk), number, location) for pk, number, location in
            script.scenes.order_by("order").values_list("pk", "number", "location")] == [
        (None, "1", "KITCHEN"), ("ROCK", "2", "SKARV ROCK"), ("LAMP", "3", "LAMP ROOM"), ("SHORE", "4", "SHORE")]
    assert list(untouched.scenes.values_list("location", flat=True)) == ["DECK"]
