"""Scenes through the REST API: numbering, headings, versions, delete and reorder."""

from __future__ import annotations

import pytest

from studio.screenplay import services as script_services
from studio.screenplay.models import Scene
from tests import factories

STALE = ("This scene was changed by someone else (you edited version {expected}, it is now version {current}). "
         "Reload it and apply your change again.")
VERSION_REQUIRED = ("Send the scene's version in an If-Match header (or a 'version' field) so a concurrent edit is "
                    "never overwritten.")


def scenes_url(project) -> str:
    return f"/api/v1/projects/{project.pk}/scenes/"


def scene_url(project, scene) -> str:
    return f"/api/v1/projects/{project.pk}/scenes/{scene.pk}/"


def reorder_url(project) -> str:
    return f"/api/v1/projects/{project.pk}/scenes/reorder/"


def body(scene: Scene) -> dict:
    """The API shape of a scene, from the database row as it is now."""
    scene.refresh_from_db()
    return {
        "id": scene.pk, "script": scene.script_id, "number": scene.number, "int_ext": scene.int_ext,
        "location": scene.location, "time_of_day": scene.time_of_day, "heading": scene.heading,
        "synopsis": scene.synopsis, "order": scene.order, "in_script": scene.in_script, "omitted": scene.omitted,
        "line": scene.line,
        "version": scene.version,
    }


def numbers_in_order(script) -> list[tuple[str, int]]:
    return list(Scene.objects.filter(script=script).order_by("order").values_list("number", "order"))


# --- Create -------------------------------------------------------------------


def test_a_writer_creates_a_scene_with_its_heading_composed(team, api):
    # given
    script = team.project.scripts.get()

    # when
    response = api(team.writer).post(scenes_url(team.project), {
        "script": script.pk, "int_ext": "INT", "location": " Lamp room ", "time_of_day": "night",
        "synopsis": "Elin trims the wick.",
    }, format="json")

    # then
    assert response.status_code == 201, response.content
    scene = Scene.objects.get(pk=response.json()["id"])
    assert response.json() == {
        "id": scene.pk, "script": script.pk, "number": "1", "int_ext": "INT", "location": "Lamp room",
        "time_of_day": "NIGHT", "heading": "INT. LAMP ROOM - NIGHT", "synopsis": "Elin trims the wick.",
        "order": 0, "in_script": False, "omitted": False, "line": None, "version": 1,
    }
    assert response.headers["ETag"] == '"1"'
    assert (scene.project_id, scene.script_id, scene.number, scene.order) == (team.project.pk, script.pk, "1", 0)


def test_a_scene_without_a_number_gets_the_next_whole_number_at_the_end(team, api):
    # given
    script = team.project.scripts.get()
    client = api(team.owner)

    def create(**fields):
        response = client.post(scenes_url(team.project), {"script": script.pk, "location": "Deck", **fields},
                               format="json")
        assert response.status_code == 201, response.content
        return response.json()

    # when
    first = create()
    second = create()
    inserted = create(number="12A")
    after = create()

    # then
    assert [(s["number"], s["order"]) for s in (first, second, inserted, after)] == [
        ("1", 0), ("2", 1), ("12A", 2), ("13", 3),
    ]
    assert numbers_in_order(script) == [("1", 0), ("2", 1), ("12A", 2), ("13", 3)]


def test_numbering_is_per_script(team, api):
    # given
    factories.make_scene(team.project, team.project.scripts.get())
    factories.make_scene(team.project, team.project.scripts.get())
    other = factories.make_script(team.project, title="Episode 2")

    # when
    response = api(team.owner).post(scenes_url(team.project), {"script": other.pk, "location": "Quay"},
                                    format="json")

    # then
    assert response.status_code == 201, response.content
    assert (response.json()["number"], response.json()["order"]) == ("1", 0)


