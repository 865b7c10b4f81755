"""The export queue, on the django-tasks API: an export is enqueued after its transaction commits as a
``run_export`` task on the "exports" queue; the export worker (``manage.py export_worker``, or a thread of the web
process in embedded mode) runs it. The export row carries the status people see; a task row is only the doorbell."""

from __future__ import annotations

from django_tasks import task

QUEUE = "exports"


@task(queue_name=QUEUE)
def run_export(export_id: int) -> str:
    from .runner import run

    return run(export_id)


def enqueue(export_id: int) -> None:
    run_export.enqueue(export_id)
