"""Scene headings and character cues, taken apart.

Scene heading → ``int_ext``, ``location``, ``time_of_day``:

- ``int_ext`` is read from the heading's prefix, case-insensitively: ``INT.`` / ``INT`` → ``"INT"``;
  ``EXT.`` and ``EST.`` (an establishing shot is exterior) → ``"EXT"``; ``INT./EXT.``, ``INT/EXT``,
  ``INT.-EXT.``, ``EXT./INT.``, ``EXT/INT``, ``I/E``, ``E/I`` → ``"INT/EXT"``; anything else (a forced
  heading such as ``.FLASHBACK``) → ``""``.
- ``time_of_day`` is the part after the last `` - `` (a hyphen, en or em dash with spaces around it)
  when that part is time-like: one of its words is in ``TIME_WORDS`` (DAY, NIGHT, CONTINUOUS, LATER,
  MOMENTS LATER, SAME, …, and a few French, Spanish, German, Italian and Portuguese ones: JOUR, NUIT,
  DÍA, NOCHE, TAG, NACHT, …), or it is a year (``1985``) or a clock time (``3:15``, ``9 AM``). Otherwise
  the heading has no time of day (``INT. HOUSE - KITCHEN`` is the location ``HOUSE - KITCHEN``).
- ``location`` is what is left between the prefix and the time of day. Case is kept as written.
"""

from __future__ import annotations

import re

HEADING_PREFIX = re.compile(
    r"^(?P<prefix>INT\.?\s*[/-]\s*EXT|EXT\.?\s*[/-]\s*INT|I\.?\s*/\s*E|E\.?\s*/\s*I|INT|EXT|EST)(?:\.\s*|\s+)",
    re.IGNORECASE,
)
SCENE_NUMBER = re.compile(r"\s*#(?P<number>[\w.\-]+)#\s*$")
_SEPARATOR = re.compile(r"\s+[-–—]+\s+")
_EXTENSION = re.compile(r"\(([^()]*)\)")
_YEAR_OR_CLOCK = re.compile(r"^\(?\d{4}\)?$|\b\d{1,2}[:.]\d{2}\b|\b\d{1,2}\s*[AP]\.?M\.?(?!\w)", re.IGNORECASE)

TIME_WORDS = frozenset({
    "DAY", "NIGHT", "DAWN", "DUSK", "MORNING", "AFTERNOON", "EVENING", "NOON", "MIDNIGHT", "MIDDAY",
    "SUNRISE", "SUNSET", "TWILIGHT", "DAYBREAK", "NIGHTFALL", "CONTINUOUS", "CONTINUING", "LATER", "SAME",
    "MOMENTS", "MOMENT",
    # the same in French, Spanish, German, Italian and Portuguese scripts
    "JOUR", "NUIT", "MATIN", "SOIR", "AUBE", "CRÉPUSCULE", "DÍA", "DIA", "NOCHE", "TARDE", "MAÑANA", "AMANECER",
    "ATARDECER", "TAG", "NACHT", "MORGEN", "ABEND", "GIORNO", "NOTTE", "SERA", "MATTINA", "NOITE", "MANHÃ",
})


def starts_like_heading(text: str) -> bool:
    """Does the line begin with INT, EXT, EST, INT./EXT, INT/EXT or I/E followed by a dot or a space?"""
    return bool(HEADING_PREFIX.match(text.strip()))


def take_scene_number(text: str) -> tuple[str, str | None]:
    """``"INT. HOUSE - DAY #12A#"`` → ``("INT. HOUSE - DAY", "12A")``."""
    match = SCENE_NUMBER.search(text)
    if not match:
        return text.strip(), None
    return text[: match.start()].strip(), match.group("number")


def int_ext_of(prefix: str) -> str:
    letters = re.sub(r"[^A-Z]", "", prefix.upper())
    if letters in {"INTEXT", "EXTINT", "IE", "EI"}:
        return "INT/EXT"
    return {"INT": "INT", "EXT": "EXT", "EST": "EXT"}.get(letters, "")


def split_heading(heading: str) -> tuple[str, str, str]:
    """Heading text (without its scene number) → ``(int_ext, location, time_of_day)``."""
    text = heading.strip()
    match = HEADING_PREFIX.match(text)
    int_ext = int_ext_of(match.group("prefix")) if match else ""
    rest = text[match.end():].strip() if match else text
    separators = list(_SEPARATOR.finditer(rest))
    if separators:
        last = separators[-1]
        tail = rest[last.end():].strip()
        if is_time_like(tail):
            return int_ext, rest[: last.start()].strip(), tail
    return int_ext, rest, ""


def is_time_like(part: str) -> bool:
    words = set(re.findall(r"[^\W\d_]+", part.upper()))
    return bool(words & TIME_WORDS) or bool(_YEAR_OR_CLOCK.search(part))


def split_cue(cue: str) -> tuple[str, list[str]]:
    """``"ELIN (V.O.) (CONT'D)"`` → ``("ELIN", ["V.O.", "CONT'D"])``: the name is the text before the first ``(``."""
    name, paren, rest = cue.partition("(")
    extensions = [ext.strip() for ext in _EXTENSION.findall(paren + rest)]
    return name.strip(), extensions


def normalise_name(name: str) -> str:
    """The name a cue speaks for: upper-case, single spaces."""
    return " ".join(name.upper().split())


def normalise_extension(extension: str) -> str:
    """``"cont’d"`` → ``"CONT'D"``: upper-case with straight apostrophes."""
    return " ".join(extension.upper().replace("’", "'").split())
