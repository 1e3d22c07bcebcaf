"""Users in the admin: Django's user admin plus the role and phone."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ["username", "get_full_name", "email", "role", "is_active", "is_staff", "last_login"]
    list_filter = ["role", "is_active", "is_staff", "is_superuser"]
    search_fields = ["username", "first_name", "last_name", "email", "phone"]
    fieldsets = [
        *DjangoUserAdmin.fieldsets,
        (_("Peran E-Katalog"), {"fields": ["role", "phone"]}),
    ]
    add_fieldsets = [
        *DjangoUserAdmin.add_fieldsets,
        (_("Peran E-Katalog"), {"fields": ["role", "email", "first_name", "phone"]}),
    ]

    @admin.display(description=_("nama"))
    def get_full_name(self, obj):
        return obj.get_full_name()
