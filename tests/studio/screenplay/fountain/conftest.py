"""Helpers for the screenplay library's tests: the corpus of scripts written for them."""

from __future__ import annotations

from pathlib import Path

import pytest

CORPUS = Path(__file__).parent / "corpus"


def read_corpus(name: str) -> str:
    return (CORPUS / name).read_text(encoding="utf-8")


@pytest.fixture
def corpus():
    """``corpus("dialogue.fountain")`` → that corpus file's text."""
    return read_corpus
