"""What a worker does to the job it holds: claim it, renew its lease, report steps, and finish it (succeed,
fail, or stop because someone asked), and the sweep that puts back jobs whose worker stopped answering.

Each write names the worker and changes the job only while that worker still holds it (status running,
``worker`` its id), so a worker that lost its lease (it stalled, the sweeper gave the job to another) can no
longer touch the job, and a job leaves exactly one take however many workers tried it.
"""

from __future__ import annotations

import base64
import dataclasses
from datetime import timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from .. import events, queue
from ..events import JobData, TakeData
from ..models import GenerationJob, Take, save_version
from . import locks
from .jobs import enqueue
from .takes import next_take_number

Status = GenerationJob.Status


def _lease_end():
    return timezone.now() + timedelta(seconds=settings.STUDIO_JOB_LEASE_S)


def _held(job_id: int, worker: str):
    """The job, locked, while ``worker`` still holds it; None once it does not."""
    return locks.job(job_id, status=Status.RUNNING, worker=worker)


@transaction.atomic
def job_claim(*, job_id: int, worker: str) -> GenerationJob | None:
    """Take a queued job for ``worker``: None when it is gone, canceled, or another worker has it.
    ``SKIP LOCKED``: two workers never wait on each other for the same row."""
    job = (GenerationJob.objects.select_for_update(skip_locked=True, of=("self",))
           .select_related("requester", "project", "shot__scene")
           .filter(pk=job_id, status=Status.QUEUED).first())
    if job is None:
        return None
    now = timezone.now()
    job.status, job.worker, job.lease_expires_at = Status.RUNNING, worker, _lease_end()
    job.attempts += 1
    job.started_at, job.step, job.loading = now, 0, False  # ``error`` keeps the note of a lost attempt, if any
    save_version(job, ["status", "worker", "lease_expires_at", "attempts", "started_at", "step", "loading"])
    events.publish(events.JobStarted(project_id=job.project_id, job=JobData.of(job)))
    return job


def job_renew(*, job_id: int, worker: str) -> tuple[bool, bool]:
    """Extend the lease. Returns (still held, cancel requested). The one write that leaves ``version`` alone: a
    lease is the worker's heartbeat, nothing a page shows."""
    held = GenerationJob.objects.filter(pk=job_id, status=Status.RUNNING, worker=worker)
    if not held.update(lease_expires_at=_lease_end()):
        return False, False
    return True, bool(held.values_list("cancel_requested", flat=True).first())


@transaction.atomic
def job_loading(*, job_id: int, worker: str) -> bool:
    """The worker is loading the job's model before its first step; tell the project (``job.loading``). Returns
    whether the worker still holds the job."""
    job = _held(job_id, worker)
    if job is None:
        return False
    job.loading = True
    save_version(job, ["loading"])
    events.publish(events.JobLoading(project_id=job.project_id, job=JobData.of(job)))
    return True


@transaction.atomic
def job_progress(*, job_id: int, worker: str, step: int, total: int, preview_jpeg: bytes | None) -> bool:
    """Record a finished step and tell the project. Returns whether the worker still holds the job."""
    job = (GenerationJob.objects.select_for_update(no_key=True).only("id", "project_id", "shot_id", "version")
           .filter(pk=job_id, status=Status.RUNNING, worker=worker).first())
    if job is None:
        return False
    job.step, job.total_steps, job.loading = step, total, False
    save_version(job, ["step", "total_steps", "loading"])
    preview = f"data:image/jpeg;base64,{base64.b64encode(preview_jpeg).decode()}" if preview_jpeg else None
    events.publish(events.JobProgress(project_id=job.project_id, id=job.pk, version=job.version, shot=job.shot_id,
                                      step=step, total=total, preview=preview))
    return True


def cancel_requested(*, job_id: int) -> bool:
    return GenerationJob.objects.filter(pk=job_id, cancel_requested=True).exists()


@dataclasses.dataclass(frozen=True)
class Made:
    """What a worker made, encoded: the media file, its thumbnail, and what the take records."""

    kind: str
    content: bytes
    extension: str
    content_type: str
    thumbnail: bytes
    width: int
    height: int
    frames: int
    fps: int | None
    provenance: dict
    smoke_test: bool


@transaction.atomic
def job_succeed(*, job_id: int, worker: str, made: Made) -> Take | None:
    """Store the take and close the job, once: None (and nothing stored) when the worker lost the job. The shot is
    locked before the job (the house order, `locks`): it numbers the take."""
    shot_id = locks.shot_of(job_id)
    if shot_id is None:
        return None
    locks.lock_in_order(shot_id=shot_id)
    job = _held(job_id, worker)
    if job is None:
        return None
    take = Take(
        project_id=job.project_id, shot_id=job.shot_id, number=next_take_number(job.shot_id), job=job,
        kind=made.kind, source=Take.Source.GENERATED, content_type=made.content_type, width=made.width,
        height=made.height, frames=made.frames, fps=made.fps, provenance=made.provenance,
        smoke_test=made.smoke_test, created_by=job.requester, layout_version=job.layout_version,
    )
    take.media.save(f"take.{made.extension}", ContentFile(made.content), save=False)
    take.thumbnail.save("thumb.jpg", ContentFile(made.thumbnail), save=False)
    take.save()
    job.status, job.finished_at, job.lease_expires_at = Status.SUCCEEDED, timezone.now(), None
    job.step = job.total_steps
    save_version(job, ["status", "finished_at", "lease_expires_at", "step"])
    events.publish(events.TakeCreated(project_id=job.project_id, take=TakeData.of(take)))
    events.publish(events.JobSucceeded(project_id=job.project_id, job=JobData.of(job, take_id=take.pk)))
    return take


