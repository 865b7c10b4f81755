from django.contrib import admin

from studio.core.admin import ReadOnlyAdmin
from studio.live.admin import VersionedAdmin

from . import events
from .models import LayoutAsset, LayoutVersion, Shot, ShotLayout


@admin.register(Shot)
class ShotAdmin(VersionedAdmin):
    """Shots are made on the board (numbered and placed in their scene); here they are corrected."""

    list_display = ["number", "scene", "project", "size", "angle", "movement", "lens_mm", "duration", "status",
                    "version", "updated_at"]
    list_filter = ["status", "size", "angle", "movement", "project"]
    search_fields = ["number", "description", "dialogue", "scene__location"]
    list_select_related = ["scene", "project"]
    filter_horizontal = ["characters"]
    readonly_fields = ["project", "scene", "order", "version", "created_at", "updated_at", "created_by"]

    def has_add_permission(self, request):
        return False

    def saved_event(self, shot, *, form, actor, created, changed):
        data = events.ShotData.of(Shot.objects.prefetch_related("characters").get(pk=shot.pk))
        return events.ShotUpdated(project_id=shot.project_id, actor=actor, shot=data, changed=changed)

    def deleted_event(self, shot, *, actor):
        return events.ShotDeleted(project_id=shot.project_id, actor=actor, id=shot.pk, scene=shot.scene_id,
                                  number=shot.number)


@admin.register(ShotLayout)
class ShotLayoutAdmin(ReadOnlyAdmin):
    """Layouts are edited in the previz editor (the API merges concurrent saves); here they are read."""

    list_display = ["__str__", "shot", "version", "updated_by", "updated_at"]
    list_filter = ["shot__project"]
    search_fields = ["shot__number", "shot__project__title"]
    list_select_related = ["shot", "updated_by"]


@admin.register(LayoutVersion)
class LayoutVersionAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "layout", "version", "saved_by", "saved_at"]
    list_filter = ["layout__shot__project"]
    search_fields = ["layout__shot__number"]
    list_select_related = ["layout", "layout__shot", "saved_by"]


@admin.register(LayoutAsset)
class LayoutAssetAdmin(admin.ModelAdmin):
    list_display = ["name", "project", "bytes", "uploaded_by", "created_at"]
    list_filter = ["project"]
    search_fields = ["name", "project__title"]
    list_select_related = ["project", "uploaded_by"]
    readonly_fields = ["project", "file", "bytes", "uploaded_by", "created_at"]

    def has_add_permission(self, request):
        return False
