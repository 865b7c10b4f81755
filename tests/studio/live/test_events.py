"""Each live event type: the exact message a member receives, and that nobody outside the project does.

Every test connects a member of the project and a user of another project to
their project sockets, makes one change through a service, and reads what
each socket got.
"""

from __future__ import annotations

from contextlib import asynccontextmanager
from decimal import Decimal

import pytest

from studio.cast import services as cast_services
from studio.projects import services as project_services
from studio.projects.models import Membership
from studio.screenplay import services as screenplay_services
from studio.shots import services as shot_services
from tests import factories
from tests.sockets import close_code, joined, next_event

pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True)]

MAYA = {"username": "maya", "name": "Maya Okafor", "initials": "MO", "color": "#d6336c"}
RAVI = {"username": "ravi", "name": "Ravi Menon", "initials": "RM", "color": "#e4572e"}


class World:
    def __init__(self):
        self.maya = factories.make_user("maya", display_name="Maya Okafor")
        self.ravi = factories.make_user("ravi", display_name="Ravi Menon")
        self.otto = factories.make_user("otto", display_name="Otto Outsider")
        self.project = factories.make_project(owner=self.maya, title="The Lighthouse")
        factories.add_member(self.project, "artist", self.ravi)
        self.elsewhere = factories.make_project(owner=self.otto, title="Elsewhere")
        self.script = self.project.scripts.get()
        self.scene = factories.make_scene(self.project, location="Lamp room", time_of_day="night")
        self.character = factories.make_character(self.project, name="Elin", seed=1207, color="#e4572e")

    def actor(self, user) -> dict:
        return {"id": user.pk, **(MAYA if user == self.maya else RAVI)}


@pytest.fixture
def world(transactional_db):
    return World()


@asynccontextmanager
async def listening(world):
    """A member (Ravi) on the project and an outsider (Otto) on his own; both closed afterwards."""
    member = await joined(world.project.pk, world.ravi)
    outsider = await joined(world.elsewhere.pk, world.otto)
    await next_event(member, "presence.joined")
    await next_event(outsider, "presence.joined")
    try:
        yield member, outsider
    finally:
        await member.disconnect()
        await outsider.disconnect()


async def only_member_hears(world, run, change, *types):
    """Run ``change``; return the member's messages of the given types; the outsider must hear nothing."""
    async with listening(world) as (member, outsider):
        await run(change)
        messages = [await next_event(member, t) for t in types]
        assert await outsider.receive_nothing(timeout=0.3)
        return messages


def shot_data(shot, **overrides) -> dict:
    data = {
        "id": shot.pk, "scene": shot.scene_id, "number": shot.number, "order": shot.order, "size": shot.size,
        "angle": shot.angle, "movement": shot.movement, "lens_mm": shot.lens_mm, "duration": float(shot.duration),
        "description": shot.description, "dialogue": shot.dialogue,
        "characters": sorted(c.pk for c in shot.characters.all()), "status": shot.status, "version": shot.version,
    }
    return {**data, **overrides}


async def test_shot_created(world, run):
    created = {}

    def change():
        created["shot"] = shot_services.shot_create(
            actor=world.maya, scene=world.scene, size="CU", lens_mm=85, duration=Decimal("2.5"),
            description="Her eyes narrow.", characters=[world.character.pk],
        )

    [message] = await only_member_hears(world, run, change, "shot.created")

    assert message == {
        "type": "shot.created", "project": world.project.pk, "actor": world.actor(world.maya),
        "data": {"shot": {
            "id": created["shot"].pk, "scene": world.scene.pk, "number": "1A", "order": 0, "size": "CU",
            "angle": "eye_level", "movement": "static", "lens_mm": 85, "duration": 2.5,
            "description": "Her eyes narrow.", "dialogue": "", "characters": [world.character.pk],
            "status": "draft", "version": 1,
        }},
    }


async def test_shot_updated(world, run):
    shot = await run(factories.make_shot, world.scene, description="Wide")

    def change():
        shot_services.shot_update(actor=world.ravi, shot=shot, expected_version=1,
                                  changes={"description": "Closer", "size": "MCU", "lens_mm": 35})

    [message] = await only_member_hears(world, run, change, "shot.updated")

    assert message == {
        "type": "shot.updated", "project": world.project.pk, "actor": world.actor(world.ravi),
        "data": {"shot": {
            "id": shot.pk, "scene": world.scene.pk, "number": "1A", "order": 0, "size": "MCU",
            "angle": "eye_level", "movement": "static", "lens_mm": 35, "duration": 3.0, "description": "Closer",
            "dialogue": "", "characters": [], "status": "draft", "version": 2,
        }, "changed": ["size", "description"]},
    }


async def test_shot_deleted(world, run):
    shot = await run(factories.make_shot, world.scene)

    [message] = await only_member_hears(
        world, run, lambda: shot_services.shot_delete(actor=world.ravi, shot=shot, expected_version=1), "shot.deleted",
    )

    assert message == {
        "type": "shot.deleted", "project": world.project.pk, "actor": world.actor(world.ravi),
        "data": {"id": shot.pk, "scene": world.scene.pk, "number": "1A"},
    }


