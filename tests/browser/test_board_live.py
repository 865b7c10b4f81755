"""Two people on the shot board: what one does, the other sees, without reloading."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from studio.accounts.services import token_rotate
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

    from .conftest import Studio as LiveStudio

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
        page, errors = open_in(LiveStudio(server), director, board_of(project))

        # then the page came with two scenes, and the board fetched the other three with their shots
        expect(page.locator("[data-board][data-complete]")).to_be_attached(timeout=10000)
        expect(page.locator("[data-scene] .scene-heading")).to_have_text(
            [f"INT. ROOM {n}" for n in range(1, 6)])
        expect(page.locator("[data-shot]", has_text="Shot in 5")).to_have_count(1)
        assert len(page.evaluate("JSON.parse(document.getElementById('board-state').textContent).scenes")) == 2
        assert errors == []


def setup_takes():
    director, artist, project, scene = setup_project()
    reviewer = factories.add_member(project, "reviewer", factories.make_user("lena", display_name="Lena Park"))
    shot = Shot.objects.get(scene=scene, number="1A")
    return director, token_rotate(actor=artist).key, token_rotate(actor=reviewer).key, shot


class Studio:
    """Takes uploaded and reviewed through the live server's API (its events reach the open pages)."""

    def __init__(self, page, url, shot, artist, reviewer):
        self.request, self.shot = page.request, shot
        self.takes = f"{url}/api/v1/projects/{shot.project_id}/takes/"
        self.artist, self.reviewer = {"Authorization": f"Token {artist}"}, {"Authorization": f"Token {reviewer}"}

    def upload(self) -> int:
        file = {"name": "take.png", "mimeType": "image/png", "buffer": factories.image_bytes()}
        response = self.request.post(self.takes, headers=self.artist,
                                     multipart={"shot": str(self.shot.pk), "file": file})
        assert response.status == 201, response.text()
        return response.json()["id"]

    def review(self, take: int, decision: str) -> None:
        response = self.request.post(f"{self.takes}{take}/review/", headers=self.reviewer, data={"decision": decision})
        assert response.status == 200, response.text()


def test_the_card_keeps_showing_the_approved_take_as_takes_arrive_and_are_reviewed(open_as, live_url):
    # given a shot with v1 and v2, v2 approved, on an open board
    director, artist, reviewer, shot = in_thread(setup_takes)
    theo, _ = open_as(director, board_of(shot.project) + f"?shot={shot.pk}")
    studio = Studio(theo, live_url, shot, artist, reviewer)
    studio.upload()
    approved = studio.upload()
    studio.review(approved, "approved")
    tag = theo.locator(f'[data-shot="{shot.pk}"] .take-tag')
    preview = theo.locator("[data-inspector] [data-preview] .take-tag")
    expect(tag).to_have_text("v2")

    # when v3 and v4 are made, once the board has asked which take to show, it still shows the approved v2
    newer = studio.upload()
    with theo.expect_response(lambda r: "takes/?shown=true" in r.url, timeout=5000) as asked:
        studio.upload()
    assert asked.value.ok
    expect(tag).to_have_text("v2")
    expect(preview).to_have_text("v2")

    # when v2's approval is taken back, the card shows the newest, v4
    studio.review(approved, "rejected")
    expect(tag).to_have_text("v4")
    expect(preview).to_have_text("v4")

    # and when v3 is approved, it shows v3
    studio.review(newer, "approved")
    expect(tag).to_have_text("v3")


def setup_approved():
    _, artist, _, scene = setup_project()
    shot = Shot.objects.get(scene=scene, number="1A")
    Shot.objects.filter(pk=shot.pk).update(status="approved")
    return artist, shot


def test_changing_an_approved_shots_lens_warns_and_sends_it_back_to_ready(open_as):
    # given an artist with an approved shot open in the inspector
    artist, shot = in_thread(setup_approved)
    ravi, errors = open_as(artist, board_of(shot.project) + f"?shot={shot.pk}")
    meaning = ravi.locator("[data-inspector] [data-status-meaning]")
    expect(meaning).to_contain_text("Approved: A reviewer signed off its framing, lens and duration")
    expect(meaning).to_contain_text("approving a take picks the frame the board shows, and does not approve the shot")

    # when they type a new lens, they are warned before it is saved
    ravi.fill('[data-field="lens_mm"]', "85")
    expect(meaning).to_have_text("This shot is approved. Changing its lens sends it back to Ready for review.")
    expect(meaning).to_have_attribute("role", "alert")

    # and once it is saved the shot is ready again, and they are told
    ravi.locator('[data-field="lens_mm"]').blur()
    expect(ravi.locator(".toast")).to_have_text(re.compile("Shot 1A is back to Ready"))
    expect(ravi.locator("[data-inspector] [data-head-status]")).to_have_text("Ready")
    expect(ravi.locator('[data-field="status"]')).to_have_value("ready")
    expect(meaning).to_contain_text("Ready: Framing, lens and duration are set")
    expect(ravi.locator(f'[data-shot="{shot.pk}"] .pill.status-ready')).to_have_text("Ready")
    shot.refresh_from_db()
    assert (shot.lens_mm, shot.status, shot.version) == (85, "ready", 2)
    assert errors == []
