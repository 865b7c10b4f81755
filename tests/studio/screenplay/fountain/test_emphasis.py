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


def test_reading_emphasis_is_linear_even_for_a_line_of_nothing_but_delimiters():
    import time

    from studio.screenplay.fountain.emphasis import MAX_STYLED_CHARS

    # given the longest line that is still styled, made of nothing but delimiters (and one nested thousands deep)
    pairs, depth = 9999, MAX_STYLED_CHARS // 6
    delimiters = "*_" * pairs
    deep = "*a " * depth + "b* " * depth

    # when both are read
    started = time.perf_counter()
    runs = parse_emphasis(delimiters), parse_emphasis(deep)
    took = time.perf_counter() - started

    # then each read took a few passes (a quadratic read took tens of seconds), and the nesting was understood
    assert runs[0] == [Run("_", IT), Run("*", U)] * (pairs // 3)
    assert runs[1] == [Run("a " * depth + "b " * (depth - 1) + "b", IT), Run(" ")]
    assert took < 1.0


def test_markup_longer_than_any_paragraph_is_one_plain_run_as_written():
    from studio.screenplay.fountain.emphasis import MAX_STYLED_CHARS

    blob = "*_" * (MAX_STYLED_CHARS // 2 + 1)

    assert parse_emphasis(blob) == [Run(blob)]
