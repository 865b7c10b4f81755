"""The sequence the deliverables are made from, read from the database in a fixed number of queries."""

from __future__ import annotations

from decimal import Decimal

from django.http import Http404
from django.utils import timezone

from studio.cast.models import Character
from studio.renders import files as take_files
from studio.renders import selectors as render_selectors
from studio.screenplay.models import Scene, ScriptRevision
from studio.shots.models import Shot
from studio.shots.selectors import SCENE_ORDER, shots_in_order

from .models import Export
from .sequence import Line, Media, Panel, Sequence, frame_rate, frames_for, split_lines


def scene_of(project, scene_id) -> Scene | None:
    if scene_id in (None, ""):
        return None
    scene = Scene.objects.filter(project=project, pk=scene_id).first()
    if scene is None:
        raise Http404("No such scene.")
    return scene


def sequence_of(*, project, scene: Scene | None = None, narrow=None) -> Sequence:
    """The project's shots (of ``scene`` only, when given; ``narrow(queryset)`` filters them as the board's filters
    do) in board order, each with its selected take."""
    shots = shots_in_order(project=project).select_related("scene").prefetch_related("characters")
    if scene is not None:
        shots = shots.filter(scene=scene)
    if narrow is not None:
        shots = narrow(shots)
    shots = list(shots)
    scene_numbers = {pk: n for n, pk in enumerate(
        Scene.objects.filter(project=project).order_by(*SCENE_ORDER).values_list("id", flat=True), start=1)}
    selected = render_selectors.selected_takes(project=project, shot_ids=[shot.pk for shot in shots])
    cast = _cast(project)
    fps = frame_rate(project.frame_rate)
    panels = tuple(_panel(shot, scene_numbers.get(shot.scene_id, 0), selected.get(shot.pk), cast, fps)
                   for shot in shots)
    revision = ScriptRevision.objects.filter(script__project=project).order_by("-created_at", "-id").first()
    return Sequence(
        project_id=project.pk, title=project.title, logline=project.logline,
        draft=revision.name if revision else "", revision_colour=revision.get_color_display() if revision
        and revision.color else "", day=timezone.localdate(), aspect=Decimal(project.aspect_ratio), fps=fps,
        panels=panels, scene_id=scene.pk if scene else None,
    )


def _cast(project) -> dict[str, Character]:
    """Characters by every name the script may cue them with, upper case."""
    names = {}
    for character in Character.objects.filter(project=project).order_by("id"):
        for name in [character.name, *(character.aliases or [])]:
            names.setdefault(str(name).upper(), character)
    return names


def _lines(shot: Shot, cast: dict[str, Character]) -> tuple[Line, ...]:
    on_screen = list(shot.characters.all())
    default = on_screen[0].name.upper() if len(on_screen) == 1 else ""
    out = []
    for speaker, text in split_lines(shot.dialogue, default_speaker=default):
        character = cast.get(speaker.upper())
        out.append(Line(speaker=speaker, text=text, character_id=character.pk if character else None,
                        voice=character.voice if character else "", speed=character.voice_speed if character else 0))
    return tuple(out)


def _media(take) -> Media | None:
    if take is None or not take.media:
        return None
    try:
        path = take.media.path
    except NotImplementedError:  # a storage with no local paths
        return None
    return Media(path=path, kind=take.kind, width=take.width, height=take.height, frames=take.frames,
                 fps=float(take.fps) if take.fps else None, take_id=take.pk, take_number=take.number,
                 url=take_files.take_url(take))


def _panel(shot: Shot, scene_number: int, take, cast, fps) -> Panel:
    return Panel(
        shot_id=shot.pk, number=shot.number, scene_id=shot.scene_id, scene_number=scene_number,
        scene_heading=shot.scene.heading, size=shot.get_size_display(), size_code=shot.size,
        angle=shot.get_angle_display(), movement=shot.get_movement_display(), lens_mm=shot.lens_mm,
        duration_s=shot.duration, frames=frames_for(shot.duration, fps), action=shot.description,
        lines=_lines(shot, cast), notes="", characters=tuple(c.name for c in shot.characters.all()),
        status=shot.status, version=shot.version, selected=render_selectors.selected_reason(take), media=_media(take),
    )


def exports_of(*, project):
    return Export.objects.filter(project=project).select_related("requested_by", "scene")
