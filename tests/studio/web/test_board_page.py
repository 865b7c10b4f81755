"""The shot board page: the whole board as JSON for the board module, the same data the API gives."""

from __future__ import annotations

from decimal import Decimal

import pytest

from studio.renders.services import takes as take_services
from tests import factories

CAPS = {
    "owner": ["delete_project", "edit_cast", "edit_project", "edit_script", "edit_shots", "export", "generate",
              "manage_members", "review", "view"],
    "director": ["edit_cast", "edit_project", "edit_script", "edit_shots", "export", "generate", "review", "view"],
    "writer": ["edit_cast", "edit_script", "view"],
    "artist": ["edit_cast", "edit_shots", "export", "generate", "view"],
    "reviewer": ["review", "view"],
    "viewer": ["view"],
}


@pytest.fixture
def boarded(team):
    """The team's project with two scripts, three scenes, five shots and two characters."""
    project = team.project
    elin = factories.make_character(project, name="Elin", aliases=["THE KEEPER"], seed=1207,
                                    description="</script><b>not markup</b> & \"quoted\"")
    factories.make_reference(elin, caption="Look")
    tomas = factories.make_character(project, name="Tomas", seed=48213)
    first = factories.make_scene(project, location="Skarv Rock", int_ext="EXT", time_of_day="NIGHT")
    second = factories.make_scene(project, location="Lamp Room", time_of_day="NIGHT")
    factories.make_shot(first, size="ELS", description="The lighthouse.")
    factories.make_shot(first, characters=[elin.pk, tomas.pk], dialogue="Who is he?", duration=Decimal("4.5"))
    factories.make_shot(second, characters=[elin.pk], status="ready")
    episode = factories.make_script(project, title="Episode 2")
    later = factories.make_scene(project, script=episode, location="Kitchen")
    factories.make_shot(later)
    factories.make_shot(later, number="9X")
    return team


def board_url(team) -> str:
    return f"/projects/{team.project.pk}/board/"


def api_results(client, path: str) -> list:
    response = client.get(path)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["next"] is None
    return body["results"]


@pytest.mark.parametrize("role", ["owner", "director", "writer", "artist", "reviewer", "viewer"])
def test_board_embeds_the_board_as_the_api_describes_it_with_the_viewers_role(role, boarded, browser, api, html,
                                                                               board_state):
    # given a member of the project
    user = boarded.users[role]

    # when they open the board
    response = browser(user).get(board_url(boarded))

    # then the page renders with the board's state as JSON
    assert response.status_code == 200
    page = html(response)
    assert page.one("script", id="board-state").attrs["type"] == "application/json"
    assert page.one("div", data_board=True).attrs["style"] == "--aspect:2.39"
    state = board_state(response)
    # and "me" is the viewer, with their role and what it lets them do
    assert state["me"] == {"id": user.pk, "username": user.username, "name": user.name, "initials": user.initials,
                           "color": user.color, "role": role, "capabilities": CAPS[role]}
    # and the board's contents are exactly what the API returns to the same person
    client = api(user)
    p = f"/api/v1/projects/{boarded.project.pk}/"
    project = client.get(p).json()
    assert state["project"] == {k: v for k, v in project.items() if k not in {"role", "capabilities"}}
    assert state["shots"] == api_results(client, p + "shots/")
    assert state["scenes"] == api_results(client, p + "scenes/")
    assert state["characters"] == api_results(client, p + "characters/")
    assert state["members"] == api_results(client, p + "members/")
    assert state["scripts"] == [{"id": s["id"], "title": s["title"]} for s in api_results(client, p + "scripts/")]
    assert state["takes"] == []  # the take each shot shows: none yet (test_shot_pages.py has some)
    assert state["more"] is None  # the whole board fits in its first page
    assert set(state) == {"project", "me", "scripts", "scenes", "shots", "characters", "members", "takes", "choices",
                          "more", "status_help"}


def test_board_state_holds_the_shots_in_board_order_with_their_data(boarded, browser, board_state):
    state = board_state(browser(boarded.viewer).get(board_url(boarded)))

    assert [(s["number"], s["order"]) for s in state["shots"]] == [
        ("1A", 0), ("1B", 1), ("2A", 0), ("1A", 0), ("9X", 1),  # the second script numbers its scenes from 1
    ]
    assert [sc["heading"] for sc in state["scenes"]] == [
        "EXT. SKARV ROCK - NIGHT", "INT. LAMP ROOM - NIGHT", "INT. KITCHEN",
    ]
    assert [c["name"] for c in state["characters"]] == ["Elin", "Tomas"]
    elin, tomas = state["characters"]
    assert state["shots"][1]["characters"] == sorted([elin["id"], tomas["id"]])
    assert (state["shots"][1]["dialogue"], state["shots"][1]["duration"]) == ("Who is he?", 4.5)
    assert elin["description"] == "</script><b>not markup</b> & \"quoted\""  # survives the trip through HTML
    assert [r["caption"] for r in elin["references"]] == ["Look"]
    assert [s["title"] for s in state["scripts"]] == ["Team Project", "Episode 2"]
    assert [m["role"] for m in state["members"]] == ["owner", "director", "writer", "artist", "reviewer", "viewer"]


