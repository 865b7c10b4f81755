from django.contrib import admin

from studio.core.admin import ReadOnlyAdmin

from .models import PresenceConnection


@admin.register(PresenceConnection)
class PresenceConnectionAdmin(ReadOnlyAdmin):
    """Who has a project open now: written by the project socket only."""

    list_display = ["user", "project", "focus_shot", "connected_at", "last_seen"]
    list_filter = ["project"]
    search_fields = ["user__username", "project__title", "channel_name"]
    list_select_related = ["user", "project"]