@pytest.mark.parametrize(("sent", "stored", "heading"), [
    ("INT", "INT", "INT. LAMP ROOM - NIGHT"),
    ("int.", "INT", "INT. LAMP ROOM - NIGHT"),
    ("Ext.", "EXT", "EXT. LAMP ROOM - NIGHT"),
    ("INT./EXT.", "INT/EXT", "INT./EXT. LAMP ROOM - NIGHT"),
    ("int/ext", "INT/EXT", "INT./EXT. LAMP ROOM - NIGHT"),
    ("", "", "LAMP ROOM - NIGHT"),
])
def test_int_ext_is_normalised_and_composes_the_heading(team, api, sent, stored, heading):
    # given
    script = team.project.scripts.get()

    # when
    response = api(team.owner).post(scenes_url(team.project), {
        "script": script.pk, "int_ext": sent, "location": "Lamp room", "time_of_day": "Night",
    }, format="json")

    # then
    assert response.status_code == 201, response.content
    assert (response.json()["int_ext"], response.json()["heading"]) == (stored, heading)
    scene = Scene.objects.get(pk=response.json()["id"])
    assert (scene.int_ext, scene.heading) == (stored, heading)


def test_without_int_ext_nor_time_of_day_the_heading_is_the_location(team, api):
    # when
    response = api(team.owner).post(scenes_url(team.project), {
        "script": team.project.scripts.get().pk, "int_ext": "", "location": "Montage",
    }, format="json")

    # then
    assert response.status_code == 201, response.content
    assert (response.json()["int_ext"], response.json()["time_of_day"], response.json()["heading"]) == (
        "", "", "MONTAGE")


def test_int_ext_defaults_to_interior(team, api):
    # when
    response = api(team.owner).post(scenes_url(team.project), {
        "script": team.project.scripts.get().pk, "location": "Kitchen", "time_of_day": "day",
    }, format="json")

    # then
    assert response.status_code == 201, response.content
    assert (response.json()["int_ext"], response.json()["heading"]) == ("INT", "INT. KITCHEN - DAY")


def test_an_unknown_int_ext_is_refused(team, api, snapshot):
    # given
    client = api(team.owner)
    before = snapshot()

    # when
    response = client.post(scenes_url(team.project), {
        "script": team.project.scripts.get().pk, "int_ext": "outside", "location": "Kitchen",
    }, format="json")

    # then
    assert response.status_code == 400
    assert response.json() == {"int_ext": ['"outside" is not a valid choice.']}
    assert snapshot() == before


def test_a_scene_needs_a_location_and_a_valid_number(team, api, snapshot):
    # given
    client = api(team.owner)
    script = team.project.scripts.get()
    before = snapshot()

    # when
    missing = client.post(scenes_url(team.project), {"script": script.pk}, format="json")
    bad_number = client.post(scenes_url(team.project), {"script": script.pk, "location": "Deck", "number": "12 A"},
                             format="json")

    # then
    assert missing.status_code == 400
    assert missing.json() == {"location": ["This field is required."]}
    assert bad_number.status_code == 400
    assert bad_number.json() == {
        "number": ["Scene numbers are up to 8 letters, digits, dots or dashes, like 12 or 12A."],
    }
    assert snapshot() == before


def test_a_number_taken_in_the_same_script_is_refused(team, api, snapshot):
    # given
    script = team.project.scripts.get()
    factories.make_scene(team.project, script, number="4")
    client = api(team.owner)
    before = snapshot()

    # when
    response = client.post(scenes_url(team.project), {"script": script.pk, "location": "Deck", "number": " 4 "},
                           format="json")

    # then
    assert response.status_code == 400
    assert response.json() == {"number": ["Scene 4 already exists in this script."]}
    assert snapshot() == before


def test_the_same_number_may_be_used_in_another_script(team, api):
    # given
    factories.make_scene(team.project, team.project.scripts.get(), number="4")
    other = factories.make_script(team.project, title="Episode 2")

    # when
    response = api(team.owner).post(scenes_url(team.project), {"script": other.pk, "location": "Deck", "number": "4"},
                                    format="json")

    # then
    assert response.status_code == 201, response.content
    assert Scene.objects.filter(project=team.project, number="4").count() == 2


def test_a_scene_cannot_be_added_to_a_script_of_another_project(team, api, snapshot):
    # given
    foreign = factories.make_project(title="Elsewhere").scripts.get()
    client = api(team.owner)
    before = snapshot()

    # when
    response = client.post(scenes_url(team.project), {"script": foreign.pk, "location": "Deck"}, format="json")

    # then
    assert response.status_code == 400
    assert response.json() == {"script": [f"Script {foreign.pk} is not in this project."]}
    assert snapshot() == before


