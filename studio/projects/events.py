"""The project's own live events: the project and its members (on Live's base, ``live.events``)."""

from __future__ import annotations

from dataclasses import dataclass

from studio.live.events import Event, UserRef
from studio.live.events import publish as publish  # services call events.publish(...) on their own module


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