@transaction.atomic
def job_fail(*, job_id: int, worker: str, error: str) -> bool:
    job = _held(job_id, worker)
    if job is None:
        return False
    job.status, job.finished_at, job.lease_expires_at, job.error = Status.FAILED, timezone.now(), None, error[:2000]
    save_version(job, ["status", "finished_at", "lease_expires_at", "error"])
    events.publish(events.JobFailed(project_id=job.project_id, job=JobData.of(job)))
    return True


@transaction.atomic
def job_canceled(*, job_id: int, worker: str) -> bool:
    """The worker stopped the job because it was asked to; nothing it made is kept."""
    job = _held(job_id, worker)
    if job is None:
        return False
    job.status, job.finished_at, job.lease_expires_at = Status.CANCELED, timezone.now(), None
    save_version(job, ["status", "finished_at", "lease_expires_at"])
    events.publish(events.JobCanceled(project_id=job.project_id, job=JobData.of(job)))
    return True


@transaction.atomic
def jobs_sweep() -> dict[str, list[int]]:
    """Put back jobs whose worker stopped renewing its lease (it died or hung), up to their attempts;
    fail the ones that used them all, saying why. Any worker may sweep; rows another sweeper holds are
    skipped."""
    now = timezone.now()
    expired = list(GenerationJob.objects.select_for_update(skip_locked=True, of=("self",))
                   .select_related("requester", "shot__scene")
                   .filter(status=Status.RUNNING, lease_expires_at__lt=now).order_by("id"))
    done: dict[str, list[int]] = {"requeued": [], "failed": [], "canceled": []}
    for job in expired:
        lost = job.worker
        job.worker, job.lease_expires_at, job.step, job.loading = "", None, 0, False
        if job.cancel_requested:
            job.status, job.finished_at = Status.CANCELED, now
            save_version(job, ["status", "finished_at", "worker", "lease_expires_at", "step", "loading"])
            events.publish(events.JobCanceled(project_id=job.project_id, job=JobData.of(job)))
            done["canceled"].append(job.pk)
        elif job.attempts >= job.max_attempts:
            job.status, job.finished_at = Status.FAILED, now
            job.error = (f"The worker running it ({lost}) stopped responding, {job.attempts} time"
                         f"{'s' if job.attempts != 1 else ''} out of {job.max_attempts}; giving up.")
            save_version(job, ["status", "finished_at", "worker", "lease_expires_at", "step", "loading", "error"])
            events.publish(events.JobFailed(project_id=job.project_id, job=JobData.of(job)))
            done["failed"].append(job.pk)
        else:
            job.status = Status.QUEUED
            job.error = f"Attempt {job.attempts} was lost: the worker running it ({lost}) stopped responding."
            save_version(job, ["status", "worker", "lease_expires_at", "step", "loading", "error"])
            enqueue(job, requeued=True)
            done["requeued"].append(job.pk)
    return done


LOST_TASK = ("The generation worker running this task stopped responding (it was killed or hung); the sweep put its "
             "job back in the queue, or failed it after its last attempt.")


@transaction.atomic
def tasks_sweep() -> list[str]:
    """Close the queue's task rows that a dead worker left RUNNING (django-tasks never hears of its end): a row
    claimed more than a lease ago whose job its worker no longer holds under a live lease (the job sweep put the
    job back, with a task of its own, or ended it). They are marked FAILED, saying why; returns their ids."""
    now = timezone.now()
    claimed = list(DBTaskResult.objects.select_for_update(skip_locked=True)
                   .filter(queue_name=queue.QUEUE, status=TaskResultStatus.RUNNING,
                           started_at__lt=now - timedelta(seconds=settings.STUDIO_JOB_LEASE_S)))
    held = set(GenerationJob.objects.filter(pk__in={queue.job_of(row) for row in claimed}, status=Status.RUNNING,
                                            lease_expires_at__gte=now).values_list("pk", "worker"))
    lost = [row.pk for row in claimed if (queue.job_of(row), (row.worker_ids or [""])[-1]) not in held]
    DBTaskResult.objects.filter(pk__in=lost).update(
        status=TaskResultStatus.FAILED, finished_at=now, return_value=None, traceback=LOST_TASK,
        exception_class_path="studio.renders.worker.WorkerLost")
    return [str(pk) for pk in lost]
