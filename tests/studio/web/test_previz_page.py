"""The previz page (a shot's 3D layout editor): who may open it, who may edit, and what the page hands its module."""

from __future__ import annotations

import json

import pytest

from tests import factories

ROLES = ["owner", "director", "writer", "artist", "reviewer", "viewer"]
EDIT_SHOTS = {"owner", "director", "artist"}


@pytest.fixture
def staged(team):
    project = team.project
    project.aspect_ratio = "1.85"
    project.save(update_fields=["aspect_ratio"])
    factories.make_script(project)
    team.scene = factories.make_scene(project, location="Lamp room", int_ext="INT", time_of_day="NIGHT")
    team.maya = factories.make_character(project, name="Maya", color="#e0a030")
    team.ben = factories.make_character(project, name="Ben", color="#4f86f7")
    team.shot = factories.make_shot(team.scene, size="MCU", lens_mm=85, characters=[team.maya.pk])
    return team


def previz_url(team):
    return f"/projects/{team.project.pk}/shots/{team.shot.pk}/previz/"


def page_data(page):
    return json.loads(page.one("script", id="previz-data").raw_text)


@pytest.mark.parametrize("role", ROLES)
def test_every_member_opens_the_editor_and_only_shot_editors_may_change_it(staged, browser, html, role):
    # given a member of the project
    client = browser(staged.users[role])

    # when they open the shot's previz page
    response = client.get(previz_url(staged))

    # then it opens, editable for owners, directors and artists and read only for the others
    assert response.status_code == 200
    page = html(response)
    data = page_data(page)
    editable = role in EDIT_SHOTS
    assert data["can_edit"] is editable
    assert data["can_generate"] is editable  # the roles that edit shots are the roles that generate
    assert page.one("div", cls="pv-app").attrs["data-editable"] == ("true" if editable else "false")
    assert bool(page.find_all("button", data_save=True)) is editable
    assert bool(page.find_all("button", data_capture=True)) is editable
    assert bool(page.find_all("span", data_readonly=True)) is not editable


def test_the_page_carries_the_cast_the_aspect_ratio_the_shot_and_the_api(staged, browser, html, settings):
    # given two sets imported into the project, one into another, and a reference image of Maya's
    from django.core.files.uploadedfile import SimpleUploadedFile

    from studio.shots import assets
    from tests.studio.shots.test_assets import glb

    settings.STUDIO_MAX_ASSET_BYTES = 12345678
    first = assets.asset_upload(actor=staged.artist, project=staged.project, upload=SimpleUploadedFile("a.glb", glb()),
                                name="Lamp room")
    second = assets.asset_upload(actor=staged.artist, project=staged.project,
                                 upload=SimpleUploadedFile("b.glb", glb()), name="Cliff path")
    other = factories.make_project(owner=staged.owner, title="Other")
    assets.asset_upload(actor=staged.owner, project=other, upload=SimpleUploadedFile("c.glb", glb()), name="Not ours")
    factories.make_reference(staged.maya)

    response = browser(staged.artist).get(previz_url(staged))
    data = page_data(html(response))
    assert data["project"] == {"id": staged.project.pk, "title": "Team Project", "aspect_ratio": 1.85}
    assert data["assets"] == [
        {"id": second.pk, "name": "Cliff path", "url": f"/projects/{staged.project.pk}/media/assets/{second.pk}/",
         "bytes": len(glb())},
        {"id": first.pk, "name": "Lamp room", "url": f"/projects/{staged.project.pk}/media/assets/{first.pk}/",
         "bytes": len(glb())},
    ]
    assert data["limits"] == {"asset_bytes": 12345678}
    assert data["shot_references"] == 1
    assert data["characters"] == [
        {"id": staged.ben.pk, "name": "Ben", "color": "#4f86f7"},
        {"id": staged.maya.pk, "name": "Maya", "color": "#e0a030"},
    ]
    assert data["shot_characters"] == [staged.maya.pk]
    assert data["shot"]["id"] == staged.shot.pk
    assert data["shot"]["size"] == "MCU"
    assert data["shot"]["lens_mm"] == 85
    assert data["shot"]["duration"] == 3.0
    assert data["shot"]["url"] == f"/projects/{staged.project.pk}/shots/{staged.shot.pk}/"
    assert data["api"] == {
        "layout": f"/api/v1/projects/{staged.project.pk}/shots/{staged.shot.pk}/layout/",
        "capture": f"/api/v1/projects/{staged.project.pk}/takes/capture/",
        "animatic": f"/api/v1/projects/{staged.project.pk}/takes/animatic/",
        "jobs": f"/api/v1/projects/{staged.project.pk}/jobs/",
        "assets": f"/api/v1/projects/{staged.project.pk}/assets/",
        "asset_files": f"/projects/{staged.project.pk}/media/assets/",
    }


def test_the_shot_page_links_to_the_editor(staged, browser, html):
    response = browser(staged.viewer).get(f"/projects/{staged.project.pk}/shots/{staged.shot.pk}/")
    link = html(response).one("a", data_previz_link=True)
    assert link.attrs["href"] == previz_url(staged)
    assert link.text == "Block in 3D"


def test_someone_outside_the_project_gets_404_and_a_visitor_is_sent_to_log_in(staged, browser):
    outsider = factories.make_user("outsider")
    assert browser(outsider).get(previz_url(staged)).status_code == 404
    response = browser(None).get(previz_url(staged))
    assert response.status_code == 302
    assert "/login" in response["Location"] or "login" in response["Location"]


def test_a_shot_of_another_project_is_404(staged, browser):
    other = factories.make_project(owner=staged.owner, title="Other")
    factories.make_script(other)
    shot = factories.make_shot(factories.make_scene(other))
    response = browser(staged.owner).get(f"/projects/{staged.project.pk}/shots/{shot.pk}/previz/")
    assert response.status_code == 404
