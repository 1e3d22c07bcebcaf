"""The audit pack: one ZIP per order with everything a BPK/Inspektorat review of it needs.

* ``dokumen/``: every issued PDF, exactly the stored bytes (their SHA-256 in ``manifest.json``);
* ``pesanan.json``: the order, its lines, BASTs and payments;
* ``negosiasi.csv``: every offer and offer line of the negotiation;
* ``riwayat-harga.csv``: each product's catalogue price changes up to the order date;
* ``harga-referensi.csv``: the reference prices at the order date: each product's catalogue
  price then, the median of its category's products (same unit) then, and the last prices other
  OPDs agreed before it (the same references the buyer saw, ``procurement.price_reference``);
* ``jejak-audit.csv``: the order's audit trail.

Prices "at the order date" are rebuilt from the append-only price history: a product's price
then is the old price of its first change after that date, or its price today if none.
"""

from __future__ import annotations

import csv
import io
import json
import statistics
import zipfile
from collections import defaultdict
from datetime import datetime

from django.utils import timezone

from catalog.models import PriceHistory, Product
from catalog.money import to_rupiah
from procurement.models import AGREED_STATUSES, NegotiationOfferLine, Order, OrderLine
from procurement.price_reference import RECENT_PRICES

from .models import IssuedDocument


def order_date(order: Order) -> datetime:
    """The moment prices are judged at: the Surat Pesanan, else the checkout."""
    return order.accepted_at or order.created_at


def _csv(header: list[str], rows) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def _local(moment) -> str:
    return timezone.localtime(moment).isoformat(timespec="seconds") if moment else ""


def prices_at(product_ids, moment) -> dict[int, object]:
    """{product id: catalogue price at ``moment``}, from today's price and the history after it."""
    price = dict(Product.objects.filter(pk__in=product_ids).values_list("pk", "price"))
    later = PriceHistory.objects.filter(product_id__in=product_ids, changed_at__gt=moment).order_by(
        "product_id", "changed_at", "id"
    )
    seen = set()
    for change in later:
        if change.product_id not in seen:
            seen.add(change.product_id)
            price[change.product_id] = change.old_price
    return price


def reference_rows(order: Order, lines: list[OrderLine]) -> list[list]:
    moment = order_date(order)
    groups = {(line.category_id, line.unit.strip().lower()) for line in lines if line.category_id}
    medians = {}
    if groups:
        # Today's public products that existed then (a product withdrawn since is not known to have
        # been public at the time; the live reference at checkout uses public products too).
        peers = (
            Product.objects.public()
            .filter(category_id__in={c for c, _u in groups}, created_at__lte=moment)
            .values_list("pk", "category_id", "unit")
        )
        peers = [(pk, c, u.strip().lower()) for pk, c, u in peers if (c, u.strip().lower()) in groups]
        then = prices_at([pk for pk, _c, _u in peers], moment)
        by_group = defaultdict(list)
        for pk, c, u in peers:
            by_group[(c, u)].append(then[pk])
        medians = {key: (to_rupiah(statistics.median(v)), len(v)) for key, v in by_group.items()}
    product_ids = [line.product_id for line in lines if line.product_id]
    catalogue_then = prices_at(product_ids, moment)
    agreed = defaultdict(list)
    earlier = (
        OrderLine.objects.filter(
            product_id__in=product_ids, order__status__in=AGREED_STATUSES, order__accepted_at__lt=moment
        )
        .exclude(order_id=order.pk)
        .order_by("product_id", "-order__accepted_at", "-id")
        .values_list("product_id", "unit_price", "order__opd__name", "order__accepted_at")
    )
    for product_id, unit_price, opd_name, accepted_at in earlier:
        if len(agreed[product_id]) < RECENT_PRICES:
            agreed[product_id].append(
                f"{unit_price} ({opd_name}, {timezone.localtime(accepted_at):%Y-%m-%d})"
            )
    rows = []
    for line in lines:
        median, samples = medians.get((line.category_id, line.unit.strip().lower()), ("", 0))
        rows.append(
            [
                line.product_name,
                line.unit,
                line.unit_price,
                line.catalog_unit_price,
                catalogue_then.get(line.product_id, ""),
                median,
                samples,
                "; ".join(agreed.get(line.product_id, [])),
            ]
        )
    return rows


