"""Writes to generation jobs and takes: from people (submit, cancel, retry, upload, review) and from
workers (claim, progress, renew, finish, sweep).

People's writes check the permission table like every service. A worker's writes name the worker:
each one changes the job only while that worker still holds it (status running, ``worker`` its id),
so a worker that lost its lease (it stalled, the sweeper gave the job to another) can no longer touch
the job, and a job leaves exactly one take however many workers tried it.
"""

from __future__ import annotations

import base64
import dataclasses
import math
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from PIL import Image

from generation import outputs
from generation.errors import RequestError
from generation.requests import ClipRequest, FrameRequest
from generation.requests import validate as validate_request
from studio.core.errors import Conflict, QuotaExceeded
from studio.core.images import clean_image_upload
from studio.live.events import UserRef
from studio.projects.access import authorize
from studio.projects.models import Project
from studio.projects.permissions import Capability
from studio.shots.models import LayoutVersion, Shot

from . import events, media, prompt, queue, runtime
from .events import JobData, TakeData
from .models import GenerationJob, Take, input_path

Status = GenerationJob.Status

# Defaults a request gets for what the person did not set: steps and the long side of the frame.
SMOKE_TEST_STEPS, SMOKE_TEST_BASE = 4, 104  # 160×64 at 2.39:1: tiny, and fast on a CPU
FAMILY_DEFAULTS = {"sd": (28, 512), "sdxl": (30, 1024), "wan": (30, 480)}


# --- Submitting ---------------------------------------------------------------


def model_defaults(spec) -> dict:
    if spec.smoke_test:
        steps, base = SMOKE_TEST_STEPS, SMOKE_TEST_BASE
    else:
        steps, base = FAMILY_DEFAULTS.get(spec.family, (25, 512))
    return {"steps": steps, "base": base}


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
    image = clean_image_upload(upload, max_bytes=settings.STUDIO_MAX_REFERENCE_BYTES,
                               max_pixels=settings.STUDIO_MAX_IMAGE_PIXELS, field=field)
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


def _request_errors(exc: RequestError) -> ValidationError:
    return ValidationError({name: [_sentence(name, message)] for name, message in exc.errors.items()})


