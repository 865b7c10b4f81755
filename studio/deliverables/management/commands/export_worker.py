"""``manage.py export_worker``: render exports (storyboard PDFs, animatics, OTIO bundles) from the queue."""

from __future__ import annotations

import signal

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Render exports from the queue (storyboard PDFs, animatics, OTIO bundles). CPU only."

    def add_arguments(self, parser):
        parser.add_argument("--worker-id", help="A name for this worker (default host:pid).")
        parser.add_argument("--interval", type=float, default=1.0, help="Seconds between polls of an empty queue.")
        parser.add_argument("--batch", action="store_true", help="Exit once the queue is empty.")
        parser.add_argument("--max-tasks", type=int, help="Exit after this many exports.")

    def handle(self, *args, worker_id, interval, batch, max_tasks, **options):
        if interval < 0:
            raise CommandError("--interval cannot be negative.")
        if max_tasks is not None and max_tasks < 1:
            raise CommandError("--max-tasks must be at least 1.")
        from studio.deliverables.worker import ExportWorker

        worker = ExportWorker(worker_id=worker_id, interval=interval, batch=batch, max_tasks=max_tasks)
        signal.signal(signal.SIGTERM, lambda *_: worker.stop())
        self.stdout.write(f"export worker {worker.worker_id} started")
        worker.run()
