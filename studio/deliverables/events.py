"""The live events of exports: queued, its progress, and done (succeeded, failed or canceled)."""

from __future__ import annotations

from dataclasses import dataclass

from studio.live.events import Event, UserRef, iso
from studio.live.events import publish as publish  # services call events.publish(...) on their own module

from . import files


@dataclass(frozen=True, kw_only=True)
class ExportData:
    id: int
    version: int
    kind: str
    kind_label: str
    scene: int | None
    options: dict
    status: str
    step: int
    total_steps: int
    url: str | None
    extra_urls: dict[str, str]
    bytes: int
    warnings: list[str]
    error: str
    requested_by: UserRef | None
    created_at: str
    finished_at: str | None

    @classmethod
    def of(cls, export) -> ExportData:
        return cls(
            id=export.pk, version=export.version, kind=export.kind, kind_label=export.get_kind_display(),
            scene=export.scene_id, options=export.options, status=export.status, step=export.step,
            total_steps=export.total_steps,
            url=files.export_url(export) if export.status == "succeeded" else None,
            extra_urls=files.extra_urls(export) if export.status == "succeeded" else {}, bytes=export.bytes,
            warnings=list(export.warnings), error=export.error,
            requested_by=UserRef.of(export.requested_by) if export.requested_by else None,
            created_at=iso(export.created_at), finished_at=iso(export.finished_at) if export.finished_at else None,
        )


@dataclass(frozen=True, kw_only=True)
class ExportQueued(Event):
    type = "export.queued"
    export: ExportData


@dataclass(frozen=True, kw_only=True)
class ExportProgress(Event):
    type = "export.progress"
    export: int
    version: int
    status: str
    step: int
    total_steps: int


@dataclass(frozen=True, kw_only=True)
class ExportDone(Event):
    """Succeeded, failed or canceled: ``export.status`` says which."""

    type = "export.done"
    export: ExportData
