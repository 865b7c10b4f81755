"""The admin: every model is there with its list columns, and admin edits bump versions."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from studio.renders import services as render_services
from studio.renders.models import Take
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
    render_services.job_submit(actor=team.owner, shot=shot, width=64, height=64)
    render_services.take_upload(actor=team.owner, shot=shot, upload=factories.image_upload())
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
    takes = [render_services.take_upload(actor=team.owner, shot=shot, upload=factories.image_upload())
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
