"""A shot's 3D layout: the schema, saving with versions, per-object merges, and the shot kept in step."""

import copy
import json

import pytest

from studio.shots import layout as schema
from studio.shots.models import LayoutVersion, Shot, ShotLayout
from tests import factories


@pytest.fixture
def stage(team):
    factories.make_script(team.project)
    team.scene = factories.make_scene(team.project, location="Lamp room")
    team.elin = factories.make_character(team.project, name="Elin")
    team.shot = factories.make_shot(team.scene, lens_mm=35, size="MS", characters=[team.elin.pk])
    return team


def url(team) -> str:
    return f"/api/v1/projects/{team.project.pk}/shots/{team.shot.pk}/layout/"


def blocked(team, **camera) -> dict:
    layout = schema.empty_layout(focal_mm=35, size="MS")
    layout["camera"].update(camera)
    layout["objects"] = [
        {"id": "elin", "type": "character", "name": "Elin", "character": team.elin.pk, "position": [0, 0, 0],
         "rotation": [0, 180, 0], "height": 1.72, "pose": "stand", "color": "#e4572e"},
        {"id": "table", "type": "table", "name": "Table", "position": [1.5, 0, -0.5], "rotation": [0, 0, 0],
         "scale": [1.2, 0.75, 0.8], "color": "#8a6b4a"},
        {"id": "lamp", "type": "light", "name": "Lamp", "kind": "practical", "position": [1.5, 1.2, -0.5],
         "rotation": [0, 0, 0], "intensity": 2.5, "color": "#ffd8a0"},
    ]
    layout["camera"]["keys"].append({"t": 1.0, "position": [0.5, 1.6, 3.5], "target": [0, 1.4, 0], "roll": 0.0})
    return layout


def save(api, user, team, layout, version):
    return api(user).put(url(team), {"layout": layout}, format="json", HTTP_IF_MATCH=f'"{version}"')


def test_a_shot_never_blocked_reads_as_its_characters_on_an_empty_stage_with_its_lens(stage, api):
    # given a shot with Elin and Tomas in it, never blocked
    tomas = factories.make_character(stage.project, name="Tomas", color="#4f9cf7")
    stage.shot.characters.add(tomas)

    # when its layout is read
    response = api(stage.viewer).get(url(stage))

    # then the two stand in a row across the stage, facing the camera, with the shot's lens and size
    assert response.status_code == 200
    assert response["ETag"] == '"0"'
    expected = schema.empty_layout(focal_mm=35, size="MS")
    expected["objects"] = [
        {"id": f"char-{c.pk}", "type": "character", "name": c.name, "position": [x, 0.0, 0.0],
         "rotation": [0.0, 0.0, 0.0], "character": c.pk, "height": 1.75, "pose": "stand", "color": c.color}
        for c, x in ((stage.elin, -0.5), (tomas, 0.5))
    ]
    assert response.json() == {"shot": stage.shot.pk, "version": 0, "layout": expected,
                               "updated_by": None, "updated_at": None}


def test_a_shot_with_nobody_in_it_reads_as_an_empty_stage(stage, api):
    stage.shot.characters.clear()

    response = api(stage.viewer).get(url(stage))

    assert response.json()["layout"] == schema.empty_layout(focal_mm=35, size="MS")


def test_the_first_layout_is_saved_from_where_it_was_served(stage, api):
    # given the layout a never-blocked shot is served, Elin standing in it
    served = api(stage.artist).get(url(stage)).json()["layout"]
    assert [o["id"] for o in served["objects"]] == [f"char-{stage.elin.pk}"]

    # when Elin is moved and it is saved
    served["objects"][0]["position"] = [1.0, 0.0, -2.0]
    response = save(api, stage.artist, stage, served, 0)

    # then it is version 1 with that one change
    assert response.status_code == 200, response.json()
    assert (response.json()["version"], response.json()["changed"]) == (1, [f"char-{stage.elin.pk}"])
    assert ShotLayout.objects.get(shot=stage.shot).data["objects"][0]["position"] == [1.0, 0.0, -2.0]


def test_a_layout_round_trips_exactly_and_is_announced(stage, api, published):
    layout = blocked(stage)
    with published(stage.project) as sent:
        response = save(api, stage.artist, stage, layout, 0)

    assert response.status_code == 200, response.json()
    assert (response.json()["version"], response.json()["merged"]) == (1, False)
    # (the Elin the never-saved layout stood on the stage, char-<id>, gives way to this one)
    assert response.json()["changed"] == ["camera", f"char-{stage.elin.pk}", "elin", "lamp", "table"]
    assert api(stage.viewer).get(url(stage)).json()["layout"] == layout
    assert json.dumps(api(stage.viewer).get(url(stage)).json()["layout"], sort_keys=True) == json.dumps(
        layout, sort_keys=True)
    assert [e["type"] for e in sent] == ["layout.updated"]
    assert sent[0]["data"] == {"shot": stage.shot.pk, "version": 1, "layout": layout,
                               "changed": ["camera", f"char-{stage.elin.pk}", "elin", "lamp", "table"],
                               "merged": False}


