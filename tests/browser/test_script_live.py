"""Writing the script together in Chromium: two writers at once, each other's cursors, undo of one's own
edits only, and the shot board following the script."""

from __future__ import annotations

from playwright.sync_api import expect

from studio.screenplay import services as script_services
from studio.screenplay.models import Script
from tests import factories

from .conftest import in_thread, screenshot

OPENING = "INT. LAMP ROOM - NIGHT\n\nElin trims the wick.\n"


def setup():
    theo = factories.make_user("theo", display_name="Theo Lindqvist")
    june = factories.make_user("june", display_name="June Park")
    ravi = factories.make_user("ravi", display_name="Ravi Menon")
    project = factories.make_project(owner=theo, title="The Lighthouse")
    factories.add_member(project, "writer", june)
    factories.add_member(project, "artist", ravi)
    script = project.scripts.get()
    script_services.script_update(actor=theo, script=script, changes={"fountain": OPENING})
    return theo, june, ravi, project, script


def text_of(page) -> str:
    return page.evaluate("window.studio.script.view.state.doc.toString()")


def open_script(open_as, user, project, script, *, clock=False):
    page, errors = open_as(user, f"/projects/{project.pk}/scripts/{script.pk}/", clock=clock)
    expect(page.locator("[data-script-editor][data-synced]")).to_be_attached(timeout=10000)
    return page, errors


def test_two_writers_type_at_once_see_each_other_and_the_board_follows(open_as):
    theo, june, ravi, project, script = in_thread(setup)
    board, board_errors = open_as(ravi, f"/projects/{project.pk}/board/")
    expect(board.locator("[data-board][data-ready]")).to_be_attached()
    a, a_errors = open_script(open_as, june, project, script)
    b, b_errors = open_script(open_as, theo, project, script)
    board.evaluate("window.__sameDocument = true")

    # June writes a new scene at the end while Theo writes at the top, turn about
    a.locator(".cm-content").click()
    a.keyboard.press("Control+End")
    b.locator(".cm-content").click()
    b.keyboard.press("Control+Home")
    for june_part, theo_part in zip(["\nEXT. SHORE ", "- DAWN\n\n", "Elin drags ", "him out.\n"],
                                    ["FADE ", "IN:\n", "\n", ""], strict=True):
        a.keyboard.type(june_part, delay=15)
        b.keyboard.type(theo_part, delay=15)

    expected = "FADE IN:\n\n" + OPENING + "\nEXT. SHORE - DAWN\n\nElin drags him out.\n"
    expect(a.locator(".cm-content")).to_contain_text("Elin drags him out.", timeout=5000)
    b.wait_for_function("(t) => window.studio.script.view.state.doc.toString() === t", arg=expected, timeout=5000)
    assert text_of(a) == text_of(b) == expected

    # each sees the other's cursor, named
    expect(a.locator(".cm-ySelectionInfo", has_text="Theo Lindqvist")).to_be_attached(timeout=5000)
    expect(b.locator(".cm-ySelectionInfo", has_text="June Park")).to_be_attached(timeout=5000)
    # the navigator lists both scenes
    expect(a.locator("[data-scene-list] a .h")).to_have_text(["INT. LAMP ROOM - NIGHT", "EXT. SHORE - DAWN"])

    # the board, open in a third page, gains the scene once the edits settle, without a reload
    expect(board.locator(".scene-heading")).to_have_text(["INT. LAMP ROOM - NIGHT", "EXT. SHORE - DAWN"],
                                                          timeout=10000)
    assert board.evaluate("window.__sameDocument") is True
    assert Script.objects.get(pk=script.pk).fountain == expected
    screenshot(a, "script-two-writers")
    screenshot(board, "board-after-script-edit")
    assert a_errors == []
    assert b_errors == []
    assert board_errors == []


def test_undo_takes_back_only_your_own_edits(open_as):
    theo, june, _, project, script = in_thread(setup)
    a, _ = open_script(open_as, june, project, script, clock=True)
    b, _ = open_script(open_as, theo, project, script)

    a.locator(".cm-content").click()
    a.keyboard.press("Control+End")
    a.keyboard.type("JUNE WAS HERE", delay=10)
    b.locator(".cm-content").click()
    b.keyboard.press("Control+Home")
    b.keyboard.type("THEO WAS HERE\n", delay=10)
    a.wait_for_function("() => window.studio.script.view.state.doc.toString().startsWith('THEO WAS HERE')")
    a.clock.run_for(700)  # Yjs groups edits closer than 500 ms into one undo step: 700 ms of page time pass at once

    a.keyboard.press("Control+z")

    expected = "THEO WAS HERE\n" + OPENING
    a.wait_for_function("(t) => window.studio.script.view.state.doc.toString() === t", arg=expected)
    b.wait_for_function("(t) => window.studio.script.view.state.doc.toString() === t", arg=expected)


def test_a_viewer_reads_the_script_live_but_cannot_type(open_as):
    _theo, _, _, project, script = in_thread(setup)
    sam = in_thread(lambda: factories.add_member(project, "viewer", factories.make_user("sam", display_name="Sam")))
    page, errors = open_script(open_as, sam, project, script)

    page.locator(".cm-content").click()
    page.keyboard.type("VIEWER")

    assert page.locator(".cm-content").get_attribute("contenteditable") == "false"
    assert text_of(page) == OPENING
    expect(page.locator("[data-sync-state]")).to_have_text("Live · read-only")
    assert errors == []
