"""Lists and the board read in a fixed number of queries, however much they hold."""

from __future__ import annotations

import pytest
from django.test import Client

from studio.projects.permissions import Role
from studio.renders.services import takes as take_services
from tests import factories


def populate(project, *, scenes: int, shots_per_scene: int, characters: int):
    cast = [factories.make_character(project, name=f"Character {i}") for i in range(characters)]
    for ref_owner in cast:
        factories.make_reference(ref_owner)
    shots = []
    for _ in range(scenes):
        scene = factories.make_scene(project)
        for i in range(shots_per_scene):
            shots.append(factories.make_shot(scene, characters=[c.pk for c in cast[: 1 + i % len(cast)]]))
    for role in (Role.DIRECTOR, Role.ARTIST):
        factories.add_member(project, role)
    for shot in shots[::5]:  # every fifth shot has two takes (the board shows the newest)
        for _ in range(2):
            take_services.take_upload(actor=factories.owner_of(project), shot=shot, upload=factories.image_upload())


@pytest.fixture
def small(db):
    project = factories.make_project(title="Small")
    populate(project, scenes=2, shots_per_scene=5, characters=2)  # 10 shots
    return project


@pytest.fixture
def large(db):
    project = factories.make_project(title="Large")
    populate(project, scenes=10, shots_per_scene=20, characters=6)  # 200 shots
    return project


# session, user, membership, count, the page of rows, one prefetch per related list
LIST_QUERIES = {
    "shots/?page_size=500": (6, 200),
    "scenes/?page_size=500": (5, 10),
    "characters/?page_size=500": (6, 6),
    "members/": (5, 3),
    "scripts/": (5, 1),
}


@pytest.mark.parametrize("path", list(LIST_QUERIES), ids=lambda p: p.split("/")[0])
@pytest.mark.parametrize("which", ["small", "large"])
def test_api_lists_use_the_same_number_of_queries_for_small_and_large_projects(
    path, which, request, api, django_assert_num_queries
):
    project = request.getfixturevalue(which)
    client = api(factories.owner_of(project))
    queries, large_count = LIST_QUERIES[path]

    with django_assert_num_queries(queries):
        response = client.get(f"/api/v1/projects/{project.pk}/{path}")

    assert response.status_code == 200
    if which == "large":
        assert response.json()["count"] == large_count


@pytest.mark.parametrize("which", ["small", "large"])
def test_project_list_uses_the_same_number_of_queries(which, request, api, django_assert_num_queries):
    project = request.getfixturevalue(which)
    owner = factories.owner_of(project)
    for i in range(3):
        factories.make_project(owner=owner, title=f"Other {i}")
    client = api(owner)

    with django_assert_num_queries(4):  # session, user, count, the page (counts are subqueries)
        response = client.get("/api/v1/projects/")

    assert response.json()["count"] == 4


@pytest.mark.parametrize("which", ["small", "large"])
def test_board_page_uses_the_same_number_of_queries(which, request, django_assert_num_queries):
    project = request.getfixturevalue(which)
    client = Client()
    client.force_login(factories.owner_of(project))

    # session, user, membership, scripts, scenes, shots + their characters, characters + their references, members,
    # the take every shot shows
    with django_assert_num_queries(11):
        response = client.get(f"/projects/{project.pk}/board/")

    assert response.status_code == 200


@pytest.mark.parametrize("which", ["small", "large"])
def test_storyboard_page_uses_the_same_number_of_queries(which, request, django_assert_num_queries):
    project = request.getfixturevalue(which)
    client = Client()
    client.force_login(factories.owner_of(project))

    # session, user, membership, shots, their characters, the scenes' numbers, the take each shot shows, the cast,
    # the latest revision, the recent exports
    with django_assert_num_queries(10):
        response = client.get(f"/projects/{project.pk}/storyboard/")

    assert response.status_code == 200
