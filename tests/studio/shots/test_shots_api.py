"""Shots through the REST API: create, numbering, validation, list and filters, edit, move, status rules, delete."""

from __future__ import annotations

from decimal import Decimal

import pytest

from studio.shots.models import Shot
from tests import factories

MAY_EDIT_SHOTS = ("Only a project's owner, director or artist may create, edit, reorder and delete shots, "
                  "and upload takes.")
MAY_REVIEW = "Only a project's owner, director or reviewer may approve shots and outputs, or send them back."
REVIEW_MOVES_ONLY = "A reviewer approves a shot that is in review, or reopens an approved one."
DEFAULTS = {"size": "MS", "angle": "eye_level", "movement": "static", "lens_mm": 35, "duration": 3.0,
            "description": "", "dialogue": "", "characters": [], "status": "draft"}


def shots_url(project) -> str:
    return f"/api/v1/projects/{project.pk}/shots/"


def shot_url(project, shot) -> str:
    return f"/api/v1/projects/{project.pk}/shots/{shot.pk}/"


def body(shot: Shot) -> dict:
    """The API shape of a shot, from the database row as it is now."""
    shot.refresh_from_db()
    return {
        "id": shot.pk, "scene": shot.scene_id, "number": shot.number, "order": shot.order, "size": shot.size,
        "angle": shot.angle, "movement": shot.movement, "lens_mm": shot.lens_mm, "duration": float(shot.duration),
        "description": shot.description, "dialogue": shot.dialogue,
        "characters": sorted(shot.characters.values_list("pk", flat=True)), "status": shot.status,
        "version": shot.version,
    }


def in_scene(scene) -> list[tuple[int, str, int]]:
    return list(Shot.objects.filter(scene=scene).order_by("order").values_list("pk", "number", "order"))


def patch(client, project, shot, data, version):
    return client.patch(shot_url(project, shot), data, format="json", HTTP_IF_MATCH=f'"{version}"')


@pytest.fixture
def scene(team):
    return factories.make_scene(team.project, location="Lamp room")


# --- Create -------------------------------------------------------------------


def test_an_artist_creates_a_shot_with_the_defaults(team, api, scene):
    # when
    response = api(team.artist).post(shots_url(team.project), {"scene": scene.pk}, format="json")

    # then
    assert response.status_code == 201, response.content
    shot = Shot.objects.get(pk=response.json()["id"])
    assert response.json() == {"id": shot.pk, "scene": scene.pk, "number": "1A", "order": 0, **DEFAULTS,
                               "version": 1}
    assert response.headers["ETag"] == '"1"'
    assert (shot.project_id, shot.duration, shot.created_by) == (team.project.pk, Decimal("3.00"), team.artist)


def test_a_shot_is_created_with_every_field_given(team, api, scene):
    # given
    elin = factories.make_character(team.project, name="Elin")
    tomas = factories.make_character(team.project, name="Tomas")

    # when
    response = api(team.director).post(shots_url(team.project), {
        "scene": scene.pk, "number": "1-INS", "size": "ECU", "angle": "low", "movement": "dolly_in", "lens_mm": 85,
        "duration": "4.25", "description": "The wick catches.", "dialogue": "ELIN: There.",
        "characters": [tomas.pk, elin.pk], "status": "ready",
    }, format="json")

    # then
    assert response.status_code == 201, response.content
    shot = Shot.objects.get(pk=response.json()["id"])
    assert response.json() == {
        "id": shot.pk, "scene": scene.pk, "number": "1-INS", "order": 0, "size": "ECU", "angle": "low",
        "movement": "dolly_in", "lens_mm": 85, "duration": 4.25, "description": "The wick catches.",
        "dialogue": "ELIN: There.", "characters": sorted([elin.pk, tomas.pk]), "status": "ready", "version": 1,
    }
    assert body(shot) == response.json()


def test_shots_are_numbered_after_their_scene_letter_by_letter(team, api):
    # given
    scene = factories.make_scene(team.project, number="12")
    client = api(team.artist)

    # when
    created = [client.post(shots_url(team.project), {"scene": scene.pk}, format="json").json() for _ in range(3)]

    # then
    assert [(s["number"], s["order"]) for s in created] == [("12A", 0), ("12B", 1), ("12C", 2)]
    assert [(n, o) for _, n, o in in_scene(scene)] == [("12A", 0), ("12B", 1), ("12C", 2)]


def test_after_z_comes_aa(team, api, scene):
    # given
    factories.make_shot(scene, number="1Z")
    client = api(team.artist)

    # when
    first = client.post(shots_url(team.project), {"scene": scene.pk}, format="json")
    second = client.post(shots_url(team.project), {"scene": scene.pk}, format="json")

    # then
    assert (first.json()["number"], second.json()["number"]) == ("1AA", "1AB")


