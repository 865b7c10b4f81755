from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from .models import User


@admin.register(User)
class StudioUserAdmin(UserAdmin):
    list_display = ("username", "display_name", "email", "is_staff", "is_active", "last_login")
    search_fields = ("username", "display_name", "email", "first_name", "last_name")
    fieldsets = UserAdmin.fieldsets + (("Studio", {"fields": ("display_name",)}),)
