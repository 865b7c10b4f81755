"""Who gets in: the login page, anonymous visitors, people not on a project, and the account page."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from studio.projects.models import Membership
from tests import factories


class Place:
    """One of everything on a project, so every project page has something to point at."""

    def __init__(self):
        self.owner = factories.make_user("place_owner")
        self.project = factories.make_project(owner=self.owner, title="Skarv Rock")
        self.viewer = factories.add_member(self.project, "viewer", factories.make_user("place_viewer"))
        self.viewer_membership = Membership.objects.get(project=self.project, user=self.viewer)
        self.character = factories.make_character(self.project, name="Elin")
        self.reference = factories.make_reference(self.character)
        self.shot = factories.make_shot(factories.make_scene(self.project))


@pytest.fixture
def place(db):
    return Place()


# (name, method, path, form data) of every page under a project
PROJECT_PAGES = [
    ("overview", "get", lambda p: f"/projects/{p.project.pk}/", None),
    ("settings", "post", lambda p: f"/projects/{p.project.pk}/settings/",
     lambda p: {"title": "Taken", "logline": "", "format": "feature", "aspect_ratio": "1.85",
                "frame_rate": "25.000", "style_prompt": ""}),
    ("delete", "post", lambda p: f"/projects/{p.project.pk}/delete/", lambda p: {"confirm_title": "Skarv Rock"}),
    ("invite", "post", lambda p: f"/projects/{p.project.pk}/members/",
     lambda p: {"username": "place_owner", "role": "viewer"}),
    ("member role", "post", lambda p: f"/projects/{p.project.pk}/members/{p.viewer_membership.pk}/",
     lambda p: {"role": "director"}),
    ("member remove", "post", lambda p: f"/projects/{p.project.pk}/members/{p.viewer_membership.pk}/",
     lambda p: {"action": "remove"}),
    ("cast", "get", lambda p: f"/projects/{p.project.pk}/cast/", None),
    ("cast create", "post", lambda p: f"/projects/{p.project.pk}/cast/", lambda p: {"new-name": "Tomas"}),
    ("character", "get", lambda p: f"/projects/{p.project.pk}/cast/{p.character.pk}/", None),
    ("character edit", "post", lambda p: f"/projects/{p.project.pk}/cast/{p.character.pk}/",
     lambda p: {"name": "Elin", "description": "Changed", "version": p.character.version}),
    ("character delete", "post", lambda p: f"/projects/{p.project.pk}/cast/{p.character.pk}/delete/",
     lambda p: {"version": p.character.version}),
    ("reference upload", "post", lambda p: f"/projects/{p.project.pk}/cast/{p.character.pk}/references/",
     lambda p: {"image": factories.image_upload()}),
    ("reference delete", "post",
     lambda p: f"/projects/{p.project.pk}/cast/{p.character.pk}/references/{p.reference.pk}/delete/", lambda p: {}),
    ("reference image", "get", lambda p: f"/projects/{p.project.pk}/media/references/{p.reference.pk}/", None),
    ("reference thumbnail", "get", lambda p: f"/projects/{p.project.pk}/media/references/{p.reference.pk}/thumb/",
     None),
    ("board", "get", lambda p: f"/projects/{p.project.pk}/board/", None),
    ("storyboard", "get", lambda p: f"/projects/{p.project.pk}/storyboard/", None),
    ("shot", "get", lambda p: f"/projects/{p.project.pk}/shots/{p.shot.pk}/", None),
    ("shot takes part", "get", lambda p: f"/projects/{p.project.pk}/shots/{p.shot.pk}/?part=takes", None),
    ("queue", "get", lambda p: f"/projects/{p.project.pk}/queue/", None),
]


def call(client, page, place):
    _, method, path, data = page
    if data is None:
        return getattr(client, method)(path(place))
    return getattr(client, method)(path(place), data(place))


# --- Login -------------------------------------------------------------------


def test_login_page_shows_the_form(browser, html, db):
    response = browser(None).get("/login/")

    assert response.status_code == 200
    page = html(response)
    assert page.one("title").text == "Log in · Previz Studio"
    form = page.one("form", method="post")
    assert form.one("input", name="username").attrs["autocomplete"] == "username"
    assert form.one("input", name="password").attrs["type"] == "password"
    assert form.one("button", type="submit").text == "Log in"
    # a person at the door is not told to run a build command
    assert form.one("p", cls="faint").text == "No account yet? Ask whoever runs this studio to make you one."


def test_logging_in_with_the_right_password_goes_to_the_projects(browser, db):
    # given a user
    maya = factories.make_user("maya")
    client = browser(None)

    # when she logs in through the form
    response = client.post("/login/", {"username": "maya", "password": factories.PASSWORD})

    # then she is sent to her projects, logged in
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert client.session["_auth_user_id"] == str(maya.pk)
    assert client.get("/").status_code == 200


def test_logging_in_goes_back_to_the_page_asked_for(browser, db):
    maya = factories.make_user("maya")
    project = factories.make_project(owner=maya)
    client = browser(None)
    asked = client.get(f"/projects/{project.pk}/board/")
    assert asked.headers["Location"] == f"/login/?next=/projects/{project.pk}/board/"

    response = client.post(asked.headers["Location"], {"username": "maya", "password": factories.PASSWORD,
                                                       "next": f"/projects/{project.pk}/board/"})

    assert response.status_code == 302
    assert response.headers["Location"] == f"/projects/{project.pk}/board/"


def test_a_wrong_password_shows_the_error_and_logs_nobody_in(browser, html, db):
    factories.make_user("maya")
    client = browser(None)

    response = client.post("/login/", {"username": "maya", "password": "nope"})

    assert response.status_code == 200
    page = html(response)
    assert page.one("div", cls="conflict", role="alert").text == (
        "Please enter a correct username and password. Note that both fields may be case-sensitive."
    )
    assert page.one("input", name="username").attrs["value"] == "maya"
    assert "_auth_user_id" not in client.session


def test_a_logged_in_user_on_the_login_page_goes_to_the_projects(browser, db):
    response = browser(factories.make_user()).get("/login/")

    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_logging_out_ends_the_session(browser, db):
    client = browser(factories.make_user())

    response = client.post("/logout/")

    assert response.status_code == 302
    assert response.headers["Location"] == "/login/"
    assert client.get("/").status_code == 302


# --- Anonymous ---------------------------------------------------------------


@pytest.mark.parametrize("path", ["/", "/account/", "/projects/new/"])
def test_anonymous_is_sent_to_login_from_the_studio_pages(path, browser, db):
    response = browser(None).get(path)

    assert response.status_code == 302
    assert response.headers["Location"] == f"/login/?next={quote(path)}"


@pytest.mark.parametrize("page", PROJECT_PAGES, ids=lambda p: p[0])
def test_anonymous_is_sent_to_login_from_every_project_page_and_changes_nothing(page, browser, place, snapshot):
    before = snapshot()

    response = call(browser(None), page, place)

    path = page[2](place)
    assert response.status_code == 302
    assert response.headers["Location"] == f"/login/?next={quote(path)}"
    assert snapshot() == before


def test_anonymous_post_to_the_new_project_page_creates_nothing(browser, db, snapshot):
    before = snapshot()

    response = browser(None).post("/projects/new/", {"title": "Sneaky"})

    assert response.status_code == 302
    assert response.headers["Location"] == "/login/?next=/projects/new/"
    assert snapshot() == before


# --- Not a member --------------------------------------------------------------------


@pytest.mark.parametrize("page", PROJECT_PAGES, ids=lambda p: p[0])
def test_every_project_page_is_404_to_someone_not_on_the_project(page, browser, html, place, snapshot):
    # given a logged-in user on a project of his own, but not on this one
    outsider = factories.make_user("outsider")
    factories.make_project(owner=outsider, title="His own")
    client = browser(outsider)
    before = snapshot()

    # when he opens (or posts to) a page of this project
    response = call(client, page, place)

    # then the project does not exist for him, and nothing changed
    assert response.status_code == 404
    assert html(response).one("h1").text == "Nothing here"
    assert snapshot() == before


@pytest.mark.parametrize("path", ["/projects/999999/", "/projects/999999/board/", "/projects/999999/cast/"])
def test_pages_of_a_project_that_does_not_exist_are_404(path, browser, db):
    response = browser(factories.make_user()).get(path)

    assert response.status_code == 404


POST_ONLY = {"settings", "delete", "invite", "member role", "member remove", "character delete", "reference upload",
             "reference delete"}


@pytest.mark.parametrize("page", [p for p in PROJECT_PAGES if p[0] in POST_ONLY], ids=lambda p: p[0])
def test_post_only_pages_refuse_a_get(page, browser, place, snapshot):
    client = browser(place.owner)
    before = snapshot()

    response = client.get(page[2](place))

    assert response.status_code == 405
    assert response.headers["Allow"] == "POST"
    assert snapshot() == before


# --- Account ---------------------------------------------------------------------


def test_account_page_without_a_token_offers_to_make_one(browser, html, db):
    sam = factories.make_user("sam", display_name="Sam Ortiz")

    response = browser(sam).get("/account/")

    assert response.status_code == 200
    page = html(response)
    assert page.one("h1").text == "Sam Ortiz"
    assert page.find_all("div", data_token=True) == []
    assert [p.text for p in page.find_all("p", cls="muted")][-1] == "You have no token yet."
    assert page.one("main").one("button", type="submit").text == "Make a token"


def test_making_a_token_shows_it_once_and_it_works(browser, html, toasts, db):
    # given a user without a token
    sam = factories.make_user("sam")
    client = browser(sam)

    # when he makes one
    response = client.post("/account/")

    # then the page shows its key, once, with a warning to copy it
    token = Token.objects.get(user=sam)
    assert response.status_code == 200
    page = html(response)
    assert page.one("div", cls="token", data_token=True).text == token.key
    assert page.one("p", cls="faint small").text == "Copy it now: it is shown once."
    assert toasts(response) == [("success", "A new API token was made; the old one no longer works.")]
    # and the key authenticates API calls
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert api.get("/api/v1/me/").json()["username"] == "sam"

    # when he comes back to the page
    again = html(client.get("/account/"))

    # then the key is no longer shown, only that he has one
    assert again.find_all("div", data_token=True) == []
    assert token.key not in client.get("/account/").content.decode()
    made = token.created.strftime("%-d %b %Y")
    assert [p.text for p in again.find_all("p", cls="muted")][-1] == (
        f"You have a token, made {made}. Making a new one revokes it."
    )
    assert again.one("main").one("button", type="submit").text == "Make a new token"


def test_making_a_new_token_revokes_the_old_one(browser, html, db):
    sam = factories.make_user("sam")
    client = browser(sam)
    old = html(client.post("/account/")).one("div", data_token=True).text

    new = html(client.post("/account/")).one("div", data_token=True).text

    assert new != old
    assert list(Token.objects.filter(user=sam).values_list("key", flat=True)) == [new]
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {old}")
    assert api.get("/api/v1/me/").status_code == 401
