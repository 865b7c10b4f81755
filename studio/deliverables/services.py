"""Writes of exports: start one, cancel one, and the worker's side (claim, progress, finish, fail, sweep)."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from studio.live.events import UserRef
from studio.projects.access import authorize
from studio.projects.permissions import Capability

from . import events, queue, renderers
from .events import ExportData
from .models import Export


def _save(export: Export, fields: list[str]) -> None:
    export.version += 1
    export.save(update_fields=[*fields, "version"])


@transaction.atomic
def export_start(*, actor, project, kind: str, options: dict | None = None, scene=None) -> Export:
    """Queue an export of the board (or of one scene) with ``options``; refused with field errors before queueing."""
    authorize(actor=actor, project=project, capability=Capability.EXPORT)
    if kind not in Export.Kind.values:
        raise ValidationError({"kind": [f"Choose one of: {', '.join(Export.Kind.values)}."]})
    try:
        options = renderers.clean_options(kind, options or {})
    except ValueError as exc:
        raise ValidationError({"options": [str(exc)]}) from None
    active = Export.objects.filter(project=project, status__in=Export.ACTIVE).count()
    if active >= settings.STUDIO_EXPORTS_PER_PROJECT:
        raise ValidationError({"kind": [
            f"This project already has {active} exports queued or running, the most it may have at once "
            f"(STUDIO_EXPORTS_PER_PROJECT). Wait for one to finish, or cancel one."]})
    export = Export.objects.create(project=project, kind=kind, options=options, scene=scene, requested_by=actor)
    events.publish(events.ExportQueued(project_id=project.pk, actor=UserRef.of(actor), export=ExportData.of(export)))
    export_id = export.pk
    transaction.on_commit(lambda: queue.enqueue(export_id), robust=True)
    return export


@transaction.atomic
def export_cancel(*, actor, export: Export) -> Export:
    """Cancel a queued export at once; a running one stops at its next step."""
    authorize(actor=actor, project=export.project, capability=Capability.EXPORT)
    export = Export.objects.select_for_update(of=("self",)).select_related("requested_by").get(pk=export.pk)
    if export.status == Export.Status.QUEUED:
        export.status, export.finished_at = Export.Status.CANCELED, timezone.now()
        _save(export, ["status", "finished_at"])
        events.publish(events.ExportDone(project_id=export.project_id, actor=UserRef.of(actor),
                                         export=ExportData.of(export)))
    elif export.status == Export.Status.RUNNING and not export.cancel_requested:
        export.cancel_requested = True
        _save(export, ["cancel_requested"])
    return export


# --- the worker's side ---------------------------------------------------------------


@transaction.atomic
def export_claim(*, export_id: int, worker: str) -> Export | None:
    """Take a queued export to run it; None when it is not queued any more (canceled, or another worker has it)."""
    export = (Export.objects.select_for_update(skip_locked=True, of=("self",))
              .select_related("project", "scene", "requested_by")
              .filter(pk=export_id, status=Export.Status.QUEUED).first())
    if export is None:
        return None
    now = timezone.now()
    export.status, export.worker, export.started_at, export.heartbeat_at = Export.Status.RUNNING, worker, now, now
    _save(export, ["status", "worker", "started_at", "heartbeat_at"])
    events.publish(events.ExportProgress(project_id=export.project_id, export=export.pk, version=export.version,
                                         status=export.status, step=0, total_steps=0))
    return export


@transaction.atomic
def export_progress(*, export_id: int, step: int, total: int) -> bool:
    """Record a running export's progress; False when someone asked it to stop."""
    export = Export.objects.select_for_update().get(pk=export_id)
    if export.status != Export.Status.RUNNING:
        return False
    export.step, export.total_steps, export.heartbeat_at = step, total, timezone.now()
    _save(export, ["step", "total_steps", "heartbeat_at"])
    events.publish(events.ExportProgress(project_id=export.project_id, export=export.pk, version=export.version,
                                         status=export.status, step=step, total_steps=total))
    return not export.cancel_requested


@transaction.atomic
def export_finish(*, export_id: int, status: str, file_name: str = "", extra_files: dict | None = None,
                  size: int = 0, warnings: list[str] | None = None, provenance: dict | None = None,
                  error: str = "") -> Export:
    export = Export.objects.select_for_update(of=("self",)).select_related("requested_by").get(pk=export_id)
    export.status, export.finished_at = status, timezone.now()
    export.file.name = file_name
    export.extra_files, export.bytes = extra_files or {}, size
    export.warnings, export.provenance, export.error = warnings or [], provenance or {}, error
    if status == Export.Status.SUCCEEDED:
        export.step = export.total_steps
    _save(export, ["status", "finished_at", "file", "extra_files", "bytes", "warnings", "provenance", "error",
                   "step"])
    events.publish(events.ExportDone(project_id=export.project_id, export=ExportData.of(export)))
    return export


def exports_sweep() -> list[int]:
    """Fail the exports whose worker stopped (no sign of life for STUDIO_EXPORT_STALE_S): they say so, and the
    user starts them again; nothing they made is lost (an export only adds a file)."""
    stale = timezone.now() - timedelta(seconds=settings.STUDIO_EXPORT_STALE_S)
    failed = []
    for export_id in Export.objects.filter(status=Export.Status.RUNNING, heartbeat_at__lt=stale).values_list(
            "id", flat=True):
        with transaction.atomic():
            export = Export.objects.select_for_update(skip_locked=True).filter(
                pk=export_id, status=Export.Status.RUNNING, heartbeat_at__lt=stale).first()
            if export is None:
                continue
            export_finish(export_id=export.pk, status=Export.Status.FAILED,
                          error=f"The worker rendering it ({export.worker}) stopped responding. Start it again.")
            failed.append(export.pk)
    return failed
