"""Live events of generation: jobs as they run and the takes they leave (on Live's base, ``live.events``)."""

from __future__ import annotations

from dataclasses import dataclass

from studio.live.events import Event, UserRef, iso
from studio.live.events import publish as publish  # services call events.publish(...) on their own module

from . import files, runtime


@dataclass(frozen=True, kw_only=True)
class JobData:
    """A job as pages and the API show it. ``version`` grows with every write of the job: a page holding
    version 5 ignores an event with version 4. Prompt, seed, size and mode are read from the job's typed
    request (``GenerationJob.generation_request``); the shot's number and scene heading are as of the event."""

    id: int
    version: int
    shot: int
    shot_number: str
    scene_heading: str
    kind: str
    mode: str
    mode_label: str  # the typed request's mode in words, with what it starts from (FrameRequest.mode_label)
    status: str
    model: str
    model_label: str
    prompt: str
    seed: int
    width: int
    height: int
    step: int
    total_steps: int
    progress: float
    attempts: int
    error: str
    worker: str
    cancel_requested: bool
    stage: str  # what a running job is doing that its status does not say: "loading", "canceling", or ""
    requester: UserRef | None
    retry_of: int | None
    take: int | None
    created_at: str
    started_at: str | None
    finished_at: str | None

    @classmethod
    def of(cls, job, *, take_id: int | None = None) -> JobData:
        """``job`` with its requester and its shot's scene at hand (select_related), or this reads them."""
        request = job.generation_request
        return cls(
            id=job.pk, version=job.version, shot=job.shot_id, shot_number=job.shot.number,
            scene_heading=job.shot.scene.heading, kind=job.kind, mode=request.mode, mode_label=request.mode_label,
            status=job.status,
            model=job.model, model_label=model_label(job.model), prompt=request.prompt, seed=request.seed,
            width=request.width, height=request.height, step=job.step, total_steps=job.total_steps,
            progress=job.progress, attempts=job.attempts, error=job.error, worker=job.worker,
            cancel_requested=job.cancel_requested, stage=stage_of(job),
            requester=UserRef.of(job.requester) if job.requester else None, retry_of=job.retry_of_id, take=take_id,
            created_at=iso(job.created_at), started_at=iso(job.started_at), finished_at=iso(job.finished_at),
        )


def stage_of(job) -> str:
    """A running job's stage beyond "running": "canceling" once asked to stop (until its worker stops), "loading"
    while its worker loads the model (the first job after a start: tens of seconds with no step); else ""."""
    if job.status != "running":
        return ""
    if job.cancel_requested:
        return "canceling"
    return "loading" if job.loading else ""


def model_label(name: str) -> str:
    """The configured model's label; its name when it is no longer configured."""
    registry = runtime.registry()
    return (registry.get(name).label or name) if name in registry else name


@dataclass(frozen=True, kw_only=True)
class MadeWith:
    """What a generated take was made with, from its provenance: the model then, and its typed request."""

    model: str
    model_label: str
    mode: str
    mode_label: str  # as JobData's
    seed: int
    steps: int
    guidance: float
    quality: str
    prompt: str
    references: int
    strength: float | None  # when it started from an image (image-to-image, or depth-guided from one) only
    seconds: float | None

    @classmethod
    def of(cls, take) -> MadeWith | None:
        request = take.generation_request
        if take.source != "generated" or request is None:
            return None
        p = take.provenance
        frame = request.kind == "frame"
        return cls(
            model=request.model or p.get("model", ""), model_label=p.get("label") or p.get("model", ""),
            mode=request.mode, mode_label=request.mode_label, seed=request.seed, steps=request.steps,
            guidance=request.guidance,
            quality=request.quality, prompt=request.prompt,
            references=len(request.reference_images) if frame else 0,
            strength=request.strength if frame and request.from_image else None, seconds=p.get("seconds"),
        )


@dataclass(frozen=True, kw_only=True)
class TakeData:
    """A take as pages and the API show it; ``version`` grows with every write of the take (a review)."""

    id: int
    version: int
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
    made_with: MadeWith | None
    uploaded_as: str
    smoke_test: bool
    review: str
    reviewed_by: UserRef | None
    picked: bool
    created_by: UserRef | None
    created_at: str

    @classmethod
    def of(cls, take) -> TakeData:
        return cls(
            id=take.pk, version=take.version, shot=take.shot_id, number=take.number, job=take.job_id,
            kind=take.kind, source=take.source, url=files.take_url(take), thumbnail_url=files.take_thumbnail_url(take),
            depth_url=files.take_depth_url(take), layout_version=take.layout_version, content_type=take.content_type,
            width=take.width, height=take.height, frames=take.frames, fps=take.fps, provenance=take.provenance,
            made_with=MadeWith.of(take),
            uploaded_as=(take.provenance or {}).get("uploaded_as", "") if take.source == "uploaded" else "",
            smoke_test=take.smoke_test, review=take.review,
            reviewed_by=UserRef.of(take.reviewed_by) if take.reviewed_by else None, picked=take.picked,
            created_by=UserRef.of(take.created_by) if take.created_by else None, created_at=iso(take.created_at),
        )


@dataclass(frozen=True, kw_only=True)
class JobQueued(Event):
    """A job entered the queue: submitted, retried, or put back after its worker stopped answering."""

    type = "job.queued"
    job: JobData
    requeued: bool = False
    position: int  # its place in the studio's queue (all projects) as it joined: see selectors.queue_positions


@dataclass(frozen=True, kw_only=True)
class JobStarted(Event):
    type = "job.started"
    job: JobData


@dataclass(frozen=True, kw_only=True)
class JobLoading(Event):
    """The job's worker is loading its model (``job.model``, ``job.model_label``) before the first step: the first
    job after a worker starts, or one whose model was evicted. ``job.stage`` is "loading" until its first step."""

    type = "job.loading"
    job: JobData


@dataclass(frozen=True, kw_only=True)
class JobProgress(Event):
    """A denoising step finished. ``preview`` is a small JPEG data URL every few steps, else None."""

    type = "job.progress"
    id: int
    version: int
    shot: int
    step: int
    total: int
    preview: str | None


@dataclass(frozen=True, kw_only=True)
class JobStopping(Event):
    """Someone asked a running job to stop; its worker stops after the step it is on (then ``job.canceled``)."""

    type = "job.stopping"
    job: JobData


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


@dataclass(frozen=True, kw_only=True)
class TakePicked(Event):
    """A shot's picked take changed (``take`` None: the pick was taken back). ``selected`` is the take the shot's
    storyboard panel and cut now use (``renders.selectors.selected_takes``), and why."""

    type = "take.picked"
    shot: int
    take: TakeData | None
    unpicked: int | None  # the take picked before, if another
    selected: int | None
    selected_reason: str
