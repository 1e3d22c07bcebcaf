"""Orders as Open Contracting Data Standard (OCDS 1.1) releases and records.

Nothing is stored: every release is rebuilt, deterministically, from the order,
its lines, BASTs, payments and audit trail. Each milestone of an order is one
release with a stable id, so a release reads the same every time it is served:

============================  ==================================================
milestone (release id suffix)  tags
============================  ==================================================
``tender``  (sent_at)          tender (status active)
``award``   (accepted_at)      tenderUpdate, award, contract (SP issued)
``bast-<id>`` (each BAST)      implementation (milestone per BAST)
``payment-<id>`` (each payment) implementation (transaction per payment)
``addendum-<id>`` (accepted)    contractAmendment (contract.amendments; value after it)
``completed`` (completed_at)   implementation, contractTermination
``rejected`` / ``cancelled``   tenderCancellation (before acceptance) or
                               awardCancellation + contractTermination (after)
============================  ==================================================

The first milestone is tagged ``tender`` because the order reaches the vendor
(and the public) when it is sent; acceptance therefore updates that tender
(``tenderUpdate``) and adds the award and contract.

Extensions: the vendor's scale is published twice in ``parties/details``: as ``scale`` with
the codes of the Open Contracting Partnership's Organization scale extension (micro, small,
medium, large), so it reads the same as any other publisher's, and as ``skalaUsaha`` with the
Indonesian codes, next to the ``umk`` and ``local`` flags, in this project's own extension
(``opendata/ocds_extension/``, served under ``/data/ocds/ekstensi/``). Packages declare both.

Privacy: the vendor appears by business name, NIB and kecamatan only: never
the owner's name, street address, phone, email, NPWP or bank account. Payment
references and BAST notes (free text typed by officials) are left out. Names
of officials appear only when ``settings.OCDS_PUBLISH_OFFICIAL_NAMES`` is on.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Prefetch, Q, QuerySet

from catalog.models import BusinessScale
from catalog.money import format_rupiah, to_rupiah
from procurement.models import (
    AGREED_STATUSES,
    Addendum,
    AddendumStatus,
    Order,
    OrderEvent,
    OrderLine,
    OrderStatus,
    Payment,
    Receipt,
)

OCDS_VERSION = "1.1"
CURRENCY = "IDR"
JAKARTA = ZoneInfo("Asia/Jakarta")
PROCUREMENT_METHOD_DETAILS = "e-purchasing katalog lokal"
CATEGORY_SCHEME = "x_KATEGORI_KATALOG_LOKAL"
OPD_SCHEME = "x_KODE_OPD"
NIB_SCHEME = "x_NIB_OSS"
DEFAULT_LICENSE = "https://creativecommons.org/licenses/by/4.0/"
PARTY_SCALE_EXTENSION = "https://raw.githubusercontent.com/open-contracting-extensions/ocds_partyScale_extension/v1.1.5/extension.json"
EXTENSION_DIR = Path(__file__).resolve().parent / "ocds_extension"

# Our scale (UU 20/2008, PP 7/2021) in the Organization scale extension's closed codelist.
PARTY_SCALE = {
    BusinessScale.MIKRO: "micro",
    BusinessScale.KECIL: "small",
    BusinessScale.MENENGAH: "medium",
    BusinessScale.BESAR: "large",
}

# Orders that never reached the vendor are internal drafts: never published.
UNPUBLISHED_STATUSES = (OrderStatus.DRAFT, OrderStatus.PENDING_APPROVAL)
_NON_ALNUM = re.compile(r"[^A-Za-z0-9]+")


# --- Which orders, and how to find one by ocid ------------------------------------------


def published_orders() -> QuerySet[Order]:
    """Orders the public may see as OCDS: sent to the vendor at some point."""
    return Order.objects.filter(sent_at__isnull=False).exclude(status__in=UNPUBLISHED_STATUSES)


def with_ocds_relations(queryset: QuerySet[Order]) -> QuerySet[Order]:
    """Everything a release needs, in a fixed number of queries whatever the number of orders."""
    return queryset.select_related(
        "opd", "vendor", "vendor__kecamatan", "rup_package", "buyer", "approved_by"
    ).prefetch_related(
        Prefetch("lines", queryset=OrderLine.objects.select_related("category").order_by("id")),
        Prefetch("receipts", queryset=Receipt.objects.order_by("created_at", "id")),
        Prefetch("payments", queryset=Payment.objects.order_by("created_at", "id")),
        Prefetch(
            "addenda",
            queryset=Addendum.objects.filter(status=AddendumStatus.ACCEPTED).order_by("sequence"),
            to_attr="accepted_addenda",
        ),
        Prefetch("events", queryset=OrderEvent.objects.order_by("created_at", "id")),
    )


def ocid_for(order: Order) -> str:
    """``{OCDS_OCID_PREFIX}-{order number}``, the number reduced to letters, digits and dashes."""
    return f"{settings.OCDS_OCID_PREFIX}-{_slug_number(order.number)}"


def _slug_number(number: str) -> str:
    return _NON_ALNUM.sub("-", number).strip("-")


def find_published_order(ocid: str) -> Order | None:
    """The published order behind an ocid, or None (unknown, malformed or unpublished)."""
    prefix = f"{settings.OCDS_OCID_PREFIX}-"
    if not ocid.startswith(prefix):
        return None
    suffix = ocid[len(prefix) :]
    if not suffix or _NON_ALNUM.search(suffix.replace("-", "")):
        return None
    base = with_ocds_relations(published_orders())
    order = base.filter(number=suffix).first()
    if order is not None:
        return order
    # Numbers with slashes or dots ("SP/2025/001") appear with dashes in the ocid.
    pattern = "^" + "[^A-Za-z0-9]+".join(re.escape(part) for part in suffix.split("-")) + "$"
    for candidate in base.filter(number__regex=pattern).order_by("id")[:5]:
        if ocid_for(candidate) == ocid:
            return candidate
    return None


def filter_orders(
    queryset: QuerySet[Order],
    *,
    date_from: date | None = None,
    date_to: date | None = None,
    opd_code: str = "",
    fiscal_year: int | None = None,
) -> QuerySet[Order]:
    """The list filters: date the order was sent (Asia/Jakarta), OPD code, fiscal year."""
    q = Q()
    if date_from:
        q &= Q(sent_at__date__gte=date_from)
    if date_to:
        q &= Q(sent_at__date__lte=date_to)
    if opd_code:
        q &= Q(opd__code=opd_code)
    if fiscal_year:
        q &= Q(fiscal_year=fiscal_year)
    return queryset.filter(q)


# --- Small formatters -------------------------------------------------------------------


def iso(value: datetime | date) -> str:
    """ISO 8601 with the Asia/Jakarta offset; a bare date is midnight in Jakarta."""
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=JAKARTA)
        return value.astimezone(JAKARTA).isoformat(timespec="seconds")
    return datetime.combine(value, time(0, 0), tzinfo=JAKARTA).isoformat(timespec="seconds")


def _end_of_day(value: date) -> str:
    return datetime.combine(value, time(23, 59, 59), tzinfo=JAKARTA).isoformat(timespec="seconds")


def money(amount) -> dict:
    """OCDS Value: whole Rupiah as a JSON number."""
    return {"amount": int(to_rupiah(amount)), "currency": CURRENCY}


# --- Parties ----------------------------------------------------------------------------


def _opd_party_id(order: Order) -> str:
    return f"opd-{order.opd.code}"


def _vendor_party_id(order: Order) -> str:
    return f"penyedia-{order.vendor.nib}"


def _opd_ref(order: Order) -> dict:
    return {"id": _opd_party_id(order), "name": order.opd.name}


def _vendor_ref(order: Order) -> dict:
    return {"id": _vendor_party_id(order), "name": order.vendor.business_name}


def _official_name(user) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.username


def _parties(order: Order, *, awarded: bool, paid: bool) -> list[dict]:
    opd, vendor = order.opd, order.vendor
    opd_roles = ["buyer", "procuringEntity"] + (["payer"] if paid else [])
    opd_party = {
        "id": _opd_party_id(order),
        "name": opd.name,
        "identifier": {"scheme": OPD_SCHEME, "id": opd.code, "legalName": opd.name},
        "address": {"locality": settings.CITY_NAME, "countryName": "Indonesia"},
        "roles": opd_roles,
    }
    if opd.address:
        opd_party["address"]["streetAddress"] = opd.address
    if settings.OCDS_PUBLISH_OFFICIAL_NAMES:
        # The official (PP/PPK) who placed the order; published only when the city decides so.
        opd_party["contactPoint"] = {"name": _official_name(order.buyer)}
    vendor_roles = ["tenderer"] + (["supplier"] if awarded else []) + (["payee"] if paid else [])
    vendor_party = {
        "id": _vendor_party_id(order),
        "name": vendor.business_name,
        "identifier": {"scheme": NIB_SCHEME, "id": vendor.nib, "legalName": vendor.business_name},
        # District only: a micro business's street address is often the owner's home.
        "address": {
            "locality": vendor.kecamatan.name,
            "region": settings.CITY_NAME,
            "countryName": "Indonesia",
        },
        "roles": vendor_roles,
        "details": {
            "scale": PARTY_SCALE[vendor.scale],
            "skalaUsaha": vendor.scale,
            "umk": vendor.is_umk,
            "local": vendor.is_local,
        },
    }
    return [opd_party, vendor_party]


# --- Items ------------------------------------------------------------------------------


def _items(order: Order, *, agreed: bool) -> list[dict]:
    """Order lines as OCDS items: catalogue prices in the tender, agreed prices after acceptance."""
    items = []
    for line in order.lines.all():
        price = line.unit_price if agreed else line.catalog_unit_price
        item = {
            "id": str(line.pk),
            "description": line.product_name,
            "quantity": line.quantity,
            "unit": {"name": line.unit, "value": money(price)},
        }
        if line.category is not None:
            item["classification"] = {
                "scheme": CATEGORY_SCHEME,
                "id": line.category.slug,
                "description": line.category.name,
            }
        items.append(item)
    return items


def _tender_value(order: Order) -> Decimal:
    subtotal = sum((line.catalog_unit_price * line.quantity for line in order.lines.all()), Decimal(0))
    return to_rupiah(subtotal * (1 + (order.ppn_rate or 0)))


# --- Milestones -------------------------------------------------------------------------


@dataclass(frozen=True)
class Milestone:
    key: str
    when: datetime
    tags: tuple[str, ...]
    seq: int
    receipt_id: int | None = None
    payment_id: int | None = None
    addendum_id: int | None = None


def _event_time(order: Order, status: str) -> datetime | None:
    for event in order.events.all():
        if event.to_status == status:
            return event.created_at
    return None


def _when(order: Order, field: str, status: str) -> datetime:
    """The timestamp of a step: the order's field, else the audit trail, else the last change."""
    return getattr(order, field) or _event_time(order, status) or order.updated_at


