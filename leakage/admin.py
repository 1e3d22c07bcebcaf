"""BPBJ keeps the account-code map here; imports are read-only records (uploads go through the page)."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from ecatalog.admin_utils import ReadOnlyAdmin

from . import services
from .models import AccountCategoryMap, RealisationImport, RealisedSpending


@admin.register(AccountCategoryMap)
class AccountCategoryMapAdmin(admin.ModelAdmin):
    list_display = ("account_code", "note", "category")
    search_fields = ("account_code", "note", "category__name")
    list_select_related = ("category",)
    autocomplete_fields = ("category",)
    actions = ["load_defaults"]

    # Imported rows carry their category; every change of the map re-maps them.
    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        services.apply_account_map()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        services.apply_account_map()

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        services.apply_account_map()

    @admin.action(description=_("Tambahkan peta awal kode rekening umum"))
    def load_defaults(self, request, queryset):
        n = services.load_default_map()
        self.message_user(request, _("%(n)s kode rekening ditambahkan.") % {"n": n}, messages.SUCCESS)


@admin.register(RealisationImport)
class RealisationImportAdmin(admin.ModelAdmin):
    list_display = (
        "original_name",
        "fiscal_year",
        "period_start",
        "period_end",
        "status",
        "imported_rows",
        "error_count",
        "total_amount",
        "created_at",
    )
    list_filter = ("status", "fiscal_year")
    readonly_fields = [f.name for f in RealisationImport._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(RealisedSpending)
class RealisedSpendingAdmin(ReadOnlyAdmin):
    """Imported rows, to look one up; they change only by re-importing the period."""

    list_display = ["spent_on", "opd", "account_code", "description", "amount", "category", "payee_name"]
    list_filter = ["fiscal_year", "category"]
    search_fields = ["description", "account_code", "payee_name", "payee_npwp"]
    list_select_related = ["opd", "category"]
    date_hierarchy = "spent_on"
