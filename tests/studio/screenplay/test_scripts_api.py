"""Scripts through the REST API: create, list with scene counts, read, edit, delete."""

from __future__ import annotations

from datetime import UTC

from studio.screenplay.models import Scene, Script
from studio.shots.models import Shot
from tests import factories


def iso(moment) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def body(script: Script, scene_count: int) -> dict:
    script.refresh_from_db()
    return {
        "id": script.pk, "title": script.title, "fountain": script.fountain, "scene_count": scene_count,
        "created_at": iso(script.created_at), "updated_at": iso(script.updated_at),
    }


def scripts_url(project) -> str:
    return f"/api/v1/projects/{project.pk}/scripts/"


def script_url(project, script) -> str:
    return f"/api/v1/projects/{project.pk}/scripts/{script.pk}/"


# --- The first script -------------------------------------------------------


def test_a_new_project_starts_with_one_empty_script_titled_like_the_project(db, api):
    # given
    user = factories.make_user("maren")
    client = api(user)

    # when
    created = client.post("/api/v1/projects/", {"title": "  The Lighthouse  "}, format="json")
    listed = client.get(f"/api/v1/projects/{created.json()['id']}/scripts/")

    # then
    assert created.status_code == 201, created.content
    script = Script.objects.get(project_id=created.json()["id"])
    assert script.title == "The Lighthouse"
    assert script.fountain == ""
    assert listed.status_code == 200
    assert listed.json() == {"count": 1, "next": None, "previous": None, "results": [body(script, 0)]}


# --- Create -------------------------------------------------------------------


def test_a_writer_creates_a_script_with_its_title_trimmed(team, api):
    # given
    client = api(team.writer)

    # when
    response = client.post(scripts_url(team.project), {"title": "  Episode 2 ", "fountain": "INT. HOUSE - DAY\n"},
                           format="json")

    # then
    assert response.status_code == 201, response.content
    script = Script.objects.get(pk=response.json()["id"])
    assert (script.project_id, script.title, script.fountain) == (team.project.pk, "Episode 2", "INT. HOUSE - DAY\n")
    assert response.json() == body(script, 1)  # its text has a scene, parsed into a Scene
    assert list(script.scenes.values_list("in_script", "location")) == [(True, "HOUSE")]
    assert team.project.scripts.count() == 2


def test_creating_a_script_without_fountain_leaves_it_empty(team, api):
    # when
    response = api(team.owner).post(scripts_url(team.project), {"title": "Draft"}, format="json")

    # then
    assert response.status_code == 201, response.content
    assert response.json()["fountain"] == ""
    assert Script.objects.get(pk=response.json()["id"]).fountain == ""


def test_a_script_needs_a_title(team, api, snapshot):
    # given
    client = api(team.owner)
    before = snapshot()

    # when
    missing = client.post(scripts_url(team.project), {"fountain": "FADE IN:"}, format="json")
    blank = client.post(scripts_url(team.project), {"title": "   "}, format="json")
    too_long = client.post(scripts_url(team.project), {"title": "x" * 201}, format="json")

    # then
    assert missing.status_code == 400
    assert missing.json() == {"title": ["This field is required."]}
    assert blank.status_code == 400
    assert blank.json() == {"title": ["This field may not be blank."]}
    assert too_long.status_code == 400
    assert too_long.json() == {"title": ["Ensure this field has no more than 200 characters."]}
    assert snapshot() == before


# --- List and read ----------------------------------------------------------


def test_the_list_holds_every_script_in_creation_order_with_its_scene_count(team, api):
    # given
    first = team.project.scripts.get()
    factories.make_scene(team.project, first)
    factories.make_scene(team.project, first)
    second = factories.make_script(team.project, title="Episode 2")
    third = factories.make_script(team.project, title="Episode 3", fountain="EXT. SEA - DAY")
    factories.make_scene(team.project, third)
    other_project = factories.make_project(title="Elsewhere")
    factories.make_scene(other_project)

    # when
    response = api(team.viewer).get(scripts_url(team.project))

    # then
    assert response.status_code == 200
    assert response.json() == {
        "count": 3, "next": None, "previous": None,
        "results": [body(first, 2), body(second, 0), body(third, 2)],  # third: one parsed, one made on the board
    }


def test_listing_scripts_costs_the_same_queries_however_many_there_are(team, api, django_assert_num_queries):
    # given
    client = api(team.viewer)
    factories.make_scene(team.project)
    with django_assert_num_queries(5):  # session, user, membership, count, page
        few = client.get(scripts_url(team.project))
    for n in range(6):
        script = factories.make_script(team.project, title=f"Extra {n}")
        factories.make_scene(team.project, script)

    # when / then
    with django_assert_num_queries(5):
        many = client.get(scripts_url(team.project))
    assert (few.json()["count"], many.json()["count"]) == (1, 7)
    assert [s["scene_count"] for s in many.json()["results"]] == [1, 1, 1, 1, 1, 1, 1]