def _accepted_addenda(order: Order) -> list[Addendum]:
    if hasattr(order, "accepted_addenda"):
        return order.accepted_addenda
    return list(order.addenda.filter(status=AddendumStatus.ACCEPTED).order_by("sequence"))


def milestones(order: Order) -> list[Milestone]:
    """The order's published milestones, oldest first (empty for an unpublished order)."""
    if order.status in UNPUBLISHED_STATUSES or order.sent_at is None:
        return []
    result = [Milestone("tender", order.sent_at, ("tender",), 0)]
    accepted = order.status in AGREED_STATUSES or (
        order.status == OrderStatus.CANCELLED
        and (order.accepted_at is not None or _event_time(order, OrderStatus.ACCEPTED) is not None)
    )
    if accepted:
        when = _when(order, "accepted_at", OrderStatus.ACCEPTED)
        result.append(Milestone("award", when, ("tenderUpdate", "award", "contract"), 1))
        for receipt in order.receipts.all():
            result.append(
                Milestone(
                    f"bast-{receipt.pk}", receipt.created_at, ("implementation",), 2, receipt_id=receipt.pk
                )
            )
        for addendum in _accepted_addenda(order):
            result.append(
                Milestone(
                    f"addendum-{addendum.pk}",
                    addendum.accepted_at,
                    ("contractAmendment",),
                    2,
                    addendum_id=addendum.pk,
                )
            )
        for payment in order.payments.all():
            result.append(
                Milestone(
                    f"payment-{payment.pk}", payment.created_at, ("implementation",), 3, payment_id=payment.pk
                )
            )
    if order.status == OrderStatus.COMPLETED:
        when = _when(order, "completed_at", OrderStatus.COMPLETED)
        result.append(Milestone("completed", when, ("implementation", "contractTermination"), 4))
    if order.status in (OrderStatus.CANCELLED, OrderStatus.REJECTED):
        when = _when(order, "cancelled_at", order.status)
        tags = ("awardCancellation", "contractTermination") if accepted else ("tenderCancellation",)
        result.append(Milestone(order.status, when, tags, 5))
    # Logical order first; a step recorded with an earlier clock than the step before it
    # takes that step's time, so releases are in date order and in process order.
    ordered, latest = [], None
    for step in sorted(result, key=lambda m: (m.seq, m.when)):
        if latest is not None and step.when < latest:
            step = replace(step, when=latest)
        latest = step.when
        ordered.append(step)
    return ordered