def test_creating_a_scene_tells_the_project(team, api, published):
    # given
    script = team.project.scripts.get()

    # when
    with published(team.project) as sent:
        response = api(team.owner).post(scenes_url(team.project), {"script": script.pk, "location": "Deck"},
                                        format="json")

    # then
    assert [(e["type"], e["data"]) for e in sent] == [("scene.created", {"scene": response.json()})]


# --- List and read ----------------------------------------------------------


def test_the_list_goes_script_by_script_in_scene_order(team, api):
    # given
    first_script = team.project.scripts.get()
    second_script = factories.make_script(team.project, title="Episode 2")
    b1 = factories.make_scene(team.project, second_script, location="Harbour")
    a1 = factories.make_scene(team.project, first_script, location="Lamp room")
    a2 = factories.make_scene(team.project, first_script, location="Stairs", int_ext="EXT", time_of_day="DAWN")
    factories.make_scene(factories.make_project(title="Elsewhere"))

    # when
    response = api(team.viewer).get(scenes_url(team.project))

    # then
    assert response.status_code == 200
    assert response.json() == {"count": 3, "next": None, "previous": None,
                               "results": [body(a1), body(a2), body(b1)]}


def test_the_list_filters_by_script(team, api):
    # given
    factories.make_scene(team.project, team.project.scripts.get())
    second_script = factories.make_script(team.project, title="Episode 2")
    b1 = factories.make_scene(team.project, second_script)
    b2 = factories.make_scene(team.project, second_script)

    # when
    response = api(team.viewer).get(scenes_url(team.project), {"script": second_script.pk})

    # then
    assert response.status_code == 200
    assert response.json()["results"] == [body(b1), body(b2)]


def test_a_malformed_script_filter_is_a_400_not_a_crash(team, api):
    # when
    response = api(team.viewer).get(scenes_url(team.project), {"script": "first"})

    # then
    assert response.status_code == 400
    assert response.json() == {"script": ["Enter a whole number."]}


def test_listing_scenes_costs_the_same_queries_however_many_there_are(team, api, django_assert_num_queries):
    # given
    client = api(team.viewer)
    factories.make_scene(team.project)
    with django_assert_num_queries(5):  # session, user, membership, count, page
        client.get(scenes_url(team.project))
    for _ in range(8):
        factories.make_scene(team.project)

    # when / then
    with django_assert_num_queries(5):
        response = client.get(scenes_url(team.project))
    assert response.json()["count"] == 9


def test_a_scene_reads_with_its_version_as_etag(team, api):
    # given
    scene = factories.make_scene(team.project, location="Lamp room", time_of_day="NIGHT")

    # when
    response = api(team.viewer).get(scene_url(team.project, scene))

    # then
    assert response.status_code == 200
    assert response.json() == body(scene)
    assert response.headers["ETag"] == '"1"'


def test_a_scene_of_another_project_is_not_found_under_this_one(team, api):
    # given
    foreign = factories.make_scene(factories.make_project(title="Elsewhere"))

    # when
    response = api(team.owner).get(scene_url(team.project, foreign))

    # then
    assert response.status_code == 404


# --- Edit ---------------------------------------------------------------------


def test_editing_a_scene_needs_if_match(team, api, snapshot):
    # given
    scene = factories.make_scene(team.project)
    client = api(team.owner)
    before = snapshot()

    # when
    response = client.patch(scene_url(team.project, scene), {"location": "Deck"}, format="json")

    # then
    assert response.status_code == 428
    assert response.json() == {"detail": VERSION_REQUIRED}
    assert snapshot() == before


def test_editing_with_a_stale_version_is_412_with_the_current_version(team, api, snapshot):
    # given
    scene = factories.make_scene(team.project)
    client = api(team.owner)
    assert client.patch(scene_url(team.project, scene), {"location": "Deck"}, format="json",
                        HTTP_IF_MATCH='"1"').status_code == 200
    before = snapshot()

    # when
    response = client.patch(scene_url(team.project, scene), {"location": "Stairs"}, format="json",
                            HTTP_IF_MATCH='"1"')

    # then
    assert response.status_code == 412
    assert response.json() == {"detail": STALE.format(expected=1, current=2), "current_version": 2}
    assert response.headers["ETag"] == '"2"'
    assert snapshot() == before


