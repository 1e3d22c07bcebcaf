from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from .models import RedFlag, RedFlagReview, RedFlagReviewEvent, RedFlagSettings
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
    change_list_template = "admin/opendata/redflag/change_list.html"

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
        _compute(self, request, sorted(periods, key=lambda p: (p.year, p.code)))

    def get_urls(self):
        extra = [
            path(
                "hitung-tahun-ini/",
                self.admin_site.admin_view(require_POST(self.compute_this_year)),
                name="opendata_redflag_compute_this_year",
            )
        ]
        return extra + super().get_urls()

    def compute_this_year(self, request):
        """On demand (also done nightly): this fiscal year, its quarter and its month."""
        if not (request.user.is_staff and request.user.is_bpbj):
            raise PermissionDenied
        today = timezone.localdate()
        _compute(
            self,
            request,
            [
                Period(today.year),
                Period(today.year, quarter=(today.month - 1) // 3 + 1),
                Period(today.year, month=today.month),
            ],
        )
        return redirect(reverse("admin:opendata_redflag_changelist"))

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "compute_url": reverse("admin:opendata_redflag_compute_this_year"),
        }
        return super().changelist_view(request, extra_context=extra_context)


def _compute(model_admin, request, periods: list[Period]) -> None:
    """Inline without a worker; otherwise one task per period (at national size they take a while)."""
    from ecatalog.celery import enqueue, runs_inline

    from .tasks import compute_red_flags

    if runs_inline():
        total = sum(len(store_red_flags(period)) for period in periods)
        model_admin.message_user(
            request, _("%(n)d tanda bahaya dihitung ulang.") % {"n": total}, level=messages.SUCCESS
        )
        return
    sent = [enqueue(compute_red_flags, p.year, p.month, p.quarter) for p in periods]
    if all(sent):
        model_admin.message_user(
            request,
            _("%(n)d periode sedang dihitung di latar belakang; muat ulang daftar ini sebentar lagi.")
            % {"n": len(periods)},
            level=messages.SUCCESS,
        )
    else:
        model_admin.message_user(
            request, _("Antrean tugas tidak dapat dihubungi; coba lagi sebentar lagi."), level=messages.ERROR
        )


class RedFlagReviewEventInline(admin.TabularInline):
    model = RedFlagReviewEvent
    fields = ["created_at", "status", "note", "actor"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(RedFlagReview)
class RedFlagReviewAdmin(admin.ModelAdmin):
    """BPBJ's reviews of red flags: read here, changed on the red-flag page (with its history)."""

    list_display = ["kind", "fiscal_year", "period", "opd", "status", "updated_by", "updated_at"]
    list_filter = ["status", "kind", "fiscal_year"]
    search_fields = ["opd__name", "note"]
    list_select_related = ["opd", "updated_by"]
    fields = ["kind", "fiscal_year", "period", "opd", "status", "note", "updated_by", "updated_at"]
    readonly_fields = fields
    inlines = [RedFlagReviewEventInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