@transaction.atomic
def job_submit(*, actor, shot: Shot, kind: str = GenerationJob.Kind.FRAME, prompt_text: str | None = None,
               negative_prompt: str | None = None, seed: int | None = None, model: str | None = None,
               width: int | None = None, height: int | None = None, steps: int | None = None,
               guidance: float | None = None, quality: str = "standard", init_take: int | None = None,
               init_image=None, strength: float | None = None, depth_image=None, depth_take: int | None = None,
               depth_scale: float | None = None,
               use_references: bool = False, reference_scale: float | None = None, frames: int | None = None,
               fps: int | None = None, first_frame_take: int | None = None, first_frame=None) -> GenerationJob:
    """Queue a frame or a clip for ``shot``. What is not given comes from the shot (prompt, seed, the
    characters' references), the project (aspect ratio) and the model (steps, size)."""
    project = shot.project
    authorize(actor=actor, project=project, capability=Capability.GENERATE)
    Project.objects.select_for_update().get(pk=project.pk)  # limits are counted one submission at a time
    get_user_model().objects.select_for_update().get(pk=actor.pk)
    _check_limits(actor=actor, project=project)
    if kind not in GenerationJob.Kind.values:
        raise ValidationError({"kind": [f"Choose one of: {', '.join(GenerationJob.Kind.values)}."]})

    registry = runtime.registry()
    model = model or registry.default_for(kind).name
    spec = registry.get(model) if model in registry.names() else None
    if spec is None:
        raise ValidationError({"model": [f"No model is called {model!r}. Models: {', '.join(registry.names())}."]})
    defaults = model_defaults(spec)
    shot = Shot.objects.select_related("scene", "project").prefetch_related("characters__references").get(pk=shot.pk)
    assembled = prompt.assemble(shot, kind=kind)
    default_w, default_h = prompt.frame_size(project.aspect_ratio, defaults["base"])
    common = dict(
        prompt=assembled.prompt if prompt_text is None else prompt_text,
        negative_prompt=assembled.negative_prompt if negative_prompt is None else negative_prompt,
        width=width or default_w, height=height or default_h, steps=steps or defaults["steps"],
        seed=assembled.seed if seed is None else seed, model=model, quality=quality,
    )
    if guidance is not None:
        common["guidance"] = guidance
    layout_version = None
    depth_name = None
    if depth_take is not None:
        if depth_image is not None:
            raise ValidationError({"depth_take": ["Send a depth map or a capture, not both."]})
        capture = Take.objects.filter(project_id=shot.project_id, pk=depth_take).first()
        if capture is None or not capture.depth:
            raise ValidationError({"depth_take": [f"Take {depth_take} is not a previz capture with a depth map "
                                                  "in this project."]})
        depth_name, layout_version = capture.depth.name, capture.layout_version
    if kind == GenerationJob.Kind.FRAME:
        if frames is not None or fps is not None or first_frame is not None or first_frame_take is not None:
            raise ValidationError({"kind": ["frames, fps and a first frame are for clips; send kind 'clip'."]})
        request = FrameRequest(
            **common,
            init_image=_take_image(shot, init_take, "init_take") or ("pending" if init_image is not None else None),
            depth_image=depth_name or ("pending" if depth_image is not None else None),
            reference_images=tuple(assembled.references) if use_references else (),
            **{k: v for k, v in (("strength", strength), ("depth_scale", depth_scale),
                                 ("reference_scale", reference_scale)) if v is not None},
        )
        if use_references and not assembled.references:
            raise ValidationError({"use_references": ["No character in this shot has a reference image."]})
    else:
        if (init_take is not None or init_image is not None or depth_image is not None or depth_take is not None
                or use_references):
            raise ValidationError({"kind": ["Init, depth and reference images are for frames; a clip takes "
                                            "a first frame."]})
        request = ClipRequest(
            **common, **{k: v for k, v in (("frames", frames), ("fps", fps)) if v is not None},
            first_frame=_take_image(shot, first_frame_take, "first_frame_take")
            or ("pending" if first_frame is not None else None),
        )
    try:
        validate_request(request, registry)
    except RequestError as exc:
        raise _request_errors(exc) from None
    uploads = {"init_image": init_image, "depth_image": depth_image, "first_frame": first_frame}
    stored = {name: _store_input(project, upload, name) for name, upload in uploads.items() if upload is not None}
    if stored:
        request = dataclasses.replace(request, **stored)

    job = GenerationJob.objects.create(
        project=project, shot=shot, requester=actor, kind=kind, request=request.to_dict(), model=model,
        max_attempts=settings.STUDIO_JOB_MAX_ATTEMPTS, total_steps=request.steps, layout_version=layout_version,
    )
    _queued(job, actor=actor)
    return job


def _queued(job: GenerationJob, *, actor=None, requeued: bool = False) -> None:
    events.publish(events.JobQueued(project_id=job.project_id, actor=UserRef.of(actor) if actor else None,
                                    job=JobData.of(job), requeued=requeued))
    job_id = job.pk
    transaction.on_commit(lambda: queue.enqueue(job_id), robust=True)


def _locked_job(job: GenerationJob) -> GenerationJob:
    return GenerationJob.objects.select_for_update(of=("self",)).select_related("requester").get(pk=job.pk)


@transaction.atomic
def job_cancel(*, actor, job: GenerationJob) -> GenerationJob:
    """A queued job is canceled at once; a running one is asked to stop (its worker stops after the step
    it is on and discards the half-made output)."""
    authorize(actor=actor, project=job.project, capability=Capability.GENERATE)
    job = _locked_job(job)
    if job.status == Status.QUEUED:
        job.status, job.finished_at = Status.CANCELED, timezone.now()
        job.save(update_fields=["status", "finished_at"])
        events.publish(events.JobCanceled(project_id=job.project_id, actor=UserRef.of(actor), job=JobData.of(job)))
    elif job.status == Status.RUNNING:
        if not job.cancel_requested:
            job.cancel_requested = True
            job.save(update_fields=["cancel_requested"])
    else:
        raise Conflict(f"This job has already {job.status}; there is nothing to cancel.")
    return job


@transaction.atomic
def job_retry(*, actor, job: GenerationJob) -> GenerationJob:
    """Submit a failed or canceled job again, as a new job with the same request."""
    project = job.project
    authorize(actor=actor, project=project, capability=Capability.GENERATE)
    job = _locked_job(job)
    if job.status not in (Status.FAILED, Status.CANCELED):
        raise Conflict(f"Only a failed or canceled job can be retried; this one is {job.status}.")
    Project.objects.select_for_update().get(pk=project.pk)
    get_user_model().objects.select_for_update().get(pk=actor.pk)
    _check_limits(actor=actor, project=project)
    retry = GenerationJob.objects.create(
        project=project, shot_id=job.shot_id, requester=actor, kind=job.kind, request=job.request, model=job.model,
        max_attempts=settings.STUDIO_JOB_MAX_ATTEMPTS, total_steps=job.total_steps, retry_of=job,
        layout_version=job.layout_version,
    )
    _queued(retry, actor=actor)
    return retry


