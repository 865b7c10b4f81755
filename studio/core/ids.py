"""Ids as the database keeps them: whole numbers from 1 to 2**63 - 1 (a signed 64-bit integer, PostgreSQL's
bigint and SQLite's INTEGER). A number outside that range names nothing: in a path it matches no route (404),
in a filter or a body it is a field error (400), never a query the database refuses (a 500).

Routes name ids with the ``id`` converter (``projects/<id:project_id>/``), registered here.
"""

from __future__ import annotations

from django.urls import register_converter

MAX_ID = 2**63 - 1
MIN_INTEGER = -(2**63)  # the range of any whole number the API stores


def parse_id(text: str) -> int | None:
    """``"12"`` → 12; anything that is not an id in range (``"²"``, ``"-1"``, 20 digits) → None."""
    if not (isinstance(text, str) and text.isascii() and text.isdigit() and len(text) <= 19):
        return None
    value = int(text)
    return value if 1 <= value <= MAX_ID else None


class IdConverter:
    regex = "[0-9]+"

    def to_python(self, value: str) -> int:
        parsed = parse_id(value)
        if parsed is None:
            raise ValueError(value)  # the route does not match: 404
        return parsed

    def to_url(self, value) -> str:
        return str(value)


register_converter(IdConverter, "id")
