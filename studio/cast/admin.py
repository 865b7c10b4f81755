from django.contrib import admin
from django.utils.html import format_html

from studio.core.admin import VersionedAdmin

from .files import reference_thumbnail_url
from .models import Character, DismissedCue, ReferenceImage


class ReferenceInline(admin.TabularInline):
    model = ReferenceImage
    extra = 0
    fields = ["preview", "caption", "width", "height", "uploaded_by", "created_at"]
    readonly_fields = ["preview", "width", "height", "uploaded_by", "created_at"]

    @admin.display(description="Image")
    def preview(self, ref):
        if not ref.pk:
            return ""
        return format_html('<img src="{}" style="height:64px;border-radius:4px">', reference_thumbnail_url(ref))


@admin.register(Character)
class CharacterAdmin(VersionedAdmin):
    list_display = ["name", "project", "alias_list", "seed", "reference_count", "suggested", "version", "updated_at"]
    list_filter = ["suggested", "project"]
    search_fields = ["name", "description", "appearance_prompt", "project__title"]
    list_select_related = ["project"]
    readonly_fields = ["version", "created_at", "updated_at"]
    inlines = [ReferenceInline]

    @admin.display(description="Aliases")
    def alias_list(self, character):
        return ", ".join(character.aliases)

    @admin.display(description="References")
    def reference_count(self, character):
        return character.references.count()


@admin.register(ReferenceImage)
class ReferenceImageAdmin(admin.ModelAdmin):
    list_display = ["preview", "character", "caption", "width", "height", "uploaded_by", "created_at"]
    list_filter = ["character__project"]
    search_fields = ["caption", "character__name"]
    list_select_related = ["character", "uploaded_by"]
    readonly_fields = ["width", "height", "created_at"]

    @admin.display(description="Image")
    def preview(self, ref):
        return format_html('<img src="{}" style="height:40px;border-radius:3px">', reference_thumbnail_url(ref))


@admin.register(DismissedCue)
class DismissedCueAdmin(admin.ModelAdmin):
    list_display = ["name", "project", "created_at", "id"]
    list_filter = ["project"]
    search_fields = ["name", "project__title"]
    list_select_related = ["project"]
