"""What each kind of document is: its number, its template and what it must say.

A kind knows how to load the row it is issued for (``source_id``: the order for an SP, the
BAST, the payment) and turns it into the template's context and the ``facts`` shown on the
public verification page. Adding a kind (an order addendum) is one ``Kind`` in ``KINDS``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from catalog.money import format_rupiah
from procurement.models import Order, Payment, Receipt

from .models import DocumentKind


def _date(value) -> str:
    if value is None:
        return ""
    if hasattr(value, "hour"):
        value = timezone.localtime(value).date()
    return date_format(value, "j F Y")


def _parties(order: Order) -> list[list[str]]:
    # The verification page is public to whoever holds the code: it names the parties as open
    # data does (OPD, business and NIB), not the officials or the owner.
    return [
        [_("Pemesan (OPD)"), order.opd.name],
        [_("Penyedia"), f"{order.vendor.business_name} (NIB {order.vendor.nib})"],
    ]


def _masked(reference: str) -> str:
    """Enough of a transfer reference to match a bank statement, not to reuse it."""
    reference = reference.strip()
    return "…" + reference[-4:] if len(reference) > 4 else reference


@dataclass(frozen=True)
class Kind:
    key: str
    template: str
    # source id -> (order, source row); raises DoesNotExist for an unknown id.
    load: Callable[[int], tuple[Order, object]]
    number: Callable[[Order, object], str]
    context: Callable[[Order, object], dict]
    facts: Callable[[Order, object], dict]
    # Rows that should have a document, issued on or after ``since`` (the sweep's work list).
    issued_since: Callable[[object], QuerySet]


# --------------------------------------------------------------------------- Surat Pesanan


def _load_sp(source_id: int):
    order = Order.objects.select_related("opd", "vendor", "buyer", "rup_package").get(pk=source_id)
    return order, order


def _sp_context(order: Order, _source) -> dict:
    return {"order": order, "lines": list(order.lines.all())}


def _lines(order: Order) -> list[list[str]]:
    return [
        [
            line.product_name,
            str(line.quantity),
            line.unit,
            format_rupiah(line.unit_price),
            format_rupiah(line.line_total),
        ]
        for line in order.lines.all()
    ]


def _sp_facts(order: Order, _source) -> dict:
    rows = [
        [_("Tanggal"), _date(order.accepted_at)],
        [_("Nomor pesanan"), order.number],
        [_("Paket RUP"), f"{order.rup_package.kode_rup} – {order.rup_package.name}"],
        *_parties(order),
        [_("Dikirim paling lambat"), _date(order.needed_by)],
        [_("Subtotal"), format_rupiah(order.subtotal)],
        [_("PPN"), format_rupiah(order.ppn_amount)],
        [_("Total"), format_rupiah(order.total)],
    ]
    return {"title": _("Surat Pesanan"), "number": order.sp_number, "rows": rows, "lines": _lines(order)}


# --------------------------------------------------------------------------- BAST


def _load_bast(source_id: int):
    receipt = Receipt.objects.select_related(
        "order", "order__opd", "order__vendor", "order__buyer", "order__rup_package", "received_by"
    ).get(pk=source_id)
    return receipt.order, receipt


def _bast_rows(order: Order, receipt: Receipt):
    lines_by_id = {line.pk: line for line in order.lines.all()}
    return [(lines_by_id[rl.order_line_id], rl.quantity) for rl in receipt.lines.all()]


def _bast_context(order: Order, receipt: Receipt) -> dict:
    return {"order": order, "receipt": receipt, "rows": _bast_rows(order, receipt)}


def _bast_facts(order: Order, receipt: Receipt) -> dict:
    rows = [
        [_("Tanggal terima"), _date(receipt.received_on)],
        [_("Surat Pesanan"), order.sp_number],
        [_("Nomor pesanan"), order.number],
        *_parties(order),
    ]
    lines = [[line.product_name, str(qty), line.unit, "", ""] for line, qty in _bast_rows(order, receipt)]
    return {"title": _("Berita Acara Serah Terima"), "number": receipt.number, "rows": rows, "lines": lines}


# --------------------------------------------------------------------------- payment receipt


def payment_number(order: Order, payment: Payment) -> str:
    return f"BYR/{order.opd.code}/{order.fiscal_year}/{payment.pk:06d}"


def _load_payment(source_id: int):
    payment = Payment.objects.select_related(
        "order", "order__opd", "order__vendor", "order__buyer", "order__rup_package", "recorded_by"
    ).get(pk=source_id)
    return payment.order, payment


def _payment_context(order: Order, payment: Payment) -> dict:
    return {"order": order, "payment": payment, "number": payment_number(order, payment)}


def _payment_facts(order: Order, payment: Payment) -> dict:
    rows = [
        [_("Tanggal transfer"), _date(payment.paid_on)],
        [_("Surat Pesanan"), order.sp_number],
        [_("Nomor pesanan"), order.number],
        *_parties(order),
        [_("Jumlah dibayar"), format_rupiah(payment.amount)],
        [_("Nomor referensi transfer (akhir)"), _masked(payment.reference)],
    ]
    return {
        "title": _("Tanda Terima Pembayaran"),
        "number": payment_number(order, payment),
        "rows": rows,
        "lines": [],
    }


KINDS: dict[str, Kind] = {
    DocumentKind.SP: Kind(
        key=DocumentKind.SP,
        template="documents/pdf/sp.html",
        load=_load_sp,
        number=lambda order, _s: order.sp_number,
        context=_sp_context,
        facts=_sp_facts,
        issued_since=lambda since: Order.objects.exclude(sp_number="").filter(accepted_at__gte=since),
    ),
    DocumentKind.BAST: Kind(
        key=DocumentKind.BAST,
        template="documents/pdf/bast.html",
        load=_load_bast,
        number=lambda _o, receipt: receipt.number,
        context=_bast_context,
        facts=_bast_facts,
        issued_since=lambda since: Receipt.objects.filter(created_at__gte=since),
    ),
    DocumentKind.PAYMENT: Kind(
        key=DocumentKind.PAYMENT,
        template="documents/pdf/payment.html",
        load=_load_payment,
        number=payment_number,
        context=_payment_context,
        facts=_payment_facts,
        issued_since=lambda since: Payment.objects.filter(created_at__gte=since),
    ),
}


def sweep_start(days: int):
    return timezone.now() - timedelta(days=days)
