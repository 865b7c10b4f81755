"""POST /shots/reorder/: the complete new order of a scene's shots, which may pull shots in from other scenes."""

from __future__ import annotations

import pytest

from studio.shots import services as shot_services
from studio.shots.models import Shot
from tests import factories

STALE_LIST = "The shots changed while you were reordering them; reload and try again."


def reorder_url(project) -> str:
    return f"/api/v1/projects/{project.pk}/shots/reorder/"


def in_scene(scene) -> list[tuple[int, str, int, int]]:
    """(id, number, order, version) of the scene's shots, in order."""
    return list(Shot.objects.filter(scene=scene).order_by("order").values_list("pk", "number", "order", "version"))


def shot_data(shot: Shot) -> dict:
    shot.refresh_from_db()
    return {
        "id": shot.pk, "scene": shot.scene_id, "number": shot.number, "order": shot.order, "size": shot.size,
        "angle": shot.angle, "movement": shot.movement, "lens_mm": shot.lens_mm, "duration": float(shot.duration),
        "description": shot.description, "dialogue": shot.dialogue,
        "characters": sorted(shot.characters.values_list("pk", flat=True)), "status": shot.status,
        "version": shot.version,
    }


@pytest.fixture
def scenes(team):
    """Scene 1 with shots 1A 1B 1C, scene 2 with 2A 2B, scene 3 with 3A, and an empty scene 4."""

    class Scenes:
        pass

    s = Scenes()
    s.one = factories.make_scene(team.project)
    s.two = factories.make_scene(team.project)
    s.three = factories.make_scene(team.project)
    s.four = factories.make_scene(team.project)
    s.a1, s.b1, s.c1 = (factories.make_shot(s.one) for _ in range(3))
    s.a2, s.b2 = (factories.make_shot(s.two) for _ in range(2))
    s.a3 = factories.make_shot(s.three)
    return s


def test_reordering_the_shots_of_a_scene(team, api, scenes, published):
    # given
    new_order = [scenes.c1.pk, scenes.a1.pk, scenes.b1.pk]

    # when
    with published(team.project) as sent:
        response = api(team.artist).post(reorder_url(team.project), {"scene": scenes.one.pk, "shots": new_order},
                                         format="json")

    # then
    assert response.status_code == 200, response.content
    assert response.json() == {"scene": scenes.one.pk, "shots": new_order}
    assert in_scene(scenes.one) == [(scenes.c1.pk, "1C", 0, 1), (scenes.a1.pk, "1A", 1, 1),
                                    (scenes.b1.pk, "1B", 2, 1)]
    assert [(e["type"], e["data"]) for e in sent] == [
        ("shots.reordered", {"scenes": [{"scene": scenes.one.pk, "shots": new_order}], "moved": []}),
    ]


def test_the_list_of_shots_follows_the_new_order(team, api, scenes):
    # given
    client = api(team.artist)
    assert client.post(reorder_url(team.project), {"scene": scenes.two.pk, "shots": [scenes.b2.pk, scenes.a2.pk]},
                       format="json").status_code == 200

    # when
    response = client.get(f"/api/v1/projects/{team.project.pk}/shots/", {"scene": scenes.two.pk})

    # then
    assert [(s["id"], s["number"], s["order"]) for s in response.json()["results"]] == [
        (scenes.b2.pk, "2B", 0), (scenes.a2.pk, "2A", 1)]


