"""Each export kind's options and renderer, in one table: ``clean_options`` checks a request's options before
anything is queued (a ``ValueError`` naming the bad one), ``render`` makes the files from a ``Sequence``."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.utils.text import slugify

from .sequence import Sequence


class Canceled(Exception):
    """Someone canceled the export while it ran."""


@dataclass
class Rendered:
    main: Path  # the file people download
    extras: dict[str, Path] = field(default_factory=dict)  # files beside it: {"vtt": …, "srt": …}
    warnings: list[str] = field(default_factory=list)


Progress = Callable[[int, int], None]


def _storyboard_options(data: dict):
    from .storyboard_pdf import StoryboardOptions

    return StoryboardOptions.from_dict(data)


def _animatic_options(data: dict):
    from .animatic import AnimaticOptions

    return AnimaticOptions.from_dict(data)


def _no_options(data: dict):
    if data:
        raise ValueError(f"This export takes no options (got {', '.join(sorted(map(str, data)))}).")
    return None


def _render_storyboard(sequence: Sequence, options, folder: Path, progress: Progress, context: dict) -> Rendered:
    from .fonts import find_fonts
    from .storyboard_pdf import render_storyboard

    out = folder / f"{slug(sequence.title)}-storyboard.pdf"
    result = render_storyboard(sequence, options, out, on_progress=progress,
                               fonts=find_fonts(context.get("fonts_dir") or None))
    return Rendered(main=out, warnings=list(result.warnings))


def _render_animatic(sequence: Sequence, options, folder: Path, progress: Progress, context: dict) -> Rendered:
    from .animatic import render_animatic

    out = folder / f"{slug(sequence.title)}-animatic.mp4"
    result = render_animatic(sequence, options, out, on_progress=progress,
                             voices_dir=context.get("voices_dir") or None)
    extras = {name: Path(path) for name, path in (("vtt", result.vtt_path), ("srt", result.srt_path)) if path}
    return Rendered(main=out, extras=extras, warnings=list(result.warnings))


def _render_otioz(sequence: Sequence, options, folder: Path, progress: Progress, context: dict) -> Rendered:
    from .interchange import export_otioz

    out = folder / f"{slug(sequence.title)}.otioz"
    progress(0, 1)
    bundle = export_otioz(sequence, out)
    progress(1, 1)
    warnings = [f"Shot {number}: its take's file is missing ({path}); the bundle has no media for it."
                for number, path in bundle.missing]
    return Rendered(main=out, warnings=warnings)


OPTIONS = {"storyboard_pdf": _storyboard_options, "animatic": _animatic_options, "otioz": _no_options}
RENDER = {"storyboard_pdf": _render_storyboard, "animatic": _render_animatic, "otioz": _render_otioz}


def clean_options(kind: str, data) -> dict:
    """The options as stored: every option spelled out, so the export says exactly how it was made."""
    if not isinstance(data, dict):
        raise ValueError("Options are an object of names and values.")
    options = OPTIONS[kind](data)
    return dataclasses.asdict(options) if options is not None else {}


def render(kind: str, sequence: Sequence, options: dict, folder: Path, progress: Progress, context: dict) -> Rendered:
    return RENDER[kind](sequence, OPTIONS[kind](options), folder, progress, context)


def slug(title: str) -> str:
    """A file name from a title: "The Lighthouse" → "the-lighthouse" (Django's slugify, keeping other scripts)."""
    return slugify(title, allow_unicode=True)[:60] or "export"
