"""The generation queue, on the django-tasks API.

A submitted job is enqueued (after its transaction commits) as a ``run_job`` task on the
"generation" queue of the django-tasks-db backend; a generation worker claims that task row with
``SELECT … FOR UPDATE SKIP LOCKED`` and runs the job. The job row itself carries the lease, the
attempts and the status people see: a task row is only the doorbell.
"""

from __future__ import annotations

from django_tasks import task

QUEUE = "generation"


@task(queue_name=QUEUE)
def run_job(job_id: int) -> str:
    from .worker import current_worker

    return current_worker().execute(job_id)


def enqueue(job_id: int) -> None:
    run_job.enqueue(job_id)


def job_of(task_row) -> int | None:
    """The job a ``run_job`` task row (django-tasks-db's DBTaskResult) is the doorbell of."""
    args = (task_row.args_kwargs or {}).get("args") or [None]
    return args[0]
