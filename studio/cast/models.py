"""Characters and the reference images that keep their look consistent across shots."""

from __future__ import annotations

import secrets
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models.functions import Lower

from studio.projects.models import Project

MAX_SEED = 2**32 - 1
HEX_COLOR = RegexValidator(r"^#[0-9a-fA-F]{6}$", "Use a colour like #e4572e.")
VOICE_NAME = RegexValidator(r"^(piper:)?[A-Za-z0-9][A-Za-z0-9_+\-]{0,70}$",
                            "Name an espeak-ng voice (en-us, fr, ja) or piper:<voice>.")


def validate_voice_speed(value: int) -> None:
    if value and not 80 <= value <= 450:
        raise ValidationError("A speed is 80 to 450 words a minute, or 0 for the voice's own.")
CHARACTER_COLORS = ("#e4572e", "#29a19c", "#f3a712", "#4f86f7", "#a259ff", "#e83f6f", "#2bb673", "#ff7f50")


def random_seed() -> int:
    return secrets.randbelow(MAX_SEED + 1)


class Character(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="characters")
    name = models.CharField(max_length=120)
    aliases = models.JSONField(default=list, blank=True, help_text="Other names the script uses: nicknames, titles.")
    description = models.TextField(blank=True, max_length=4000)
    appearance_prompt = models.TextField(
        blank=True, max_length=2000, help_text="How the character looks, as words for the image model."
    )
    seed = models.BigIntegerField(default=random_seed, validators=[MinValueValidator(0), MaxValueValidator(MAX_SEED)])
    color = models.CharField(max_length=7, validators=[HEX_COLOR], default="#4f86f7")
    voice = models.CharField(max_length=80, blank=True, validators=[VOICE_NAME], help_text=(
        "The scratch-dialogue voice of the animatic: an espeak-ng voice (en-us, fr, ja, …) or piper:<name> for a "
        "Piper voice in STUDIO_TTS_VOICES; blank: the default voice."))
    voice_speed = models.PositiveSmallIntegerField(default=0, validators=[validate_voice_speed],
                                                   help_text="Words per minute (80–450); 0: the voice's own.")
    suggested = models.BooleanField(
        default=False, help_text="Found as a cue in the script and not yet confirmed by anyone.")
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(Lower("name"), "project", name="character_name_unique_in_project"),
            models.CheckConstraint(condition=models.Q(seed__gte=0), name="character_seed_not_negative"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def names(self) -> list[str]:
        return [self.name, *self.aliases]


class DismissedCue(models.Model):
    """A cue name someone said is not a character (a crowd, a radio): it is not suggested again."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="dismissed_cues")
    name = models.CharField(max_length=120)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["project", "name"], name="cue_dismissed_once")]

    def __str__(self) -> str:
        return self.name


def reference_path(instance: ReferenceImage, filename: str) -> str:
    character = instance.character
    return f"references/{character.project_id}/{character.pk}/{uuid.uuid4().hex}{_suffix(filename)}"


def reference_thumb_path(instance: ReferenceImage, filename: str) -> str:
    character = instance.character
    return f"references/{character.project_id}/{character.pk}/thumbs/{uuid.uuid4().hex}.jpg"


def _suffix(filename: str) -> str:
    return "." + filename.rsplit(".", 1)[-1].lower() if "." in filename else ""


class ReferenceImage(models.Model):
    character = models.ForeignKey(Character, on_delete=models.CASCADE, related_name="references")
    image = models.FileField(upload_to=reference_path)
    thumbnail = models.FileField(upload_to=reference_thumb_path)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    caption = models.CharField(max_length=200, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.character} reference {self.pk}"
