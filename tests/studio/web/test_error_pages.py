"""With debug off (STUDIO_DEBUG=0), every error a person can meet is one of the studio's own pages."""

from __future__ import annotations

import pytest
from django.test import Client

from tests import factories


@pytest.fixture
def debug_off(settings):
    settings.DEBUG = False
    return settings


def heading(html, response) -> tuple[int, str, str]:
    page = html(response)
    return response.status_code, page.one("p", cls="error-code").text, page.one("h1").text


def test_a_missing_page_is_the_studios_404(debug_off, client, html):
    assert heading(html, client.get("/no/such/page/")) == (404, "404", "Nothing here")


def test_a_project_one_is_not_on_is_the_studios_404(debug_off, html, db):
    project = factories.make_project(title="Skarv Rock")
    client = Client()
    client.force_login(factories.make_user("stranger"))

    assert heading(html, client.get(f"/projects/{project.pk}/board/")) == (404, "404", "Nothing here")


def test_opening_a_form_only_address_as_a_page_is_the_studios_405(debug_off, html, db):
    # given someone logged in
    client = Client()
    client.force_login(factories.make_user("june"))

    # when they open the logout address, which only takes a form
    response = client.get("/logout/")

    # then they get the studio's page saying so, and what the address takes
    assert heading(html, response) == (405, "405", "This address only takes a form")
    assert response["Allow"] == "POST, OPTIONS"
    assert html(response).one("a", cls="btn").attrs["href"] == "/"


def test_the_api_keeps_its_own_405(debug_off, api, db):
    response = api(factories.make_user("june")).delete("/api/v1/projects/")

    assert response.status_code == 405
    assert response.json() == {"detail": 'Method "DELETE" not allowed.'}


def test_a_failure_is_the_studios_500(debug_off, html, db):
    # given a page that fails
    debug_off.ROOT_URLCONF = "tests.studio.web.boom_urls"
    client = Client(raise_request_exception=False)

    # when it is opened
    response = client.get("/boom/")

    # then the studio's own 500 page says so
    assert heading(html, response) == (500, "500", "Something went wrong on our side")


def test_a_form_sent_without_its_csrf_token_is_the_studios_403(debug_off, html, db):
    client = Client(enforce_csrf_checks=True)
    client.force_login(factories.make_user("june"))

    assert heading(html, client.post("/logout/")) == (403, "403", "This form has expired")
