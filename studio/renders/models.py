"""Generation jobs and the takes they leave on a shot.

A job is one request to the generation engine (``generation/``): what to make, for which shot, and
where it stands in the queue. A worker claims it, holds a lease it renews while running, and turns
it into exactly one take (``Take.job`` is one-to-one). A take is one version of a shot's frame or
clip, generated or uploaded, with its provenance: enough to make it again.
"""

from __future__ import annotations

import uuid
from functools import cached_property

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from generation.errors import RequestError
from generation.requests import ClipRequest, FrameRequest, request_from_dict
from studio.projects.models import Project
from studio.shots.models import Shot


def save_version(obj: GenerationJob | Take, fields: list[str]) -> None:
    """Save ``fields`` of a row the caller holds locked, one version later (pages ignore older events)."""
    obj.version += 1
    obj.save(update_fields=[*fields, "version"])


class GenerationJob(models.Model):
    class Kind(models.TextChoices):
        FRAME = "frame", "Frame"
        CLIP = "clip", "Clip"

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"
        CANCELED = "canceled", "Canceled"

    ACTIVE = (Status.QUEUED, Status.RUNNING)
    FINISHED = (Status.SUCCEEDED, Status.FAILED, Status.CANCELED)

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="generation_jobs")
    shot = models.ForeignKey(Shot, on_delete=models.CASCADE, related_name="generation_jobs")
    requester = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                  related_name="generation_jobs")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    request = models.JSONField(help_text="The generation request, as generation.requests.to_dict() gives it.")
    model = models.CharField(max_length=120)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.QUEUED)
    step = models.PositiveIntegerField(default=0)
    total_steps = models.PositiveIntegerField(default=0)
    attempts = models.PositiveSmallIntegerField(default=0, help_text="How many times a worker claimed it.")
    max_attempts = models.PositiveSmallIntegerField(default=3)
    worker = models.CharField(max_length=120, blank=True, help_text="The worker that holds it now.")
    lease_expires_at = models.DateTimeField(null=True, blank=True)
    cancel_requested = models.BooleanField(default=False)
    loading = models.BooleanField(default=False, help_text="Its worker is loading the model (a cold start); steps "
                                                           "come after.")
    error = models.TextField(blank=True)
    retry_of = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="retries")
    layout_version = models.PositiveIntegerField(
        null=True, blank=True, help_text="The version of the shot's 3D layout its depth (or init) image came from.")
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(
        default=1, help_text="Bumped by every write; pages ignore an event older than what they show.")

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "created_at", "id"], name="job_queue_order"),
            models.Index(fields=["status", "lease_expires_at"]),
            models.Index(fields=["project", "status"]),
            models.Index(fields=["requester", "status"]),
            models.Index(fields=["project", "created_at"]),
        ]

    def __str__(self) -> str:
        return f"Job {self.pk} ({self.kind}, {self.status})"

    @property
    def progress(self) -> float:
        if self.status == self.Status.SUCCEEDED:
            return 1.0
        return round(self.step / self.total_steps, 4) if self.total_steps else 0.0

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE

    @cached_property
    def generation_request(self) -> FrameRequest | ClipRequest:
        """``request`` as the typed request it was stored from: read prompt, seed, size and mode here."""
        return request_from_dict(self.request)


def take_path(instance: Take, filename: str) -> str:
    return f"takes/{instance.project_id}/{instance.shot_id}/{uuid.uuid4().hex}{_suffix(filename)}"


def take_thumb_path(instance: Take, filename: str) -> str:
    return f"takes/{instance.project_id}/{instance.shot_id}/thumbs/{uuid.uuid4().hex}{_suffix(filename)}"


def input_path(project_id: int, filename: str) -> str:
    """Where an image given to a job (an init or depth image) is kept, so the job can be made again."""
    return f"inputs/{project_id}/{uuid.uuid4().hex}{_suffix(filename)}"


def _suffix(filename: str) -> str:
    dot = filename.rfind(".")
    return filename[dot:].lower()[:6] if dot != -1 else ""


class Take(models.Model):
    class Kind(models.TextChoices):
        IMAGE = "image", "Image"
        CLIP = "clip", "Clip"

    class Source(models.TextChoices):
        GENERATED = "generated", "Generated"
        UPLOADED = "uploaded", "Uploaded"
        PREVIZ = "previz", "Previz capture"

    class Review(models.TextChoices):
        PENDING = "pending", "Not reviewed"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="takes")
    shot = models.ForeignKey(Shot, on_delete=models.CASCADE, related_name="takes")
    number = models.PositiveIntegerField(help_text="v1, v2, … within the shot; never reused.")
    job = models.OneToOneField(GenerationJob, on_delete=models.SET_NULL, null=True, blank=True, related_name="take")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    source = models.CharField(max_length=12, choices=Source.choices)
    media = models.FileField(upload_to=take_path, max_length=255)
    thumbnail = models.FileField(upload_to=take_thumb_path, max_length=255)
    depth = models.FileField(upload_to=take_path, max_length=255, blank=True,
                             help_text="A previz capture's depth map (near = white), for depth-guided generation.")
    layout_version = models.PositiveIntegerField(null=True, blank=True,
                                                 help_text="The version of the shot's 3D layout it was made from.")
    content_type = models.CharField(max_length=40)
    width = models.PositiveIntegerField(validators=[MinValueValidator(1)])
    height = models.PositiveIntegerField(validators=[MinValueValidator(1)])
    frames = models.PositiveIntegerField(default=1)
    fps = models.PositiveSmallIntegerField(null=True, blank=True, validators=[MaxValueValidator(240)])
    provenance = models.JSONField(default=dict, blank=True,
                                  help_text="Model, seed and the full request of a generated take.")
    smoke_test = models.BooleanField(default=False, help_text="Made by a tiny random-weight model: not a real image.")
    review = models.CharField(max_length=10, choices=Review.choices, default=Review.PENDING)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+")
    reviewed_at = models.DateTimeField(null=True, blank=True)
    picked = models.BooleanField(
        default=False, help_text="Chosen for the storyboard and the cut (one per shot; an approved take comes first).")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(
        default=1, help_text="Bumped by every write; pages ignore an event older than what they show.")

    class Meta:
        ordering = ["shot_id", "-number"]
        constraints = [models.UniqueConstraint(fields=["shot", "number"], name="take_number_unique_in_shot"),
                       models.UniqueConstraint(fields=["shot"], condition=models.Q(picked=True),
                                               name="one_picked_take_a_shot")]
        indexes = [models.Index(fields=["project", "created_at"])]

    def __str__(self) -> str:
        return f"Take v{self.number} of shot {self.shot_id}"

    @cached_property
    def generation_request(self) -> FrameRequest | ClipRequest | None:
        """The request a generated take was made from (its provenance keeps it), typed; None for uploads and
        previz captures, and for a provenance whose request no longer reads."""
        data = (self.provenance or {}).get("request")
        if data is None:
            return None
        try:
            return request_from_dict(data)
        except RequestError:
            return None
