"""Reads of jobs and takes that the API and the pages share (bulk: flat query counts)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from django.db import connection
from django.db.models import Case, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery, When
from django.http import Http404
from django.utils import timezone

from studio.cast.models import Character, ReferenceImage
from studio.shots.models import Shot

from . import files
from .models import GenerationJob, Take

RECENT_FAILURES = timedelta(days=1)  # failures older than this leave the shot page (the queue page keeps them)


def jobs_of(*, project) -> QuerySet[GenerationJob]:
    return GenerationJob.objects.filter(project=project).select_related(
        "requester", "shot__scene", "take__created_by", "take__reviewed_by")


def active_jobs_of(*, project) -> QuerySet[GenerationJob]:
    return jobs_of(project=project).filter(status__in=GenerationJob.ACTIVE)


def takes_of(*, project) -> QuerySet[Take]:
    return Take.objects.filter(project=project).select_related("created_by", "reviewed_by")


def shot_for_generation(*, project, shot_id) -> Shot:
    """A shot with what prompt assembly reads: scene, project, characters in order and their references."""
    characters = Prefetch(
        "characters",
        queryset=Character.objects.order_by("name", "id").prefetch_related(
            Prefetch("references", queryset=ReferenceImage.objects.order_by("id"))),
    )
    shot = (Shot.objects.filter(project=project, pk=shot_id).select_related("scene", "project")
            .prefetch_related(characters).first())
    if shot is None:
        raise Http404("No such shot.")
    return shot


# Why a shot's panel shows what it shows, best first: the one rule of the board, the takes API's ?shown=true, the
# storyboard, its PDF, the animatic and the editorial exports. A shot with no take at all is drawn as its sketch.
APPROVED, PICKED, NEWEST, CAPTURE, SKETCH = "approved", "picked", "newest", "capture", "sketch"
SELECTED_REASONS = (APPROVED, PICKED, NEWEST, CAPTURE, SKETCH)


def _selection_rank():
    return Case(When(review=Take.Review.APPROVED, then=0), When(picked=True, then=1),
                When(~Q(source=Take.Source.PREVIZ), then=2), default=3)


def shown_takes(takes: QuerySet[Take]) -> QuerySet[Take]:
    """Of ``takes``, those their shot shows: its newest approved take; else the take the team picked; else its
    newest generated or uploaded take; else its newest previz capture (``selected_reason`` says which)."""
    shown = Take.objects.filter(shot=OuterRef("shot")).order_by(_selection_rank(), "-number").values("id")[:1]
    return takes.filter(id=Subquery(shown))


def selected_reason(take: Take | None) -> str:
    if take is None:
        return SKETCH
    if take.review == Take.Review.APPROVED:
        return APPROVED
    if take.picked:
        return PICKED
    return NEWEST if take.source != Take.Source.PREVIZ else CAPTURE


def selected_takes(*, project, shot_ids: Iterable[int] | None = None) -> dict[int, Take]:
    """The take each shot of ``project`` shows (only shots that have one), in one query."""
    takes = Take.objects.filter(project=project)
    if shot_ids is not None:
        takes = takes.filter(shot_id__in=list(shot_ids))
    return {take.shot_id: take for take in shown_takes(takes).select_related("created_by", "reviewed_by")}


def board_takes(project) -> list[dict]:
    """``shown_takes`` as the board's cards read them (a subset of ``TakeData``), in one query."""
    rows = (shown_takes(Take.objects.filter(project=project))
            .values_list("id", "shot_id", "number", "kind", "smoke_test", "review"))
    thumbnail = files.THUMBNAIL.urls()
    return [{"id": pk, "shot": shot, "number": number, "kind": kind,
             "thumbnail_url": thumbnail(project_id=project.pk, pk=pk), "smoke_test": smoke_test, "review": review}
            for pk, shot, number, kind, smoke_test, review in rows]


