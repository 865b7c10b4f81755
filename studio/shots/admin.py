from django.contrib import admin

from studio.core.admin import VersionedAdmin

from .models import Shot


@admin.register(Shot)
class ShotAdmin(VersionedAdmin):
    list_display = ["number", "scene", "project", "size", "angle", "movement", "lens_mm", "duration", "status",
                    "version", "updated_at"]
    list_filter = ["status", "size", "angle", "movement", "project"]
    search_fields = ["number", "description", "dialogue", "scene__location"]
    list_select_related = ["scene", "project"]
    filter_horizontal = ["characters"]
    readonly_fields = ["version", "created_at", "updated_at", "created_by"]