async def test_shots_reordered_within_a_scene(world, run):
    first = await run(factories.make_shot, world.scene)
    second = await run(factories.make_shot, world.scene)

    [message] = await only_member_hears(
        world, run, lambda: shot_services.shots_reorder(actor=world.ravi, scene=world.scene,
                                                        shot_ids=[second.pk, first.pk]),
        "shots.reordered",
    )

    assert message == {
        "type": "shots.reordered", "project": world.project.pk, "actor": world.actor(world.ravi),
        "data": {"scenes": [{"scene": world.scene.pk, "shots": [second.pk, first.pk]}], "moved": []},
    }


async def test_shots_reordered_across_scenes_carries_the_moved_shot(world, run):
    other = await run(factories.make_scene, world.project, location="Shore")
    staying = await run(factories.make_shot, world.scene)
    moving = await run(factories.make_shot, world.scene, description="Walks out")
    there = await run(factories.make_shot, other)

    [message] = await only_member_hears(
        world, run, lambda: shot_services.shots_reorder(actor=world.ravi, scene=other,
                                                        shot_ids=[moving.pk, there.pk]),
        "shots.reordered",
    )

    assert message["data"] == {
        "scenes": [{"scene": other.pk, "shots": [moving.pk, there.pk]},
                   {"scene": world.scene.pk, "shots": [staying.pk]}],
        "moved": [{
            "id": moving.pk, "scene": other.pk, "number": "2B", "order": 0, "size": "MS", "angle": "eye_level",
            "movement": "static", "lens_mm": 35, "duration": 3.0, "description": "Walks out", "dialogue": "",
            "characters": [], "status": "draft", "version": 2,
        }],
    }


async def test_scene_created(world, run):
    made = {}

    def change():
        made["scene"] = screenplay_services.scene_create(actor=world.maya, script=world.script, location="Kitchen",
                                                         int_ext="int.", time_of_day="day", synopsis="Tomas arrives.")

    [message] = await only_member_hears(world, run, change, "scene.created")

    assert message == {
        "type": "scene.created", "project": world.project.pk, "actor": world.actor(world.maya),
        "data": {"scene": {
            "id": made["scene"].pk, "script": world.script.pk, "number": "2", "int_ext": "INT",
            "location": "Kitchen", "time_of_day": "DAY", "heading": "INT. KITCHEN - DAY",
            "synopsis": "Tomas arrives.", "order": 1, "in_script": False, "omitted": False, "line": None, "version": 1,
        }},
    }


async def test_scene_updated(world, run):
    [message] = await only_member_hears(
        world, run, lambda: screenplay_services.scene_update(actor=world.maya, scene=world.scene, expected_version=1,
                                                             changes={"int_ext": "EXT", "time_of_day": "dawn"}),
        "scene.updated",
    )

    assert message == {
        "type": "scene.updated", "project": world.project.pk, "actor": world.actor(world.maya),
        "data": {"scene": {
            "id": world.scene.pk, "script": world.script.pk, "number": "1", "int_ext": "EXT",
            "location": "Lamp room", "time_of_day": "DAWN", "heading": "EXT. LAMP ROOM - DAWN", "synopsis": "",
            "order": 0, "in_script": False, "omitted": False, "line": None, "version": 2,
        }, "changed": ["int_ext", "time_of_day"]},
    }


async def test_scene_deleted(world, run):
    [message] = await only_member_hears(
        world, run, lambda: screenplay_services.scene_delete(actor=world.maya, scene=world.scene, expected_version=1),
        "scene.deleted",
    )

    assert message == {
        "type": "scene.deleted", "project": world.project.pk, "actor": world.actor(world.maya),
        "data": {"id": world.scene.pk, "script": world.script.pk},
    }


async def test_scenes_reordered(world, run):
    second = await run(factories.make_scene, world.project, location="Shore")

    [message] = await only_member_hears(
        world, run, lambda: screenplay_services.scenes_reorder(actor=world.maya, script=world.script,
                                                               scene_ids=[second.pk, world.scene.pk]),
        "scenes.reordered",
    )

    assert message == {
        "type": "scenes.reordered", "project": world.project.pk, "actor": world.actor(world.maya),
        "data": {"script": world.script.pk, "scenes": [second.pk, world.scene.pk]},
    }


def scene_payload(scene, **overrides) -> dict:
    return {"id": scene.pk, "script": scene.script_id, "number": scene.number, "int_ext": scene.int_ext,
            "location": scene.location, "time_of_day": scene.time_of_day, "heading": scene.heading,
            "synopsis": scene.synopsis, "order": scene.order, "in_script": scene.in_script, "omitted": scene.omitted,
            "line": scene.line, "version": scene.version, **overrides}


