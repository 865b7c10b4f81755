"""Writes to shots: create, edit, move, reorder, delete."""

from __future__ import annotations

import re
from collections import defaultdict
from decimal import Decimal
from typing import TypedDict

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404

from studio.cast.models import Character
from studio.core.concurrency import lock_current
from studio.core.errors import Conflict, StaleVersion
from studio.core.ordering import check_complete_order
from studio.core.services import apply_changes, validate
from studio.core.words import noun
from studio.live.events import UserRef
from studio.projects import permissions
from studio.projects.access import authorize
from studio.projects.permissions import Capability
from studio.screenplay.models import Scene

from . import events
from .events import SceneOrder, ShotData
from .models import APPROVAL_COVERS, Shot

Status = Shot.Status


class ShotChanges(TypedDict, total=False):
    number: str
    size: str
    angle: str
    movement: str
    lens_mm: int
    duration: Decimal
    description: str
    dialogue: str
    status: str
    characters: list[int]
    scene: int


SHOT_FIELDS = ("number", "size", "angle", "movement", "lens_mm", "duration", "description", "dialogue", "status")

# Status moves a reviewer may make: approve, send back for changes, reopen an approved shot.
REVIEW_MOVES = {
    (Status.IN_REVIEW, Status.APPROVED),
    (Status.IN_REVIEW, Status.READY),
    (Status.APPROVED, Status.IN_REVIEW),
}


def _reopened_by(status_before: str, changed: list[str]) -> bool:
    """An approved shot whose framing, lens or duration (what the approval signed off) changed."""
    return status_before == Status.APPROVED and bool(set(changed) & set(APPROVAL_COVERS))


def check_status_move(role: str, old: str, new: str) -> None:
    """Approving (or reopening an approved shot) is a review decision; other moves belong to shot editors.

    Owners and directors may make any move. Reviewers make the review moves only.
    """
    if old == new:
        return
    if permissions.can(role, Capability.EDIT_SHOTS) and permissions.can(role, Capability.REVIEW):
        return
    if (old, new) in REVIEW_MOVES and permissions.can(role, Capability.REVIEW):
        return
    if Status.APPROVED in (old, new):
        permissions.require(role, Capability.REVIEW)
        raise ValidationError({"status": ["A reviewer approves a shot that is in review, or reopens an approved one."]})
    permissions.require(role, Capability.EDIT_SHOTS)


def _letters(index: int) -> str:
    """1 → A, 26 → Z, 27 → AA (bijective base 26)."""
    out = ""
    while index > 0:
        index, rem = divmod(index - 1, 26)
        out = chr(65 + rem) + out
    return out


def _letter_index(letters: str) -> int:
    value = 0
    for ch in letters:
        value = value * 26 + (ord(ch) - 64)
    return value


def next_shot_number(scene: Scene, *, taken: set[str], save: bool = True) -> str:
    """The scene number with the next letter never used in the scene: 12A, 12B, … 12Z, 12AA.

    Records the letter on the scene (which the caller holds locked), so a deleted shot's number is not
    handed to a new shot; ``save=False`` leaves writing ``scene.shot_letters`` to the caller (numbering
    several shots, it writes it once).
    """
    pattern = re.compile(re.escape(scene.number) + r"([A-Z]+)$")
    used = [_letter_index(m.group(1)) for n in taken if (m := pattern.match(n))]
    index = max([scene.shot_letters, *used]) + 1
    while f"{scene.number}{_letters(index)}" in taken:
        index += 1
    scene.shot_letters = index
    if save:
        Scene.objects.filter(pk=scene.pk).update(shot_letters=index)
    return f"{scene.number}{_letters(index)}"


def _numbers_in(scene_id: int) -> set[str]:
    return set(Shot.objects.filter(scene_id=scene_id).values_list("number", flat=True))


def _characters(project_id: int, ids) -> list[Character]:
    if not isinstance(ids, (list, tuple)) or not all(isinstance(i, int) for i in ids):
        raise ValidationError({"characters": ["Send a list of character ids."]})
    found = {c.pk: c for c in Character.objects.filter(project_id=project_id, pk__in=ids)}
    missing = [i for i in ids if i not in found]
    if missing:
        raise ValidationError({"characters": [f"Character {missing[0]} is not in this project."]})
    return list(found.values())


def _check_number_free(shot: Shot) -> None:
    if Shot.objects.filter(scene_id=shot.scene_id, number=shot.number).exclude(pk=shot.pk).exists():
        raise ValidationError({"number": [f"Shot {shot.number} already exists in this scene."]})


