"""The 3D layout of a shot: a versioned JSON document, its schema, its checks, and a per-object merge.

A layout is what the previz editor blocks: a stage (sky, ground), the objects on it (mannequins for
characters, set pieces, lights, an imported environment), and the shot camera (lens, sensor, framing,
and the keyframes of its move over the shot's duration, ``t`` from 0 to 1). Lengths are metres,
angles degrees, ``y`` is up. The server keeps the document exactly as sent once it passes
``clean_layout``: anything unknown, non-finite, absurdly large or too many is refused with the field
that is wrong, so a bad save never reaches another collaborator's editor.

Two people may save at once. ``merge`` is a three-way merge by object (and the camera and the stage
each count as one object): a save made from an older version keeps everyone's changes when they
touched different objects, and is refused, naming the objects, when both changed the same one.
No Django here: the services add what needs the database (that a character belongs to the project).
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

SCHEMA = 1
MAX_BYTES = 256 * 1024
MAX_OBJECTS = 500
MAX_KEYS = 16
MAX_COORD = 1000.0  # metres from the origin
ID = re.compile(r"^[A-Za-z0-9_-]{1,40}$")
COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")

SET_PIECES = ("wall", "door", "window", "table", "chair", "bed", "car", "tree", "box")
TYPES = ("character", *SET_PIECES, "light", "environment")
POSES = ("stand", "sit", "walk", "point", "lie")
LIGHTS = ("sun", "practical")
SIZES = ("ECU", "CU", "MCU", "MS", "MLS", "LS", "ELS")
# Sensor widths × heights in mm: the field of view follows from these and the focal length.
SENSORS = {"super35": (24.89, 18.66), "full_frame": (36.0, 24.0), "micro_four_thirds": (17.3, 13.0)}

DEFAULT_CAMERA = {
    "focal_mm": 35, "sensor": "super35", "framing": None,
    "keys": [{"t": 0.0, "position": [0.0, 1.6, 6.0], "target": [0.0, 1.4, 0.0], "roll": 0.0}],
}


class LayoutError(ValueError):
    """A layout that cannot be saved. ``errors`` maps a path (``objects[3].position``) to what is wrong."""

    def __init__(self, errors: dict[str, str]):
        self.errors = errors
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))


class MergeConflict(Exception):
    """Both saves changed the same objects; ``ids`` names them (``camera`` and ``stage`` included)."""

    def __init__(self, ids: list[str]):
        self.ids = ids
        super().__init__(", ".join(ids))


def empty_layout(*, focal_mm: int = 35, size: str | None = None) -> dict:
    camera = json.loads(json.dumps(DEFAULT_CAMERA))
    camera["focal_mm"] = focal_mm
    if size:
        camera["framing"] = {"size": size, "subject": None}
    return {"schema": SCHEMA, "stage": {"sky": "#1b2230", "ground": "#3a3f47", "grid": True}, "camera": camera,
            "objects": []}


CAST_SPACING = 1.0  # metres between the mannequins a first layout stands in a row


def first_layout(characters: list[dict], *, focal_mm: int = 35, size: str | None = None) -> dict:
    """The layout of a shot never saved: an empty stage with the shot's ``characters`` ({id, name, color}) standing
    in a row across the middle of it, facing the camera, so that the editor opens on who is in the shot."""
    layout = empty_layout(focal_mm=focal_mm, size=size)
    middle = (len(characters) - 1) / 2
    layout["objects"] = [
        {"id": f"char-{c['id']}", "type": "character", "name": c["name"][:120],
         "position": [round((i - middle) * CAST_SPACING, 3), 0.0, 0.0], "rotation": [0.0, 0.0, 0.0],
         "character": c["id"], "height": 1.75, "pose": "stand", "color": c["color"]}
        for i, c in enumerate(characters[:MAX_OBJECTS])
    ]
    return layout


# --- Checking ---------------------------------------------------------------------------


class _Checker:
    def __init__(self) -> None:
        self.errors: dict[str, str] = {}

    def fail(self, path: str, message: str) -> None:
        self.errors.setdefault(path, message)

    def keys(self, value: Any, path: str, required: set[str], optional: set[str]) -> bool:
        if not isinstance(value, dict):
            self.fail(path, "must be an object")
            return False
        for key in sorted(set(value) - required - optional):
            self.fail(f"{path}.{key}" if path else key, "is not a field of the layout")
        for key in sorted(required - set(value)):
            self.fail(f"{path}.{key}" if path else key, "is required")
        return True

    def number(self, value: Any, path: str, low: float, high: float) -> None:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            self.fail(path, "must be a number")
        elif not math.isfinite(value):
            self.fail(path, "must be a finite number")
        elif not low <= value <= high:
            self.fail(path, f"must be between {low:g} and {high:g}")

    def vector(self, value: Any, path: str, low: float = -MAX_COORD, high: float = MAX_COORD) -> None:
        if not isinstance(value, list) or len(value) != 3:
            self.fail(path, "must be a list of three numbers")
            return
        for i, v in enumerate(value):
            self.number(v, f"{path}[{i}]", low, high)

    def choice(self, value: Any, path: str, choices: tuple[str, ...]) -> None:
        if value not in choices:
            self.fail(path, f"must be one of: {', '.join(choices)}")

    def color(self, value: Any, path: str) -> None:
        if not isinstance(value, str) or not COLOR.match(value):
            self.fail(path, "must be a colour like #e4572e")

    def text(self, value: Any, path: str, limit: int) -> None:
        if not isinstance(value, str) or len(value) > limit:
            self.fail(path, f"must be text of at most {limit} characters")


def clean_layout(data: Any) -> dict:
    """Check a layout document; return it unchanged, or raise LayoutError with every problem found."""
    check = _Checker()
    try:
        size = len(json.dumps(data, allow_nan=True))
    except (TypeError, ValueError):
        raise LayoutError({"layout": "must be JSON"}) from None
    if size > MAX_BYTES:
        raise LayoutError({"layout": f"is {size:,} bytes; a layout is at most {MAX_BYTES:,}"})
    if not check.keys(data, "", {"schema", "stage", "camera", "objects"}, set()):
        raise LayoutError({"layout": "must be an object with schema, stage, camera and objects"})
    if data.get("schema") != SCHEMA:
        check.fail("schema", f"must be {SCHEMA}")
    _check_stage(check, data.get("stage"))
    _check_camera(check, data.get("camera"))
    objects = data.get("objects")
    if not isinstance(objects, list):
        check.fail("objects", "must be a list")
    elif len(objects) > MAX_OBJECTS:
        check.fail("objects", f"has {len(objects)} objects; a layout holds at most {MAX_OBJECTS}")
    else:
        seen: set[str] = set()
        for i, obj in enumerate(objects):
            _check_object(check, obj, f"objects[{i}]", seen)
    if check.errors:
        raise LayoutError(check.errors)
    return data


def _check_stage(check: _Checker, stage: Any) -> None:
    if check.keys(stage, "stage", {"sky", "ground", "grid"}, set()):
        check.color(stage.get("sky"), "stage.sky")
        check.color(stage.get("ground"), "stage.ground")
        if not isinstance(stage.get("grid"), bool):
            check.fail("stage.grid", "must be true or false")


def _check_camera(check: _Checker, camera: Any) -> None:
    if not check.keys(camera, "camera", {"focal_mm", "sensor", "keys"}, {"framing"}):
        return
    check.number(camera.get("focal_mm"), "camera.focal_mm", 4, 1200)
    check.choice(camera.get("sensor"), "camera.sensor", tuple(SENSORS))
    framing = camera.get("framing")
    if framing is not None and check.keys(framing, "camera.framing", {"size", "subject"}, set()):
        check.choice(framing.get("size"), "camera.framing.size", SIZES)
        subject = framing.get("subject")
        if subject is not None and (not isinstance(subject, str) or not ID.match(subject)):
            check.fail("camera.framing.subject", "must be an object id or null")
    keys = camera.get("keys")
    if not isinstance(keys, list) or not 1 <= len(keys) <= MAX_KEYS:
        check.fail("camera.keys", f"must be a list of 1 to {MAX_KEYS} keyframes")
        return
    previous = -1.0
    for i, key in enumerate(keys):
        path = f"camera.keys[{i}]"
        if not check.keys(key, path, {"t", "position", "target", "roll"}, set()):
            continue
        check.number(key.get("t"), f"{path}.t", 0, 1)
        check.vector(key.get("position"), f"{path}.position")
        check.vector(key.get("target"), f"{path}.target")
        check.number(key.get("roll"), f"{path}.roll", -180, 180)
        t = key.get("t")
        if isinstance(t, (int, float)) and not isinstance(t, bool) and math.isfinite(t):
            if t <= previous:
                check.fail(f"{path}.t", "keyframes must go forward in time")
            previous = t


COMMON = {"id", "type", "name", "position", "rotation"}
FIELDS = {
    "character": ({"character", "height", "pose", "color"}, set()),
    "light": ({"kind", "intensity", "color"}, set()),
    "environment": ({"asset", "scale"}, set()),
    **{piece: ({"scale", "color"}, set()) for piece in SET_PIECES},
}


def _check_object(check: _Checker, obj: Any, path: str, seen: set[str]) -> None:
    if not isinstance(obj, dict):
        check.fail(path, "must be an object")
        return
    kind = obj.get("type")
    if kind not in TYPES:
        check.fail(f"{path}.type", f"must be one of: {', '.join(TYPES)}")
        return
    required, optional = FIELDS[kind]
    if not check.keys(obj, path, COMMON | required, optional):
        return
    oid = obj.get("id")
    if not isinstance(oid, str) or not ID.match(oid) or oid in ("camera", "stage"):
        check.fail(f"{path}.id", "must be 1 to 40 letters, digits, - or _ (not camera or stage)")
    elif oid in seen:
        check.fail(f"{path}.id", f"{oid!r} is used by another object")
    else:
        seen.add(oid)
    check.text(obj.get("name"), f"{path}.name", 120)
    check.vector(obj.get("position"), f"{path}.position")
    check.vector(obj.get("rotation"), f"{path}.rotation", -360, 360)
    if kind == "character":
        if isinstance(obj.get("character"), bool) or not isinstance(obj.get("character"), int):
            check.fail(f"{path}.character", "must be the id of a character of the project")
        check.number(obj.get("height"), f"{path}.height", 0.3, 3.0)
        check.choice(obj.get("pose"), f"{path}.pose", POSES)
        check.color(obj.get("color"), f"{path}.color")
    elif kind == "light":
        check.choice(obj.get("kind"), f"{path}.kind", LIGHTS)
        check.number(obj.get("intensity"), f"{path}.intensity", 0, 100)
        check.color(obj.get("color"), f"{path}.color")
    elif kind == "environment":
        check.text(obj.get("asset"), f"{path}.asset", 255)
        check.number(obj.get("scale"), f"{path}.scale", 0.001, 1000)
    else:
        check.vector(obj.get("scale"), f"{path}.scale", 0.01, 100)
        check.color(obj.get("color"), f"{path}.color")


def character_ids(layout: dict) -> set[int]:
    return {obj["character"] for obj in layout["objects"] if obj["type"] == "character"}


# --- The shot's own fields ----------------------------------------------------------------
# The camera's focal length and framing size are the shot's lens and size (``Shot.lens_mm``, ``Shot.size``):
# the shot is their one home. A layout is stored without them and served with the shot's values; a save
# that changes them changes the shot.


def shot_fields(layout: dict) -> dict[str, Any]:
    """The lens and framing size a (served or sent) layout's camera shows: ``{"focal_mm", "size"}``."""
    camera = layout.get("camera") or {}
    framing = camera.get("framing")
    return {"focal_mm": camera.get("focal_mm"), "size": framing.get("size") if isinstance(framing, dict) else None}


