"""Where a model's files are: a local folder, or a hub id read from the local Hugging Face cache only (nothing is
downloaded while a user waits). No torch here: the web process reads tokenizers through it."""

from __future__ import annotations

from pathlib import Path

from .errors import ModelError


def is_local(source: str) -> bool:
    """A source is a local folder when it is written as a path; anything else of the form ``org/name`` is a hub id."""
    return source.startswith(("/", "./", "../", "~")) or Path(source).expanduser().exists() or source.count("/") != 1


def source_kwargs(source: str, what: str) -> tuple[str, dict]:
    """(path or hub id, extra ``from_pretrained`` kwargs). A missing local folder is a `ModelError` naming the path;
    a hub id is read from the local Hugging Face cache only: nothing is downloaded while a user waits."""
    if is_local(source):
        path = Path(source).expanduser()
        if not path.is_dir():
            raise ModelError(f"{what} folder not found: {path}")
        return str(path), {}
    return source, {"local_files_only": True}
