"""The admin's live writes, and Live's own rows (presence).

The admin is a back office for staff, who need not be on the project, so it checks no project role. But
what it writes reaches the project's open pages as the services' own writes do: each admin that edits a
live object names the event a save or a delete publishes (after commit; ``LiveAdmin``), and edits of
versioned objects bump the version (``VersionedAdmin``), so a collaborator holding the old version is
refused (412) instead of silently overwriting the admin's fix. What only a service may change (a job's
status, a scene's heading taken from the script, a script's text) is read-only there.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import F

from studio.core.admin import ReadOnlyAdmin

from .events import Event, UserRef, publish
from .models import PresenceConnection, ProjectSequence


class LiveAdmin(admin.ModelAdmin):
    """An admin whose saves and deletes are published like the services' (``saved_event``/``deleted_event``)."""

    versioned = False

    def saved_event(self, obj, *, form, actor: UserRef, created: bool, changed: list[str]) -> Event | None:
        raise NotImplementedError(f"{type(self).__name__} must say which event an admin save publishes")

    def deleted_event(self, obj, *, actor: UserRef) -> Event | None:
        raise NotImplementedError(f"{type(self).__name__} must say which event an admin delete publishes")

    def save_model(self, request, obj, form, change):
        if change and not form.has_changed():
            return  # nothing was changed: nothing is written, bumped or published
        bump = change and self.versioned
        if bump:
            obj.version = F("version") + 1
        super().save_model(request, obj, form, change)
        if bump:
            obj.refresh_from_db(fields=["version"])

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)  # many-to-many fields are saved here, last
        changed = list(form.changed_data) + [f"{fs.model._meta.model_name}s" for fs in formsets if fs.has_changed()]
        if change and not changed:
            return
        event = self.saved_event(form.instance, form=form, actor=UserRef.of(request.user), created=not change,
                                 changed=changed)
        if event is not None:
            publish(event)

    def delete_model(self, request, obj):
        event = self.deleted_event(obj, actor=UserRef.of(request.user))
        super().delete_model(request, obj)
        if event is not None:
            publish(event)

    def delete_queryset(self, request, queryset):
        for obj in queryset:  # one by one, so each delete is published, and each is allowed on its own
            if self.has_delete_permission(request, obj):
                self.delete_model(request, obj)
            else:
                self.message_user(request, f"{obj} was kept: it can't be deleted here.", messages.WARNING)


class VersionedAdmin(LiveAdmin):
    versioned = True


@admin.register(PresenceConnection)
class PresenceConnectionAdmin(ReadOnlyAdmin):
    """Who has a project open now: written by the project socket only."""

    list_display = ["user", "project", "focus_shot", "connected_at", "last_seen"]
    list_filter = ["project"]
    search_fields = ["user__username", "project__title", "channel_name"]
    list_select_related = ["user", "project"]


@admin.register(ProjectSequence)
class ProjectSequenceAdmin(ReadOnlyAdmin):
    """The number of each project's last live event: taken by ``live.sequence`` only."""

    list_display = ["project_id", "last", "project_title", "__str__"]
    search_fields = ["project_id"]

    @admin.display(description="project")
    def project_title(self, obj) -> str:
        from django.apps import apps

        project = apps.get_model("projects", "Project").objects.filter(pk=obj.project_id).first()
        return project.title if project else "(deleted)"
