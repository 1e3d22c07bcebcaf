"""A realistic SIPD realisation file for the demo year.

Every OPD's catalogue payments appear in it (the finance system records them too), plus
off-book purchases: small ones for most OPDs, large ones for a few heavy leakers, some
paid to catalogue vendors directly (the red flag), some to persons (names never published).
"""

import csv
import io
import random
from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Sum

from catalog.models import Vendor
from catalog.money import to_rupiah
from procurement.models import OPD, PAID_STATUSES, Order, OrderLine

from .models import AccountCategoryMap
from .services import _bounds, mapped_ancestors

OUTSIDE_PAYEES = [
    ("CV Sumber Rejeki Malang", "013456789625000"),
    ("PT Sarana Kantor Nusantara", "027654321641000"),
    ("Toko Makmur Jaya Surabaya", "031122334609000"),
    ("UD Berkah Abadi", "029988776652000"),
    ("Percetakan Sinar Grafika Malang", "024455667625000"),
    ("Siti Aminah", ""),
    ("Bambang Sutrisno", ""),
]
HEAVY_LEAKERS = 3
UNMAPPED_CODE = "5.1.02.01.01.0099"  # Belanja lainnya: no catalogue category


def _round(value: float) -> Decimal:
    return Decimal(int(value / 1000) * 1000)


def realisation_rows(year: int, *, end: date, seed: int = 13) -> list[list[str]]:
    rng = random.Random(seed)
    opds = list(OPD.objects.filter(is_active=True).order_by("code"))
    codes = list(
        AccountCategoryMap.objects.order_by("account_code").values_list("account_code", "category_id")
    )
    if not opds or not codes:
        return []
    code_of = {}
    for code, category_id in codes:
        code_of.setdefault(category_id, code)
    vendors = list(Vendor.objects.exclude(npwp="").order_by("id").values_list("business_name", "npwp")[:40])
    rows = []
    days = (end - date(year, 1, 1)).days + 1

    def day():
        return (date(year, 1, 1) + timedelta(days=rng.randrange(days))).isoformat()

    # Every paid catalogue order is in SIPD too: its payment split over the accounts of its
    # lines' categories (PPN included), the parts adding up to the order's total.
    lo, hi = _bounds(date(year, 1, 1), end)
    ancestors = mapped_ancestors()
    parts = defaultdict(lambda: defaultdict(Decimal))
    for order_id, category_id, total in (
        OrderLine.objects.filter(
            order__status__in=PAID_STATUSES, order__paid_at__gte=lo, order__paid_at__lt=hi
        )
        .values("order_id", "category_id")
        .annotate(total=Sum("line_total"))
        .values_list("order_id", "category_id", "total")
    ):
        parts[order_id][code_of.get(ancestors.get(category_id), UNMAPPED_CODE)] += Decimal(total or 0)
    by_opd = {}
    for order in (
        Order.objects.filter(status__in=PAID_STATUSES, paid_at__gte=lo, paid_at__lt=hi)
        .select_related("vendor")
        .order_by("paid_at", "id")
    ):
        paid_on = order.paid_at.astimezone(lo.tzinfo).date().isoformat()
        split = sorted(parts.get(order.pk, {UNMAPPED_CODE: order.total}).items())
        left = order.total
        for i, (code, amount) in enumerate(split):
            share = left if i == len(split) - 1 else to_rupiah(amount * (1 + order.ppn_rate))
            left -= share
            if share > 0:
                by_opd.setdefault(order.opd_id, []).append(
                    [
                        code,
                        paid_on,
                        f"Pembayaran pesanan e-katalog {order.number}",
                        str(share),
                        order.vendor.business_name,
                        order.vendor.npwp,
                    ]
                )
    # The demo buyer's OPD stays among the careful ones (its page shows a small gap).
    careful = set(OPD.objects.filter(members__user__username="pembeli").values_list("id", flat=True))
    candidates = [opd for opd in opds if opd.pk not in careful]
    heavy = {opd.pk for opd in rng.sample(candidates, min(HEAVY_LEAKERS, len(candidates)))}
    for opd in opds:
        for code, paid_on, text, amount, name, npwp in by_opd.get(opd.pk, []):
            rows.append([opd.code, paid_on, code, text, amount, name, npwp])
        leak_factor = 1.0 if opd.pk in heavy else 0.08
        n_off = rng.randint(8, 20) if opd.pk in heavy else rng.randint(1, 4)
        for _i in range(n_off):
            code = rng.choice(codes)[0]
            payee, npwp = rng.choice(OUTSIDE_PAYEES)
            amount = _round(rng.uniform(5e6, 90e6) * leak_factor + 250_000)
            rows.append(
                [opd.code, day(), code, "Belanja langsung (bukan e-katalog)", str(amount), payee, npwp]
            )
        if opd.pk in heavy and vendors:
            name, npwp = vendors[rng.randrange(len(vendors))]
            amount = _round(rng.uniform(15e6, 40e6))
            rows.append(
                [opd.code, day(), codes[0][0], "Pembelian langsung ke penyedia", str(amount), name, npwp]
            )
    rows.sort(key=lambda r: (r[1], r[0]))
    return rows


def realisation_csv(year: int, *, end: date, seed: int = 13) -> bytes:
    from .importer import HEADERS

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADERS)
    writer.writerows(realisation_rows(year, end=end, seed=seed))
    return out.getvalue().encode("utf-8")
