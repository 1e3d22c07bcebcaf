"""Red flags for BPBJ: risky buying patterns computed per period.

One function per rule; each returns ``Hit`` objects naming the orders behind
the flag. The database does the grouping and summing; Python only walks the
grouped rows (windows, medians, shares). The page, the admin and the
``compute_red_flags`` command all call ``compute_red_flags`` / ``store_red_flags``.

Period: orders of fiscal year ``year`` sent to the vendor in the chosen month
or quarter (Asia/Jakarta). Year-end bunching always looks at the whole year and
is computed only for the whole year, Q4 or December.

Choices (documented in docs/API.md as well):

- split orders: same OPD, vendor and category (an order with lines in two
  categories is checked in both); each order's total is below the OPD's
  approval threshold (``OPD.approval_threshold``, else the default in the
  settings) and, within ``split_window_days``, at least two of them together
  reach ``split_threshold_ratio`` × that threshold. Overlapping windows merge
  into one flag. Orders sent, in negotiation or agreed count; rejected and
  cancelled ones do not.
- price above median: the median is taken over the *public catalogue* (tayang
  products of verified vendors) in the same category and the same unit
  (case-insensitive), and only when at least ``price_min_sample`` products
  exist; order-line prices would compare an order with itself when few exist.
- spending rules (concentration, bunching, late payment) use agreed orders
  (accepted up to completed) and their totals; bunching dates an order by its
  acceptance (Surat Pesanan), late payment measures from the complete BAST
  (``received_at``) to ``paid_at``, or to today for orders still unpaid.
- price raised before an order: for each line of an order sent, in negotiation
  or agreed, the product's ``PriceHistory`` changes in the ``price_raise_days``
  before the order was sent; the raise is the last new price against the old
  price of the first change in that window (a raise undone before the order
  does not count).
- ordered right after publishing: lines of orders sent, in negotiation or
  agreed whose product was first published (its first curation event to
  "tayang", else ``published_at``) at most ``publish_order_days`` calendar days
  (Asia/Jakarta) before the order was sent; one flag per product and OPD.
- catalogue vendor paid outside the catalogue: from the realised spending BPBJ imports
  from the finance system (SIPD), per OPD and vendor (payee NPWP equal to the vendor's),
  what the OPD paid the vendor in the period minus what it paid the vendor through the
  catalogue (orders paid in the period), when above zero: a vendor the OPD could have
  ordered from in the catalogue was paid off-book. The order list is empty (there is no
  catalogue order behind it).
- buyer–vendor pair: among an OPD's agreed orders of the period, the orders
  one buyer (the user who created them) placed with one vendor, when there are
  at least ``pair_min_orders`` of them and they hold at least ``pair_share`` %
  of the OPD's orders by count or by value.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import Count, DecimalField, F, Min, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.models import User
from catalog.models import Category, PriceHistory, Product, ProductStatus, Vendor
from catalog.money import format_rupiah, to_rupiah
from procurement.models import AGREED_STATUSES, OPD, Order, OrderLine, OrderStatus

from .models import RedFlag, RedFlagKind, RedFlagSettings

SPLIT_STATUSES = (OrderStatus.SENT, OrderStatus.NEGOTIATING, *AGREED_STATUSES)
QUARTER_MONTHS = {1: (1, 2, 3), 2: (4, 5, 6), 3: (7, 8, 9), 4: (10, 11, 12)}


@dataclass(frozen=True)
class Period:
    """A fiscal year, optionally narrowed to a month or a quarter."""

    year: int
    month: int | None = None
    quarter: int | None = None

    def __post_init__(self):
        if self.month is not None and self.quarter is not None:
            raise ValueError("month and quarter are exclusive")
        if self.month is not None and not 1 <= self.month <= 12:
            raise ValueError("month must be 1..12")
        if self.quarter is not None and not 1 <= self.quarter <= 4:
            raise ValueError("quarter must be 1..4")

    @property
    def code(self) -> str:
        if self.month:
            return f"M{self.month:02d}"
        if self.quarter:
            return f"Q{self.quarter}"
        return ""

    @property
    def months(self) -> tuple[int, ...] | None:
        if self.month:
            return (self.month,)
        if self.quarter:
            return QUARTER_MONTHS[self.quarter]
        return None

    @property
    def includes_year_end(self) -> bool:
        return self.months is None or 12 in self.months


@dataclass
class Hit:
    """One red flag before it is stored or shown."""

    kind: str
    opd_id: int
    summary: str
    order_ids: list[int]
    vendor_id: int | None = None
    category_id: int | None = None
    metric: Decimal = Decimal(0)
    threshold: Decimal = Decimal(0)
    amount: Decimal = Decimal(0)
    # Filled by ``hydrate`` for display.
    opd: OPD | None = None
    vendor: Vendor | None = None
    category: Category | None = None
    orders: list[Order] = field(default_factory=list)

    def get_kind_display(self) -> str:
        return str(RedFlagKind(self.kind).label)


def _orders_in(period: Period, statuses: Iterable[str]) -> QuerySet[Order]:
    qs = Order.objects.filter(fiscal_year=period.year, status__in=list(statuses))
    if period.months:
        qs = qs.filter(sent_at__month__in=period.months)
    return qs


def _ratio(part: Decimal, whole: Decimal) -> Decimal:
    return (Decimal(part) / Decimal(whole)).quantize(Decimal("0.0001")) if whole else Decimal(0)


def _percent(part, whole) -> Decimal:
    return (_ratio(part, whole) * 100).quantize(Decimal("0.01"))


# --- (a) split orders -------------------------------------------------------------------


def split_orders(period: Period, cfg: RedFlagSettings) -> list[Hit]:
    limit = Coalesce(
        "order__opd__approval_threshold",
        Value(cfg.default_approval_threshold),
        output_field=DecimalField(max_digits=18, decimal_places=0),
    )
    rows = (
        OrderLine.objects.filter(order__in=_orders_in(period, SPLIT_STATUSES), category__isnull=False)
        .annotate(limit=limit)
        .filter(order__total__lt=F("limit"))
        .order_by()
        .values_list(
            "order_id",
            "order__opd_id",
            "order__vendor_id",
            "category_id",
            "order__total",
            "order__sent_at",
            "limit",
        )
        .distinct()
    )
    groups: dict[tuple[int, int, int], dict[int, tuple[datetime, Decimal]]] = defaultdict(dict)
    limits: dict[int, Decimal] = {}
    for order_id, opd_id, vendor_id, category_id, total, sent_at, opd_limit in rows:
        groups[(opd_id, vendor_id, category_id)][order_id] = (sent_at, Decimal(total))
        limits[opd_id] = Decimal(opd_limit)

    window = timedelta(days=cfg.split_window_days)
    hits = []
    for (opd_id, vendor_id, category_id), orders in groups.items():
        if len(orders) < 2:
            continue
        threshold = limits[opd_id]
        target = threshold * cfg.split_threshold_ratio
        ordered = sorted(orders.items(), key=lambda item: (item[1][0], item[0]))
        clusters: list[set[int]] = []
        for i, (_first_id, (start, _total)) in enumerate(ordered):
            members = [oid for oid, (sent, _t) in ordered[i:] if sent - start <= window]
            if len(members) >= 2 and sum(orders[oid][1] for oid in members) >= target:
                if clusters and clusters[-1] & set(members):
                    clusters[-1] |= set(members)
                else:
                    clusters.append(set(members))
        for cluster in clusters:
            amount = sum(orders[oid][1] for oid in cluster)
            ids = sorted(cluster, key=lambda oid: (orders[oid][0], oid))
            hits.append(
                Hit(
                    kind=RedFlagKind.SPLIT_ORDER,
                    opd_id=opd_id,
                    vendor_id=vendor_id,
                    category_id=category_id,
                    order_ids=ids,
                    metric=_ratio(amount, threshold),
                    threshold=threshold,
                    amount=amount,
                    summary=_(
                        "%(n)d pesanan dalam %(days)d hari, masing-masing di bawah batas persetujuan "
                        "%(limit)s, bersama-sama %(total)s."
                    )
                    % {
                        "n": len(ids),
                        "days": cfg.split_window_days,
                        "limit": format_rupiah(threshold),
                        "total": format_rupiah(amount),
                    },
                )
            )
    return hits


# --- (b) unit price far above the catalogue median ----------------------------------------


def _unit_key(unit: str) -> str:
    return " ".join((unit or "").lower().split())


def price_above_median(period: Period, cfg: RedFlagSettings) -> list[Hit]:
    lines = list(
        OrderLine.objects.filter(order__in=_orders_in(period, AGREED_STATUSES), category__isnull=False)
        .order_by("order_id", "id")
        .values_list(
            "order_id",
            "order__opd_id",
            "order__vendor_id",
            "category_id",
            "product_name",
            "unit",
            "unit_price",
            "quantity",
            "line_total",
        )
    )
    if not lines:
        return []
    category_ids = {line[3] for line in lines}
    prices: dict[tuple[int, str], list[Decimal]] = defaultdict(list)
    for category_id, unit, price in (
        Product.objects.public()
        .filter(category_id__in=category_ids)
        .values_list("category_id", "unit", "price")
    ):
        prices[(category_id, _unit_key(unit))].append(Decimal(price))
    medians = {
        key: (Decimal(statistics.median(values)), len(values))
        for key, values in prices.items()
        if len(values) >= cfg.price_min_sample
    }
    hits = []
    for order_id, opd_id, vendor_id, category_id, name, unit, unit_price, quantity, line_total in lines:
        found = medians.get((category_id, _unit_key(unit)))
        if not found:
            continue
        median, sample = found
        unit_price = Decimal(unit_price)
        if median <= 0 or unit_price <= median * cfg.price_median_factor:
            continue
        excess = to_rupiah((unit_price - median) * quantity)
        hits.append(
            Hit(
                kind=RedFlagKind.PRICE_ABOVE_MEDIAN,
                opd_id=opd_id,
                vendor_id=vendor_id,
                category_id=category_id,
                order_ids=[order_id],
                metric=_ratio(unit_price, median),
                threshold=cfg.price_median_factor,
                amount=Decimal(line_total),
                summary=_(
                    "%(name)s: %(price)s per %(unit)s, %(ratio)s× median %(median)s dari %(n)d produk "
                    "tayang; selisih %(excess)s."
                )
                % {
                    "name": name,
                    "price": format_rupiah(unit_price),
                    "unit": unit,
                    "ratio": f"{_ratio(unit_price, median):.2f}".replace(".", ","),
                    "median": format_rupiah(median),
                    "n": sample,
                    "excess": format_rupiah(excess),
                },
            )
        )
    return hits


# --- (c) one vendor takes most of an OPD's spending ---------------------------------------


def vendor_concentration(period: Period, cfg: RedFlagSettings) -> list[Hit]:
    scope = _orders_in(period, AGREED_STATUSES)
    per_opd = {
        row["opd_id"]: row
        for row in scope.order_by().values("opd_id").annotate(spent=Sum("total"), n=Count("id"))
    }
    per_pair = scope.order_by().values("opd_id", "vendor_id").annotate(spent=Sum("total"), n=Count("id"))
    best: dict[int, dict] = {}
    for row in per_pair:
        current = best.get(row["opd_id"])
        if current is None or (row["spent"], -row["vendor_id"]) > (current["spent"], -current["vendor_id"]):
            best[row["opd_id"]] = row
    flagged = []
    for opd_id, row in best.items():
        opd_row = per_opd[opd_id]
        if opd_row["n"] < cfg.concentration_min_orders or not opd_row["spent"]:
            continue
        share = _percent(row["spent"], opd_row["spent"])
        if share >= cfg.concentration_share:
            flagged.append((opd_id, row, opd_row, share))
    if not flagged:
        return []
    condition = Q()
    for opd_id, row, _opd_row, _share in flagged:
        condition |= Q(opd_id=opd_id, vendor_id=row["vendor_id"])
    order_ids: dict[tuple[int, int], list[int]] = defaultdict(list)
    for pk, opd_id, vendor_id in (
        scope.filter(condition).order_by("sent_at", "id").values_list("id", "opd_id", "vendor_id")
    ):
        order_ids[(opd_id, vendor_id)].append(pk)
    return [
        Hit(
            kind=RedFlagKind.VENDOR_CONCENTRATION,
            opd_id=opd_id,
            vendor_id=row["vendor_id"],
            order_ids=order_ids[(opd_id, row["vendor_id"])],
            metric=share,
            threshold=cfg.concentration_share,
            amount=Decimal(row["spent"]),
            summary=_(
                "Satu penyedia menerima %(share)s%% dari belanja katalog OPD (%(part)s dari %(total)s)."
            )
            % {
                "share": f"{share:.1f}".replace(".", ","),
                "part": format_rupiah(row["spent"]),
                "total": format_rupiah(opd_row["spent"]),
            },
        )
        for opd_id, row, opd_row, share in flagged
    ]


# --- (d) spending bunched at the end of the fiscal year -----------------------------------


def year_end_start(year: int, days: int) -> datetime:
    """Midnight (Asia/Jakarta) of the first of the last ``days`` days of the year."""
    first_day = date(year, 12, 31) - timedelta(days=days - 1)
    return timezone.make_aware(datetime.combine(first_day, time(0, 0)), timezone.get_default_timezone())


def year_end_bunching(period: Period, cfg: RedFlagSettings) -> list[Hit]:
    if not period.includes_year_end:
        return []
    start = year_end_start(period.year, cfg.year_end_days)
    scope = Order.objects.filter(fiscal_year=period.year, status__in=AGREED_STATUSES)
    rows = (
        scope.order_by()
        .values("opd_id")
        .annotate(spent=Sum("total"), late=Sum("total", filter=Q(accepted_at__gte=start)))
    )
    flagged = []
    for row in rows:
        if not row["spent"] or not row["late"]:
            continue
        share = _percent(row["late"], row["spent"])
        if share > cfg.year_end_share:
            flagged.append((row, share))
    if not flagged:
        return []
    late_ids: dict[int, list[int]] = defaultdict(list)
    for pk, opd_id in (
        scope.filter(opd_id__in=[row["opd_id"] for row, _s in flagged], accepted_at__gte=start)
        .order_by("accepted_at", "id")
        .values_list("id", "opd_id")
    ):
        late_ids[opd_id].append(pk)
    return [
        Hit(
            kind=RedFlagKind.YEAR_END_BUNCHING,
            opd_id=row["opd_id"],
            order_ids=late_ids[row["opd_id"]],
            metric=share,
            threshold=cfg.year_end_share,
            amount=Decimal(row["late"]),
            summary=_(
                "%(share)s%% belanja tahun %(year)d (%(late)s dari %(total)s) disepakati dalam %(days)d hari terakhir."
            )
            % {
                "share": f"{share:.1f}".replace(".", ","),
                "year": period.year,
                "late": format_rupiah(row["late"]),
                "total": format_rupiah(row["spent"]),
                "days": cfg.year_end_days,
            },
        )
        for row, share in flagged
    ]


# --- (e) paid long after BAST -------------------------------------------------------------


def late_payment(period: Period, cfg: RedFlagSettings, *, today: date | None = None) -> list[Hit]:
    today = today or timezone.localdate()
    rows = (
        _orders_in(period, AGREED_STATUSES)
        .filter(received_at__isnull=False)
        .order_by("received_at", "id")
        .values_list("id", "opd_id", "vendor_id", "received_at", "paid_at", "total")
    )
    hits = []
    for pk, opd_id, vendor_id, received_at, paid_at, total in rows:
        received_on = timezone.localtime(received_at).date()
        paid_on = timezone.localtime(paid_at).date() if paid_at else None
        days = ((paid_on or today) - received_on).days
        if days <= cfg.late_payment_days:
            continue
        if paid_on:
            summary = _("Dibayar %(days)d hari setelah BAST lengkap (batas %(limit)d hari).")
        else:
            summary = _("Belum dibayar %(days)d hari setelah BAST lengkap (batas %(limit)d hari).")
        hits.append(
            Hit(
                kind=RedFlagKind.LATE_PAYMENT,
                opd_id=opd_id,
                vendor_id=vendor_id,
                order_ids=[pk],
                metric=Decimal(days),
                threshold=Decimal(cfg.late_payment_days),
                amount=Decimal(total),
                summary=summary % {"days": days, "limit": cfg.late_payment_days},
            )
        )
    return hits


# --- (f) price raised shortly before an order ---------------------------------------------


def _ordered_lines(period: Period):
    """Lines with a catalogue product of orders sent (in negotiation or agreed) in the period."""
    return OrderLine.objects.filter(order__in=_orders_in(period, SPLIT_STATUSES), product__isnull=False)


def _local_date(moment: datetime) -> date:
    return timezone.localtime(moment).date()


def price_raised_before_order(period: Period, cfg: RedFlagSettings) -> list[Hit]:
    lines = list(
        _ordered_lines(period)
        .filter(order__sent_at__isnull=False)
        .order_by("order__sent_at", "order_id", "id")
        .values_list(
            "order_id",
            "order__opd_id",
            "order__vendor_id",
            "category_id",
            "product_id",
            "product_name",
            "order__sent_at",
            "line_total",
        )
    )
    if not lines:
        return []
    window = timedelta(days=cfg.price_raise_days)
    changes: dict[int, list[tuple[datetime, Decimal, Decimal]]] = defaultdict(list)
    for product_id, changed_at, old_price, new_price in (
        PriceHistory.objects.filter(
            product_id__in=_ordered_lines(period).values("product_id"),
            changed_at__gte=min(line[6] for line in lines) - window,
            changed_at__lt=max(line[6] for line in lines),
        )
        .order_by("changed_at", "id")
        .values_list("product_id", "changed_at", "old_price", "new_price")
    ):
        changes[product_id].append((changed_at, Decimal(old_price), Decimal(new_price)))
    hits = []
    for order_id, opd_id, vendor_id, category_id, product_id, name, sent_at, line_total in lines:
        recent = [c for c in changes.get(product_id, ()) if sent_at - window <= c[0] < sent_at]
        if not recent:
            continue
        before, at_order = recent[0][1], recent[-1][2]
        if before <= 0 or at_order <= before:
            continue
        rise = _percent(at_order - before, before)
        if rise < cfg.price_raise_percent:
            continue
        days = (_local_date(sent_at) - _local_date(recent[0][0])).days
        hits.append(
            Hit(
                kind=RedFlagKind.PRICE_RAISED_BEFORE_ORDER,
                opd_id=opd_id,
                vendor_id=vendor_id,
                category_id=category_id,
                order_ids=[order_id],
                metric=rise,
                threshold=cfg.price_raise_percent,
                amount=Decimal(line_total),
                summary=_(
                    "%(name)s: harga dinaikkan %(rise)s%% (dari %(old)s menjadi %(new)s) dalam %(days)d hari "
                    "sebelum pesanan dikirim."
                )
                % {
                    "name": name,
                    "rise": f"{rise:.1f}".replace(".", ","),
                    "old": format_rupiah(before),
                    "new": format_rupiah(at_order),
                    "days": days,
                },
            )
        )
    return hits


# --- (g) a product ordered right after it was published -----------------------------------


def ordered_after_publishing(period: Period, cfg: RedFlagSettings) -> list[Hit]:
    lines = list(
        _ordered_lines(period)
        .filter(order__sent_at__isnull=False)
        .order_by("order__sent_at", "order_id", "id")
        .values_list(
            "order_id",
            "order__opd_id",
            "order__vendor_id",
            "category_id",
            "product_id",
            "product_name",
            "order__sent_at",
            "line_total",
        )
    )
    if not lines:
        return []
    # First publication: a product sent back to curation by an edit gets a new
    # ``published_at``, but its first "tayang" event keeps the original moment.
    first_published = {
        pk: first_event or published_at
        for pk, published_at, first_event in Product.objects.filter(
            pk__in=_ordered_lines(period).values("product_id")
        )
        .order_by()
        .values_list("pk", "published_at")
        .annotate(first_event=Min("events__created_at", filter=Q(events__to_status=ProductStatus.PUBLISHED)))
    }
    groups: dict[tuple[int, int], dict] = {}
    for order_id, opd_id, vendor_id, category_id, product_id, name, sent_at, line_total in lines:
        published = first_published.get(product_id)
        if published is None or published > sent_at:
            continue
        days = (_local_date(sent_at) - _local_date(published)).days
        if days > cfg.publish_order_days:
            continue
        group = groups.setdefault(
            (product_id, opd_id),
            {
                "vendor_id": vendor_id,
                "category_id": category_id,
                "name": name,
                "published": published,
                "days": days,
                "order_ids": [],
                "amount": Decimal(0),
            },
        )
        if order_id not in group["order_ids"]:
            group["order_ids"].append(order_id)
        group["amount"] += Decimal(line_total)
        group["days"] = min(group["days"], days)
    hits = []
    for (_product_id, opd_id), group in groups.items():
        if group["days"] == 0:
            summary = _("%(name)s dipesan pada hari yang sama dengan pertama kali tayang (%(date)s).")
        else:
            summary = _("%(name)s dipesan %(days)d hari setelah pertama kali tayang (%(date)s).")
        hits.append(
            Hit(
                kind=RedFlagKind.ORDERED_AFTER_PUBLISHING,
                opd_id=opd_id,
                vendor_id=group["vendor_id"],
                category_id=group["category_id"],
                order_ids=group["order_ids"],
                metric=Decimal(group["days"]),
                threshold=Decimal(cfg.publish_order_days),
                amount=group["amount"],
                summary=summary
                % {
                    "name": group["name"],
                    "days": group["days"],
                    "date": date_format(timezone.localtime(group["published"]), "j F Y"),
                },
            )
        )
    return hits


# --- (h) one buyer and one vendor take a large share of an OPD's orders --------------------


def buyer_vendor_pairs(period: Period, cfg: RedFlagSettings) -> list[Hit]:
    scope = _orders_in(period, AGREED_STATUSES)
    pairs = list(
        scope.order_by().values("opd_id", "buyer_id", "vendor_id").annotate(spent=Sum("total"), n=Count("id"))
    )
    # The OPD's totals are the sums of its pairs (one query fewer).
    per_opd: dict[int, dict] = defaultdict(lambda: {"n": 0, "spent": Decimal(0)})
    for row in pairs:
        per_opd[row["opd_id"]]["n"] += row["n"]
        per_opd[row["opd_id"]]["spent"] += Decimal(row["spent"] or 0)
    flagged = []
    for row in pairs:
        if row["n"] < cfg.pair_min_orders:
            continue
        opd_row = per_opd[row["opd_id"]]
        count_share = _percent(row["n"], opd_row["n"])
        value_share = _percent(row["spent"] or 0, opd_row["spent"] or 0)
        share = max(count_share, value_share)
        if share >= cfg.pair_share:
            flagged.append((row, opd_row, count_share, value_share, share))
    if not flagged:
        return []
    flagged.sort(key=lambda f: (f[0]["opd_id"], -f[4], f[0]["buyer_id"], f[0]["vendor_id"]))
    condition = Q()
    for row, *_rest in flagged:
        condition |= Q(opd_id=row["opd_id"], buyer_id=row["buyer_id"], vendor_id=row["vendor_id"])
    order_ids: dict[tuple[int, int, int], list[int]] = defaultdict(list)
    for pk, opd_id, buyer_id, vendor_id in (
        scope.filter(condition).order_by("sent_at", "id").values_list("id", "opd_id", "buyer_id", "vendor_id")
    ):
        order_ids[(opd_id, buyer_id, vendor_id)].append(pk)
    buyers = User.objects.only("id", "username", "first_name", "last_name").in_bulk(
        {row["buyer_id"] for row, *_rest in flagged}
    )
    hits = []
    for row, opd_row, count_share, value_share, share in flagged:
        buyer = buyers[row["buyer_id"]]
        hits.append(
            Hit(
                kind=RedFlagKind.BUYER_VENDOR_PAIR,
                opd_id=row["opd_id"],
                vendor_id=row["vendor_id"],
                order_ids=order_ids[(row["opd_id"], row["buyer_id"], row["vendor_id"])],
                metric=share,
                threshold=cfg.pair_share,
                amount=Decimal(row["spent"] or 0),
                summary=_(
                    "Pemesan %(buyer)s membuat %(n)d dari %(total_n)d pesanan OPD (%(count_share)s%%) ke satu "
                    "penyedia, senilai %(part)s dari %(total)s (%(value_share)s%%)."
                )
                % {
                    "buyer": buyer.get_full_name() or buyer.username,
                    "n": row["n"],
                    "total_n": opd_row["n"],
                    "count_share": f"{count_share:.1f}".replace(".", ","),
                    "part": format_rupiah(row["spent"] or 0),
                    "total": format_rupiah(opd_row["spent"] or 0),
                    "value_share": f"{value_share:.1f}".replace(".", ","),
                },
            )
        )
    return hits


def vendor_paid_outside(period: Period, cfg: RedFlagSettings) -> list[Hit]:
    from leakage.services import catalogue_vendor_payments_outside

    if period.months:
        start = date(period.year, period.months[0], 1)
        last = period.months[-1]
        end = date(period.year + (last == 12), last % 12 + 1, 1) - timedelta(days=1)
    else:
        start, end = date(period.year, 1, 1), date(period.year, 12, 31)
    hits = []
    for row in catalogue_vendor_payments_outside(fiscal_year=period.year, start=start, end=end):
        hits.append(
            Hit(
                kind=RedFlagKind.VENDOR_PAID_OUTSIDE,
                opd_id=row["opd_id"],
                vendor_id=row["vendor_id"],
                order_ids=[],
                amount=row["excess"],
                metric=Decimal(row["n"]),
                summary=_(
                    "Penyedia katalog menerima %(excess)s dari OPD di luar katalog (%(n)d pembayaran SIPD "
                    "senilai %(total)s, lewat katalog %(through)s)."
                )
                % {
                    "excess": format_rupiah(row["excess"]),
                    "n": row["n"],
                    "total": format_rupiah(row["total"]),
                    "through": format_rupiah(row["through"]),
                },
            )
        )
    return hits


# --- All rules ----------------------------------------------------------------------------

RULES = {
    RedFlagKind.SPLIT_ORDER: split_orders,
    RedFlagKind.PRICE_ABOVE_MEDIAN: price_above_median,
    RedFlagKind.VENDOR_CONCENTRATION: vendor_concentration,
    RedFlagKind.YEAR_END_BUNCHING: year_end_bunching,
    RedFlagKind.LATE_PAYMENT: late_payment,
    RedFlagKind.PRICE_RAISED_BEFORE_ORDER: price_raised_before_order,
    RedFlagKind.ORDERED_AFTER_PUBLISHING: ordered_after_publishing,
    RedFlagKind.BUYER_VENDOR_PAIR: buyer_vendor_pairs,
    RedFlagKind.VENDOR_PAID_OUTSIDE: vendor_paid_outside,
}


def compute_red_flags(
    period: Period, *, kinds: Iterable[str] | None = None, cfg: RedFlagSettings | None = None
) -> list[Hit]:
    """Every red flag of the period (optionally only some kinds), in rule order."""
    cfg = cfg or RedFlagSettings.load()
    wanted = set(kinds) if kinds else set(RULES)
    hits: list[Hit] = []
    for kind, rule in RULES.items():
        if kind in wanted:
            hits.extend(rule(period, cfg))
    return hits


def hydrate(hits: list[Hit]) -> list[Hit]:
    """Attach OPDs, vendors, categories and orders for display (four queries in all)."""
    opds = OPD.objects.in_bulk({h.opd_id for h in hits})
    vendors = Vendor.objects.only("id", "business_name", "slug").in_bulk(
        {h.vendor_id for h in hits if h.vendor_id}
    )
    categories = Category.objects.in_bulk({h.category_id for h in hits if h.category_id})
    orders = Order.objects.only("id", "number", "status", "total", "sent_at").in_bulk(
        {pk for h in hits for pk in h.order_ids}
    )
    for hit in hits:
        hit.opd = opds.get(hit.opd_id)
        hit.vendor = vendors.get(hit.vendor_id)
        hit.category = categories.get(hit.category_id)
        hit.orders = [orders[pk] for pk in hit.order_ids if pk in orders]
    return hits


@transaction.atomic
def store_red_flags(period: Period, *, cfg: RedFlagSettings | None = None) -> list[RedFlag]:
    """Recompute the period and replace its stored flags (what the admin shows)."""
    hits = compute_red_flags(period, cfg=cfg)
    RedFlag.objects.filter(fiscal_year=period.year, period=period.code).delete()
    stored = []
    for hit in hits:
        flag = RedFlag.objects.create(
            kind=hit.kind,
            fiscal_year=period.year,
            period=period.code,
            opd_id=hit.opd_id,
            vendor_id=hit.vendor_id,
            category_id=hit.category_id,
            summary=hit.summary,
            metric=hit.metric,
            threshold=hit.threshold,
            amount=to_rupiah(hit.amount),
        )
        flag.orders.set(hit.order_ids)
        stored.append(flag)
    return stored
