"""Every API endpoint × every role × the member's own project and someone else's.

A member gets the endpoint's success status when their role holds the
capability and 403 otherwise; on a project they are not on they get 404; a
refused request changes nothing in the database.

The two projects are built once for the module, in a transaction that is rolled back after its last test;
each test runs in a savepoint inside it (pytest-django's ``db``), so what a request writes is undone before
the next one, and each test gets its own copy of the projects' files.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import override_settings

from studio.cast.models import Character
from studio.deliverables import editorial
from studio.deliverables import selectors as deliverable_selectors
from studio.deliverables import services as export_services
from studio.projects.permissions import CAPABILITIES, Capability, Role
from studio.renders.models import GenerationJob
from studio.renders.services import jobs as job_services
from studio.renders.services import takes as take_services
from studio.renders.services.jobs import JobOrder
from studio.screenplay import services as script_services
from studio.shots import assets as shot_assets
from studio.shots import layouts
from studio.shots.layout import empty_layout
from studio.shots.models import Shot
from tests import factories
from tests.conftest import db_state


class World:
    """A project with one member of every role and one of everything (built once per module, see below)."""

    def __init__(self, title: str):
        self.owner = factories.make_user(f"{title}_owner")
        self.project = factories.make_project(owner=self.owner, title=title)
        self.members = {Role.OWNER: self.owner}
        for role in Role:
            if role != Role.OWNER:
                self.members[role] = factories.add_member(self.project, role, factories.make_user(f"{title}_{role}"))
        self.extra = factories.add_member(self.project, Role.VIEWER, factories.make_user(f"{title}_extra"))
        self.extra_membership = self.project.memberships.get(user=self.extra)
        self.viewer_membership = self.project.memberships.get(user=self.members[Role.VIEWER])
        self.script = self.project.scripts.get()
        self.spare_script = factories.make_script(self.project, title="Spare")
        self.scene = factories.make_scene(self.project, location="Lamp room")
        self.empty_scene = factories.make_scene(self.project, location="Cellar")
        self.character = factories.make_character(self.project, name="Elin")
        self.reference = factories.make_reference(self.character)
        self.shot = factories.make_shot(self.scene, characters=[self.character.pk])
        self.second_shot = factories.make_shot(self.scene)
        self.review_shot = factories.make_shot(self.scene, status=Shot.Status.IN_REVIEW)
        self.invitee = factories.make_user(f"{title}_invitee")
        # a cue in the script that names no one: a suggested character
        script_services.script_update(actor=self.owner, script=self.spare_script,
                                      changes={"fountain": "INT. BOAT - DAY\n\nTOMAS\nAhoy.\n"})
        self.suggested = Character.objects.get(project=self.project, suggested=True)
        self.revision = script_services.revision_create(actor=self.owner, script=self.script, name="First draft")
        self.job = job_services.job_submit(actor=self.owner, shot=self.shot, order=JobOrder(width=64, height=64))
        self.failed_job = job_services.job_submit(actor=self.owner, shot=self.shot, order=JobOrder(width=64, height=64))
        GenerationJob.objects.filter(pk=self.failed_job.pk).update(status=GenerationJob.Status.FAILED, error="Boom")
        self.take = take_services.take_upload(actor=self.owner, shot=self.shot, upload=factories.image_upload())
        layouts.layout_save(actor=self.owner, shot=self.shot, data=empty_layout(focal_mm=35), base_version=0)
        self.asset = shot_assets.asset_upload(actor=self.owner, project=self.project, upload=SimpleUploadedFile(
            "set.gltf", b'{"asset": {"version": "2.0"}}'))
        self.capture = take_services.take_capture(actor=self.owner, shot=self.shot, image=factories.image_upload(),
                                                    depth=factories.image_upload(), layout_version=1)
        # an export waiting for the worker, and one that succeeded, with a file beside its main one
        self.queued_export = export_services.export_start(actor=self.owner, project=self.project, kind="otioz")
        self.done_export = export_services.export_start(actor=self.owner, project=self.project, kind="otioz")
        export_services.export_claim(export_id=self.done_export.pk, worker="matrix")
        folder = f"exports/{self.project.pk}/matrix"
        export_services.export_finish(
            export_id=self.done_export.pk, status="succeeded", size=5,
            file_name=default_storage.save(f"{folder}/board.otioz", ContentFile(b"otioz")),
            extra_files={"vtt": default_storage.save(f"{folder}/board.vtt", ContentFile(b"WEBVTT\n"))})

    @property
    def p(self) -> str:
        return f"/api/v1/projects/{self.project.pk}/"

    @property
    def files(self) -> str:
        """Where the apps serve their files to members (``cast.files``, ``shots.files``, ``renders.files``)."""
        return f"/projects/{self.project.pk}/media/"


@dataclass(frozen=True)
class Endpoint:
    name: str
    method: str
    path: Callable[[World], str]
    capability: Capability
    status: int
    body: Callable[[World], dict] | None = None
    version: Callable[[World], int] | None = None
    multipart: bool = False
    extra: dict = field(default_factory=dict)

    def call(self, client, world: World):
        kwargs = {}
        if self.body is not None:
            kwargs["data"] = self.body(world)
            kwargs["format"] = "multipart" if self.multipart else "json"
        if self.version is not None:
            kwargs["HTTP_IF_MATCH"] = f'"{self.version(world)}"'
        return getattr(client, self.method)(self.path(world), **kwargs)


V = Capability
ENDPOINTS = [
    Endpoint("project detail", "get", lambda w: w.p, V.VIEW, 200),
    Endpoint("project edit", "patch", lambda w: w.p, V.EDIT_PROJECT, 200, body=lambda w: {"logline": "New"}),
    Endpoint("project delete", "delete", lambda w: w.p, V.DELETE_PROJECT, 204),
    Endpoint("member list", "get", lambda w: w.p + "members/", V.VIEW, 200),
    Endpoint("member invite", "post", lambda w: w.p + "members/", V.MANAGE_MEMBERS, 201,
             body=lambda w: {"username": w.invitee.username, "role": "artist"}),
    Endpoint("member detail", "get", lambda w: w.p + f"members/{w.extra_membership.pk}/", V.VIEW, 200),
    Endpoint("member role", "patch", lambda w: w.p + f"members/{w.extra_membership.pk}/", V.MANAGE_MEMBERS, 200,
             body=lambda w: {"role": "reviewer"}),
    Endpoint("member remove", "delete", lambda w: w.p + f"members/{w.extra_membership.pk}/", V.MANAGE_MEMBERS, 204),
    Endpoint("character list", "get", lambda w: w.p + "characters/", V.VIEW, 200),
    Endpoint("character create", "post", lambda w: w.p + "characters/", V.EDIT_CAST, 201,
             body=lambda w: {"name": "Vik"}),
    Endpoint("character detail", "get", lambda w: w.p + f"characters/{w.character.pk}/", V.VIEW, 200),
    Endpoint("character edit", "patch", lambda w: w.p + f"characters/{w.character.pk}/", V.EDIT_CAST, 200,
             body=lambda w: {"description": "Keeper"}, version=lambda w: w.character.version),
    Endpoint("character delete", "delete", lambda w: w.p + f"characters/{w.character.pk}/", V.EDIT_CAST, 204,
             version=lambda w: w.character.version),
    Endpoint("character confirm", "post", lambda w: w.p + f"characters/{w.suggested.pk}/confirm/", V.EDIT_CAST, 200),
    Endpoint("character dismiss", "post", lambda w: w.p + f"characters/{w.suggested.pk}/dismiss/", V.EDIT_CAST, 204),
    Endpoint("reference list", "get", lambda w: w.p + f"characters/{w.character.pk}/references/", V.VIEW, 200),
    Endpoint("reference upload", "post", lambda w: w.p + f"characters/{w.character.pk}/references/", V.EDIT_CAST,
             201, body=lambda w: {"image": factories.image_upload()}, multipart=True),
    Endpoint("reference detail", "get",
             lambda w: w.p + f"characters/{w.character.pk}/references/{w.reference.pk}/", V.VIEW, 200),
    Endpoint("reference delete", "delete",
             lambda w: w.p + f"characters/{w.character.pk}/references/{w.reference.pk}/", V.EDIT_CAST, 204),
    Endpoint("reference image", "get", lambda w: w.files + f"references/{w.reference.pk}/", V.VIEW, 200),
    Endpoint("reference thumbnail", "get", lambda w: w.files + f"references/{w.reference.pk}/thumb/", V.VIEW, 200),
    Endpoint("script list", "get", lambda w: w.p + "scripts/", V.VIEW, 200),
    Endpoint("script create", "post", lambda w: w.p + "scripts/", V.EDIT_SCRIPT, 201,
             body=lambda w: {"title": "Episode 2"}),
    Endpoint("script detail", "get", lambda w: w.p + f"scripts/{w.script.pk}/", V.VIEW, 200),
    Endpoint("script edit", "patch", lambda w: w.p + f"scripts/{w.script.pk}/", V.EDIT_SCRIPT, 200,
             body=lambda w: {"fountain": "INT. HOUSE - DAY"}),
    Endpoint("script delete", "delete", lambda w: w.p + f"scripts/{w.spare_script.pk}/", V.EDIT_SCRIPT, 204),
    Endpoint("revision list", "get", lambda w: w.p + f"scripts/{w.script.pk}/revisions/", V.VIEW, 200),
    Endpoint("revision create", "post", lambda w: w.p + f"scripts/{w.script.pk}/revisions/", V.EDIT_SCRIPT, 201,
             body=lambda w: {"name": "Blue revision", "color": "blue"}),
    Endpoint("revision detail", "get", lambda w: w.p + f"scripts/{w.script.pk}/revisions/{w.revision.pk}/", V.VIEW,
             200),
    Endpoint("revision delete", "delete", lambda w: w.p + f"scripts/{w.script.pk}/revisions/{w.revision.pk}/",
             V.EDIT_SCRIPT, 204),
    Endpoint("revision restore", "post",
             lambda w: w.p + f"scripts/{w.script.pk}/revisions/{w.revision.pk}/restore/", V.EDIT_SCRIPT, 200),
    Endpoint("script compare", "get",
             lambda w: w.p + f"scripts/{w.script.pk}/compare/?from={w.revision.pk}&to=now", V.VIEW, 200),
    Endpoint("script export", "get", lambda w: w.p + f"scripts/{w.spare_script.pk}/export/?as=fdx", V.VIEW, 200),
    Endpoint("script import", "post", lambda w: w.p + "scripts/import/", V.EDIT_SCRIPT, 201, multipart=True,
             body=lambda w: {"file": SimpleUploadedFile("pilot.fountain", b"INT. DINER - NIGHT\n\nRain.\n")}),
    Endpoint("scene list", "get", lambda w: w.p + "scenes/", V.VIEW, 200),
    Endpoint("scene create", "post", lambda w: w.p + "scenes/", V.EDIT_SCRIPT, 201,
             body=lambda w: {"script": w.script.pk, "location": "Boat"}),
    Endpoint("scene detail", "get", lambda w: w.p + f"scenes/{w.scene.pk}/", V.VIEW, 200),
    Endpoint("scene edit", "patch", lambda w: w.p + f"scenes/{w.scene.pk}/", V.EDIT_SCRIPT, 200,
             body=lambda w: {"time_of_day": "DAWN"}, version=lambda w: w.scene.version),
    Endpoint("scene delete", "delete", lambda w: w.p + f"scenes/{w.empty_scene.pk}/", V.EDIT_SCRIPT, 204,
             version=lambda w: w.empty_scene.version),
    Endpoint("scene reorder", "post", lambda w: w.p + "scenes/reorder/", V.EDIT_SCRIPT, 200,
             body=lambda w: {"script": w.script.pk, "scenes": [w.empty_scene.pk, w.scene.pk]}),
    Endpoint("shot list", "get", lambda w: w.p + "shots/", V.VIEW, 200),
    Endpoint("shot create", "post", lambda w: w.p + "shots/", V.EDIT_SHOTS, 201,
             body=lambda w: {"scene": w.scene.pk, "size": "CU"}),
    Endpoint("shot detail", "get", lambda w: w.p + f"shots/{w.shot.pk}/", V.VIEW, 200),
    Endpoint("shot edit", "patch", lambda w: w.p + f"shots/{w.shot.pk}/", V.EDIT_SHOTS, 200,
             body=lambda w: {"description": "Closer"}, version=lambda w: w.shot.version),
    Endpoint("shot approve", "patch", lambda w: w.p + f"shots/{w.review_shot.pk}/", V.REVIEW, 200,
             body=lambda w: {"status": "approved"}, version=lambda w: w.review_shot.version),
    Endpoint("shot delete", "delete", lambda w: w.p + f"shots/{w.shot.pk}/", V.EDIT_SHOTS, 204,
             version=lambda w: w.shot.version),
    Endpoint("shot reorder", "post", lambda w: w.p + "shots/reorder/", V.EDIT_SHOTS, 200,
             body=lambda w: {"scene": w.scene.pk, "shots": [w.second_shot.pk, w.shot.pk, w.review_shot.pk]}),
    Endpoint("layout detail", "get", lambda w: w.p + f"shots/{w.shot.pk}/layout/", V.VIEW, 200),
    Endpoint("layout save", "put", lambda w: w.p + f"shots/{w.shot.pk}/layout/", V.EDIT_SHOTS, 200,
             body=lambda w: {"layout": empty_layout(focal_mm=50)}, version=lambda w: 1),
    Endpoint("asset list", "get", lambda w: w.p + "assets/", V.VIEW, 200),
    Endpoint("asset import", "post", lambda w: w.p + "assets/", V.EDIT_SHOTS, 201, multipart=True,
             body=lambda w: {"file": SimpleUploadedFile("set.gltf", b'{"asset": {"version": "2.0"}}')}),
    Endpoint("asset detail", "get", lambda w: w.p + f"assets/{w.asset.pk}/", V.VIEW, 200),
    Endpoint("asset file", "get", lambda w: w.files + f"assets/{w.asset.pk}/", V.VIEW, 200),
    Endpoint("shot prompt", "get", lambda w: w.p + f"shots/{w.shot.pk}/prompt/", V.VIEW, 200),
    Endpoint("model list", "get", lambda w: w.p + "models/", V.VIEW, 200),
    Endpoint("model tokens", "post", lambda w: w.p + "models/sd-tiny/tokens/", V.VIEW, 200,
             body=lambda w: {"prompt": "a lighthouse"}),
    Endpoint("job list", "get", lambda w: w.p + "jobs/", V.VIEW, 200),
    Endpoint("job submit", "post", lambda w: w.p + "jobs/", V.GENERATE, 201,
             body=lambda w: {"shot": w.shot.pk, "width": 64, "height": 64}),
    Endpoint("job detail", "get", lambda w: w.p + f"jobs/{w.job.pk}/", V.VIEW, 200),
    Endpoint("job cancel", "post", lambda w: w.p + f"jobs/{w.job.pk}/cancel/", V.GENERATE, 200),
    Endpoint("job retry", "post", lambda w: w.p + f"jobs/{w.failed_job.pk}/retry/", V.GENERATE, 201),
    Endpoint("take list", "get", lambda w: w.p + "takes/", V.VIEW, 200),
    Endpoint("take upload", "post", lambda w: w.p + "takes/", V.EDIT_SHOTS, 201, multipart=True,
             body=lambda w: {"shot": w.shot.pk, "file": factories.image_upload("board.png")}),
    Endpoint("take detail", "get", lambda w: w.p + f"takes/{w.take.pk}/", V.VIEW, 200),
    Endpoint("take capture", "post", lambda w: w.p + "takes/capture/", V.EDIT_SHOTS, 201, multipart=True,
             body=lambda w: {"shot": w.shot.pk, "image": factories.image_upload("c.png"),
                             "depth": factories.image_upload("d.png"), "layout_version": 1}),
    Endpoint("take animatic", "post", lambda w: w.p + "takes/animatic/", V.EDIT_SHOTS, 201, multipart=True,
             body=lambda w: {"shot": w.shot.pk, "frames": [factories.image_upload("a.png"),
                                                           factories.image_upload("b.png")],
                             "fps": 12, "layout_version": 1}),
    Endpoint("take depth", "get", lambda w: w.p + f"takes/{w.capture.pk}/depth/", V.VIEW, 200),
    Endpoint("take page depth", "get", lambda w: w.files + f"takes/{w.capture.pk}/depth/", V.VIEW, 200),
    Endpoint("take review", "post", lambda w: w.p + f"takes/{w.take.pk}/review/", V.REVIEW, 200,
             body=lambda w: {"decision": "approved"}),
    Endpoint("take media", "get", lambda w: w.p + f"takes/{w.take.pk}/media/", V.VIEW, 200),
    Endpoint("take thumbnail", "get", lambda w: w.p + f"takes/{w.take.pk}/thumbnail/", V.VIEW, 200),
    Endpoint("take page media", "get", lambda w: w.files + f"takes/{w.take.pk}/", V.VIEW, 200),
    Endpoint("take page thumbnail", "get", lambda w: w.files + f"takes/{w.take.pk}/thumb/", V.VIEW, 200),
    Endpoint("take pick", "post", lambda w: w.p + f"takes/{w.take.pk}/pick/", V.EDIT_SHOTS, 200,
             body=lambda w: {"picked": True}),
    Endpoint("storyboard", "get", lambda w: w.p + "storyboard/", V.VIEW, 200),
    Endpoint("export list", "get", lambda w: w.p + "exports/", V.VIEW, 200),
    Endpoint("export start", "post", lambda w: w.p + "exports/", V.EXPORT, 202, body=lambda w: {"kind": "otioz"}),
    Endpoint("export detail", "get", lambda w: w.p + f"exports/{w.done_export.pk}/", V.VIEW, 200),
    Endpoint("export cancel", "post", lambda w: w.p + f"exports/{w.queued_export.pk}/cancel/", V.EXPORT, 200),
    Endpoint("export file", "get", lambda w: w.p + f"exports/{w.done_export.pk}/file/", V.VIEW, 200),
    Endpoint("export page file", "get", lambda w: w.files + f"exports/{w.done_export.pk}/", V.VIEW, 200),
    Endpoint("export page extra", "get", lambda w: w.files + f"exports/{w.done_export.pk}/vtt/", V.VIEW, 200),
    Endpoint("download", "get", lambda w: w.p + "downloads/cut.otio", V.VIEW, 200),
    Endpoint("retime read", "post", lambda w: w.p + "editorial/retime/", V.EDIT_SHOTS, 200, multipart=True,
             body=lambda w: {"file": SimpleUploadedFile("cut.otio", editorial.download(
                 deliverable_selectors.sequence_of(project=w.project), "cut.otio")[0])}),
    Endpoint("retime apply", "post", lambda w: w.p + "editorial/retime/apply/", V.EDIT_SHOTS, 200,
             body=lambda w: {"changes": [{"shot": w.second_shot.pk, "duration": "4.50",
                                          "version": Shot.objects.get(pk=w.second_shot.pk).version}]}),
]


@pytest.fixture(scope="module")
def built_worlds(django_db_setup, django_db_blocker, tmp_path_factory):
    """Both worlds and the folder of their files, written once in a transaction that outlives the module's tests
    (each test's ``db`` savepoint nests inside it) and is rolled back after the last one."""
    media = tmp_path_factory.mktemp("matrix-media")
    outer = transaction.atomic()
    with django_db_blocker.unblock():
        outer.__enter__()
        try:
            with override_settings(MEDIA_ROOT=media,
                                   PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
                worlds = World("home"), World("away")
        except BaseException:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            raise
    yield worlds, media
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)


@pytest.fixture
def worlds(built_worlds, db, settings):
    """The module's two worlds, as they were built: the database is (the savepoint of ``db``), and the test
    gets a fresh copy of their files in its own MEDIA_ROOT, so a request that deletes one takes it from this
    test only."""
    worlds, media = built_worlds
    shutil.copytree(media, settings.MEDIA_ROOT, dirs_exist_ok=True)
    return worlds


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda e: e.name)
@pytest.mark.parametrize("role", list(Role), ids=str)
def test_member_gets_what_their_role_allows(endpoint, role, worlds, api):
    home, _ = worlds
    client = api(home.members[role])
    allowed = role in CAPABILITIES[endpoint.capability]
    before = db_state()

    response = endpoint.call(client, home)

    if allowed:
        assert response.status_code == endpoint.status, response.content
    else:
        assert response.status_code == 403, response.content
        assert db_state() == before


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda e: e.name)
@pytest.mark.parametrize("role", list(Role), ids=str)
def test_member_of_another_project_gets_404_and_changes_nothing(endpoint, role, worlds, api):
    home, away = worlds
    client = api(home.members[role])
    before = db_state()

    response = endpoint.call(client, away)

    assert response.status_code == 404, response.content
    assert db_state() == before


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda e: e.name)
def test_anonymous_gets_401_or_login_and_changes_nothing(endpoint, worlds, api):
    home, _ = worlds
    before = db_state()

    response = endpoint.call(api(None), home)

    if response.request["PATH_INFO"].startswith("/api/"):
        assert response.status_code == 401
        assert response.headers["WWW-Authenticate"] == 'Token'
    else:
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/login/?next=")
    assert db_state() == before