async def test_scenes_synced(world, run):
    from studio.screenplay.models import Scene

    def write(text):
        screenplay_services.script_update(actor=world.maya, script=world.script, changes={"fountain": text})

    await run(write, "INT. HALL - DAY\n\nQuiet.\n\nEXT. DOCK - DAY\n\nWaves.\n\nEXT. CLIFF - DUSK\n\nWind.\n")
    hall, dock, cliff = await run(lambda: list(Scene.objects.filter(in_script=True).order_by("order")))
    await run(factories.make_shot, dock)
    made = {}

    def change():  # the hall renamed, a new kitchen, the dock (with a shot) and the cliff taken out
        write("INT. GREAT HALL - DAY\n\nQuiet.\n\nINT. KITCHEN - NIGHT\n\nSteam.\n")
        made["kitchen"] = Scene.objects.get(location="KITCHEN")

    [message] = await only_member_hears(world, run, change, "scenes.synced")

    kitchen = made["kitchen"]
    assert message == {
        "type": "scenes.synced", "project": world.project.pk, "actor": world.actor(world.maya),
        "data": {
            "script": world.script.pk,
            "created": [scene_payload(kitchen, number="2", int_ext="INT", location="KITCHEN", time_of_day="NIGHT",
                                      heading="INT. KITCHEN - NIGHT", order=1, in_script=True, line=4, version=1)],
            "changed": [scene_payload(hall, location="GREAT HALL", heading="INT. GREAT HALL - DAY", version=2)],
            "orphaned": [scene_payload(dock, order=2, omitted=True, version=2)],
            "removed": [cliff.pk],
            "order": [hall.pk, kitchen.pk, dock.pk, world.scene.pk],
        },
    }


async def test_character_created(world, run):
    made = {}

    def change():
        made["character"] = cast_services.character_create(
            actor=world.ravi, project=world.project, name="Tomas", aliases=["THE PILOT", " "], seed=48213,
            appearance_prompt="red beard",
        )

    [message] = await only_member_hears(world, run, change, "character.created")

    assert message == {
        "type": "character.created", "project": world.project.pk, "actor": world.actor(world.ravi),
        "data": {"character": {
            "id": made["character"].pk, "name": "Tomas", "aliases": ["THE PILOT"], "description": "",
            "appearance_prompt": "red beard", "seed": 48213, "color": "#29a19c", "references": [], "voice": "",
            "voice_speed": 0, "suggested": False,
            "version": 1,
        }},
    }


async def test_character_updated(world, run):
    [message] = await only_member_hears(
        world, run, lambda: cast_services.character_update(actor=world.ravi, character=world.character,
                                                           expected_version=1, changes={"description": "Keeper"}),
        "character.updated",
    )

    assert message == {
        "type": "character.updated", "project": world.project.pk, "actor": world.actor(world.ravi),
        "data": {"character": {
            "id": world.character.pk, "name": "Elin", "aliases": [], "description": "Keeper",
            "appearance_prompt": "", "seed": 1207, "color": "#e4572e", "references": [], "voice": "",
            "voice_speed": 0, "suggested": False, "version": 2,
        }, "changed": ["description"]},
    }


async def test_character_updated_when_a_reference_is_added(world, run):
    made = {}

    def change():
        made["ref"] = cast_services.reference_add(actor=world.ravi, character=world.character, caption="Look",
                                                  upload=factories.image_upload(size=(40, 50)))

    [message] = await only_member_hears(world, run, change, "character.updated")

    ref = made["ref"]
    assert message["data"] == {
        "character": {
            "id": world.character.pk, "name": "Elin", "aliases": [], "description": "", "appearance_prompt": "",
            "seed": 1207, "color": "#e4572e", "voice": "", "voice_speed": 0, "suggested": False, "version": 1,
            "references": [{
                "id": ref.pk, "width": 40, "height": 50, "caption": "Look",
                "url": f"/projects/{world.project.pk}/media/references/{ref.pk}/",
                "thumbnail_url": f"/projects/{world.project.pk}/media/references/{ref.pk}/thumb/",
            }],
        },
        "changed": ["references"],
    }


async def test_character_deleted(world, run):
    [message] = await only_member_hears(
        world, run, lambda: cast_services.character_delete(actor=world.ravi, character=world.character,
                                                           expected_version=1),
        "character.deleted",
    )

    assert message == {
        "type": "character.deleted", "project": world.project.pk, "actor": world.actor(world.ravi),
        "data": {"id": world.character.pk, "name": "Elin"},
    }


async def test_script_created_updated_deleted(world, run):
    made = {}

    def create():
        made["script"] = screenplay_services.script_create(actor=world.maya, project=world.project, title="Ep. 2")

    [created] = await only_member_hears(world, run, create, "script.created")
    script_id = made["script"].pk
    [updated] = await only_member_hears(
        world, run, lambda: screenplay_services.script_update(actor=world.maya, script=made["script"],
                                                              changes={"title": "Episode 2"}),
        "script.updated",
    )
    [deleted] = await only_member_hears(
        world, run, lambda: screenplay_services.script_delete(actor=world.maya, script=made["script"]),
        "script.deleted",
    )

    assert created["data"] == {"script": {"id": script_id, "title": "Ep. 2"}}
    assert updated["data"] == {"script": {"id": script_id, "title": "Episode 2"}, "changed": ["title"]}
    assert deleted["data"] == {"id": script_id}
    assert {m["actor"]["id"] for m in (created, updated, deleted)} == {world.maya.pk}


