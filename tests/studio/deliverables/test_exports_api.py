"""Exports through the API and the export worker: start (checked before anything is queued), cancel, run, the
file for any member, provenance, failures, the sweep of lost workers and ``manage.py export_worker``."""

import io
import zipfile
from dataclasses import asdict
from datetime import timedelta
from pathlib import PurePosixPath

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from studio.deliverables import renderers, runner, services
from studio.deliverables.models import Export
from studio.live.events import UserRef, iso
from tests import factories
from tests.conftest import db_state

from .conftest import api_url, uploaded


def ref(user) -> dict:
    return asdict(UserRef.of(user))


def export_json(export, **state) -> dict:
    return {
        "id": export.pk, "version": 1, "kind": "otioz", "kind_label": "OTIO bundle with media", "scene": None,
        "options": {}, "status": "queued", "step": 0, "total_steps": 0, "url": None, "extra_urls": {}, "bytes": 0,
        "warnings": [], "error": "", "requested_by": ref(export.requested_by), "created_at": iso(export.created_at),
        "finished_at": iso(export.finished_at), **state,
    }


def start(team, **body):
    return services.export_start(actor=team.artist, project=team.project, **{"kind": "otioz", **body})


def test_an_artist_starts_an_export_and_everyone_hears_it_is_queued(cut, api, published):
    client = api(cut.artist)

    with published(cut.project) as sent:
        response = client.post(api_url(cut.project, "exports"), {"kind": "otioz", "scene": cut.scene2.pk},
                               format="json")

    assert response.status_code == 202, response.json()
    export = Export.objects.get()
    assert response.json() == export_json(export, scene=cut.scene2.pk)
    assert (export.kind, export.scene, export.options, export.status, export.requested_by) == (
        "otioz", cut.scene2, {}, "queued", cut.artist)
    assert sent == [{"type": "export.queued", "project": cut.project.pk, "actor": ref(cut.artist),
                     "data": {"export": response.json()}}]


@pytest.mark.parametrize(("body", "errors"), [
    pytest.param({"kind": "gif"}, {"kind": ['"gif" is not a valid choice.']}, id="bad kind"),
    pytest.param({"kind": "otioz", "options": {"width": 640}},
                 {"options": ["This export takes no options (got width)."]}, id="an option otioz has not"),
    pytest.param({"kind": "otioz", "options": [1]}, {"options": ["Options are an object of names and values."]},
                 id="options not an object"),
    pytest.param({"kind": "otioz", "colour": "red"},
                 {"colour": ["Unknown field. This endpoint takes: kind, scene, options."]}, id="unknown field"),
])
def test_a_bad_request_is_refused_with_field_errors_and_nothing_is_created(cut, api, snapshot, published, body,
                                                                           errors):
    client = api(cut.artist)
    before = snapshot()

    with published(cut.project) as sent:
        response = client.post(api_url(cut.project, "exports"), body, format="json")

    assert response.status_code == 400
    assert response.json() == errors
    assert snapshot() == before
    assert sent == []


def test_a_scene_of_another_project_is_a_field_error(cut, api, snapshot):
    other = factories.make_project()
    foreign = factories.make_scene(other, location="Elsewhere")
    client = api(cut.artist)
    before = snapshot()

    response = client.post(api_url(cut.project, "exports"), {"kind": "otioz", "scene": foreign.pk}, format="json")

    assert response.status_code == 400
    assert response.json() == {"scene": [f"Scene {foreign.pk} is not in this project."]}
    assert snapshot() == before


@pytest.mark.parametrize("role", ["viewer", "reviewer", "writer"])
def test_who_may_not_export_gets_403_and_nothing_is_created(cut, api, snapshot, role):
    client = api(cut.users[role])
    before = snapshot()

    response = client.post(api_url(cut.project, "exports"), {"kind": "otioz"}, format="json")

    assert response.status_code == 403
    assert snapshot() == before


def test_too_many_active_exports_are_refused(cut, api, snapshot, settings):
    settings.STUDIO_EXPORTS_PER_PROJECT = 2
    start(cut)
    start(cut)
    client = api(cut.director)
    before = snapshot()

    response = client.post(api_url(cut.project, "exports"), {"kind": "otioz"}, format="json")

    assert response.status_code == 400
    assert response.json() == {"kind": [
        "This project already has 2 exports queued or running, the most it may have at once "
        "(STUDIO_EXPORTS_PER_PROJECT). Wait for one to finish, or cancel one."]}
    assert snapshot() == before


def test_canceling_a_queued_export_cancels_it_at_once(cut, api, published):
    export = start(cut)
    client = api(cut.director)

    with published(cut.project) as sent:
        response = client.post(api_url(cut.project, "exports", export.pk, "cancel"), {}, format="json")

    export.refresh_from_db()
    assert response.status_code == 200
    assert response.json() == export_json(export, version=2, status="canceled")
    assert export.finished_at is not None
    assert sent == [{"type": "export.done", "project": cut.project.pk, "actor": ref(cut.director),
                     "data": {"export": response.json()}}]
    assert runner.run(export.pk) == "not queued"


