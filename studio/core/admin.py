"""What the apps' admin classes share (``live.admin.LiveAdmin`` is the admin whose writes are published)."""

from __future__ import annotations

from django.contrib import admin


class ReadOnly:
    """Rows only services write (logs, history, what follows from another object): shown, never added,
    changed or deleted by hand."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(ReadOnly, admin.ModelAdmin):
    pass


class ReadOnlyInline(ReadOnly, admin.TabularInline):
    pass