def iso(value) -> str:
    return value.isoformat()


async def test_revision_created_restored_deleted(world, run):
    made = {}
    await run(screenplay_services.script_update, actor=world.maya, script=world.script,
              changes={"fountain": "INT. LAMP ROOM - NIGHT\n\nElin waits.\n"})

    def keep():
        made["revision"] = screenplay_services.revision_create(actor=world.maya, script=world.script,
                                                               name="First draft", color="blue")
        screenplay_services.script_update(actor=world.maya, script=world.script,
                                          changes={"fountain": "INT. LAMP ROOM - NIGHT\n\nElin sleeps.\n"})

    [created] = await only_member_hears(world, run, keep, "revision.created")
    revision = made["revision"]
    revision_id = revision.pk
    [before, restored] = await only_member_hears(
        world, run, lambda: screenplay_services.revision_restore(actor=world.maya, revision=revision),
        "revision.created", "revision.restored")
    kept = await run(lambda: world.script.revisions.get(name="Before restoring “First draft”"))
    [deleted] = await only_member_hears(
        world, run, lambda: screenplay_services.revision_delete(actor=world.maya, revision=revision),
        "revision.deleted")

    maya = world.actor(world.maya)
    assert created == {"type": "revision.created", "project": world.project.pk, "actor": maya, "data": {
        "revision": {"id": revision_id, "script": world.script.pk, "name": "First draft", "color": "blue",
                     "created_by": maya, "created_at": iso(revision.created_at)}}}
    assert before["data"] == {"revision": {"id": kept.pk, "script": world.script.pk,
                                           "name": "Before restoring “First draft”", "color": "",
                                           "created_by": maya, "created_at": iso(kept.created_at)}}
    assert restored == {"type": "revision.restored", "project": world.project.pk, "actor": maya,
                        "data": created["data"]}
    assert deleted == {"type": "revision.deleted", "project": world.project.pk, "actor": maya,
                       "data": {"id": revision_id, "script": world.script.pk}}


async def test_layout_updated(world, run):
    from studio.shots import layouts
    from studio.shots.layout import empty_layout

    shot = await run(factories.make_shot, world.scene, lens_mm=50, size="CU")
    layout = empty_layout(focal_mm=50, size="CU")
    layout["objects"] = [{"id": "table", "type": "table", "name": "Table", "position": [1.5, 0, -0.5],
                          "rotation": [0, 0, 0], "scale": [1.2, 0.75, 0.8], "color": "#8a6b4a"}]

    [message] = await only_member_hears(
        world, run, lambda: layouts.layout_save(actor=world.ravi, shot=shot, data=layout, base_version=0),
        "layout.updated")

    assert message == {"type": "layout.updated", "project": world.project.pk, "actor": world.actor(world.ravi),
                       "data": {"shot": shot.pk, "version": 1, "layout": layout, "changed": ["table"],
                                "merged": False}}


async def test_project_updated(world, run):
    [message] = await only_member_hears(
        world, run, lambda: project_services.project_update(
            actor=world.maya, project=world.project,
            changes={"logline": "A keeper and a stranger.", "frame_rate": Decimal("25")}),
        "project.updated",
    )

    assert message == {
        "type": "project.updated", "project": world.project.pk, "actor": world.actor(world.maya),
        "data": {"project": {
            "id": world.project.pk, "title": "The Lighthouse", "logline": "A keeper and a stranger.",
            "format": "short", "aspect_ratio": "2.39", "frame_rate": 25.0, "style_prompt": "",
        }, "changed": ["logline", "frame_rate"]},
    }


async def test_member_added_updated_removed(world, run):
    june = await run(factories.make_user, "june", display_name="June Park")

    [added] = await only_member_hears(
        world, run, lambda: project_services.member_add(actor=world.maya, project=world.project,
                                                        username="JUNE", role="writer"),
        "member.added",
    )
    membership = await run(Membership.objects.get, project=world.project, user=june)
    [updated] = await only_member_hears(
        world, run, lambda: project_services.member_update(actor=world.maya, membership=membership, role="director"),
        "member.updated",
    )
    [removed] = await only_member_hears(
        world, run, lambda: project_services.member_remove(actor=world.maya, membership=membership),
        "member.removed",
    )

    june_ref = {"id": june.pk, "username": "june", "name": "June Park", "initials": "JP", "color": "#2bb673"}
    assert added == {"type": "member.added", "project": world.project.pk, "actor": world.actor(world.maya),
                     "data": {"member": {"id": membership.pk, "user": june_ref, "role": "writer"}}}
    assert updated["data"] == {"member": {"id": membership.pk, "user": june_ref, "role": "director"},
                               "previous_role": "writer"}
    assert removed["data"] == {"member": {"id": membership.pk, "user": june_ref, "role": "director"}}


