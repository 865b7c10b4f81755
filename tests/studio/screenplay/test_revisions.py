"""Revisions: kept, compared scene by scene, restored as a new edit; import and export of files."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from pypdf import PdfReader

from studio.screenplay import collab
from studio.screenplay import services as script_services
from studio.screenplay.compare import compare
from studio.screenplay.fountain import parse, read_fdx
from studio.screenplay.models import Script, ScriptRevision

ROCK = "EXT. SKARV ROCK - NIGHT\n\nA storm hammers a lone lighthouse.\n"
LAMP = "INT. LAMP ROOM - NIGHT\n\nElin trims the wick.\n\nELIN\nNobody swims here.\n"
SHORE = "EXT. SHORE - DAWN\n\nElin drags the stranger out of the surf.\n"
KITCHEN = "INT. KITCHEN - DAY\n\nTomas unloads supplies.\n"


@pytest.fixture
def script(team):
    script = team.project.scripts.get()
    script_services.script_update(actor=team.owner, script=script, changes={"fountain": "\n".join([ROCK, LAMP])})
    return script


def url(team, path):
    return f"/api/v1/projects/{team.project.pk}/{path}"


def test_a_revision_keeps_the_text_as_it_is_now(team, api, script):
    response = api(team.writer).post(url(team, f"scripts/{script.pk}/revisions/"),
                                     {"name": " First draft ", "color": "blue"}, format="json")

    revision = ScriptRevision.objects.get()
    assert response.status_code == 201
    assert response.json() == {
        "id": revision.pk, "script": script.pk, "name": "First draft", "color": "blue", "text": ROCK + "\n" + LAMP,
        "created_by": {"id": team.writer.pk, "username": "writer_member", "name": "Writer_Member",
                       "initials": "WM", "color": team.writer.color},
        "created_at": revision.created_at.isoformat(),
    }


def test_revisions_are_listed_newest_first(team, api, script):
    first = script_services.revision_create(actor=team.writer, script=script, name="First draft")
    blue = script_services.revision_create(actor=team.writer, script=script, name="Blue", color="blue")

    response = api(team.viewer).get(url(team, f"scripts/{script.pk}/revisions/"))

    assert [r["id"] for r in response.json()["results"]] == [blue.pk, first.pk]


def test_restoring_a_revision_is_a_new_edit_and_keeps_what_was_there(team, api, script):
    draft = script_services.revision_create(actor=team.writer, script=script, name="First draft")
    script_services.script_update(actor=team.writer, script=script, changes={"fountain": KITCHEN})
    logged = script.updates.count()

    response = api(team.writer).post(url(team, f"scripts/{script.pk}/revisions/{draft.pk}/restore/"))

    assert response.status_code == 200
    assert collab.doc_text(collab.load_doc(script.pk)) == ROCK + "\n" + LAMP
    assert script.updates.count() == logged + 1  # one more edit in the log: nothing rewritten
    kept = ScriptRevision.objects.get(name="Before restoring “First draft”")
    assert kept.text == KITCHEN
    # the scenes follow: the kitchen scene had no shots, so it went with its text
    assert list(Script.objects.get(pk=script.pk).scenes.order_by("order").values_list("location", flat=True)) == [
        "SKARV ROCK", "LAMP ROOM"]


def test_compare_pairs_scenes_by_identity_and_marks_what_changed():
    old = "\n".join([ROCK, LAMP, SHORE])
    new = "\n".join([KITCHEN, SHORE, LAMP.replace("trims", "lights").replace("LAMP ROOM", "LANTERN ROOM")])

    result = compare(old, new)

    assert [(s.status, s.old_number, s.new_number, s.new_heading or s.old_heading) for s in result.scenes] == [
        ("removed", 1, None, "EXT. SKARV ROCK - NIGHT"),  # where it stood: first
        ("added", None, 1, "INT. KITCHEN - DAY"),
        ("same", 3, 2, "EXT. SHORE - DAWN"),
        ("moved", 2, 3, "INT. LANTERN ROOM - NIGHT"),
    ]
    moved = result.scenes[3]
    assert [(line.kind, line.old, line.new) for line in moved.lines[:3]] == [
        ("changed", "INT. LAMP ROOM - NIGHT", "INT. LANTERN ROOM - NIGHT"),
        ("changed", "Elin trims the wick.", "Elin lights the wick."),
        ("blank", "", ""),
    ]
    assert moved.lines[1].old_marks == [(5, 10)]
    assert moved.lines[1].new_marks == [(5, 11)]
    assert result.counts == {"changed": 0, "moved": 1, "added": 1, "removed": 1}


def test_compare_through_the_api_between_a_revision_and_now(team, api, script):
    draft = script_services.revision_create(actor=team.writer, script=script, name="First draft")
    script_services.script_update(actor=team.writer, script=script, changes={"fountain": "\n".join([ROCK, SHORE])})

    response = api(team.viewer).get(url(team, f"scripts/{script.pk}/compare/?from={draft.pk}&to=now"))
    bad = api(team.viewer).get(url(team, f"scripts/{script.pk}/compare/?from=99999"))

    assert response.status_code == 200
    assert [(s["status"], s["new_heading"] or s["old_heading"]) for s in response.json()["scenes"]] == [
        ("same", "EXT. SKARV ROCK - NIGHT"), ("removed", "INT. LAMP ROOM - NIGHT"), ("added", "EXT. SHORE - DAWN")]
    assert bad.status_code == 400
    assert bad.json() == {"from": ["Revision 99999 is not a revision of this script."]}


# --- Import and export ---------------------------------------------------------------------


FOUNTAIN_FILE = b"Title: Night Ferry\nAuthor: June Park\n\nEXT. HARBOUR - NIGHT\n\nFog.\n\nMARA\nLast boat?\n"


def test_a_fountain_file_becomes_a_new_script_with_its_scenes(team, api):
    upload = SimpleUploadedFile("ferry.fountain", FOUNTAIN_FILE, content_type="text/plain")

    response = api(team.writer).post(url(team, "scripts/import/"), {"file": upload}, format="multipart")

    script = Script.objects.get(title="Night Ferry")
    assert response.status_code == 201
    assert response.json()["title"] == "Night Ferry"
    assert response.json()["scene_count"] == 1
    assert collab.doc_text(collab.load_doc(script.pk)) == FOUNTAIN_FILE.decode()
    assert list(script.scenes.values_list("location", "in_script")) == [("HARBOUR", True)]


def test_a_multi_line_emphasised_title_names_the_imported_script_line_by_line(team, api):
    # given a title page whose title is two emphasised lines
    text = (b"Title:\n    _**BRICK & STEEL**_\n    _**FULL RETIRED**_\nCredit: Written by\nAuthor: Stu Maschwitz\n\n"
            b"EXT. BRICK'S PATIO - DAY\n\nA gorgeous day.\n")

    # when it is imported
    response = api(team.writer).post(url(team, "scripts/import/"),
                                     {"file": SimpleUploadedFile("brick.fountain", text)}, format="multipart")

    # then each line lost its own emphasis
    assert (response.status_code, response.json()["title"]) == (201, "BRICK & STEEL FULL RETIRED")


def test_an_fdx_file_is_imported_through_fountain(team, api):
    fdx = script_services.script_export(script=_scripted(team, FOUNTAIN_FILE.decode()), fmt="fdx")[0]

    response = api(team.writer).post(url(team, "scripts/import/"),
                                     {"file": SimpleUploadedFile("ferry.fdx", fdx), "title": "From Final Draft"},
                                     format="multipart")

    script = Script.objects.get(title="From Final Draft")
    assert response.status_code == 201
    assert [e.kind for e in parse(script.fountain).elements] == ["scene_heading", "action", "character", "dialogue"]


def _scripted(team, text):
    return script_services.script_create(actor=team.owner, project=team.project, title="Source", fountain=text)


@pytest.mark.parametrize(("name", "content", "error"), [
    ("notes.docx", b"PK\x03\x04binary", "Import a Fountain (.fountain) or Final Draft (.fdx) file."),
    ("empty.fountain", b"", "The submitted file is empty."),
    ("latin.fountain", "Élodie\n".encode("latin-1"), "The file is not UTF-8 text."),
    ("bad.fdx", b"<?xml version='1.0'?><FinalDraft><Content><Paragraph", None),
])
def test_a_file_that_is_not_a_script_is_refused_and_nothing_is_created(team, api, snapshot, name, content, error):
    client = api(team.writer)
    before = snapshot()

    response = client.post(url(team, "scripts/import/"), {"file": SimpleUploadedFile(name, content)},
                           format="multipart")

    assert response.status_code == 400
    message = response.json()["file"][0]
    assert message == error if error else message.startswith("This is not a Final Draft file Previz Studio can read")
    assert snapshot() == before


def test_a_pdf_of_a_script_without_a_title_page_is_titled_after_the_project_and_dated_today(team, api, script):
    # given a script with no title page, in the project "Team Project"
    team.project.title = "The Lighthouse"
    team.project.save()

    # when it is exported as PDF
    response = api(team.viewer).get(url(team, f"scripts/{script.pk}/export/?as=pdf"))

    # then the document says the project's title, no "anonymous" author, and today's date
    info = PdfReader(io.BytesIO(response.content)).metadata
    assert (info.title, info.author, info.creator) == ("The Lighthouse", "", "Previz Studio")
    assert info["/CreationDate"] == f"D:{timezone.localdate():%Y%m%d}000000+00'00'"


def test_a_pdf_takes_the_title_and_author_of_the_title_page(team, api, script):
    # given a script with a title page
    script_services.script_update(actor=team.owner, script=script, changes={
        "fountain": "Title: **Skarv Rock**\nAuthor: June Park\n\n" + ROCK})

    # when it is exported as PDF
    response = api(team.viewer).get(url(team, f"scripts/{script.pk}/export/?as=pdf"))

    # then the document carries them
    info = PdfReader(io.BytesIO(response.content)).metadata
    assert (info.title, info.author) == ("Skarv Rock", "June Park")


def test_exports_carry_the_script_as_it_is_now(team, api, script):
    client = api(team.viewer)

    fountain = client.get(url(team, f"scripts/{script.pk}/export/?as=fountain"))
    fdx = client.get(url(team, f"scripts/{script.pk}/export/?as=fdx"))
    pdf = client.get(url(team, f"scripts/{script.pk}/export/?as=pdf&scene_numbers=1"))
    bad = client.get(url(team, f"scripts/{script.pk}/export/?as=docx"))

    assert fountain.content.decode() == ROCK + "\n" + LAMP
    assert fountain["Content-Disposition"] == 'attachment; filename="Team-Project.fountain"'
    assert [e.kind for e in read_fdx(fdx.content).elements] == [
        "scene_heading", "action", "scene_heading", "action", "character", "dialogue"]
    text = PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text()
    assert "EXT. SKARV ROCK - NIGHT" in text
    assert "Nobody swims here." in text
    assert pdf["Content-Type"] == "application/pdf"
    assert bad.status_code == 400
    assert bad.json() == {"as": ["Choose fountain, fdx or pdf."]}


@pytest.mark.parametrize(("fmt", "kept"), [
    ("fountain", lambda content, line: line in content.decode()),
    ("fdx", lambda content, line: read_fdx(content).elements[1].text == line),  # nothing lost on the way out
    ("pdf", lambda content, line: "more characters not printed]" in "".join(
        page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)),
])
def test_a_viewer_exporting_a_script_with_a_1_mb_line_gets_it_in_under_a_second(team, api, fmt, kept):
    import time

    # given a script with an action line of 1 MB of nothing but emphasis delimiters
    line = "*_" * 500_000
    script = team.project.scripts.get()
    script_services.script_update(actor=team.owner, script=script,
                                  changes={"fountain": f"INT. ROOM - DAY\n\n{line}\n"})
    client = api(team.viewer)

    # when a viewer exports it
    started = time.perf_counter()
    response = client.get(url(team, f"scripts/{script.pk}/export/?as={fmt}"))
    took = time.perf_counter() - started

    # then the export is bounded work (a quadratic one ran for minutes), and what it keeps is the script's
    assert response.status_code == 200
    assert took < 1.0
    assert kept(response.content, line)