def test_editing_a_scene_bumps_its_version_and_names_what_changed(team, api, published):
    # given
    scene = factories.make_scene(team.project, location="Lamp room", int_ext="INT", time_of_day="NIGHT",
                                 synopsis="Dark.")

    # when
    with published(team.project) as sent:
        response = api(team.writer).patch(scene_url(team.project, scene), {
            "int_ext": "ext.", "location": "Lamp room", "time_of_day": "dawn", "synopsis": "Dark.",
        }, format="json", HTTP_IF_MATCH='"1"')

    # then
    assert response.status_code == 200, response.content
    assert response.json() == {
        "id": scene.pk, "script": scene.script_id, "number": "1", "int_ext": "EXT", "location": "Lamp room",
        "time_of_day": "DAWN", "heading": "EXT. LAMP ROOM - DAWN", "synopsis": "Dark.", "order": 0,
        "in_script": False, "omitted": False, "line": None, "version": 2,
    }
    assert response.headers["ETag"] == '"2"'
    assert body(scene) == response.json()
    assert [(e["type"], e["data"]) for e in sent] == [
        ("scene.updated", {"scene": response.json(), "changed": ["int_ext", "time_of_day"]}),
    ]


def test_editing_a_scene_with_the_values_it_has_keeps_its_version(team, api, published, snapshot):
    # given
    scene = factories.make_scene(team.project, location="Lamp room", time_of_day="NIGHT")
    client = api(team.owner)
    before = snapshot()

    # when
    with published(team.project) as sent:
        response = client.patch(scene_url(team.project, scene), {"location": "Lamp room", "time_of_day": "night"},
                                format="json", HTTP_IF_MATCH='"1"')

    # then
    assert response.status_code == 200
    assert response.json()["version"] == 1
    assert response.headers["ETag"] == '"1"'
    assert snapshot() == before
    assert sent == []


def test_the_version_may_come_in_the_body(team, api):
    # given
    scene = factories.make_scene(team.project)

    # when
    response = api(team.owner).patch(scene_url(team.project, scene), {"synopsis": "Storm.", "version": 1},
                                     format="json")

    # then
    assert response.status_code == 200, response.content
    scene.refresh_from_db()
    assert (scene.synopsis, scene.version) == ("Storm.", 2)


def test_a_scene_cannot_take_a_number_used_in_its_script(team, api, snapshot):
    # given
    factories.make_scene(team.project)
    second = factories.make_scene(team.project)
    client = api(team.owner)
    before = snapshot()

    # when
    response = client.patch(scene_url(team.project, second), {"number": "1"}, format="json", HTTP_IF_MATCH='"1"')

    # then
    assert response.status_code == 400
    assert response.json() == {"number": ["Scene 1 already exists in this script."]}
    assert snapshot() == before


def test_a_scene_may_be_renumbered_to_a_free_number(team, api):
    # given
    factories.make_scene(team.project)
    second = factories.make_scene(team.project)

    # when
    response = api(team.owner).patch(scene_url(team.project, second), {"number": "1A"}, format="json",
                                     HTTP_IF_MATCH='"1"')

    # then
    assert response.status_code == 200, response.content
    assert (response.json()["number"], response.json()["version"]) == ("1A", 2)


# --- Delete -------------------------------------------------------------------


def test_deleting_a_scene_compacts_the_order_of_the_others(team, api, published):
    # given
    script = team.project.scripts.get()
    first = factories.make_scene(team.project, script)
    middle = factories.make_scene(team.project, script)
    last = factories.make_scene(team.project, script)

    # when
    with published(team.project) as sent:
        response = api(team.writer).delete(scene_url(team.project, middle), HTTP_IF_MATCH='"1"')

    # then
    assert response.status_code == 204
    assert not Scene.objects.filter(pk=middle.pk).exists()
    assert numbers_in_order(script) == [("1", 0), ("3", 1)]
    assert (body(first)["order"], body(last)["order"]) == (0, 1)
    assert [(e["type"], e["data"]) for e in sent] == [("scene.deleted", {"id": middle.pk, "script": script.pk})]


