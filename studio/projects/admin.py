from django.contrib import admin

from studio.core.admin import ReadOnlyInline
from studio.core.files import delete_files_on_commit
from studio.live.admin import LiveAdmin

from . import events, hooks
from .models import Membership, Project


class MembershipInline(ReadOnlyInline):
    """The team, read: roles are changed in MembershipAdmin (or on the project page), which tells everyone."""

    model = Membership
    extra = 0
    fk_name = "project"
    fields = ["user", "role", "invited_by", "created_at"]
    readonly_fields = fields


@admin.register(Project)
class ProjectAdmin(LiveAdmin):
    list_display = ["title", "format", "aspect_ratio", "frame_rate", "member_count", "created_by", "updated_at"]
    list_filter = ["format", "aspect_ratio", "created_at"]
    search_fields = ["title", "logline", "style_prompt"]
    readonly_fields = ["created_at", "updated_at", "created_by"]
    inlines = [MembershipInline]
    date_hierarchy = "created_at"

    @admin.display(description="Members")
    def member_count(self, project):
        return project.memberships.count()

    def has_add_permission(self, request):
        return False  # a project starts in the studio, with its owner and what the apps give it

    def saved_event(self, project, *, form, actor, created, changed):
        return events.ProjectUpdated(project_id=project.pk, actor=actor, project=events.ProjectData.of(project),
                                     changed=changed)

    def deleted_event(self, project, *, actor):
        delete_files_on_commit([name for hook in hooks.files_hooks() for name in hook(project)])
        return events.ProjectDeleted(project_id=project.pk, actor=actor, id=project.pk, title=project.title)


@admin.register(Membership)
class MembershipAdmin(LiveAdmin):
    list_display = ["user", "project", "role", "invited_by", "created_at"]
    list_filter = ["role", "project"]
    search_fields = ["user__username", "user__display_name", "project__title"]
    list_select_related = ["user", "project", "invited_by"]
    autocomplete_fields = ["user", "project"]

    def get_readonly_fields(self, request, obj=None):
        return ["user", "project", "invited_by", "created_at"] if obj is not None else ["invited_by", "created_at"]

    def saved_event(self, membership, *, form, actor, created, changed):
        data = events.MemberData.of(membership)
        if created:
            return events.MemberAdded(project_id=membership.project_id, actor=actor, member=data)
        return events.MemberUpdated(project_id=membership.project_id, actor=actor, member=data,
                                    previous_role=form.initial.get("role", membership.role))

    def deleted_event(self, membership, *, actor):
        return events.MemberRemoved(project_id=membership.project_id, actor=actor,
                                    member=events.MemberData.of(membership))