BAD = [
    ("unknown type", lambda doc: doc["objects"].append({"id": "x", "type": "spaceship"}),
     {"layout.objects[3].type": ["Must be one of: character, wall, door, window, table, chair, bed, car, tree, box, "
                                 "light, environment."]}),
    ("unknown field", lambda doc: doc["objects"][1].update(wobble=1),
     {"layout.objects[1].wobble": ["Is not a field of the layout."]}),
    ("infinite number", lambda doc: doc["objects"][0]["position"].__setitem__(0, float("inf")),
     {"layout.objects[0].position[0]": ["Must be a finite number."]}),
    ("absurd size", lambda doc: doc["objects"][1].__setitem__("scale", [1, 1, 5000]),
     {"layout.objects[1].scale[2]": ["Must be between 0.01 and 100."]}),
    ("far away", lambda doc: doc["objects"][1].__setitem__("position", [0, 0, 1e7]),
     {"layout.objects[1].position[2]": ["Must be between -1000 and 1000."]}),
    ("too many objects", lambda doc: doc.__setitem__("objects", [
        {"id": f"b{i}", "type": "box", "name": "", "position": [0, 0, 0], "rotation": [0, 0, 0], "scale": [1, 1, 1],
         "color": "#ffffff"} for i in range(501)]),
     {"layout.objects": ["Has 501 objects; a layout holds at most 500."]}),
    ("duplicate id", lambda doc: doc["objects"][1].__setitem__("id", "elin"),
     {"layout.objects[1].id": ["'elin' is used by another object."]}),
    ("lens out of range", lambda doc: doc["camera"].__setitem__("focal_mm", 2),
     {"layout.camera.focal_mm": ["Must be between 4 and 1200."]}),
    ("keys backwards", lambda doc: doc["camera"]["keys"][1].__setitem__("t", 0),
     {"layout.camera.keys[1].t": ["Keyframes must go forward in time."]}),
    ("missing parts", lambda doc: doc.clear() or doc.update(nope=True),
     {"layout.nope": ["Is not a field of the layout."], "layout.schema": ["Is required."],
      "layout.stage": ["Is required."], "layout.camera": ["Is required."], "layout.objects": ["Is required."]}),
]


@pytest.mark.parametrize(("case", "spoil", "errors"), BAD, ids=[b[0] for b in BAD])
def test_a_bad_layout_is_refused_with_the_field_and_nothing_changes(stage, api, snapshot, case, spoil, errors):
    client = api(stage.artist)
    assert save(api, stage.artist, stage, blocked(stage), 0).status_code == 200
    before = snapshot()
    layout = blocked(stage)
    spoil(layout)

    if case == "infinite number":  # JSON has no Infinity: the service sees what a Python client could send
        from django.core.exceptions import ValidationError

        from studio.shots import layouts
        with pytest.raises(ValidationError) as refused:
            layouts.layout_save(actor=stage.artist, shot=stage.shot, data=layout, base_version=1)
        assert refused.value.message_dict == errors
    else:
        response = client.put(url(stage), {"layout": layout}, format="json", HTTP_IF_MATCH='"1"')
        assert response.status_code == 400
        assert response.json() == errors
    assert snapshot() == before


def test_a_character_from_another_project_is_refused(stage, api):
    stranger = factories.make_character(factories.make_project(), name="Nobody")
    layout = blocked(stage)
    layout["objects"][0]["character"] = stranger.pk

    response = save(api, stage.artist, stage, layout, 0)

    assert response.status_code == 400
    assert response.json() == {"layout.objects": [f"Character {stranger.pk} is not in this project's cast."]}


def test_saves_of_different_objects_from_the_same_version_are_merged(stage, api, published):
    with published(stage.project):
        save(api, stage.artist, stage, blocked(stage), 0)
        mine, theirs = blocked(stage), blocked(stage)
        mine["objects"][1]["position"] = [2.0, 0, -1.0]  # the artist moves the table
        theirs["objects"][0]["pose"] = "sit"  # the director sits Elin down
        assert save(api, stage.director, stage, theirs, 1).json()["version"] == 2

        response = save(api, stage.artist, stage, mine, 1)

    assert response.status_code == 200
    assert (response.json()["version"], response.json()["merged"], response.json()["changed"]) == (3, True, ["table"])
    result = response.json()["layout"]
    assert (result["objects"][0]["pose"], result["objects"][1]["position"]) == ("sit", [2.0, 0, -1.0])
    assert list(LayoutVersion.objects.order_by("version").values_list("version", flat=True)) == [1, 2, 3]


