"""Searching the shot board: the number, the action, the dialogue, and who is in the shot."""

from __future__ import annotations

from playwright.sync_api import expect

from tests import factories

from .conftest import in_thread


def setup():
    director = factories.make_user("theo", display_name="Theo Lindqvist")
    project = factories.make_project(owner=director, title="The Lighthouse")
    elin = factories.make_character(project, name="Elin")
    tomas = factories.make_character(project, name="Tomas")
    scene = factories.make_scene(project, location="Lamp room", time_of_day="NIGHT")
    factories.make_shot(scene, description="She trims the wick.", characters=[elin.pk])
    factories.make_shot(scene, description="The boat on the rocks.", characters=[tomas.pk])
    factories.make_shot(scene, description="Both at the lamp.", characters=[tomas.pk, elin.pk])
    factories.make_shot(scene, description="Waves.")
    return director, project


def test_searching_a_characters_name_finds_the_shots_they_are_in(open_as):
    # given the board of four shots, Elin in 1A and 1C
    director, project = in_thread(setup)
    page, errors = open_as(director, f"/projects/{project.pk}/board/")
    expect(page.locator("[data-board][data-ready]")).to_be_attached()
    cards = page.locator("[data-shot] .num")
    expect(cards).to_have_text(["1A", "1B", "1C", "1D"])

    # when "elin" is searched
    page.fill("[data-filter-q]", "elin")

    # then the shots with Elin in them are shown, and only those
    expect(cards).to_have_text(["1A", "1C"])
    expect(page).to_have_url(f"{page.url.split('?')[0]}?q=elin")

    # and text still finds what it did
    page.fill("[data-filter-q]", "wick")
    expect(cards).to_have_text(["1A"])
    assert errors == []
