"""Editorial interchange: the sequence out as OpenTimelineIO, OTIOZ, CMX 3600 EDL and FCP 7 XML, and an editor's
cut back in as a *retime proposal* (new frame counts and order per shot, clips that match nothing, shots the edit
no longer has) that the director accepts before anything changes.

Plain Python: no Django. Reads a ``deliverables.sequence.Sequence``; the API applies a ``Proposal`` as normal,
versioned shot updates.

Export (``timeline_of``): one video track "V1", one clip per panel in board order, named with the shot number
("2A"), source range 0 → ``panel.frames`` at the sequence's exact rate (``float(24000/1001)`` for 23.976, the
float OTIO's own NTSC helpers use), a media reference to the selected take (``ExternalReference``; a
``MissingReference`` for a panel that is only its framing sketch), one zero-length marker per note line at the
clip's first frame, and ``metadata["previz"]`` (see ``clip_metadata``). The timeline starts at 01:00:00:00 (the
editorial custom: ``global_start_time``, written as the sequence timecode in FCP XML and as the record timecode of
the first event in the EDL); source timecodes start at 00:00:00:00.

What survives each format (tested in tests/studio/deliverables/test_interchange.py):

- ``.otio``: everything (names, exact ranges, references, markers, metadata).
- CMX 3600 EDL: the order, the record/source ranges, the clip name (``* FROM CLIP NAME:``), the media URL
  (``* FROM CLIP:``), the notes as ``* LOC:`` markers (upper-cased by the adapter: names come back upper case), the
  shot id as a ``* PREVIZ SHOT_ID: 17`` comment and as the reel name ``PZ17``. Nothing else of the metadata. An
  EDL has no frame rate: read it at the sequence's (``read_timeline(..., fps=sequence.fps)``).
- FCP 7 XML (xmeml 4): order, ranges, rate (timebase + ntsc flag), clip names, pathurl, markers with their exact
  names, the sequence's start timecode, and the clip's FCP logging fields we fill: ``comments/mastercomment1``
  ("PREVIZ SHOT_ID: 17", read back as the shot id), ``logginginfo`` (scene number, shot number, camera, notes).
  ``metadata["previz"]`` itself is not written.
- FCPXML (fcpx_xml): not offered: opentimelineio-plugins 0.18.1 installs no fcpx_xml adapter.
"""

from __future__ import annotations

import io
import json
import os
import re
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import asdict, dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from pathlib import Path

import opentimelineio as otio
from opentimelineio.adapters.file_bundle_utils import MediaReferencePolicy

from .sequence import NTSC, Panel, Sequence

RT = otio.opentime.RationalTime
TR = otio.opentime.TimeRange

FORMATS = {"otio": "otio_json", "edl": "cmx_3600", "fcp7": "fcp_xml"}  # fmt → OTIO adapter
EXTENSIONS = {"otio": ".otio", "edl": ".edl", "fcp7": ".xml", "otioz": ".otioz"}
CONTENT_TYPES = {"otio": "application/json", "edl": "text/plain; charset=utf-8", "fcp7": "application/xml",
                 "otioz": "application/zip"}
MAX_BYTES = 32 * 1024 * 1024  # an edit decision list of a feature is a few hundred kB; refuse anything bigger
START_HOURS = 1  # the timeline starts at 01:00:00:00
SHOT_ID_COMMENT = "PREVIZ SHOT_ID"  # EDL comment / FCP master comment: "PREVIZ SHOT_ID: 17"
REEL_PREFIX = "PZ"  # EDL reel name: "PZ17" (8 characters at most: ids up to 999999)
SHOT_ID_RE = re.compile(r"PREVIZ SHOT_ID:?\s*(\d+)", re.IGNORECASE)
REEL_RE = re.compile(rf"^{REEL_PREFIX}(\d+)$")


class InterchangeError(ValueError):
    """An edit that cannot be read (the message says why, for the person who uploaded it)."""


# --- rates and time ---------------------------------------------------------------------------------------------