def _scene_in_project(project_id: int, scene_id) -> Scene:
    scene = Scene.objects.filter(project_id=project_id, pk=scene_id).first() if isinstance(scene_id, int) else None
    if scene is None:
        raise ValidationError({"scene": [f"Scene {scene_id} is not in this project."]})
    return scene


# Lock order, for every write to shots: the scenes involved by ascending id, then the shots by ascending
# id. A scene's lock guards its shots' numbers and order; taking locks in one order means two writers
# can wait for each other but never deadlock.


def _lock_scenes(*scene_ids: int) -> dict[int, Scene]:
    ids = sorted(set(scene_ids))
    scenes = {s.pk: s for s in Scene.objects.select_for_update().filter(pk__in=ids).order_by("pk")}
    if len(scenes) != len(ids):
        raise Http404("Not found.")
    return scenes


def _lock_shots(shot_ids) -> dict[int, Shot]:
    return {s.pk: s for s in Shot.objects.select_for_update().filter(pk__in=sorted(set(shot_ids))).order_by("pk")}


def _lock_shot(shot: Shot, *, scenes: set[int], expected: int | None) -> Shot:
    """Lock the shot after its scenes; a shot that moved to another scene meanwhile is a stale edit."""
    locked = lock_current(Shot.objects, pk=shot.pk, kind="shot", expected=expected)
    if locked.scene_id not in scenes:
        raise StaleVersion(kind="shot", expected=shot.version, current=locked.version)
    return locked


def shot_lock(shot: Shot) -> Shot:
    """Lock the shot (after its scene, as every shot write does) for a write that follows from another
    one, e.g. a layout save; a shot that moved to another scene meanwhile is locked in its new one."""
    while True:
        scene_id = Shot.objects.filter(pk=shot.pk).values_list("scene_id", flat=True).get()
        _lock_scenes(scene_id)
        locked = Shot.objects.select_for_update().get(pk=shot.pk)
        if locked.scene_id == scene_id:
            return locked


def _data(shot: Shot) -> ShotData:
    return ShotData.of(Shot.objects.prefetch_related("characters").get(pk=shot.pk))


def _shot_ids(scene_id: int) -> list[int]:
    return list(Shot.objects.filter(scene_id=scene_id).order_by("order", "id").values_list("pk", flat=True))


def _placed(scene_id: int, ids: list[int], now: dict[int, tuple[int, int]]) -> list[Shot]:
    """Shots to write so that ``ids`` are, in this order, the shots of the scene: those whose (scene, order)
    in ``now`` differ."""
    return [Shot(pk=pk, scene_id=scene_id, order=index) for index, pk in enumerate(ids)
            if now.get(pk) != (scene_id, index)]


def _write_order(scene_id: int, ids: list[int]) -> None:
    """Make ``ids`` the scene's shots in this order: one read, and one UPDATE of the shots whose place changed."""
    now = {pk: (scene, order) for pk, scene, order in
           Shot.objects.filter(pk__in=ids).values_list("pk", "scene_id", "order")}
    _bulk_write(_placed(scene_id, ids, now), ["scene", "order"])


def _compact(scene_id: int) -> None:
    """Number the scene's shots 0, 1, 2… in their order (after one left it): one read, at most one UPDATE."""
    rows = Shot.objects.filter(scene_id=scene_id).order_by("order", "id").values_list("pk", "order")
    _bulk_write([Shot(pk=pk, order=index) for index, (pk, order) in enumerate(rows) if order != index], ["order"])


def _bulk_write(shots: list[Shot], fields: list[str]) -> None:
    """One UPDATE for all of ``shots`` (SQLite, whose statements take at most 999 parameters, splits a long one)."""
    if shots:
        Shot.objects.bulk_update(shots, fields)


def _check_room_for_a_shot(project_id: int) -> None:
    cap = settings.STUDIO_MAX_SHOTS_PER_PROJECT
    if Shot.objects.filter(project_id=project_id).count() >= cap:
        raise ValidationError({"scene": [
            f"This project has {cap:,} {noun(cap, 'shot')}, the most a project may have "
            "(STUDIO_MAX_SHOTS_PER_PROJECT)."]})


def _clean_number(value) -> str:
    return value.strip().upper() if isinstance(value, str) else value


