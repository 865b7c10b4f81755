"""The generation worker: one per GPU (``manage.py generation_worker``), or a thread inside the web
process in embedded mode.

It claims "generation" tasks from the django-tasks-db queue, and for each: claims the job (the job's
row, ``SKIP LOCKED``), renews the job's lease from a side thread while the engine runs, reports each
step, stops when someone cancels, and stores the take through ``worker_protocol.job_succeed``, which keeps
it only while this worker still holds the job. A sweeper thread in every worker puts back the jobs
of workers that stopped renewing (they died), so a job survives a lost worker up to its attempts.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time

from django.conf import settings
from django.db import DatabaseError, close_old_connections, connection
from django_tasks_db.management.commands.db_worker import Worker as TaskWorker

from generation import outputs
from generation.errors import Canceled, GenerationError

from . import media, runtime
from .queue import QUEUE
from .services import worker_protocol

log = logging.getLogger(__name__)
_local = threading.local()


def current_worker() -> GenerationWorker:
    """The worker running on this thread; a plain one when a task runs outside any (an immediate backend)."""
    worker = getattr(_local, "worker", None)
    return worker if worker is not None else GenerationWorker()


def default_worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident() % 100000}"


class GenerationWorker:
    def __init__(self, *, worker_id: str | None = None, interval: float = 1.0, batch: bool = False,
                 max_jobs: int | None = None, sweep: bool = True, engine=None) -> None:
        self.worker_id = (worker_id or default_worker_id())[:64]
        self.interval, self.batch, self.max_jobs, self.sweep = interval, batch, max_jobs, sweep
        self._engine = engine
        self._stopping = threading.Event()
        self._tasks: TaskWorker | None = None

    @property
    def engine(self):
        return self._engine if self._engine is not None else runtime.engine()

    # --- the loop -----------------------------------------------------------------------

    def run(self) -> None:
        """Claim and run generation tasks until stopped (or, with ``batch``, until the queue is empty)."""
        self._tasks = TaskWorker(
            queue_names=[QUEUE], interval=self.interval, batch=self.batch, backend_name="default",
            startup_delay=False, max_tasks=self.max_jobs, worker_id=self.worker_id, excluded_queue_names=[],
        )
        if self._stopping.is_set():
            return
        sweeper = threading.Thread(target=self._sweep_loop, name=f"sweeper {self.worker_id}", daemon=True)
        if self.sweep:
            sweeper.start()
        _local.worker = self
        log.info("generation worker %s started", self.worker_id)
        try:
            if self.batch and self.sweep:
                self.sweep_once()
            self._loop()
        finally:
            _local.worker = None
            self._stopping.set()
            if sweeper.is_alive():
                sweeper.join(timeout=5)
            close_old_connections()
            log.info("generation worker %s stopped", self.worker_id)

    def _loop(self) -> None:
        """The task worker's loop, kept alive through database errors (a lost connection, a task row
        deleted under it): a worker thread that died would leave every later job queued for ever."""
        errors = 0
        while not self._stopping.is_set():
            try:
                self._tasks.run()
                return
            except DatabaseError:
                errors += 1
                if self.batch and errors >= 3:
                    raise
                log.exception("generation worker %s: database error; going on", self.worker_id)
                close_old_connections()
                self._stopping.wait(min(30.0, max(self.interval, 0.5) * errors))

    def stop(self) -> None:
        """Finish the job in hand, then return from ``run``."""
        self._stopping.set()
        if self._tasks is not None:
            self._tasks.running = False

    def sweep_once(self) -> dict[str, list[int]]:
        """Put back the jobs of lost workers, then close the task rows they left RUNNING."""
        done = worker_protocol.jobs_sweep()
        if any(done.values()):
            log.warning("swept jobs of lost workers: %s", done)
        tasks = worker_protocol.tasks_sweep()
        if tasks:
            log.warning("closed the task rows of lost workers: %s", ", ".join(tasks))
        return done

    def _sweep_loop(self) -> None:
        every = max(0.5, settings.STUDIO_JOB_LEASE_S / 2)
        try:
            while not self._stopping.wait(every):
                try:
                    self.sweep_once()
                except Exception:
                    log.exception("sweeping expired jobs failed")
        finally:
            connection.close()

    # --- one job ---------------------------------------------------------------------------

    def execute(self, job_id: int) -> str:
        """Run one job to its end; returns what became of it (for the task's result)."""
        job = worker_protocol.job_claim(job_id=job_id, worker=self.worker_id)
        if job is None:
            return "not claimed"
        run = _Run(self, job)
        run.start_lease()
        try:
            request = job.generation_request
            output = self.engine.generate(request, on_progress=run.progress, should_cancel=run.should_cancel,
                                          on_loading=run.loading)
        except Canceled:
            run.stop_lease()
            if run.lost:
                return "lost"
            worker_protocol.job_canceled(job_id=job.pk, worker=self.worker_id)
            return "canceled"
        except GenerationError as exc:
            run.stop_lease()
            worker_protocol.job_fail(job_id=job.pk, worker=self.worker_id, error=str(exc))
            return "failed"
        except Exception as exc:
            run.stop_lease()
            log.exception("job %s failed", job.pk)
            worker_protocol.job_fail(job_id=job.pk, worker=self.worker_id, error=f"{type(exc).__name__}: {exc}")
            return "failed"
        run.stop_lease()
        if run.lost:
            return "lost"
        made = encode(output, request, worker=self.worker_id, layout_version=job.layout_version)
        take = worker_protocol.job_succeed(job_id=job.pk, worker=self.worker_id, made=made)
        return "succeeded" if take is not None else "lost"


class _Run:
    """One job's side business while the engine runs: lease, progress, cancel."""

    def __init__(self, worker: GenerationWorker, job) -> None:
        self.worker, self.job = worker, job
        self.canceled = False
        self.lost = False
        self._done = threading.Event()
        self._last_progress = 0.0
        self._last_cancel_check = time.monotonic()
        self._thread: threading.Thread | None = None

    def start_lease(self) -> None:
        self._thread = threading.Thread(target=self._renew, name=f"lease {self.job.pk}", daemon=True)
        self._thread.start()

    def stop_lease(self) -> None:
        self._done.set()
        if self._thread is not None:
            self._thread.join(timeout=10)

    def _renew(self) -> None:
        every = max(0.2, settings.STUDIO_JOB_LEASE_S / 3)
        try:
            while not self._done.wait(every):
                held, cancel = worker_protocol.job_renew(job_id=self.job.pk, worker=self.worker.worker_id)
                if not held:
                    log.warning("worker %s lost job %s", self.worker.worker_id, self.job.pk)
                    self.lost = True
                    return
                self.canceled = self.canceled or cancel
        except Exception:
            log.exception("renewing the lease of job %s failed", self.job.pk)
        finally:
            connection.close()

    def should_cancel(self) -> bool:
        now = time.monotonic()
        if not self.canceled and now - self._last_cancel_check >= settings.STUDIO_CANCEL_CHECK_S:
            self._last_cancel_check = now
            self.canceled = worker_protocol.cancel_requested(job_id=self.job.pk)
        return self.canceled or self.lost

    def loading(self, spec) -> None:
        """The engine is about to load the job's model: the job's stage until its first step."""
        if not worker_protocol.job_loading(job_id=self.job.pk, worker=self.worker.worker_id):
            self.lost = True

    def progress(self, progress) -> None:
        now = time.monotonic()
        last = progress.step >= progress.total
        if progress.preview is None and not last and now - self._last_progress < settings.STUDIO_PROGRESS_INTERVAL_S:
            return
        self._last_progress = now
        preview = outputs.preview_jpeg(progress.preview) if progress.preview is not None else None
        held = worker_protocol.job_progress(job_id=self.job.pk, worker=self.worker.worker_id, step=progress.step,
                                            total=progress.total, preview_jpeg=preview)
        if not held:
            self.lost = True


def encode(output, request, *, worker: str, layout_version: int | None = None) -> worker_protocol.Made:
    """The engine's output as the files and provenance of a take."""
    spec = output.model
    provenance = {
        "model": spec.name, "label": spec.label, "family": spec.family, "smoke_test": spec.smoke_test,
        "seed": request.seed, "mode": request.mode, "request": request.to_dict(),
        "seconds": round(output.seconds, 3), "worker": worker,
    }
    if layout_version is not None:
        provenance["layout_version"] = layout_version
    if output.kind == "image":
        image = output.image
        return worker_protocol.Made(
            kind="image", content=outputs.png_bytes(image, request, model=spec), extension="png",
            content_type="image/png", thumbnail=media.thumbnail_jpeg(image), width=image.width,
            height=image.height, frames=1, fps=None, provenance=provenance, smoke_test=spec.smoke_test,
        )
    frames = output.frames
    return worker_protocol.Made(
        kind="clip", content=outputs.mp4_bytes(frames, output.fps), extension="mp4", content_type="video/mp4",
        thumbnail=media.thumbnail_jpeg(frames[0]), width=frames[0].width, height=frames[0].height,
        frames=len(frames), fps=output.fps, provenance=provenance, smoke_test=spec.smoke_test,
    )
