"""Two people editing one shot: If-Match versions make the second write fail instead of overwriting the first.

The threaded tests race real requests on separate database connections; they hold on SQLite (write
transactions begin IMMEDIATE, so they queue) and on PostgreSQL (the row is locked with SELECT … FOR UPDATE).
"""

from __future__ import annotations

import threading
from functools import partial

import pytest
from django.db import connection
from django.http import Http404

from studio.shots import services as shot_services
from studio.shots.models import Shot
from tests import factories

STALE = ("This shot was changed by someone else (you edited version {expected}, it is now version {current}). "
         "Reload it and apply your change again.")
VERSION_REQUIRED = ("Send the shot's version in an If-Match header (or a 'version' field) so a concurrent edit is "
                    "never overwritten.")


def shot_url(shot) -> str:
    return f"/api/v1/projects/{shot.project_id}/shots/{shot.pk}/"


def stored(shot) -> tuple[str, int]:
    shot.refresh_from_db()
    return shot.description, shot.version


@pytest.fixture
def shot(team):
    return factories.make_shot(factories.make_scene(team.project), description="Wide on the lamp.")


# --- One after the other --------------------------------------------------------


def test_the_second_of_two_edits_from_the_same_version_gets_412_and_changes_nothing(team, api, shot, snapshot):
    # given: both read the shot at version 1
    owner, artist = api(team.owner), api(team.artist)
    owner_read, artist_read = owner.get(shot_url(shot)), artist.get(shot_url(shot))
    assert (owner_read.headers["ETag"], artist_read.headers["ETag"]) == ('"1"', '"1"')

    # when
    first = owner.patch(shot_url(shot), {"description": "Owner's cut."}, format="json",
                        HTTP_IF_MATCH=owner_read.headers["ETag"])
    after_first = snapshot()
    second = artist.patch(shot_url(shot), {"description": "Artist's cut."}, format="json",
                          HTTP_IF_MATCH=artist_read.headers["ETag"])

    # then
    assert first.status_code == 200, first.content
    assert (first.json()["description"], first.json()["version"], first.headers["ETag"]) == ("Owner's cut.", 2,
                                                                                            '"2"')
    assert second.status_code == 412
    assert second.json() == {"detail": STALE.format(expected=1, current=2), "current_version": 2}
    assert second.headers["ETag"] == '"2"'
    assert snapshot() == after_first
    assert stored(shot) == ("Owner's cut.", 2)


def test_after_a_412_the_loser_reloads_and_applies_the_change_again(team, api, shot):
    # given
    owner, artist = api(team.owner), api(team.artist)
    assert owner.patch(shot_url(shot), {"description": "Owner's cut."}, format="json",
                       HTTP_IF_MATCH='"1"').status_code == 200
    refused = artist.patch(shot_url(shot), {"size": "CU"}, format="json", HTTP_IF_MATCH='"1"')

    # when
    retried = artist.patch(shot_url(shot), {"size": "CU"}, format="json", HTTP_IF_MATCH=refused.headers["ETag"])

    # then
    assert retried.status_code == 200, retried.content
    assert (retried.json()["description"], retried.json()["size"], retried.json()["version"]) == (
        "Owner's cut.", "CU", 3)


def test_a_weak_etag_is_accepted(team, api, shot):
    # when
    response = api(team.artist).patch(shot_url(shot), {"description": "Tighter."}, format="json",
                                      HTTP_IF_MATCH='W/"1"')

    # then
    assert response.status_code == 200, response.content
    assert stored(shot) == ("Tighter.", 2)


def test_the_version_may_come_in_the_body_instead(team, api, shot, snapshot):
    # given
    client = api(team.artist)

    # when
    current = client.patch(shot_url(shot), {"description": "Tighter.", "version": 1}, format="json")
    before = snapshot()
    stale = client.patch(shot_url(shot), {"description": "Looser.", "version": 1}, format="json")

    # then
    assert current.status_code == 200, current.content
    assert stale.status_code == 412
    assert snapshot() == before
    assert stored(shot) == ("Tighter.", 2)