def test_a_shot_moved_in_from_another_scene_is_renumbered_and_its_old_scene_compacted(team, api, scenes, published):
    # given
    new_order = [scenes.a2.pk, scenes.b1.pk, scenes.b2.pk]

    # when
    with published(team.project) as sent:
        response = api(team.artist).post(reorder_url(team.project), {"scene": scenes.two.pk, "shots": new_order},
                                         format="json")

    # then
    assert response.status_code == 200, response.content
    assert response.json() == {"scene": scenes.two.pk, "shots": new_order}
    assert in_scene(scenes.two) == [(scenes.a2.pk, "2A", 0, 1), (scenes.b1.pk, "2C", 1, 2),
                                    (scenes.b2.pk, "2B", 2, 1)]
    assert in_scene(scenes.one) == [(scenes.a1.pk, "1A", 0, 1), (scenes.c1.pk, "1C", 1, 1)]
    assert [(e["type"], e["data"]) for e in sent] == [
        ("shots.reordered", {
            "scenes": [{"scene": scenes.two.pk, "shots": new_order},
                       {"scene": scenes.one.pk, "shots": [scenes.a1.pk, scenes.c1.pk]}],
            "moved": [shot_data(scenes.b1)],
        }),
    ]


def test_shots_moved_in_from_several_scenes_are_lettered_in_the_order_they_are_placed(team, api, scenes):
    # given: the shot of scene 3 is placed before the shot of scene 1
    new_order = [scenes.a3.pk, scenes.a2.pk, scenes.b2.pk, scenes.a1.pk]

    # when
    response = api(team.artist).post(reorder_url(team.project), {"scene": scenes.two.pk, "shots": new_order},
                                     format="json")

    # then
    assert response.status_code == 200, response.content
    assert in_scene(scenes.two) == [(scenes.a3.pk, "2C", 0, 2), (scenes.a2.pk, "2A", 1, 1),
                                    (scenes.b2.pk, "2B", 2, 1), (scenes.a1.pk, "2D", 3, 2)]
    assert in_scene(scenes.one) == [(scenes.b1.pk, "1B", 0, 1), (scenes.c1.pk, "1C", 1, 1)]
    assert in_scene(scenes.three) == []


def test_shots_move_into_an_empty_scene(team, api, scenes):
    # when
    response = api(team.artist).post(reorder_url(team.project),
                                     {"scene": scenes.four.pk, "shots": [scenes.c1.pk, scenes.a1.pk]},
                                     format="json")

    # then
    assert response.status_code == 200, response.content
    assert in_scene(scenes.four) == [(scenes.c1.pk, "4A", 0, 2), (scenes.a1.pk, "4B", 1, 2)]
    assert in_scene(scenes.one) == [(scenes.b1.pk, "1B", 0, 1)]


def test_a_moved_shot_is_written_with_the_version_it_now_has(team, api, scenes):
    # given
    client = api(team.artist)
    assert client.post(reorder_url(team.project), {"scene": scenes.two.pk,
                       "shots": [scenes.a2.pk, scenes.b2.pk, scenes.a1.pk]}, format="json").status_code == 200

    # when
    stale = client.patch(f"/api/v1/projects/{team.project.pk}/shots/{scenes.a1.pk}/", {"description": "Moved."},
                         format="json", HTTP_IF_MATCH='"1"')
    current = client.patch(f"/api/v1/projects/{team.project.pk}/shots/{scenes.a1.pk}/", {"description": "Moved."},
                           format="json", HTTP_IF_MATCH='"2"')

    # then
    assert stale.status_code == 412
    assert current.status_code == 200
    assert (current.json()["number"], current.json()["version"]) == ("2C", 3)


def test_reordering_to_the_current_order_changes_nothing(team, api, scenes, published, snapshot):
    # given
    client = api(team.artist)
    before = snapshot()

    # when
    with published(team.project) as sent:
        response = client.post(reorder_url(team.project),
                               {"scene": scenes.one.pk, "shots": [scenes.a1.pk, scenes.b1.pk, scenes.c1.pk]},
                               format="json")

    # then
    assert response.status_code == 200
    assert response.json() == {"scene": scenes.one.pk, "shots": [scenes.a1.pk, scenes.b1.pk, scenes.c1.pk]}
    assert snapshot() == before
    assert sent == []


