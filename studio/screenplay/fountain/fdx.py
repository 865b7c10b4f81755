"""Final Draft (.fdx) in and out.

Paragraph types, both ways: Scene Heading (its ``Number`` is the scene number), Action, Character,
Parenthetical, Dialogue, Transition; centered text is Action with ``Alignment="Center"``; lyrics are
``Lyrics``; sections are ``Outline 1`` … ``Outline N`` and synopses ``Outline Body`` (Final Draft's
outline elements, which do not print); a note on its own is a General paragraph reading ``[[note]]``, and
inline notes are written at the end of their paragraph's text as ``[[note]]`` (Final Draft shows them
as text; reading takes them out again); a page break sets ``StartsNewPage="Yes"`` on
the next paragraph; dual dialogue is wrapped in ``<Paragraph><DualDialogue>`` as Final Draft does.
Emphasis becomes ``<Text Style="Bold+Italic+Underline">`` runs. On reading, Shot, General, Cast List,
New Act, End of Act and unknown types are action.

Final Draft's title page has no keys, only placed paragraphs. Writing places each key where a title
page has it (Title, Credit, Author, Source centred; Draft date right; Contact and Copyright left);
reading takes keys back by place: centred blocks in order are Title, Credit (when it reads like
"Written by"), Author, Source; a left or right block starting "Copyright", "©" or "(c)" is the
Copyright; the first other right-aligned block is the Draft date, the first other left-aligned one the
Contact. Other keys are written as a left block starting ``Key: value`` and read back by that prefix
when the key is one the Fountain syntax names (Notes, Revision, Date, Authors, …); any other block read
is kept under ``Notes``.

A leading page break, or several in a row, are carried by empty Action paragraphs.

Reading refuses malformed XML, any DTD, entity declarations and external references with ValueError.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from xml.etree.ElementTree import Element as XmlElement
from xml.etree.ElementTree import SubElement

import defusedxml
import defusedxml.ElementTree as SafeET

from .emphasis import BOLD, ITALIC, UNDERLINE, Run, parse_emphasis, to_markup
from .fountain_writer import write_fountain
from .headings import split_cue
from .model import Element, Screenplay, group_blocks
from .parser import parse
from .source import take_notes

_STYLE_NAMES = {BOLD: "Bold", ITALIC: "Italic", UNDERLINE: "Underline"}
_STYLES_BY_NAME = {name.lower(): style for style, name in _STYLE_NAMES.items()}
_WRITE_TYPES = {
    "scene_heading": "Scene Heading", "action": "Action", "character": "Character", "parenthetical": "Parenthetical",
    "dialogue": "Dialogue", "transition": "Transition", "centered": "Action", "lyric": "Lyrics",
    "synopsis": "Outline Body", "note": "General",
}
_READ_TYPES = {
    "scene heading": "scene_heading", "character": "character", "parenthetical": "parenthetical",
    "dialogue": "dialogue", "transition": "transition", "lyrics": "lyric", "lyric": "lyric",
    "outline body": "synopsis",
}
_OUTLINE = re.compile(r"outline (\d+)", re.IGNORECASE)
_REFUSALS = {
    "DTDForbidden": "it declares a DTD (<!DOCTYPE …>)",
    "EntitiesForbidden": "it declares XML entities",
    "ExternalReferenceForbidden": "it refers to an external resource",
}
_COPYRIGHT = re.compile(r"(copyright\b|©|\(c\))", re.IGNORECASE)
_CREDIT = re.compile(r"(^|\s)by:?$", re.IGNORECASE)
_TITLE_KEYS = ("Title", "Credit", "Author", "Authors", "Source", "Draft date", "Date", "Contact", "Copyright",
               "Notes", "Revision", "Watermark")
_PREFIXED = re.compile(r"^(" + "|".join(re.escape(key) for key in _TITLE_KEYS) + r")\s*:\s*(.*)$", re.IGNORECASE)
_ALIGN_BY_KEY = {"Title": "Center", "Credit": "Center", "Author": "Center", "Source": "Center",
                 "Draft date": "Right", "Contact": "Left", "Copyright": "Left"}


# -- writing -------------------------------------------------------------------------------------------


def write_fdx(sp: Screenplay) -> bytes:
    """The screenplay as a Final Draft document (UTF-8 bytes)."""
    root = XmlElement("FinalDraft", DocumentType="Script", Template="No", Version="5")
    content = SubElement(root, "Content")
    new_page = False
    for unit in group_blocks(sp.elements, join_dual=True):
        if unit[0].kind == "page_break":
            if new_page:  # a page break with nothing before the next one: an empty paragraph carries it
                SubElement(content, "Paragraph", Type="Action", StartsNewPage="Yes")
            new_page = True
            continue
        first = _write_unit(content, unit)
        if new_page:
            first.set("StartsNewPage", "Yes")
            new_page = False
    if new_page:
        SubElement(content, "Paragraph", Type="Action", StartsNewPage="Yes")
    if sp.title_page:
        _write_title_page(SubElement(root, "TitlePage"), sp.title_page)
    ET.indent(root)
    return b'<?xml version="1.0" encoding="UTF-8" standalone="no" ?>\n' + ET.tostring(root, encoding="utf-8",
                                                                                      xml_declaration=False)


def _write_unit(content: XmlElement, unit: list[Element]) -> XmlElement:
    """Write one element or dialogue block; a dual block goes in a DualDialogue wrapper. → its first paragraph."""
    if unit[0].kind == "character" and any(e.kind == "character" and e.dual for e in unit):
        wrapper = SubElement(content, "Paragraph")
        dual = SubElement(wrapper, "DualDialogue")
        for element in unit:
            _paragraph(dual, element)
        return wrapper
    first = _paragraph(content, unit[0])
    for element in unit[1:]:
        _paragraph(content, element)
    return first


def _paragraph(parent: XmlElement, element: Element) -> XmlElement:
    kind = element.kind
    paragraph_type = f"Outline {element.depth or 1}" if kind == "section" else _WRITE_TYPES[kind]
    paragraph = SubElement(parent, "Paragraph", Type=paragraph_type)
    if kind == "scene_heading" and element.scene_number:
        paragraph.set("Number", element.scene_number)
    if kind == "centered":
        paragraph.set("Alignment", "Center")
    text = f"[[{element.text}]]" if kind == "note" else element.text
    _runs(paragraph, text + "".join(f" [[{note}]]" for note in element.notes))
    return paragraph


def _runs(paragraph: XmlElement, markup: str) -> None:
    runs = parse_emphasis(markup) or [Run("")]
    for run in runs:
        text = SubElement(paragraph, "Text")
        style = "+".join(_STYLE_NAMES[s] for s in (BOLD, ITALIC, UNDERLINE) if s in run.style)
        if style:
            text.set("Style", style)
        text.text = run.text


def _write_title_page(title_page_xml: XmlElement, title_page: dict[str, list[str]]) -> None:
    content = SubElement(title_page_xml, "Content")
    seen: list[str] = []
    for index, (key, values) in enumerate(title_page.items()):
        if index:
            SubElement(content, "Paragraph", Alignment="Left")
        align = _ALIGN_BY_KEY.get(key, "Left")
        lines = list(values) or [""]
        if _positional_key(align, lines[0], seen) != key:
            align, lines = "Left", [f"{key}: {lines[0]}".rstrip(), *lines[1:]]
        for line in lines:
            _runs(SubElement(content, "Paragraph", Alignment=align), line)
        seen.append(key)


def _positional_key(align: str, first_line: str, seen: list[str]) -> str:
    """The key a title-page block takes from where it stands (see the module's docstring)."""
    if align == "Center":
        if "Title" not in seen:
            return "Title"
        if not {"Credit", "Author"} & set(seen) and _CREDIT.search(first_line.strip()):
            return "Credit"
        for key in ("Author", "Source"):
            if key not in seen:
                return key
    elif _COPYRIGHT.match(first_line.strip()) and "Copyright" not in seen:
        return "Copyright"
    elif align == "Right" and "Draft date" not in seen:
        return "Draft date"
    elif align not in ("Center", "Right") and "Contact" not in seen:
        return "Contact"
    return "Notes"


# -- reading -------------------------------------------------------------------------------------------


def read_fdx(data: bytes) -> Screenplay:
    """Read a Final Draft document; the result is parsed from its Fountain form, so it has source lines."""
    root = _parse_xml(data)
    content = root.find("Content")
    elements = _read_content(content) if content is not None else []
    title_page = _read_title_page(root.find("TitlePage/Content"))
    return parse(write_fountain(Screenplay(title_page=title_page, elements=elements)))


def _parse_xml(data: bytes) -> XmlElement:
    if isinstance(data, str):
        data = data.encode("utf-8")
    try:
        root = SafeET.fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except defusedxml.DefusedXmlException as error:
        raise ValueError(f"Refused FDX file: {_REFUSALS.get(type(error).__name__, 'unsafe XML')}. Final Draft files "
                         "have none; entities can expand without bound or read local files.") from error
    except ET.ParseError as error:
        raise ValueError(f"Not a valid FDX file: the XML is malformed ({error}).") from error
    if root.tag != "FinalDraft":
        raise ValueError(f"Not a Final Draft file: the document element is <{root.tag}>, not <FinalDraft>.")
    return root


def _read_content(content: XmlElement) -> list[Element]:
    elements: list[Element] = []
    for child in content:
        dual = child if child.tag == "DualDialogue" else child.find("DualDialogue")
        if child.tag not in ("Paragraph", "DualDialogue"):
            continue
        if child.get("StartsNewPage", "").lower() == "yes":
            elements.append(Element("page_break", ""))
        if dual is not None:
            elements.extend(_read_dual(dual))
        else:
            elements.extend(_read_paragraph(child))
    return elements


def _read_dual(dual: XmlElement) -> list[Element]:
    """The second cue of a DualDialogue is the dual one (a lone cue in one is dual too)."""
    elements = [e for paragraph in dual.findall("Paragraph") for e in _read_paragraph(paragraph)]
    cues = [e for e in elements if e.kind == "character"]
    for index, cue in enumerate(cues):
        cue.dual = index > 0 or len(cues) == 1
    return elements


def _read_paragraph(paragraph: XmlElement) -> list[Element]:
    text, notes = take_notes(_paragraph_markup(paragraph))
    if not text.strip():
        return [Element("note", note) for note in notes]
    elements = _read_text(paragraph, text)
    elements[0].notes = notes
    return elements


def _read_text(paragraph: XmlElement, text: str) -> list[Element]:
    paragraph_type = (paragraph.get("Type") or "Action").strip().lower()
    kind = _READ_TYPES.get(paragraph_type)
    outline = _OUTLINE.fullmatch(paragraph_type)
    if outline:
        return [Element("section", text.strip(), depth=int(outline.group(1)))]
    if kind == "scene_heading":
        return [Element(kind, text.strip(), scene_number=(paragraph.get("Number") or "").strip() or None)]
    if kind == "character":
        name, extensions = split_cue(text.strip())
        return [Element(kind, text.strip(), name=name, extensions=extensions)]
    if kind == "parenthetical":
        stripped = text.strip()
        return [Element(kind, stripped if stripped.startswith("(") and stripped.endswith(")") else f"({stripped})")]
    if kind:
        return [Element(kind, text.strip())]
    if (paragraph.get("Alignment") or "").lower() == "center":
        return [Element("centered", text.strip())]
    return [Element("action", text)]


def _paragraph_markup(paragraph: XmlElement) -> str:
    runs = []
    for text in paragraph.findall("Text"):
        names = {name.strip().lower() for name in (text.get("Style") or "").split("+")}
        runs.append(Run("".join(text.itertext()), frozenset(_STYLES_BY_NAME[n] for n in names if n in _STYLES_BY_NAME)))
    lines = to_markup(runs).replace("\r\n", "\n").replace("\r", "\n").split("\n")
    lines = [line.rstrip() for line in lines]
    while lines and not lines[0].strip():
        lines.pop(0)
    while lines and not lines[-1].strip():
        lines.pop()
    return "\n".join(lines)


def _read_title_page(content: XmlElement | None) -> dict[str, list[str]]:
    title_page: dict[str, list[str]] = {}
    for align, lines in _title_blocks(content):
        prefixed = _PREFIXED.match(lines[0]) if align != "Center" else None
        if prefixed:
            key = prefixed.group(1)
            values = [prefixed.group(2), *lines[1:]] if prefixed.group(2) else lines[1:]
        else:
            key, values = _positional_key(align, lines[0], list(title_page)), lines
        title_page.setdefault(key, []).extend(values)
    return title_page


def _title_blocks(content: XmlElement | None) -> list[tuple[str, list[str]]]:
    """Runs of non-empty title-page paragraphs of one alignment."""
    blocks: list[tuple[str, list[str]]] = []
    open_block = False
    for paragraph in content.findall("Paragraph") if content is not None else []:
        text = _paragraph_markup(paragraph).strip()
        align = (paragraph.get("Alignment") or "Left").capitalize()
        if not text:
            open_block = False
            continue
        if open_block and blocks[-1][0] == align:
            blocks[-1][1].extend(text.split("\n"))
        else:
            blocks.append((align, text.split("\n")))
        open_block = True
    return blocks
