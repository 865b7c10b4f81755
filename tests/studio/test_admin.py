"""The admin: every model is there with its list columns, admin edits bump versions, and jobs and takes are
read-only there, changed only by actions that call their services."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from studio.renders.models import GenerationJob, Take
from studio.renders.services import jobs as job_services
from studio.renders.services import takes as take_services
from studio.renders.services.jobs import JobOrder
from studio.screenplay import services as script_services
from studio.screenplay.models import Scene
from studio.shots import assets, layouts
from studio.shots.layout import empty_layout
from studio.shots.models import Shot
from tests import factories

STUDIO_APPS = ("accounts", "projects", "screenplay", "cast", "shots", "live", "renders")


@pytest.mark.parametrize(
    "model", [m for label in STUDIO_APPS for m in apps.get_app_config(label).get_models()],
    ids=lambda m: m._meta.label,
)
def test_every_model_is_in_the_admin_with_columns_and_search(model):
    model_admin = admin.site._registry[model]

    assert len(model_admin.list_display) >= 4
    assert model_admin.search_fields


@pytest.fixture
def staff_client(db):
    client = Client()
    client.force_login(factories.make_user("admin", is_staff=True, is_superuser=True))
    return client


def test_every_admin_list_and_change_page_renders(staff_client, team):
    scene = factories.make_scene(team.project)
    factories.make_reference(factories.make_character(team.project, name="Elin"))
    shot = factories.make_shot(scene)
    job_services.job_submit(actor=team.owner, shot=shot, order=JobOrder(width=64, height=64))
    take_services.take_upload(actor=team.owner, shot=shot, upload=factories.image_upload())
    layouts.layout_save(actor=team.owner, shot=shot, data=empty_layout(focal_mm=50), base_version=0)
    assets.asset_upload(actor=team.owner, project=team.project,
                        upload=SimpleUploadedFile("set.gltf", b'{"asset": {"version": "2.0"}}'))

    for model in [m for label in STUDIO_APPS for m in apps.get_app_config(label).get_models()]:
        base = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
        assert staff_client.get(base).status_code == 200, base
        first = model.objects.first()
        if first is not None:
            assert staff_client.get(f"{base}{first.pk}/change/").status_code == 200, base


def test_an_admin_edit_bumps_the_shot_version_so_a_stale_editor_is_refused(staff_client, team, api):
    shot = factories.make_shot(factories.make_scene(team.project), description="Wide")
    form = {
        "project": team.project.pk, "scene": shot.scene_id, "number": "1A", "order": 0, "size": "CU",
        "angle": "eye_level", "movement": "static", "lens_mm": 35, "duration": "3.00",
        "description": "Fixed in the admin", "dialogue": "", "status": "draft",
    }

    response = staff_client.post(f"/admin/shots/shot/{shot.pk}/change/", form)
    stale = api(team.artist).patch(f"/api/v1/projects/{team.project.pk}/shots/{shot.pk}/",
                                   {"description": "Overwrite"}, format="json", HTTP_IF_MATCH='"1"')

    assert response.status_code == 302
    shot.refresh_from_db()
    assert (shot.description, shot.size, shot.version) == ("Fixed in the admin", "CU", 2)
    assert stale.status_code == 412
    assert Shot.objects.get(pk=shot.pk).description == "Fixed in the admin"


def test_the_admin_approves_takes_in_bulk_as_the_reviewer_it_is(staff_client, team):
    factories.add_member(team.project, "reviewer", get_admin())
    shot = factories.make_shot(factories.make_scene(team.project))
    takes = [take_services.take_upload(actor=team.owner, shot=shot, upload=factories.image_upload())
             for _ in range(2)]

    response = staff_client.post("/admin/renders/take/",
                                 {"action": "approve", "_selected_action": [t.pk for t in takes]})

    assert response.status_code == 302
    assert list(Take.objects.order_by("number").values_list("review", "reviewed_by__username")) == [
        ("approved", "admin"), ("approved", "admin")]


def get_admin():
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username="admin")


def test_an_admin_edit_of_a_shot_is_published_like_any_edit(staff_client, team, published):
    shot = factories.make_shot(factories.make_scene(team.project), description="Wide")
    form = {"number": "1A", "size": "CU", "angle": "eye_level", "movement": "static", "lens_mm": 35,
            "duration": "3.00", "description": "Fixed in the admin", "dialogue": "", "status": "draft"}

    with published(team.project) as sent:
        response = staff_client.post(f"/admin/shots/shot/{shot.pk}/change/", form)

    assert response.status_code == 302
    assert [(e["type"], e["actor"]["username"], e["data"]["changed"]) for e in sent] == [
        ("shot.updated", "admin", ["size", "description"])]
    assert (sent[0]["data"]["shot"]["description"], sent[0]["data"]["shot"]["version"]) == ("Fixed in the admin", 2)


def test_an_admin_delete_of_a_shot_is_published(staff_client, team, published):
    shot = factories.make_shot(factories.make_scene(team.project))

    with published(team.project) as sent:
        response = staff_client.post(f"/admin/shots/shot/{shot.pk}/delete/", {"post": "yes"})

    assert response.status_code == 302
    assert not Shot.objects.filter(pk=shot.pk).exists()
    assert [(e["type"], e["data"]) for e in sent] == [
        ("shot.deleted", {"id": shot.pk, "scene": shot.scene_id, "number": shot.number})]


def test_a_role_changed_in_the_admin_is_published_with_the_role_before(staff_client, team, published):
    membership = team.project.memberships.get(user=team.writer)

    with published(team.project) as sent:
        response = staff_client.post(f"/admin/projects/membership/{membership.pk}/change/", {"role": "director"})

    assert response.status_code == 302
    assert [(e["type"], e["data"]["member"]["role"], e["data"]["previous_role"]) for e in sent] == [
        ("member.updated", "director", "writer")]


def test_a_scene_from_the_script_keeps_its_heading_from_the_script_in_the_admin(staff_client, team, snapshot):
    script = team.project.scripts.get()
    script_services.script_update(actor=team.owner, script=script,
                                  changes={"fountain": "INT. LAMP ROOM - NIGHT\n\nElin trims the wick.\n"})
    scene = Scene.objects.get(script=script)
    before = snapshot()

    response = staff_client.post(f"/admin/screenplay/scene/{scene.pk}/change/",
                                 {"location": "ELSEWHERE", "synopsis": ""})
    bulk = staff_client.post("/admin/screenplay/scene/", {"action": "delete_selected", "post": "yes",
                                                          "_selected_action": [scene.pk]})

    assert (response.status_code, bulk.status_code) == (302, 403)  # the heading is read-only; no delete
    scene.refresh_from_db()
    assert (scene.location, scene.version) == ("LAMP ROOM", 1)  # nothing changed: no version, no event
    assert snapshot() == before


def test_the_admin_cannot_rewrite_a_scripts_text_or_the_history(staff_client, team):
    script = team.project.scripts.get()

    change = staff_client.get(f"/admin/screenplay/script/{script.pk}/change/")

    assert change.status_code == 200
    assert 'name="fountain"' not in change.content.decode()
    assert staff_client.get("/admin/screenplay/scriptupdate/add/").status_code == 403
    assert staff_client.get("/admin/shots/layoutversion/add/").status_code == 403


@pytest.fixture
def queued_job(team):
    shot = factories.make_shot(factories.make_scene(team.project))
    return job_services.job_submit(actor=team.owner, shot=shot, order=JobOrder(width=64, height=64))


def test_a_job_cannot_be_edited_added_or_deleted_in_the_admin(staff_client, queued_job, snapshot):
    base = "/admin/renders/generationjob/"
    before = snapshot()

    change = staff_client.post(f"{base}{queued_job.pk}/change/", {
        "status": "succeeded", "worker": "by-hand", "lease_expires_at_0": "2030-01-01", "lease_expires_at_1": "00:00",
        "step": 99, "total_steps": 99, "attempts": 0, "max_attempts": 3, "kind": "frame", "model": "sd-tiny",
        "request": "{}", "project": queued_job.project_id, "shot": queued_job.shot_id,
    })
    add = staff_client.post(f"{base}add/", {"status": "queued"})
    delete = staff_client.post(f"{base}{queued_job.pk}/delete/", {"post": "yes"})
    bulk_delete = staff_client.post(base, {"action": "delete_selected", "_selected_action": [queued_job.pk],
                                           "post": "yes"})

    assert (change.status_code, add.status_code, delete.status_code, bulk_delete.status_code) == (403, 403, 403, 302)
    assert snapshot() == before
    page = staff_client.get(f"{base}{queued_job.pk}/change/")
    listing = staff_client.get(base)
    assert page.status_code == 200
    assert b'name="status"' not in page.content  # shown, not a field
    assert [value for value, _label in listing.context["action_form"].fields["action"].choices] == [
        "", "cancel", "retry"]


def test_a_take_cannot_be_edited_in_the_admin(staff_client, team, snapshot):
    shot = factories.make_shot(factories.make_scene(team.project))
    take = take_services.take_upload(actor=team.owner, shot=shot, upload=factories.image_upload())
    before = snapshot()

    response = staff_client.post(f"/admin/renders/take/{take.pk}/change/", {"review": "approved", "number": 7})

    assert response.status_code == 403
    assert snapshot() == before


def test_the_admin_cancels_and_retries_jobs_through_the_services(staff_client, team, queued_job, published):
    factories.add_member(team.project, "director", get_admin())
    base = "/admin/renders/generationjob/"

    with published(team.project) as canceled:
        response = staff_client.post(base, {"action": "cancel", "_selected_action": [queued_job.pk]}, follow=True)
    with published(team.project) as retried:
        again = staff_client.post(base, {"action": "retry", "_selected_action": [queued_job.pk]}, follow=True)

    assert [str(m) for m in response.context["messages"]] == ["1 generation job canceled."]
    queued_job.refresh_from_db()
    retry = GenerationJob.objects.get(retry_of=queued_job)
    assert (queued_job.status, queued_job.version, retry.status, retry.requester.username) == (
        "canceled", 2, "queued", "admin")
    assert [(e["type"], e["actor"]["username"], e["data"]["job"]["id"]) for e in canceled] == [
        ("job.canceled", "admin", queued_job.pk)]
    assert [(e["type"], e["actor"]["username"], e["data"]["job"]["id"], e["data"]["job"]["retry_of"])
            for e in retried] == [("job.queued", "admin", retry.pk, queued_job.pk)]
    assert [str(m) for m in again.context["messages"]] == ["1 generation job retried."]


REFUSED = ("Only a project's owner, director or artist may generate frames and clips, and cancel or retry "
           "generation jobs.")


def test_an_admin_action_the_services_refuse_says_why_and_changes_nothing(staff_client, team, queued_job, snapshot):
    base = "/admin/renders/generationjob/"
    factories.add_member(team.project, "viewer", get_admin())
    before = snapshot()

    cancel = staff_client.post(base, {"action": "cancel", "_selected_action": [queued_job.pk]}, follow=True)
    retry = staff_client.post(base, {"action": "retry", "_selected_action": [queued_job.pk]}, follow=True)

    assert snapshot() == before
    assert [str(m) for m in cancel.context["messages"]] == [
        f"{queued_job}: {REFUSED}", "0 generation jobs canceled."]
    assert [str(m) for m in retry.context["messages"]] == [
        f"{queued_job}: {REFUSED}", "0 generation jobs retried."]


def test_the_admin_rejects_a_take_and_everyone_hears_it(staff_client, team, published):
    factories.add_member(team.project, "reviewer", get_admin())
    take = take_services.take_upload(actor=team.owner, shot=factories.make_shot(factories.make_scene(team.project)),
                                     upload=factories.image_upload())

    with published(team.project) as sent:
        response = staff_client.post("/admin/renders/take/", {"action": "reject", "_selected_action": [take.pk]})

    assert response.status_code == 302
    take.refresh_from_db()
    assert (take.review, take.version, take.reviewed_by.username) == ("rejected", 2, "admin")
    assert [(e["type"], e["data"]["take"]["review"], e["data"]["take"]["version"]) for e in sent] == [
        ("take.updated", "rejected", 2)]


def test_staff_who_are_not_on_the_project_cannot_act_on_its_jobs(staff_client, queued_job, snapshot):
    before = snapshot()

    response = staff_client.post("/admin/renders/generationjob/",
                                 {"action": "cancel", "_selected_action": [queued_job.pk]}, follow=True)

    assert snapshot() == before
    assert [str(m) for m in response.context["messages"]] == [
        f"{queued_job}: you are not a member of its project.", "0 generation jobs canceled."]
