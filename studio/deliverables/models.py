"""Exports: the files that leave the studio (a storyboard PDF, an animatic, an OTIO bundle with its media), each
made by a job on the export worker, with its options, progress, warnings and provenance (which take of which shot
version went in). Quick exports (the shot list, OTIO, EDL, FCP XML) are made on request and not stored."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from studio.projects.models import Project
from studio.screenplay.models import Scene


def export_path(instance: Export, filename: str) -> str:
    return f"exports/{instance.project_id}/{uuid.uuid4().hex}/{filename}"


class Export(models.Model):
    class Kind(models.TextChoices):
        STORYBOARD_PDF = "storyboard_pdf", "Storyboard PDF"
        ANIMATIC = "animatic", "Animatic"
        OTIOZ = "otioz", "OTIO bundle with media"

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Ready"
        FAILED = "failed", "Failed"
        CANCELED = "canceled", "Canceled"

    ACTIVE = (Status.QUEUED, Status.RUNNING)

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="exports")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    options = models.JSONField(default=dict, blank=True)
    scene = models.ForeignKey(Scene, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                              help_text="One scene only; none: the whole board.")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.QUEUED)
    step = models.PositiveIntegerField(default=0)
    total_steps = models.PositiveIntegerField(default=0)
    cancel_requested = models.BooleanField(default=False)
    file = models.FileField(upload_to=export_path, max_length=255, blank=True)
    extra_files = models.JSONField(default=dict, blank=True, help_text="Files beside it: {'vtt': name, …}.")
    bytes = models.PositiveBigIntegerField(default=0)
    warnings = models.JSONField(default=list, blank=True)
    provenance = models.JSONField(default=dict, blank=True, help_text="What went in: each shot, version and take.")
    error = models.TextField(blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                     related_name="+")
    worker = models.CharField(max_length=120, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True, help_text="Its worker's last sign of life.")
    finished_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["project", "created_at"]), models.Index(fields=["status", "heartbeat_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.pk} of project {self.project_id}"