async def test_removed_member_hears_it_and_is_disconnected(world, run):
    member = await joined(world.project.pk, world.ravi)
    await next_event(member, "presence.joined")
    membership = await run(Membership.objects.get, project=world.project, user=world.ravi)

    await run(project_services.member_remove, actor=world.maya, membership=membership)

    message = await next_event(member, "member.removed")
    assert message["data"]["member"]["user"]["id"] == world.ravi.pk
    assert await close_code(member) == 4403


async def test_project_deleted_closes_every_socket(world, run):
    member = await joined(world.project.pk, world.ravi)
    await next_event(member, "presence.joined")
    project_id = world.project.pk

    await run(project_services.project_delete, actor=world.maya, project=world.project)

    message = await next_event(member, "project.deleted")
    assert message == {"type": "project.deleted", "project": project_id, "actor": world.actor(world.maya),
                       "data": {"id": project_id, "title": "The Lighthouse"}}
    assert await close_code(member) == 4403


async def test_nothing_is_published_when_the_write_rolls_back(world, run):
    from django.db import transaction

    def change_then_fail():
        with transaction.atomic():
            shot_services.shot_create(actor=world.maya, scene=world.scene)
            raise RuntimeError("the caller's transaction fails after the service returned")

    async with listening(world) as (member, _outsider):
        with pytest.raises(RuntimeError):
            await run(change_then_fail)
        assert await member.receive_nothing(timeout=0.5)


@pytest.fixture
def generating(world, tiny_models, settings):
    settings.STUDIO_PROGRESS_INTERVAL_S = 0
    world.shot = factories.make_shot(world.scene, characters=[world.character.pk])
    return world


@pytest.fixture
def shot(world):
    world.shot = factories.make_shot(world.scene, characters=[world.character.pk])
    return world.shot


def job_data(world, job, **state) -> dict:
    """A job of Ravi's on the world's shot as its events carry it: what every such job has, its timestamps from
    the row, and ``state`` (status, version, …) as the test says it must be."""
    from studio.live.events import iso

    return {
        "id": job.pk, "shot": world.shot.pk, "shot_number": "1A", "scene_heading": "INT. LAMP ROOM - NIGHT",
        "kind": "frame", "mode": "text-to-image", "mode_label": "Text to image", "model": "sd-tiny",
        "model_label": "Smoke-test SD (tiny, random weights)",
        "prompt": "Elin. interior, lamp room, night. medium shot, eye-level camera, 35mm lens",
        "seed": 1207, "width": 64, "height": 64, "total_steps": 2, "error": "", "worker": "",
        "cancel_requested": False, "stage": "", "requester": world.actor(world.ravi), "retry_of": None, "take": None,
        "created_at": iso(job.created_at), "started_at": iso(job.started_at), "finished_at": iso(job.finished_at),
        **state,
    }


def submitted(world):
    from studio.renders.services import jobs as job_services
    from studio.renders.services.jobs import JobOrder

    return job_services.job_submit(actor=world.ravi, shot=world.shot, order=JobOrder(width=64, height=64, steps=2))


