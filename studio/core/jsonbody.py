"""JSON from people, read safely: refused before parsing when too big or nested too deep (Python's parser
recurses once a level, so 100,000 brackets are a RecursionError), and refused when a number is not finite
(``1e999``) or a string holds the NUL character (PostgreSQL cannot store it). No Django here: the API's parser,
the request guard and the glTF checks all use it."""

from __future__ import annotations

import json
import math
import re

MAX_DEPTH = 64

_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"', re.S)
_BRACKET = re.compile(rb"[\[\]{}]")
_OPENING = frozenset(b"[{")


class UnsafeJSON(ValueError):
    """JSON this studio will not read; the message says why, as a sentence."""


def too_deep(data: bytes | str, *, limit: int = MAX_DEPTH) -> bool:
    """Whether the JSON text nests arrays and objects more than ``limit`` levels (brackets in strings do not count)."""
    if isinstance(data, str):
        data = data.encode("utf-8", "surrogatepass")
    depth = 0
    for match in _BRACKET.finditer(_STRING.sub(b"", data)):
        if match.group()[0] in _OPENING:
            depth += 1
            if depth > limit:
                return True
        else:
            depth -= 1
    return False


def depth_message(limit: int = MAX_DEPTH) -> str:
    return f"The JSON body is nested too deep (at most {limit} levels)."


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise UnsafeJSON(f"Numbers must be finite ({text} is not).")
    return value


def _constant(name: str):
    raise UnsafeJSON(f"{name} is not a JSON number.")


def has_nul(value) -> bool:
    """Whether any string in the parsed document (keys included) holds the NUL character."""
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(has_nul(k) or has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(has_nul(item) for item in value)
    return False


NUL_MESSAGE = "Text may not contain the NUL character (\\u0000)."


def loads(data: bytes | str, *, limit: int = MAX_DEPTH):
    """``json.loads`` that raises UnsafeJSON (a ValueError) instead of recursing without end, and refuses
    non-finite numbers and NUL characters; malformed JSON raises ``json``'s ValueError as usual."""
    if too_deep(data, limit=limit):
        raise UnsafeJSON(depth_message(limit))
    document = json.loads(data, parse_float=_finite, parse_constant=_constant)
    if has_nul(document):
        raise UnsafeJSON(NUL_MESSAGE)
    return document
