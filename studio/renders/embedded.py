"""Embedded mode: the generation worker as a thread of the web process.

On a laptop (``make run``: SQLite, the in-memory channel layer) there is no separate worker process;
the worker runs beside the web server, so its events reach the browsers through the same in-memory
layer. Production runs ``manage.py generation_worker`` per GPU and publishes through Redis.
"""

from __future__ import annotations

import logging
import threading

log = logging.getLogger(__name__)
_started: threading.Thread | None = None
_lock = threading.Lock()


def start() -> threading.Thread:
    """Start the embedded worker once per process."""
    global _started
    with _lock:
        if _started is None or not _started.is_alive():
            from .worker import GenerationWorker

            worker = GenerationWorker(worker_id=None, interval=0.5)
            _started = threading.Thread(target=_run, args=(worker,), name="generation worker", daemon=True)
            _started.start()
        return _started


def _run(worker) -> None:
    try:
        worker.run()
    except BaseException:  # a crashed worker must say so; the web process goes on
        log.exception("the embedded generation worker stopped")
