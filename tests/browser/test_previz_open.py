"""The previz editor as it opens on a shot never blocked: who is in the shot stands on the stage, no gizmo floats
over nothing, the status says nothing needs saving, and a notice leaves Save and Undo free to click."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests import factories

from .conftest import in_thread, screenshot

pytestmark = pytest.mark.django_db(transaction=True)


def setup_cast_shot():
    artist = factories.make_user("ravi", display_name="Ravi Menon")
    project = factories.make_project(owner=artist, title="The Lighthouse")
    elin = factories.make_character(project, name="Elin", color="#e4572e")
    tomas = factories.make_character(project, name="Tomas", color="#4f9cf7")
    scene = factories.make_scene(project, location="Lamp room", time_of_day="NIGHT")
    shot = factories.make_shot(scene, description="Elin and Tomas at the lamp.", characters=[elin.pk, tomas.pk])
    return artist, project, elin, tomas, shot


def test_a_never_blocked_shot_opens_with_its_characters_on_the_stage_and_nothing_to_save(open_as):
    # given a shot with Elin and Tomas, never blocked
    artist, project, elin, tomas, shot = in_thread(setup_cast_shot)

    # when its 3D layout is first opened
    page, errors = open_as(artist, f"/projects/{project.pk}/shots/{shot.pk}/previz/")
    expect(page.locator("[data-previz][data-ready]")).to_be_attached(timeout=15000)

    # then both stand on the stage, listed, and built in the viewport
    expect(page.locator('[data-objects] [data-type="character"]')).to_contain_text(["Elin", "Tomas"])
    assert page.evaluate("window.previz.layout.objects.map((o) => [o.character, o.position])") == [
        [elin.pk, [-0.5, 0, 0]], [tomas.pk, [0.5, 0, 0]]]
    assert page.evaluate(f"!!window.previz.viewport.stage.group('char-{elin.pk}')") is True
    # and with nothing selected, no gizmo is drawn
    assert page.evaluate("window.previz.viewport.gizmoHelper.visible") is False
    # and an untouched layout does not say it is unsaved
    expect(page.locator("[data-save-status]")).to_have_text("No changes yet")
    assert page.evaluate("window.previz.saved") is True
    screenshot(page, "previz-first-open")

    # when a character is selected, its gizmo shows
    page.locator('[data-objects] [data-type="character"]', has_text="Tomas").click()
    page.wait_for_function("() => window.previz.viewport.gizmoHelper.visible === true")
    assert errors == []


def test_a_notice_leaves_save_and_undo_free(open_as):
    # given the editor open, with an edit to undo
    artist, project, _, _, shot = in_thread(setup_cast_shot)
    page, errors = open_as(artist, f"/projects/{project.pk}/shots/{shot.pk}/previz/")
    expect(page.locator("[data-previz][data-ready]")).to_be_attached(timeout=15000)
    page.click('[data-add="table"]')
    expect(page.locator("[data-undo]")).to_be_enabled()

    # when a long notice is up
    page.evaluate("""() => { const box = document.createElement('div'); box.className = 'messages';
      const words = 'The set could not be loaded; it shows as a red box. '.repeat(3);
      box.innerHTML = `<div class="toast error"><span>${words}</span><button class="close">×</button></div>`;
      document.body.append(box); }""")
    expect(page.locator(".toast")).to_be_visible()
    screenshot(page, "previz-notice")

    # then Undo and Save still take the click (nothing lies over them)
    page.locator("[data-undo]").click(timeout=3000)
    expect(page.locator('[data-objects] [data-type="table"]')).to_have_count(0)
    page.locator("[data-save]").click(timeout=3000)
    assert errors == []