def test_saves_that_change_the_same_object_are_refused_naming_it(stage, api, snapshot, published):
    with published(stage.project):
        save(api, stage.artist, stage, blocked(stage), 0)
        mine, theirs = blocked(stage), blocked(stage)
        mine["objects"][0]["position"] = [1, 0, 0]
        theirs["objects"][0]["position"] = [-1, 0, 0]
        save(api, stage.director, stage, theirs, 1)
    client = api(stage.artist)
    before = snapshot()

    response = client.put(url(stage), {"layout": mine}, format="json", HTTP_IF_MATCH='"1"')

    assert response.status_code == 409
    assert response.json() == {
        "detail": "Someone else changed elin while you were editing (the layout is now version 2). Reload to see "
                  "their change, then make yours again; nothing of either was lost.",
        "conflicts": ["elin"], "current_version": 2}
    assert snapshot() == before


def test_a_save_without_if_match_gets_428(stage, api):
    response = api(stage.artist).put(url(stage), {"layout": blocked(stage)}, format="json")

    assert response.status_code == 428


@pytest.mark.parametrize("role", ["writer", "reviewer", "viewer"])
def test_only_shot_editors_save_layouts(stage, api, snapshot, role):
    client = api(getattr(stage, role))
    before = snapshot()

    response = client.put(url(stage), {"layout": blocked(stage)}, format="json", HTTP_IF_MATCH='"0"')

    assert response.status_code == 403
    assert snapshot() == before


def test_the_layout_camera_sets_the_shots_lens_and_size(stage, api, published):
    layout = blocked(stage, focal_mm=85, framing={"size": "CU", "subject": "elin"})
    with published(stage.project) as sent:
        response = save(api, stage.director, stage, layout, 0)

    assert response.status_code == 200
    shot = Shot.objects.get(pk=stage.shot.pk)
    assert (shot.lens_mm, shot.size, shot.version) == (85, "CU", stage.shot.version + 1)
    assert [(e["type"], e["data"].get("changed")) for e in sent] == [
        ("layout.updated", ["camera", f"char-{stage.elin.pk}", "elin", "lamp", "table"]),
        ("shot.updated", ["size", "lens_mm"])]


def test_a_character_placed_on_the_stage_joins_the_shot_and_stays_when_taken_off(stage, api, published):
    # given a shot with Elin, and Ben in the cast but not in the shot
    ben = factories.make_character(stage.project, name="Ben")
    layout = blocked(stage)
    assert save(api, stage.artist, stage, layout, 0).status_code == 200
    version = Shot.objects.get(pk=stage.shot.pk).version

    # when the artist places Ben's mannequin
    layout["objects"].append({"id": "ben", "type": "character", "name": "Ben", "character": ben.pk,
                              "position": [1, 0, 0], "rotation": [0, 0, 0], "height": 1.8, "pose": "walk",
                              "color": "#4f9cf7"})
    with published(stage.project) as sent:
        assert save(api, stage.artist, stage, layout, 1).status_code == 200

    # then Ben is one of the shot's characters, and everyone is told
    shot = Shot.objects.get(pk=stage.shot.pk)
    assert sorted(shot.characters.values_list("pk", flat=True)) == sorted([stage.elin.pk, ben.pk])
    assert shot.version == version + 1
    assert [(e["type"], e["data"].get("changed")) for e in sent] == [
        ("layout.updated", ["ben"]), ("shot.updated", ["characters"])]
    assert sent[1]["data"]["shot"]["characters"] == sorted([stage.elin.pk, ben.pk])

    # when the mannequin is taken off again, Ben stays in the shot (a voice, a reflection) and the shot is untouched
    layout["objects"].pop()
    with published(stage.project) as sent:
        assert save(api, stage.artist, stage, layout, 2).status_code == 200
    shot = Shot.objects.get(pk=stage.shot.pk)
    assert sorted(shot.characters.values_list("pk", flat=True)) == sorted([stage.elin.pk, ben.pk])
    assert shot.version == version + 1
    assert [e["type"] for e in sent] == ["layout.updated"]


def edit_shot(api, user, team, **changes):
    shot = Shot.objects.get(pk=team.shot.pk)
    return api(user).patch(f"/api/v1/projects/{team.project.pk}/shots/{shot.pk}/", changes, format="json",
                           HTTP_IF_MATCH=f'"{shot.version}"')


