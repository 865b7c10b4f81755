"""Reads of shots that views share. One query for the shots and one for their characters, however many."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, F, Prefetch, QuerySet, RowRange, Window
from django.db.models.functions import FirstValue, Lag, Lead, RowNumber

from studio.cast.models import Character
from studio.projects.models import Project

from .events import ShotData
from .models import LayoutAsset, Shot

BOARD_ORDER = ("scene__script__created_at", "scene__script_id", "scene__order", "order", "id")


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


def shot_data(rows: list[dict], *, project_id: int | None = None) -> list[dict]:
    """``ShotData`` of each row of ``shot_rows``, as the API and the events give it, with the shots' characters
    from one query over the shot–character table: by the rows' ids, or, when the rows are all of ``project_id``'s
    shots (the board), by project (no list of ids to send)."""
    if not rows:
        return []
    links = Shot.characters.through.objects
    links = (links.filter(shot__project_id=project_id) if project_id is not None
             else links.filter(shot_id__in=[row["id"] for row in rows]))
    characters = defaultdict(list)
    for shot_id, character_id in links.values_list("shot_id", "character_id"):
        characters[shot_id].append(character_id)
    return [ShotData.from_row(row, characters=characters.get(row["id"], [])).as_dict() for row in rows]


def board_shots(*, project: Project) -> list[dict]:
    """Every shot of the project in board order, as ``ShotData`` dicts: two queries, whatever the count."""
    return shot_data(list(shot_rows(shots_in_order(project=project))), project_id=project.pk)


@dataclass(frozen=True)
class Neighbours:
    """Where a shot stands on the board: the shots before and after it as (id, number), its place from 1."""

    previous: tuple[int, str] | None
    next: tuple[int, str] | None
    position: int
    total: int


def neighbours_of(shot: Shot) -> Neighbours:
    """The shot's neighbours in board order and its place, in one query that returns one row: the database
    numbers the project's shots (window functions) and hands back only this one's."""

    def over(function, **frame):
        return Window(function, order_by=[F(key).asc() for key in BOARD_ORDER], **frame)

    row = (Shot.objects.filter(project_id=shot.project_id)
           .annotate(position=over(RowNumber()), total=Window(Count("id")),
                     previous_id=over(Lag("id")), previous_number=over(Lag("number")),
                     next_id=over(Lead("id")), next_number=over(Lead("number")),
                     # the row's own id, seen through a window: a filter on it applies after the numbering (a
                     # filter on the id itself would number that one shot alone)
                     this=over(FirstValue("id"), frame=RowRange(start=0, end=0)))
           .filter(this=shot.pk)
           .values_list("previous_id", "previous_number", "next_id", "next_number", "position", "total")
           .get())
    previous_id, previous_number, next_id, next_number, position, total = row
    return Neighbours(previous=(previous_id, previous_number) if previous_id else None,
                      next=(next_id, next_number) if next_id else None, position=position, total=total)


def assets_of(*, project: Project) -> QuerySet[LayoutAsset]:
    """The 3D sets imported into ``project``, newest first."""
    return LayoutAsset.objects.filter(project=project).order_by("-created_at", "-id")