def test_an_empty_scene_reorders_with_an_empty_list(team, api, scenes, snapshot):
    # given
    client = api(team.artist)
    before = snapshot()

    # when
    response = client.post(reorder_url(team.project), {"scene": scenes.four.pk, "shots": []}, format="json")

    # then
    assert response.status_code == 200
    assert response.json() == {"scene": scenes.four.pk, "shots": []}
    assert snapshot() == before


@pytest.mark.parametrize("case", ["one left out", "one left out while another comes in", "empty list"])
def test_a_list_missing_a_shot_of_the_scene_is_a_conflict_and_changes_nothing(team, api, scenes, snapshot, case):
    # given
    proposed = {
        "one left out": [scenes.c1.pk, scenes.a1.pk],
        "one left out while another comes in": [scenes.c1.pk, scenes.a1.pk, scenes.a2.pk],
        "empty list": [],
    }[case]
    client = api(team.artist)
    before = snapshot()

    # when
    response = client.post(reorder_url(team.project), {"scene": scenes.one.pk, "shots": proposed}, format="json")

    # then
    assert response.status_code == 409
    assert response.json() == {"detail": STALE_LIST}
    assert snapshot() == before


@pytest.mark.parametrize("twice", ["a1", "a2"])
def test_a_list_naming_a_shot_twice_is_refused(team, api, scenes, snapshot, twice):
    # given
    again = getattr(scenes, twice).pk
    client = api(team.artist)
    before = snapshot()

    # when
    response = client.post(reorder_url(team.project), {
        "scene": scenes.one.pk, "shots": [scenes.a1.pk, scenes.b1.pk, scenes.c1.pk, scenes.a2.pk, again],
    }, format="json")

    # then
    assert response.status_code == 400
    assert response.json() == {"shots": ["An id appears more than once."]}
    assert snapshot() == before


def test_a_shot_of_another_project_is_refused(team, api, scenes, snapshot):
    # given
    foreign = factories.make_shot(factories.make_scene(factories.make_project(title="Elsewhere")))
    client = api(team.artist)
    before = snapshot()

    # when
    response = client.post(reorder_url(team.project), {
        "scene": scenes.one.pk, "shots": [scenes.a1.pk, scenes.b1.pk, foreign.pk, scenes.c1.pk],
    }, format="json")

    # then
    assert response.status_code == 400
    assert response.json() == {"shots": [f"Shot {foreign.pk} is not in this project."]}
    assert snapshot() == before


def test_an_unknown_shot_id_is_refused(team, api, scenes, snapshot):
    # given
    client = api(team.artist)
    before = snapshot()

    # when
    response = client.post(reorder_url(team.project), {
        "scene": scenes.one.pk, "shots": [scenes.a1.pk, scenes.b1.pk, scenes.c1.pk, 987_654],
    }, format="json")

    # then
    assert response.status_code == 400
    assert response.json() == {"shots": ["Shot 987654 is not in this project."]}
    assert snapshot() == before


def test_a_scene_of_another_project_is_refused(team, api, scenes, snapshot):
    # given
    foreign = factories.make_scene(factories.make_project(title="Elsewhere"))
    client = api(team.artist)
    before = snapshot()

    # when
    response = client.post(reorder_url(team.project), {"scene": foreign.pk, "shots": []}, format="json")

    # then
    assert response.status_code == 400
    assert response.json() == {"scene": [f"Scene {foreign.pk} is not in this project."]}
    assert snapshot() == before


@pytest.mark.parametrize(("data", "errors"), [
    ({"shots": []}, {"scene": ["This field is required."]}),
    ({"scene": "one", "shots": []}, {"scene": ["A valid integer is required."]}),
    ({"scene": None}, {"scene": ["This field may not be null."], "shots": ["This field is required."]}),
    ("shots", {"shots": {"0": ["A valid integer is required."]}}),
])
def test_a_malformed_reorder_is_refused(team, api, scenes, snapshot, data, errors):
    # given
    if data == "shots":
        data = {"scene": scenes.one.pk, "shots": ["1A", scenes.b1.pk, scenes.c1.pk]}
    client = api(team.artist)
    before = snapshot()

    # when
    response = client.post(reorder_url(team.project), data, format="json")

    # then
    assert response.status_code == 400
    assert response.json() == errors
    assert snapshot() == before