def test_the_twenty_seventh_shot_of_a_scene_is_aa(team, api, scene):
    # given
    for _ in range(26):
        factories.make_shot(scene)

    # when
    response = api(team.artist).post(shots_url(team.project), {"scene": scene.pk}, format="json")

    # then
    assert response.status_code == 201
    assert (response.json()["number"], response.json()["order"]) == ("1AA", 26)
    assert Shot.objects.filter(scene=scene, number="1Z").exists()


def test_an_explicit_number_is_honoured_and_the_letters_go_on_after_it(team, api, scene):
    # given
    client = api(team.artist)

    # when
    explicit = client.post(shots_url(team.project), {"scene": scene.pk, "number": " 1F "}, format="json")
    after = client.post(shots_url(team.project), {"scene": scene.pk}, format="json")
    other_scheme = client.post(shots_url(team.project), {"scene": scene.pk, "number": "INSERT-1"}, format="json")
    after_other = client.post(shots_url(team.project), {"scene": scene.pk}, format="json")

    # then
    assert [r.status_code for r in (explicit, after, other_scheme, after_other)] == [201, 201, 201, 201]
    assert [(n, o) for _, n, o in in_scene(scene)] == [("1F", 0), ("1G", 1), ("INSERT-1", 2), ("1H", 3)]


def test_a_number_taken_in_the_scene_is_refused(team, api, scene, snapshot):
    # given
    factories.make_shot(scene)
    client = api(team.artist)
    before = snapshot()

    # when
    response = client.post(shots_url(team.project), {"scene": scene.pk, "number": "1A"}, format="json")

    # then
    assert response.status_code == 400
    assert response.json() == {"number": ["Shot 1A already exists in this scene."]}
    assert snapshot() == before


def test_the_same_number_may_be_used_in_another_scene(team, api, scene):
    # given
    factories.make_shot(scene, number="X1")
    other = factories.make_scene(team.project)

    # when
    response = api(team.artist).post(shots_url(team.project), {"scene": other.pk, "number": "X1"}, format="json")

    # then
    assert response.status_code == 201, response.content
    assert Shot.objects.filter(project=team.project, number="X1").count() == 2


def test_position_inserts_the_shot_and_shifts_the_others(team, api, scene, published):
    # given
    a, b, c = (factories.make_shot(scene) for _ in range(3))

    # when
    with published(team.project) as sent:
        response = api(team.artist).post(shots_url(team.project), {"scene": scene.pk, "position": 1},
                                         format="json")

    # then
    assert response.status_code == 201, response.content
    new = response.json()
    assert (new["number"], new["order"]) == ("1D", 1)
    assert in_scene(scene) == [(a.pk, "1A", 0), (new["id"], "1D", 1), (b.pk, "1B", 2), (c.pk, "1C", 3)]
    assert [(e["type"], e["data"]) for e in sent] == [
        ("shot.created", {"shot": new}),
        ("shots.reordered", {"scenes": [{"scene": scene.pk, "shots": [a.pk, new["id"], b.pk, c.pk]}],
                             "moved": []}),
    ]


def test_position_zero_puts_the_shot_first(team, api, scene):
    # given
    a, b = (factories.make_shot(scene) for _ in range(2))

    # when
    response = api(team.artist).post(shots_url(team.project), {"scene": scene.pk, "position": 0}, format="json")

    # then
    assert response.status_code == 201, response.content
    assert in_scene(scene) == [(response.json()["id"], "1C", 0), (a.pk, "1A", 1), (b.pk, "1B", 2)]


def test_position_at_the_end_appends(team, api, scene, published):
    # given
    a, b = (factories.make_shot(scene) for _ in range(2))

    # when
    with published(team.project) as sent:
        response = api(team.artist).post(shots_url(team.project), {"scene": scene.pk, "position": 2},
                                         format="json")

    # then
    assert response.status_code == 201, response.content
    assert in_scene(scene) == [(a.pk, "1A", 0), (b.pk, "1B", 1), (response.json()["id"], "1C", 2)]
    assert [e["type"] for e in sent] == ["shot.created"]


@pytest.mark.parametrize(("position", "error"), [
    (3, "Position must be between 0 and 2."),
    (-1, "Ensure this value is greater than or equal to 0."),
])
def test_a_position_out_of_range_is_refused(team, api, scene, snapshot, position, error):
    # given
    factories.make_shot(scene)
    factories.make_shot(scene)
    client = api(team.artist)
    before = snapshot()

    # when
    response = client.post(shots_url(team.project), {"scene": scene.pk, "position": position}, format="json")

    # then
    assert response.status_code == 400
    assert response.json() == {"position": [error]}
    assert snapshot() == before


def test_characters_of_another_project_are_refused_and_nothing_is_created(team, api, scene, snapshot):
    # given
    ours = factories.make_character(team.project, name="Elin")
    theirs = factories.make_character(factories.make_project(title="Elsewhere"), name="Stranger")
    client = api(team.artist)
    before = snapshot()

    # when
    response = client.post(shots_url(team.project), {"scene": scene.pk, "characters": [ours.pk, theirs.pk]},
                           format="json")

    # then
    assert response.status_code == 400
    assert response.json() == {"characters": [f"Character {theirs.pk} is not in this project."]}
    assert snapshot() == before


