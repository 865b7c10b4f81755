"""Every event that goes to the browsers on a project, defined once.

Services build an event from the objects they just wrote and call
``publish(event)``; it is sent to the project's group when the transaction
commits, so a browser never hears of a write that rolled back. On the wire an
event is ``{"type", "project", "actor", "data"}`` where ``data`` holds the
event's own fields. The ``*Data`` classes are the shapes of objects in events;
the REST API returns the same fields (a test holds them together).
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass, field, fields
from typing import Any, ClassVar

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

log = logging.getLogger(__name__)


def project_group(project_id: int) -> str:
    return f"project.{project_id}"


# --- Shapes of objects ----------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class UserRef:
    id: int
    username: str
    name: str
    initials: str
    color: str

    @classmethod
    def of(cls, user) -> UserRef:
        return cls(id=user.pk, username=user.username, name=user.name, initials=user.initials, color=user.color)


@dataclass(frozen=True, kw_only=True)
class ProjectData:
    id: int
    title: str
    logline: str
    format: str
    aspect_ratio: str
    frame_rate: float
    style_prompt: str

    @classmethod
    def of(cls, project) -> ProjectData:
        return cls(
            id=project.pk, title=project.title, logline=project.logline, format=project.format,
            aspect_ratio=project.aspect_ratio, frame_rate=float(project.frame_rate),
            style_prompt=project.style_prompt,
        )


@dataclass(frozen=True, kw_only=True)
class MemberData:
    id: int
    user: UserRef
    role: str

    @classmethod
    def of(cls, membership) -> MemberData:
        return cls(id=membership.pk, user=UserRef.of(membership.user), role=membership.role)


@dataclass(frozen=True, kw_only=True)
class ReferenceData:
    id: int
    url: str
    thumbnail_url: str
    width: int
    height: int
    caption: str

    @classmethod
    def of(cls, ref) -> ReferenceData:
        return cls(
            id=ref.pk, url=ref.url, thumbnail_url=ref.thumbnail_url,
            width=ref.width, height=ref.height, caption=ref.caption,
        )


@dataclass(frozen=True, kw_only=True)
class CharacterData:
    id: int
    name: str
    aliases: list[str]
    description: str
    appearance_prompt: str
    seed: int
    color: str
    references: list[ReferenceData]
    suggested: bool
    version: int

    @classmethod
    def of(cls, character) -> CharacterData:
        return cls(
            id=character.pk, name=character.name, aliases=list(character.aliases),
            description=character.description, appearance_prompt=character.appearance_prompt,
            seed=character.seed, color=character.color,
            references=[ReferenceData.of(ref) for ref in character.references.all()],
            suggested=character.suggested, version=character.version,
        )


@dataclass(frozen=True, kw_only=True)
class ScriptData:
    id: int
    title: str

    @classmethod
    def of(cls, script) -> ScriptData:
        return cls(id=script.pk, title=script.title)


@dataclass(frozen=True, kw_only=True)
class RevisionData:
    id: int
    script: int
    name: str
    color: str
    created_by: UserRef | None
    created_at: str

    @classmethod
    def of(cls, revision) -> RevisionData:
        return cls(
            id=revision.pk, script=revision.script_id, name=revision.name, color=revision.color,
            created_by=UserRef.of(revision.created_by) if revision.created_by else None,
            created_at=revision.created_at.isoformat(),
        )


@dataclass(frozen=True, kw_only=True)
class SceneData:
    id: int
    script: int
    number: str
    int_ext: str
    location: str
    time_of_day: str
    heading: str
    synopsis: str
    order: int
    in_script: bool
    omitted: bool
    line: int | None
    version: int

    @classmethod
    def of(cls, scene) -> SceneData:
        return cls(
            id=scene.pk, script=scene.script_id, number=scene.number, int_ext=scene.int_ext,
            location=scene.location, time_of_day=scene.time_of_day, heading=scene.heading,
            synopsis=scene.synopsis, order=scene.order, in_script=scene.in_script, omitted=scene.omitted,
            line=scene.line, version=scene.version,
        )


@dataclass(frozen=True, kw_only=True)
class ShotData:
    id: int
    scene: int
    number: str
    order: int
    size: str
    angle: str
    movement: str
    lens_mm: int
    duration: float
    description: str
    dialogue: str
    characters: list[int]
    status: str
    version: int

    @classmethod
    def of(cls, shot) -> ShotData:
        return cls(
            id=shot.pk, scene=shot.scene_id, number=shot.number, order=shot.order, size=shot.size,
            angle=shot.angle, movement=shot.movement, lens_mm=shot.lens_mm,
            duration=float(shot.duration), description=shot.description, dialogue=shot.dialogue,
            characters=sorted(c.pk for c in shot.characters.all()), status=shot.status,
            version=shot.version,
        )


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
            retry_of=job.retry_of_id, take=take_id, created_at=_iso(job.created_at),
            started_at=_iso(job.started_at), finished_at=_iso(job.finished_at),
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
            url=take.url, thumbnail_url=take.thumbnail_url, depth_url=take.depth_url,
            layout_version=take.layout_version, content_type=take.content_type, width=take.width,
            height=take.height, frames=take.frames, fps=take.fps, provenance=take.provenance,
            smoke_test=take.smoke_test, review=take.review,
            reviewed_by=UserRef.of(take.reviewed_by) if take.reviewed_by else None,
            created_by=UserRef.of(take.created_by) if take.created_by else None, created_at=_iso(take.created_at),
        )


def _iso(value) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if value is not None else None


@dataclass(frozen=True, kw_only=True)
class SceneOrder:
    scene: int
    shots: list[int]


# --- Events ---------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class Event:
    type: ClassVar[str]
    project_id: int
    actor: UserRef | None = None

    def data(self) -> dict[str, Any]:
        return {f.name: _plain(getattr(self, f.name)) for f in fields(self) if f.name not in {"project_id", "actor"}}

    def message(self) -> dict[str, Any]:
        return {
            "type": self.type,
            "project": self.project_id,
            "actor": asdict(self.actor) if self.actor else None,
            "data": self.data(),
        }


def _plain(value: Any) -> Any:
    if hasattr(value, "__dataclass_fields__"):
        return asdict(value)
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


@dataclass(frozen=True, kw_only=True)
class ProjectUpdated(Event):
    type = "project.updated"
    project: ProjectData
    changed: list[str]


@dataclass(frozen=True, kw_only=True)
class ProjectDeleted(Event):
    type = "project.deleted"
    id: int
    title: str


@dataclass(frozen=True, kw_only=True)
class MemberAdded(Event):
    type = "member.added"
    member: MemberData


@dataclass(frozen=True, kw_only=True)
class MemberUpdated(Event):
    type = "member.updated"
    member: MemberData
    previous_role: str


@dataclass(frozen=True, kw_only=True)
class MemberRemoved(Event):
    type = "member.removed"
    member: MemberData


@dataclass(frozen=True, kw_only=True)
class CharacterCreated(Event):
    type = "character.created"
    character: CharacterData


@dataclass(frozen=True, kw_only=True)
class CharacterUpdated(Event):
    type = "character.updated"
    character: CharacterData
    changed: list[str]


@dataclass(frozen=True, kw_only=True)
class CharacterDeleted(Event):
    type = "character.deleted"
    id: int
    name: str


@dataclass(frozen=True, kw_only=True)
class ScriptCreated(Event):
    type = "script.created"
    script: ScriptData


@dataclass(frozen=True, kw_only=True)
class ScriptUpdated(Event):
    type = "script.updated"
    script: ScriptData
    changed: list[str]


@dataclass(frozen=True, kw_only=True)
class ScriptDeleted(Event):
    type = "script.deleted"
    id: int


@dataclass(frozen=True, kw_only=True)
class RevisionCreated(Event):
    type = "revision.created"
    revision: RevisionData


@dataclass(frozen=True, kw_only=True)
class RevisionDeleted(Event):
    type = "revision.deleted"
    id: int
    script: int


@dataclass(frozen=True, kw_only=True)
class RevisionRestored(Event):
    type = "revision.restored"
    revision: RevisionData


@dataclass(frozen=True, kw_only=True)
class SceneCreated(Event):
    type = "scene.created"
    scene: SceneData


@dataclass(frozen=True, kw_only=True)
class SceneUpdated(Event):
    type = "scene.updated"
    scene: SceneData
    changed: list[str]


@dataclass(frozen=True, kw_only=True)
class SceneDeleted(Event):
    type = "scene.deleted"
    id: int
    script: int


@dataclass(frozen=True, kw_only=True)
class ScenesReordered(Event):
    type = "scenes.reordered"
    script: int
    scenes: list[int]


@dataclass(frozen=True, kw_only=True)
class ShotCreated(Event):
    type = "shot.created"
    shot: ShotData


@dataclass(frozen=True, kw_only=True)
class ShotUpdated(Event):
    type = "shot.updated"
    shot: ShotData
    changed: list[str]


@dataclass(frozen=True, kw_only=True)
class ShotDeleted(Event):
    type = "shot.deleted"
    id: int
    scene: int
    number: str


@dataclass(frozen=True, kw_only=True)
class ShotsReordered(Event):
    """New order of every scene the move touched; ``moved`` are shots that changed scene (renumbered)."""

    type = "shots.reordered"
    scenes: list[SceneOrder]
    moved: list[ShotData] = field(default_factory=list)


@dataclass(frozen=True, kw_only=True)
class LayoutUpdated(Event):
    """A shot's 3D layout was saved. ``changed`` names the objects (and ``camera``/``stage``) that
    changed; ``merged`` says it was merged with a save someone made meanwhile."""

    type = "layout.updated"
    shot: int
    version: int
    layout: dict
    changed: list[str]
    merged: bool


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


@dataclass(frozen=True, kw_only=True)
class PresenceJoined(Event):
    type = "presence.joined"
    user: UserRef


@dataclass(frozen=True, kw_only=True)
class PresenceLeft(Event):
    type = "presence.left"
    user: UserRef


@dataclass(frozen=True, kw_only=True)
class PresenceFocus(Event):
    """A user is now looking at a shot (or at none: ``shot`` is None)."""

    type = "presence.focus"
    user: UserRef
    shot: int | None


@dataclass(frozen=True, kw_only=True)
class PresentUser:
    user: UserRef
    focus_shot: int | None


@dataclass(frozen=True, kw_only=True)
class PresenceSnapshot(Event):
    """Sent to one connection when it opens: who is on the project now."""

    type = "presence.snapshot"
    users: list[PresentUser]


EVENT_TYPES: dict[str, type[Event]] = {cls.type: cls for cls in Event.__subclasses__()}


# --- Publishing -----------------------------------------------------------


def publish(event: Event) -> None:
    """Send ``event`` to the project's group once the current transaction commits.

    The message is built now, from the objects as they were written; outside a
    transaction it is sent at once.
    """
    message = event.message()
    group = project_group(event.project_id)
    transaction.on_commit(lambda: send_now(group, message), robust=True)


def send_now(group: str, message: dict[str, Any]) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        async_to_sync(layer.group_send)(group, {"type": "project.event", "event": message})
    except Exception:  # a broken layer must not break the write that already committed
        log.exception("could not publish %s to %s", message.get("type"), group)
