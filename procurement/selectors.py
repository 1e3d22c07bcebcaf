"""Reads used by the procurement pages: always scoped to what the user may see."""

from __future__ import annotations

from collections import OrderedDict
from decimal import Decimal

from django.db.models import Avg, Count, Prefetch, QuerySet
from django.utils import timezone

from catalog.models import Vendor

from .models import (
    CartItem,
    ComplaintStatus,
    LatePaymentComplaint,
    NegotiationOffer,
    NegotiationOfferLine,
    Notification,
    Order,
    OrderEvent,
    OrderStatus,
    Receipt,
    RUPPackage,
    VendorRating,
)
from .services import compute_totals, ppn_rate_for


def orders_visible_to(user) -> QuerySet[Order]:
    """BPBJ sees every order, a vendor its own, an OPD official its OPD's; anyone else nothing."""
    qs = Order.objects.all()
    if not user.is_authenticated:
        return qs.none()
    if user.is_bpbj:
        return qs
    if user.is_vendor:
        vendor = user.vendor_profile
        return qs.filter(vendor=vendor) if vendor else qs.none()
    if user.is_buyer:
        opd = user.opd
        return qs.filter(opd=opd) if opd else qs.none()
    return qs.none()


def order_list_queryset(user) -> QuerySet[Order]:
    """Rows of the OPD order list and the vendor inbox: one query per page, whatever the count."""
    return orders_visible_to(user).select_related("opd", "vendor", "rup_package")


def order_detail(user, pk: int) -> Order:
    """The order with everything its page shows, loaded up front (404 if not visible)."""
    from django.shortcuts import get_object_or_404

    qs = orders_visible_to(user).select_related(
        "opd", "vendor", "vendor__user", "buyer", "rup_package", "approved_by"
    )
    qs = qs.prefetch_related(
        "lines",
        Prefetch(
            "offers",
            queryset=NegotiationOffer.objects.select_related("actor").prefetch_related(
                Prefetch("lines", queryset=NegotiationOfferLine.objects.select_related("order_line"))
            ),
        ),
        Prefetch("events", queryset=OrderEvent.objects.select_related("actor")),
        Prefetch(
            "receipts", queryset=Receipt.objects.select_related("received_by").prefetch_related("lines")
        ),
        "payments",
        "complaints",
    )
    return get_object_or_404(qs, pk=pk)


def payment_record(order: Order, *, cal=None) -> dict | None:
    """A paid order's payment clock, read from its prefetched receipts and payments:
    calendar days from the last BAST to the transfer and whether it met the deadline."""
    from django.conf import settings

    from .workdays import calendar

    receipts = list(order.receipts.all())
    payments = list(order.payments.all())
    if not payments:
        return None
    bast = max((r.received_on for r in receipts), default=None) or (
        order.received_at and timezone.localdate(order.received_at)
    )
    if not bast:
        return None
    paid = max(p.paid_on for p in payments)
    due = (cal or calendar()).add_working_days(bast, settings.DEADLINE_PAYMENT_DAYS)
    return {
        "bast": bast,
        "paid": paid,
        "days": max((paid - bast).days, 0),
        "due": due,
        "on_time": paid <= due,
    }


def complaint_rows(*, status: str = ComplaintStatus.OPEN) -> QuerySet[LatePaymentComplaint]:
    """BPBJ's complaint queue (one query per page): open ones oldest first, answered newest first."""
    qs = LatePaymentComplaint.objects.filter(status=status).select_related(
        "order", "order__opd", "vendor", "filed_by", "resolved_by"
    )
    return (
        qs.order_by("created_at", "id")
        if status == ComplaintStatus.OPEN
        else qs.order_by("-resolved_at", "-id")
    )


def vendor_inbox_counts(vendor) -> dict[str, int]:
    rows = Order.objects.filter(vendor=vendor).values("status").annotate(n=Count("id"))
    by_status = {r["status"]: r["n"] for r in rows}
    return {
        "new": by_status.get(OrderStatus.SENT, 0),
        "negotiating": by_status.get(OrderStatus.NEGOTIATING, 0),
        "to_ship": by_status.get(OrderStatus.ACCEPTED, 0),
    }


def cart_groups(user) -> list[dict]:
    """The buyer's cart grouped by vendor, with each group's totals (PPN for PKP vendors)."""
    items = list(
        CartItem.objects.filter(user=user)
        .select_related("product", "product__vendor", "product__category")
        .order_by("product__vendor__business_name", "product__vendor_id", "id")
    )
    groups: OrderedDict[int, dict] = OrderedDict()
    for item in items:
        vendor = item.product.vendor
        groups.setdefault(vendor.pk, {"vendor": vendor, "items": []})["items"].append(item)
    for group in groups.values():
        totals = compute_totals(
            [(i.product.price, i.quantity) for i in group["items"]], ppn_rate=ppn_rate_for(group["vendor"])
        )
        for item, line_total in zip(group["items"], totals.line_totals, strict=True):
            item.line_total = line_total
        group["totals"] = totals
    return list(groups.values())


def rup_packages_for(opd, *, fiscal_year: int | None = None) -> QuerySet[RUPPackage]:
    qs = RUPPackage.objects.filter(opd=opd)
    if fiscal_year:
        qs = qs.filter(fiscal_year=fiscal_year)
    return qs.order_by("-fiscal_year", "kode_rup")


def unread_count(user) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def vendor_rating_summary(vendor: Vendor | int) -> dict:
    """Average score (one decimal) and number of ratings of a vendor."""
    vendor_id = getattr(vendor, "pk", vendor)
    agg = VendorRating.objects.filter(vendor_id=vendor_id).aggregate(avg=Avg("score"), count=Count("id"))
    avg = agg["avg"]
    return {
        "average": Decimal(str(round(avg, 1))) if avg is not None else None,
        "count": agg["count"],
    }
