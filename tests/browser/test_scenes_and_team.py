"""Editing a scene on the board while someone else does, and inviting a teammate from the overview."""

from __future__ import annotations

from playwright.sync_api import expect

from studio.projects.models import Membership
from studio.screenplay.models import Scene
from tests import factories

from .conftest import in_thread, screenshot


def test_a_scene_edit_racing_another_keeps_both_changes(open_as):
    def setup():
        writer = factories.make_user("june", display_name="June Park")
        director = factories.make_user("theo", display_name="Theo Lindqvist")
        project = factories.make_project(owner=director, title="The Lighthouse")
        factories.add_member(project, "writer", writer)
        scene = factories.make_scene(project, location="Lamp room", time_of_day="NIGHT")
        return writer, director, project, scene

    writer, director, project, scene = in_thread(setup)
    june, errors = open_as(writer, f"/projects/{project.pk}/board/")
    expect(june.locator("[data-board][data-ready]")).to_be_attached()

    # June opens the scene form and changes the location …
    june.click(f'[data-edit-scene="{scene.pk}"]')
    form = june.locator(f'[data-scene-form="{scene.pk}"]')
    form.locator('[name="location"]').fill("Lantern gallery")
    # … while Theo, in his browser, changes the synopsis and the time of day
    theo, _ = open_as(director, f"/projects/{project.pk}/board/")
    expect(theo.locator("[data-board][data-ready]")).to_be_attached()
    status = theo.evaluate("""async ([project, scene]) => {
        const csrf = document.querySelector('meta[name="csrf-token"]').content;
        const r = await fetch(`/api/v1/projects/${project}/scenes/${scene}/`, {method: "PATCH",
          headers: {"Content-Type": "application/json", "X-CSRFToken": csrf, "If-Match": '"1"'},
          body: JSON.stringify({synopsis: "The lamp fails.", time_of_day: "DAWN"})});
        return r.status;
    }""", [project.pk, scene.pk])
    assert status == 200
    expect(june.locator(f"#scene-{scene.pk} .scene-heading")).to_have_text("INT. LAMP ROOM - DAWN", timeout=5000)
    expect(form.locator('[name="location"]')).to_have_value("Lantern gallery")  # her typing survived the redraw

    # when June saves: only her field goes, against the version she opened, so it is refused and merged
    form.locator("button[type=submit]").click()
    expect(june.locator(".toast.error")).to_contain_text("their changes are in the form now")
    expect(form.locator('[name="synopsis"]')).to_have_value("The lamp fails.")
    expect(form.locator('[name="location"]')).to_have_value("Lantern gallery")
    form.locator("button[type=submit]").click()

    # then both changes are kept
    expect(june.locator(f"#scene-{scene.pk} .scene-heading")).to_have_text("INT. LANTERN GALLERY - DAWN", timeout=5000)
    scene.refresh_from_db()
    assert (scene.location, scene.time_of_day, scene.synopsis, scene.version) == (
        "Lantern gallery", "DAWN", "The lamp fails.", 3)
    assert errors == ["Failed to load resource: the server responded with a status of 412 (Precondition Failed)"]


def test_scenes_move_and_an_empty_one_is_deleted_from_the_board(open_as):
    def setup():
        writer = factories.make_user("june", display_name="June Park")
        project = factories.make_project(owner=writer, title="The Lighthouse")
        first = factories.make_scene(project, location="Shore")
        second = factories.make_scene(project, location="Kitchen")
        factories.make_shot(first)
        return writer, project, first, second

    writer, project, first, second = in_thread(setup)
    june, errors = open_as(writer, f"/projects/{project.pk}/board/")

    june.click(f'[data-edit-scene="{second.pk}"]')
    june.locator(f'[data-scene-form="{second.pk}"] [data-scene-move="-1"]').click()
    expect(june.locator("[data-scene] .scene-heading")).to_have_text(["INT. KITCHEN", "INT. SHORE"])
    june.on("dialog", lambda dialog: dialog.accept())
    june.locator(f'[data-scene-form="{second.pk}"] [data-scene-delete]').click()
    expect(june.locator("[data-scene] .scene-heading")).to_have_text(["INT. SHORE"])

    assert list(Scene.objects.filter(project=project).values_list("location", "order")) == [("Shore", 0)]
    june.click(f'[data-edit-scene="{first.pk}"]')
    expect(june.locator(f'[data-scene-form="{first.pk}"] [data-scene-delete]')).to_be_disabled()
    screenshot(june, "board-scene-form")
    assert errors == []


def test_an_owner_invites_a_teammate_and_the_others_see_it_live(open_as):
    def setup():
        owner = factories.make_user("maya", display_name="Maya Okafor")
        director = factories.make_user("theo", display_name="Theo Lindqvist")
        newcomer = factories.make_user("june", display_name="June Park")
        project = factories.make_project(owner=owner, title="The Lighthouse")
        factories.add_member(project, "director", director)
        return owner, director, newcomer, project

    owner, director, newcomer, project = in_thread(setup)
    maya, maya_errors = open_as(owner, f"/projects/{project.pk}/")
    theo, theo_errors = open_as(director, f"/projects/{project.pk}/")
    theo.evaluate("window.__sameDocument = true")
    expect(theo.locator('[data-member="maya"].online')).to_be_visible(timeout=5000)

    maya.fill('[name="username"]', "june")
    maya.select_option('.invite [name="role"]', "writer")
    maya.click(".invite button[type=submit]")

    expect(maya.locator(".toast.success")).to_have_text("June Park joined as writer.×")
    expect(theo.locator('[data-member="june"]')).to_contain_text("June Park", timeout=5000)
    expect(theo.locator('[data-member="june"] .pill')).to_have_text("Writer")
    assert theo.evaluate("window.__sameDocument") is True
    assert Membership.objects.get(project=project, user=newcomer).role == "writer"

    # and the newcomer now has the project
    june, _ = open_as(newcomer, "/")
    expect(june.locator(f'[data-project="{project.pk}"]')).to_contain_text("The Lighthouse")
    screenshot(theo, "overview-live-invite")
    assert maya_errors == []
    assert theo_errors == []
