"""Live events of shots: the board's shots, their order, and their 3D layouts (on Live's base, ``live.events``)."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import ClassVar

from studio.live.events import Event
from studio.live.events import publish as publish  # services call events.publish(...) on their own module


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

    # the shot's columns ``from_row`` reads (``Shot.objects.values(*ShotData.COLUMNS)``)
    COLUMNS: ClassVar[tuple[str, ...]] = ("id", "scene_id", "number", "order", "size", "angle", "movement", "lens_mm",
                                          "duration", "description", "dialogue", "status", "version")

    @classmethod
    def from_row(cls, row: dict, *, characters: list[int]) -> ShotData:
        """From a ``values(*COLUMNS)`` row and the ids of the shot's characters (any order): lists of many shots
        read rows, not model instances."""
        return cls(
            id=row["id"], scene=row["scene_id"], number=row["number"], order=row["order"], size=row["size"],
            angle=row["angle"], movement=row["movement"], lens_mm=row["lens_mm"], duration=float(row["duration"]),
            description=row["description"], dialogue=row["dialogue"], characters=sorted(characters),
            status=row["status"], version=row["version"],
        )

    def as_dict(self) -> dict:
        """``dataclasses.asdict(self)`` without its deep copy (every field is a plain value or a list of ints)."""
        return {name: getattr(self, name) for name in _SHOT_FIELDS}

    @classmethod
    def of(cls, shot) -> ShotData:
        return cls(
            id=shot.pk, scene=shot.scene_id, number=shot.number, order=shot.order, size=shot.size,
            angle=shot.angle, movement=shot.movement, lens_mm=shot.lens_mm,
            duration=float(shot.duration), description=shot.description, dialogue=shot.dialogue,
            characters=sorted(c.pk for c in shot.characters.all()), status=shot.status,
            version=shot.version,
        )


_SHOT_FIELDS = tuple(f.name for f in fields(ShotData))


@dataclass(frozen=True, kw_only=True)
class SceneOrder:
    scene: int
    shots: list[int]


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
