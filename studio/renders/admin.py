from django.contrib import admin, messages
from django.utils.html import format_html

from . import services
from .files import take_thumbnail_url
from .models import GenerationJob, Take


@admin.register(GenerationJob)
class GenerationJobAdmin(admin.ModelAdmin):
    list_display = ["id", "project", "shot", "kind", "model", "status", "step", "total_steps", "attempts", "worker",
                    "requester", "created_at"]
    list_filter = ["status", "kind", "model", "project"]
    search_fields = ["request", "error", "worker", "requester__username", "project__title"]
    list_select_related = ["project", "shot", "requester"]
    readonly_fields = ["created_at", "started_at", "finished_at"]
    raw_id_fields = ["shot", "requester", "retry_of"]


@admin.register(Take)
class TakeAdmin(admin.ModelAdmin):
    list_display = ["preview", "__str__", "project", "shot", "kind", "source", "review", "smoke_test", "created_by",
                    "created_at"]
    list_filter = ["review", "kind", "source", "smoke_test", "project"]
    search_fields = ["provenance", "project__title", "shot__number"]
    list_select_related = ["project", "shot", "created_by"]
    raw_id_fields = ["shot", "job", "created_by", "reviewed_by"]
    readonly_fields = ["preview", "created_at", "reviewed_at"]
    actions = ["approve", "reject"]

    @admin.display(description="Thumbnail")
    def preview(self, take):
        if not take.pk or not take.thumbnail:
            return "—"
        return format_html('<img src="{}" alt="" style="height:48px;border-radius:4px">', take_thumbnail_url(take))

    def _review(self, request, queryset, decision):
        done = 0
        for take in queryset.select_related("project"):
            try:
                services.take_review(actor=request.user, take=take, decision=decision)
                done += 1
            except Exception as exc:  # not a reviewer on that project: say so, go on
                self.message_user(request, f"{take}: {exc}", messages.WARNING)
        self.message_user(request, f"{done} take{'s' if done != 1 else ''} {decision}.")

    @admin.action(description="Approve the selected takes")
    def approve(self, request, queryset):
        self._review(request, queryset, Take.Review.APPROVED)

    @admin.action(description="Reject the selected takes")
    def reject(self, request, queryset):
        self._review(request, queryset, Take.Review.REJECTED)