def without_shot_fields(layout: dict) -> dict:
    """The layout as stored: its camera without the shot's lens and framing size (the subject stays)."""
    return {**layout, "camera": _camera_without_shot_fields(layout["camera"])}


def with_shot_fields(stored: dict, *, lens_mm: int, size: str) -> dict:
    """The layout as served: its stored camera with the shot's lens and framing size."""
    camera = dict(stored["camera"])
    camera["focal_mm"] = lens_mm
    camera["framing"] = {"size": size, "subject": (camera.get("framing") or {}).get("subject")}
    return {**stored, "camera": camera}


def _camera_without_shot_fields(camera: dict) -> dict:
    camera = {k: v for k, v in camera.items() if k != "focal_mm"}
    framing = camera.get("framing")
    if isinstance(framing, dict):
        camera["framing"] = {k: v for k, v in framing.items() if k != "size"}
    return camera


# --- Merging ------------------------------------------------------------------------------

LENS = "lens"  # the part of a merge that holds the shot's lens and size; reported as part of the camera


def _parts(layout: dict) -> dict[str, Any]:
    """The units of a merge: each object by id, the camera (without the shot's lens and size), the lens and
    size, the stage."""
    parts: dict[str, Any] = {"camera": _camera_without_shot_fields(layout["camera"]), LENS: shot_fields(layout),
                             "stage": layout["stage"]}
    for obj in layout["objects"]:
        parts[obj["id"]] = obj
    return parts