def test_every_api_route_is_in_the_matrix():
    """A new endpoint must be added to the matrix above."""
    from django.urls import get_resolver

    api_routes = {
        str(p.pattern) for p in get_resolver().url_patterns if str(p.pattern) == "api/v1/"
        for p in p.url_patterns
    }
    covered_names = {e.name for e in ENDPOINTS}
    # route name → the endpoint names (one per method) that cover it
    expected = {
        "projects/<id:pk>/": {"project detail", "project edit", "project delete"},
        "projects/<id:project_id>/members/": {"member list", "member invite"},
        "projects/<id:project_id>/members/<id:pk>/": {"member detail", "member role", "member remove"},
        "projects/<id:project_id>/characters/": {"character list", "character create"},
        "projects/<id:project_id>/characters/<id:pk>/": {"character detail", "character edit", "character delete"},
        "projects/<id:project_id>/characters/<id:pk>/confirm/": {"character confirm"},
        "projects/<id:project_id>/characters/<id:pk>/dismiss/": {"character dismiss"},
        "projects/<id:project_id>/characters/<id:character_id>/references/": {"reference list", "reference upload"},
        "projects/<id:project_id>/characters/<id:character_id>/references/<id:pk>/": {
            "reference detail", "reference delete"},
        "projects/<id:project_id>/scripts/": {"script list", "script create"},
        "projects/<id:project_id>/scripts/<id:pk>/": {"script detail", "script edit", "script delete"},
        "projects/<id:project_id>/scripts/import/": {"script import"},
        "projects/<id:project_id>/scripts/<id:script_id>/compare/": {"script compare"},
        "projects/<id:project_id>/scripts/<id:script_id>/export/": {"script export"},
        "projects/<id:project_id>/scripts/<id:script_id>/revisions/": {"revision list", "revision create"},
        "projects/<id:project_id>/scripts/<id:script_id>/revisions/<id:pk>/": {"revision detail",
                                                                                   "revision delete"},
        "projects/<id:project_id>/scripts/<id:script_id>/revisions/<id:pk>/restore/": {"revision restore"},
        "projects/<id:project_id>/scenes/": {"scene list", "scene create"},
        "projects/<id:project_id>/scenes/reorder/": {"scene reorder"},
        "projects/<id:project_id>/scenes/<id:pk>/": {"scene detail", "scene edit", "scene delete"},
        "projects/<id:project_id>/shots/": {"shot list", "shot create"},
        "projects/<id:project_id>/shots/reorder/": {"shot reorder"},
        "projects/<id:project_id>/shots/<id:pk>/": {"shot detail", "shot edit", "shot approve", "shot delete"},
        "projects/<id:project_id>/shots/<id:shot_id>/layout/": {"layout detail", "layout save"},
        "projects/<id:project_id>/shots/<id:shot_id>/prompt/": {"shot prompt"},
        "projects/<id:project_id>/models/": {"model list"},
        "projects/<id:project_id>/models/<str:name>/tokens/": {"model tokens"},
        "projects/<id:project_id>/assets/": {"asset list", "asset import"},
        "projects/<id:project_id>/assets/<id:pk>/": {"asset detail"},
        "projects/<id:project_id>/jobs/": {"job list", "job submit"},
        "projects/<id:project_id>/jobs/<id:pk>/": {"job detail"},
        "projects/<id:project_id>/jobs/<id:pk>/cancel/": {"job cancel"},
        "projects/<id:project_id>/jobs/<id:pk>/retry/": {"job retry"},
        "projects/<id:project_id>/takes/": {"take list", "take upload"},
        "projects/<id:project_id>/takes/<id:pk>/": {"take detail"},
        "projects/<id:project_id>/takes/capture/": {"take capture"},
        "projects/<id:project_id>/takes/animatic/": {"take animatic"},
        "projects/<id:project_id>/takes/<id:pk>/depth/": {"take depth"},
        "projects/<id:project_id>/takes/<id:pk>/review/": {"take review"},
        "projects/<id:project_id>/takes/<id:pk>/media/": {"take media"},
        "projects/<id:project_id>/takes/<id:pk>/thumbnail/": {"take thumbnail"},
        "projects/<id:project_id>/takes/<id:pk>/pick/": {"take pick"},
        "projects/<id:project_id>/storyboard/": {"storyboard"},
        "projects/<id:project_id>/exports/": {"export list", "export start"},
        "projects/<id:project_id>/exports/<id:pk>/": {"export detail"},
        "projects/<id:project_id>/exports/<id:pk>/cancel/": {"export cancel"},
        "projects/<id:project_id>/exports/<id:pk>/file/": {"export file"},
        "projects/<id:project_id>/downloads/<str:name>": {"download"},
        "projects/<id:project_id>/editorial/retime/": {"retime read"},
        "projects/<id:project_id>/editorial/retime/apply/": {"retime apply"},
    }
    not_project_scoped = {"me/", "auth/token/", "projects/"}
    assert api_routes - not_project_scoped == set(expected)
    assert set().union(*expected.values()) <= covered_names