def queue_positions(job_ids: Iterable[int]) -> dict[int, int]:
    """Place in the studio's queue (all projects share the workers; 1 is the next one) of each of ``job_ids``
    that is queued, in one query on the index over (status, created_at, id): the queued jobs ahead of the first
    of them are counted (an index-only range, never rows sent here and sorted), and the others are numbered
    from there along the index, from the first asked job to the last. Only the asked jobs come back.

    Places are as of this read, and the pages say so (the pill's title). A page then moves them with its own
    project's events only (frontend/src/renders/store.js): a job that joins is placed where its ``job.queued``
    says (a new one last; one the sweep put back keeps its place, and those behind it move down); workers take
    jobs in order, so one that starts at place p took every job before it out of the queue too, and the
    project's jobs behind it move up by p (right even when the page missed other projects' jobs starting before
    it); one canceled while queued moves those behind it up by one. What a page cannot see is another project's
    job canceled while it waited behind one of this project's, or a job taken out of order (a put-back job waits
    for a new task): then a place it shows is off by those until a resync or a reload reads them here again.
    """
    ids = [int(pk) for pk in job_ids]
    if not ids:
        return {}
    return _positions(*positions_sql(f"id IN ({', '.join(['%s'] * len(ids))})", ids))


def project_queue_positions(*, project) -> dict[int, int]:
    """The places of every queued job of ``project`` (see `queue_positions`)."""
    return _positions(*positions_sql("project_id = %s", [project.pk]))


POSITIONS = """
WITH asked AS (SELECT id, created_at, status FROM {jobs} WHERE {asked}),
mine AS (SELECT id, created_at FROM asked WHERE status = %s),
first AS (SELECT created_at, id FROM mine ORDER BY created_at, id LIMIT 1),
last AS (SELECT created_at, id FROM mine ORDER BY created_at DESC, id DESC LIMIT 1),
span AS (
  SELECT q.id, ROW_NUMBER() OVER (ORDER BY q.created_at, q.id) AS n
  FROM {jobs} q, first f, last l
  WHERE q.status = %s AND (q.created_at, q.id) >= (f.created_at, f.id) AND (q.created_at, q.id) <= (l.created_at, l.id)
)
SELECT span.id, span.n + (SELECT COUNT(*) FROM {jobs} u, first f
                          WHERE u.status = %s AND (u.created_at, u.id) < (f.created_at, f.id))
FROM span WHERE span.id IN (SELECT id FROM mine)
"""
# ``asked`` is read by primary key (or project) and filtered on status after, so that SQLite does not read every
# queued job through the status index to find them.


def positions_sql(asked: str, params: list) -> tuple[str, list]:
    """The places query for the jobs ``asked`` (an SQL condition on the jobs table) selects, and its parameters."""
    queued = GenerationJob.Status.QUEUED.value
    jobs = connection.ops.quote_name(GenerationJob._meta.db_table)
    return POSITIONS.format(jobs=jobs, asked=asked), [*params, queued, queued, queued]


def _positions(sql: str, params: list) -> dict[int, int]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return dict(cursor.fetchall())


def queue_position(job: GenerationJob) -> int | None:
    return queue_positions([job.pk]).get(job.pk)


def queued_count() -> int:
    """How many jobs the studio's queue holds (every project), counted on an index over status."""
    return GenerationJob.objects.filter(status=GenerationJob.Status.QUEUED).count()


def retried() -> Exists:
    return Exists(GenerationJob.objects.filter(retry_of=OuterRef("pk")))


def shot_jobs(project, shot) -> list[GenerationJob]:
    """The shot's queued and running jobs, and its failures of the last day that were not retried."""
    return list(
        jobs_of(project=project).filter(shot=shot).annotate(retried=retried())
        .filter(Q(status__in=GenerationJob.ACTIVE)
                | Q(status=GenerationJob.Status.FAILED, retried=False,
                    finished_at__gte=timezone.now() - RECENT_FAILURES))
        .order_by("created_at", "id")
    )
