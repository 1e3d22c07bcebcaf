"""Price references shown where a price is decided: at checkout and on every negotiation offer.

For each product on the page: the median price of the catalogue's public products of the same
category sold in the same unit, the last unit prices OPDs agreed for the product (orders with a
Surat Pesanan), and its last catalogue price change. A price well above the median or the recent
agreed prices gets a warning; it never blocks (the rules that block live in ``services``).

Whatever the number of lines, a page costs three queries (one per kind of reference).
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.conf import settings
from django.db.models import F, Window
from django.db.models.functions import RowNumber
from django.utils.translation import gettext as _

from catalog.models import PriceHistory, Product
from catalog.money import format_rupiah, to_rupiah

from .models import AGREED_STATUSES, OrderLine

RECENT_PRICES = 3


@dataclass(frozen=True)
class PaidPrice:
    unit_price: Decimal
    opd: str
    agreed_at: datetime | None


@dataclass
class PriceReference:
    """What the catalogue and past orders say about one product's price."""

    median: Decimal | None = None
    samples: int = 0
    recent: list[PaidPrice] = field(default_factory=list)
    last_change: PriceHistory | None = None

    @property
    def recent_median(self) -> Decimal | None:
        if not self.recent:
            return None
        return to_rupiah(statistics.median([p.unit_price for p in self.recent]))

    def warnings(self, price) -> list[str]:
        """Why ``price`` looks high, in words; empty when it does not."""
        if price is None:
            return []
        price = Decimal(price)
        ratio = Decimal(settings.PRICE_WARNING_RATIO)
        shown_ratio = f"{ratio.normalize():f}".replace(".", ",")
        found = []
        if (
            self.median
            and self.samples >= settings.PRICE_REFERENCE_MIN_SAMPLES
            and price > self.median * ratio
        ):
            found.append(
                _("Harga %(price)s lebih dari %(ratio)s× median kategori (%(median)s).")
                % {"price": format_rupiah(price), "ratio": shown_ratio, "median": format_rupiah(self.median)}
            )
        recent = self.recent_median
        if recent and price > recent * ratio:
            found.append(
                _("Harga %(price)s lebih dari %(ratio)s× harga yang disepakati OPD terakhir (%(recent)s).")
                % {"price": format_rupiah(price), "ratio": shown_ratio, "recent": format_rupiah(recent)}
            )
        return found


@dataclass(frozen=True)
class Item:
    """One priced line on a page: ``key`` is how the caller finds its reference again."""

    key: object
    product_id: int | None
    category_id: int | None
    unit: str


def references(items: list[Item], *, exclude_order_id: int | None = None) -> dict[object, PriceReference]:
    """{item key: PriceReference} for every item, in three queries whatever their number.

    ``exclude_order_id``: the order being negotiated, whose own lines are no reference for itself.
    """
    result = {item.key: PriceReference() for item in items}
    if not items:
        return result

    # 1. Category medians: public products of the category in the same unit (kg is no box).
    groups = {(i.category_id, i.unit.strip().lower()) for i in items if i.category_id}
    if groups:
        prices = defaultdict(list)
        rows = Product.objects.public().filter(category_id__in={c for c, _u in groups})
        for category_id, unit, price in rows.values_list("category_id", "unit", "price"):
            key = (category_id, unit.strip().lower())
            if key in groups:
                prices[key].append(price)
        for item in items:
            found = prices.get((item.category_id, item.unit.strip().lower()))
            if found:
                ref = result[item.key]
                ref.median = to_rupiah(statistics.median(found))
                ref.samples = len(found)

    product_ids = {i.product_id for i in items if i.product_id}
    if not product_ids:
        return result

    # 2. The last prices OPDs agreed for each product (orders that reached a Surat Pesanan).
    paid = (
        OrderLine.objects.filter(product_id__in=product_ids, order__status__in=AGREED_STATUSES)
        .exclude(order_id=exclude_order_id)
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=[F("product_id")],
                order_by=[F("order__accepted_at").desc(nulls_last=True), F("id").desc()],
            )
        )
        .filter(rank__lte=RECENT_PRICES)
        .order_by("product_id", "rank")
        .values_list(
            "product_id", "unit_price", "order__opd__short_name", "order__opd__name", "order__accepted_at"
        )
    )
    recent = defaultdict(list)
    for product_id, unit_price, short_name, name, accepted_at in paid:
        recent[product_id].append(PaidPrice(unit_price, short_name or name, accepted_at))

    # 3. Each product's last catalogue price change.
    changes = (
        PriceHistory.objects.filter(product_id__in=product_ids)
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=[F("product_id")],
                order_by=[F("changed_at").desc(), F("id").desc()],
            )
        )
        .filter(rank=1)
    )
    last_change = {c.product_id: c for c in changes}

    for item in items:
        if item.product_id:
            ref = result[item.key]
            ref.recent = recent.get(item.product_id, [])
            ref.last_change = last_change.get(item.product_id)
    return result


@dataclass
class Row:
    """One line of the price-reference table: the price in question and what it compares to."""

    name: str
    unit: str
    price: Decimal
    ref: PriceReference
    warnings: list[str]


class Rows(list):
    """The rows of a price-reference table; ``has_warnings`` opens it on the page."""

    @property
    def has_warnings(self) -> bool:
        return any(row.warnings for row in self)


def for_cart(groups) -> Rows:
    """Rows for the checkout page (``groups`` from ``selectors.cart_groups``): today's catalogue prices."""
    cart_items = [item for group in groups for item in group["items"]]
    refs = references([Item(i.pk, i.product_id, i.product.category_id, i.product.unit) for i in cart_items])
    return Rows(
        Row(i.product.name, i.product.unit, i.product.price, refs[i.pk], refs[i.pk].warnings(i.product.price))
        for i in cart_items
    )


def for_order(order, lines, offers) -> dict[int, PriceReference]:
    """{order line id: PriceReference} for the order page; marks every offer line with its warnings.

    Each offer line gets ``price_warnings`` (shown in the negotiation history and beside the offer
    awaiting an answer); each order line gets ``price_ref``.
    """
    refs = references(
        [Item(line.pk, line.product_id, line.category_id, line.unit) for line in lines],
        exclude_order_id=order.pk,
    )
    for line in lines:
        line.price_ref = refs[line.pk]
    for offer in offers:
        for offer_line in offer.lines.all():
            ref = refs.get(offer_line.order_line_id)
            offer_line.price_warnings = ref.warnings(offer_line.unit_price) if ref else []
        offer.price_warnings = [w for ol in offer.lines.all() for w in ol.price_warnings]
    return refs