def build(order: Order) -> bytes:
    """The ZIP's bytes (orders are small: a few documents and a few hundred rows)."""
    order = Order.objects.select_related("opd", "vendor", "buyer", "rup_package").get(pk=order.pk)
    lines = list(order.lines.all())
    moment = order_date(order)
    documents = list(IssuedDocument.objects.filter(order=order).order_by("created_at", "id"))
    buffer = io.BytesIO()
    manifest = {
        "order": order.number,
        "sp_number": order.sp_number,
        "generated_at": _local(timezone.now()),
        "price_date": _local(moment),
        "documents": [],
    }
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as pack:
        for doc in documents:
            name = f"dokumen/{doc.kind}-{doc.number.replace('/', '-')}.pdf"
            try:
                with doc.file.open("rb") as handle:
                    pack.writestr(name, handle.read())
                present = True
            except FileNotFoundError:
                present = False
            manifest["documents"].append(
                {
                    "file": name if present else None,
                    "kind": doc.kind,
                    "number": doc.number,
                    "sha256": doc.sha256,
                    "code": doc.code,
                    "signed": doc.signed,
                    "issued_at": _local(doc.created_at),
                }
            )

        data = {
            "number": order.number,
            "sp_number": order.sp_number,
            "opd": order.opd.name,
            "vendor": {"name": order.vendor.business_name, "nib": order.vendor.nib},
            "rup_package": {"kode_rup": order.rup_package.kode_rup, "name": order.rup_package.name},
            "status": order.status,
            "subtotal": str(order.subtotal),
            "ppn": str(order.ppn_amount),
            "total": str(order.total),
            "created_at": _local(order.created_at),
            "accepted_at": _local(order.accepted_at),
            "lines": [
                {
                    "product": line.product_name,
                    "unit": line.unit,
                    "catalog_unit_price": str(line.catalog_unit_price),
                    "unit_price": str(line.unit_price),
                    "quantity": line.quantity,
                    "received_quantity": line.received_quantity,
                    "line_total": str(line.line_total),
                }
                for line in lines
            ],
            "receipts": [
                {
                    "number": r.number,
                    "received_on": r.received_on.isoformat(),
                    "lines": [
                        {"order_line": rl.order_line_id, "quantity": rl.quantity} for rl in r.lines.all()
                    ],
                }
                for r in order.receipts.prefetch_related("lines")
            ],
            "payments": [
                {"amount": str(p.amount), "paid_on": p.paid_on.isoformat(), "reference": p.reference}
                for p in order.payments.all()
            ],
        }
        pack.writestr("pesanan.json", json.dumps(data, ensure_ascii=False, indent=2))

        offer_lines = NegotiationOfferLine.objects.filter(offer__order=order).select_related(
            "offer", "offer__actor", "order_line"
        )
        by_offer = defaultdict(list)
        for ol in offer_lines:
            by_offer[ol.offer_id].append(ol)
        rows = []
        for offer in order.offers.select_related("actor").order_by("created_at", "id"):
            base = [_local(offer.created_at), offer.round, offer.action, offer.actor_role, str(offer.actor)]
            base += [offer.proposed_total or "", offer.note]
            if not by_offer[offer.pk]:
                rows.append([*base, "", "", ""])
            for ol in by_offer[offer.pk]:
                rows.append([*base, ol.order_line.product_name, ol.unit_price, ol.quantity])
        pack.writestr(
            "negosiasi.csv",
            _csv(
                [
                    "waktu",
                    "putaran",
                    "tindakan",
                    "peran",
                    "oleh",
                    "total_usulan",
                    "catatan",
                    "produk",
                    "harga_satuan",
                    "jumlah",
                ],
                rows,
            ),
        )

        product_ids = [line.product_id for line in lines if line.product_id]
        history = (
            PriceHistory.objects.filter(product_id__in=product_ids, changed_at__lte=moment)
            .select_related("product")
            .order_by("product_id", "changed_at", "id")
        )
        pack.writestr(
            "riwayat-harga.csv",
            _csv(
                ["produk", "waktu", "harga_lama", "harga_baru"],
                ([h.product.name, _local(h.changed_at), h.old_price, h.new_price] for h in history),
            ),
        )
        pack.writestr(
            "harga-referensi.csv",
            _csv(
                [
                    "produk",
                    "satuan",
                    "harga_satuan_pesanan",
                    "harga_katalog_saat_checkout",
                    "harga_katalog_pada_tanggal_pesanan",
                    "median_kategori_pada_tanggal_pesanan",
                    "jumlah_pembanding",
                    "harga_disepakati_opd_lain_sebelumnya",
                ],
                reference_rows(order, lines),
            ),
        )
        events = order.events.select_related("actor").order_by("created_at", "id")
        pack.writestr(
            "jejak-audit.csv",
            _csv(
                ["waktu", "peran", "oleh", "dari", "ke", "aturan", "catatan"],
                (
                    [
                        _local(e.created_at),
                        e.actor_role,
                        str(e.actor or ""),
                        e.from_status,
                        e.to_status,
                        e.rule,
                        e.note,
                    ]
                    for e in events
                ),
            ),
        )
        pack.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=2))
    return buffer.getvalue()


def file_name(order: Order) -> str:
    return "paket-audit-" + "".join(ch if ch.isalnum() else "-" for ch in order.number) + ".zip"