def test_a_scene_of_another_project_is_refused(team, api, snapshot):
    # given
    foreign = factories.make_scene(factories.make_project(title="Elsewhere"))
    client = api(team.artist)
    before = snapshot()

    # when
    response = client.post(shots_url(team.project), {"scene": foreign.pk}, format="json")

    # then
    assert response.status_code == 400
    assert response.json() == {"scene": [f"Scene {foreign.pk} is not in this project."]}
    assert snapshot() == before


@pytest.mark.parametrize(("fields", "errors"), [
    ({"lens_mm": 3}, {"lens_mm": ["Ensure this value is greater than or equal to 4."]}),
    ({"lens_mm": 1201}, {"lens_mm": ["Ensure this value is less than or equal to 1200."]}),
    ({"duration": 0}, {"duration": ["Ensure this value is greater than or equal to 0.1."]}),
    ({"duration": 3601}, {"duration": ["Ensure this value is less than or equal to 3600."]}),
    ({"size": "XL", "angle": "upside", "movement": "spin", "status": "done"}, {
        "size": ['"XL" is not a valid choice.'], "angle": ['"upside" is not a valid choice.'],
        "movement": ['"spin" is not a valid choice.'], "status": ['"done" is not a valid choice.'],
    }),
    ({"number": "1 A"}, {"number": ["Shot numbers are up to 12 letters, digits, dots or dashes, like 12A."]}),
    ({"characters": "Elin"}, {"characters": ['Expected a list of items but got type "str".']}),
    ({"description": "x" * 4001}, {"description": ["Ensure this field has no more than 4000 characters."]}),
], ids=["lens too short", "lens too long", "no duration", "duration over an hour", "choices", "number", "cast",
        "description"])
def test_invalid_fields_are_refused_by_name(team, api, scene, snapshot, fields, errors):
    # given
    client = api(team.artist)
    before = snapshot()

    # when
    response = client.post(shots_url(team.project), {"scene": scene.pk, **fields}, format="json")

    # then
    assert response.status_code == 400
    assert response.json() == errors
    assert snapshot() == before


def test_an_artist_may_not_create_a_shot_already_approved(team, api, scene, snapshot):
    # given
    client = api(team.artist)
    before = snapshot()

    # when
    response = client.post(shots_url(team.project), {"scene": scene.pk, "status": "approved"}, format="json")

    # then
    assert response.status_code == 403
    assert response.json() == {"detail": MAY_REVIEW}
    assert snapshot() == before


@pytest.mark.parametrize(("role", "status"), [("artist", "in_review"), ("artist", "ready"),
                                              ("director", "approved"), ("owner", "approved")])
def test_shot_editors_create_shots_in_the_statuses_their_role_allows(team, api, scene, role, status):
    # when
    response = api(team.users[role]).post(shots_url(team.project), {"scene": scene.pk, "status": status},
                                          format="json")

    # then
    assert response.status_code == 201, response.content
    assert Shot.objects.get(pk=response.json()["id"]).status == status


# --- List and read ----------------------------------------------------------


def test_the_list_goes_scene_by_scene_in_order_then_shot_by_shot(team, api):
    # given scenes and shots created out of the order they end up in
    script = team.project.scripts.get()
    first = factories.make_scene(team.project, script)
    second = factories.make_scene(team.project, script)
    later_script = factories.make_script(team.project, title="Episode 2")
    episode_two = factories.make_scene(team.project, later_script)
    e2a = factories.make_shot(episode_two)
    s2a = factories.make_shot(second)
    s1a = factories.make_shot(first)
    s1b = factories.make_shot(first)
    s1c = factories.make_shot(first)
    owner = api(team.owner)
    assert owner.post(f"/api/v1/projects/{team.project.pk}/scenes/reorder/",
                      {"script": script.pk, "scenes": [second.pk, first.pk]}, format="json").status_code == 200
    assert owner.post(f"/api/v1/projects/{team.project.pk}/shots/reorder/",
                      {"scene": first.pk, "shots": [s1c.pk, s1a.pk, s1b.pk]}, format="json").status_code == 200
    factories.make_shot(factories.make_scene(factories.make_project(title="Elsewhere")))

    # when
    response = api(team.viewer).get(shots_url(team.project))

    # then
    assert response.status_code == 200
    assert response.json() == {
        "count": 5, "next": None, "previous": None,
        "results": [body(s2a), body(s1c), body(s1a), body(s1b), body(e2a)],
    }


