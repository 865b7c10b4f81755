"""Jobs and takes in the admin: read-only. A job's status, worker and lease belong to the worker protocol and a
take's review to its reviewers, so nothing here is edited by hand; the actions call the services (as the staff
member, who must hold the capability on the project like anyone else) and so publish their events."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils.html import format_html

from studio.core.admin import ReadOnlyAdmin
from studio.core.errors import Conflict, QuotaExceeded

from .files import take_thumbnail_url
from .models import GenerationJob, Take
from .services import jobs, takes

REFUSED = (Http404, PermissionDenied, Conflict, QuotaExceeded, ValidationError)


class ServiceActionsAdmin(ReadOnlyAdmin):
    """Read-only rows (deleting a shot or a project removes them) whose actions call services."""

    def _each(self, request, queryset, verb: str, call) -> None:
        """Call the service for each selected row; say what was done and, for each refusal, why."""
        done = 0
        for obj in queryset:
            try:
                call(obj)
                done += 1
            except REFUSED as exc:  # not allowed on that project, or not in a state that allows it: say so, go on
                if isinstance(exc, Http404):
                    reason = "you are not a member of its project."
                elif isinstance(exc, ValidationError):
                    reason = " ".join(exc.messages)
                else:
                    reason = str(exc) or "not allowed."
                self.message_user(request, f"{obj}: {reason}", messages.WARNING)
        noun = self.model._meta.verbose_name if done == 1 else self.model._meta.verbose_name_plural
        self.message_user(request, f"{done} {noun} {verb}.")


@admin.register(GenerationJob)
class GenerationJobAdmin(ServiceActionsAdmin):
    list_display = ["id", "project", "shot", "kind", "model", "status", "step", "total_steps", "attempts", "worker",
                    "requester", "created_at"]
    list_filter = ["status", "kind", "model", "project"]
    search_fields = ["request", "error", "worker", "requester__username", "project__title"]
    list_select_related = ["project", "shot", "requester"]
    actions = ["cancel", "retry"]

    @admin.action(description="Cancel the selected jobs (a running one is asked to stop)")
    def cancel(self, request, queryset):
        self._each(request, queryset.select_related("project"), "canceled",
                   lambda job: jobs.job_cancel(actor=request.user, job=job))

    @admin.action(description="Retry the selected failed or canceled jobs")
    def retry(self, request, queryset):
        self._each(request, queryset.select_related("project"), "retried",
                   lambda job: jobs.job_retry(actor=request.user, job=job))


@admin.register(Take)
class TakeAdmin(ServiceActionsAdmin):
    list_display = ["preview", "__str__", "project", "shot", "kind", "source", "review", "smoke_test", "created_by",
                    "created_at"]
    list_filter = ["review", "kind", "source", "smoke_test", "project"]
    search_fields = ["provenance", "project__title", "shot__number"]
    list_select_related = ["project", "shot", "created_by"]
    readonly_fields = ["preview"]
    actions = ["approve", "reject"]

    @admin.display(description="Thumbnail")
    def preview(self, take):
        if not take.pk or not take.thumbnail:
            return "—"
        return format_html('<img src="{}" alt="" style="height:48px;border-radius:4px">', take_thumbnail_url(take))

    def _review(self, request, queryset, decision):
        self._each(request, queryset.select_related("project"), decision,
                   lambda take: takes.take_review(actor=request.user, take=take, decision=decision))

    @admin.action(description="Approve the selected takes")
    def approve(self, request, queryset):
        self._review(request, queryset, Take.Review.APPROVED)

    @admin.action(description="Reject the selected takes")
    def reject(self, request, queryset):
        self._review(request, queryset, Take.Review.REJECTED)