def test_every_member_file_route_is_in_the_matrix():
    """The files the apps serve to members (``<app>/files.py``) are covered like the API."""
    from django.urls import get_resolver

    file_routes = {
        str(p.pattern) for include in get_resolver().url_patterns
        if getattr(include, "urlconf_name", None) is not None and str(include.pattern) == ""
        for p in include.url_patterns if "/media/" in str(p.pattern)
    }
    expected = {
        "projects/<id:project_id>/media/references/<id:pk>/": {"reference image"},
        "projects/<id:project_id>/media/references/<id:pk>/thumb/": {"reference thumbnail"},
        "projects/<id:project_id>/media/assets/<id:pk>/": {"asset file"},
        "projects/<id:project_id>/media/takes/<id:pk>/": {"take page media"},
        "projects/<id:project_id>/media/takes/<id:pk>/thumb/": {"take page thumbnail"},
        "projects/<id:project_id>/media/takes/<id:pk>/depth/": {"take page depth"},
        "projects/<id:project_id>/media/exports/<id:pk>/": {"export page file"},
        "projects/<id:project_id>/media/exports/<id:pk>/<slug:name>/": {"export page extra"},
    }
    assert file_routes == set(expected)
    assert set().union(*expected.values()) <= {e.name for e in ENDPOINTS}
