"""Writes to a shot's 3D layout, and keeping the layout and the shot's fields in step.

The camera's focal length is the shot's lens; the camera's framing size is the shot's size. Saving a
layout that changes them updates the shot (and says so with ``shot.updated``); editing the shot's
lens or size updates the layout (``layout.updated``). A character placed on the stage joins the
shot's characters (so its look and references go into the shot's prompt); taking the mannequin off
leaves them, since someone may be in a shot without being on the stage (a voice, a reflection).
Lock order: the shot, then its layout.
"""

from __future__ import annotations

import copy

from django.core.exceptions import ValidationError
from django.db import transaction

from studio.cast.models import Character
from studio.core.concurrency import ANY_VERSION
from studio.core.errors import Conflict
from studio.live.events import UserRef
from studio.projects.access import authorize
from studio.projects.permissions import Capability

from . import events
from . import layout as schema
from .events import ShotData
from .models import LayoutAsset, LayoutVersion, Shot, ShotLayout


class LayoutConflict(Conflict):
    """Both saves changed the same objects: nothing was saved."""

    def __init__(self, ids: list[str], current_version: int) -> None:
        self.ids = ids
        self.current_version = current_version
        self.extra = {"conflicts": ids, "current_version": current_version}
        names = ", ".join(ids)
        super().__init__(
            f"Someone else changed {names} while you were editing (the layout is now version {current_version}). "
            f"Reload to see their change, then make yours again; nothing of either was lost.")


def layout_of(shot: Shot) -> tuple[dict, int]:
    """The shot's layout and its version; a shot never saved has an empty stage at version 0."""
    layout = ShotLayout.objects.filter(shot=shot).first()
    if layout is None:
        return schema.empty_layout(focal_mm=shot.lens_mm, size=shot.size), 0
    return layout.data, layout.version


def _errors(exc: schema.LayoutError) -> ValidationError:
    return ValidationError({f"layout.{path}" if path != "layout" else "layout": [_sentence(msg)]
                            for path, msg in exc.errors.items()})


def _sentence(message: str) -> str:
    return message[:1].upper() + message[1:] + ("" if message.endswith(".") else ".")


def _check_characters(shot: Shot, data: dict) -> None:
    """Mannequins name characters of the project's cast; environments name sets imported into it."""
    wanted = schema.character_ids(data)
    if wanted:
        known = set(Character.objects.filter(project_id=shot.project_id, pk__in=wanted).values_list("pk", flat=True))
        missing = sorted(wanted - known)
        if missing:
            raise ValidationError({"layout.objects": [
                f"Character {', '.join(map(str, missing))} is not in this project's cast."]})
    sets = {obj["asset"] for obj in data["objects"] if obj["type"] == "environment"}
    if sets:
        ids = {int(a) for a in sets if a.isdigit()}
        known_sets = {str(pk) for pk in LayoutAsset.objects.filter(project_id=shot.project_id, pk__in=ids)
                      .values_list("pk", flat=True)}
        unknown = sorted(sets - known_sets)
        if unknown:
            raise ValidationError({"layout.objects": [
                f"Set {', '.join(unknown)} was not imported into this project (import it, then use its id)."]})


@transaction.atomic
def layout_save(*, actor, shot: Shot, data, base_version: int | None) -> tuple[ShotLayout, list[str], bool]:
    """Save ``data`` as the shot's layout, made from version ``base_version`` (None: replace whatever
    is there, as ``If-Match: *`` asks).

    Returns the layout, the ids that changed, and whether it was merged with a save made meanwhile.
    Raises LayoutConflict when both changed the same objects."""
    authorize(actor=actor, project=shot.project, capability=Capability.EDIT_SHOTS)
    try:
        schema.clean_layout(data)
    except schema.LayoutError as exc:
        raise _errors(exc) from None
    _check_characters(shot, data)
    shot = Shot.objects.select_for_update().get(pk=shot.pk)
    layout = ShotLayout.objects.select_for_update().filter(shot=shot).first()
    current, version = (layout.data, layout.version) if layout else (schema.empty_layout(
        focal_mm=shot.lens_mm, size=shot.size), 0)
    merged = False
    if base_version == ANY_VERSION:  # If-Match: * — this save replaces whatever is there, on purpose
        base_version = version
    if base_version == version:
        base = current
    else:
        old = LayoutVersion.objects.filter(layout=layout, version=base_version).first() if layout else None
        if old is None:
            raise Conflict(f"Version {base_version} of this layout does not exist (it is at version {version}). "
                           "Reload it.")
        base, merged = old.data, True
    try:
        result, changed = schema.merge(base, current, data)
    except schema.MergeConflict as exc:
        raise LayoutConflict(exc.ids, version) from None
    if not changed:
        return layout or ShotLayout(shot=shot, data=current, version=version), [], False
    if layout is None:
        layout = ShotLayout(shot=shot, data=result, version=1, updated_by=actor)
    else:
        layout.data, layout.version, layout.updated_by = result, layout.version + 1, actor
    layout.save()
    LayoutVersion.objects.create(layout=layout, version=layout.version, data=result, saved_by=actor)
    events.publish(events.LayoutUpdated(project_id=shot.project_id, actor=UserRef.of(actor), shot=shot.pk,
                                        version=layout.version, layout=result, changed=changed, merged=merged))
    _shot_follows_layout(actor, shot, result, camera_changed="camera" in changed)
    return layout, changed, merged


def _shot_follows_layout(actor, shot: Shot, layout: dict, *, camera_changed: bool) -> None:
    """The shot takes the camera's lens and framing size, and the characters placed on the stage."""
    changed = []
    if camera_changed:
        camera = layout["camera"]
        lens = round(camera["focal_mm"])
        if lens != shot.lens_mm:
            shot.lens_mm, changed = lens, [*changed, "lens_mm"]
        size = (camera.get("framing") or {}).get("size")
        if size and size != shot.size:
            shot.size, changed = size, [*changed, "size"]
    newcomers = schema.character_ids(layout) - set(shot.characters.values_list("pk", flat=True))
    if newcomers:
        shot.characters.add(*newcomers)
        changed.append("characters")
    if changed:
        shot.version += 1
        shot.save(update_fields=[*(f for f in changed if f != "characters"), "version", "updated_at"])
        events.publish(events.ShotUpdated(project_id=shot.project_id, actor=UserRef.of(actor),
                                          shot=ShotData.of(Shot.objects.prefetch_related("characters")
                                                           .get(pk=shot.pk)), changed=changed))


def camera_follows_shot(actor, shot: Shot, changed: list[str]) -> None:
    """After a shot edit (the shot row is locked): carry a new lens or size into its layout's camera."""
    if not {"lens_mm", "size"} & set(changed):
        return
    layout = ShotLayout.objects.select_for_update().filter(shot=shot).first()
    if layout is None:
        return
    data = copy.deepcopy(layout.data)
    camera = data["camera"]
    if "lens_mm" in changed:
        camera["focal_mm"] = shot.lens_mm
    if "size" in changed:
        camera["framing"] = {**(camera.get("framing") or {"subject": None}), "size": shot.size}
    if data == layout.data:
        return
    layout.data, layout.version, layout.updated_by = data, layout.version + 1, actor
    layout.save()
    LayoutVersion.objects.create(layout=layout, version=layout.version, data=data, saved_by=actor)
    events.publish(events.LayoutUpdated(project_id=shot.project_id, actor=UserRef.of(actor), shot=shot.pk,
                                        version=layout.version, layout=data, changed=["camera"], merged=False))
