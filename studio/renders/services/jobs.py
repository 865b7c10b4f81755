"""Jobs from people: submit one `JobOrder` for a shot, cancel, retry.

Each checks the permission table, counts the person's and the project's limits one submission at a time,
validates the typed request against the registry (every problem at once, by field), stores the job, publishes
``job.queued`` and enqueues its task after commit.
"""

from __future__ import annotations

import dataclasses
import math
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from generation.errors import RequestError
from generation.requests import ClipRequest, FrameRequest, cost, effective_steps
from generation.requests import validate as validate_request
from studio.core.errors import Conflict, QuotaExceeded
from studio.core.images import clean_image_upload
from studio.live.events import UserRef
from studio.projects.access import authorize
from studio.projects.models import Project
from studio.projects.permissions import Capability
from studio.shots.models import Shot

from .. import events, prompt, queue, runtime, selectors
from ..events import JobData
from ..models import GenerationJob, Take, input_path, save_version
from . import locks

Status = GenerationJob.Status


@dataclasses.dataclass(frozen=True, kw_only=True)
class JobOrder:
    """What a person asks a shot's job to be. What is left as None comes from the shot (prompt, seed, the
    characters' references), the project (aspect ratio) and the model (steps, size). Images come as a take of
    the project (``*_take``) or as an upload (``init_image``, ``depth_image``, ``first_frame``), not both."""

    kind: str = GenerationJob.Kind.FRAME
    prompt: str | None = None
    negative_prompt: str | None = None
    seed: int | None = None
    model: str | None = None
    width: int | None = None
    height: int | None = None
    steps: int | None = None
    guidance: float | None = None
    quality: str = "standard"
    init_take: int | None = None
    init_image: File | None = None
    strength: float | None = None
    depth_take: int | None = None
    depth_image: File | None = None
    depth_scale: float | None = None
    use_references: bool = False
    reference_scale: float | None = None
    frames: int | None = None
    fps: int | None = None
    first_frame_take: int | None = None
    first_frame: File | None = None


def _check_limits(*, actor, project: Project) -> None:
    active = GenerationJob.objects.filter(requester=actor, status__in=GenerationJob.ACTIVE).count()
    limit = settings.STUDIO_JOBS_PER_USER
    if active >= limit:
        raise QuotaExceeded(
            f"You already have {active} generation job{'s' if active != 1 else ''} queued or running; the limit is "
            f"{limit}. Wait for one to finish, or cancel one, then submit again.")
    since = timezone.now() - timedelta(days=1)
    recent = GenerationJob.objects.filter(project=project, created_at__gte=since)
    today, daily = recent.count(), settings.STUDIO_JOBS_PER_PROJECT_PER_DAY
    if today >= daily:
        oldest = recent.order_by("created_at").values_list("created_at", flat=True).first()
        wait = max(60, math.ceil((oldest + timedelta(days=1) - timezone.now()).total_seconds()))
        hours, minutes = divmod(math.ceil(wait / 60), 60)
        raise QuotaExceeded(
            f"This project has submitted {today} generation jobs in the last 24 hours, its daily limit of {daily}. "
            f"The next one can go in about {f'{hours} h ' if hours else ''}{minutes} min.", retry_after_s=wait)


def _store_input(project: Project, upload, field: str) -> str:
    image = clean_image_upload(upload, kind="input", max_bytes=settings.STUDIO_MAX_REFERENCE_BYTES, field=field)
    return default_storage.save(input_path(project.pk, f"input.{image.extension}"), image.content)


def _take_image(shot: Shot, take_id: int | None, field: str) -> str | None:
    if take_id is None:
        return None
    take = Take.objects.filter(project_id=shot.project_id, pk=take_id).first()
    if take is None:
        raise ValidationError({field: [f"Take {take_id} is not in this project."]})
    if take.kind != Take.Kind.IMAGE:
        raise ValidationError({field: [f"Take {take_id} is a clip; pick an image take."]})
    return take.media.name


def _sentence(field: str, message: str) -> str:
    """The engine's terse "must be a multiple of 8" as "Width must be a multiple of 8." for people."""
    if message.startswith(("must ", "is ")):
        message = f"{field.replace('_', ' ')} {message}"
    message = message[:1].upper() + message[1:]
    return message if message.endswith((".", "?", "!")) else message + "."