def test_a_new_shot_goes_after_the_reordered_ones_with_the_next_letter(team, api, scenes):
    # given
    client = api(team.artist)
    assert client.post(reorder_url(team.project), {"scene": scenes.two.pk,
                       "shots": [scenes.b2.pk, scenes.c1.pk, scenes.a2.pk]}, format="json").status_code == 200

    # when
    response = client.post(f"/api/v1/projects/{team.project.pk}/shots/", {"scene": scenes.two.pk}, format="json")

    # then
    assert (response.json()["number"], response.json()["order"]) == ("2D", 3)


# --- Statements: one UPDATE per kind of write, however many shots ------------------------------------------


def scene_of(project, count: int):
    scene = factories.make_scene(project)
    return scene, [factories.make_shot(scene).pk for _ in range(count)]


def order_of(scene) -> list[int]:
    return list(Shot.objects.filter(scene=scene).order_by("order").values_list("pk", flat=True))


@pytest.mark.parametrize("count", [20, 200])
def test_reversing_a_scene_takes_as_many_statements_for_200_shots_as_for_20(count, team, django_assert_num_queries):
    scene, ids = scene_of(team.project, count)

    # the savepoint, the role, the shots located, the scene locked, its shots, them locked, the one UPDATE, release
    with django_assert_num_queries(8):
        shot_services.shots_reorder(actor=team.artist, scene=scene, shot_ids=ids[::-1])

    assert order_of(scene) == ids[::-1]
    assert list(Shot.objects.filter(scene=scene).order_by("order").values_list("order", flat=True)) == list(
        range(count))


@pytest.mark.parametrize("moved", [1, 10])
def test_moving_shots_in_from_two_scenes_takes_as_many_statements_for_10_as_for_1(moved, team,
                                                                                 django_assert_num_queries):
    target, kept = scene_of(team.project, 2)
    first, from_first = scene_of(team.project, moved + 1)
    second, from_second = scene_of(team.project, moved + 1)
    order = [from_second[-1], *kept, *from_first[:-1], *from_second[:-1]]  # the first keeps its last shot

    # the savepoint, the role, locating, locking the scenes, the scene's shots, locking them, its numbers, its letter,
    # the shots moved in, its own shots' places, the scenes left, compacting them, the moved shots and their
    # characters for the event, release
    with django_assert_num_queries(15):
        shot_services.shots_reorder(actor=team.artist, scene=target, shot_ids=order)

    assert order_of(target) == order
    assert [n for n in Shot.objects.filter(scene=target).order_by("order").values_list("number", flat=True)] == [
        f"{target.number}C", f"{target.number}A", f"{target.number}B",
        *[f"{target.number}{chr(ord('D') + i)}" for i in range(2 * moved)]]
    assert (order_of(first), order_of(second)) == ([from_first[-1]], [])
    assert list(Shot.objects.filter(scene=first).values_list("order", flat=True)) == [0]


@pytest.mark.parametrize("count", [3, 30])
def test_deleting_a_shot_compacts_its_scene_in_one_statement(count, team, django_assert_num_queries):
    scene, ids = scene_of(team.project, count)
    shot = Shot.objects.get(pk=ids[0])

    # the savepoint, the project, the role, the scene and the shot locked, the delete and its cascades (7), the
    # scene's places, one UPDATE, release
    with django_assert_num_queries(13):
        shot_services.shot_delete(actor=team.artist, shot=shot, expected_version=shot.version)

    assert list(Shot.objects.filter(scene=scene).order_by("order").values_list("pk", "order")) == [
        (pk, i) for i, pk in enumerate(ids[1:])]
