from django.contrib import admin, messages
from django.db.models import Count
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from .models import RedFlag, RedFlagSettings
from .redflags import Period, store_red_flags


@admin.register(RedFlagSettings)
class RedFlagSettingsAdmin(admin.ModelAdmin):
    """One row of thresholds: the list goes straight to it."""

    fieldsets = [
        (
            _("Pemecahan pesanan"),
            {"fields": ["split_window_days", "split_threshold_ratio", "default_approval_threshold"]},
        ),
        (_("Harga di atas median"), {"fields": ["price_median_factor", "price_min_sample"]}),
        (_("Konsentrasi penyedia"), {"fields": ["concentration_share", "concentration_min_orders"]}),
        (_("Belanja akhir tahun"), {"fields": ["year_end_days", "year_end_share"]}),
        (_("Pembayaran terlambat"), {"fields": ["late_payment_days"]}),
        (_("Kenaikan harga menjelang pesanan"), {"fields": ["price_raise_percent", "price_raise_days"]}),
        (_("Pesanan segera setelah tayang"), {"fields": ["publish_order_days"]}),
        (_("Pasangan pejabat–penyedia"), {"fields": ["pair_share", "pair_min_orders"]}),
    ]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        obj = RedFlagSettings.load()
        return redirect(reverse("admin:opendata_redflagsettings_change", args=[obj.pk]))


def _period_of(flag: RedFlag) -> Period:
    if flag.period.startswith("Q"):
        return Period(flag.fiscal_year, quarter=int(flag.period[1:]))
    if flag.period.startswith("M"):
        return Period(flag.fiscal_year, month=int(flag.period[1:]))
    return Period(flag.fiscal_year)


@admin.register(RedFlag)
class RedFlagAdmin(admin.ModelAdmin):
    """Stored flags (from ``compute_red_flags``): read-only, recomputable per period."""

    list_display = [
        "kind",
        "fiscal_year",
        "period",
        "opd",
        "vendor",
        "metric",
        "amount",
        "order_count",
        "computed_at",
    ]
    list_filter = ["kind", "fiscal_year", "period", "opd"]
    search_fields = ["summary", "opd__name", "vendor__business_name", "orders__number"]
    list_select_related = ["opd", "vendor"]
    readonly_fields = ["order_links"]
    fields = ["kind", "fiscal_year", "period", "opd", "vendor", "category", "summary", "metric", "threshold",
              "amount", "computed_at", "order_links"]  # fmt: skip
    actions = ["recompute"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(n_orders=Count("orders"))

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("pesanan"), ordering="n_orders")
    def order_count(self, obj):
        return obj.n_orders

    @admin.display(description=_("pesanan"))
    def order_links(self, obj):
        orders = obj.orders.order_by("sent_at", "id")
        return format_html_join(
            ", ",
            '<a href="{}">{}</a>',
            ((o.get_absolute_url(), o.number) for o in orders),
        ) or format_html("{}", "-")

    @admin.action(description=_("Hitung ulang periode tanda bahaya terpilih"))
    def recompute(self, request, queryset):
        periods = {_period_of(flag) for flag in queryset}
        total = sum(len(store_red_flags(period)) for period in periods)
        self.message_user(
            request, _("%(n)d tanda bahaya dihitung ulang.") % {"n": total}, level=messages.SUCCESS
        )