def _given(value, default):
    """What the person set, or the default when they set nothing (None): a 0 they sent is theirs, and refused."""
    return default if value is None else value


def device_kind(spec) -> str:
    """"cpu" or "cuda": what the model runs on (a spec on "auto" runs where the workers are:
    STUDIO_GENERATION_DEVICE)."""
    device = spec.device if spec.device != "auto" else settings.STUDIO_GENERATION_DEVICE
    return "cuda" if device.startswith("cuda") else "cpu"


def _check_cost(request, spec) -> None:
    """Refuse a job bigger than a worker of its device kind takes (STUDIO_MAX_JOB_COST): a worker checks cancel
    between steps, and one step of a huge job on a CPU can take minutes."""
    kind = device_kind(spec)
    limit, asked = settings.STUDIO_MAX_JOB_COST[kind], cost(request)
    if asked <= limit:
        return
    frames = f" × {request.frames} frames" if isinstance(request, ClipRequest) else ""
    raise ValidationError({"steps": [
        f"Too big for a {kind.upper()} worker: {request.width}×{request.height} × {effective_steps(request)} steps"
        f"{frames} is {asked / 1e6:.1f} million pixel-steps; the limit is {limit / 1e6:.1f} million. Use fewer "
        "steps, a smaller size or draft quality."]})


def _request_errors(exc: RequestError) -> ValidationError:
    return ValidationError({name: [_sentence(name, message)] for name, message in exc.errors.items()})


@transaction.atomic
def job_submit(*, actor, shot: Shot, order: JobOrder = JobOrder()) -> GenerationJob:
    """Queue the frame or clip ``order`` asks for on ``shot``."""
    project = shot.project
    authorize(actor=actor, project=project, capability=Capability.GENERATE)
    locks.lock_in_order(project_id=project.pk, person_id=actor.pk)  # limits are counted one submission at a time
    _check_limits(actor=actor, project=project)
    kind = order.kind
    if kind not in GenerationJob.Kind.values:
        raise ValidationError({"kind": [f"Choose one of: {', '.join(GenerationJob.Kind.values)}."]})

    registry = runtime.registry()
    default = registry.default_for(kind)
    model = order.model or (default.name if default else None)
    if model is None:
        raise ValidationError({"model": [f"No {kind} model is set up. Models: {', '.join(registry.names())}."]})
    spec = registry.get(model) if model in registry.names() else None
    if spec is None:
        raise ValidationError({"model": [f"No model is called {model!r}. Models: {', '.join(registry.names())}."]})
    shot = Shot.objects.select_related("scene", "project").prefetch_related("characters__references").get(pk=shot.pk)
    assembled = prompt.assemble(shot, kind=kind)
    default_w, default_h = spec.default_size(project.aspect_ratio)
    common = dict(
        prompt=assembled.prompt if order.prompt is None else order.prompt,
        negative_prompt=assembled.negative_prompt if order.negative_prompt is None else order.negative_prompt,
        width=_given(order.width, default_w), height=_given(order.height, default_h),
        steps=_given(order.steps, spec.default_steps),
        seed=assembled.seed if order.seed is None else order.seed, model=model, quality=order.quality,
    )
    if order.guidance is not None:
        common["guidance"] = order.guidance
    layout_version = None
    depth_name = None
    if order.depth_take is not None:
        if order.depth_image is not None:
            raise ValidationError({"depth_take": ["Send a depth map or a capture, not both."]})
        capture = Take.objects.filter(project_id=shot.project_id, pk=order.depth_take).first()
        if capture is None or not capture.depth:
            raise ValidationError({"depth_take": [f"Take {order.depth_take} is not a previz capture with a depth map "
                                                  "in this project."]})
        depth_name, layout_version = capture.depth.name, capture.layout_version
    if kind == GenerationJob.Kind.FRAME:
        if (order.frames is not None or order.fps is not None or order.first_frame is not None
                or order.first_frame_take is not None):
            raise ValidationError({"kind": ["frames, fps and a first frame are for clips; send kind 'clip'."]})
        request = FrameRequest(
            **common,
            init_image=_take_image(shot, order.init_take, "init_take")
            or ("pending" if order.init_image is not None else None),
            depth_image=depth_name or ("pending" if order.depth_image is not None else None),
            reference_images=tuple(assembled.references) if order.use_references else (),
            **{k: v for k, v in (("strength", order.strength), ("depth_scale", order.depth_scale),
                                 ("reference_scale", order.reference_scale)) if v is not None},
        )
        if order.use_references and not assembled.references:
            raise ValidationError({"use_references": ["No character in this shot has a reference image."]})
    else:
        if (order.init_take is not None or order.init_image is not None or order.depth_image is not None
                or order.depth_take is not None or order.use_references):
            raise ValidationError({"kind": ["Init, depth and reference images are for frames; a clip takes "
                                            "a first frame."]})
        request = ClipRequest(
            **common, **{k: v for k, v in (("frames", order.frames), ("fps", order.fps)) if v is not None},
            first_frame=_take_image(shot, order.first_frame_take, "first_frame_take")
            or ("pending" if order.first_frame is not None else None),
        )
    try:
        validate_request(request, registry)
    except RequestError as exc:
        raise _request_errors(exc) from None
    _check_cost(request, spec)
    uploads = {"init_image": order.init_image, "depth_image": order.depth_image, "first_frame": order.first_frame}
    stored = {name: _store_input(project, upload, name) for name, upload in uploads.items() if upload is not None}
    if stored:
        request = dataclasses.replace(request, **stored)

    job = GenerationJob.objects.create(
        project=project, shot=shot, requester=actor, kind=kind, request=request.to_dict(), model=model,
        max_attempts=settings.STUDIO_JOB_MAX_ATTEMPTS, total_steps=request.steps, layout_version=layout_version,
    )
    enqueue(job, actor=actor)
    return job


