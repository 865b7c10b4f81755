"""The storyboard page: the storyboard as the API gives it, the recent exports, and the controls each role gets."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from studio.renders.services import takes as take_services
from tests import factories

ROLES = ["owner", "director", "writer", "artist", "reviewer", "viewer"]
EXPORT = {"owner", "director", "artist"}
EDIT_SHOTS = {"owner", "director", "artist"}


@pytest.fixture
def boarded(team):
    project = team.project
    team.scene = factories.make_scene(project, location="Lamp room", time_of_day="NIGHT")
    team.first = factories.make_shot(team.scene, size="CU", description="Elin trims the wick.",
                                     dialogue="ELIN: Burn steady.", duration=Decimal("1.50"))
    team.second = factories.make_shot(team.scene, size="ELS", description="The lighthouse.")
    team.take = take_services.take_upload(actor=team.artist, shot=team.first,
                                          upload=factories.image_upload("drawing.png"))
    return team


def url(team) -> str:
    return f"/projects/{team.project.pk}/storyboard/"


def state_of(response) -> dict:
    return json.loads(response.content.decode().split('id="storyboard-state" type="application/json">')[1]
                      .split("</script>")[0])


@pytest.mark.parametrize("role", ROLES)
def test_the_storyboard_page_renders_for_each_role_with_the_controls_it_may_use(role, boarded, browser, api, html):
    # given a member of the project
    user = boarded.users[role]

    # when they open the storyboard
    response = browser(user).get(url(boarded))

    # then it renders, its tab is current, and it carries the storyboard exactly as the API gives it
    assert response.status_code == 200
    page = html(response)
    assert page.one("a", aria_current="page").text == "Storyboard"
    assert page.one("div", data_storyboard=True).attrs["style"] == f"--aspect:{boarded.project.aspect_ratio}"
    state = state_of(response)
    assert state["storyboard"] == api(user).get(f"/api/v1/projects/{boarded.project.pk}/storyboard/").json()
    assert [(p["number"], p["selected"], p["duration"]) for p in state["storyboard"]["panels"]] == [
        ("1A", "newest", "1.50"), ("1B", "sketch", "3.00")]
    assert state["exports"] == []
    assert [d["name"] for d in state["downloads"]][:5] == [
        "shotlist.csv", "shotlist.pdf", "cut.otio", "cut.edl", "cut.xml"]
    assert state["me"]["role"] == role
    assert ("export" in state["me"]["capabilities"]) is (role in EXPORT)
    # and the controls: everyone may print and download; exporting and retiming only for the roles that may
    assert page.one("button", data_print=True).text == "Print"
    assert page.one("details", data_downloads_menu=True)
    assert len(page.find_all("details", data_export_menu=True)) == (1 if role in EXPORT else 0)
    assert len(page.find_all("form", data_export_form=True)) == (3 if role in EXPORT else 0)
    assert len(page.find_all("input", data_retime_file=True)) == (1 if role in EDIT_SHOTS else 0)
    assert len(page.find_all("div", data_tl_track=True, data_editable=True)) == (1 if role in EDIT_SHOTS else 0)
    assert page.one("script", src="/static/js/storyboard.js").attrs["type"] == "module"


def test_the_storyboard_page_lists_the_recent_exports(boarded, browser):
    from studio.deliverables.models import Export

    Export.objects.create(project=boarded.project, kind="animatic", options={}, requested_by=boarded.owner)

    state = state_of(browser(boarded.viewer).get(url(boarded)))

    assert [(e["kind"], e["status"], e["url"]) for e in state["exports"]] == [("animatic", "queued", None)]


def test_the_storyboard_page_is_404_to_someone_not_on_the_project(boarded, browser, html, snapshot):
    client = browser(factories.make_user("outsider"))
    before = snapshot()

    response = client.get(url(boarded))

    assert response.status_code == 404
    assert html(response).one("h1").text == "Nothing here"
    assert snapshot() == before


def test_a_take_that_is_not_approved_has_use_in_storyboard_for_those_who_edit_shots(boarded, browser, html):
    # given a picked take and an approved one on another shot
    take_services.take_pick(actor=boarded.artist, take=boarded.take, picked=True)
    approved = take_services.take_upload(actor=boarded.artist, shot=boarded.second,
                                         upload=factories.image_upload("other.png"))
    take_services.take_review(actor=boarded.director, take=approved, decision="approved")

    for role in ROLES:
        first = html(browser(boarded.users[role]).get(f"/projects/{boarded.project.pk}/shots/{boarded.first.pk}/"))
        second = html(browser(boarded.users[role]).get(f"/projects/{boarded.project.pk}/shots/{boarded.second.pk}/"))
        buttons = first.find_all("button", data_pick_take=str(boarded.take.pk))
        if role in EDIT_SHOTS:
            assert [(b.text, b.attrs["aria-pressed"]) for b in buttons] == [("Picked", "true")]
        else:
            assert buttons == []
            assert first.one("span", data_picked=True).text == "Picked"
        # an approved take comes first anyway: no button
        assert second.find_all("button", data_pick_take=True) == []
