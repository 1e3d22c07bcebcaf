"""Admin pieces shared by every app."""

from django.contrib import admin
from django.utils.html import format_html


class ReadOnlyPermissionsMixin:
    """Viewable, never added, changed or deleted by hand: these rows are written by services only."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(ReadOnlyPermissionsMixin, admin.ModelAdmin):
    """Audit trails, histories and records a service wrote."""


class ReadOnlyInline(ReadOnlyPermissionsMixin, admin.TabularInline):
    extra = 0
    can_delete = False


def private_file_link(field_file, url: str):
    """The file's name linked to its permission-checked download view.

    Private storage has no public URL, so the admin's own file widget and read-only
    display (which ask the storage for one) cannot be used for these fields.
    """
    if not field_file:
        return "-"
    return format_html('<a href="{}">{}</a>', url, field_file.name.rsplit("/", 1)[-1])