@pytest.fixture
def board(team):
    """Two scripts, three scenes, six shots with varied fields, and two characters."""

    class Board:
        pass

    b = Board()
    b.elin = factories.make_character(team.project, name="Elin")
    b.tomas = factories.make_character(team.project, name="Tomas")
    b.script = team.project.scripts.get()
    b.scene1 = factories.make_scene(team.project, b.script)
    b.scene2 = factories.make_scene(team.project, b.script)
    b.other_script = factories.make_script(team.project, title="Episode 2")
    b.scene3 = factories.make_scene(team.project, b.other_script)
    b.a = factories.make_shot(b.scene1, size="CU", description="The lamp turns.", characters=[b.elin.pk])
    b.b = factories.make_shot(b.scene1, size="LS", dialogue="Who is there?", status="ready",
                              characters=[b.elin.pk, b.tomas.pk])
    b.c = factories.make_shot(b.scene1, size="CU", status="in_review")
    b.d = factories.make_shot(b.scene2, description="Rain on the glass. LAMP light.", status="approved")
    b.e = factories.make_shot(b.scene3, size="ECU", characters=[b.tomas.pk], status="in_review")
    b.f = factories.make_shot(b.scene3, dialogue="TOMAS: The lamp!", number="11")
    return b


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [s["id"] for s in response.json()["results"]]


def test_the_list_filters_by_scene_and_by_script(team, api, board):
    # given
    client = api(team.viewer)

    # when / then
    assert ids(client.get(shots_url(team.project), {"scene": board.scene1.pk})) == [board.a.pk, board.b.pk,
                                                                                    board.c.pk]
    assert ids(client.get(shots_url(team.project), {"scene": board.scene2.pk})) == [board.d.pk]
    assert ids(client.get(shots_url(team.project), {"script": board.script.pk})) == [
        board.a.pk, board.b.pk, board.c.pk, board.d.pk]
    assert ids(client.get(shots_url(team.project), {"script": board.other_script.pk})) == [board.e.pk, board.f.pk]


def test_the_list_filters_by_one_or_more_statuses_and_sizes(team, api, board):
    # given
    client = api(team.viewer)

    # when / then
    assert ids(client.get(shots_url(team.project), {"status": "in_review"})) == [board.c.pk, board.e.pk]
    assert ids(client.get(shots_url(team.project), {"status": ["draft", "approved"]})) == [
        board.a.pk, board.d.pk, board.f.pk]
    assert ids(client.get(shots_url(team.project), {"size": "CU"})) == [board.a.pk, board.c.pk]
    assert ids(client.get(shots_url(team.project), {"size": ["ECU", "LS"]})) == [board.b.pk, board.e.pk]
    assert ids(client.get(shots_url(team.project), {"size": "CU", "status": "in_review"})) == [board.c.pk]


def test_the_list_filters_by_character(team, api, board):
    # given
    client = api(team.viewer)

    # when / then
    assert ids(client.get(shots_url(team.project), {"character": board.elin.pk})) == [board.a.pk, board.b.pk]
    assert ids(client.get(shots_url(team.project), {"character": board.tomas.pk})) == [board.b.pk, board.e.pk]
    assert ids(client.get(shots_url(team.project), {"character": board.tomas.pk, "scene": board.scene3.pk})) == [
        board.e.pk]


@pytest.mark.parametrize(("q", "expected"), [
    ("1b", ["b"]),              # a number, whatever the case, matches exactly
    ("1", []),                  # and only exactly
    ("11", ["f"]),
    ("lamp", ["a", "d", "f"]),  # description or dialogue contains it, whatever the case
    ("who is", ["b"]),
    ("  glass ", ["d"]),
    ("nothing like it", []),
    ("elin", ["a", "b"]),       # the name of a character in the shot
    ("TOM", ["b", "e", "f"]),
])
def test_the_list_searches_numbers_exactly_and_text_by_contents(team, api, board, q, expected):
    # when
    response = api(team.viewer).get(shots_url(team.project), {"q": q})

    # then
    assert ids(response) == [getattr(board, name).pk for name in expected]


def test_a_blank_search_lists_everything(team, api, board):
    # when
    response = api(team.viewer).get(shots_url(team.project), {"q": "   "})

    # then
    assert response.json()["count"] == 6


@pytest.mark.parametrize(("params", "errors"), [
    ({"scene": "first"}, {"scene": ["Enter a whole number."]}),
    ({"script": "1.5.2"}, {"script": ["Enter a whole number."]}),
    ({"character": "Elin"}, {"character": ["Enter a whole number."]}),
    ({"status": "done"}, {"status": ["Select a valid choice. done is not one of the available choices."]}),
    ({"size": ["CU", "XXL"]}, {"size": ["Select a valid choice. XXL is not one of the available choices."]}),
])
def test_an_invalid_filter_value_is_a_400_not_a_crash(team, api, board, params, errors):
    # when
    response = api(team.viewer).get(shots_url(team.project), params)

    # then
    assert response.status_code == 400
    assert response.json() == errors