def test_if_match_star_overwrites_whatever_version_is_there(team, api, shot):
    # given
    owner, artist = api(team.owner), api(team.artist)
    assert owner.patch(shot_url(shot), {"description": "Owner's cut."}, format="json",
                       HTTP_IF_MATCH='"1"').status_code == 200

    # when
    response = artist.patch(shot_url(shot), {"description": "Artist's cut."}, format="json", HTTP_IF_MATCH="*")

    # then
    assert response.status_code == 200, response.content
    assert (response.json()["version"], response.headers["ETag"]) == (3, '"3"')
    assert stored(shot) == ("Artist's cut.", 3)


@pytest.mark.parametrize("if_match", [None, "", '"one"', "1.0", '"-1"', "W/", '"1", "2"'])
def test_an_edit_without_a_usable_version_is_428_and_changes_nothing(team, api, shot, snapshot, if_match):
    # given
    client = api(team.artist)
    headers = {} if if_match is None else {"HTTP_IF_MATCH": if_match}
    before = snapshot()

    # when
    response = client.patch(shot_url(shot), {"description": "Blind."}, format="json", **headers)

    # then
    assert response.status_code == 428
    assert response.json() == {"detail": VERSION_REQUIRED}
    assert snapshot() == before


def test_a_malformed_version_in_the_body_is_428(team, api, shot, snapshot):
    # given
    client = api(team.artist)
    before = snapshot()

    # when
    response = client.patch(shot_url(shot), {"description": "Blind.", "version": "latest"}, format="json")

    # then
    assert response.status_code == 428
    assert response.json() == {"detail": VERSION_REQUIRED}
    assert snapshot() == before


def test_deleting_with_a_stale_version_is_412_and_the_shot_stays(team, api, shot, snapshot):
    # given
    owner, artist = api(team.owner), api(team.artist)
    assert owner.patch(shot_url(shot), {"description": "Owner's cut."}, format="json",
                       HTTP_IF_MATCH='"1"').status_code == 200
    before = snapshot()

    # when
    stale = artist.delete(shot_url(shot), HTTP_IF_MATCH='"1"')
    without = artist.delete(shot_url(shot))

    # then
    assert stale.status_code == 412
    assert stale.json() == {"detail": STALE.format(expected=1, current=2), "current_version": 2}
    assert stale.headers["ETag"] == '"2"'
    assert without.status_code == 428
    assert without.json() == {"detail": VERSION_REQUIRED}
    assert snapshot() == before
    assert Shot.objects.filter(pk=shot.pk).exists()


def test_deleting_with_the_current_version_or_star(team, api, shot):
    # given
    other = factories.make_shot(shot.scene)
    client = api(team.artist)

    # when
    current = client.delete(shot_url(shot), HTTP_IF_MATCH='"1"')
    star = client.delete(shot_url(other), HTTP_IF_MATCH="*")

    # then
    assert (current.status_code, star.status_code) == (204, 204)
    assert not Shot.objects.filter(pk__in=[shot.pk, other.pk]).exists()


def test_a_move_by_reorder_makes_an_edit_from_before_the_move_stale(team, api, shot, snapshot):
    # given
    target = factories.make_scene(team.project)
    artist, owner = api(team.artist), api(team.owner)
    assert owner.post(f"/api/v1/projects/{team.project.pk}/shots/reorder/",
                      {"scene": target.pk, "shots": [shot.pk]}, format="json").status_code == 200
    before = snapshot()

    # when
    response = artist.patch(shot_url(shot), {"description": "Old view."}, format="json", HTTP_IF_MATCH='"1"')

    # then
    assert response.status_code == 412
    assert response.json()["current_version"] == 2
    assert snapshot() == before


