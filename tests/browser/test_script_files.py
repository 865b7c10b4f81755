"""The script page's Export and Import menus in Chromium: every export downloads, and a file imports through the
panel (each item clicked where a person clicks it, so nothing may lie on top of it)."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from studio.screenplay import services as script_services
from studio.screenplay.models import Script
from tests import factories

from .conftest import in_thread, screenshot

OPENING = "INT. LAMP ROOM - NIGHT\n\nElin trims the wick.\n"
IMPORTED = "EXT. SKARV ROCK - DAWN\n\nThe boat scrapes the rock.\n\nELIN\nHold on.\n"


def setup():
    writer = factories.make_user("june", display_name="June Park")
    project = factories.make_project(owner=writer, title="The Lighthouse")
    script = project.scripts.get()
    script_services.script_update(actor=writer, script=script, changes={"fountain": OPENING})
    return writer, project, script


def open_script(open_as, user, project, script):
    page, errors = open_as(user, f"/projects/{project.pk}/scripts/{script.pk}/")
    expect(page.locator("[data-script-editor][data-synced]")).to_be_attached(timeout=10000)
    return page, errors


def test_each_export_in_the_menu_downloads(open_as):
    # given a writer on the script page
    writer, project, script = in_thread(setup)
    page, errors = open_script(open_as, writer, project, script)
    menu = page.locator("details.menu", has=page.locator("summary", has_text="Export"))

    downloads = {}
    for item in ["PDF, screenplay format", "PDF with scene numbers", "Final Draft (.fdx)", "Fountain (.fountain)"]:
        # when they open the menu and click the item (where it is drawn: nothing may cover it)
        menu.locator("summary").click()
        with page.expect_download() as download:
            menu.get_by_role("link", name=item).click(timeout=3000)
        downloads[item] = (download.value.suggested_filename, download.value.path().read_bytes())
        expect(menu).not_to_have_attribute("open", "")  # choosing an item closes the menu

    # then each downloaded file is that export of the script
    assert {item: name for item, (name, _) in downloads.items()} == {
        "PDF, screenplay format": "The-Lighthouse.pdf", "PDF with scene numbers": "The-Lighthouse.pdf",
        "Final Draft (.fdx)": "The-Lighthouse.fdx", "Fountain (.fountain)": "The-Lighthouse.fountain",
    }
    assert downloads["PDF, screenplay format"][1][:5] == b"%PDF-"
    assert downloads["PDF with scene numbers"][1][:5] == b"%PDF-"
    assert downloads["PDF with scene numbers"][1] != downloads["PDF, screenplay format"][1]
    assert b"<FinalDraft" in downloads["Final Draft (.fdx)"][1]
    assert downloads["Fountain (.fountain)"][1].decode() == OPENING
    assert errors == []


def test_a_file_imports_through_the_import_panel(open_as, tmp_path):
    # given a writer on the script page and a Fountain file
    writer, project, script = in_thread(setup)
    page, errors = open_script(open_as, writer, project, script)
    upload = tmp_path / "skarv.fountain"
    upload.write_text(IMPORTED)

    # when they open the Import panel, choose the file, give a title and submit (each where it is drawn)
    page.locator("summary", has_text="Import").click()
    panel = page.locator(".import-panel")
    expect(panel).to_be_visible()
    with page.expect_file_chooser() as chooser:
        panel.locator('input[type="file"]').click(timeout=3000)
    chooser.value.set_files(str(upload))
    panel.locator('input[name="title"]').click(timeout=3000)
    page.keyboard.type("Skarv Rock")
    screenshot(page, "script-import-panel")
    panel.get_by_role("button", name="Import as a new script").click(timeout=3000)

    # then the new script opens with the file's text, and says so
    imported = in_thread(lambda: Script.objects.get(project=project, title="Skarv Rock"))
    expect(page).to_have_url(re.compile(rf"/projects/{project.pk}/scripts/{imported.pk}/$"))
    expect(page.locator(".messages")).to_contain_text("Imported “Skarv Rock” with 1 scene.")
    expect(page.locator("[data-script-editor][data-synced]")).to_be_attached(timeout=10000)
    assert page.evaluate("window.studio.script.view.state.doc.toString()") == IMPORTED
    assert errors == []
