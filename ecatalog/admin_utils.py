"""Admin pieces shared by every app."""

from django.contrib import admin


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