# --- Takes from people -----------------------------------------------------------


def _next_take_number(shot_id: int) -> int:
    Shot.objects.select_for_update().filter(pk=shot_id).first()
    return (Take.objects.filter(shot_id=shot_id).aggregate(n=Max("number"))["n"] or 0) + 1


@transaction.atomic
def take_upload(*, actor, shot: Shot, upload) -> Take:
    """An image or clip made outside the studio (storyboard artists draw too) as the shot's next take."""
    authorize(actor=actor, project=shot.project, capability=Capability.EDIT_SHOTS)
    probe = media.probe_upload(upload)
    take = Take(
        project_id=shot.project_id, shot=shot, number=_next_take_number(shot.pk), kind=probe.kind,
        source=Take.Source.UPLOADED, content_type=probe.content_type, width=probe.width, height=probe.height,
        frames=probe.frames, fps=probe.fps, created_by=actor,
        provenance={"uploaded_as": getattr(upload, "name", "")[:200]},
    )
    take.media.save(f"upload.{probe.extension}", probe.content, save=False)
    take.thumbnail.save("thumb.jpg", probe.thumbnail, save=False)
    take.save()
    events.publish(events.TakeCreated(project_id=take.project_id, actor=UserRef.of(actor), take=TakeData.of(take)))
    return take


@transaction.atomic
def take_capture(*, actor, shot: Shot, image, depth, layout_version: int) -> Take:
    """A frame rendered through the shot camera of the 3D layout, with its depth map: a storyboard frame
    made without any model, and the depth a depth-guided job can start from."""
    authorize(actor=actor, project=shot.project, capability=Capability.EDIT_SHOTS)
    limits = {"max_bytes": settings.STUDIO_MAX_TAKE_BYTES, "max_pixels": settings.STUDIO_MAX_IMAGE_PIXELS}
    colour = clean_image_upload(image, field="image", **limits)
    depth_map = clean_image_upload(depth, field="depth", **limits)
    if (colour.width, colour.height) != (depth_map.width, depth_map.height):
        raise ValidationError({"depth": [f"The depth map is {depth_map.width}×{depth_map.height}; the image is "
                                         f"{colour.width}×{colour.height}. They must match."]})
    saved = LayoutVersion.objects.filter(layout__shot=shot, version=layout_version).first()
    if saved is None:
        raise ValidationError({"layout_version": [f"This shot's layout has no version {layout_version}; save the "
                                                  "layout, then capture."]})
    take = Take(
        project_id=shot.project_id, shot=shot, number=_next_take_number(shot.pk), kind=Take.Kind.IMAGE,
        source=Take.Source.PREVIZ, content_type=media.IMAGE_TYPES[colour.extension], width=colour.width,
        height=colour.height, created_by=actor, layout_version=layout_version,
        provenance={"layout_version": layout_version, "camera": saved.data["camera"]},
    )
    take.media.save(f"capture.{colour.extension}", colour.content, save=False)
    take.depth.save(f"depth.{depth_map.extension}", depth_map.content, save=False)
    take.thumbnail.save("thumb.jpg", colour.thumbnail, save=False)
    take.save()
    events.publish(events.TakeCreated(project_id=take.project_id, actor=UserRef.of(actor), take=TakeData.of(take)))
    return take


MAX_ANIMATIC_FRAMES = 480


def take_animatic(*, actor, shot: Shot, frames: list, fps: int, layout_version: int) -> Take:
    """The camera move of the 3D layout, rendered frame by frame in the browser, as an MP4 take (an
    animatic clip, and a first frame for image-to-video). Encoding happens before the transaction."""
    authorize(actor=actor, project=shot.project, capability=Capability.EDIT_SHOTS)
    if not 1 <= len(frames) <= MAX_ANIMATIC_FRAMES:
        raise ValidationError({"frames": [f"Send 1 to {MAX_ANIMATIC_FRAMES} frames (got {len(frames)})."]})
    if not 1 <= fps <= 60:
        raise ValidationError({"fps": ["Frames a second must be between 1 and 60."]})
    limits = {"max_bytes": settings.STUDIO_MAX_REFERENCE_BYTES, "max_pixels": 4096 * 2304}
    images = []
    for i, upload in enumerate(frames):
        clean = clean_image_upload(upload, field="frames", **limits)
        with Image.open(clean.content) as image:
            images.append(image.convert("RGB"))
        if images[-1].size != images[0].size:
            raise ValidationError({"frames": [f"Frame {i + 1} is {images[-1].width}×{images[-1].height}; the first is "
                                              f"{images[0].width}×{images[0].height}. They must match."]})
    clip = outputs.mp4_bytes(images, fps)
    return _store_animatic(actor=actor, shot=shot, clip=clip, first=images[0], frames=len(images), fps=fps,
                           layout_version=layout_version)