def otio_rate(fps: Fraction) -> float:
    """The rate OTIO stores: a float (24000/1001 → 23.976023976023978, as OTIO's NTSC helpers and the FCP adapter
    compute it)."""
    return float(fps)


def exact_rate(rate: float) -> Fraction:
    """The exact rate of an OTIO float rate: within 0.005 of an NTSC rate is that rate (23.976, 23.98 and
    24000/1001 are the same film), otherwise the nearest fraction with a small denominator."""
    for exact in NTSC.values():
        if abs(rate - float(exact)) < 5e-3:
            return exact
    return Fraction(rate).limit_denominator(1001)


def frames_at(time: otio.opentime.RationalTime, fps: Fraction) -> int:
    """A duration counted in frames of ``fps``: exact when its rate is ``fps``, otherwise converted by time
    (rounded half up)."""
    rate = exact_rate(time.rate)
    if rate == fps:
        return int(Fraction(time.value).limit_denominator(1000) + Fraction(1, 2))
    exact = Fraction(time.value).limit_denominator(1000) / rate * fps
    return int(exact + Fraction(1, 2))


def seconds_of(frames: int, fps: Fraction) -> Decimal:
    """Frames as a shot duration: seconds rounded to 0.01 (``Shot.duration`` holds two decimals)."""
    exact = Fraction(frames) / fps
    return (Decimal(exact.numerator) / Decimal(exact.denominator)).quantize(Decimal("0.01"), ROUND_HALF_UP)


def rate_label(fps: Fraction) -> str:
    for decimal, exact in NTSC.items():
        if exact == fps:
            return str(decimal)
    return str(float(fps)).removesuffix(".0")


# --- export -----------------------------------------------------------------------------------------------------

def clip_metadata(panel: Panel) -> dict:
    """What ``metadata["previz"]`` of a panel's clip holds."""
    media = panel.media
    return {
        "shot_id": panel.shot_id,
        "number": panel.number,
        "scene_id": panel.scene_id,
        "scene_number": panel.scene_number,
        "scene_heading": panel.scene_heading,
        "lens_mm": panel.lens_mm,
        "size": panel.size,
        "size_code": panel.size_code,
        "angle": panel.angle,
        "movement": panel.movement,
        "take_id": media.take_id if media else None,
        "take_number": media.take_number if media else None,
        "version": panel.version,
        "selected": panel.selected,
    }


def note_lines(panel: Panel) -> list[str]:
    return [line.strip() for line in panel.notes.splitlines() if line.strip()]


def _media_frames(panel: Panel, fps: Fraction) -> int:
    """The length of the panel's media at the sequence rate: a still lasts as long as the shot; a clip its own
    length, but never less than the shot (the deliverables hold a short clip's last frame)."""
    media = panel.media
    if media is None or media.kind != "clip" or not media.fps or media.frames <= 1:
        return panel.frames
    own = int(Fraction(media.frames) / exact_rate(media.fps) * fps + Fraction(1, 2))
    return max(panel.frames, own)


def timeline_of(sequence: Sequence, *, media_url: Callable[[Panel], str | None] | None = None) -> otio.schema.Timeline:
    """The sequence as an OTIO timeline (see the module docstring). ``media_url(panel)`` names the take's media
    (a URL a member can fetch); without it, or where it answers None or "", the media path as a file URL."""
    rate = otio_rate(sequence.fps)
    timeline = otio.schema.Timeline(name=sequence.title or "Sequence")
    timeline.global_start_time = RT(START_HOURS * 3600 * round(sequence.fps), rate)
    timeline.metadata["previz"] = {
        "project_id": sequence.project_id, "scene_id": sequence.scene_id, "fps": rate_label(sequence.fps),
        "aspect": str(sequence.aspect), "draft": sequence.draft, "day": sequence.day.isoformat(),
    }
    track = otio.schema.Track(name="V1", kind=otio.schema.TrackKind.Video)
    timeline.tracks.append(track)
    for panel in sequence.panels:
        zero = RT(0, rate)
        if panel.media is None:
            reference = otio.schema.MissingReference(name="framing sketch")
        else:
            url = (media_url(panel) if media_url else None) or otio.url_utils.url_from_filepath(panel.media.path)
            reference = otio.schema.ExternalReference(
                target_url=url, available_range=TR(zero, RT(_media_frames(panel, sequence.fps), rate)))
        clip = otio.schema.Clip(name=panel.number, media_reference=reference,
                                source_range=TR(zero, RT(panel.frames, rate)))
        clip.metadata["previz"] = clip_metadata(panel)
        for line in note_lines(panel):
            clip.markers.append(otio.schema.Marker(name=line, marked_range=TR(zero, RT(0, rate)),
                                                   color=otio.schema.MarkerColor.YELLOW))
        track.append(clip)
    return timeline