def test_listing_shots_costs_the_same_queries_however_many_there_are(team, api, scene, django_assert_num_queries):
    # given
    client = api(team.viewer)
    elin = factories.make_character(team.project, name="Elin")
    factories.make_shot(scene, characters=[elin.pk])
    with django_assert_num_queries(6):  # session, user, membership, count, page, characters
        client.get(shots_url(team.project))
    other = factories.make_scene(team.project)
    tomas = factories.make_character(team.project, name="Tomas")
    for n in range(8):
        factories.make_shot(scene if n % 2 else other, characters=[elin.pk, tomas.pk][: n % 3])

    # when / then
    with django_assert_num_queries(6):
        response = client.get(shots_url(team.project))
    assert response.json()["count"] == 9


def test_a_shot_reads_with_its_version_as_etag(team, api, scene):
    # given
    elin = factories.make_character(team.project, name="Elin")
    shot = factories.make_shot(scene, characters=[elin.pk], description="Close on the wick.")

    # when
    response = api(team.viewer).get(shot_url(team.project, shot))

    # then
    assert response.status_code == 200
    assert response.json() == {"id": shot.pk, "scene": scene.pk, "number": "1A", "order": 0,
                               **DEFAULTS, "description": "Close on the wick.", "characters": [elin.pk],
                               "version": 1}
    assert response.headers["ETag"] == '"1"'


# --- Edit ---------------------------------------------------------------------


def test_only_the_fields_that_change_bump_the_version_and_are_named(team, api, scene, published):
    # given
    shot = factories.make_shot(scene, size="MS", lens_mm=35, description="Wide.")

    # when
    with published(team.project) as sent:
        response = patch(api(team.artist), team.project, shot,
                         {"size": "CU", "lens_mm": 35, "description": "Closer.", "duration": "3.0"}, 1)

    # then
    assert response.status_code == 200, response.content
    assert response.json() == {"id": shot.pk, "scene": scene.pk, "number": "1A", "order": 0, **DEFAULTS,
                               "size": "CU", "description": "Closer.", "version": 2}
    assert response.headers["ETag"] == '"2"'
    assert body(shot) == response.json()
    assert [(e["type"], e["data"]) for e in sent] == [
        ("shot.updated", {"shot": response.json(), "changed": ["size", "description"]}),
    ]


def test_a_patch_with_the_values_the_shot_has_keeps_its_version(team, api, scene, published, snapshot):
    # given
    elin = factories.make_character(team.project, name="Elin")
    tomas = factories.make_character(team.project, name="Tomas")
    shot = factories.make_shot(scene, size="CU", description="Wide.", characters=[elin.pk, tomas.pk])
    client = api(team.artist)
    before = snapshot()

    # when
    with published(team.project) as sent:
        response = patch(client, team.project, shot, {
            "size": "CU", "description": "Wide.", "duration": 3, "characters": [tomas.pk, elin.pk],
            "scene": scene.pk, "number": "1A", "status": "draft",
        }, 1)

    # then
    assert response.status_code == 200, response.content
    assert response.json()["version"] == 1
    assert response.headers["ETag"] == '"1"'
    assert snapshot() == before
    assert sent == []


def test_changing_the_cast_of_a_shot(team, api, scene, published):
    # given
    elin = factories.make_character(team.project, name="Elin")
    tomas = factories.make_character(team.project, name="Tomas")
    shot = factories.make_shot(scene, characters=[elin.pk])

    # when
    with published(team.project) as sent:
        response = patch(api(team.artist), team.project, shot, {"characters": [tomas.pk, elin.pk]}, 1)

    # then
    assert response.status_code == 200, response.content
    assert (response.json()["characters"], response.json()["version"]) == (sorted([elin.pk, tomas.pk]), 2)
    assert [e["data"]["changed"] for e in sent] == [["characters"]]
    assert body(shot)["characters"] == sorted([elin.pk, tomas.pk])


def test_clearing_the_cast_of_a_shot(team, api, scene):
    # given
    shot = factories.make_shot(scene, characters=[factories.make_character(team.project).pk])

    # when
    response = patch(api(team.artist), team.project, shot, {"characters": []}, 1)

    # then
    assert response.status_code == 200, response.content
    assert (response.json()["characters"], response.json()["version"]) == ([], 2)


def test_a_shot_cannot_be_given_a_character_of_another_project(team, api, scene, snapshot):
    # given
    shot = factories.make_shot(scene)
    theirs = factories.make_character(factories.make_project(title="Elsewhere"))
    client = api(team.artist)
    before = snapshot()

    # when
    response = patch(client, team.project, shot, {"characters": [theirs.pk], "description": "With him."}, 1)

    # then
    assert response.status_code == 400
    assert response.json() == {"characters": [f"Character {theirs.pk} is not in this project."]}
    assert snapshot() == before


