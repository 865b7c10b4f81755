from django.contrib import admin
from django.utils.html import format_html

from studio.core.admin import ReadOnlyAdmin, ReadOnlyInline
from studio.core.files import delete_files_on_commit
from studio.live.admin import VersionedAdmin

from . import events, services
from .files import reference_thumbnail_url
from .models import Character, DismissedCue, ReferenceImage


def _preview(ref, height: int) -> str:
    if not ref.pk:
        return ""
    return format_html('<img src="{}" style="height:{}px;border-radius:4px">', reference_thumbnail_url(ref), height)


class ReferenceInline(ReadOnlyInline):
    """Reference images are uploaded and removed in the studio (their files are checked there)."""

    model = ReferenceImage
    extra = 0
    fields = ["preview", "caption", "width", "height", "uploaded_by", "created_at"]
    readonly_fields = fields

    @admin.display(description="Image")
    def preview(self, ref):
        return _preview(ref, 64)


@admin.register(Character)
class CharacterAdmin(VersionedAdmin):
    list_display = ["name", "project", "alias_list", "seed", "reference_count", "suggested", "version", "updated_at"]
    list_filter = ["suggested", "project"]
    search_fields = ["name", "description", "appearance_prompt", "project__title"]
    list_select_related = ["project"]
    readonly_fields = ["project", "suggested", "version", "created_at", "updated_at"]
    inlines = [ReferenceInline]

    @admin.display(description="Aliases")
    def alias_list(self, character):
        return ", ".join(character.aliases)

    @admin.display(description="References")
    def reference_count(self, character):
        return character.references.count()

    def has_add_permission(self, request):
        return False

    def saved_event(self, character, *, form, actor, created, changed):
        data = events.CharacterData.of(Character.objects.prefetch_related("references").get(pk=character.pk))
        return events.CharacterUpdated(project_id=character.project_id, actor=actor, character=data, changed=changed)

    def deleted_event(self, character, *, actor):
        delete_files_on_commit(services.reference_files(character.references.all()))
        return events.CharacterDeleted(project_id=character.project_id, actor=actor, id=character.pk,
                                       name=character.name)


@admin.register(ReferenceImage)
class ReferenceImageAdmin(ReadOnlyAdmin):
    list_display = ["preview", "character", "caption", "width", "height", "uploaded_by", "created_at"]
    list_filter = ["character__project"]
    search_fields = ["caption", "character__name"]
    list_select_related = ["character", "uploaded_by"]

    @admin.display(description="Image")
    def preview(self, ref):
        return _preview(ref, 40)


@admin.register(DismissedCue)
class DismissedCueAdmin(admin.ModelAdmin):
    list_display = ["name", "project", "created_at", "id"]
    list_filter = ["project"]
    search_fields = ["name", "project__title"]
    list_select_related = ["project"]
