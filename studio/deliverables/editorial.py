"""The cut for editorial, both ways: quick downloads (the shot list, OTIO, EDL, FCP XML) and a retimed cut read
back into a proposal, then applied as ordinary versioned shot updates. A shot is never deleted or moved to another
scene by a retime: what the edit lacks is reported, clips it cannot match are listed."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction

from studio.shots import services as shot_services
from studio.shots.models import Shot

from .renderers import slug
from .sequence import Sequence

MAX_CUT_BYTES = 20 * 1024 * 1024


def download(sequence: Sequence, name: str, *, base_url: str = "") -> tuple[bytes, str, str]:
    """(content, media type, file name) of a quick download; ValidationError for a name that is none. The cut's
    media references are the takes' links in the studio (``base_url`` + path), never the server's file paths."""
    from . import interchange

    base = slug(sequence.title)
    if name in ("shotlist.csv", "shotlist.pdf"):
        from . import shotlist
    if name == "shotlist.csv":
        return shotlist.shotlist_csv(sequence).encode("utf-8-sig"), "text/csv; charset=utf-8", f"{base}-shots.csv"
    if name == "shotlist.pdf":
        return _shotlist_pdf(sequence), "application/pdf", f"{base}-shots.pdf"
    formats = {"cut.otio": ("otio", "application/json", "otio"), "cut.edl": ("edl", "text/plain", "edl"),
               "cut.xml": ("fcp7", "application/xml", "xml"), "cut.fcpxml": ("fcpx", "application/xml", "fcpxml")}
    if name not in formats or formats[name][0] not in interchange.FORMATS:
        raise ValidationError({"name": [f"Choose one of: {', '.join(names())}."]})
    fmt, media_type, suffix = formats[name]
    try:
        content = interchange.export(sequence, fmt, media_url=lambda panel: base_url + panel.media.url
                                     if panel.media and panel.media.url else None)
    except interchange.InterchangeError as exc:
        raise ValidationError({"name": [str(exc)]}) from None
    return content, media_type, f"{base}.{suffix}"


def _shotlist_pdf(sequence: Sequence) -> bytes:
    import tempfile
    from pathlib import Path

    from django.conf import settings

    from studio.core.errors import Busy

    from . import shotlist
    from .fonts import FontsMissing, find_fonts

    try:
        fonts = find_fonts(settings.STUDIO_FONTS_DIR or None)
    except FontsMissing as exc:  # the server lacks fonts: nothing the request can change
        raise Busy(str(exc)) from None
    with tempfile.TemporaryDirectory(prefix="previz-shots-") as folder:
        out = Path(folder) / "shots.pdf"
        shotlist.render_shotlist_pdf(sequence, out, fonts=fonts)
        return out.read_bytes()


def names() -> list[str]:
    from . import interchange

    out = ["shotlist.csv", "shotlist.pdf", "cut.otio", "cut.edl", "cut.xml"]
    return out + (["cut.fcpxml"] if "fcpx" in interchange.FORMATS else [])


def propose(sequence: Sequence, upload) -> dict:
    """What an edited cut would change: durations and order, unmatched clips, shots it lacks (nothing changes)."""
    from . import interchange

    if upload.size > MAX_CUT_BYTES:
        raise ValidationError({"file": [f"The file is over {MAX_CUT_BYTES // (1024 * 1024)} MB."]})
    try:
        timeline = interchange.read_timeline(upload.read(), upload.name or "", fps=sequence.fps)
        proposal = interchange.retime_proposal(sequence, timeline)
    except interchange.InterchangeError as exc:
        raise ValidationError({"file": [str(exc)]}) from None
    return proposal.as_dict()


@dataclass
class RetimeResult:
    updated: list[int] = field(default_factory=list)  # shots whose duration changed
    reordered_scenes: list[int] = field(default_factory=list)


@transaction.atomic
def retime_apply(*, actor, project, changes: list[dict], order: list[int] | None) -> RetimeResult:
    """Apply accepted durations (each a versioned ``shot_update``: a shot changed since the proposal is a 412 and
    nothing is applied) and the new order within each scene."""
    result = RetimeResult()
    ids = [change["shot"] for change in changes] + list(order or [])
    shots = {shot.pk: shot for shot in Shot.objects.filter(project=project, pk__in=ids).select_related("project")}
    stray = next((i for i in ids if i not in shots), None)
    if stray is not None:
        raise ValidationError({"changes": [f"Shot {stray} is not in this project."]})
    seen = set()
    for change in changes:
        if change["shot"] in seen:
            raise ValidationError({"changes": [f"Shot {change['shot']} is named twice."]})
        seen.add(change["shot"])
        before = shots[change["shot"]].duration
        shot = shot_services.shot_update(actor=actor, shot=shots[change["shot"]], expected_version=change["version"],
                                         changes={"duration": change["duration"]})
        if shot.duration != before:
            result.updated.append(shot.pk)
    if order:
        result.reordered_scenes = _reorder(actor, project, order)
    return result


def _reorder(actor, project, order: list[int]) -> list[int]:
    """Each scene's shots in the order ``order`` gives them (shots it leaves out keep their place after them)."""
    from studio.shots.selectors import shots_in_order

    by_scene: dict[int, list[int]] = {}
    scenes = {}
    for shot in shots_in_order(project=project).select_related("scene"):
        by_scene.setdefault(shot.scene_id, []).append(shot.pk)
        scenes[shot.scene_id] = shot.scene
    place = {shot_id: n for n, shot_id in enumerate(order)}
    reordered = []
    for scene_id, current in by_scene.items():
        named = sorted((i for i in current if i in place), key=place.__getitem__)
        wanted = named + [i for i in current if i not in place]
        if wanted != current:
            shot_services.shots_reorder(actor=actor, scene=scenes[scene_id], shot_ids=wanted)
            reordered.append(scene_id)
    return reordered
