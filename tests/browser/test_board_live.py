"""Two people on the shot board: what one does, the other sees, without reloading."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from studio.shots.models import Shot
from tests import factories

from .conftest import in_thread, screenshot


def card_numbers(page, scene_id) -> list[str]:
    return page.locator(f'[data-shots="{scene_id}"] [data-shot] .num').all_inner_texts()


def board_of(project):
    return f"/projects/{project.pk}/board/"


def setup_project():
    director = factories.make_user("theo", display_name="Theo Lindqvist")
    artist = factories.make_user("ravi", display_name="Ravi Menon")
    project = factories.make_project(owner=director, title="The Lighthouse")
    factories.add_member(project, "artist", artist)
    scene = factories.make_scene(project, location="Lamp room", time_of_day="NIGHT")
    factories.make_shot(scene, description="Elin trims the wick.")
    factories.make_shot(scene, description="Her eyes narrow.")
    return director, artist, project, scene


def test_a_shot_created_and_reordered_by_one_user_appears_for_the_other_without_reload(open_as):
    director, artist, project, scene = in_thread(setup_project)
    theo, theo_errors = open_as(director, board_of(project))
    ravi, ravi_errors = open_as(artist, board_of(project))
    for page in (theo, ravi):
        expect(page.locator("[data-board][data-ready]")).to_be_attached()
    ravi.evaluate("window.__sameDocument = true")
    expect(theo.locator("[data-presence] [title^='Ravi Menon']")).to_be_visible(timeout=5000)

    # Theo adds a shot and describes it
    theo.click(f'[data-add-shot="{scene.pk}"]')
    theo.fill('[data-field="description"]', "A pale shape on the rocks.")
    theo.locator('[data-field="description"]').blur()
    expect(theo.locator("[data-save-state]")).to_have_text(re.compile(r"Saved · v2"))

    new_card = ravi.locator(f'[data-shots="{scene.pk}"] [data-shot]', has_text="A pale shape on the rocks.")
    expect(new_card).to_be_visible(timeout=5000)
    assert card_numbers(ravi, scene.pk) == ["1A", "1B", "1C"]

    # Theo drags 1C before 1A
    theo.locator('[data-shot]', has_text="1C").first.drag_to(
        theo.locator('[data-shot]', has_text="1A").first, target_position={"x": 8, "y": 40}
    )
    expect(theo.locator(f'[data-shots="{scene.pk}"] [data-shot] .num')).to_have_text(["1C", "1A", "1B"])
    expect(ravi.locator(f'[data-shots="{scene.pk}"] [data-shot] .num')).to_have_text(["1C", "1A", "1B"], timeout=5000)

    # and with the keyboard: 1B one place left
    theo.locator('[data-shot]', has_text="1B").first.focus()
    theo.keyboard.press("Alt+ArrowLeft")
    expect(ravi.locator(f'[data-shots="{scene.pk}"] [data-shot] .num')).to_have_text(["1C", "1B", "1A"], timeout=5000)

    assert ravi.evaluate("window.__sameDocument") is True
    assert list(Shot.objects.filter(scene=scene).order_by("order").values_list("number", flat=True)) == [
        "1C", "1B", "1A"]
    screenshot(theo, "board-director")
    screenshot(ravi, "board-artist-live")
    assert theo_errors == []
    assert ravi_errors == []


def test_an_edit_shows_on_the_other_board_and_in_its_open_inspector(open_as):
    director, artist, project, scene = in_thread(setup_project)
    shot = Shot.objects.get(scene=scene, number="1A")
    theo, _ = open_as(director, board_of(project) + f"?shot={shot.pk}")
    ravi, _ = open_as(artist, board_of(project) + f"?shot={shot.pk}")
    expect(ravi.locator('[data-field="description"]')).to_have_value("Elin trims the wick.")
    expect(theo.locator(f'[data-shot="{shot.pk}"] [data-watchers] .avatar')).to_have_text("RM", timeout=5000)

    ravi.click('[data-size="CU"]')
    ravi.fill('[data-field="description"]', "Close on her hands.")
    ravi.locator('[data-field="description"]').blur()

    expect(theo.locator('[data-field="description"]')).to_have_value("Close on her hands.", timeout=5000)
    expect(theo.locator('[data-size="CU"]')).to_have_attribute("aria-pressed", "true")
    expect(theo.locator(f'[data-shot="{shot.pk}"] .size-tag')).to_have_text("CU")
    shot.refresh_from_db()
    assert (shot.size, shot.description, shot.version) == ("CU", "Close on her hands.", 3)


def test_a_viewer_sees_a_read_only_board(open_as):
    _, _, project, scene = in_thread(setup_project)
    viewer = in_thread(lambda: factories.add_member(project, "viewer",
                                                    factories.make_user("sam", display_name="Sam Ortiz")))
    shot = Shot.objects.get(scene=scene, number="1A")

    sam, errors = open_as(viewer, board_of(project) + f"?shot={shot.pk}")

    expect(sam.locator("[data-board][data-ready]")).to_be_attached()
    expect(sam.locator("[data-add-shot]")).to_have_count(0)
    expect(sam.locator('[data-field="description"]')).to_be_disabled()
    expect(sam.locator("[data-delete]")).to_have_count(0)
    assert sam.locator("[data-shot]").first.get_attribute("draggable") is None
    screenshot(sam, "board-viewer")
    assert errors == []


def test_a_script_edit_reaches_an_open_board_as_one_batch_of_scenes(open_as):
    # given a board open on a project whose script has two scenes, the first with a shot
    from studio.screenplay import services as script_services

    def setup():
        director = factories.make_user("theo", display_name="Theo Lindqvist")
        project = factories.make_project(owner=director, title="The Lighthouse")
        script = project.scripts.get()
        script_services.script_update(actor=director, script=script, changes={
            "fountain": "INT. LAMP ROOM - NIGHT\n\nElin trims the wick.\n\nEXT. SHORE - DAWN\n\nWaves.\n"})
        lamp = script.scenes.get(location="LAMP ROOM")
        factories.make_shot(lamp, description="Elin trims the wick.")
        return director, project, script, lamp

    director, project, script, lamp = in_thread(setup)
    theo, errors = open_as(director, board_of(project))
    expect(theo.locator("[data-board][data-ready]")).to_be_attached()
    theo.evaluate("""() => { window.__sameDocument = true; window.__sceneEvents = [];
        window.studio.socket.on("*", (m) => m.type.startsWith("scene") && window.__sceneEvents.push(m.type)); }""")

    # when the lamp room's heading is taken out and three scenes are pasted after the shore (through the API)
    text = "EXT. SHORE - DAWN\n\nWaves.\n" + "".join(f"\nINT. ROOM {n} - DAY\n\nAction {n}.\n" for n in (1, 2, 3))
    status = theo.evaluate("""([url, text]) => fetch(url, {method: "PATCH",
        headers: {"Content-Type": "application/json",
                  "X-CSRFToken": document.querySelector('meta[name="csrf-token"]').content},
        body: JSON.stringify({fountain: text})}).then((r) => r.status)""",
                           [f"/api/v1/projects/{project.pk}/scripts/{script.pk}/", text])
    assert status == 200

    # then the board shows the new scenes in script order and the lamp room omitted with its shot, from one event
    headings = theo.locator("[data-scene] .scene-heading")
    expect(headings).to_have_text(["EXT. SHORE - DAWN", "INT. ROOM 1 - DAY", "INT. ROOM 2 - DAY", "INT. ROOM 3 - DAY",
                                   "INT. LAMP ROOM - NIGHT"], timeout=5000)
    expect(theo.locator(f"#scene-{lamp.pk}.omitted [data-shot]")).to_have_count(1)
    assert theo.evaluate("window.__sceneEvents") == ["scenes.synced"]
    assert theo.evaluate("window.__sameDocument") is True
    assert errors == []


def test_a_board_of_many_pages_fetches_its_further_scenes_and_shows_them_all(open_in, tmp_path):
    from tests.servers import Daphne

    from .conftest import Studio

    # given a project of five scenes with a shot each, served in pages of two scenes
    def setup():
        director = factories.make_user("theo", display_name="Theo Lindqvist")
        project = factories.make_project(owner=director, title="The Lighthouse")
        for n in range(1, 6):
            factories.make_shot(factories.make_scene(project, location=f"Room {n}"), description=f"Shot in {n}")
        return director, project

    director, project = in_thread(setup)
    with Daphne(tmp_path, env={"STUDIO_BOARD_SCENES_PER_PAGE": "2"}) as server:
        # when the director opens the board
        page, errors = open_in(Studio(server), director, board_of(project))

        # then the page came with two scenes, and the board fetched the other three with their shots
        expect(page.locator("[data-board][data-complete]")).to_be_attached(timeout=10000)
        expect(page.locator("[data-scene] .scene-heading")).to_have_text(
            [f"INT. ROOM {n}" for n in range(1, 6)])
        expect(page.locator("[data-shot]", has_text="Shot in 5")).to_have_count(1)
        assert len(page.evaluate("JSON.parse(document.getElementById('board-state').textContent).scenes")) == 2
        assert errors == []
