"""Screenplays in Fountain and Final Draft, and their PDF: a plain library that never imports Django.

- :func:`parse` reads Fountain text into a :class:`Screenplay` whose elements carry their source lines;
  :meth:`Screenplay.scenes` and :meth:`Screenplay.characters` read scenes and speaking characters off it.
- :func:`write_fountain` and :func:`write_fdx` write it; :func:`read_fdx` reads a Final Draft file.
- :func:`render_pdf` sets it in standard screenplay format.
"""

from .fdx import read_fdx, write_fdx
from .fountain_writer import write_fountain
from .model import KINDS, CharacterInfo, Element, SceneBlock, Screenplay
from .parser import parse
from .pdf import render_pdf

__all__ = [
    "KINDS", "CharacterInfo", "Element", "SceneBlock", "Screenplay",
    "parse", "read_fdx", "render_pdf", "write_fdx", "write_fountain",
]