# --- Releases ---------------------------------------------------------------------------


def release(order: Order, milestone: Milestone, all_milestones: list[Milestone]) -> dict:
    """One OCDS release: the state of the order as of ``milestone``."""
    ocid = ocid_for(order)
    position = all_milestones.index(milestone)
    seen = all_milestones[: position + 1]
    receipt_ids = {m.receipt_id for m in seen if m.receipt_id}
    payment_ids = {m.payment_id for m in seen if m.payment_id}
    # Each amendment names the release it changed: the one just before it.
    amends = {
        m.addendum_id: f"{ocid}-{all_milestones[i - 1].key}"
        for i, m in enumerate(all_milestones)
        if m.addendum_id
    }
    addendum_ids = [m.addendum_id for m in seen if m.addendum_id]
    awarded = any(m.key == "award" for m in seen)
    final = milestone.key in ("completed", OrderStatus.CANCELLED, OrderStatus.REJECTED)

    if milestone.key == OrderStatus.REJECTED:
        tender_status = "unsuccessful"
    elif milestone.key == OrderStatus.CANCELLED and not awarded:
        tender_status = "cancelled"
    elif awarded:
        tender_status = "complete"
    else:
        tender_status = "active"

    rup = order.rup_package
    data: dict = {
        "ocid": ocid,
        "id": f"{ocid}-{milestone.key}",
        "date": iso(milestone.when),
        "tag": list(milestone.tags),
        "initiationType": "tender",
        "language": "id",
        "parties": _parties(order, awarded=awarded, paid=bool(payment_ids)),
        "buyer": _opd_ref(order),
        "planning": {
            "budget": {
                "id": rup.kode_rup,
                "description": f"{rup.name} ({rup.get_funding_source_display()} {rup.fiscal_year})",
                "amount": money(rup.pagu),
            }
        },
        "tender": {
            "id": order.number,
            "title": f"Pesanan {order.number}",
            "description": rup.name,
            "status": tender_status,
            "procuringEntity": _opd_ref(order),
            "items": _items(order, agreed=False),
            "value": money(_tender_value(order)),
            "procurementMethod": "limited",
            "procurementMethodDetails": PROCUREMENT_METHOD_DETAILS,
            "mainProcurementCategory": "goods",
            "tenderPeriod": {"startDate": iso(order.sent_at)},
            "numberOfTenderers": 1,
            "tenderers": [_vendor_ref(order)],
        },
    }
    if not awarded and final and order.reason:
        data["tender"]["description"] = f"{rup.name}. Alasan: {order.reason}"
    if awarded:
        data.update(
            _award_and_contract(
                order,
                milestone,
                receipt_ids,
                payment_ids,
                final=final,
                addendum_ids=addendum_ids,
                amends=amends,
            )
        )
    return data


