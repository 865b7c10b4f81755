"""Reads of shots that views share. One query for the shots and one for their characters, however many."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, Prefetch, QuerySet

from studio.cast.models import Character
from studio.projects.models import Project
from studio.screenplay.models import Scene

from .events import ShotData
from .models import LayoutAsset, Shot

# scripts as created, their scenes in order, each scene's shots in order (ids break ties)
SCENE_ORDER = ("script__created_at", "script_id", "order", "id")
BOARD_ORDER = (*(f"scene__{key}" for key in SCENE_ORDER), "order", "id")


def shots_in_order(*, project: Project) -> QuerySet[Shot]:
    """The project's shots in board order: scripts as created, their scenes in order, each scene's shots."""
    return Shot.objects.filter(project=project).order_by(*BOARD_ORDER)


def shots_of(*, project: Project) -> QuerySet[Shot]:
    """``shots_in_order`` as model instances with their characters (for a few shots; lists use ``shot_rows``)."""
    return shots_in_order(project=project).prefetch_related(
        Prefetch("characters", queryset=Character.objects.only("id")))


def shot_rows(shots: QuerySet[Shot]) -> QuerySet[dict]:
    """The columns ``ShotData.from_row`` reads, as rows (``values()``): no model instance per shot."""
    return shots.values(*ShotData.COLUMNS)


def shot_data(rows: list[dict], *, project_id: int | None = None, scene_ids: list[int] | None = None) -> list[dict]:
    """``ShotData`` of each row of ``shot_rows``, as the API and the events give it, with the shots' characters
    from one query over the shot–character table: by the rows' ids, or, when the rows are all of ``project_id``'s
    shots (the board), by project, or when they are the shots of ``scene_ids`` (a page of the board), by scene (no
    list of shot ids to send)."""
    if not rows:
        return []
    links = Shot.characters.through.objects
    if project_id is not None:
        links = links.filter(shot__project_id=project_id)
    elif scene_ids is not None:
        links = links.filter(shot__scene_id__in=scene_ids)
    else:
        links = links.filter(shot_id__in=[row["id"] for row in rows])
    characters = defaultdict(list)
    for shot_id, character_id in links.values_list("shot_id", "character_id"):
        characters[shot_id].append(character_id)
    return [ShotData.from_row(row, characters=characters.get(row["id"], [])).as_dict() for row in rows]


def board_shots(*, project: Project, scene_ids: list[int] | None = None) -> list[dict]:
    """The project's shots in board order (those of ``scene_ids`` only, when given: a page of the board), as
    ``ShotData`` dicts: two queries, whatever the count."""
    if scene_ids is None:
        return shot_data(list(shot_rows(shots_in_order(project=project))), project_id=project.pk)
    rows = list(shot_rows(shots_in_order(project=project).filter(scene_id__in=scene_ids)))
    return shot_data(rows, scene_ids=scene_ids)


@dataclass(frozen=True)
class Neighbours:
    """Where a shot stands on the board: the shots before and after it as (id, number), its place from 1."""

    previous: tuple[int, str] | None
    next: tuple[int, str] | None
    position: int
    total: int


def neighbours_of(shot: Shot) -> Neighbours:
    """The shot's neighbours in board order and its place, in two small queries whatever the project's size:
    the project's scenes in board order with how many shots each has (one row a scene), then the shots of the
    shot's scene and of the nearest scenes with shots before and after it."""
    scenes = list(Scene.objects.filter(project_id=shot.project_id).annotate(shots_in=Count("shots"))
                  .order_by(*SCENE_ORDER).values_list("id", "shots_in"))
    at = next(i for i, (pk, _) in enumerate(scenes) if pk == shot.scene_id)
    before = next((pk for pk, count in reversed(scenes[:at]) if count), None)
    after = next((pk for pk, count in scenes[at + 1:] if count), None)
    shots = defaultdict(list)
    for scene_id, pk, number in (Shot.objects.filter(scene_id__in=[pk for pk in (before, shot.scene_id, after) if pk])
                                 .order_by("order", "id").values_list("scene_id", "id", "number")):
        shots[scene_id].append((pk, number))
    own = shots[shot.scene_id]
    i = next(i for i, (pk, _) in enumerate(own) if pk == shot.pk)
    return Neighbours(
        previous=own[i - 1] if i > 0 else (shots[before][-1] if before else None),
        next=own[i + 1] if i + 1 < len(own) else (shots[after][0] if after else None),
        position=sum(count for _, count in scenes[:at]) + i + 1, total=sum(count for _, count in scenes),
    )


def assets_of(*, project: Project) -> QuerySet[LayoutAsset]:
    """The 3D sets imported into ``project``, newest first."""
    return LayoutAsset.objects.filter(project=project).order_by("-created_at", "-id")
