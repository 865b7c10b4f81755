from django.contrib import admin

from .models import Membership, Project


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    fk_name = "project"
    autocomplete_fields = ["user"]
    fields = ["user", "role", "invited_by", "created_at"]
    readonly_fields = ["invited_by", "created_at"]


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = ["title", "format", "aspect_ratio", "frame_rate", "member_count", "created_by", "updated_at"]
    list_filter = ["format", "aspect_ratio", "created_at"]
    search_fields = ["title", "logline", "style_prompt"]
    readonly_fields = ["created_at", "updated_at", "created_by"]
    inlines = [MembershipInline]
    date_hierarchy = "created_at"

    @admin.display(description="Members")
    def member_count(self, project):
        return project.memberships.count()


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "project", "role", "invited_by", "created_at"]
    list_filter = ["role", "project"]
    search_fields = ["user__username", "user__display_name", "project__title"]
    list_select_related = ["user", "project", "invited_by"]
    autocomplete_fields = ["user", "project"]
