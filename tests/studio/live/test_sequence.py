"""Every project event carries the project's next number, taken after the write committed; a connection opens with
the number of the last one, so a client sees any event it missed (dropped by the layer, or sent while away)."""

from __future__ import annotations

import pytest
from django.db import transaction

from studio.live import events
from studio.live.models import ProjectSequence
from studio.live.sequence import sequence_current, sequence_next
from studio.shots import services as shot_services
from tests import factories
from tests.sockets import joined, next_event

pytestmark = [pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world(transactional_db):
    class World:
        maya = factories.make_user("maya", display_name="Maya Okafor")
        otto = factories.make_user("otto", display_name="Otto Outsider")

    w = World()
    w.project = factories.make_project(owner=w.maya, title="The Lighthouse")
    w.elsewhere = factories.make_project(owner=w.otto, title="Elsewhere")
    w.scene = factories.make_scene(w.project, location="Lamp room", time_of_day="NIGHT")
    w.shot = factories.make_shot(w.scene, description="Wide")
    return w


def describe(world, text: str, version: int) -> None:
    shot_services.shot_update(actor=world.maya, shot=world.shot, expected_version=version,
                              changes={"description": text})


def rolled_back(world) -> None:
    with transaction.atomic():
        describe(world, "Never", 2)
        raise RuntimeError("rolled back")


def test_numbers_count_up_per_project_from_one():
    assert sequence_current(project_id=424242) == 0

    taken = [sequence_next(project_id=424242), sequence_next(project_id=424242), sequence_next(project_id=515151)]

    assert taken == [1, 2, 1]
    assert sequence_current(project_id=424242) == 2
    assert sequence_current(project_id=515151) == 1


def test_a_number_is_taken_after_the_write_commits_and_not_by_one_that_rolls_back(world):
    before = sequence_current(project_id=world.project.pk)

    with transaction.atomic():
        describe(world, "Closer", 1)
        during = sequence_current(project_id=world.project.pk)
    after_commit = sequence_current(project_id=world.project.pk)
    with pytest.raises(RuntimeError):
        rolled_back(world)

    assert (during, after_commit) == (before, before + 1)
    assert ProjectSequence.objects.get(project_id=world.project.pk).last == before + 1


@pytest.mark.asyncio
async def test_an_event_the_layer_dropped_shows_as_a_gap_and_in_the_number_a_new_connection_gets(world, run,
                                                                                                 monkeypatch):
    member = await joined(world.project.pk, world.maya)
    joined_event = await next_event(member, "presence.joined", numbered=True)
    assert joined_event["seq"] == member.snapshot_seq + 1

    # given an edit whose event the layer dropped
    monkeypatch.setattr(events, "send_now", lambda group, message: None)
    await run(describe, world, "Dropped", 1)
    monkeypatch.undo()
    # when the next one is sent
    await run(describe, world, "Sent", 2)

    # then it is numbered two after the last one the member heard, and a new connection starts from it
    sent = await next_event(member, "shot.updated", numbered=True)
    assert (sent["seq"], sent["data"]["shot"]["description"]) == (joined_event["seq"] + 2, "Sent")
    await member.disconnect()
    again = await joined(world.project.pk, world.maya)
    assert again.snapshot_seq == sent["seq"] + 1  # the member's own presence.left came in between
    await again.disconnect()