@transaction.atomic
def shot_create(*, actor, scene: Scene, number: str = "", size: str = Shot.Size.MS,
                angle: str = Shot.Angle.EYE_LEVEL, movement: str = Shot.Movement.STATIC, lens_mm: int = 35,
                duration: Decimal = Decimal("3"), description: str = "", dialogue: str = "",
                characters: list[int] | None = None, status: str = Status.DRAFT,
                position: int | None = None) -> Shot:
    """Add a shot to a scene, at the end or at ``position``; without a number it gets the next letter."""
    role = authorize(actor=actor, project=scene.project, capability=Capability.EDIT_SHOTS)
    if status != Status.DRAFT:
        check_status_move(role, Status.DRAFT, status)
    scene = _lock_scenes(scene.pk)[scene.pk]
    _check_room_for_a_shot(scene.project_id)
    cast = _characters(scene.project_id, characters or [])
    ids = _shot_ids(scene.pk)
    if position is not None and not (isinstance(position, int) and 0 <= position <= len(ids)):
        raise ValidationError({"position": [f"Position must be between 0 and {len(ids)}."]})
    number = _clean_number(number) or next_shot_number(scene, taken=_numbers_in(scene.pk))
    shot = Shot(
        project_id=scene.project_id, scene=scene, number=number, order=len(ids), size=size, angle=angle,
        movement=movement, lens_mm=lens_mm, duration=duration, description=description, dialogue=dialogue,
        status=status, created_by=actor,
    )
    validate(shot, exclude=["project", "scene", "created_by"])
    _check_number_free(shot)
    shot.save()
    shot.characters.set(cast)
    inserted = position is not None and position < len(ids)
    if inserted:
        ids.insert(position, shot.pk)
        _write_order(scene.pk, ids)
        shot.refresh_from_db(fields=["order"])
    events.publish(events.ShotCreated(project_id=shot.project_id, actor=UserRef.of(actor), shot=_data(shot)))
    if inserted:
        events.publish(events.ShotsReordered(
            project_id=shot.project_id, actor=UserRef.of(actor), scenes=[SceneOrder(scene=scene.pk, shots=ids)],
        ))
    return shot


@transaction.atomic
def shot_update(*, actor, shot: Shot, expected_version: int | None, changes: ShotChanges) -> Shot:
    """Edit a shot's fields; ``scene`` moves it to the end of another scene, renumbered there unless
    ``number`` is given too.

    What may change is judged on what actually changes: a reviewer may send the whole form back with
    only the status changed.
    """
    role = authorize(actor=actor, project=shot.project, capability=Capability.VIEW)
    if not (permissions.can(role, Capability.EDIT_SHOTS) or permissions.can(role, Capability.REVIEW)):
        approving = set(changes) == {"status"} and changes["status"] == Status.APPROVED
        permissions.require(role, Capability.REVIEW if approving else Capability.EDIT_SHOTS)
    changes = dict(changes)
    target_id = _scene_in_project(shot.project_id, changes.pop("scene")).pk if "scene" in changes else None
    scenes = _lock_scenes(shot.scene_id, *([target_id] if target_id else []))
    shot = _lock_shot(shot, scenes=set(scenes), expected=expected_version)
    if "number" in changes:
        changes["number"] = _clean_number(changes["number"])
    new_cast = _characters(shot.project_id, changes.pop("characters")) if "characters" in changes else None
    source_id = shot.scene_id
    status_before = shot.status
    changed = apply_changes(shot, changes, allowed=SHOT_FIELDS)
    if target_id is not None and target_id != source_id:
        target = scenes[target_id]
        shot.scene = target
        shot.order = len(_shot_ids(target_id))
        if "number" not in changes:
            shot.number = next_shot_number(target, taken=_numbers_in(target_id))
        if "number" not in changed:
            changed.append("number")
        changed.append("scene")
    if new_cast is not None and {c.pk for c in new_cast} != set(shot.characters.values_list("pk", flat=True)):
        changed.append("characters")
    if not changed:
        return shot
    if set(changed) - {"status"}:
        permissions.require(role, Capability.EDIT_SHOTS)
    if "status" in changed:
        check_status_move(role, status_before, shot.status)
    elif _reopened_by(status_before, changed):
        shot.status = Status.READY  # not a review decision: what was approved is not what the shot is now
        changed.append("status")
    validate(shot, exclude=["project", "scene", "created_by"])
    _check_number_free(shot)
    shot.version += 1
    shot.save()
    if "characters" in changed:
        shot.characters.set(new_cast)
    if "scene" in changed:
        _compact(source_id)
    events.publish(events.ShotUpdated(
        project_id=shot.project_id, actor=UserRef.of(actor), shot=_data(shot), changed=changed,
    ))
    return shot


