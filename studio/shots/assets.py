"""Imported 3D sets (glTF 2.0, as .glb or a self-contained .gltf) for layouts: checked, then kept.

A file is accepted only if it is what it says: a GLB with the glTF magic, version 2, a length that
matches, and a JSON chunk first; or a .gltf whose JSON says glTF 2.0 and whose buffers and images are
embedded (``data:`` URIs: the studio keeps one file, so a reference to another file would break).
"""

from __future__ import annotations

import json
import struct

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction

from studio.core import jsonbody
from studio.projects.access import authorize
from studio.projects.permissions import Capability

from .models import LayoutAsset

GLB_MAGIC = b"glTF"
MAX_JSON_DEPTH = 256  # Python's parser recurses once a level: far deeper is a RecursionError
JSON_CHUNK = 0x4E4F534A


def _fail(message: str) -> ValidationError:
    return ValidationError({"file": [message]})


def _check_gltf_json(document) -> None:
    if not isinstance(document, dict) or not isinstance(document.get("asset"), dict):
        raise _fail("This is not a glTF file: it has no 'asset' description.")
    if str(document["asset"].get("version", "")) != "2.0":
        raise _fail(f"Only glTF 2.0 is supported (this file says {document['asset'].get('version')!r}).")
    for kind in ("buffers", "images"):
        items = document.get(kind, [])
        if not isinstance(items, list):
            raise _fail(f"The file's {kind} are not a list.")
        for item in items:
            uri = item.get("uri") if isinstance(item, dict) else None
            if uri is not None and not str(uri).startswith("data:"):
                raise _fail(f"The file refers to another file ({str(uri)[:60]}); export it as .glb or with "
                            "embedded data.")


def check_upload(upload) -> str:
    """Check an uploaded set; return its kind ("glb" or "gltf") or raise ValidationError({"file": …})."""
    size = getattr(upload, "size", None)
    if not size:
        raise _fail("The file is empty.")
    limit = settings.STUDIO_MAX_ASSET_BYTES
    if size > limit:
        raise _fail(f"The file is {size:,} bytes; the limit is {limit:,} bytes ({limit / 2**20:g} MiB).")
    head = upload.read(20)
    upload.seek(0)
    if head[:4] == GLB_MAGIC:
        if len(head) < 20:
            raise _fail("This GLB file is cut short.")
        _, version, length, chunk_length, chunk_type = struct.unpack("<4sIIII", head)
        if version != 2:
            raise _fail(f"Only glTF 2.0 is supported (this GLB is version {version}).")
        if length != size:
            raise _fail(f"This GLB file says it is {length:,} bytes but is {size:,}: it is damaged or cut short.")
        if chunk_type != JSON_CHUNK or chunk_length > size - 20:
            raise _fail("This GLB file does not start with its JSON chunk.")
        upload.seek(20)
        _check_gltf_json(_read_json(upload, chunk_length, unreadable="The JSON inside this GLB file cannot be read."))
        return "glb"
    _check_gltf_json(_read_json(upload, -1, unreadable="This is neither a .glb nor a .gltf file."))
    return "gltf"


def _read_json(upload, length: int, *, unreadable: str):
    """The JSON document of ``length`` bytes (-1: all) from where the upload stands; rewound after."""
    try:
        data = upload.read(length)
        if jsonbody.too_deep(data, limit=MAX_JSON_DEPTH):
            raise _fail(f"The file's JSON is nested too deep (at most {MAX_JSON_DEPTH} levels).")
        return json.loads(data)
    except ValueError:
        raise _fail(unreadable) from None
    finally:
        upload.seek(0)


@transaction.atomic
def asset_upload(*, actor, project, upload, name: str = "") -> LayoutAsset:
    authorize(actor=actor, project=project, capability=Capability.EDIT_SHOTS)
    kind = check_upload(upload)
    asset = LayoutAsset(project=project, name=(name or getattr(upload, "name", "") or "Set")[:200],
                        bytes=upload.size, uploaded_by=actor)
    asset.file.save(f"set.{kind}", upload, save=False)
    asset.save()
    return asset


def project_asset_files(project) -> list[str]:
    """The imported sets of a project being deleted (``projects.hooks.project_files``)."""
    return [name for name in LayoutAsset.objects.filter(project=project).values_list("file", flat=True) if name]
