"""Live events of generation: jobs as they run and the takes they leave (on Live's base, ``live.events``)."""

from __future__ import annotations

from dataclasses import dataclass

from studio.live.events import Event, UserRef, iso
from studio.live.events import publish as publish  # services call events.publish(...) on their own module

from . import files


@dataclass(frozen=True, kw_only=True)
class JobData:
    id: int
    shot: int
    kind: str
    status: str
    model: str
    prompt: str
    seed: int
    width: int
    height: int
    step: int
    total_steps: int
    progress: float
    attempts: int
    error: str
    requester: UserRef | None
    retry_of: int | None
    take: int | None
    created_at: str
    started_at: str | None
    finished_at: str | None

    @classmethod
    def of(cls, job, *, take_id: int | None = None) -> JobData:
        request = job.request
        return cls(
            id=job.pk, shot=job.shot_id, kind=job.kind, status=job.status, model=job.model,
            prompt=request.get("prompt", ""), seed=request.get("seed", 0), width=request.get("width", 0),
            height=request.get("height", 0), step=job.step, total_steps=job.total_steps, progress=job.progress,
            attempts=job.attempts, error=job.error, requester=UserRef.of(job.requester) if job.requester else None,
            retry_of=job.retry_of_id, take=take_id, created_at=iso(job.created_at),
            started_at=iso(job.started_at), finished_at=iso(job.finished_at),
        )


@dataclass(frozen=True, kw_only=True)
class TakeData:
    id: int
    shot: int
    number: int
    job: int | None
    kind: str
    source: str
    url: str
    thumbnail_url: str
    depth_url: str | None
    layout_version: int | None
    content_type: str
    width: int
    height: int
    frames: int
    fps: int | None
    provenance: dict
    smoke_test: bool
    review: str
    reviewed_by: UserRef | None
    created_by: UserRef | None
    created_at: str

    @classmethod
    def of(cls, take) -> TakeData:
        return cls(
            id=take.pk, shot=take.shot_id, number=take.number, job=take.job_id, kind=take.kind, source=take.source,
            url=files.take_url(take), thumbnail_url=files.take_thumbnail_url(take),
            depth_url=files.take_depth_url(take),
            layout_version=take.layout_version, content_type=take.content_type, width=take.width,
            height=take.height, frames=take.frames, fps=take.fps, provenance=take.provenance,
            smoke_test=take.smoke_test, review=take.review,
            reviewed_by=UserRef.of(take.reviewed_by) if take.reviewed_by else None,
            created_by=UserRef.of(take.created_by) if take.created_by else None, created_at=iso(take.created_at),
        )


@dataclass(frozen=True, kw_only=True)
class JobQueued(Event):
    """A job entered the queue: submitted, retried, or put back after its worker stopped answering."""

    type = "job.queued"
    job: JobData
    requeued: bool = False


@dataclass(frozen=True, kw_only=True)
class JobStarted(Event):
    type = "job.started"
    job: JobData


@dataclass(frozen=True, kw_only=True)
class JobProgress(Event):
    """A denoising step finished. ``preview`` is a small JPEG data URL every few steps, else None."""

    type = "job.progress"
    id: int
    shot: int
    step: int
    total: int
    preview: str | None


@dataclass(frozen=True, kw_only=True)
class JobSucceeded(Event):
    type = "job.succeeded"
    job: JobData


@dataclass(frozen=True, kw_only=True)
class JobFailed(Event):
    type = "job.failed"
    job: JobData


@dataclass(frozen=True, kw_only=True)
class JobCanceled(Event):
    type = "job.canceled"
    job: JobData


@dataclass(frozen=True, kw_only=True)
class TakeCreated(Event):
    type = "take.created"
    take: TakeData


@dataclass(frozen=True, kw_only=True)
class TakeUpdated(Event):
    type = "take.updated"
    take: TakeData
    changed: list[str]