@transaction.atomic
def _store_animatic(*, actor, shot, clip: bytes, first, frames: int, fps: int, layout_version: int) -> Take:
    if not LayoutVersion.objects.filter(layout__shot=shot, version=layout_version).exists():
        raise ValidationError({"layout_version": [f"This shot's layout has no version {layout_version}; save the "
                                                  "layout, then render the move."]})
    take = Take(
        project_id=shot.project_id, shot=shot, number=_next_take_number(shot.pk), kind=Take.Kind.CLIP,
        source=Take.Source.PREVIZ, content_type="video/mp4", width=first.width + first.width % 2,
        height=first.height + first.height % 2, frames=frames, fps=fps, created_by=actor,
        layout_version=layout_version, provenance={"layout_version": layout_version, "animatic": True},
    )
    take.media.save("animatic.mp4", ContentFile(clip), save=False)
    take.thumbnail.save("thumb.jpg", ContentFile(media.thumbnail_jpeg(first)), save=False)
    take.save()
    events.publish(events.TakeCreated(project_id=take.project_id, actor=UserRef.of(actor), take=TakeData.of(take)))
    return take


@transaction.atomic
def take_review(*, actor, take: Take, decision: str) -> Take:
    """Approve or reject a take (or set it back to not reviewed)."""
    authorize(actor=actor, project=take.project, capability=Capability.REVIEW)
    if decision not in Take.Review.values:
        raise ValidationError({"decision": [f"Choose one of: {', '.join(Take.Review.values)}."]})
    take = Take.objects.select_for_update(of=("self",)).select_related("created_by").get(pk=take.pk)
    if take.review != decision:
        take.review = decision
        take.reviewed_by = actor if decision != Take.Review.PENDING else None
        take.reviewed_at = timezone.now() if decision != Take.Review.PENDING else None
        take.save(update_fields=["review", "reviewed_by", "reviewed_at"])
        events.publish(events.TakeUpdated(project_id=take.project_id, actor=UserRef.of(actor),
                                          take=TakeData.of(take), changed=["review"]))
    return take


# --- Workers ------------------------------------------------------------------------


def _lease_end():
    return timezone.now() + timedelta(seconds=settings.STUDIO_JOB_LEASE_S)


def _held(job_id: int, worker: str):
    """The job, locked, while ``worker`` still holds it; None once it does not."""
    return (GenerationJob.objects.select_for_update(of=("self",)).select_related("requester")
            .filter(pk=job_id, status=Status.RUNNING, worker=worker).first())


@transaction.atomic
def job_claim(*, job_id: int, worker: str) -> GenerationJob | None:
    """Take a queued job for ``worker``: None when it is gone, canceled, or another worker has it.
    ``SKIP LOCKED``: two workers never wait on each other for the same row."""
    job = (GenerationJob.objects.select_for_update(skip_locked=True, of=("self",))
           .select_related("requester", "project")
           .filter(pk=job_id, status=Status.QUEUED).first())
    if job is None:
        return None
    now = timezone.now()
    job.status, job.worker, job.lease_expires_at = Status.RUNNING, worker, _lease_end()
    job.attempts += 1
    job.started_at, job.step = now, 0  # ``error`` keeps the note of a lost attempt, if any
    job.save(update_fields=["status", "worker", "lease_expires_at", "attempts", "started_at", "step"])
    events.publish(events.JobStarted(project_id=job.project_id, job=JobData.of(job)))
    return job


def job_renew(*, job_id: int, worker: str) -> tuple[bool, bool]:
    """Extend the lease. Returns (still held, cancel requested)."""
    held = GenerationJob.objects.filter(pk=job_id, status=Status.RUNNING, worker=worker)
    if not held.update(lease_expires_at=_lease_end()):
        return False, False
    return True, bool(held.values_list("cancel_requested", flat=True).first())