async def test_a_job_from_queue_to_take_in_order_with_exact_payloads(generating, run):
    from generation.engine import Engine
    from studio.live.events import iso
    from studio.renders import runtime
    from studio.renders.models import GenerationJob, Take
    from studio.renders.worker import GenerationWorker

    world = generating
    types = ["job.queued", "job.started", "job.loading", "job.progress", "job.progress", "take.created",
             "job.succeeded"]
    cold = Engine(runtime.registry(), open_image=runtime.open_image)  # a worker's first job loads its model
    async with listening(world) as (member, outsider):
        job = await run(submitted, world)
        await run(GenerationWorker(worker_id="w1", batch=True, interval=0, engine=cold).run)
        messages = [await next_event(member, t) for t in types]
        assert await outsider.receive_nothing(timeout=0.3)

    job = await run(GenerationJob.objects.select_related("requester").get, pk=job.pk)
    take = await run(Take.objects.get)
    ravi = world.actor(world.ravi)
    queued, started, loading, progress, succeeded = messages[0], messages[1], messages[2], messages[3:5], messages[6]
    assert queued == {
        "type": "job.queued", "project": world.project.pk, "actor": ravi,
        "data": {"requeued": False, "position": 1, "job": job_data(
            world, job, version=1, status="queued", step=0, progress=0.0, attempts=0, started_at=None,
            finished_at=None)},
    }
    assert started == {
        "type": "job.started", "project": world.project.pk, "actor": None,
        "data": {"job": job_data(world, job, version=2, status="running", step=0, progress=0.0, attempts=1,
                                 worker="w1", finished_at=None)},
    }
    assert loading["data"]["job"] == job_data(world, job, version=3, status="running", stage="loading", step=0,
                                              progress=0.0, attempts=1, worker="w1", finished_at=None)
    assert [(m["actor"], m["data"]) for m in progress] == [
        (None, {"id": job.pk, "version": 4, "shot": world.shot.pk, "step": 1, "total": 2, "preview": None}),
        (None, {"id": job.pk, "version": 5, "shot": world.shot.pk, "step": 2, "total": 2, "preview": None}),
    ]
    assert messages[5] == {
        "type": "take.created", "project": world.project.pk, "actor": None,
        "data": {"take": {
            "id": take.pk, "version": 1, "shot": world.shot.pk, "number": 1, "job": job.pk, "kind": "image",
            "source": "generated", "url": f"/projects/{world.project.pk}/media/takes/{take.pk}/",
            "thumbnail_url": f"/projects/{world.project.pk}/media/takes/{take.pk}/thumb/", "depth_url": None,
            "layout_version": None, "content_type": "image/png", "width": 64, "height": 64, "frames": 1, "fps": None,
            "provenance": take.provenance,
            "made_with": {
                "model": "sd-tiny", "model_label": "Smoke-test SD (tiny, random weights)", "mode": "text-to-image",
                "mode_label": "Text to image", "seed": 1207, "steps": 2, "guidance": 7.0, "quality": "standard",
                "prompt": "Elin. interior, lamp room, night. medium shot, eye-level camera, 35mm lens",
                "references": 0, "strength": None, "seconds": take.provenance["seconds"],
            },
            "uploaded_as": "", "smoke_test": True, "review": "pending", "reviewed_by": None, "picked": False,
            "created_by": ravi,
            "created_at": iso(take.created_at),
        }},
    }
    assert (take.provenance["request"], take.provenance["mode"]) == (job.request, "text-to-image")
    assert succeeded == {
        "type": "job.succeeded", "project": world.project.pk, "actor": None,
        "data": {"job": job_data(world, job, version=6, status="succeeded", step=2, progress=1.0, attempts=1,
                                 worker="w1", take=take.pk)},
    }


async def test_job_failed(world, shot, run):
    from studio.renders.models import GenerationJob
    from studio.renders.services import worker_protocol

    job = await run(submitted, world)
    await run(worker_protocol.job_claim, job_id=job.pk, worker="gpu-1")
    await run(worker_protocol.job_progress, job_id=job.pk, worker="gpu-1", step=1, total=2, preview_jpeg=None)

    [message] = await only_member_hears(
        world, run, lambda: worker_protocol.job_fail(job_id=job.pk, worker="gpu-1", error="CUDA out of memory."),
        "job.failed",
    )

    job = await run(GenerationJob.objects.get, pk=job.pk)
    assert message == {
        "type": "job.failed", "project": world.project.pk, "actor": None,
        "data": {"job": job_data(world, job, version=4, status="failed", step=1, progress=0.5, attempts=1,
                                 error="CUDA out of memory.", worker="gpu-1")},
    }


async def test_job_canceled_while_queued(world, shot, run):
    from studio.renders.models import GenerationJob
    from studio.renders.services import jobs as job_services

    job = await run(submitted, world)

    [message] = await only_member_hears(
        world, run, lambda: job_services.job_cancel(actor=world.maya, job=job), "job.canceled")

    job = await run(GenerationJob.objects.get, pk=job.pk)
    assert message == {
        "type": "job.canceled", "project": world.project.pk, "actor": world.actor(world.maya),
        "data": {"job": job_data(world, job, version=2, status="canceled", step=0, progress=0.0, attempts=0)},
    }


async def test_job_loading_its_model_then_its_first_step(world, shot, run):
    from studio.renders.models import GenerationJob
    from studio.renders.services import worker_protocol

    job = await run(submitted, world)
    await run(worker_protocol.job_claim, job_id=job.pk, worker="gpu-1")

    [loading] = await only_member_hears(
        world, run, lambda: worker_protocol.job_loading(job_id=job.pk, worker="gpu-1"), "job.loading")
    await run(worker_protocol.job_progress, job_id=job.pk, worker="gpu-1", step=1, total=2, preview_jpeg=None)

    job = await run(GenerationJob.objects.get, pk=job.pk)
    assert loading == {
        "type": "job.loading", "project": world.project.pk, "actor": None,
        "data": {"job": job_data(world, job, version=3, status="running", stage="loading", step=0, progress=0.0,
                                 attempts=1, worker="gpu-1", finished_at=None)},
    }
    assert (job.loading, job.step, job.version) == (False, 1, 4)


