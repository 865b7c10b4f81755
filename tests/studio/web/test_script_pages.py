"""The script pages: the editor page, revisions (keep, restore, delete), compare, import."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from studio.screenplay import services as script_services
from studio.screenplay.models import Script, ScriptRevision

LAMP = "INT. LAMP ROOM - NIGHT\n\nElin trims the wick.\n"


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def script(team):
    script = team.project.scripts.get()
    script_services.script_update(actor=team.owner, script=script, changes={"fountain": LAMP})
    return script


def page(team, script, path=""):
    return f"/projects/{team.project.pk}/scripts/{script.pk}/{path}"


def test_the_script_tab_opens_the_first_script(team, script):
    response = client_for(team.viewer).get(f"/projects/{team.project.pk}/script/")

    assert response.status_code == 302
    assert response["Location"] == page(team, script)


@pytest.mark.parametrize(("role", "can_edit"), [("writer", True), ("director", True), ("artist", False),
                                                ("viewer", False)])
def test_the_editor_page_tells_the_browser_who_may_edit(team, script, board_state, role, can_edit):
    response = client_for(team.users[role]).get(page(team, script))

    data = board_state(response, "script-data")
    assert response.status_code == 200
    assert data["script"] == {"id": script.pk, "title": "Team Project"}
    assert data["can_edit"] is can_edit
    assert (f'action="/projects/{team.project.pk}/scripts/{script.pk}/revisions/"'
            in response.content.decode()) is can_edit


def test_a_writer_keeps_a_revision_and_restores_it_from_the_page(team, script):
    client = client_for(team.writer)
    client.post(page(team, script, "revisions/"), {"name": "First draft", "color": "blue"})
    draft = ScriptRevision.objects.get(name="First draft")
    script_services.script_update(actor=team.writer, script=script, changes={"fountain": "INT. SEA - DAY\n"})

    restored = client.post(page(team, script, f"revisions/{draft.pk}/"), {"action": "restore"})

    assert restored.status_code == 302
    assert script_services.current_text(Script.objects.get(pk=script.pk)) == LAMP
    assert sorted(ScriptRevision.objects.values_list("name", flat=True)) == [
        "Before restoring “First draft”", "First draft"]


def test_a_viewer_cannot_keep_or_restore_revisions(team, script, snapshot):
    draft = script_services.revision_create(actor=team.writer, script=script, name="First draft")
    client = client_for(team.viewer)
    before = snapshot()

    kept = client.post(page(team, script, "revisions/"), {"name": "Mine"})
    restored = client.post(page(team, script, f"revisions/{draft.pk}/"), {"action": "restore"})

    assert (kept.status_code, restored.status_code) == (403, 403)
    assert snapshot() == before


def test_the_compare_page_shows_the_changed_words(team, script):
    draft = script_services.revision_create(actor=team.writer, script=script, name="First draft")
    script_services.script_update(actor=team.writer, script=script,
                                  changes={"fountain": LAMP.replace("trims", "lights")})

    response = client_for(team.viewer).get(page(team, script, f"compare/?from={draft.pk}&to=now"))

    text = response.content.decode()
    assert response.status_code == 200
    assert "1 changed · 0 moved · 0 added · 0 removed" in text
    assert "Elin <mark>trims</mark> the wick." in text
    assert "Elin <mark>lights</mark> the wick." in text


def test_importing_from_the_page_opens_the_new_script(team):
    upload = SimpleUploadedFile("ferry.fountain", b"Title: Night Ferry\n\nEXT. HARBOUR - NIGHT\n\nFog.\n")

    response = client_for(team.writer).post(f"/projects/{team.project.pk}/scripts/import/", {"file": upload})

    script = Script.objects.get(title="Night Ferry")
    assert response.status_code == 302
    assert response["Location"] == page(team, script)
    assert script.scenes.count() == 1