def _award_and_contract(
    order, milestone, receipt_ids, payment_ids, *, final: bool, addendum_ids=(), amends=None
) -> dict:
    ocid = ocid_for(order)
    accepted_at = _when(order, "accepted_at", OrderStatus.ACCEPTED)
    cancelled = milestone.key == OrderStatus.CANCELLED
    award = {
        "id": f"{ocid}-award",
        "title": f"Pesanan {order.number} kepada {order.vendor.business_name}",
        "status": "cancelled" if cancelled else "active",
        "date": iso(accepted_at),
        "value": money(order.total),
        "suppliers": [_vendor_ref(order)],
        "items": _items(order, agreed=True),
    }
    if cancelled and order.reason:
        award["description"] = f"Dibatalkan: {order.reason}"
    contract = {
        "id": f"{ocid}-contract",
        "awardID": award["id"],
        "title": f"Surat Pesanan {order.sp_number}" if order.sp_number else f"Surat Pesanan {order.number}",
        "description": PROCUREMENT_METHOD_DETAILS,
        "status": "terminated" if final else "active",
        "period": {"startDate": iso(accepted_at), "endDate": _end_of_day(order.needed_by)},
        "value": money(order.total),
        "items": _items(order, agreed=True),
        "dateSigned": iso(accepted_at),
    }
    addenda = _accepted_addenda(order)
    if addenda:
        # The contract's value as of this release: before any addendum, or after the last one seen.
        seen = [a for a in addenda if a.pk in addendum_ids]
        contract["value"] = money(seen[-1].new_total if seen else addenda[0].old_total)
        award["value"] = contract["value"]
    if addendum_ids:
        contract["amendments"] = [
            {
                "id": a.number,
                "date": iso(a.accepted_at),
                "rationale": a.reason,
                "description": (
                    f"Adendum {a.number}: nilai {format_rupiah(a.old_total)} menjadi {format_rupiah(a.new_total)}; "
                    f"dibutuhkan {a.new_needed_by:%d-%m-%Y}."
                ),
                "amendsReleaseID": (amends or {}).get(a.pk, ""),
                "releaseID": f"{ocid_for(order)}-addendum-{a.pk}",
            }
            for a in addenda
            if a.pk in addendum_ids
        ]
    implementation: dict = {}
    receipts = [r for r in order.receipts.all() if r.pk in receipt_ids]
    if receipts:
        implementation["milestones"] = [
            {
                "id": f"bast-{r.pk}",
                "title": f"BAST {r.number}",
                "type": "delivery",
                "status": "met",
                "dateMet": iso(r.received_on),
            }
            for r in receipts
        ]
    payments = [p for p in order.payments.all() if p.pk in payment_ids]
    if payments:
        implementation["transactions"] = [
            {
                "id": f"payment-{p.pk}",
                "date": iso(p.paid_on),
                "value": money(p.amount),
                "payer": _opd_ref(order),
                "payee": _vendor_ref(order),
            }
            for p in payments
        ]
    if implementation:
        contract["implementation"] = implementation
    return {"awards": [award], "contracts": [contract]}