def test_board_state_lists_the_choices_for_the_inspector(boarded, browser, board_state):
    choices = board_state(browser(boarded.artist).get(board_url(boarded)))["choices"]

    assert choices["size"] == [
        ["ECU", "Extreme close-up"], ["CU", "Close-up"], ["MCU", "Medium close-up"], ["MS", "Medium shot"],
        ["MLS", "Medium long shot"], ["LS", "Long shot"], ["ELS", "Extreme long shot"],
    ]
    assert choices["status"] == [["draft", "Draft"], ["ready", "Ready"], ["in_review", "In review"],
                                 ["approved", "Approved"]]
    assert [v for v, _ in choices["angle"]] == ["eye_level", "high", "low", "overhead", "dutch", "worms_eye",
                                               "over_shoulder", "pov"]
    assert len(choices["movement"]) == 14


def test_board_state_says_what_a_shots_status_means_next_to_its_takes_reviews(boarded, browser, board_state):
    help = board_state(browser(boarded.viewer).get(board_url(boarded)))["status_help"]

    assert help["approval_covers"] == ["size", "lens_mm", "duration"]
    assert help["meanings"]["approved"] == ("A reviewer signed off its framing, lens and duration; changing any of "
                                            "them sends it back to Ready.")
    assert set(help["meanings"]) == {"draft", "ready", "in_review", "approved"}
    assert help["takes"] == ("Each take is reviewed on its own: approving a take picks the frame the board shows, "
                             "and does not approve the shot.")


def test_the_script_tag_is_not_broken_by_text_in_the_data(boarded, browser):
    content = browser(boarded.viewer).get(board_url(boarded)).content.decode()

    assert "</script><b>not markup</b>" not in content
    assert "\\u003C/script\\u003E\\u003Cb\\u003Enot markup\\u003C/b\\u003E \\u0026" in content


def test_an_empty_project_has_an_empty_board(browser, board_state, db):
    owner = factories.make_user("solo")
    project = factories.make_project(owner=owner, title="Empty", frame_rate=Decimal("23.976"))

    state = board_state(browser(owner).get(f"/projects/{project.pk}/board/"))

    assert state["project"] == {"id": project.pk, "title": "Empty", "logline": "", "format": "short",
                                "aspect_ratio": "2.39", "frame_rate": 23.976, "style_prompt": ""}
    assert (state["scenes"], state["shots"], state["characters"]) == ([], [], [])
    assert [s["title"] for s in state["scripts"]] == ["Empty"]


def test_the_board_takes_the_same_queries_however_many_shots(browser, team, django_assert_num_queries):
    # given a board with one scene, one shot and one character
    scene = factories.make_scene(team.project)
    elin = factories.make_character(team.project, name="Elin")
    factories.make_shot(scene, characters=[elin.pk])
    client = browser(team.viewer)
    with django_assert_num_queries(11) as small:  # session, user, membership, then one per kind of thing
        assert client.get(board_url(team)).status_code == 200

    # when it grows to many shots, scenes and characters
    for n in range(3):
        more = factories.make_scene(team.project)
        character = factories.make_character(team.project, name=f"Extra {n}")
        factories.make_reference(character)
        for _ in range(3):
            shot = factories.make_shot(more, characters=[elin.pk, character.pk])
            take_services.take_upload(actor=team.artist, shot=shot, upload=factories.image_upload())

    # then it takes exactly as many queries
    with django_assert_num_queries(len(small.captured_queries)):
        assert client.get(board_url(team)).status_code == 200


def test_a_board_larger_than_a_page_carries_its_first_scenes_with_their_shots_and_where_the_rest_is(
        boarded, browser, api, board_state, settings):
    # given a board of three scenes (2, 1 and 2 shots) and pages of two scenes
    settings.STUDIO_BOARD_SCENES_PER_PAGE = 2
    client = api(boarded.viewer)
    p = f"/api/v1/projects/{boarded.project.pk}/"
    every_scene, every_shot = api_results(client, p + "scenes/"), api_results(client, p + "shots/")

    # when a member opens it, and the board fetches the rest as the page says
    state = board_state(browser(boarded.viewer).get(board_url(boarded)))
    rest = client.get(state["more"]).json()
    rest_ids = ",".join(str(scene["id"]) for scene in rest["results"])
    rest_shots = api_results(client, p + f"shots/?scenes={rest_ids}&page_size=500")

    # then the page carried the first two scenes and their shots, and the rest is the API's next page and its shots
    assert state["more"] == p + "scenes/?page=2&page_size=2"
    assert state["scenes"] == every_scene[:2]
    assert state["shots"] == every_shot[:3]
    assert (rest["results"], rest["next"]) == (every_scene[2:], None)
    assert rest_shots == every_shot[3:]


def test_a_paged_board_takes_the_same_queries_however_many_scenes(browser, team, django_assert_num_queries,
                                                                  settings):
    # given pages of two scenes and a board of three scenes with a shot each
    settings.STUDIO_BOARD_SCENES_PER_PAGE = 2
    elin = factories.make_character(team.project, name="Elin")
    for _ in range(3):
        factories.make_shot(factories.make_scene(team.project), characters=[elin.pk])
    client = browser(team.viewer)
    with django_assert_num_queries(11) as small:
        assert client.get(board_url(team)).status_code == 200

    # when it grows to thirty scenes
    for _ in range(27):
        factories.make_shot(factories.make_scene(team.project), characters=[elin.pk])

    # then the page reads as many queries, and carries as much
    with django_assert_num_queries(len(small.captured_queries)):
        response = client.get(board_url(team))
    assert response.status_code == 200
