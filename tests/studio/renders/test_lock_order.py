"""The write paths of generation take their row locks in one order (project → shot → job), so a person
submitting on a shot while a worker finishes that shot's job never deadlocks on PostgreSQL."""

import threading

import pytest
from django.db import connection

from studio.renders.models import GenerationJob, Take
from studio.renders.services import jobs as job_services
from studio.renders.services import worker_protocol
from studio.renders.services.jobs import JobOrder

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the deadlock is PostgreSQL's row locks"),
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("tiny_models"),
]

ROUNDS = 50


def made() -> worker_protocol.Made:
    return worker_protocol.Made(kind="image", content=b"png", extension="png", content_type="image/png",
                                thumbnail=b"jpg", width=64, height=64, frames=1, fps=None, provenance={},
                                smoke_test=True)


def both_at_once(*calls) -> list[BaseException]:
    """Run ``calls`` on threads released together; what each raised (nothing when all went through)."""
    start = threading.Barrier(len(calls))
    errors: list[BaseException] = []

    def run(call):
        try:
            start.wait()
            call()
        except BaseException as exc:  # a deadlock is an OperationalError on either side
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


def test_submitting_on_a_shot_while_its_job_finishes_never_deadlocks(board):
    order = JobOrder(width=64, height=64, steps=1)
    running = job_services.job_submit(actor=board.artist, shot=board.shot, order=order)
    worker_protocol.job_claim(job_id=running.pk, worker="w")
    errors = []

    for _ in range(ROUNDS):
        previous = GenerationJob.objects.filter(shot=board.shot).count()
        errors += both_at_once(
            lambda job_id=running.pk: worker_protocol.job_succeed(job_id=job_id, worker="w", made=made()),
            lambda: job_services.job_submit(actor=board.artist, shot=board.shot, order=order),
        )
        if errors:
            break
        running = GenerationJob.objects.filter(shot=board.shot).order_by("-id").first()
        assert GenerationJob.objects.filter(shot=board.shot).count() == previous + 1
        worker_protocol.job_claim(job_id=running.pk, worker="w")

    assert [str(e) for e in errors] == []
    succeeded = GenerationJob.objects.filter(status="succeeded")
    assert succeeded.count() == ROUNDS
    assert Take.objects.filter(shot=board.shot).count() == ROUNDS
    assert sorted(Take.objects.values_list("number", flat=True)) == list(range(1, ROUNDS + 1))
    assert set(Take.objects.values_list("job_id", flat=True)) == set(succeeded.values_list("id", flat=True))