def releases_for(order: Order) -> list[dict]:
    """All releases of an order, oldest first ([] when the order is not published)."""
    steps = milestones(order)
    return [release(order, step, steps) for step in steps]


# --- Records and merging ----------------------------------------------------------------

OMIT_WHEN_MERGED = {"id", "date", "tag"}


def _merge(target, source):
    """OCDS merge: objects recursively, arrays of objects by their ``id``, everything else replaced."""
    if isinstance(target, dict) and isinstance(source, dict):
        merged = dict(target)
        for key, value in source.items():
            if value is None:
                merged.pop(key, None)
            elif key in merged:
                merged[key] = _merge(merged[key], value)
            else:
                merged[key] = value
        return merged
    if (
        isinstance(target, list)
        and isinstance(source, list)
        and source
        and all(isinstance(x, dict) and "id" in x for x in source)
        and all(isinstance(x, dict) and "id" in x for x in target)
    ):
        merged_list = list(target)
        index = {item["id"]: i for i, item in enumerate(merged_list)}
        for item in source:
            if item["id"] in index:
                merged_list[index[item["id"]]] = _merge(merged_list[index[item["id"]]], item)
            else:
                index[item["id"]] = len(merged_list)
                merged_list.append(item)
        return merged_list
    return source


def compile_releases(releases: list[dict]) -> dict:
    """The compiled release: the current state of every field (simple OCDS merge)."""
    compiled: dict = {}
    for item in releases:
        body = {k: v for k, v in item.items() if k not in OMIT_WHEN_MERGED}
        compiled = _merge(compiled, body)
    last = releases[-1]
    return {
        "ocid": last["ocid"],
        "id": f"{last['ocid']}-{last['date']}",
        "date": last["date"],
        "tag": ["compiled"],
        **{k: v for k, v in compiled.items() if k != "ocid"},
    }


