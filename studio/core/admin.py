"""What the apps' admin classes share."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import F


class VersionedAdmin(admin.ModelAdmin):
    """Admin saves of versioned objects bump the version, as every write does, so a collaborator's
    editor holding the old version is refused (412) instead of silently overwriting the admin's fix.
    The admin is a back office: it writes directly and sends no live event."""

    def save_model(self, request, obj, form, change):
        if change:
            obj.version = F("version") + 1
        super().save_model(request, obj, form, change)
        if change:
            obj.refresh_from_db(fields=["version"])
