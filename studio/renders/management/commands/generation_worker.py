"""``manage.py generation_worker``: run generation jobs from the queue, one worker per GPU."""

from __future__ import annotations

import os
import signal

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Run generation jobs from the queue (start one per GPU: --gpu 0, --gpu 1, …)."

    def add_arguments(self, parser):
        parser.add_argument("--gpu", type=int, help="Use only this GPU (sets CUDA_VISIBLE_DEVICES).")
        parser.add_argument("--worker-id", help="A name for this worker in the queue page (default host:pid).")
        parser.add_argument("--interval", type=float, default=1.0, help="Seconds between polls of an empty queue.")
        parser.add_argument("--batch", action="store_true", help="Exit once the queue is empty.")
        parser.add_argument("--max-jobs", type=int, help="Exit after this many jobs.")
        parser.add_argument("--warm", action="append", default=[], metavar="MODEL",
                            help="Load this model before taking jobs (repeatable).")

    def handle(self, *args, gpu, worker_id, interval, batch, max_jobs, warm, **options):
        if gpu is not None:
            if gpu < 0:
                raise CommandError("--gpu takes a GPU index: 0, 1, …")
            os.environ["CUDA_VISIBLE_DEVICES"] = str(gpu)  # before torch is imported
        if interval < 0:
            raise CommandError("--interval cannot be negative.")
        if max_jobs is not None and max_jobs < 1:
            raise CommandError("--max-jobs must be at least 1.")
        from generation.errors import GenerationError
        from studio.renders import runtime
        from studio.renders.worker import GenerationWorker

        try:
            registry = runtime.registry()
            for name in warm:
                if name not in registry.names():
                    raise CommandError(f"No model is called {name!r}. Models: {', '.join(registry.names())}.")
                self.stdout.write(f"Loading {name}…")
                runtime.engine().warm(name)
        except GenerationError as exc:
            raise CommandError(str(exc)) from None
        worker = GenerationWorker(worker_id=worker_id, interval=interval, batch=batch, max_jobs=max_jobs)

        def stop(signum, frame):
            self.stdout.write("Stopping after the job in hand…")
            worker.stop()

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        self.stdout.write(f"Generation worker {worker.worker_id} is waiting for jobs.")
        worker.run()
