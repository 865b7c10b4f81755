"""Shots: how a scene is broken down for the camera."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models

from studio.cast.models import Character
from studio.projects.models import Project
from studio.screenplay.models import Scene

SHOT_NUMBER = RegexValidator(
    r"^[0-9A-Za-z][0-9A-Za-z.\-]{0,11}$", "Shot numbers are up to 12 letters, digits, dots or dashes, like 12A."
)


class Shot(models.Model):
    class Size(models.TextChoices):
        ECU = "ECU", "Extreme close-up"
        CU = "CU", "Close-up"
        MCU = "MCU", "Medium close-up"
        MS = "MS", "Medium shot"
        MLS = "MLS", "Medium long shot"
        LS = "LS", "Long shot"
        ELS = "ELS", "Extreme long shot"

    class Angle(models.TextChoices):
        EYE_LEVEL = "eye_level", "Eye level"
        HIGH = "high", "High angle"
        LOW = "low", "Low angle"
        OVERHEAD = "overhead", "Overhead"
        DUTCH = "dutch", "Dutch tilt"
        WORMS_EYE = "worms_eye", "Worm's eye"
        OVER_SHOULDER = "over_shoulder", "Over the shoulder"
        POV = "pov", "Point of view"

    class Movement(models.TextChoices):
        STATIC = "static", "Static"
        PAN = "pan", "Pan"
        TILT = "tilt", "Tilt"
        DOLLY_IN = "dolly_in", "Dolly in"
        DOLLY_OUT = "dolly_out", "Dolly out"
        TRUCK = "truck", "Truck"
        PEDESTAL = "pedestal", "Pedestal"
        ZOOM_IN = "zoom_in", "Zoom in"
        ZOOM_OUT = "zoom_out", "Zoom out"
        TRACKING = "tracking", "Tracking"
        CRANE = "crane", "Crane"
        HANDHELD = "handheld", "Handheld"
        STEADICAM = "steadicam", "Steadicam"
        AERIAL = "aerial", "Aerial"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        READY = "ready", "Ready"
        IN_REVIEW = "in_review", "In review"
        APPROVED = "approved", "Approved"

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="shots")
    scene = models.ForeignKey(Scene, on_delete=models.RESTRICT, related_name="shots")
    number = models.CharField(max_length=12, validators=[SHOT_NUMBER])
    order = models.PositiveIntegerField(default=0)
    size = models.CharField(max_length=3, choices=Size.choices, default=Size.MS)
    angle = models.CharField(max_length=16, choices=Angle.choices, default=Angle.EYE_LEVEL)
    movement = models.CharField(max_length=16, choices=Movement.choices, default=Movement.STATIC)
    lens_mm = models.PositiveSmallIntegerField(
        default=35, validators=[MinValueValidator(4), MaxValueValidator(1200)], help_text="Focal length in mm."
    )
    duration = models.DecimalField(
        max_digits=6, decimal_places=2, default=Decimal("3.00"),
        validators=[MinValueValidator(Decimal("0.1")), MaxValueValidator(Decimal("3600"))],
        help_text="Seconds.",
    )
    description = models.TextField(blank=True, max_length=4000, help_text="What we see: the action.")
    dialogue = models.TextField(blank=True, max_length=4000, help_text="Lines spoken over the shot.")
    characters = models.ManyToManyField(Character, blank=True, related_name="shots")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT)
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["scene__script_id", "scene__order", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["scene", "number"], name="shot_number_unique_in_scene"),
        ]
        indexes = [models.Index(fields=["scene", "order"]), models.Index(fields=["project", "status"])]

    def __str__(self) -> str:
        return f"Shot {self.number}"


class ShotLayout(models.Model):
    """The shot's 3D blocking (``shots.layout`` has its schema), stored without its camera's lens and
    framing size: those are the shot's ``lens_mm`` and ``size``, filled in when it is read
    (``layouts.served``). Each ``LayoutVersion`` keeps the layout as it was served when it was saved."""

    shot = models.OneToOneField(Shot, on_delete=models.CASCADE, related_name="layout")
    data = models.JSONField()
    version = models.PositiveIntegerField(default=1)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Layout of shot {self.shot_id} (v{self.version})"


class LayoutVersion(models.Model):
    """Every saved version of a layout: a save made from an older version is merged against it."""

    layout = models.ForeignKey(ShotLayout, on_delete=models.CASCADE, related_name="versions")
    version = models.PositiveIntegerField()
    data = models.JSONField()
    saved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="+")
    saved_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["layout_id", "-version"]
        constraints = [models.UniqueConstraint(fields=["layout", "version"], name="layout_version_once")]

    def __str__(self) -> str:
        return f"Layout of shot {self.layout.shot_id}, v{self.version}"


def asset_path(instance: LayoutAsset, filename: str) -> str:
    import uuid

    suffix = ".glb" if filename.lower().endswith(".glb") else ".gltf"
    return f"assets/{instance.project_id}/{uuid.uuid4().hex}{suffix}"


# What a shot's status says (the shot page and the board's inspector show it), apart from its takes' reviews: a
# shot's approval signs off its framing, lens and duration (APPROVAL_COVERS: changing one sends it back to ready);
# a take's review judges that one frame or clip.
APPROVAL_COVERS = ("size", "lens_mm", "duration")
STATUS_MEANINGS = {
    Shot.Status.DRAFT: "The shot is still being worked out.",
    Shot.Status.READY: "Framing, lens and duration are set: ready for frames, and to go into review.",
    Shot.Status.IN_REVIEW: "Waiting for a reviewer to approve its framing, lens and duration.",
    Shot.Status.APPROVED: "A reviewer signed off its framing, lens and duration; changing any of them sends it "
                          "back to Ready.",
}
TAKE_REVIEWS_MEAN = ("Each take is reviewed on its own: approving a take picks the frame the board shows, and "
                     "does not approve the shot.")


class LayoutAsset(models.Model):
    """A glTF/GLB set imported into a project, placed in layouts as an ``environment`` object."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="layout_assets")
    name = models.CharField(max_length=200)
    file = models.FileField(upload_to=asset_path, max_length=255)
    bytes = models.PositiveBigIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.name
