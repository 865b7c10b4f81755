"""Projects and the people on them."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models

from .permissions import Role


class Project(models.Model):
    class Format(models.TextChoices):
        FEATURE = "feature", "Feature film"
        SHORT = "short", "Short film"
        EPISODE = "episode", "Series episode"
        CINEMATIC = "cinematic", "Game cinematic"

    class AspectRatio(models.TextChoices):
        ACADEMY = "1.37", "1.37:1 Academy"
        HD = "1.78", "1.78:1 (16:9)"
        FLAT = "1.85", "1.85:1 Flat"
        UNIVISIUM = "2.00", "2.00:1 Univisium"
        SCOPE = "2.39", "2.39:1 Scope"
        FULLSCREEN = "1.33", "1.33:1 (4:3)"
        SQUARE = "1.00", "1:1 Square"
        VERTICAL = "0.56", "9:16 Vertical"

    # Stored with three decimals, as the column holds them, so "24.000" from the database matches its choice.
    FRAME_RATES = tuple(
        Decimal(rate).quantize(Decimal("0.001"))
        for rate in ("23.976", "24", "25", "29.97", "30", "48", "50", "59.94", "60")
    )

    title = models.CharField(max_length=200)
    logline = models.TextField(blank=True, max_length=1000)
    format = models.CharField(max_length=16, choices=Format.choices, default=Format.SHORT)
    aspect_ratio = models.CharField(max_length=8, choices=AspectRatio.choices, default=AspectRatio.SCOPE)
    frame_rate = models.DecimalField(
        max_digits=6, decimal_places=3, default=Decimal("24.000"),
        choices=[(rate, f"{rate.normalize():f} fps") for rate in FRAME_RATES],
    )
    style_prompt = models.TextField(
        blank=True, max_length=2000,
        help_text="The look of generated frames: medium, palette, lighting, film stock.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at", "-id"]

    def __str__(self) -> str:
        return self.title

    @property
    def aspect(self) -> float:
        return float(self.aspect_ratio)

    @property
    def fps(self) -> str:
        """The frame rate as people write it: 24, 23.976, 30 (never 3E+1)."""
        return f"{Decimal(self.frame_rate).normalize():f}"


class Membership(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=16, choices=Role.choices)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["project", "user"], name="one_membership_per_user_and_project"),
            models.CheckConstraint(condition=models.Q(role__in=Role.values), name="membership_role_valid"),
        ]
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.user} · {self.role} on {self.project}"