def test_a_shot_cannot_take_a_number_used_in_its_scene(team, api, scene, snapshot):
    # given
    factories.make_shot(scene)
    second = factories.make_shot(scene)
    client = api(team.artist)
    before = snapshot()

    # when
    response = patch(client, team.project, second, {"number": "1A"}, 1)

    # then
    assert response.status_code == 400
    assert response.json() == {"number": ["Shot 1A already exists in this scene."]}
    assert snapshot() == before


def test_an_invalid_value_in_a_patch_is_refused_by_name(team, api, scene, snapshot):
    # given
    shot = factories.make_shot(scene)
    client = api(team.artist)
    before = snapshot()

    # when
    response = patch(client, team.project, shot, {"lens_mm": 1201, "angle": "sideways"}, 1)

    # then
    assert response.status_code == 400
    assert response.json() == {"lens_mm": ["Ensure this value is less than or equal to 1200."],
                               "angle": ['"sideways" is not a valid choice.']}
    assert snapshot() == before


def test_moving_a_shot_to_another_scene_puts_it_last_there_renumbered(team, api, scene, published):
    # given
    a, b, c = (factories.make_shot(scene) for _ in range(3))
    target = factories.make_scene(team.project)
    t1, t2 = factories.make_shot(target), factories.make_shot(target)

    # when
    with published(team.project) as sent:
        response = patch(api(team.artist), team.project, a, {"scene": target.pk}, 1)

    # then
    assert response.status_code == 200, response.content
    assert response.json() == {"id": a.pk, "scene": target.pk, "number": "2C", "order": 2, **DEFAULTS,
                               "version": 2}
    assert in_scene(target) == [(t1.pk, "2A", 0), (t2.pk, "2B", 1), (a.pk, "2C", 2)]
    assert in_scene(scene) == [(b.pk, "1B", 0), (c.pk, "1C", 1)]
    assert [(e["type"], e["data"]) for e in sent] == [
        ("shot.updated", {"shot": response.json(), "changed": ["number", "scene"]}),
    ]


def test_moving_a_shot_with_a_number_of_its_own_keeps_that_number(team, api, scene):
    # given
    shot = factories.make_shot(scene)
    target = factories.make_scene(team.project)
    factories.make_shot(target)

    # when
    response = patch(api(team.artist), team.project, shot, {"scene": target.pk, "number": "2X"}, 1)

    # then
    assert response.status_code == 200, response.content
    assert (response.json()["scene"], response.json()["number"], response.json()["order"]) == (target.pk, "2X", 1)


def test_moving_a_shot_onto_a_taken_number_is_refused(team, api, scene, snapshot):
    # given
    shot = factories.make_shot(scene)
    target = factories.make_scene(team.project)
    factories.make_shot(target)
    client = api(team.artist)
    before = snapshot()

    # when
    response = patch(client, team.project, shot, {"scene": target.pk, "number": "2A"}, 1)

    # then
    assert response.status_code == 400
    assert response.json() == {"number": ["Shot 2A already exists in this scene."]}
    assert snapshot() == before


def test_a_shot_cannot_move_to_a_scene_of_another_project(team, api, scene, snapshot):
    # given
    shot = factories.make_shot(scene)
    foreign = factories.make_scene(factories.make_project(title="Elsewhere"))
    client = api(team.artist)
    before = snapshot()

    # when
    response = patch(client, team.project, shot, {"scene": foreign.pk}, 1)

    # then
    assert response.status_code == 400
    assert response.json() == {"scene": [f"Scene {foreign.pk} is not in this project."]}
    assert snapshot() == before


# --- Status rules ---------------------------------------------------------------


@pytest.mark.parametrize(("old", "new"), [("in_review", "approved"), ("in_review", "ready"),
                                          ("approved", "in_review")])
def test_a_reviewer_makes_the_review_moves(team, api, scene, published, old, new):
    # given
    shot = factories.make_shot(scene, status=old)

    # when
    with published(team.project) as sent:
        response = patch(api(team.reviewer), team.project, shot, {"status": new}, 1)

    # then
    assert response.status_code == 200, response.content
    assert (response.json()["status"], response.json()["version"]) == (new, 2)
    assert [(e["type"], e["data"]["changed"]) for e in sent] == [("shot.updated", ["status"])]


@pytest.mark.parametrize(("old", "new", "code", "error"), [
    ("draft", "approved", 400, {"status": [REVIEW_MOVES_ONLY]}),
    ("ready", "approved", 400, {"status": [REVIEW_MOVES_ONLY]}),
    ("approved", "draft", 400, {"status": [REVIEW_MOVES_ONLY]}),
    ("approved", "ready", 400, {"status": [REVIEW_MOVES_ONLY]}),
    ("draft", "in_review", 403, {"detail": MAY_EDIT_SHOTS}),
    ("ready", "draft", 403, {"detail": MAY_EDIT_SHOTS}),
    ("in_review", "draft", 403, {"detail": MAY_EDIT_SHOTS}),
])
def test_a_reviewer_makes_no_other_status_move(team, api, scene, snapshot, old, new, code, error):
    # given
    shot = factories.make_shot(scene, status=old)
    client = api(team.reviewer)
    before = snapshot()

    # when
    response = patch(client, team.project, shot, {"status": new}, 1)

    # then
    assert response.status_code == code
    assert response.json() == error
    assert snapshot() == before