async def test_job_stopping_then_canceled_by_its_worker(world, shot, run):
    from studio.renders.models import GenerationJob
    from studio.renders.services import jobs as job_services
    from studio.renders.services import worker_protocol

    job = await run(submitted, world)
    await run(worker_protocol.job_claim, job_id=job.pk, worker="gpu-1")

    [stopping] = await only_member_hears(
        world, run, lambda: job_services.job_cancel(actor=world.maya, job=job), "job.stopping")
    [canceled] = await only_member_hears(
        world, run, lambda: worker_protocol.job_canceled(job_id=job.pk, worker="gpu-1"), "job.canceled")

    job = await run(GenerationJob.objects.get, pk=job.pk)
    assert stopping == {
        "type": "job.stopping", "project": world.project.pk, "actor": world.actor(world.maya),
        "data": {"job": job_data(world, job, version=3, status="running", step=0, progress=0.0, attempts=1,
                                 worker="gpu-1", cancel_requested=True, stage="canceling", finished_at=None)},
    }
    assert canceled == {
        "type": "job.canceled", "project": world.project.pk, "actor": None,
        "data": {"job": job_data(world, job, version=4, status="canceled", step=0, progress=0.0, attempts=1,
                                 worker="gpu-1", cancel_requested=True)},
    }


async def test_job_queued_again_by_the_sweep_and_as_a_retry(world, shot, run, settings):
    from datetime import timedelta

    from django.utils import timezone

    from studio.renders.models import GenerationJob
    from studio.renders.services import jobs as job_services
    from studio.renders.services import worker_protocol

    job = await run(submitted, world)
    await run(worker_protocol.job_claim, job_id=job.pk, worker="gpu-1")
    await run(GenerationJob.objects.filter(pk=job.pk).update, lease_expires_at=timezone.now() - timedelta(seconds=1))

    [requeued] = await only_member_hears(world, run, worker_protocol.jobs_sweep, "job.queued")
    await run(job_services.job_cancel, actor=world.ravi, job=job)
    [retry] = await only_member_hears(
        world, run, lambda: job_services.job_retry(actor=world.ravi, job=job), "job.queued")

    job = await run(GenerationJob.objects.get, pk=job.pk)
    again = await run(GenerationJob.objects.get, retry_of=job)
    assert requeued == {
        "type": "job.queued", "project": world.project.pk, "actor": None,
        "data": {"requeued": True, "position": 1, "job": job_data(
            world, job, version=3, status="queued", step=0, progress=0.0, attempts=1,
            error="Attempt 1 was lost: the worker running it (gpu-1) stopped responding.", finished_at=None)},
    }
    assert retry == {
        "type": "job.queued", "project": world.project.pk, "actor": world.actor(world.ravi),
        "data": {"requeued": False, "position": 1, "job": job_data(
            world, again, version=1, status="queued", step=0, progress=0.0, attempts=0, retry_of=job.pk)},
    }


async def test_take_updated_by_a_review(world, shot, run):
    from studio.live.events import iso
    from studio.renders.services import takes as take_services

    take = await run(take_services.take_upload, actor=world.ravi, shot=world.shot,
                     upload=factories.image_upload("board.png", size=(40, 20)))

    [message] = await only_member_hears(
        world, run, lambda: take_services.take_review(actor=world.maya, take=take, decision="approved"),
        "take.updated")

    take_url = f"/projects/{world.project.pk}/media/takes/{take.pk}/"
    assert message == {
        "type": "take.updated", "project": world.project.pk, "actor": world.actor(world.maya),
        "data": {"changed": ["review"], "take": {
            "id": take.pk, "version": 2, "shot": world.shot.pk, "number": 1, "job": None, "kind": "image",
            "source": "uploaded", "url": take_url, "thumbnail_url": f"{take_url}thumb/", "depth_url": None,
            "layout_version": None, "content_type": "image/png", "width": 40, "height": 20, "frames": 1,
            "fps": None, "provenance": {"uploaded_as": "board.png"}, "made_with": None, "uploaded_as": "board.png",
            "smoke_test": False, "review": "approved", "reviewed_by": world.actor(world.maya), "picked": False,
            "created_by": world.actor(world.ravi), "created_at": iso(take.created_at),
        }},
    }


async def test_every_event_type_has_an_exact_payload_test():
    """A new event type fails here until a test asserts its message (its type as a string in a test of it)."""
    from pathlib import Path

    from django.apps import apps

    from studio.live.events import EVENT_TYPES

    assert apps.ready
    here = Path(__file__).resolve().parents[2]
    tests = "".join(p.read_text() for p in here.rglob("test_*.py"))
    untested = sorted(kind for kind in EVENT_TYPES if f'"{kind}"' not in tests)
    assert untested == []