def test_a_script_reads_with_its_scene_count(team, api):
    # given
    script = factories.make_script(team.project, title="Pilot", fountain="FADE IN:")
    factories.make_scene(team.project, script)

    # when
    response = api(team.reviewer).get(script_url(team.project, script))

    # then
    assert response.status_code == 200
    assert response.json() == body(script, 1)


def test_a_script_of_another_project_is_not_found_under_this_one(team, api):
    # given
    foreign = factories.make_project(title="Elsewhere").scripts.get()

    # when
    response = api(team.owner).get(script_url(team.project, foreign))

    # then
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


# --- Edit ---------------------------------------------------------------------


def test_a_writer_renames_a_script_and_rewrites_its_fountain(team, api, published):
    # given
    script = team.project.scripts.get()
    factories.make_scene(team.project, script)
    fountain = "INT. LAMP ROOM - NIGHT\n\nThe light turns.\n"

    # when
    with published(team.project) as sent:
        response = api(team.writer).patch(script_url(team.project, script),
                                          {"title": " Draft Two ", "fountain": fountain}, format="json")

    # then
    assert response.status_code == 200, response.content
    script.refresh_from_db()
    assert (script.title, script.fountain) == ("Draft Two", fountain)
    assert response.json() == body(script, 2)  # the board-made scene, and the one the text now has
    parsed = script.scenes.get(in_script=True)
    assert [(e["type"], e["data"]) for e in sent] == [
        ("scenes.synced", {"script": script.pk, "created": [{
            "id": parsed.pk, "script": script.pk, "number": "1", "int_ext": "INT", "location": "LAMP ROOM",
            "time_of_day": "NIGHT", "heading": "INT. LAMP ROOM - NIGHT", "synopsis": "", "order": 0,
            "in_script": True, "omitted": False, "line": 0, "version": 1}], "changed": [], "orphaned": [],
            "removed": [], "order": [parsed.pk, script.scenes.get(in_script=False).pk]}),
        ("script.updated", {"script": {"id": script.pk, "title": "Draft Two"}, "changed": ["title", "fountain"]}),
    ]


def test_patching_only_the_fountain_keeps_the_title(team, api, published):
    # given
    script = factories.make_script(team.project, title="Pilot")

    # when
    with published(team.project) as sent:
        response = api(team.owner).patch(script_url(team.project, script), {"fountain": "FADE OUT."},
                                         format="json")

    # then
    assert response.status_code == 200
    script.refresh_from_db()
    assert (script.title, script.fountain) == ("Pilot", "FADE OUT.")
    assert [e["data"]["changed"] for e in sent] == [["fountain"]]


def test_patching_a_script_with_the_values_it_has_changes_nothing_and_tells_no_one(team, api, published, snapshot):
    # given
    script = factories.make_script(team.project, title="Pilot", fountain="FADE IN:")
    client = api(team.owner)
    before = snapshot()

    # when
    with published(team.project) as sent:
        response = client.patch(script_url(team.project, script),
                                         {"title": "Pilot", "fountain": "FADE IN:"}, format="json")

    # then
    assert response.status_code == 200
    assert response.json() == body(script, 0)
    assert snapshot() == before
    assert sent == []


def test_a_script_cannot_be_renamed_to_nothing(team, api, snapshot):
    # given
    script = team.project.scripts.get()
    client = api(team.owner)
    before = snapshot()

    # when
    response = client.patch(script_url(team.project, script), {"title": ""}, format="json")

    # then
    assert response.status_code == 400
    assert response.json() == {"title": ["This field may not be blank."]}
    assert snapshot() == before


# --- Delete -------------------------------------------------------------------


def test_deleting_a_script_removes_it_with_its_scenes(team, api, published):
    # given
    keep = team.project.scripts.get()
    kept_scene = factories.make_scene(team.project, keep)
    script = factories.make_script(team.project, title="Spare")
    factories.make_scene(team.project, script)
    factories.make_scene(team.project, script)

    # when
    with published(team.project) as sent:
        response = api(team.writer).delete(script_url(team.project, script))

    # then
    assert response.status_code == 204
    assert response.content == b""
    assert list(Script.objects.filter(project=team.project)) == [keep]
    assert list(Scene.objects.filter(project=team.project)) == [kept_scene]
    assert [(e["type"], e["data"]) for e in sent] == [("script.deleted", {"id": script.pk})]


def test_a_script_whose_scenes_have_shots_cannot_be_deleted(team, api, snapshot):
    # given
    script = factories.make_script(team.project, title="Shot already")
    first = factories.make_scene(team.project, script)
    second = factories.make_scene(team.project, script)
    factories.make_scene(team.project, script)
    factories.make_shot(first)
    factories.make_shot(first)
    factories.make_shot(second)
    client = api(team.owner)
    before = snapshot()

    # when
    response = client.delete(script_url(team.project, script))

    # then
    assert response.status_code == 409
    assert response.json() == {
        "detail": "This script's scenes have 3 shot(s); delete or move them before the script.",
    }
    assert snapshot() == before
    assert Shot.objects.filter(scene__script=script).count() == 3


