"""REST API of projects: /api/v1/projects/, /api/v1/me/ and token authentication."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.core.files.storage import default_storage
from rest_framework.authtoken.models import Token

from studio.cast.models import Character, ReferenceImage
from studio.projects.models import Membership, Project
from studio.screenplay.models import Scene, Script
from studio.shots.models import Shot
from tests import factories

ALL_CAPS = ["delete_project", "edit_cast", "edit_project", "edit_script", "edit_shots", "export", "generate",
            "manage_members", "review", "view"]
CAPS = {
    "owner": ALL_CAPS,
    "director": ["edit_cast", "edit_project", "edit_script", "edit_shots", "export", "generate", "review", "view"],
    "writer": ["edit_cast", "edit_script", "view"],
    "artist": ["edit_cast", "edit_shots", "export", "generate", "view"],
    "reviewer": ["review", "view"],
    "viewer": ["view"],
}
RATES_MESSAGE = "Choose one of 23.976, 24, 25, 29.97, 30, 48, 50, 59.94, 60 fps."


def body(project_id: int, role: str, **fields) -> dict:
    """The full JSON of a project as the API returns it, with the defaults of a new project."""
    return {
        "id": project_id, "title": "Team Project", "logline": "", "format": "short", "aspect_ratio": "2.39",
        "frame_rate": 24.0, "style_prompt": "", **fields, "role": role, "capabilities": CAPS[role],
    }


# --- Create -----------------------------------------------------------------


def test_create_returns_the_project_with_the_creator_as_owner(api, db):
    # given a logged-in user
    maya = factories.make_user("maya")

    # when she creates a project with every field
    response = api(maya).post("/api/v1/projects/", {
        "title": "The Lighthouse", "logline": "A keeper and a stranger.", "format": "feature",
        "aspect_ratio": "1.85", "frame_rate": 25, "style_prompt": "35mm, teal and amber",
    }, format="json")

    # then she gets the project with her role and every capability, sorted
    project = Project.objects.get()
    assert response.status_code == 201
    assert response.json() == {
        "id": project.pk, "title": "The Lighthouse", "logline": "A keeper and a stranger.", "format": "feature",
        "aspect_ratio": "1.85", "frame_rate": 25.0, "style_prompt": "35mm, teal and amber",
        "role": "owner", "capabilities": ALL_CAPS,
    }
    # and she is its only member, an owner, invited by nobody
    assert list(Membership.objects.values_list("project_id", "user_id", "role", "invited_by_id")) == [
        (project.pk, maya.pk, "owner", None)
    ]
    assert project.created_by == maya
    # and an empty script titled like the project is there to write in
    assert list(Script.objects.values_list("project_id", "title", "fountain")) == [
        (project.pk, "The Lighthouse", "")
    ]


def test_create_with_only_a_title_uses_the_defaults(api, db):
    # given a logged-in user
    amy = factories.make_user("amy")

    # when she sends only a title
    response = api(amy).post("/api/v1/projects/", {"title": "Short"}, format="json")

    # then the project has the model's defaults: a short film in scope at 24 fps
    project = Project.objects.get()
    assert response.status_code == 201, response.content
    assert response.json() == body(project.pk, "owner", title="Short")
    assert (project.format, project.aspect_ratio, project.frame_rate) == ("short", "2.39", Decimal("24.000"))


def test_create_strips_whitespace_around_the_title(api, db):
    amy = factories.make_user("amy")

    response = api(amy).post("/api/v1/projects/", {"title": "   Night Shift \n", "frame_rate": 24}, format="json")

    assert response.status_code == 201
    assert response.json()["title"] == "Night Shift"
    assert Project.objects.get().title == "Night Shift"
    assert Script.objects.get().title == "Night Shift"


@pytest.mark.parametrize("title", ["", "   "])
def test_create_with_a_blank_title_is_refused(title, api, db, snapshot):
    # given a logged-in user and the state before
    client = api(factories.make_user("amy"))
    before = snapshot()

    # when she sends a blank title
    response = client.post("/api/v1/projects/", {"title": title, "frame_rate": 24}, format="json")

    # then the title is the field in error and nothing was written
    assert response.status_code == 400
    assert response.json() == {"title": ["This field may not be blank."]}
    assert snapshot() == before


def test_create_without_a_title_is_refused(api, db, snapshot):
    amy = factories.make_user("amy")
    client = api(amy)
    before = snapshot()

    response = client.post("/api/v1/projects/", {"logline": "No title"}, format="json")

    assert response.status_code == 400
    assert response.json() == {"title": ["This field is required."]}
    assert snapshot() == before


def test_create_with_a_too_long_title_is_refused(api, db, snapshot):
    amy = factories.make_user("amy")
    client = api(amy)
    before = snapshot()

    response = client.post("/api/v1/projects/", {"title": "x" * 201}, format="json")

    assert response.status_code == 400
    assert response.json() == {"title": ["Ensure this field has no more than 200 characters."]}
    assert snapshot() == before


def test_create_with_an_unknown_format_and_aspect_ratio_gives_both_field_errors(api, db, snapshot):
    amy = factories.make_user("amy")
    client = api(amy)
    before = snapshot()

    response = client.post("/api/v1/projects/", {"title": "X", "format": "musical", "aspect_ratio": "2.35",
                                                    "frame_rate": 24}, format="json")

    assert response.status_code == 400
    assert response.json() == {
        "format": ['"musical" is not a valid choice.'],
        "aspect_ratio": ['"2.35" is not a valid choice.'],
    }
    assert snapshot() == before


@pytest.mark.parametrize(("sent", "stored", "returned"), [
    (24, "24.000", 24.0),
    ("24", "24.000", 24.0),
    (23.976, "23.976", 23.976),
    ("23.976", "23.976", 23.976),
    (29.97, "29.970", 29.97),
    (30, "30.000", 30.0),
    (60, "60.000", 60.0),
])
def test_create_accepts_each_standard_frame_rate(sent, stored, returned, api, db):
    # given a user
    amy = factories.make_user("amy")

    # when she creates a project at a standard rate
    response = api(amy).post("/api/v1/projects/", {"title": "X", "frame_rate": sent}, format="json")

    # then it is stored with three decimals and returned as a number
    assert response.status_code == 201, response.content
    assert response.json()["frame_rate"] == returned
    assert str(Project.objects.get().frame_rate) == stored


@pytest.mark.parametrize("rate", [23, 24.5, 23.98, 0, -24, 120])
def test_create_refuses_a_rate_that_is_not_standard_with_the_list_of_rates(rate, api, db, snapshot):
    amy = factories.make_user("amy")
    client = api(amy)
    before = snapshot()

    response = client.post("/api/v1/projects/", {"title": "X", "frame_rate": rate}, format="json")

    assert response.status_code == 400
    assert response.json() == {"frame_rate": [RATES_MESSAGE]}
    assert snapshot() == before


def test_create_refuses_a_frame_rate_that_is_not_a_number(api, db, snapshot):
    amy = factories.make_user("amy")
    client = api(amy)
    before = snapshot()

    response = client.post("/api/v1/projects/", {"title": "X", "frame_rate": "fast"}, format="json")

    assert response.status_code == 400
    assert response.json() == {"frame_rate": ["A valid number is required."]}
    assert snapshot() == before


def test_anonymous_cannot_create_a_project(api, db, snapshot):
    client = api(None)
    before = snapshot()

    response = client.post("/api/v1/projects/", {"title": "X", "frame_rate": 24}, format="json")

    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Token"
    assert response.json() == {"detail": "Authentication credentials were not provided."}
    assert snapshot() == before


# --- List and detail ------------------------------------------------------------


def test_list_shows_only_my_projects_newest_first_with_my_role_on_each(api, db):
    # given June owns one project, is a writer on another, and a third is not hers
    june = factories.make_user("june")
    mine = factories.make_project(owner=june, title="Mine")
    theirs = factories.make_project(title="Theirs")
    factories.add_member(theirs, "writer", june)
    factories.make_project(title="Not mine")

    # when she lists her projects
    response = api(june).get("/api/v1/projects/")

    # then she sees the two, most recently changed first, each with her role and capabilities
    assert response.status_code == 200
    assert response.json() == {
        "count": 2, "next": None, "previous": None,
        "results": [
            body(theirs.pk, "writer", title="Theirs"),
            body(mine.pk, "owner", title="Mine"),
        ],
    }


def test_list_of_a_user_without_projects_is_empty(api, db):
    response = api(factories.make_user("loner")).get("/api/v1/projects/")

    assert response.status_code == 200
    assert response.json() == {"count": 0, "next": None, "previous": None, "results": []}


def test_list_takes_the_same_queries_however_many_projects(api, db, django_assert_num_queries):
    # given a user on one project
    june = factories.make_user("june")
    factories.make_project(owner=june)
    client = api(june)
    with django_assert_num_queries(4) as one:  # session, user, count, page
        assert client.get("/api/v1/projects/").json()["count"] == 1

    # when she is on five more, with other people on them
    for _ in range(5):
        project = factories.make_project()
        factories.add_member(project, "viewer", june)
        factories.add_member(project, "artist")

    # then listing them takes exactly as many queries
    with django_assert_num_queries(len(one.captured_queries)):
        assert client.get("/api/v1/projects/").json()["count"] == 6


@pytest.mark.parametrize("role", ["owner", "director", "writer", "artist", "reviewer", "viewer"])
def test_detail_gives_each_member_their_own_role_and_capabilities(role, team, api):
    response = api(team.users[role]).get(f"/api/v1/projects/{team.project.pk}/")

    assert response.status_code == 200
    assert response.json() == body(team.project.pk, role)


def test_detail_of_a_project_that_does_not_exist_is_404(api, db):
    response = api(factories.make_user()).get("/api/v1/projects/999999/")

    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


# --- Me and tokens ---------------------------------------------------------------


def test_me_describes_the_logged_in_user(api, db):
    maya = factories.make_user("maya", display_name="Maya Okafor")

    response = api(maya).get("/api/v1/me/")

    assert response.status_code == 200
    assert response.json() == {"id": maya.pk, "username": "maya", "name": "Maya Okafor", "initials": "MO",
                               "color": maya.color}
    assert re.fullmatch(r"#[0-9a-f]{6}", maya.color)


def test_me_without_a_display_name_falls_back_to_the_username(api, db):
    user = factories.make_user("solo", display_name="")

    response = api(user).get("/api/v1/me/")

    assert response.json() == {"id": user.pk, "username": "solo", "name": "solo", "initials": "SO",
                               "color": user.color}


def test_me_for_anonymous_is_401_asking_for_a_token(api, db):
    response = api(None).get("/api/v1/me/")

    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Token"


def test_a_token_from_username_and_password_authenticates_requests(api, db):
    # given a user with a password and no session
    theo = factories.make_user("theo", display_name="Theo Lindqvist")
    project = factories.make_project(owner=theo, title="Tokened")

    # when he asks for a token
    response = api(None).post("/api/v1/auth/token/", {"username": "theo", "password": factories.PASSWORD},
                              format="json")

    # then he gets the key of his token
    assert response.status_code == 200
    token = Token.objects.get(user=theo)
    assert response.json() == {"token": token.key}
    # and the key alone lets a fresh client act as him
    client = api(None)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert client.get("/api/v1/me/").json()["username"] == "theo"
    listed = client.get("/api/v1/projects/")
    assert listed.status_code == 200
    assert [p["id"] for p in listed.json()["results"]] == [project.pk]
    # and it can write without a CSRF token
    created = client.post("/api/v1/projects/", {"title": "By token", "frame_rate": 24}, format="json")
    assert created.status_code == 201
    assert Project.objects.get(pk=created.json()["id"]).created_by == theo


def test_asking_for_a_token_twice_gives_the_same_token(api, db):
    factories.make_user("theo")
    anon = api(None)
    creds = {"username": "theo", "password": factories.PASSWORD}

    first = anon.post("/api/v1/auth/token/", creds, format="json").json()
    second = anon.post("/api/v1/auth/token/", creds, format="json").json()

    assert first == second
    assert Token.objects.count() == 1


def test_a_wrong_password_gives_no_token(api, db):
    factories.make_user("theo")

    response = api(None).post("/api/v1/auth/token/", {"username": "theo", "password": "wrong"}, format="json")

    assert response.status_code == 400
    assert response.json() == {"non_field_errors": ["Unable to log in with provided credentials."]}
    assert Token.objects.count() == 0


def test_an_unknown_token_is_refused(api, db):
    client = api(None)
    client.credentials(HTTP_AUTHORIZATION="Token 0123456789abcdef0123456789abcdef01234567")

    response = client.get("/api/v1/me/")

    assert response.status_code == 401
    assert response.json() == {"detail": "Invalid token."}
    assert response.headers["WWW-Authenticate"] == "Token"


# --- Update -----------------------------------------------------------------


def test_patch_changes_only_the_fields_sent(api, team):
    # given a director
    before = Project.objects.values().get(pk=team.project.pk)

    # when he changes the logline and the frame rate
    response = api(team.director).patch(f"/api/v1/projects/{team.project.pk}/",
                                        {"logline": "A new logline.", "frame_rate": "23.976"}, format="json")

    # then the answer is the whole project with his role
    assert response.status_code == 200
    assert response.json() == body(team.project.pk, "director", logline="A new logline.", frame_rate=23.976)
    # and only those two fields changed
    after = Project.objects.values().get(pk=team.project.pk)
    changed = {k for k in after if after[k] != before[k]}
    assert changed == {"logline", "frame_rate", "updated_at"}
    assert after["frame_rate"] == Decimal("23.976")


def test_patch_strips_the_title(api, team):
    response = api(team.owner).patch(f"/api/v1/projects/{team.project.pk}/", {"title": "  Renamed  "},
                                     format="json")

    assert response.status_code == 200
    assert response.json()["title"] == "Renamed"
    assert Project.objects.get(pk=team.project.pk).title == "Renamed"


def test_patch_with_nothing_that_differs_changes_nothing(api, team, snapshot):
    client = api(team.owner)
    before = snapshot()

    response = client.patch(f"/api/v1/projects/{team.project.pk}/",
                                     {"title": "Team Project", "frame_rate": 24}, format="json")

    assert response.status_code == 200
    assert response.json() == body(team.project.pk, "owner")
    assert snapshot() == before


@pytest.mark.parametrize(("sent", "errors"), [
    ({"title": ""}, {"title": ["This field may not be blank."]}),
    ({"frame_rate": 23}, {"frame_rate": [RATES_MESSAGE]}),
    ({"format": "opera"}, {"format": ['"opera" is not a valid choice.']}),
    ({"aspect_ratio": "16:9"}, {"aspect_ratio": ['"16:9" is not a valid choice.']}),
    ({"logline": "x" * 1001}, {"logline": ["Ensure this field has no more than 1000 characters."]}),
])
def test_patch_with_an_invalid_field_changes_nothing(sent, errors, api, team, snapshot):
    client = api(team.owner)
    before = snapshot()

    response = client.patch(f"/api/v1/projects/{team.project.pk}/", sent, format="json")

    assert response.status_code == 400
    assert response.json() == errors
    assert snapshot() == before


def test_patch_by_a_writer_is_refused_with_the_reason(api, team, snapshot):
    client = api(team.writer)
    before = snapshot()

    response = client.patch(f"/api/v1/projects/{team.project.pk}/", {"title": "Mine now"}, format="json")

    assert response.status_code == 403
    assert response.json() == {
        "detail": "Only a project's owner or director may change the project's title, logline, format and look."
    }
    assert snapshot() == before


# --- Delete -----------------------------------------------------------------


def _counts(project_id: int) -> dict:
    return {
        "projects": Project.objects.filter(pk=project_id).count(),
        "memberships": Membership.objects.filter(project_id=project_id).count(),
        "scripts": Script.objects.filter(project_id=project_id).count(),
        "scenes": Scene.objects.filter(project_id=project_id).count(),
        "shots": Shot.objects.filter(project_id=project_id).count(),
        "characters": Character.objects.filter(project_id=project_id).count(),
        "references": ReferenceImage.objects.filter(character__project_id=project_id).count(),
        "shot characters": Shot.characters.through.objects.filter(shot__project_id=project_id).count(),
    }


def _full_project(title: str):
    owner = factories.make_user(f"{title.lower()}_owner")
    project = factories.make_project(owner=owner, title=title)
    factories.add_member(project, "artist")
    factories.add_member(project, "viewer")
    scene = factories.make_scene(project)
    other_scene = factories.make_scene(project)
    character = factories.make_character(project, name="Elin")
    reference = factories.make_reference(character)
    factories.make_shot(scene, characters=[character.pk])
    factories.make_shot(scene)
    factories.make_shot(other_scene, characters=[character.pk])
    return owner, project, reference


def test_delete_removes_the_project_and_everything_in_it(api, db, django_capture_on_commit_callbacks):
    # given a project with members, scenes, shots, a character and a reference image, and another project
    owner, project, reference = _full_project("Doomed")
    _, other, other_reference = _full_project("Kept")
    assert _counts(project.pk) == {"projects": 1, "memberships": 3, "scripts": 1, "scenes": 2, "shots": 3,
                                   "characters": 1, "references": 1, "shot characters": 2}
    kept = _counts(other.pk)
    files = [reference.image.name, reference.thumbnail.name]
    assert all(default_storage.exists(name) for name in files)

    # when its owner deletes it
    with django_capture_on_commit_callbacks(execute=True):
        response = api(owner).delete(f"/api/v1/projects/{project.pk}/")

    # then nothing of it is left, not even its uploaded files
    assert response.status_code == 204
    assert response.content == b""
    assert _counts(project.pk) == {"projects": 0, "memberships": 0, "scripts": 0, "scenes": 0, "shots": 0,
                                   "characters": 0, "references": 0, "shot characters": 0}
    assert [name for name in files if default_storage.exists(name)] == []
    # and the other project is untouched
    assert _counts(other.pk) == kept
    assert default_storage.exists(other_reference.image.name)
    # and the users are still there
    assert owner.__class__.objects.filter(pk=owner.pk).exists()


def test_delete_by_a_director_is_refused_and_changes_nothing(api, team, snapshot):
    factories.make_shot(factories.make_scene(team.project))
    client = api(team.director)
    before = snapshot()

    response = client.delete(f"/api/v1/projects/{team.project.pk}/")

    assert response.status_code == 403
    assert response.json() == {"detail": "Only a project's owner may delete the project."}
    assert snapshot() == before