async def test_take_picked_then_another_take_picked(world, shot, run):
    from studio.live.events import iso
    from studio.renders.services import takes as take_services

    first = await run(take_services.take_upload, actor=world.ravi, shot=world.shot,
                      upload=factories.image_upload("one.png", size=(40, 20)))
    second = await run(take_services.take_upload, actor=world.ravi, shot=world.shot,
                       upload=factories.image_upload("two.png", size=(40, 20)))
    await run(take_services.take_pick, actor=world.ravi, take=first)

    [message] = await only_member_hears(
        world, run, lambda: take_services.take_pick(actor=world.maya, take=second), "take.picked")

    take_url = f"/projects/{world.project.pk}/media/takes/{second.pk}/"
    assert message == {
        "type": "take.picked", "project": world.project.pk, "actor": world.actor(world.maya),
        "data": {"shot": world.shot.pk, "unpicked": first.pk, "selected": second.pk, "selected_reason": "picked",
                 "take": {
                     "id": second.pk, "version": 2, "shot": world.shot.pk, "number": 2, "job": None, "kind": "image",
                     "source": "uploaded", "url": take_url, "thumbnail_url": f"{take_url}thumb/", "depth_url": None,
                     "layout_version": None, "content_type": "image/png", "width": 40, "height": 20, "frames": 1,
                     "fps": None, "provenance": {"uploaded_as": "two.png"}, "made_with": None,
                     "uploaded_as": "two.png", "smoke_test": False, "review": "pending", "reviewed_by": None,
                     "picked": True, "created_by": world.actor(world.ravi), "created_at": iso(second.created_at),
                 }},
    }


async def test_take_picked_taken_back_falls_back_to_the_newest(world, shot, run):
    from studio.renders.services import takes as take_services

    first = await run(take_services.take_upload, actor=world.ravi, shot=world.shot,
                      upload=factories.image_upload("one.png", size=(40, 20)))
    second = await run(take_services.take_upload, actor=world.ravi, shot=world.shot,
                       upload=factories.image_upload("two.png", size=(40, 20)))
    await run(take_services.take_pick, actor=world.ravi, take=first)

    [message] = await only_member_hears(
        world, run, lambda: take_services.take_pick(actor=world.ravi, take=first, picked=False), "take.picked")

    assert message == {
        "type": "take.picked", "project": world.project.pk, "actor": world.actor(world.ravi),
        "data": {"shot": world.shot.pk, "take": None, "unpicked": first.pk, "selected": second.pk,
                 "selected_reason": "newest"},
    }


def export_data(world, export, **state) -> dict:
    """An OTIO bundle export of the whole board that Maya asked for, as its events carry it."""
    from studio.live.events import iso

    return {
        "id": export.pk, "kind": "otioz", "kind_label": "OTIO bundle with media", "scene": None, "options": {},
        "step": 0, "total_steps": 0, "url": None, "extra_urls": {}, "bytes": 0, "warnings": [], "error": "",
        "requested_by": world.actor(world.maya), "created_at": iso(export.created_at),
        "finished_at": iso(export.finished_at) if export.finished_at else None, **state,
    }


def started_export(world):
    from studio.deliverables import services as export_services

    return export_services.export_start(actor=world.maya, project=world.project, kind="otioz")


async def test_export_queued(world, run):
    from studio.deliverables.models import Export

    [message] = await only_member_hears(world, run, lambda: started_export(world), "export.queued")

    export = await run(Export.objects.get)
    assert message == {
        "type": "export.queued", "project": world.project.pk, "actor": world.actor(world.maya),
        "data": {"export": export_data(world, export, version=1, status="queued")},
    }


async def test_export_progress_from_its_claim_to_its_steps(world, run):
    from studio.deliverables import services as export_services

    export = await run(started_export, world)

    def work():
        export_services.export_claim(export_id=export.pk, worker="host:1:2")
        export_services.export_progress(export_id=export.pk, step=1, total=3)

    claimed, stepped = await only_member_hears(world, run, work, "export.progress", "export.progress")

    assert claimed == {
        "type": "export.progress", "project": world.project.pk, "actor": None,
        "data": {"export": export.pk, "version": 2, "status": "running", "step": 0, "total_steps": 0},
    }
    assert stepped == {
        "type": "export.progress", "project": world.project.pk, "actor": None,
        "data": {"export": export.pk, "version": 3, "status": "running", "step": 1, "total_steps": 3},
    }


async def test_export_done_when_it_fails_and_when_it_is_canceled(world, run):
    from studio.deliverables import services as export_services
    from studio.deliverables.models import Export

    failing = await run(started_export, world)
    queued = await run(started_export, world)
    await run(export_services.export_claim, export_id=failing.pk, worker="host:1:2")

    def work():
        export_services.export_finish(export_id=failing.pk, status="failed", error="The export failed: boom")
        export_services.export_cancel(actor=world.maya, export=queued)

    failed, canceled = await only_member_hears(world, run, work, "export.done", "export.done")

    failing = await run(Export.objects.get, pk=failing.pk)
    queued = await run(Export.objects.get, pk=queued.pk)
    assert failed == {
        "type": "export.done", "project": world.project.pk, "actor": None,
        "data": {"export": export_data(world, failing, version=3, status="failed", error="The export failed: boom")},
    }
    assert canceled == {
        "type": "export.done", "project": world.project.pk, "actor": world.actor(world.maya),
        "data": {"export": export_data(world, queued, version=2, status="canceled")},
    }