@pytest.mark.parametrize("changes", [{"description": "Tighter."}, {"status": "approved", "description": "Tighter."},
                                     {"size": "CU"}])
def test_a_reviewer_may_not_edit_a_shot(team, api, scene, snapshot, changes):
    # given
    shot = factories.make_shot(scene, status="in_review")
    client = api(team.reviewer)
    before = snapshot()

    # when
    response = patch(client, team.project, shot, changes, 1)

    # then
    assert response.status_code == 403
    assert response.json() == {"detail": MAY_EDIT_SHOTS}
    assert snapshot() == before


def test_a_reviewer_may_send_the_whole_form_back_with_only_the_status_changed(team, api, scene):
    # given a shot in review, and the form as a reviewer's client holds it
    shot = factories.make_shot(scene, status="in_review", description="Wide.", lens_mm=24)
    form = {k: v for k, v in body(shot).items() if k not in {"id", "order", "version"}}

    # when the reviewer approves, sending every field back unchanged but the status
    response = patch(api(team.reviewer), team.project, shot, {**form, "status": "approved"}, 1)

    # then only the status changed
    assert response.status_code == 200, response.content
    assert (response.json()["status"], response.json()["description"], response.json()["lens_mm"],
            response.json()["version"]) == ("approved", "Wide.", 24, 2)


@pytest.mark.parametrize(("old", "new"), [("in_review", "approved"), ("draft", "approved"),
                                          ("approved", "in_review"), ("approved", "draft")])
def test_an_artist_may_not_approve_nor_reopen_an_approved_shot(team, api, scene, snapshot, old, new):
    # given
    shot = factories.make_shot(scene, status=old)
    client = api(team.artist)
    before = snapshot()

    # when
    response = patch(client, team.project, shot, {"status": new}, 1)

    # then
    assert response.status_code == 403
    assert response.json() == {"detail": MAY_REVIEW}
    assert snapshot() == before


def test_an_artist_may_not_edit_an_approved_shot_while_reopening_it(team, api, scene, snapshot):
    # given
    shot = factories.make_shot(scene, status="approved")
    client = api(team.artist)
    before = snapshot()

    # when
    response = patch(client, team.project, shot, {"status": "draft", "description": "Redo."}, 1)

    # then
    assert response.status_code == 403
    assert response.json() == {"detail": MAY_REVIEW}
    assert snapshot() == before


@pytest.mark.parametrize(("field", "value", "shown"), [("size", "CU", "CU"), ("lens_mm", 85, 85),
                                                     ("duration", "4.5", 4.5)])
def test_changing_an_approved_shots_framing_lens_or_duration_sends_it_back_to_ready(team, api, scene, published,
                                                                                    field, value, shown):
    # given an approved shot
    shot = factories.make_shot(scene, status="approved")

    # when an artist changes its framing, lens or duration
    with published(team.project) as sent:
        response = patch(api(team.artist), team.project, shot, {field: value, "status": "approved"}, 1)

    # then the change is kept and the shot is back to ready, in one new version and its event
    assert response.status_code == 200, response.content
    assert (body(shot)[field], body(shot)["status"], body(shot)["version"]) == (shown, "ready", 2)
    assert [(e["type"], e["data"]["changed"], e["data"]["shot"]["status"]) for e in sent] == [
        ("shot.updated", [field, "status"], "ready")]


def test_editing_an_approved_shots_action_keeps_it_approved(team, api, scene):
    # given an approved shot
    shot = factories.make_shot(scene, status="approved")

    # when its action and angle are edited
    response = patch(api(team.artist), team.project, shot, {"description": "Slower.", "angle": "low"}, 1)

    # then it stays approved
    assert response.status_code == 200, response.content
    assert (body(shot)["description"], body(shot)["status"], body(shot)["version"]) == ("Slower.", "approved", 2)


def test_a_director_may_approve_a_shot_while_changing_its_lens(team, api, scene):
    # given a shot in review
    shot = factories.make_shot(scene, status="in_review")

    # when a director changes its lens and approves it at once
    response = patch(api(team.director), team.project, shot, {"lens_mm": 50, "status": "approved"}, 1)

    # then it is approved with that lens
    assert response.status_code == 200, response.content
    assert (body(shot)["lens_mm"], body(shot)["status"]) == (50, "approved")


@pytest.mark.parametrize(("old", "new"), [("draft", "ready"), ("ready", "in_review"), ("in_review", "ready"),
                                          ("in_review", "draft")])