def _for_edl(timeline: otio.schema.Timeline) -> otio.schema.Timeline:
    """A copy the CMX adapter writes as we want: the shot id as a comment and a reel name, and a leading gap of
    the start time (the adapter ignores ``global_start_time``; a gap is no event, so the first record timecode
    becomes 01:00:00:00)."""
    out = timeline.deepcopy()
    track = out.video_tracks()[0]
    for clip in track.find_clips():
        shot_id = clip.metadata["previz"]["shot_id"]
        cmx = {"comments": [f"{SHOT_ID_COMMENT}: {shot_id}"]}
        if len(f"{REEL_PREFIX}{shot_id}") <= 8:
            cmx["reel"] = f"{REEL_PREFIX}{shot_id}"
        clip.metadata["cmx_3600"] = cmx
    start = out.global_start_time
    if start is not None and start.value:
        track.insert(0, otio.schema.Gap(source_range=TR(RT(0, start.rate), start)))
    return out


def _for_fcp7(timeline: otio.schema.Timeline) -> otio.schema.Timeline:
    """A copy whose clips carry FCP 7 logging fields (the adapter writes ``metadata["fcp_xml"]`` as elements)."""
    out = timeline.deepcopy()
    for clip in out.find_clips():
        previz = clip.metadata["previz"]
        notes = "; ".join(marker.name for marker in clip.markers)
        camera = f"{previz['size_code']} · {previz['angle'].lower()} · {previz['movement'].lower()} · " \
                 f"{previz['lens_mm']} mm"
        clip.metadata["fcp_xml"] = {
            "comments": {"mastercomment1": f"{SHOT_ID_COMMENT}: {previz['shot_id']}",
                         "mastercomment2": previz["scene_heading"]},
            "logginginfo": {"scene": str(previz["scene_number"]), "shottake": previz["number"],
                            "description": camera, "lognote": notes},
        }
    return out


def export(sequence: Sequence, fmt: str, *, media_url: Callable[[Panel], str | None] | None = None) -> bytes:
    """The sequence as a file: ``fmt`` is "otio", "edl" (CMX 3600) or "fcp7" (FCP 7 XML); UTF-8 bytes."""
    if fmt not in FORMATS:
        raise ValueError(f"Unknown format {fmt!r}: one of {', '.join(sorted(FORMATS))}")
    _has_shots(sequence)
    timeline = timeline_of(sequence, media_url=media_url)
    if fmt == "edl":
        timeline = _for_edl(timeline)
    elif fmt == "fcp7":
        timeline = _for_fcp7(timeline)
    text = otio.adapters.write_to_string(timeline, adapter_name=FORMATS[fmt])
    return text.encode("utf-8")


def _has_shots(sequence: Sequence) -> None:
    if not sequence.panels:
        raise InterchangeError(f"{sequence.title or 'The sequence'} has no shots: there is no cut to export.")


@dataclass(frozen=True)
class Bundle:
    """What ``export_otioz`` wrote."""

    path: str
    media: tuple[str, ...]  # the media files in the zip ("media/<file name>"), in panel order
    missing: tuple[tuple[str, str], ...]  # (shot number, path) of takes whose file is not on disk: left out
    sketches: tuple[str, ...]  # shot numbers that have no take (a MissingReference, nothing to bundle)