def test_running_an_otio_bundle_stores_it_for_every_member_with_its_provenance(cut, api, published):
    first, second = uploaded(cut.shots[0]), uploaded(cut.shots[1])
    export = start(cut)

    with published(cut.project) as sent:
        assert runner.run(export.pk) == "succeeded"

    export.refresh_from_db()
    url = f"/projects/{cut.project.pk}/media/exports/{export.pk}/"
    assert (export.status, export.step, export.total_steps, export.error, export.warnings) == (
        "succeeded", 1, 1, "", [])
    assert export.provenance == {
        "fps": "24/1", "frames": 48 + 36 + 96, "aspect": "2.39", "scene": None, "shots": [
            {"shot": cut.shots[0].pk, "number": "1A", "version": 1, "frames": 48, "take": first.pk,
             "take_number": 1, "selected": "newest"},
            {"shot": cut.shots[1].pk, "number": "1B", "version": 1, "frames": 36, "take": second.pk,
             "take_number": 1, "selected": "newest"},
            {"shot": cut.shots[2].pk, "number": "2A", "version": 1, "frames": 96, "take": None,
             "take_number": None, "selected": "sketch"},
        ]}
    done = export_json(export, version=5, status="succeeded", step=1, total_steps=1, url=url, bytes=export.bytes)
    assert [(e["type"], e["actor"], e["data"]) for e in sent] == [
        ("export.progress", None, {"export": export.pk, "version": 2, "status": "running", "step": 0,
                                   "total_steps": 0}),
        ("export.progress", None, {"export": export.pk, "version": 3, "status": "running", "step": 0,
                                   "total_steps": 1}),
        ("export.progress", None, {"export": export.pk, "version": 4, "status": "running", "step": 1,
                                   "total_steps": 1}),
        ("export.done", None, {"export": done}),
    ]

    viewer = api(cut.viewer)
    page = viewer.get(url)
    action = viewer.get(api_url(cut.project, "exports", export.pk, "file"))
    detail = viewer.get(api_url(cut.project, "exports", export.pk))
    for response in (page, action):
        content = b"".join(response.streaming_content)
        assert response.status_code == 200
        assert response["Content-Disposition"] == 'attachment; filename="team-project.otioz"'
        assert len(content) == export.bytes > 0
        names = zipfile.ZipFile(io.BytesIO(content)).namelist()
        assert sorted(names) == sorted(["content.otio", "version.txt", *(
            f"media/{PurePosixPath(take.media.name).name}" for take in (first, second))])
    assert detail.json() == done
    assert api(factories.make_user("stranger")).get(url).status_code == 404


def test_a_failing_renderer_fails_the_export_with_its_message_and_changes_nothing_else(cut, monkeypatch,
                                                                                       published):
    uploaded(cut.shots[0])
    export = start(cut)

    def broken(*args):
        raise RuntimeError("the disk is full")

    monkeypatch.setitem(renderers.RENDER, "otioz", broken)
    before = db_state()

    with published(cut.project) as sent:
        assert runner.run(export.pk) == "failed"

    export.refresh_from_db()
    assert (export.status, export.error, export.file.name, export.bytes, export.provenance, export.warnings) == (
        "failed", "The export failed: the disk is full", "", 0, {}, [])
    after = db_state()
    assert {k: v for k, v in after.items() if k != "deliverables.Export"} == {
        k: v for k, v in before.items() if k != "deliverables.Export"}
    assert [e["type"] for e in sent] == ["export.progress", "export.done"]
    assert sent[-1]["data"]["export"] == export_json(export, version=3, status="failed",
                                                     error="The export failed: the disk is full")


def test_the_sweep_fails_an_export_whose_worker_stopped(cut, settings):
    settings.STUDIO_EXPORT_STALE_S = 60
    lost, alive = start(cut), start(cut)
    services.export_claim(export_id=lost.pk, worker="render-1:77")
    services.export_claim(export_id=alive.pk, worker="render-2:78")
    Export.objects.filter(pk=lost.pk).update(heartbeat_at=timezone.now() - timedelta(seconds=61))
    Export.objects.filter(pk=alive.pk).update(heartbeat_at=timezone.now() - timedelta(seconds=30))

    assert services.exports_sweep() == [lost.pk]

    lost.refresh_from_db()
    alive.refresh_from_db()
    assert (lost.status, lost.error) == (
        "failed", "The worker rendering it (render-1:77) stopped responding. Start it again.")
    assert (alive.status, alive.error) == ("running", "")


@pytest.mark.django_db(transaction=True)
def test_the_export_worker_command_runs_a_queued_export_then_exits(cut, django_capture_on_commit_callbacks):
    uploaded(cut.shots[0])
    with django_capture_on_commit_callbacks(execute=True):
        export = start(cut)
    out = io.StringIO()

    call_command("export_worker", "--batch", "--worker-id", "test-worker", stdout=out)

    export.refresh_from_db()
    assert (export.status, export.worker) == ("succeeded", "test-worker")
    assert out.getvalue().startswith("export worker test-worker started")


def test_the_export_worker_command_refuses_a_negative_interval(db):
    with pytest.raises(CommandError, match=r"^--interval cannot be negative\.$"):
        call_command("export_worker", "--interval", "-1", "--batch")