def test_an_artist_moves_a_shot_through_the_work_statuses(team, api, scene, old, new):
    # given
    shot = factories.make_shot(scene, status=old)

    # when
    response = patch(api(team.artist), team.project, shot, {"status": new}, 1)

    # then
    assert response.status_code == 200, response.content
    assert (body(shot)["status"], body(shot)["version"]) == (new, 2)


@pytest.mark.parametrize("role", ["owner", "director"])
@pytest.mark.parametrize(("old", "new"), [("draft", "approved"), ("approved", "draft"), ("ready", "approved"),
                                          ("approved", "in_review"), ("in_review", "draft")])
def test_owners_and_directors_make_any_status_move(team, api, scene, role, old, new):
    # given
    shot = factories.make_shot(scene, status=old)

    # when
    response = patch(api(team.users[role]), team.project, shot, {"status": new, "description": "Done."}, 1)

    # then
    assert response.status_code == 200, response.content
    assert (body(shot)["status"], body(shot)["description"], body(shot)["version"]) == (new, "Done.", 2)


@pytest.mark.parametrize("new", ["ready", "approved"])
def test_a_viewer_makes_no_status_move(team, api, scene, snapshot, new):
    # given
    shot = factories.make_shot(scene, status="in_review")
    client = api(team.viewer)
    before = snapshot()

    # when
    response = patch(client, team.project, shot, {"status": new}, 1)

    # then
    assert response.status_code == 403
    assert response.json() == {"detail": MAY_REVIEW if new == "approved" else MAY_EDIT_SHOTS}
    assert snapshot() == before


# --- Delete -------------------------------------------------------------------


def test_deleting_a_shot_compacts_the_order_of_the_scene(team, api, scene, published):
    # given
    a, b, c = (factories.make_shot(scene) for _ in range(3))

    # when
    with published(team.project) as sent:
        response = api(team.artist).delete(shot_url(team.project, a), HTTP_IF_MATCH='"1"')

    # then
    assert response.status_code == 204
    assert response.content == b""
    assert in_scene(scene) == [(b.pk, "1B", 0), (c.pk, "1C", 1)]
    assert [(e["type"], e["data"]) for e in sent] == [
        ("shot.deleted", {"id": a.pk, "scene": scene.pk, "number": "1A"}),
    ]



# --- Numbers ------------------------------------------------------------------


def test_a_deleted_shots_letter_is_not_given_to_the_next_shot(team, api, scene):
    # given 1A and 1B, and 1B deleted
    factories.make_shot(scene)
    last = factories.make_shot(scene)
    client = api(team.artist)
    assert client.delete(shot_url(team.project, last), HTTP_IF_MATCH='"1"').status_code == 204

    # when a new shot is added
    response = client.post(shots_url(team.project), {"scene": scene.pk}, format="json")

    # then it is 1C: "1B" stays the deleted shot's number
    assert response.status_code == 201, response.content
    assert response.json()["number"] == "1C"


def test_shot_numbers_are_stored_upper_case_so_1a_clashes_with_1A(team, api, scene, snapshot):
    # given 1A
    factories.make_shot(scene)
    client = api(team.artist)
    before = snapshot()

    # when someone types "1a"
    clash = client.post(shots_url(team.project), {"scene": scene.pk, "number": " 1a "}, format="json")
    fresh = client.post(shots_url(team.project), {"scene": scene.pk, "number": "1x"}, format="json")

    # then
    assert clash.status_code == 400
    assert clash.json() == {"number": ["Shot 1A already exists in this scene."]}
    assert fresh.status_code == 201
    assert fresh.json()["number"] == "1X"
    assert Shot.objects.filter(scene=scene).count() == len(before["shots.Shot"]) + 1


def test_a_move_keeps_the_number_sent_with_it(team, api, scene):
    # given a shot in scene 1 and a second scene
    shot = factories.make_shot(scene)
    other = factories.make_scene(team.project, location="Shore")

    # when it moves with its number given explicitly
    response = patch(api(team.artist), team.project, shot, {"scene": other.pk, "number": "1A"}, 1)

    # then it keeps "1A" in scene 2
    assert response.status_code == 200, response.content
    assert (response.json()["scene"], response.json()["number"]) == (other.pk, "1A")


def test_a_shot_past_the_cap_of_a_project_is_refused_naming_it(team, api, scene, snapshot, settings):
    # given a project at its cap of two shots, in two scenes
    settings.STUDIO_MAX_SHOTS_PER_PROJECT = 2
    factories.make_shot(scene)
    factories.make_shot(factories.make_scene(team.project, location="Deck"))
    client = api(team.artist)
    before = snapshot()

    # when an artist adds a third
    response = client.post(shots_url(team.project), {"scene": scene.pk}, format="json")

    # then
    assert response.status_code == 400
    assert response.json() == {"scene": [
        "This project has 2 shots, the most a project may have (STUDIO_MAX_SHOTS_PER_PROJECT)."]}
    assert snapshot() == before
