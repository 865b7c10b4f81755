"""Writes to a shot's 3D layout, and keeping the layout and the shot's fields in step.

The camera's focal length is the shot's lens and the camera's framing size the shot's size: the shot is
their one home. A layout is stored without them and read with the shot's (``served``); saving a layout
that changes them updates the shot through ``shot_update`` (which says so with ``shot.updated``). A
character placed on the stage joins the shot's characters (so its look and references go into the shot's
prompt); taking the mannequin off leaves them, since someone may be in a shot without being on the stage
(a voice, a reflection). Lock order: the shot's scene, the shot, then its layout.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from studio.cast.models import Character
from studio.core.concurrency import ANY_VERSION
from studio.core.errors import Conflict
from studio.core.ids import parse_id
from studio.live.events import UserRef
from studio.projects.access import authorize
from studio.projects.permissions import Capability

from . import events
from . import layout as schema
from . import services as shot_services
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


def served(shot: Shot, stored: dict | None) -> dict:
    """The layout as everyone reads it: the stored one (or, never saved, the shot's characters on an empty stage)
    with the shot's lens and size."""
    return schema.with_shot_fields(stored or schema.without_shot_fields(_first_layout(shot)),
                                   lens_mm=shot.lens_mm, size=shot.size)


def _first_layout(shot: Shot) -> dict:
    cast = list(shot.characters.order_by("name", "id").values("id", "name", "color"))
    return schema.first_layout(cast)


def layout_of(shot: Shot) -> tuple[dict, int]:
    """The shot's layout and its version; a shot never saved has its characters on an empty stage, at version 0."""
    layout = ShotLayout.objects.filter(shot=shot).first()
    return served(shot, layout.data if layout else None), layout.version if layout else 0


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
        ids = {parse_id(a) for a in sets} - {None}
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
    Raises LayoutConflict when both changed the same objects. The camera's lens and framing size are the
    shot's: a save that changes them changes the shot (``shot_update``), and the layout is stored without
    them. Each version keeps the layout as it was served then, lens and size included, so a save made
    from it is merged against what its author saw (a lens changed on the board meanwhile stands)."""
    authorize(actor=actor, project=shot.project, capability=Capability.EDIT_SHOTS)
    try:
        schema.clean_layout(data)
    except schema.LayoutError as exc:
        raise _errors(exc) from None
    _check_characters(shot, data)
    data = {**data, "camera": {**data["camera"], "focal_mm": round(data["camera"]["focal_mm"])}}  # whole mm
    shot = shot_services.shot_lock(shot)  # lock order: scene, shot, then its layout
    layout = ShotLayout.objects.select_for_update().filter(shot=shot).first()
    current, version = served(shot, layout.data if layout else None), layout.version if layout else 0
    if base_version == ANY_VERSION:  # If-Match: * — this save replaces whatever is there, on purpose
        base_version = version
    merged = base_version != version
    old = LayoutVersion.objects.filter(layout=layout, version=base_version).first() if layout else None
    if layout is not None and old is None:
        raise Conflict(f"Version {base_version} of this layout does not exist (it is at version {version}). "
                       "Reload it.")
    if layout is None and merged:
        raise Conflict(f"Version {base_version} of this layout does not exist (it is at version 0). Reload it.")
    base = old.data if old is not None else current
    try:
        result, changed = schema.merge(base, current, data)
    except schema.MergeConflict as exc:
        raise LayoutConflict(exc.ids, version) from None
    if not changed:
        return layout or ShotLayout(shot=shot, data=schema.without_shot_fields(current), version=version), [], False
    stored = schema.without_shot_fields(result)
    if layout is None:
        layout = ShotLayout(shot=shot, data=stored, version=1, updated_by=actor)
    else:
        layout.data, layout.version, layout.updated_by = stored, layout.version + 1, actor
    layout.save()
    LayoutVersion.objects.create(layout=layout, version=layout.version, data=result, saved_by=actor)
    events.publish(events.LayoutUpdated(project_id=shot.project_id, actor=UserRef.of(actor), shot=shot.pk,
                                        version=layout.version, layout=result, changed=changed, merged=merged))
    _shot_follows_layout(actor, shot, result)
    return layout, changed, merged


def _shot_follows_layout(actor, shot: Shot, layout: dict) -> None:
    """The shot takes the camera's lens and framing size, and the characters placed on the stage."""
    wanted = schema.shot_fields(layout)
    changes: dict = {}
    if wanted["focal_mm"] != shot.lens_mm:
        changes["lens_mm"] = wanted["focal_mm"]
    if wanted["size"] != shot.size:
        changes["size"] = wanted["size"]
    cast = set(shot.characters.values_list("pk", flat=True))
    if schema.character_ids(layout) - cast:
        changes["characters"] = sorted(cast | schema.character_ids(layout))
    if changes:
        shot_services.shot_update(actor=actor, shot=shot, expected_version=ANY_VERSION, changes=changes)
