"""What a parsed screenplay is: elements with their source lines, its scenes and its speaking characters."""

from __future__ import annotations

from dataclasses import dataclass, field

from .emphasis import plain_text
from .headings import normalise_extension, normalise_name, split_heading
from .source import split_lines, without_boneyard

KINDS = (
    "scene_heading", "action", "character", "parenthetical", "dialogue", "transition", "centered", "lyric",
    "section", "synopsis", "note", "page_break",
)
DIALOGUE_PARTS = ("parenthetical", "dialogue", "lyric")


@dataclass
class Element:
    """One element of the script body.

    ``text`` is what is displayed: forcing characters (``.``, ``!``, ``@``, ``>``, ``~``, ``#``, ``=``), the
    dual-dialogue ``^`` and the scene number are removed; emphasis markup is kept. ``line`` and ``end_line``
    are the 0-based first and last source lines of its text (inclusive). ``notes`` are the ``[[notes]]``
    written inside it, which are not part of ``text``.
    """

    kind: str
    text: str
    line: int = 0
    end_line: int = 0
    scene_number: str | None = None  # scene_heading: the forced "#12A#" number
    name: str | None = None  # character: the cue's name, as written ("ELIN", "McCLANE")
    extensions: list[str] = field(default_factory=list)  # character: ["V.O."], ["CONT'D"]
    dual: bool = False  # character: the cue ends in "^" (the right-hand side of dual dialogue)
    depth: int | None = None  # section: 1 for "#", 2 for "##", …
    notes: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"Unknown element kind {self.kind!r}; expected one of {', '.join(KINDS)}.")


@dataclass
class CharacterInfo:
    """A speaking character: normalised name, the extensions seen on its cues, and how many speeches."""

    name: str
    extensions: list[str] = field(default_factory=list)
    speeches: int = 0


@dataclass
class SceneBlock:
    """A scene: from its heading to the line before the next heading (or the end of the source).

    ``body`` is the source text after the heading line up to ``end_line``, boneyard removed (a line that
    held only boneyard is left out) and leading/trailing blank lines trimmed; notes stay in it.
    ``elements`` are the elements after the heading, up to the next one (the heading is not among them).
    ``characters`` are the normalised names of the cues in the scene, in order of first speech.
    """

    heading: str
    int_ext: str
    location: str
    time_of_day: str
    number: str | None
    line: int
    end_line: int
    body: str
    elements: list[Element]
    characters: list[str]


@dataclass
class Screenplay:
    """A parsed script: the title page (key as written → its lines, in order) and the body's elements.

    ``source`` is the Fountain text it was parsed from (empty for one built by hand); scene bodies are
    cut from it.
    """

    title_page: dict[str, list[str]] = field(default_factory=dict)
    elements: list[Element] = field(default_factory=list)
    source: str = field(default="", repr=False, compare=False)

    def title(self) -> str:
        """The title page's Title as plain text, its lines joined by spaces: emphasis never spans a line, so each
        line is read on its own (``_**BRICK & STEEL**_`` and ``_**FULL RETIRED**_`` → ``BRICK & STEEL FULL
        RETIRED``); empty without one."""
        lines = (plain_text(line).strip() for line in self.title_page.get("Title", []))
        return " ".join(line for line in lines if line)

    def scenes(self) -> list[SceneBlock]:
        """The scenes in order; anything before the first heading is not a scene."""
        headings = [i for i, e in enumerate(self.elements) if e.kind == "scene_heading"]
        last_line = self._last_line()
        clean = without_boneyard(self.source)
        scenes = []
        for n, index in enumerate(headings):
            heading = self.elements[index]
            following = self.elements[headings[n + 1]].line - 1 if n + 1 < len(headings) else last_line
            end_line = max(following, heading.end_line)
            stop = headings[n + 1] if n + 1 < len(headings) else len(self.elements)
            scenes.append(_scene(heading, end_line, self.elements[index + 1:stop], clean))
        return scenes

    def characters(self) -> list[CharacterInfo]:
        """Every speaking character, in order of first cue, with its extensions and number of speeches."""
        found: dict[str, CharacterInfo] = {}
        for element in self.elements:
            if element.kind != "character":
                continue
            info = found.setdefault(normalise_name(element.name or element.text),
                                    CharacterInfo(normalise_name(element.name or element.text)))
            info.speeches += 1
            for extension in map(normalise_extension, element.extensions):
                if extension not in info.extensions:
                    info.extensions.append(extension)
        return list(found.values())

    def _last_line(self) -> int:
        if self.source:
            return len(split_lines(self.source)) - 1
        return max((e.end_line for e in self.elements), default=0)


def group_blocks(elements: list[Element], *, join_dual: bool = False) -> list[list[Element]]:
    """Elements as they are laid out: a cue with the parentheticals, dialogue and lyrics after it; every
    other element alone. With ``join_dual``, a dual (``^``) block joins the block before it."""
    blocks: list[list[Element]] = []
    for element in elements:
        previous = blocks[-1] if blocks else None
        if previous is not None and _joins(previous, element, join_dual):
            previous.append(element)
        else:
            blocks.append([element])
    return blocks


def _joins(block: list[Element], element: Element, join_dual: bool) -> bool:
    if block[0].kind != "character":
        return False
    if element.kind in DIALOGUE_PARTS:
        return True
    dual_joined = any(e.kind == "character" and e.dual for e in block)
    return join_dual and element.kind == "character" and element.dual and not dual_joined


def _scene(heading: Element, end_line: int, elements: list[Element], clean: list[tuple[int, str]]) -> SceneBlock:
    int_ext, location, time_of_day = split_heading(heading.text)
    body = "\n".join(text for no, text in clean if heading.end_line < no <= end_line)
    speakers: list[str] = []
    for element in elements:
        name = normalise_name(element.name or element.text) if element.kind == "character" else None
        if name and name not in speakers:
            speakers.append(name)
    return SceneBlock(
        heading=heading.text, int_ext=int_ext, location=location, time_of_day=time_of_day,
        number=heading.scene_number, line=heading.line, end_line=end_line, body=_trim_blank_lines(body),
        elements=elements, characters=speakers,
    )


def _trim_blank_lines(text: str) -> str:
    lines = text.split("\n")
    while lines and not lines[0].strip():
        lines.pop(0)
    while lines and not lines[-1].strip():
        lines.pop()
    return "\n".join(lines)