def test_deleting_a_scene_needs_its_current_version(team, api, snapshot):
    # given
    scene = factories.make_scene(team.project)
    client = api(team.owner)
    assert client.patch(scene_url(team.project, scene), {"location": "Deck"}, format="json",
                        HTTP_IF_MATCH='"1"').status_code == 200
    before = snapshot()

    # when
    without = client.delete(scene_url(team.project, scene))
    stale = client.delete(scene_url(team.project, scene), HTTP_IF_MATCH='"1"')

    # then
    assert without.status_code == 428
    assert without.json() == {"detail": VERSION_REQUIRED}
    assert stale.status_code == 412
    assert stale.json() == {"detail": STALE.format(expected=1, current=2), "current_version": 2}
    assert snapshot() == before


def test_a_scene_with_shots_cannot_be_deleted(team, api, snapshot):
    # given
    scene = factories.make_scene(team.project, number="7")
    factories.make_shot(scene)
    factories.make_shot(scene)
    client = api(team.owner)
    before = snapshot()

    # when
    response = client.delete(scene_url(team.project, scene), HTTP_IF_MATCH='"1"')

    # then
    assert response.status_code == 409
    assert response.json() == {"detail": "Scene 7 has 2 shot(s); delete or move them before the scene."}
    assert snapshot() == before


# --- Reorder ------------------------------------------------------------------


def test_reordering_puts_the_scenes_in_the_given_order(team, api, published):
    # given
    script = team.project.scripts.get()
    s1, s2, s3, s4 = (factories.make_scene(team.project, script) for _ in range(4))
    new_order = [s3.pk, s1.pk, s4.pk, s2.pk]

    # when
    with published(team.project) as sent:
        response = api(team.writer).post(reorder_url(team.project), {"script": script.pk, "scenes": new_order},
                                         format="json")

    # then
    assert response.status_code == 200, response.content
    assert response.json() == {"script": script.pk, "scenes": new_order}
    listed = api(team.viewer).get(scenes_url(team.project), {"script": script.pk}).json()["results"]
    assert [(s["id"], s["number"], s["order"], s["version"]) for s in listed] == [
        (s3.pk, "3", 0, 1), (s1.pk, "1", 1, 1), (s4.pk, "4", 2, 1), (s2.pk, "2", 3, 1),
    ]
    assert [(e["type"], e["data"]) for e in sent] == [
        ("scenes.reordered", {"script": script.pk, "scenes": new_order}),
    ]


def test_a_new_scene_goes_after_the_reordered_ones(team, api):
    # given
    script = team.project.scripts.get()
    s1, s2 = (factories.make_scene(team.project, script) for _ in range(2))
    client = api(team.owner)
    assert client.post(reorder_url(team.project), {"script": script.pk, "scenes": [s2.pk, s1.pk]},
                       format="json").status_code == 200

    # when
    response = client.post(scenes_url(team.project), {"script": script.pk, "location": "Deck"}, format="json")

    # then
    assert (response.json()["number"], response.json()["order"]) == ("3", 2)
    assert numbers_in_order(script) == [("2", 0), ("1", 1), ("3", 2)]


def test_reordering_to_the_current_order_changes_nothing(team, api, published, snapshot):
    # given
    script = team.project.scripts.get()
    s1, s2 = (factories.make_scene(team.project, script) for _ in range(2))
    client = api(team.owner)
    before = snapshot()

    # when
    with published(team.project) as sent:
        response = client.post(reorder_url(team.project), {"script": script.pk, "scenes": [s1.pk, s2.pk]},
                               format="json")

    # then
    assert response.status_code == 200
    assert response.json() == {"script": script.pk, "scenes": [s1.pk, s2.pk]}
    assert snapshot() == before
    assert sent == []


def test_reordering_an_empty_script(team, api):
    # given
    script = factories.make_script(team.project, title="Empty")

    # when
    response = api(team.owner).post(reorder_url(team.project), {"script": script.pk, "scenes": []}, format="json")

    # then
    assert response.status_code == 200
    assert response.json() == {"script": script.pk, "scenes": []}


@pytest.mark.parametrize("case", ["missing", "extra from another script", "unknown id"])
def test_a_reorder_that_is_not_the_complete_list_is_a_conflict(team, api, snapshot, case):
    # given
    script = team.project.scripts.get()
    s1, s2, s3 = (factories.make_scene(team.project, script) for _ in range(3))
    elsewhere = factories.make_scene(team.project, factories.make_script(team.project, title="Episode 2"))
    proposed = {
        "missing": [s3.pk, s1.pk],
        "extra from another script": [s3.pk, s1.pk, s2.pk, elsewhere.pk],
        "unknown id": [s3.pk, s1.pk, s2.pk, 999_999],
    }[case]
    client = api(team.owner)
    before = snapshot()

    # when
    response = client.post(reorder_url(team.project), {"script": script.pk, "scenes": proposed}, format="json")

    # then
    assert response.status_code == 409
    assert response.json() == {"detail": "The scenes changed while you were reordering them; reload and try again."}
    assert snapshot() == before


