"""The export worker: ``manage.py export_worker`` (a CPU process beside the web; no GPU needed), or a thread of the
web process in embedded mode. It claims "exports" tasks from the django-tasks-db queue; before each poll loop it
sweeps the exports of workers that died."""

from __future__ import annotations

import logging
import threading

from django.db import close_old_connections
from django_tasks_db.management.commands.db_worker import Worker as TaskWorker

from . import services
from .queue import QUEUE

log = logging.getLogger(__name__)


class ExportWorker:
    def __init__(self, *, worker_id: str | None = None, interval: float = 1.0, batch: bool = False,
                 max_tasks: int | None = None) -> None:
        from .runner import worker_id as default_id

        self.worker_id = (worker_id or default_id())[:64]
        self.tasks = TaskWorker(queue_names=[QUEUE], interval=interval, batch=batch, backend_name="default",
                                startup_delay=False, max_tasks=max_tasks, worker_id=self.worker_id,
                                excluded_queue_names=[])

    def run(self) -> None:
        from .runner import name_this_worker

        name_this_worker(self.worker_id)
        failed = services.exports_sweep()
        if failed:
            log.warning("failed the exports of lost workers: %s", failed)
        try:
            self.tasks.run()
        finally:
            name_this_worker(None)
            close_old_connections()

    def stop(self) -> None:
        self.tasks.running = False


_started: threading.Thread | None = None
_lock = threading.Lock()


def start_embedded() -> threading.Thread:
    """The export worker as a thread of this process, once."""
    global _started
    with _lock:
        if _started is None or not _started.is_alive():
            _started = threading.Thread(target=_run, name="export worker", daemon=True)
            _started.start()
        return _started


def _run() -> None:
    try:
        ExportWorker(interval=0.5).run()
    except BaseException:
        log.exception("the embedded export worker stopped")
