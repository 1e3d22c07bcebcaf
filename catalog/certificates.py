"""Vendor certificates that expire: reminders, products leaving the catalogue, badges.

* A vendor document with a validity date gets a reminder ``CERTIFICATE_REMINDER_DAYS``
  (30 and 7) calendar days before it expires.
* When it expires and the vendor has no other verified, valid document of that kind,
  the vendor's tayang products in categories that require that kind
  (``Category.required_documents``, inherited by sub-categories) leave the catalogue
  (status inactive, ``held_for_document``) until BPBJ verifies a renewed one
  (``catalog.services.verify_document``).
* Verified, valid certificates show as badges on the vendor's products and can be
  filtered on in the public catalogue.

Every automatic step is recorded (``VendorEvent``/``ProductEvent`` with no actor, the note
naming the rule ``certificate_expiry``) and claimed once in ``DeadlineNotice``.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from .models import Category, Product, ProductStatus, Vendor, VendorDocument, VendorEvent
from .page_cache import bump_catalog_version

RULE = "certificate_expiry"
# Kinds that are certificates of the product (badges, filters); "other" is not one.
BADGE_KINDS = (
    VendorDocument.Kind.HALAL,
    VendorDocument.Kind.PIRT,
    VendorDocument.Kind.SNI,
    VendorDocument.Kind.TKDN,
)


def required_kinds() -> dict[int, set[str]]:
    """Category id → document kinds its products need (its own and every ancestor's); one query."""
    rows = {
        pk: (parent, set(kinds or []))
        for pk, parent, kinds in Category.objects.values_list("id", "parent_id", "required_documents")
    }
    result: dict[int, set[str]] = {}
    for pk in rows:
        kinds, seen, node = set(), set(), pk
        while node is not None and node not in seen:
            seen.add(node)
            parent, own = rows.get(node, (None, set()))
            kinds |= own
            node = parent
        if kinds:
            result[pk] = kinds
    return result


def valid_documents(today: date | None = None):
    """Verified documents that have not expired on ``today``."""
    from django.db.models import Q

    today = today or timezone.localdate()
    return VendorDocument.objects.filter(verified_at__isnull=False).filter(
        Q(valid_until__isnull=True) | Q(valid_until__gte=today)
    )


def valid_kinds(vendor_id: int, today: date | None = None) -> set[str]:
    return set(valid_documents(today).filter(vendor_id=vendor_id).values_list("kind", flat=True))


def badges_for_vendors(vendor_ids, today: date | None = None) -> dict[int, list[str]]:
    """Vendor id → labels of its verified, valid certificates (one query for a whole page)."""
    labels = dict(VendorDocument.Kind.choices)
    result: dict[int, set[str]] = defaultdict(set)
    for vendor_id, kind in (
        valid_documents(today)
        .filter(vendor_id__in=set(vendor_ids), kind__in=BADGE_KINDS)
        .values_list("vendor_id", "kind")
    ):
        result[vendor_id].add(kind)
    return {vid: [str(labels[k]) for k in BADGE_KINDS if k in kinds] for vid, kinds in result.items()}


def _fmt(day: date) -> str:
    return formats.date_format(day, "j F Y")


def run_certificate_rule(*, today: date | None = None):
    """Reminders before expiry, and products off the catalogue after it; safe to run again."""
    from procurement.deadlines import RuleRun, claim
    from procurement.services import notify_users

    today = today or timezone.localdate()
    result = RuleRun(RULE)
    thresholds = sorted(set(settings.CERTIFICATE_REMINDER_DAYS))
    documents_url = reverse("catalog:vendor_documents")

    # Reminders: the tightest threshold reached, once per document and validity date.
    if thresholds:
        soon = VendorDocument.objects.filter(
            valid_until__gte=today, valid_until__lte=today.fromordinal(today.toordinal() + thresholds[-1])
        ).select_related("vendor__user")
        for doc in soon.order_by("valid_until", "id"):
            left = (doc.valid_until - today).days
            step = next(d for d in thresholds if left <= d)
            with transaction.atomic():
                if not claim(RULE, f"reminder_{step}", f"document:{doc.pk}", doc.valid_until.isoformat()):
                    continue
                message = _("%(kind)s Anda (%(num)s) berakhir %(d)s; unggah dokumen yang diperbarui.") % {
                    "kind": doc.get_kind_display(),
                    "num": doc.number or "-",
                    "d": _fmt(doc.valid_until),
                }
                VendorEvent.objects.create(
                    vendor=doc.vendor,
                    actor=None,
                    from_status=doc.vendor.status,
                    to_status=doc.vendor.status,
                    note=_("Sistem (%(rule)s): pengingat %(n)s hari. %(m)s")
                    % {"rule": RULE, "n": step, "m": message},
                )
                notify_users([doc.vendor.user], message, url=documents_url)
            result.reminded += 1

    # Expiry: products needing a kind the vendor no longer holds leave the catalogue.
    needs = required_kinds()
    categories_by_kind: dict[str, set[int]] = defaultdict(set)
    for category_id, kinds in needs.items():
        for kind in kinds:
            categories_by_kind[kind].add(category_id)
    expired = (
        VendorDocument.objects.filter(valid_until__lt=today)
        .select_related("vendor__user")
        .order_by("vendor_id", "kind", "-valid_until")
    )
    handled: set[tuple[int, str]] = set()
    for doc in expired:
        pair = (doc.vendor_id, doc.kind)
        if pair in handled:
            continue
        handled.add(pair)
        with transaction.atomic():
            vendor = Vendor.objects.select_for_update().get(pk=doc.vendor_id)
            if doc.kind in valid_kinds(vendor.pk, today):
                continue  # renewed and verified: nothing expired for the catalogue
            note = _(
                "Sistem (%(rule)s): %(kind)s berakhir %(d)s; produk diturunkan sampai dokumen baru diverifikasi."
            ) % {
                "rule": RULE,
                "kind": doc.get_kind_display(),
                "d": _fmt(doc.valid_until),
            }
            held = []
            if categories_by_kind.get(doc.kind):
                from .services import hold_products

                held = hold_products(
                    vendor=vendor, kind=doc.kind, category_ids=categories_by_kind[doc.kind], note=note
                )
            first_time = claim(RULE, "expired", f"document:{doc.pk}", doc.valid_until.isoformat())
            if first_time:  # its badge must leave cached catalogue pages now, not at the TTL
                bump_catalog_version()
            if first_time or held:
                VendorEvent.objects.create(
                    vendor=vendor,
                    actor=None,
                    from_status=vendor.status,
                    to_status=vendor.status,
                    note=note + (" " + _("%(n)s produk diturunkan.") % {"n": len(held)} if held else ""),
                )
                message = _("%(kind)s Anda berakhir %(d)s.") % {
                    "kind": doc.get_kind_display(),
                    "d": _fmt(doc.valid_until),
                }
                if held:
                    message += " " + _("%(n)s produk tidak tayang sampai dokumen baru diverifikasi BPBJ.") % {
                        "n": len(held)
                    }
                notify_users([doc.vendor.user], message, url=documents_url)
                result.acted += 1
    return result


def held_products(vendor: Vendor):
    return Product.objects.filter(vendor=vendor, status=ProductStatus.INACTIVE).exclude(held_for_document="")