@transaction.atomic
def shot_delete(*, actor, shot: Shot, expected_version: int | None) -> None:
    authorize(actor=actor, project=shot.project, capability=Capability.EDIT_SHOTS)
    _lock_scenes(shot.scene_id)
    shot = _lock_shot(shot, scenes={shot.scene_id}, expected=expected_version)
    event = events.ShotDeleted(project_id=shot.project_id, actor=UserRef.of(actor), id=shot.pk,
                               scene=shot.scene_id, number=shot.number)
    scene_id = shot.scene_id
    shot.delete()
    _compact(scene_id)
    events.publish(event)


@transaction.atomic
def shots_reorder(*, actor, scene: Scene, shot_ids: list[int]) -> list[int]:
    """Make ``shot_ids`` the complete, ordered list of the scene's shots.

    The list must hold every shot the scene has now; it may also hold shots of
    other scenes of the project, which move here (renumbered for this scene, in
    the order they are placed).
    """
    authorize(actor=actor, project=scene.project, capability=Capability.EDIT_SHOTS)
    if not isinstance(shot_ids, list) or not all(isinstance(i, int) for i in shot_ids):
        raise ValidationError({"shots": ["Send a list of shot ids."]})
    # where the shots are now, read before locking so the scenes can be locked first
    located = dict(Shot.objects.filter(project_id=scene.project_id, pk__in=shot_ids).values_list("pk", "scene_id"))
    stray = next((i for i in shot_ids if i not in located), None)
    if stray is not None:
        raise ValidationError({"shots": [f"Shot {stray} is not in this project."]})
    scenes = _lock_scenes(scene.pk, *located.values())
    scene = scenes[scene.pk]
    current = _shot_ids(scene.pk)
    locked = _lock_shots([*current, *shot_ids])
    if any(locked[pk].scene_id != located[pk] for pk in located):
        raise Conflict("Some of these shots moved while you were reordering them; reload and try again.")
    incoming = [locked[pk] for pk in shot_ids if located[pk] != scene.pk]
    check_complete_order(field="shots", proposed=shot_ids, current=current + [s.pk for s in incoming], kind="shots")
    if shot_ids == current:
        return list(shot_ids)

    # However many shots move, each kind of write is one statement: the shots moved in are numbered here and the
    # scene's letter written once; one UPDATE moves them in (scene, place, number, version), one gives the scene's
    # own shots whose place changed their new place, and one compacts the scenes the moved shots left.
    taken = _numbers_in(scene.pk) if incoming else set()
    for shot in incoming:
        shot.number = next_shot_number(scene, taken=taken, save=False)
        taken.add(shot.number)
        shot.version += 1
    if incoming:
        Scene.objects.filter(pk=scene.pk).update(shot_letters=scene.shot_letters)
    place = {pk: index for index, pk in enumerate(shot_ids)}
    for shot in incoming:
        shot.scene_id, shot.order = scene.pk, place[shot.pk]
    _bulk_write(incoming, ["scene", "order", "number", "version"])
    _bulk_write([Shot(pk=pk, order=place[pk]) for pk in current if locked[pk].order != place[pk]], ["order"])
    orders = [SceneOrder(scene=scene.pk, shots=list(shot_ids))]
    sources = sorted({located[s.pk] for s in incoming})
    staying = defaultdict(list)  # the shots that stay in each scene a shot left, in their order
    for pk, source, order in (Shot.objects.filter(scene_id__in=sources).order_by("order", "id")
                              .values_list("pk", "scene_id", "order")):
        staying[source].append((pk, order))
    compacted = []
    for source in sources:
        compacted += [Shot(pk=pk, order=index) for index, (pk, order) in enumerate(staying[source]) if order != index]
        orders.append(SceneOrder(scene=source, shots=[pk for pk, _ in staying[source]]))
    _bulk_write(compacted, ["order"])
    moved = Shot.objects.prefetch_related("characters").filter(pk__in=[s.pk for s in incoming]).order_by("pk")
    events.publish(events.ShotsReordered(
        project_id=scene.project_id, actor=UserRef.of(actor) if actor else None, scenes=orders,
        moved=[ShotData.of(s) for s in moved],
    ))
    return list(shot_ids)