def test_editing_a_shot_deleted_since_it_was_read_is_not_found(team, shot, snapshot):
    # given: the artist's copy of the shot was read before the owner deleted it
    artists_copy = Shot.objects.get(pk=shot.pk)
    shot_services.shot_delete(actor=team.owner, shot=shot, expected_version=1)
    before = snapshot()

    # when
    with pytest.raises(Http404) as refused:
        shot_services.shot_update(actor=team.artist, shot=artists_copy, expected_version=1,
                                  changes={"description": "Too late."})

    # then
    assert str(refused.value) == "No Shot matches the given query."
    assert snapshot() == before


def test_deleting_a_shot_deleted_since_it_was_read_is_not_found(team, shot, snapshot):
    # given
    artists_copy = Shot.objects.get(pk=shot.pk)
    shot_services.shot_delete(actor=team.owner, shot=shot, expected_version=1)
    before = snapshot()

    # when
    with pytest.raises(Http404) as refused:
        shot_services.shot_delete(actor=team.artist, shot=artists_copy, expected_version=None)

    # then
    assert str(refused.value) == "No Shot matches the given query."
    assert snapshot() == before


# --- At the same time -------------------------------------------------------------


def race(*calls):
    """Run each call on its own thread, released together by a barrier; return their results in order."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)
    errors: list[BaseException] = []

    def run(index, call):
        try:
            barrier.wait(timeout=10)
            results[index] = call()
        except BaseException as exc:  # re-raised on the test's thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a racing request never finished"
    if errors:
        raise errors[0]
    return results


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_edits_of_one_version_let_exactly_one_win(team, api, shot):
    # given: both read version 1
    owner, artist = api(team.owner), api(team.artist)
    versions = {owner.get(shot_url(shot)).headers["ETag"], artist.get(shot_url(shot)).headers["ETag"]}
    assert versions == {'"1"'}

    def edit(client, text):
        return lambda: client.patch(shot_url(shot), {"description": text}, format="json", HTTP_IF_MATCH='"1"')

    # when
    by_owner, by_artist = race(edit(owner, "Owner's cut."), edit(artist, "Artist's cut."))

    # then
    assert sorted([by_owner.status_code, by_artist.status_code]) == [200, 412]
    winner, loser = (by_owner, by_artist) if by_owner.status_code == 200 else (by_artist, by_owner)
    assert (winner.json()["version"], winner.headers["ETag"]) == (2, '"2"')
    assert loser.json() == {"detail": STALE.format(expected=1, current=2), "current_version": 2}
    assert stored(shot) == (winner.json()["description"], 2)


@pytest.mark.django_db(transaction=True)
def test_a_simultaneous_edit_and_delete_of_one_version_let_exactly_one_win(team, api, shot):
    # given
    owner, artist = api(team.owner), api(team.artist)

    # when
    edited, deleted = race(
        lambda: owner.patch(shot_url(shot), {"description": "Owner's cut."}, format="json", HTTP_IF_MATCH='"1"'),
        lambda: artist.delete(shot_url(shot), HTTP_IF_MATCH='"1"'),
    )

    # then: the delete came first and the edit found nothing, or the edit came first and the delete was stale
    if deleted.status_code == 204:
        assert edited.status_code == 404
        assert edited.json() == {"detail": "Not found."}
        assert not Shot.objects.filter(pk=shot.pk).exists()
    else:
        assert (edited.status_code, deleted.status_code) == (200, 412)
        assert deleted.json() == {"detail": STALE.format(expected=1, current=2), "current_version": 2}
        assert stored(shot) == ("Owner's cut.", 2)


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_deletes_of_one_shot_delete_it_once(team, api, shot):
    # given
    owner, artist = api(team.owner), api(team.artist)
    survivor = factories.make_shot(shot.scene)

    # when
    results = race(lambda: owner.delete(shot_url(shot), HTTP_IF_MATCH='"1"'),
                   lambda: artist.delete(shot_url(shot), HTTP_IF_MATCH='"1"'))

    # then
    assert sorted(r.status_code for r in results) == [204, 404]
    assert not Shot.objects.filter(pk=shot.pk).exists()
    survivor.refresh_from_db()
    assert (survivor.number, survivor.order) == ("1B", 0)


@pytest.mark.django_db(transaction=True)
def test_simultaneous_new_shots_in_one_scene_get_distinct_numbers_and_places(team, api):
    # given
    scene = factories.make_scene(team.project)
    owner, artist = api(team.owner), api(team.artist)
    url = f"/api/v1/projects/{team.project.pk}/shots/"

    # when
    results = race(lambda: owner.post(url, {"scene": scene.pk}, format="json"),
                   lambda: artist.post(url, {"scene": scene.pk}, format="json"))

    # then
    assert [r.status_code for r in results] == [201, 201]
    assert sorted((r.json()["number"], r.json()["order"]) for r in results) == [("1A", 0), ("1B", 1)]
    assert sorted(Shot.objects.filter(scene=scene).values_list("number", "order")) == [("1A", 0), ("1B", 1)]


@pytest.mark.django_db(transaction=True)
def test_crossing_moves_between_two_scenes_both_succeed(team, api):
    """Moving a shot from A to B while another moves from B to A locks the same two scenes in the same
    order (ascending id) on both sides, so one waits for the other instead of deadlocking."""
    # given two scenes with a shot each, and a second, untouched shot in each
    a, b = factories.make_scene(team.project, location="A"), factories.make_scene(team.project, location="B")
    from_a, _ = factories.make_shot(a), factories.make_shot(a)
    from_b, _ = factories.make_shot(b), factories.make_shot(b)
    owner, artist = api(team.owner), api(team.artist)

    # when both move at once, again and again
    for round_ in range(5):
        versions = (Shot.objects.get(pk=from_a.pk).version, Shot.objects.get(pk=from_b.pk).version)
        there, back = (b, a) if round_ % 2 == 0 else (a, b)
        move_a = {"path": shot_url(from_a), "data": {"scene": there.pk}, "HTTP_IF_MATCH": f'"{versions[0]}"'}
        move_b = {"path": shot_url(from_b), "data": {"scene": back.pk}, "HTTP_IF_MATCH": f'"{versions[1]}"'}
        results = race(partial(owner.patch, format="json", **move_a), partial(artist.patch, format="json", **move_b))

        # then neither failed, and both scenes still hold two shots numbered apart, in order 0, 1
        assert [r.status_code for r in results] == [200, 200], [r.content for r in results]
        for scene in (a, b):
            rows = list(Shot.objects.filter(scene=scene).order_by("order").values_list("order", "number"))
            assert [order for order, _ in rows] == [0, 1]
            assert len({number for _, number in rows}) == 2


@pytest.mark.django_db(transaction=True)
def test_a_reorder_racing_an_edit_of_a_shot_it_pulls_in_keeps_every_version_distinct(team, api):
    # given a shot in scene A that a reorder of scene B will pull in while its owner edits it
    a, b = factories.make_scene(team.project, location="A"), factories.make_scene(team.project, location="B")
    moving = factories.make_shot(a)
    staying = factories.make_shot(b)
    owner, artist = api(team.owner), api(team.artist)

    # when both happen at once
    edit, reorder = race(
        lambda: owner.patch(shot_url(moving), {"description": "Edited."}, format="json", HTTP_IF_MATCH='"1"'),
        lambda: artist.post(f"/api/v1/projects/{team.project.pk}/shots/reorder/",
                            {"scene": b.pk, "shots": [moving.pk, staying.pk]}, format="json"),
    )

    # then the result is one of the two serial orders, never a mix: edit then move (both land, version 3),
    # or move then edit (the move bumped the version, so the edit from version 1 is refused)
    moving.refresh_from_db()
    outcome = (edit.status_code, reorder.status_code, moving.description, moving.scene_id, moving.number,
               moving.version)
    assert outcome in {(200, 200, "Edited.", b.pk, "2B", 3), (412, 200, "", b.pk, "2B", 2)}, outcome
