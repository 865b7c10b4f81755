from django.contrib import admin

from studio.core.admin import VersionedAdmin

from .models import Scene, Script, ScriptRevision, ScriptUpdate


class SceneInline(admin.TabularInline):
    model = Scene
    extra = 0
    fields = ["order", "number", "int_ext", "location", "time_of_day", "version"]
    readonly_fields = ["version"]


@admin.register(Script)
class ScriptAdmin(admin.ModelAdmin):
    list_display = ["title", "project", "scene_count", "updated_at"]
    list_filter = ["project"]
    search_fields = ["title", "project__title", "fountain"]
    list_select_related = ["project"]
    inlines = [SceneInline]

    @admin.display(description="Scenes")
    def scene_count(self, script):
        return script.scenes.count()


@admin.register(Scene)
class SceneAdmin(VersionedAdmin):
    list_display = ["number", "heading", "script", "project", "order", "in_script", "omitted", "version", "updated_at"]
    list_filter = ["in_script", "omitted", "int_ext", "time_of_day", "project"]
    search_fields = ["number", "location", "synopsis", "script__title"]
    list_select_related = ["script", "project"]
    readonly_fields = ["version", "created_at", "updated_at"]


@admin.register(ScriptUpdate)
class ScriptUpdateAdmin(admin.ModelAdmin):
    """The Yjs log, read-only: editing a CRDT update by hand would corrupt the document."""

    list_display = ["id", "script", "size", "author", "created_at"]
    list_filter = ["script__project"]
    search_fields = ["script__title", "author__username"]
    list_select_related = ["script", "author"]
    readonly_fields = ["script", "size", "author", "created_at"]
    exclude = ["data"]

    @admin.display(description="Bytes")
    def size(self, update):
        return len(update.data)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ScriptRevision)
class ScriptRevisionAdmin(admin.ModelAdmin):
    list_display = ["name", "script", "color", "created_by", "created_at"]
    list_filter = ["color", "script__project"]
    search_fields = ["name", "script__title", "text"]
    list_select_related = ["script", "created_by"]
    readonly_fields = ["created_by", "created_at"]