def test_a_reorder_naming_a_scene_twice_is_refused(team, api, snapshot):
    # given
    script = team.project.scripts.get()
    s1, s2 = (factories.make_scene(team.project, script) for _ in range(2))
    client = api(team.owner)
    before = snapshot()

    # when
    response = client.post(reorder_url(team.project), {"script": script.pk, "scenes": [s2.pk, s1.pk, s2.pk]},
                           format="json")

    # then
    assert response.status_code == 400
    assert response.json() == {"scenes": ["An id appears more than once."]}
    assert snapshot() == before


def test_a_reorder_of_a_script_of_another_project_is_refused(team, api, snapshot):
    # given
    other = factories.make_project(title="Elsewhere")
    foreign = factories.make_scene(other)
    client = api(team.owner)
    before = snapshot()

    # when
    response = client.post(reorder_url(team.project), {"script": foreign.script_id, "scenes": [foreign.pk]},
                           format="json")

    # then
    assert response.status_code == 400
    assert response.json() == {"script": [f"Script {foreign.script_id} is not in this project."]}
    assert snapshot() == before


def test_a_reorder_needs_ids(team, api, snapshot):
    # given
    script = team.project.scripts.get()
    client = api(team.owner)
    before = snapshot()

    # when
    response = client.post(reorder_url(team.project), {"script": script.pk, "scenes": ["first"]}, format="json")

    # then
    assert response.status_code == 400
    assert response.json() == {"scenes": {"0": ["A valid integer is required."]}}
    assert snapshot() == before


# --- Statements: one UPDATE, however many scenes ------------------------------------------------------------


def board_scenes(project, count: int) -> list[int]:
    return [factories.make_scene(project, location=f"Place {i}").pk for i in range(count)]


def scene_order(script) -> list[tuple[int, int]]:
    return list(Scene.objects.filter(script=script).order_by("order").values_list("pk", "order"))


@pytest.mark.parametrize("count", [5, 50])
def test_reordering_scenes_takes_as_many_statements_for_50_as_for_5(count, team, django_assert_num_queries):
    script = team.project.scripts.get()
    ids = board_scenes(team.project, count)

    # the savepoint, the role, the script locked, its scenes, the scripted ones, the one UPDATE, release
    with django_assert_num_queries(7):
        script_services.scenes_reorder(actor=team.writer, script=script, scene_ids=ids[::-1])

    assert scene_order(script) == [(pk, i) for i, pk in enumerate(ids[::-1])]


@pytest.mark.parametrize("count", [3, 30])
def test_deleting_a_scene_compacts_the_order_in_one_statement(count, team, django_assert_num_queries):
    script = team.project.scripts.get()
    ids = board_scenes(team.project, count)
    scene = Scene.objects.get(pk=ids[0])

    # the savepoint, the project, the role, the scene locked, its shots counted, the delete and its cascade (2),
    # the exports of that scene set to the whole board (SET_NULL), the script's places, the one UPDATE, release
    with django_assert_num_queries(11):
        script_services.scene_delete(actor=team.writer, scene=scene, expected_version=scene.version)

    assert scene_order(script) == [(pk, i) for i, pk in enumerate(ids[1:])]


def test_a_scene_past_the_cap_of_a_script_is_refused_naming_it(team, api, snapshot, settings):
    # given a script at its cap of one scene
    settings.STUDIO_MAX_SCENES_PER_SCRIPT = 1
    script = team.project.scripts.get()
    factories.make_scene(team.project, location="Deck")
    client = api(team.writer)
    before = snapshot()

    # when a writer adds another
    response = client.post(scenes_url(team.project), {"script": script.pk, "location": "Hold"}, format="json")

    # then
    assert response.status_code == 400
    assert response.json() == {"script": [
        "This script has 1 scene, the most a script may have (STUDIO_MAX_SCENES_PER_SCRIPT)."]}
    assert snapshot() == before
