from django.contrib import admin

from studio.core.admin import ReadOnlyAdmin, ReadOnlyInline
from studio.live.admin import LiveAdmin, VersionedAdmin

from . import events
from .models import Scene, Script, ScriptRevision, ScriptUpdate


class SceneInline(ReadOnlyInline):
    """The script's scenes, read: they follow from its text (and are edited on the board or in SceneAdmin)."""

    model = Scene
    extra = 0
    fields = ["order", "number", "int_ext", "location", "time_of_day", "in_script", "omitted", "version"]
    readonly_fields = fields


@admin.register(Script)
class ScriptAdmin(LiveAdmin):
    """A script's text lives in its Yjs document, written in the studio's editor: here it is read."""

    list_display = ["title", "project", "scene_count", "updated_at"]
    list_filter = ["project"]
    search_fields = ["title", "project__title", "fountain"]
    list_select_related = ["project"]
    readonly_fields = ["project", "fountain", "created_at", "updated_at"]
    inlines = [SceneInline]

    @admin.display(description="Scenes")
    def scene_count(self, script):
        return script.scenes.count()

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # a script is deleted in the studio, which keeps a project's last one and scenes with shots

    def saved_event(self, script, *, form, actor, created, changed):
        return events.ScriptUpdated(project_id=script.project_id, actor=actor, script=events.ScriptData.of(script),
                                    changed=changed)


@admin.register(Scene)
class SceneAdmin(VersionedAdmin):
    """Scenes from the script take their heading from it: only a board-made scene's heading is edited here."""

    list_display = ["number", "heading", "script", "project", "order", "in_script", "omitted", "version", "updated_at"]
    list_filter = ["in_script", "omitted", "int_ext", "time_of_day", "project"]
    search_fields = ["number", "location", "synopsis", "script__title"]
    list_select_related = ["script", "project"]
    readonly_fields = ["project", "script", "order", "in_script", "omitted", "line", "source", "version",
                       "created_at", "updated_at"]

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.in_script:
            fields += ["number", "int_ext", "location", "time_of_day"]
        return fields

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return obj is None or (not (obj.in_script and not obj.omitted) and not obj.shots.exists())

    def saved_event(self, scene, *, form, actor, created, changed):
        return events.SceneUpdated(project_id=scene.project_id, actor=actor, scene=events.SceneData.of(scene),
                                   changed=changed)

    def deleted_event(self, scene, *, actor):
        return events.SceneDeleted(project_id=scene.project_id, actor=actor, id=scene.pk, script=scene.script_id)


@admin.register(ScriptUpdate)
class ScriptUpdateAdmin(ReadOnlyAdmin):
    """The Yjs log, read-only: editing a CRDT update by hand would corrupt the document."""

    list_display = ["id", "script", "size", "author", "created_at"]
    list_filter = ["script__project"]
    search_fields = ["script__title", "author__username"]
    list_select_related = ["script", "author"]
    exclude = ["data"]

    @admin.display(description="Bytes")
    def size(self, update):
        return len(update.data)


@admin.register(ScriptRevision)
class ScriptRevisionAdmin(ReadOnlyAdmin):
    """Revisions are kept (and restored or deleted) in the studio; a kept text is never rewritten."""

    list_display = ["name", "script", "color", "created_by", "created_at"]
    list_filter = ["color", "script__project"]
    search_fields = ["name", "script__title", "text"]
    list_select_related = ["script", "created_by"]