def job_progress(*, job_id: int, worker: str, shot_id: int, project_id: int, step: int, total: int,
                 preview_jpeg: bytes | None) -> bool:
    """Record a finished step and tell the project. Returns whether the worker still holds the job."""
    held = GenerationJob.objects.filter(pk=job_id, status=Status.RUNNING, worker=worker)
    if not held.update(step=step, total_steps=total):
        return False
    preview = f"data:image/jpeg;base64,{base64.b64encode(preview_jpeg).decode()}" if preview_jpeg else None
    events.publish(events.JobProgress(project_id=project_id, id=job_id, shot=shot_id, step=step, total=total,
                                      preview=preview))
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
    """Store the take and close the job, once: None (and nothing stored) when the worker lost the job."""
    job = _held(job_id, worker)
    if job is None:
        return None
    take = Take(
        project_id=job.project_id, shot_id=job.shot_id, number=_next_take_number(job.shot_id), job=job,
        kind=made.kind, source=Take.Source.GENERATED, content_type=made.content_type, width=made.width,
        height=made.height, frames=made.frames, fps=made.fps, provenance=made.provenance,
        smoke_test=made.smoke_test, created_by=job.requester, layout_version=job.layout_version,
    )
    take.media.save(f"take.{made.extension}", ContentFile(made.content), save=False)
    take.thumbnail.save("thumb.jpg", ContentFile(made.thumbnail), save=False)
    take.save()
    job.status, job.finished_at, job.lease_expires_at = Status.SUCCEEDED, timezone.now(), None
    job.step = job.total_steps
    job.save(update_fields=["status", "finished_at", "lease_expires_at", "step"])
    events.publish(events.TakeCreated(project_id=job.project_id, take=TakeData.of(take)))
    events.publish(events.JobSucceeded(project_id=job.project_id, job=JobData.of(job, take_id=take.pk)))
    return take


@transaction.atomic
def job_fail(*, job_id: int, worker: str, error: str) -> bool:
    job = _held(job_id, worker)
    if job is None:
        return False
    job.status, job.finished_at, job.lease_expires_at, job.error = Status.FAILED, timezone.now(), None, error[:2000]
    job.save(update_fields=["status", "finished_at", "lease_expires_at", "error"])
    events.publish(events.JobFailed(project_id=job.project_id, job=JobData.of(job)))
    return True


@transaction.atomic
def job_canceled(*, job_id: int, worker: str) -> bool:
    """The worker stopped the job because it was asked to; nothing it made is kept."""
    job = _held(job_id, worker)
    if job is None:
        return False
    job.status, job.finished_at, job.lease_expires_at = Status.CANCELED, timezone.now(), None
    job.save(update_fields=["status", "finished_at", "lease_expires_at"])
    events.publish(events.JobCanceled(project_id=job.project_id, job=JobData.of(job)))
    return True


@transaction.atomic
def jobs_sweep() -> dict[str, list[int]]:
    """Put back jobs whose worker stopped renewing its lease (it died or hung), up to their attempts;
    fail the ones that used them all, saying why. Any worker may sweep; rows another sweeper holds are
    skipped."""
    now = timezone.now()
    expired = list(GenerationJob.objects.select_for_update(skip_locked=True, of=("self",))
                   .select_related("requester")
                   .filter(status=Status.RUNNING, lease_expires_at__lt=now).order_by("id"))
    done: dict[str, list[int]] = {"requeued": [], "failed": [], "canceled": []}
    for job in expired:
        lost = job.worker
        job.worker, job.lease_expires_at, job.step = "", None, 0
        if job.cancel_requested:
            job.status, job.finished_at = Status.CANCELED, now
            job.save(update_fields=["status", "finished_at", "worker", "lease_expires_at", "step"])
            events.publish(events.JobCanceled(project_id=job.project_id, job=JobData.of(job)))
            done["canceled"].append(job.pk)
        elif job.attempts >= job.max_attempts:
            job.status, job.finished_at = Status.FAILED, now
            job.error = (f"The worker running it ({lost}) stopped responding, {job.attempts} time"
                         f"{'s' if job.attempts != 1 else ''} out of {job.max_attempts}; giving up.")
            job.save(update_fields=["status", "finished_at", "worker", "lease_expires_at", "step", "error"])
            events.publish(events.JobFailed(project_id=job.project_id, job=JobData.of(job)))
            done["failed"].append(job.pk)
        else:
            job.status = Status.QUEUED
            job.error = f"Attempt {job.attempts} was lost: the worker running it ({lost}) stopped responding."
            job.save(update_fields=["status", "worker", "lease_expires_at", "step", "error"])
            _queued(job, requeued=True)
            done["requeued"].append(job.pk)
    return done