def record_for(order: Order) -> dict | None:
    releases = releases_for(order)
    if not releases:
        return None
    return {"ocid": releases[0]["ocid"], "releases": releases, "compiledRelease": compile_releases(releases)}


# --- Packages ---------------------------------------------------------------------------


def publisher() -> dict:
    """The publisher: its name, and its organisation identifier when the city has configured one."""
    data = {"name": settings.OCDS_PUBLISHER_NAME}
    for key, setting in (
        ("scheme", "OCDS_PUBLISHER_SCHEME"),
        ("uid", "OCDS_PUBLISHER_UID"),
        ("uri", "OCDS_PUBLISHER_URI"),
    ):
        value = getattr(settings, setting, "")
        if value:
            data[key] = value
    return data


def extensions(own_extension_url: str) -> list[str]:
    """The extensions our releases use: Organization scale, and ours at ``own_extension_url``."""
    return [PARTY_SCALE_EXTENSION, own_extension_url]


def _package_meta(uri: str, published: str, publication_policy: str = "", extension_urls=None) -> dict:
    meta = {
        "uri": uri,
        "version": OCDS_VERSION,
        "extensions": list(extension_urls or []),
        "publishedDate": published,
        "publisher": publisher(),
        "license": getattr(settings, "OCDS_LICENSE", DEFAULT_LICENSE),
    }
    if not meta["extensions"]:
        del meta["extensions"]
    if publication_policy:
        meta["publicationPolicy"] = publication_policy
    return meta


def _latest(dates: Iterable[str]) -> str:
    # Comparing as datetimes: every date carries the same +07:00 offset, but be safe.
    values = [datetime.fromisoformat(d) for d in dates]
    return iso(max(values)) if values else iso(datetime.now(tz=JAKARTA).replace(microsecond=0))


def release_package(
    releases: list[dict], *, uri: str, publication_policy: str = "", extension_urls: list[str] | None = None
) -> dict:
    package = _package_meta(uri, _latest(r["date"] for r in releases), publication_policy, extension_urls)
    package["releases"] = releases
    return package


def record_package(
    records: list[dict],
    *,
    uri: str,
    publication_policy: str = "",
    links: dict | None = None,
    extension_urls: list[str] | None = None,
) -> dict:
    package = _package_meta(
        uri, _latest(r["compiledRelease"]["date"] for r in records), publication_policy, extension_urls
    )
    if links:
        package["links"] = links
    package["records"] = records
    return package