def test_shots_in_another_script_do_not_keep_a_script_from_being_deleted(team, api):
    # given
    factories.make_shot(factories.make_scene(team.project, team.project.scripts.get()))
    spare = factories.make_script(team.project, title="Spare")
    factories.make_scene(team.project, spare)

    # when
    response = api(team.owner).delete(script_url(team.project, spare))

    # then
    assert response.status_code == 204
    assert not Script.objects.filter(pk=spare.pk).exists()
    assert Shot.objects.filter(project=team.project).count() == 1


def test_a_script_of_another_project_cannot_be_deleted_through_this_one(team, api, snapshot):
    # given
    foreign = factories.make_project(title="Elsewhere").scripts.get()
    client = api(team.owner)
    before = snapshot()

    # when
    response = client.delete(script_url(team.project, foreign))

    # then
    assert response.status_code == 404
    assert snapshot() == before


def test_the_last_script_of_a_project_cannot_be_deleted(team, api, snapshot):
    # given the project's only script
    script = team.project.scripts.get()
    client = api(team.writer)
    before = snapshot()

    # when
    response = client.delete(script_url(team.project, script))

    # then
    assert response.status_code == 409
    assert response.json() == {"detail": "A project keeps at least one script; this is its last."}
    assert snapshot() == before


# --- How big a script may grow ------------------------------------------------------------------


def test_importing_50000_headings_is_refused_at_once_naming_the_cap_and_nothing_is_created(team, api, snapshot):
    from django.core.files.uploadedfile import SimpleUploadedFile

    # given a 1 MB Fountain file of 50,000 scene headings (under the upload limit)
    text = "".join(f"INT. ROOM {n} - DAY\n\n" for n in range(50_000)).encode()
    client = api(team.writer)
    before = snapshot()

    # when a writer imports it
    response = client.post(f"/api/v1/projects/{team.project.pk}/scripts/import/",
                           {"file": SimpleUploadedFile("huge.fountain", text)}, format="multipart")

    # then it is refused with the cap named, and nothing was created
    assert response.status_code == 400
    assert response.json() == {"fountain": [
        "This script would have 50,000 scenes; a script holds at most 2,000 (STUDIO_MAX_SCENES_PER_SCRIPT). "
        "Split it into several scripts."]}
    assert snapshot() == before


def test_a_text_with_more_scenes_than_the_cap_is_refused_and_the_script_is_unchanged(team, api, snapshot, settings):
    # given a script with two scenes, and a cap of three scenes a script
    settings.STUDIO_MAX_SCENES_PER_SCRIPT = 3
    script = team.project.scripts.get()
    two = "INT. A - DAY\n\nOne.\n\nINT. B - DAY\n\nTwo.\n"
    client = api(team.writer)
    assert client.patch(script_url(team.project, script), {"fountain": two}, format="json").status_code == 200
    before = snapshot()

    # when a writer makes it four
    response = client.patch(script_url(team.project, script),
                            {"fountain": two + "\nINT. C - DAY\n\nThree.\n\nINT. D - DAY\n\nFour.\n"}, format="json")

    # then
    assert response.status_code == 400
    assert response.json() == {"fountain": [
        "This script would have 4 scenes; a script holds at most 3 (STUDIO_MAX_SCENES_PER_SCRIPT). "
        "Split it into several scripts."]}
    assert snapshot() == before


def test_a_live_edit_past_the_scene_cap_is_kept_as_text_and_leaves_the_scenes_as_they_were(team, settings):
    from studio.screenplay import collab
    from studio.screenplay import services as script_services

    # given a script with one scene and a cap of one
    settings.STUDIO_MAX_SCENES_PER_SCRIPT = 1
    script = team.project.scripts.get()
    script_services.script_update(actor=team.writer, script=script, changes={"fountain": "INT. A - DAY\n\nOne.\n"})
    scenes = list(Scene.objects.filter(script=script).values_list("pk", "location"))

    # when an editor's update with a second heading reaches the log and settles
    doc = collab.load_doc(script.pk)
    collab.append_update(script.pk, collab.replace_text(doc, "INT. A - DAY\n\nOne.\n\nINT. B - DAY\n\nTwo.\n"),
                         author_id=team.writer.pk)
    settled = script_services.script_text_settled(script_id=script.pk)

    # then the text is the script's, and its scenes wait for it to be back under the cap
    script.refresh_from_db()
    assert (settled, script.fountain) == (True, "INT. A - DAY\n\nOne.\n\nINT. B - DAY\n\nTwo.\n")
    assert list(Scene.objects.filter(script=script).values_list("pk", "location")) == scenes
