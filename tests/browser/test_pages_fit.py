"""Pages that fit their window: the cast's suggestions, and the board, shot, script and queue pages on a tablet
(768 px) and a phone (390 px), with nothing wider than the window."""

from __future__ import annotations

from playwright.sync_api import expect

from studio.screenplay import services as script_services
from tests import factories

from .conftest import in_thread, screenshot

# the elements that reach past the right edge of their box (or of the window), as "tag.class: px"
OVERFLOWING = """(selector) => [...document.querySelectorAll(selector)].flatMap((box) => {
  const edge = Math.min(box.getBoundingClientRect().right, document.documentElement.clientWidth);
  return [...box.querySelectorAll('*')].filter((el) => el.getBoundingClientRect().right > edge + 0.5)
    .map((el) => `${el.tagName.toLowerCase()}.${el.className}: ${Math.round(el.getBoundingClientRect().right - edge)}`);
})"""


def setup_suggestions():
    writer = factories.make_user("june", display_name="June Park")
    project = factories.make_project(owner=writer, title="The Lighthouse")
    script_services.script_update(actor=writer, script=project.scripts.get(), changes={
        "fountain": "INT. LAMP ROOM - NIGHT\n\nWOMAN IN GREY\nWho keeps the light?\n\n"
                    "THE MAN FROM THE HARBOUR MASTER'S OFFICE\nNobody.\n"})
    return writer, project


def test_the_suggested_casts_answers_stay_inside_their_card(open_as):
    # given two suggestions from the script, one with a long name
    writer, project = in_thread(setup_suggestions)
    page, errors = open_as(writer, f"/projects/{project.pk}/cast/")

    # then they are named in title case, small words kept low
    expect(page.locator("[data-suggested]")).to_have_count(2)
    names = page.eval_on_selector_all("[data-suggested]", "(rows) => rows.map((r) => r.dataset.suggested)")
    assert sorted(names) == ["The Man from the Harbour Master's Office", "Woman in Grey"]

    # and at every width nothing of theirs (the "Not a character" button above all) leaves the card
    for width in (1440, 768, 390):
        page.set_viewport_size({"width": width, "height": 900})
        expect(page.get_by_role("button", name="Not a character").first).to_be_visible()
        assert page.evaluate(OVERFLOWING, ".suggestions") == [], width
    screenshot(page, "cast-suggestions-390")
    assert errors == []


def setup_studio():
    director = factories.make_user("theo", display_name="Theo Lindqvist")
    project = factories.make_project(owner=director, title="The Lighthouse at Skarv Rock")
    elin = factories.make_character(project, name="Elin", color="#e4572e")
    script = project.scripts.get()
    script_services.script_update(actor=director, script=script, changes={
        "fountain": "EXT. SKARV ROCK - NIGHT\n\nA storm hammers a lone lighthouse on a black rock far out at sea.\n\n"
                    "ELIN\nSomebody is out there.\n"})
    scene = script.scenes.get()
    shot = factories.make_shot(scene, description="Elin at the rail, eyes on the dark water, the beam sweeping past.",
                               characters=[elin.pk], dialogue="Somebody is out there.")
    factories.make_shot(scene, size="ELS", description="The lighthouse against the storm.")
    return director, project, script, shot


PAGES = {
    "board": lambda p, script, shot: f"/projects/{p.pk}/board/",
    "storyboard": lambda p, script, shot: f"/projects/{p.pk}/storyboard/",
    "inspector": lambda p, script, shot: f"/projects/{p.pk}/board/?shot={shot.pk}",
    "shot": lambda p, script, shot: f"/projects/{p.pk}/shots/{shot.pk}/",
    "script": lambda p, script, shot: f"/projects/{p.pk}/scripts/{script.pk}/",
    "queue": lambda p, script, shot: f"/projects/{p.pk}/queue/",
}


MAIN = """() => { const m = document.querySelector('[data-board] .board-main, .shot-app, .script-desk, main');
  return m ? Math.round(m.getBoundingClientRect().width) : 0; }"""


def test_the_studios_screens_fit_a_tablet_and_a_phone(open_as, live_url):
    # given a project with a script, a scene and shots
    director, project, script, shot = in_thread(setup_studio)
    page, errors = open_as(director, "/")

    unfit = []
    for width in (768, 390):
        page.set_viewport_size({"width": width, "height": 1024 if width == 768 else 844})
        for name, path in PAGES.items():
            # when each screen is opened at that width
            page.goto(live_url + path(project, script, shot))
            page.wait_for_load_state("networkidle")
            screenshot(page, f"narrow-{name}-{width}")

            # then nothing is wider than the window (no sideways scrolling), the top bar's tabs stay inside it,
            # and the main content keeps most of the width
            wide = page.evaluate("document.documentElement.scrollWidth")
            main = page.evaluate(MAIN)
            if wide > width or main < width * 0.9 or page.evaluate(OVERFLOWING, ".topbar"):
                unfit.append((name, width, wide, main, page.evaluate(OVERFLOWING, ".topbar")[:3]))
    assert unfit == [], "\n".join(map(str, unfit))
    assert errors == []