def enqueue(job: GenerationJob, *, actor=None, requeued: bool = False) -> None:
    """Tell the project the job is (again) in the queue, with its place in it, and ring the workers' doorbell
    (a django-tasks row) once the transaction commits. The sweep calls it for the jobs it puts back."""
    events.publish(events.JobQueued(project_id=job.project_id, actor=UserRef.of(actor) if actor else None,
                                    job=JobData.of(job), requeued=requeued,
                                    position=selectors.queue_position(job)))
    job_id = job.pk
    transaction.on_commit(lambda: queue.enqueue(job_id), robust=True)


def _locked_job(job: GenerationJob) -> GenerationJob:
    return locks.job(job.pk)


@transaction.atomic
def job_cancel(*, actor, job: GenerationJob) -> GenerationJob:
    """A queued job is canceled at once; a running one is asked to stop (its worker stops after the step
    it is on and discards the half-made output)."""
    authorize(actor=actor, project=job.project, capability=Capability.GENERATE)
    job = _locked_job(job)
    if job.status == Status.QUEUED:
        job.status, job.finished_at = Status.CANCELED, timezone.now()
        save_version(job, ["status", "finished_at"])
        events.publish(events.JobCanceled(project_id=job.project_id, actor=UserRef.of(actor), job=JobData.of(job)))
    elif job.status == Status.RUNNING:
        if not job.cancel_requested:
            job.cancel_requested = True
            save_version(job, ["cancel_requested"])
            events.publish(events.JobStopping(project_id=job.project_id, actor=UserRef.of(actor),
                                              job=JobData.of(job)))
    else:
        raise Conflict(f"This job has already {job.status}; there is nothing to cancel.")
    return job


@transaction.atomic
def job_retry(*, actor, job: GenerationJob) -> GenerationJob:
    """Submit a failed or canceled job again, as a new job with the same request."""
    project = job.project
    authorize(actor=actor, project=project, capability=Capability.GENERATE)
    locks.lock_in_order(project_id=project.pk, person_id=actor.pk)
    job = _locked_job(job)
    if job.status not in (Status.FAILED, Status.CANCELED):
        raise Conflict(f"Only a failed or canceled job can be retried; this one is {job.status}.")
    _check_limits(actor=actor, project=project)
    registry = runtime.registry()
    if job.model in registry:
        _check_cost(job.generation_request, registry.get(job.model))
    retry = GenerationJob.objects.create(
        project=project, shot=job.shot, requester=actor, kind=job.kind, request=job.request, model=job.model,
        max_attempts=settings.STUDIO_JOB_MAX_ATTEMPTS, total_steps=job.total_steps, retry_of=job,
        layout_version=job.layout_version,
    )
    enqueue(retry, actor=actor)
    return retry
