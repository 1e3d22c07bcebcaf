"""Admin: reference data is editable; orders are read-mostly and never change status here.

Status, money and audit fields are read-only, the audit trail cannot be added,
changed or deleted by anyone; order status changes only happen on the order
pages, through the services.
"""

from django.contrib import admin
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ecatalog.admin_utils import ReadOnlyAdmin, ReadOnlyInline, private_file_link

from .models import (
    OPD,
    Addendum,
    AddendumLine,
    Budget,
    CartItem,
    CityHoliday,
    DeadlineNotice,
    LatePaymentComplaint,
    NegotiationOffer,
    NegotiationOfferLine,
    Notification,
    OPDMember,
    Order,
    OrderEvent,
    OrderLine,
    Payment,
    Receipt,
    ReceiptLine,
    RUPPackage,
    VendorRating,
)


class OPDMemberInline(admin.TabularInline):
    model = OPDMember
    extra = 0
    raw_id_fields = ["user"]


@admin.register(OPD)
class OPDAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "approval_threshold", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["code", "name", "short_name"]
    inlines = [OPDMemberInline]


@admin.register(OPDMember)
class OPDMemberAdmin(admin.ModelAdmin):
    list_display = ["user", "opd", "position", "nip"]
    list_filter = ["position", "opd"]
    search_fields = ["user__username", "user__first_name", "opd__name", "nip"]
    raw_id_fields = ["user"]
    autocomplete_fields = ["opd"]


@admin.register(Budget)
class BudgetAdmin(admin.ModelAdmin):
    list_display = ["opd", "fiscal_year", "goods_services_pagu"]
    list_filter = ["fiscal_year"]
    search_fields = ["opd__name"]


@admin.register(RUPPackage)
class RUPPackageAdmin(admin.ModelAdmin):
    list_display = ["kode_rup", "name", "opd", "fiscal_year", "method", "pagu", "committed", "spent"]
    list_filter = ["fiscal_year", "method", "funding_source"]
    search_fields = ["kode_rup", "name", "opd__name"]
    # committed/spent move only with orders (conditional updates in services).
    readonly_fields = ["committed", "spent", "created_at"]

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is not None and request.method == "POST":
            # The admin saves inside one transaction: lock the row so the pagu check (model clean)
            # and the save see the committed/spent amounts no checkout can change in between.
            obj = RUPPackage.objects.select_for_update().get(pk=obj.pk)
        return obj


@admin.register(CartItem)
class CartItemAdmin(ReadOnlyAdmin):
    list_display = ["user", "product", "quantity", "added_at"]


class OrderLineInline(ReadOnlyInline):
    model = OrderLine
    fields = [
        "product_name",
        "unit",
        "catalog_unit_price",
        "unit_price",
        "quantity",
        "received_quantity",
        "line_total",
    ]
    readonly_fields = fields


class OrderEventInline(ReadOnlyInline):
    model = OrderEvent
    fields = ["created_at", "actor", "actor_role", "from_status", "to_status", "note"]
    readonly_fields = fields


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    list_display = ["number", "opd", "vendor", "status", "total", "created_at"]
    list_filter = ["status", "fiscal_year"]
    search_fields = ["number", "sp_number", "opd__name", "vendor__business_name"]
    date_hierarchy = "created_at"
    list_select_related = ["opd", "vendor"]
    inlines = [OrderLineInline, OrderEventInline]
    # The delivery note is private (its storage has no URL): the page links the
    # permission-checked download instead of the file field.
    exclude = ["delivery_note_file"]
    # Only the notes may be corrected here; everything the rules depend on is read-only.
    readonly_fields = [
        "number",
        "opd",
        "buyer",
        "vendor",
        "rup_package",
        "fiscal_year",
        "status",
        "checkout_token",
        "subtotal",
        "ppn_rate",
        "ppn_amount",
        "total",
        "requires_approval",
        "approved_by",
        "approved_at",
        "approved_amount",
        "negotiation_rounds",
        "sp_number",
        "sp_sequence",
        "reason",
        "delivery_note_link",
        "delivery_address",
        "needed_by",
        "created_at",
        "updated_at",
        "sent_at",
        "accepted_at",
        "shipped_at",
        "received_at",
        "paid_at",
        "completed_at",
        "cancelled_at",
        # The payment plan changes only by addendum, what was paid only by a recorded payment.
        "advance_percent",
        "pay_per_bast",
        "retention_percent",
        "retention_until",
        "paid_amount",
        "addendum_count",
    ]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("surat jalan"))
    def delivery_note_link(self, order):
        return private_file_link(
            order.delivery_note_file, reverse("procurement:delivery_note", args=[order.pk])
        )


@admin.register(OrderEvent)
class OrderEventAdmin(ReadOnlyAdmin):
    list_display = ["order", "created_at", "actor", "actor_role", "from_status", "to_status"]
    list_filter = ["to_status"]
    search_fields = ["order__number", "note"]
    list_select_related = ["order", "actor"]

    def get_actions(self, request):
        return {}


class NegotiationOfferLineInline(ReadOnlyInline):
    model = NegotiationOfferLine


@admin.register(NegotiationOffer)
class NegotiationOfferAdmin(ReadOnlyAdmin):
    list_display = ["order", "round", "action", "actor", "proposed_total", "created_at"]
    inlines = [NegotiationOfferLineInline]


class ReceiptLineInline(ReadOnlyInline):
    model = ReceiptLine


@admin.register(Receipt)
class ReceiptAdmin(ReadOnlyAdmin):
    list_display = ["number", "order", "received_on", "received_by"]
    search_fields = ["number", "order__number"]
    inlines = [ReceiptLineInline]


class AddendumLineInline(ReadOnlyInline):
    model = AddendumLine


@admin.register(Addendum)
class AddendumAdmin(ReadOnlyAdmin):
    """Addenda are proposed, answered and approved on the order page (the services' rules)."""

    list_display = ["__str__", "order", "status", "old_total", "new_total", "created_at"]
    list_filter = ["status"]
    search_fields = ["number", "order__number"]
    inlines = [AddendumLineInline]


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdmin):
    list_display = ["order", "kind", "amount", "pph_amount", "paid_on", "reference"]
    search_fields = ["order__number", "reference"]


@admin.register(VendorRating)
class VendorRatingAdmin(ReadOnlyAdmin):
    list_display = ["vendor", "order", "score", "created_at"]


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ["user", "message", "created_at", "read_at"]


@admin.register(CityHoliday)
class CityHolidayAdmin(admin.ModelAdmin):
    """Days off the city adds to the national calendar; every deadline skips them."""

    list_display = ["date", "name"]
    date_hierarchy = "date"
    search_fields = ["name"]


@admin.register(DeadlineNotice)
class DeadlineNoticeAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "rule", "step", "subject", "clock"]
    list_filter = ["rule", "step"]
    search_fields = ["subject"]


@admin.register(LatePaymentComplaint)
class LatePaymentComplaintAdmin(ReadOnlyAdmin):
    """Answered on BPBJ's complaint page (procurement.services.resolve_complaint), not here."""

    list_display = ["order", "vendor", "status", "created_at", "resolved_at"]
    list_filter = ["status"]
    search_fields = ["order__number", "vendor__business_name"]
    list_select_related = ["order", "vendor"]
