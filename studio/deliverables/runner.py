"""The worker's side of an export: claim it, read the sequence, render into a scratch folder with progress (a
cancel stops it at the next step), then store the files and say so. Runs on the export worker, never in a request."""

from __future__ import annotations

import logging
import os
import socket
import tempfile
import threading
import time
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage

from . import renderers, selectors, services
from .models import Export, export_path

log = logging.getLogger(__name__)
PROGRESS_EVERY_S = 0.5
_this_worker = threading.local()  # the name the export worker running in this thread was given (--worker-id)


def worker_id() -> str:
    named = getattr(_this_worker, "name", None)
    return named or f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident() % 100000}"[:120]


def name_this_worker(name: str | None) -> None:
    """Exports claimed in this thread say they were run by ``name`` (the sweep's message names it)."""
    _this_worker.name = name


def run(export_id: int) -> str:
    export = services.export_claim(export_id=export_id, worker=worker_id())
    if export is None:
        return "not queued"
    last = [0.0]

    def progress(done: int, total: int) -> None:
        now = time.monotonic()
        if done < total and now - last[0] < PROGRESS_EVERY_S:
            return
        last[0] = now
        if not services.export_progress(export_id=export_id, step=done, total=total):
            raise renderers.Canceled

    try:
        sequence = selectors.sequence_of(project=export.project, scene=export.scene)
        context = {"voices_dir": settings.STUDIO_TTS_VOICES, "fonts_dir": settings.STUDIO_FONTS_DIR}
        with tempfile.TemporaryDirectory(prefix="previz-export-") as scratch:
            rendered = renderers.render(export.kind, sequence, export.options, Path(scratch), progress, context)
            main, extras, size = _store(export, rendered)
    except renderers.Canceled:
        services.export_finish(export_id=export_id, status=Export.Status.CANCELED)
        return "canceled"
    except Exception as exc:
        log.exception("export %s failed", export_id)
        services.export_finish(export_id=export_id, status=Export.Status.FAILED,
                               error=f"The export failed: {exc}" if str(exc) else "The export failed.")
        return "failed"
    services.export_finish(export_id=export_id, status=Export.Status.SUCCEEDED, file_name=main, extra_files=extras,
                           size=size, warnings=sequence.warnings + rendered.warnings,
                           provenance=provenance_of(sequence))
    return "succeeded"


def _store(export: Export, rendered: renderers.Rendered) -> tuple[str, dict[str, str], int]:
    """Save the files under one folder of the storage; the names people download keep the rendered names."""
    main = export_path(export, rendered.main.name)
    folder = main.rsplit("/", 1)[0]
    with rendered.main.open("rb") as fh:
        main = default_storage.save(main, File(fh))
    extras = {}
    for name, path in rendered.extras.items():
        with path.open("rb") as fh:
            extras[name] = default_storage.save(f"{folder}/{path.name}", File(fh))
    return main, extras, default_storage.size(main)


def provenance_of(sequence) -> dict:
    return {
        "fps": f"{sequence.fps.numerator}/{sequence.fps.denominator}", "frames": sequence.frames,
        "aspect": str(sequence.aspect), "scene": sequence.scene_id,
        "shots": [{"shot": p.shot_id, "number": p.number, "version": p.version, "frames": p.frames,
                   "take": p.media.take_id if p.media else None,
                   "take_number": p.media.take_number if p.media else None, "selected": p.selected}
                  for p in sequence.panels],
    }
