from django.contrib import admin

from studio.core.admin import VersionedAdmin

from .models import LayoutAsset, LayoutVersion, Shot, ShotLayout


@admin.register(Shot)
class ShotAdmin(VersionedAdmin):
    list_display = ["number", "scene", "project", "size", "angle", "movement", "lens_mm", "duration", "status",
                    "version", "updated_at"]
    list_filter = ["status", "size", "angle", "movement", "project"]
    search_fields = ["number", "description", "dialogue", "scene__location"]
    list_select_related = ["scene", "project"]
    filter_horizontal = ["characters"]
    readonly_fields = ["version", "created_at", "updated_at", "created_by"]


@admin.register(ShotLayout)
class ShotLayoutAdmin(admin.ModelAdmin):
    """Layouts are edited in the previz editor (the API merges concurrent saves); here they are read."""

    list_display = ["__str__", "shot", "version", "updated_by", "updated_at"]
    list_filter = ["shot__project"]
    search_fields = ["shot__number", "shot__project__title"]
    list_select_related = ["shot", "updated_by"]
    readonly_fields = ["shot", "data", "version", "updated_by", "updated_at"]


@admin.register(LayoutVersion)
class LayoutVersionAdmin(admin.ModelAdmin):
    list_display = ["__str__", "layout", "version", "saved_by", "saved_at"]
    list_filter = ["layout__shot__project"]
    search_fields = ["layout__shot__number"]
    list_select_related = ["layout", "layout__shot", "saved_by"]
    readonly_fields = ["layout", "version", "data", "saved_by", "saved_at"]


@admin.register(LayoutAsset)
class LayoutAssetAdmin(admin.ModelAdmin):
    list_display = ["name", "project", "bytes", "uploaded_by", "created_at"]
    list_filter = ["project"]
    search_fields = ["name", "project__title"]
    list_select_related = ["project", "uploaded_by"]