def merge(base: dict, theirs: dict, mine: dict) -> tuple[dict, list[str]]:
    """Three-way merge of ``mine`` (made from ``base``) into ``theirs`` (the current layout).

    Returns the merged layout and the ids ``mine`` changed. Raises MergeConflict with the ids both
    changed differently (an object one side deleted and the other edited counts too). The camera's lens
    and framing size merge apart from the rest of the camera, so a lens changed on the board and a key
    moved in the editor both stand; either is reported as ``camera``."""
    b, t, m = _parts(base), _parts(theirs), _parts(mine)
    if m[LENS]["size"] is None:  # no framing sent: the size is not this save's to change
        m[LENS] = {**m[LENS], "size": b[LENS]["size"]}
    conflicts, changed = [], []
    merged = dict(t)
    for key in sorted(set(b) | set(t) | set(m)):
        bv, tv, mv = b.get(key), t.get(key), m.get(key)
        if mv == bv:
            continue  # I did not touch it: theirs stands
        changed.append(key)
        if tv != bv and tv != mv:
            conflicts.append(key)
        elif mv is None:
            merged.pop(key, None)
        else:
            merged[key] = mv
    if conflicts:
        raise MergeConflict(_reported(conflicts))
    order = [obj["id"] for obj in theirs["objects"] if obj["id"] in merged]
    order += [obj["id"] for obj in mine["objects"] if obj["id"] in merged and obj["id"] not in order]
    camera = dict(merged["camera"])
    lens = merged[LENS]
    if lens["focal_mm"] is not None:
        camera["focal_mm"] = lens["focal_mm"]
    if lens["size"] is not None:
        camera["framing"] = {"size": lens["size"], "subject": (camera.get("framing") or {}).get("subject")}
    result = {"schema": SCHEMA, "stage": merged["stage"], "camera": camera,
              "objects": [merged[oid] for oid in order]}
    return result, _reported(changed)


def _reported(ids: list[str]) -> list[str]:
    return sorted({"camera" if i == LENS else i for i in ids})
