"""Inline emphasis as styled runs, and back to markup that reads the same."""

from __future__ import annotations

import pytest

from studio.screenplay.fountain.emphasis import BOLD, ITALIC, UNDERLINE, Run, parse_emphasis, to_markup

B, IT, U = frozenset({BOLD}), frozenset({ITALIC}), frozenset({UNDERLINE})


@pytest.mark.parametrize(("markup", "runs"), [
    ("plain", [Run("plain")]),
    ("*it* **bold** ***both***", [Run("it", IT), Run(" "), Run("bold", B), Run(" "), Run("both", B | IT)]),
    ("_**BRICK & STEEL**_", [Run("BRICK & STEEL", B | U)]),
    ("**bold *and italic* bold**", [Run("bold ", B), Run("and italic", B | IT), Run(" bold", B)]),
    ("He dialed *69 and then *23, and hung up.", [Run("He dialed *69 and then *23, and hung up.")]),
    ("**\\*9765\\***", [Run("*9765*", B)]),
    ("a * b * c", [Run("a * b * c")]),
    ("snake_case_name", [Run("snake_case_name")]),
    ("*no\nspan*", [Run("*no\nspan*")]),
])
def test_markup_reads_as_runs(markup, runs):
    assert parse_emphasis(markup) == runs


@pytest.mark.parametrize("markup", [
    "plain", "*it* **bold** ***both***", "_**BRICK & STEEL**_", "**bold *and italic* bold**", "a * b * c",
    "_under **and bold**_ done",
])
def test_runs_write_back_as_the_same_markup(markup):
    assert to_markup(parse_emphasis(markup)) == markup


def test_literal_markup_characters_are_escaped_only_where_needed():
    assert to_markup([Run("*9765*", B)]) == "**\\*9765\\***"
    assert to_markup([Run("2 * 3 = 6")]) == "2 * 3 = 6"
