"""Scripts and their scenes.

A Script holds the Fountain text (the live editor arrives with its own issue);
a Scene is one scene of a script, in order, with its heading split into parts.
"""

from __future__ import annotations

from django.core.validators import RegexValidator
from django.db import models

from studio.projects.models import Project

SCENE_NUMBER = RegexValidator(
    r"^[0-9A-Za-z][0-9A-Za-z.\-]{0,7}$", "Scene numbers are up to 8 letters, digits, dots or dashes, like 12 or 12A."
)


class Script(models.Model):
    """A screenplay. Its text lives in a Yjs document: ``ystate`` (a compacted snapshot) plus the
    ``updates`` log after it. ``fountain`` is the text as of the last settled edit, for readers that
    are not collaborators (API, parser, exports)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="scripts")
    title = models.CharField(max_length=200)
    fountain = models.TextField(blank=True, help_text="The screenplay in Fountain, as of the last settled edit.")
    ystate = models.BinaryField(default=bytes, editable=False, help_text="Compacted Yjs state (an update).")
    cues = models.JSONField(default=list, blank=True, editable=False,
                            help_text="The character cues of the settled text, each as first written, in order: "
                                      "settling another script of the project reads them instead of parsing this one.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.title


class ScriptUpdate(models.Model):
    """One Yjs update to a script, appended before it is relayed to anyone; compaction folds old ones
    into ``Script.ystate``. Applying an update twice is harmless, so the log is replayed whole."""

    script = models.ForeignKey(Script, on_delete=models.CASCADE, related_name="updates")
    data = models.BinaryField()
    author = models.ForeignKey("accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["script", "id"])]

    def __str__(self) -> str:
        return f"update {self.pk} of script {self.script_id} ({len(self.data)} bytes)"


class ScriptRevision(models.Model):
    """A named snapshot of a script's text ("First draft", "Blue revision"), to compare and restore."""

    class Color(models.TextChoices):
        # the production revision colours, in their usual order
        WHITE = "white", "White"
        BLUE = "blue", "Blue"
        PINK = "pink", "Pink"
        YELLOW = "yellow", "Yellow"
        GREEN = "green", "Green"
        GOLDENROD = "goldenrod", "Goldenrod"
        BUFF = "buff", "Buff"
        SALMON = "salmon", "Salmon"
        CHERRY = "cherry", "Cherry"

    script = models.ForeignKey(Script, on_delete=models.CASCADE, related_name="revisions")
    name = models.CharField(max_length=120)
    color = models.CharField(max_length=12, choices=Color.choices, blank=True)
    text = models.TextField(blank=True)
    created_by = models.ForeignKey("accounts.User", on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.script}: {self.name}"


class Scene(models.Model):
    class IntExt(models.TextChoices):
        INT = "INT", "INT."
        EXT = "EXT", "EXT."
        INT_EXT = "INT/EXT", "INT./EXT."
        NONE = "", "—"

    TIMES_OF_DAY = ("DAY", "NIGHT", "DAWN", "DUSK", "MORNING", "AFTERNOON", "EVENING", "CONTINUOUS", "LATER")

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="scenes")
    script = models.ForeignKey(Script, on_delete=models.CASCADE, related_name="scenes")
    number = models.CharField(max_length=8, validators=[SCENE_NUMBER])
    int_ext = models.CharField(max_length=8, choices=IntExt.choices, blank=True, default=IntExt.INT)
    location = models.CharField(max_length=200)
    time_of_day = models.CharField(max_length=40, blank=True)
    synopsis = models.TextField(blank=True, max_length=4000)
    order = models.PositiveIntegerField(default=0)
    in_script = models.BooleanField(
        default=False, help_text="Parsed from the script's text (kept in step with it); otherwise added on the board.")
    omitted = models.BooleanField(
        default=False, help_text="Taken out of the script while it still had shots: kept, with its shots orphaned.")
    source = models.TextField(blank=True, editable=False,
                              help_text="The scene's text in the script at the last reconcile, to recognise it.")
    line = models.PositiveIntegerField(null=True, blank=True, help_text="Line of its heading in the script (0-based).")
    version = models.PositiveIntegerField(default=1)
    shot_letters = models.PositiveIntegerField(
        default=0, editable=False,
        help_text="How many shot letters this scene has handed out (A=1, Z=26, AA=27): a deleted shot's "
                  "number is never given to another shot.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["script_id", "order", "id"]
        # Numbers are labels: the script numbers its scenes, and an omitted scene keeps its old number
        # beside a new scene of the same number. Numbers typed by people are checked by the services.
        indexes = [models.Index(fields=["project", "order"]), models.Index(fields=["script", "number"])]

    def __str__(self) -> str:
        return f"{self.number}. {self.heading}"

    @property
    def heading(self) -> str:
        """The scene heading as written in a screenplay: ``INT. LIGHTHOUSE - NIGHT``."""
        prefix = self.get_int_ext_display() if self.int_ext else ""
        parts = " ".join(p for p in (prefix, self.location.upper()) if p)
        return f"{parts} - {self.time_of_day.upper()}" if self.time_of_day else parts
