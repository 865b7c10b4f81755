"""Live events of the screenplay: scripts, revisions and scenes (on Live's base, ``live.events``)."""

from __future__ import annotations

from dataclasses import dataclass

from studio.live.events import Event, UserRef
from studio.live.events import publish as publish  # services call events.publish(...) on their own module


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
class ScenesSynced(Event):
    """The script's text settled: every scene that settle created, changed (an omitted scene back in the script
    included), orphaned (taken out of the script, kept with its shots: ``omitted``) or removed, and the script's
    scene ids in their new order. One event per settle, however many scenes it touched."""

    type = "scenes.synced"
    script: int
    created: list[SceneData]
    changed: list[SceneData]
    orphaned: list[SceneData]
    removed: list[int]
    order: list[int]
