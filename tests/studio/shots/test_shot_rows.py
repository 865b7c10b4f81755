"""Lists of shots are built from rows (``values()``), not model instances: the same ShotData, in two queries."""

from __future__ import annotations

from dataclasses import asdict, fields
from decimal import Decimal

import pytest

from studio.shots import selectors
from studio.shots.events import ShotData
from tests import factories


@pytest.fixture
def boarded(team):
    project = team.project
    elin = factories.make_character(project, name="Elin")
    tomas = factories.make_character(project, name="Tomas")
    first = factories.make_scene(project, location="Skarv Rock")
    episode = factories.make_script(project, title="Episode 2")
    later = factories.make_scene(project, script=episode, location="Kitchen")
    factories.make_shot(later, description="Second script first", characters=[tomas.pk, elin.pk])
    factories.make_shot(first, size="ELS", description="The lighthouse.", duration=Decimal("4.5"))
    factories.make_shot(first, characters=[tomas.pk], dialogue="Who is he?", status="ready")
    return team, elin, tomas


def test_the_board_rows_are_the_shot_data_of_every_shot_in_board_order(boarded):
    team, elin, tomas = boarded

    rows = selectors.board_shots(project=team.project)

    assert rows == [asdict(ShotData.of(shot)) for shot in selectors.shots_of(project=team.project)]
    assert [(r["number"], r["description"], r["characters"], r["duration"]) for r in rows] == [
        ("1A", "The lighthouse.", [], 4.5),
        ("1B", "", [tomas.pk], 3.0),
        ("1A", "Second script first", sorted([elin.pk, tomas.pk]), 3.0),
    ]
    assert list(rows[0]) == [f.name for f in fields(ShotData)]  # the same keys, in the same order


def test_rows_of_some_shots_read_only_their_characters(boarded):
    team, elin, tomas = boarded
    page = list(selectors.shot_rows(selectors.shots_in_order(project=team.project))[1:3])

    rows = selectors.shot_data(page)

    assert [(r["number"], r["characters"]) for r in rows] == [("1B", [tomas.pk]), ("1A", sorted([elin.pk, tomas.pk]))]


def test_shot_data_as_dict_is_asdict(boarded):
    team, _, _ = boarded
    for shot in selectors.shots_of(project=team.project):
        data = ShotData.of(shot)
        assert data.as_dict() == asdict(data)


@pytest.mark.parametrize("count", [3, 30])
def test_the_board_rows_take_two_queries_however_many_shots(count, team, django_assert_num_queries):
    cast = [factories.make_character(team.project, name=f"C{i}") for i in range(3)]
    scene = factories.make_scene(team.project)
    for i in range(count):
        factories.make_shot(scene, characters=[c.pk for c in cast[: 1 + i % 3]])

    with django_assert_num_queries(2):  # the shots, then their characters
        rows = selectors.board_shots(project=team.project)

    assert len(rows) == count
    assert sum(len(r["characters"]) for r in rows) == sum(1 + i % 3 for i in range(count))


def test_no_shots_no_character_query(team, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert selectors.board_shots(project=team.project) == []


def test_each_shot_knows_its_neighbours_and_place_in_board_order(boarded):
    team, _, _ = boarded
    board = [(r["id"], r["number"]) for r in selectors.board_shots(project=team.project)]
    shots = {shot.pk: shot for shot in selectors.shots_of(project=team.project)}

    found = [selectors.neighbours_of(shots[pk]) for pk, _ in board]

    assert found == [
        selectors.Neighbours(previous=None, next=board[1], position=1, total=3),
        selectors.Neighbours(previous=board[0], next=board[2], position=2, total=3),
        selectors.Neighbours(previous=board[1], next=None, position=3, total=3),
    ]


def test_neighbours_cross_empty_scenes_and_scripts_as_the_board_does(team):
    project = team.project
    a, _empty, c = (factories.make_scene(project, location=name) for name in ("A", "Empty", "C"))
    episode = factories.make_script(project, title="Episode 2")
    d = factories.make_scene(project, script=episode, location="D")
    for scene, count in ((d, 2), (c, 1), (a, 2)):  # made out of board order
        for _ in range(count):
            factories.make_shot(scene)
    board = [(r["id"], r["number"]) for r in selectors.board_shots(project=project)]
    shots = {shot.pk: shot for shot in selectors.shots_of(project=project)}

    found = [selectors.neighbours_of(shots[pk]) for pk, _ in board]

    assert [n.position for n in found] == [1, 2, 3, 4, 5]
    assert {n.total for n in found} == {5}
    assert [n.previous for n in found] == [None, *board[:-1]]
    assert [n.next for n in found] == [*board[1:], None]
    assert [number for _, number in board] == ["1A", "1B", "3A", "1A", "1B"]