def export_otioz(sequence: Sequence, out_path: str | os.PathLike) -> Bundle:
    """The sequence as an ``.otioz`` (a zip: content.otio + media/…), with the selected takes' files inside and
    the references relinked to them. A take whose file is missing becomes a ``MissingReference`` (reported, not
    an error). Two takes whose files share a name are bundled under distinct names (the adapter needs unique
    names). Writes atomically: an existing file at ``out_path`` is replaced."""
    _has_shots(sequence)
    timeline = timeline_of(sequence)
    missing, sketches, media, seen = [], [], [], {}
    out_path = Path(out_path)
    with tempfile.TemporaryDirectory(prefix="otioz-") as staging:
        for panel, clip in zip(sequence.panels, timeline.video_tracks()[0].find_clips(), strict=True):
            if panel.media is None:
                sketches.append(panel.number)
                continue
            path = Path(panel.media.path)
            if not path.is_file():
                missing.append((panel.number, str(path)))
                clip.media_reference = otio.schema.MissingReference(
                    name=path.name, metadata={"missing_reference_because": "file not found",
                                              "original_target_url": clip.media_reference.target_url})
                continue
            absolute = str(path.resolve())
            name = seen.get(absolute)
            if name is None:
                name = path.name
                taken = set(seen.values())
                if name in taken:  # another file of that name: bundle this one as <stem>-<shot id><suffix>
                    name = f"{path.stem}-{panel.shot_id}{path.suffix}"
                    while name in taken:
                        name = f"{Path(name).stem}-{panel.shot_id}{path.suffix}"
                    os.symlink(absolute, os.path.join(staging, name))
                seen[absolute] = name
                media.append(f"media/{name}")
            if name != path.name:
                clip.media_reference.target_url = otio.url_utils.url_from_filepath(os.path.join(staging, name))
        descriptor, scratch = tempfile.mkstemp(prefix=".otioz-", dir=out_path.parent)
        os.close(descriptor)
        os.unlink(scratch)  # the adapter refuses to overwrite
        try:
            otio.adapters.write_to_file(timeline, scratch, adapter_name="otioz",
                                        media_policy=MediaReferencePolicy.MissingIfNotFile)
            os.replace(scratch, out_path)
        finally:
            if os.path.exists(scratch):
                os.unlink(scratch)
    return Bundle(path=str(out_path), media=tuple(media), missing=tuple(missing), sketches=tuple(sketches))


# --- import -----------------------------------------------------------------------------------------------------

