"""The queue's places: only the jobs asked about, counted in the database on the (status, created_at, id) index."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from generation.requests import FrameRequest
from studio.renders import selectors
from studio.renders.models import GenerationJob
from studio.renders.services import jobs as job_services
from studio.renders.services import worker_protocol
from studio.renders.services.jobs import JobOrder
from tests import factories


def queue_of(shot, n: int, *, status=GenerationJob.Status.QUEUED) -> list[GenerationJob]:
    """``n`` jobs on ``shot`` straight into the table (the queue's volume, not its rules, is under test here)."""
    request = FrameRequest(prompt="a lighthouse", model="sd-tiny", width=64, height=64).to_dict()
    return GenerationJob.objects.bulk_create([
        GenerationJob(project_id=shot.project_id, shot=shot, kind="frame", request=request, model="sd-tiny",
                      status=status)
        for _ in range(n)
    ])


@pytest.fixture
def two_projects(board):
    board.elsewhere = factories.make_project(title="Elsewhere")
    board.elsewhere_shot = factories.make_shot(factories.make_scene(board.elsewhere))
    return board


@override_settings(STUDIO_JOBS_PER_USER=10)
def test_places_count_the_queued_jobs_of_every_project_ahead_and_only_for_the_jobs_asked(two_projects):
    b = two_projects
    other = factories.owner_of(b.elsewhere)
    order = JobOrder(width=64, height=64)
    first = job_services.job_submit(actor=b.artist, shot=b.shot, order=order)
    theirs = job_services.job_submit(actor=other, shot=b.elsewhere_shot, order=order)
    second = job_services.job_submit(actor=b.artist, shot=b.shot, order=order)
    running = job_services.job_submit(actor=b.artist, shot=b.shot, order=order)
    third = job_services.job_submit(actor=b.artist, shot=b.shot, order=order)
    last = job_services.job_submit(actor=other, shot=b.elsewhere_shot, order=order)
    worker_protocol.job_claim(job_id=running.pk, worker="gpu-0")
    job_services.job_cancel(actor=b.artist, job=first)

    places = selectors.queue_positions([first.pk, second.pk, running.pk, third.pk])

    assert places == {second.pk: 2, third.pk: 3}  # theirs is first; first was canceled, running started
    assert selectors.queue_position(theirs) == 1
    assert selectors.queued_count() == 4
    assert selectors.queue_positions([]) == {}
    assert selectors.project_queue_positions(project=b.project) == {second.pk: 2, third.pk: 3}
    assert selectors.project_queue_positions(project=b.elsewhere) == {theirs.pk: 1, last.pk: 4}


def test_jobs_made_in_the_same_instant_are_in_the_order_of_their_ids(board):
    a, b, c = queue_of(board.shot, 3)
    GenerationJob.objects.filter(pk__in=[a.pk, b.pk, c.pk]).update(created_at=a.created_at)

    assert selectors.queue_positions([c.pk, b.pk, a.pk]) == {a.pk: 1, b.pk: 2, c.pk: 3}


@pytest.mark.parametrize("queued", [10, 500])
def test_places_of_a_shots_jobs_take_one_query_however_long_the_queue(two_projects, queued,
                                                                     django_assert_num_queries):
    board = two_projects
    queue_of(board.elsewhere_shot, queued)
    mine = queue_of(board.shot, 3)
    queue_of(board.shot, 50, status=GenerationJob.Status.SUCCEEDED)

    with django_assert_num_queries(1):
        places = selectors.queue_positions(j.pk for j in mine)
    with django_assert_num_queries(1):
        of_the_project = selectors.project_queue_positions(project=board.project)
    with django_assert_num_queries(1):
        total = selectors.queued_count()

    assert places == of_the_project == {mine[0].pk: queued + 1, mine[1].pk: queued + 2, mine[2].pk: queued + 3}
    assert total == queued + 3


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="the plan of PostgreSQL is the point")
def test_on_postgresql_places_and_the_count_read_the_queue_index(board):
    queue_of(board.shot, 3000, status=GenerationJob.Status.SUCCEEDED)
    queue_of(board.shot, 2000)
    mine = queue_of(board.shot, 3)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE renders_generationjob")

    with connection.cursor() as cursor:
        sql, params = selectors.positions_sql("id IN (%s, %s, %s)", [j.pk for j in mine])
        cursor.execute(f"EXPLAIN {sql}", params)
        places = "\n".join(row[0] for row in cursor.fetchall())
    with CaptureQueriesContext(connection) as counted:
        assert selectors.queued_count() == 2003
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN {counted.captured_queries[0]['sql']}")
        count = "\n".join(row[0] for row in cursor.fetchall())

    assert "job_queue_order" in places, places
    assert "seq scan" not in places.lower(), places
    assert "Index" in count, count  # counted on an index over status
    assert "seq scan" not in count.lower(), count
