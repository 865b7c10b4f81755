"""The sequence every deliverable is made from: the shots of a script (or of one scene) in board order, each with
its selected take, its camera data, its action and the dialogue it covers, at the project's frame rate and aspect.

This module is plain data: no Django. ``selectors.sequence_of`` reads it from the database; the storyboard PDF,
the shot list, the animatic and the editorial exports only read it, so each of them can be tested from a
``Sequence`` built by hand.

Time is counted in frames at ``Sequence.fps`` (a ``Fraction``: 24000/1001 for 23.976), and a shot's length is
``round(duration_s × fps)`` frames, at least one: the frame count of a cut is exact, never a sum of rounded
seconds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from fractions import Fraction

# Frame rates that are NTSC rates written with three decimals (the project stores 23.976, not 24000/1001).
NTSC = {Decimal("23.976"): Fraction(24000, 1001), Decimal("29.97"): Fraction(30000, 1001),
        Decimal("47.952"): Fraction(48000, 1001), Decimal("59.94"): Fraction(60000, 1001)}


def frame_rate(rate: Decimal | float | str) -> Fraction:
    """The exact rate of a project's ``frame_rate``: 23.976 → 24000/1001, 24 → 24."""
    value = Decimal(str(rate)).normalize()
    for ntsc, exact in NTSC.items():
        if value == ntsc.normalize():
            return exact
    return Fraction(value)


def frames_for(seconds: Decimal | float, fps: Fraction) -> int:
    """Frames a shot of ``seconds`` lasts at ``fps``: rounded half up, at least one."""
    exact = Fraction(Decimal(str(seconds))) * fps
    return max(1, int(exact + Fraction(1, 2)))


@dataclass(frozen=True)
class Line:
    """A line of dialogue a shot covers: who speaks it (a cast character where one matches), and how."""

    speaker: str  # as the script writes the cue ("ELIN"), or "" for a line with no speaker
    text: str
    character_id: int | None = None
    voice: str = ""  # the character's speaking voice ("" = the default voice; see deliverables.speech)
    speed: int = 0  # words per minute; 0 = the voice's default


@dataclass(frozen=True)
class Media:
    """The picture a panel shows: a file on disk (a take or a capture), or nothing (a sketch is drawn instead)."""

    path: str  # absolute path of the file
    kind: str  # "image" or "clip"
    width: int
    height: int
    frames: int = 1
    fps: float | None = None
    take_id: int | None = None
    take_number: int | None = None  # v1, v2, …
    url: str = ""  # where a member's browser fetches it


@dataclass(frozen=True)
class Panel:
    """One shot of the sequence."""

    shot_id: int
    number: str  # "2A"
    scene_id: int
    scene_number: int  # 1-based place of its scene in the script
    scene_heading: str  # "INT. LAMP ROOM - NIGHT"
    size: str  # the label: "Medium shot"
    size_code: str  # "MS"
    angle: str
    movement: str
    lens_mm: int
    duration_s: Decimal
    frames: int  # at the sequence's fps
    action: str
    lines: tuple[Line, ...]
    notes: str  # what reviewers said of the selected take, one note a line
    characters: tuple[str, ...]
    status: str
    version: int  # the shot's version (a retime sends it back)
    selected: str  # why this picture: "approved", "picked", "newest", "capture", "sketch"
    media: Media | None  # None: the panel is the shot's framing sketch

    @property
    def camera(self) -> str:
        """"MS · eye level · static · 50 mm"."""
        return " · ".join([self.size_code, self.angle.lower(), self.movement.lower(), f"{self.lens_mm} mm"])


@dataclass(frozen=True)
class Sequence:
    project_id: int
    title: str
    logline: str
    draft: str  # the script's draft name ("Draft 3", the revision colour's name, or "")
    revision_colour: str  # "" or a name: "White", "Blue", …
    day: date
    aspect: Decimal  # width / height: 2.39
    fps: Fraction
    panels: tuple[Panel, ...]
    scene_id: int | None = None  # one scene only
    warnings: list[str] = field(default_factory=list)

    @property
    def frames(self) -> int:
        return sum(panel.frames for panel in self.panels)

    @property
    def seconds(self) -> Fraction:
        return self.frames / self.fps

    def starts(self) -> list[int]:
        """The first frame of each panel in the cut."""
        out, at = [], 0
        for panel in self.panels:
            out.append(at)
            at += panel.frames
        return out


def timecode(frame: int, fps: Fraction) -> str:
    """Non-drop-frame SMPTE timecode of a frame: HH:MM:SS:FF, counted at the rounded rate (24 for 23.976)."""
    base = round(fps)
    seconds, ff = divmod(frame, base)
    minutes, ss = divmod(seconds, 60)
    hh, mm = divmod(minutes, 60)
    return f"{hh:02d}:{mm:02d}:{ss:02d}:{ff:02d}"


SPOKEN_WPM = 175  # espeak-ng's default pace
LINE_GAP_S = 0.2  # the animatic's pause between two lines of one shot


def speech_estimate(lines: tuple[Line, ...] | list[Line]) -> float:
    """About how long a shot's lines take to say, in seconds (words at each voice's pace, and the gaps between):
    the storyboard warns when it is longer than the shot, before any animatic is rendered."""
    spoken = sum(len(line.text.split()) * 60 / (line.speed or SPOKEN_WPM) for line in lines)
    return round(spoken + LINE_GAP_S * max(len(lines) - 1, 0), 2)


CUE = re.compile(r"^\s*([A-Z0-9][A-Z0-9 .'\-]{0,40}?)\s*(\([^)]*\))?\s*:\s*(.+)$")


def split_lines(dialogue: str, *, default_speaker: str = "") -> list[tuple[str, str]]:
    """A shot's dialogue field as (speaker, text): "ELIN: Nobody swims here." is Elin's; a line with no cue is
    the previous speaker's, or ``default_speaker``'s (the shot's one character) when it comes first."""
    out: list[tuple[str, str]] = []
    speaker = default_speaker
    for raw in dialogue.splitlines():
        line = raw.strip()
        if not line:
            continue
        match = CUE.match(line)
        if match:
            speaker, text = match.group(1).strip(), match.group(3).strip()
        else:
            text = line
        out.append((speaker, text))
    return out