def _text(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("latin-1")  # old EDLs


def video_track(timeline: otio.schema.Timeline) -> tuple[otio.schema.Track, list[str]]:
    """The edit's first video track, and a warning when there are more."""
    tracks = timeline.video_tracks()
    if not tracks:
        raise InterchangeError("The edit has no video track.")
    warnings = []
    if len(tracks) > 1:
        warnings.append(f"The edit has {len(tracks)} video tracks: only the first ({tracks[0].name or 'V1'}) "
                        f"is read.")
    return tracks[0], warnings


def read_timeline(data: bytes, filename: str, *, fps: Fraction | None = None) -> otio.schema.Timeline:
    """An edit as an OTIO timeline, by its file name's extension: .otio (OTIO JSON), .otioz (its content.otio),
    .edl (CMX 3600, read at ``fps``: an EDL has no rate; 24 when not given), .xml (FCP 7 XML, "xmeml").
    Raises ``InterchangeError`` with a message for the uploader when it cannot. The timeline's
    ``metadata["previz_import"]`` says the format and holds the warnings (more than one video track)."""
    name = os.path.basename(filename or "")
    ext = os.path.splitext(name)[1].lower()
    if len(data) > MAX_BYTES:
        raise InterchangeError(f"{name} is {len(data) // (1024 * 1024)} MB: an edit may be at most "
                               f"{MAX_BYTES // (1024 * 1024)} MB.")
    if not data.strip():
        raise InterchangeError(f"{name} is empty.")
    rate = otio_rate(fps) if fps else 24.0
    extra_edl: list[str] = []
    if ext == ".otio":
        timeline, fmt = _read_otio_json(_text(data), name), "otio"
    elif ext == ".otioz":
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as bundle:
                content = bundle.read("content.otio")
        except (zipfile.BadZipFile, KeyError) as error:
            raise InterchangeError(f"{name} is not an OTIOZ bundle (a zip with content.otio): {error}") from None
        timeline, fmt = _read_otio_json(_text(content), name), "otioz"
    elif ext == ".edl":
        text = _text(data)
        try:
            timeline = otio.adapters.read_from_string(text, adapter_name="cmx_3600", rate=rate)
        except otio.exceptions.OTIOError as error:
            raise InterchangeError(f"{name} is not a CMX 3600 EDL this studio can read: {error}.") from None
        if not any(len(track) for track in timeline.tracks):
            raise InterchangeError(f"{name} is not a CMX 3600 EDL: it has no events.")
        fmt = "edl"
        _start_at_first_record(timeline)
        if fps is None:
            extra_edl = ["An EDL has no frame rate: it was read at 24 fps."]
    elif ext == ".xml":
        text = _text(data)
        if re.search(r"<!ENTITY", text[:4096]):
            raise InterchangeError(f"{name} declares XML entities: refused.")
        if re.search(r"<fcpxml[\s>]", text[:4096]):
            raise InterchangeError(f"{name} is FCPXML (Final Cut Pro X): export FCP 7 XML (xmeml) instead, "
                                   f"or an EDL or OTIO file.")
        try:
            timeline = otio.adapters.read_from_string(text, adapter_name="fcp_xml")
        except Exception as error:  # ElementTree's ParseError, the adapter's ValueError / KeyError / …
            raise InterchangeError(f"{name} is not an FCP 7 XML sequence this studio can read: {error}.") from None
        fmt = "fcp7"
    else:
        raise InterchangeError(f"{name or 'The file'}: an edit is an .otio, .otioz, .edl or FCP 7 .xml file.")
    if not isinstance(timeline, otio.schema.Timeline):  # FCP XML of several sequences: a collection
        timelines = [item for item in timeline if isinstance(item, otio.schema.Timeline)] \
            if isinstance(timeline, otio.schema.SerializableCollection) else []
        if not timelines:
            raise InterchangeError(f"{name} holds no timeline.")
        timeline = timelines[0]
        extra = [f"{name} holds {len(timelines)} sequences: only the first ({timeline.name}) is read."]
    else:
        extra = []
    _, warnings = video_track(timeline)
    warnings = extra_edl + extra + warnings
    timeline.metadata["previz_import"] = {"format": fmt, "filename": name, "warnings": warnings}
    return timeline


def _read_otio_json(text: str, name: str) -> otio.schema.Timeline:
    try:
        json.loads(text)
    except ValueError as error:
        raise InterchangeError(f"{name} is not OTIO JSON: {error}.") from None
    try:
        result = otio.adapters.read_from_string(text, adapter_name="otio_json")
    except Exception as error:  # the C++ reader's ValueError / KeyError / TypeError
        raise InterchangeError(f"{name} is not an OTIO timeline: {error}.") from None
    if not isinstance(result, otio.schema.Timeline | otio.schema.SerializableCollection):
        kind = result.schema_name() if hasattr(result, "schema_name") else type(result).__name__
        raise InterchangeError(f"{name} holds a {kind}, not a Timeline.")
    return result


def _start_at_first_record(timeline: otio.schema.Timeline) -> None:
    """The CMX reader keeps the first record timecode as a negative start of each track's range: make it the
    timeline's start, as an OTIO or FCP file has it."""
    for track in timeline.tracks:
        source = track.source_range
        if source is not None and source.start_time.value < 0:
            if timeline.global_start_time is None:
                timeline.global_start_time = RT(-source.start_time.value, source.start_time.rate)
            track.source_range = None


# --- the retime proposal ----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Change:
    """A shot the edit retimed or moved."""

    shot_id: int
    number: str
    old_frames: int
    new_frames: int
    old_duration_s: Decimal  # the shot's duration now (two decimals)
    new_duration_s: Decimal  # new_frames / the sequence's fps, to 0.01 s
    old_index: int  # 0-based place on the board (in this sequence)
    new_index: int  # 0-based place in ``Proposal.order``
    version: int  # the shot's version the proposal was made from (refuse to apply it to a newer one)

    @property
    def retimed(self) -> bool:
        return self.old_frames != self.new_frames

    @property
    def moved(self) -> bool:
        return self.old_index != self.new_index


@dataclass(frozen=True)
class Match:
    """How a clip of the edit was tied to a shot."""

    shot_id: int
    number: str
    clip_index: int  # 0-based among the track's clips (gaps and transitions not counted)
    clip_name: str
    by: str  # "id" (the previz shot id the clip carries), "name" (clip name = shot number) or "media"


@dataclass(frozen=True)
class Stray:
    """A clip that changes no shot: it matches none (``Proposal.unmatched``) or uses a shot already used
    (``Proposal.repeated``: the first use wins)."""

    index: int  # 0-based among the track's clips
    name: str
    frames: int  # at the sequence's fps
    duration_s: Decimal
    start_frame: int  # where it starts in the edit, frames from the track's start
    reason: str
    shot_id: int | None = None  # the shot a repeated clip uses


@dataclass(frozen=True)
class Missing:
    """A shot the edit does not use: reported, never deleted; it keeps its place in ``order``."""

    shot_id: int
    number: str
    index: int  # its place on the board


@dataclass(frozen=True)
class Proposal:
    changes: tuple[Change, ...]  # in the new order
    order: tuple[int, ...]  # every shot id of the sequence, in the new order (none dropped)
    matched: tuple[Match, ...]
    unmatched: tuple[Stray, ...]
    repeated: tuple[Stray, ...]
    missing: tuple[Missing, ...]
    rate_mismatch: str  # "" when the edit runs at the sequence's rate
    notes: tuple[str, ...]  # gaps, transitions, disabled clips, extra tracks

    @property
    def empty(self) -> bool:
        """Nothing to apply (there may still be things to report)."""
        return not self.changes

    def as_dict(self) -> dict:
        """Plain JSON-ready data (durations as strings: "2.50"), for the API and the diff page."""
        def plain(value):
            if isinstance(value, Decimal):
                return str(value)
            if isinstance(value, tuple | list):
                return [plain(item) for item in value]
            if isinstance(value, dict):
                return {key: plain(item) for key, item in value.items()}
            return value
        return plain(asdict(self))


def shot_id_of(clip: otio.schema.Clip) -> int | None:
    """The previz shot id a clip carries: ``metadata["previz"]["shot_id"]`` (OTIO), the "PREVIZ SHOT_ID" comment
    (an EDL's comment, an FCP master comment) or the EDL reel name "PZ<id>"."""
    metadata = clip.metadata
    previz = metadata.get("previz")
    if previz is not None and hasattr(previz, "get"):
        value = previz.get("shot_id")
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if isinstance(value, str) and value.isdigit():
            return int(value)
    cmx = metadata.get("cmx_3600") or {}
    for comment in (cmx.get("comments") or []) if hasattr(cmx, "get") else []:
        found = SHOT_ID_RE.search(str(comment))
        if found:
            return int(found.group(1))
    fcp = metadata.get("fcp_xml") or {}
    comments = fcp.get("comments") if hasattr(fcp, "get") else None
    if comments is not None and hasattr(comments, "values"):
        for comment in comments.values():
            found = SHOT_ID_RE.search(str(comment))
            if found:
                return int(found.group(1))
    reel = cmx.get("reel") if hasattr(cmx, "get") else None
    found = REEL_RE.match(str(reel or "").strip())
    return int(found.group(1)) if found else None


TAKE_IN_NAME = re.compile(r"(?<![a-z])(?:take|tk|t)[ _.#-]?0*(\d+)(?!\d)", re.IGNORECASE)  # take_17, TK017, t17
TAKE_IN_URL = re.compile(r"/takes/(\d+)/")  # the studio's own media URL (export's media_url)


def _media_url(clip: otio.schema.Clip) -> str:
    reference = clip.media_reference
    url = getattr(reference, "target_url", "") or ""
    if not url and isinstance(reference, otio.schema.MissingReference):
        url = str(reference.metadata.get("original_target_url", "") or "")
    return url.replace("\\", "/")


def _by_media(url: str, panels: list[Panel]) -> Panel | None:
    """The panel whose selected take is this media: the same file name as the take's file, else the only take
    whose id the name gives as a take ("take_17.mov", "TK017_v2.mov": a bare number such as a camera roll's is
    not read as a take id), else the take id in the studio's own media URL (".../takes/17/media/")."""
    name = os.path.basename(url.split("?")[0])
    with_media = [p for p in panels if p.media is not None]
    if name:
        same = [p for p in with_media if os.path.basename(p.media.path) == name]
        if len(same) == 1:
            return same[0]
    for pattern, text in ((TAKE_IN_NAME, os.path.splitext(name)[0]), (TAKE_IN_URL, url)):
        ids = {int(n) for n in pattern.findall(text)}
        hits = [p for p in with_media if p.media.take_id is not None and p.media.take_id in ids]
        if len(hits) == 1:
            return hits[0]
    return None


def retime_proposal(sequence: Sequence, timeline: otio.schema.Timeline) -> Proposal:
    """What the edit changes in the sequence: each shot's new frame count (the duration of the clip that uses it)
    and place. Matching, clip by clip in the edit's order (see ``shot_id_of``):

    1. the previz shot id the clip carries, when that shot is in the sequence (a clip carrying the id of a shot
       that is not in it matches nothing: it is reported);
    2. the clip's name equals a shot number (case and surrounding space ignored);
    3. its media file is the selected take's (same file name, or the take id as a number in the name).

    A shot used twice keeps its first use; the later ones are ``repeated``. Gaps, transitions and disabled clips
    are skipped with a note; clip durations are their own (a transition does not shorten them). Order: the
    matched shots in the edit's order; a shot the edit does not use (``missing``) stays right after the shot that
    preceded it on the board (first, if it was first), so cutting a shot out of the edit moves nothing else."""
    fps = sequence.fps
    track, notes = video_track(timeline)
    imported = timeline.metadata.get("previz_import")
    for warning in (imported.get("warnings") or []) if hasattr(imported, "get") else []:
        if str(warning) not in notes:
            notes.append(str(warning))
    panels = list(sequence.panels)
    by_id = {panel.shot_id: panel for panel in panels}
    by_number: dict[str, list[Panel]] = {}
    for panel in panels:
        by_number.setdefault(panel.number.strip().casefold(), []).append(panel)
    board_index = {panel.shot_id: index for index, panel in enumerate(panels)}

    matched: list[Match] = []
    new_frames: dict[int, int] = {}
    unmatched: list[Stray] = []
    repeated: list[Stray] = []
    rates: set[Fraction] = set()
    clip_index, at = 0, 0  # at: frames from the track's start, at the sequence rate
    for item in track:
        if isinstance(item, otio.schema.Transition):
            notes.append(f"A {item.transition_type or 'transition'} of "
                         f"{frames_at(item.in_offset + item.out_offset, fps)} frames before clip {clip_index} is "
                         f"ignored: the clips keep their own durations.")
            continue
        duration = item.duration()
        frames = frames_at(duration, fps)
        if isinstance(item, otio.schema.Gap):
            if frames:
                notes.append(f"A gap of {frames} frames ({seconds_of(frames, fps)} s) at frame {at} "
                             f"(before clip {clip_index}) is skipped: it is no shot.")
            at += frames
            continue
        rates.add(exact_rate(duration.rate))
        index, name = clip_index, str(item.name or "")
        seen = {"index": index, "name": name, "frames": frames, "duration_s": seconds_of(frames, fps),
                "start_frame": at}
        clip_index += 1
        at += frames
        if not isinstance(item, otio.schema.Clip):
            unmatched.append(Stray(**seen, reason=f"a nested {item.schema_name()} (a compound clip): flatten it "
                                                  f"in the edit"))
            continue
        if isinstance(item.media_reference, otio.schema.GeneratorReference):
            kind = item.media_reference.generator_kind or "generated"
            notes.append(f"Clip {index} ({name or 'unnamed'}) is {kind} filler of {frames} frames: skipped.")
            continue
        if not item.enabled:
            notes.append(f"Clip {index} ({name or 'unnamed'}) is disabled in the edit: skipped.")
            continue
        panel, by = None, ""
        carried = shot_id_of(item)
        if carried is not None:
            panel, by = by_id.get(carried), "id"
            if panel is None:
                unmatched.append(Stray(**seen, reason=f"it carries the id of shot {carried}, which is not in "
                                                      f"this sequence"))
                continue
        if panel is None:
            candidates = by_number.get(name.strip().casefold(), [])
            unused = [p for p in candidates if p.shot_id not in new_frames]
            if candidates:
                panel, by = (unused or candidates)[0], "name"
        if panel is None:
            panel, by = _by_media(_media_url(item), panels), "media"
        if panel is None:
            unmatched.append(Stray(**seen, reason="no shot has this name, id or take"))
            continue
        if panel.shot_id in new_frames:
            first = next(m for m in matched if m.shot_id == panel.shot_id)
            repeated.append(Stray(**seen, reason=f"shot {panel.number} is used again: its first use "
                                                 f"(clip {first.clip_index}) wins", shot_id=panel.shot_id))
            continue
        new_frames[panel.shot_id] = max(1, frames)
        matched.append(Match(shot_id=panel.shot_id, number=panel.number, clip_index=index, clip_name=name, by=by))

    order = [m.shot_id for m in matched]
    missing = []
    for index, panel in enumerate(panels):
        if panel.shot_id in new_frames:
            continue
        missing.append(Missing(shot_id=panel.shot_id, number=panel.number, index=index))
        before = [p.shot_id for p in panels[:index] if p.shot_id in order]
        order.insert(order.index(before[-1]) + 1 if before else 0, panel.shot_id)

    changes = []
    for new_index, shot_id in enumerate(order):
        panel = by_id[shot_id]
        frames = new_frames.get(shot_id, panel.frames)
        if frames == panel.frames and new_index == board_index[shot_id]:
            continue
        changes.append(Change(
            shot_id=shot_id, number=panel.number, old_frames=panel.frames, new_frames=frames,
            old_duration_s=Decimal(panel.duration_s).quantize(Decimal("0.01"), ROUND_HALF_UP),
            new_duration_s=seconds_of(frames, fps) if frames != panel.frames else
            Decimal(panel.duration_s).quantize(Decimal("0.01"), ROUND_HALF_UP),
            old_index=board_index[shot_id], new_index=new_index, version=panel.version))

    others = sorted(rates - {fps})
    rate_mismatch = ""
    if others:
        rate_mismatch = (f"The edit runs at {', '.join(rate_label(r) for r in others)} fps, the sequence at "
                         f"{rate_label(fps)} fps: durations are converted by time to {rate_label(fps)} fps frames.")
    return Proposal(changes=tuple(changes), order=tuple(order), matched=tuple(matched), unmatched=tuple(unmatched),
                    repeated=tuple(repeated), missing=tuple(missing), rate_mismatch=rate_mismatch,
                    notes=tuple(notes))


__all__ = ["CONTENT_TYPES", "EXTENSIONS", "FORMATS", "Bundle", "Change", "InterchangeError", "Match", "Missing",
           "Proposal", "Stray", "clip_metadata", "export", "export_otioz", "read_timeline", "retime_proposal",
           "shot_id_of", "timeline_of"]
