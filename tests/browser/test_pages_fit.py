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