def test_the_layout_camera_reads_the_shots_lens_and_size_which_live_only_on_the_shot(stage, api, published):
    # given a saved layout at 35 mm, MS
    assert save(api, stage.artist, stage, blocked(stage), 0).status_code == 200

    # when the board changes the shot's lens and size
    with published(stage.project) as sent:
        response = edit_shot(api, stage.artist, stage, lens_mm=24, size="LS")

    # then the layout reads them from the shot, at the same version, and only the shot says it changed
    assert response.status_code == 200
    body = api(stage.viewer).get(url(stage)).json()
    assert body["version"] == 1
    assert (body["layout"]["camera"]["focal_mm"], body["layout"]["camera"]["framing"]) == (
        24, {"size": "LS", "subject": None})
    assert [(e["type"], e["data"]["changed"]) for e in sent] == [("shot.updated", ["size", "lens_mm"])]
    stored = ShotLayout.objects.get(shot=stage.shot).data["camera"]
    assert "focal_mm" not in stored
    assert stored["framing"] == {"subject": None}


def test_an_editor_that_missed_a_lens_change_keeps_it_when_it_saves_something_else(stage, api, published):
    # given an editor that saved version 1 at 35 mm, and the board changing the lens to 50 mm meanwhile
    layout = blocked(stage)
    assert save(api, stage.artist, stage, layout, 0).status_code == 200
    assert edit_shot(api, stage.director, stage, lens_mm=50).status_code == 200

    # when the editor, still showing 35 mm, moves the table and saves from version 1
    layout["objects"][1]["position"] = [2.0, 0, -0.5]
    with published(stage.project) as sent:
        response = save(api, stage.artist, stage, layout, 1)

    # then the table moved and the board's lens stands: nothing of either was lost
    assert response.status_code == 200, response.json()
    assert (response.json()["version"], response.json()["changed"], response.json()["merged"]) == (2, ["table"],
                                                                                                   False)
    assert response.json()["layout"]["camera"]["focal_mm"] == 50
    assert response.json()["layout"]["objects"][1]["position"] == [2.0, 0, -0.5]
    assert Shot.objects.get(pk=stage.shot.pk).lens_mm == 50
    assert [e["type"] for e in sent] == ["layout.updated"]
    assert LayoutVersion.objects.get(layout__shot=stage.shot, version=2).data["camera"]["focal_mm"] == 50


def test_a_lens_changed_in_the_editor_and_on_the_board_at_once_is_refused_naming_the_camera(stage, api, snapshot):
    layout = blocked(stage)
    assert save(api, stage.artist, stage, layout, 0).status_code == 200
    assert edit_shot(api, stage.director, stage, lens_mm=50).status_code == 200
    artist = api(stage.artist)
    before = snapshot()

    layout["camera"]["focal_mm"] = 85
    response = artist.put(url(stage), {"layout": layout}, format="json", HTTP_IF_MATCH='"1"')

    assert response.status_code == 409
    assert (response.json()["conflicts"], response.json()["current_version"]) == (["camera"], 1)
    assert snapshot() == before
    assert Shot.objects.get(pk=stage.shot.pk).lens_mm == 50


def test_a_fractional_focal_length_is_kept_as_the_shots_whole_millimetres(stage, api):
    response = save(api, stage.artist, stage, blocked(stage, focal_mm=35.6), 0)

    assert response.status_code == 200
    assert response.json()["layout"]["camera"]["focal_mm"] == 36
    assert Shot.objects.get(pk=stage.shot.pk).lens_mm == 36


def test_merge_is_exact_on_a_table_of_cases():
    base = {"schema": 1, "stage": {"s": 0}, "camera": {"c": 0},
            "objects": [{"id": "a", "v": 0}, {"id": "b", "v": 0}]}
    theirs = copy.deepcopy(base)
    theirs["objects"].append({"id": "c", "v": 0})  # they added c
    mine = copy.deepcopy(base)
    mine["objects"] = [{"id": "a", "v": 1}]  # I changed a and deleted b

    merged, changed = schema.merge(base, theirs, mine)

    assert merged["objects"] == [{"id": "a", "v": 1}, {"id": "c", "v": 0}]
    assert changed == ["a", "b"]
    edited_by_them = copy.deepcopy(base)
    edited_by_them["objects"][1]["v"] = 5
    with pytest.raises(schema.MergeConflict) as conflict:
        schema.merge(base, edited_by_them, mine)  # they edited b, I deleted it
    assert conflict.value.ids == ["b"]


def test_a_layout_that_is_not_an_object_is_refused(stage, api):
    response = api(stage.artist).put(url(stage), {"layout": [1, 2]}, format="json", HTTP_IF_MATCH='"0"')

    assert response.status_code == 400
    assert response.json() == {"layout": ["Must be an object with schema, stage, camera and objects."]}
