from datetime import date
from decimal import Decimal

import pytest
from django.core.management import call_command

from opendata.models import RedFlag, RedFlagKind, RedFlagSettings
from opendata.redflags import (
    Period,
    compute_red_flags,
    late_payment,
    price_above_median,
    split_orders,
    store_red_flags,
    vendor_concentration,
    year_end_bunching,
)
from procurement.models import OrderStatus
from tests.factories import CategoryFactory, OPDFactory, ProductFactory, VendorFactory

from .factories import jkt, make_order

pytestmark = pytest.mark.django_db

M = Decimal(1_000_000)
YEAR = Period(2025)


@pytest.fixture
def cfg():
    return RedFlagSettings.load()


def _ids(hits):
    return [sorted(h.order_ids) for h in hits]


# --- (a) split orders -------------------------------------------------------------------


def test_split_orders_just_under_the_threshold_are_flagged(cfg):
    opd = OPDFactory(approval_threshold=50 * M)
    vendor, category = VendorFactory(), CategoryFactory()
    a = make_order(
        OrderStatus.COMPLETED,
        opd=opd,
        vendor=vendor,
        category=category,
        total=30 * M,
        sent=jkt(2025, 3, 1, 9),
    )
    b = make_order(
        OrderStatus.ACCEPTED, opd=opd, vendor=vendor, category=category, total=25 * M, sent=jkt(2025, 3, 5, 9)
    )
    hits = split_orders(YEAR, cfg)
    assert _ids(hits) == [sorted([a.pk, b.pk])]
    assert hits[0].amount == 55 * M
    assert hits[0].threshold == 50 * M
    assert (hits[0].opd_id, hits[0].vendor_id, hits[0].category_id) == (opd.pk, vendor.pk, category.pk)


def test_split_orders_non_hits(cfg):
    opd = OPDFactory(approval_threshold=50 * M)
    vendor, other_vendor, category, other_category = (
        VendorFactory(),
        VendorFactory(),
        CategoryFactory(),
        CategoryFactory(),
    )

    def order(total, day, status=OrderStatus.ACCEPTED, **kw):
        kw.setdefault("vendor", vendor)
        kw.setdefault("category", category)
        return make_order(status, opd=opd, total=total * M, sent=jkt(2025, 5, day, 9), **kw)

    order(30, 1)
    order(25, 3, vendor=other_vendor)  # another vendor
    order(25, 4, category=other_category)  # another category
    order(25, 20)  # 19 days later: outside the 14-day window
    order(60, 2)  # above the threshold: needed approval anyway
    order(25, 5, status=OrderStatus.CANCELLED)  # cancelled orders are not spending
    order(25, 6, status=OrderStatus.DRAFT)  # never sent
    assert split_orders(YEAR, cfg) == []


def test_split_orders_below_threshold_together_are_not_flagged(cfg):
    opd = OPDFactory(approval_threshold=50 * M)
    vendor, category = VendorFactory(), CategoryFactory()
    make_order(
        OrderStatus.SENT, opd=opd, vendor=vendor, category=category, total=10 * M, sent=jkt(2025, 3, 1, 9)
    )
    make_order(
        OrderStatus.SENT, opd=opd, vendor=vendor, category=category, total=15 * M, sent=jkt(2025, 3, 2, 9)
    )
    assert split_orders(YEAR, cfg) == []


def test_split_orders_chain_into_one_flag_and_use_the_default_threshold(cfg):
    cfg.default_approval_threshold = 40 * M
    opd = OPDFactory(approval_threshold=None)
    vendor, category = VendorFactory(), CategoryFactory()
    ids = [
        make_order(
            OrderStatus.ACCEPTED,
            opd=opd,
            vendor=vendor,
            category=category,
            total=20 * M,
            sent=jkt(2025, 7, day, 9),
        ).pk  # fmt: skip
        for day in (1, 8, 14)
    ]
    hits = split_orders(YEAR, cfg)
    assert _ids(hits) == [sorted(ids)]
    assert hits[0].threshold == 40 * M


def test_split_ratio_is_configurable(cfg):
    opd = OPDFactory(approval_threshold=50 * M)
    vendor, category = VendorFactory(), CategoryFactory()
    make_order(
        OrderStatus.ACCEPTED, opd=opd, vendor=vendor, category=category, total=20 * M, sent=jkt(2025, 3, 1, 9)
    )
    make_order(
        OrderStatus.ACCEPTED, opd=opd, vendor=vendor, category=category, total=21 * M, sent=jkt(2025, 3, 2, 9)
    )
    assert split_orders(YEAR, cfg) == []
    cfg.split_threshold_ratio = Decimal("0.80")
    assert len(split_orders(YEAR, cfg)) == 1


# --- (b) price above the catalogue median -------------------------------------------------


@pytest.fixture
def paper():
    category = CategoryFactory(name="Kertas")
    for price in (40000, 50000, 60000):
        ProductFactory(category=category, unit="rim", price=Decimal(price))
    ProductFactory(category=category, unit="rim", price=Decimal(900000), status="draft")  # not public
    return category


def test_price_far_above_median_is_flagged(cfg, paper):
    high = make_order(OrderStatus.ACCEPTED, category=paper, unit="Rim", unit_price=120000, quantity=5)
    hits = price_above_median(YEAR, cfg)
    assert _ids(hits) == [[high.pk]]
    assert hits[0].metric == Decimal("2.4000")
    assert "Rp350.000" in hits[0].summary  # (120.000 - 50.000) × 5


def test_price_non_hits(cfg, paper):
    make_order(OrderStatus.ACCEPTED, category=paper, unit="rim", unit_price=70000)  # 1.4× median
    make_order(OrderStatus.ACCEPTED, category=paper, unit="rim", unit_price=100000)  # exactly 2× median
    make_order(OrderStatus.ACCEPTED, category=paper, unit="box", unit_price=500000)  # no products per box
    make_order(OrderStatus.CANCELLED, category=paper, unit="rim", unit_price=500000)  # not spending
    few = CategoryFactory()
    ProductFactory(category=few, unit="pcs", price=Decimal(1000))
    ProductFactory(category=few, unit="pcs", price=Decimal(1000))
    make_order(OrderStatus.ACCEPTED, category=few, unit="pcs", unit_price=10000)  # only 2 products: no median
    assert price_above_median(YEAR, cfg) == []


# --- (c) vendor concentration -------------------------------------------------------------


def test_one_vendor_taking_most_of_an_opd_spending_is_flagged(cfg):
    opd, main, other = OPDFactory(), VendorFactory(), VendorFactory()
    mine = [make_order(OrderStatus.COMPLETED, opd=opd, vendor=main, total=t * M).pk for t in (30, 20, 20)]
    make_order(OrderStatus.PAID, opd=opd, vendor=other, total=30 * M)
    make_order(OrderStatus.CANCELLED, opd=opd, vendor=other, total=500 * M)  # not spending
    hits = vendor_concentration(YEAR, cfg)
    assert _ids(hits) == [sorted(mine)]
    assert hits[0].vendor_id == main.pk
    assert hits[0].metric == Decimal("70.00")


def test_concentration_non_hits(cfg):
    balanced, small = OPDFactory(), OPDFactory()
    v1, v2 = VendorFactory(), VendorFactory()
    for vendor in (v1, v1, v2, v2):
        make_order(OrderStatus.ACCEPTED, opd=balanced, vendor=vendor, total=10 * M)
    for _ in range(2):  # 100% but only two orders
        make_order(OrderStatus.ACCEPTED, opd=small, vendor=v1, total=10 * M)
    assert vendor_concentration(YEAR, cfg) == []


# --- (d) year-end bunching ----------------------------------------------------------------


def test_spending_bunched_in_december_is_flagged(cfg):
    opd = OPDFactory()
    late = make_order(
        OrderStatus.ACCEPTED, opd=opd, total=60 * M, sent=jkt(2025, 12, 14, 9)
    )  # accepted 15 Dec
    make_order(OrderStatus.COMPLETED, opd=opd, total=40 * M, sent=jkt(2025, 6, 1, 9))
    hits = year_end_bunching(YEAR, cfg)
    assert _ids(hits) == [[late.pk]]
    assert hits[0].metric == Decimal("60.00")
    assert year_end_bunching(Period(2025, quarter=4), cfg) == hits
    assert year_end_bunching(Period(2025, quarter=2), cfg) == []


def test_year_end_non_hits_and_window_boundary(cfg):
    spread, edge = OPDFactory(), OPDFactory()
    make_order(OrderStatus.ACCEPTED, opd=spread, total=10 * M, sent=jkt(2025, 12, 19, 9))
    make_order(OrderStatus.ACCEPTED, opd=spread, total=90 * M, sent=jkt(2025, 3, 1, 9))
    # Accepted 1 December 23:00 WIB: just before the last 30 days (2-31 December).
    make_order(OrderStatus.ACCEPTED, opd=edge, total=90 * M, sent=jkt(2025, 11, 30, 23))
    make_order(OrderStatus.ACCEPTED, opd=edge, total=10 * M, sent=jkt(2025, 2, 1, 9))
    assert year_end_bunching(YEAR, cfg) == []
    cfg.year_end_days = 31
    assert [h.opd_id for h in year_end_bunching(YEAR, cfg)] == [edge.pk]


# --- (e) late payment ---------------------------------------------------------------------


def test_orders_paid_long_after_bast_are_flagged(cfg):
    late = make_order(OrderStatus.COMPLETED, received=jkt(2025, 3, 6, 10), paid=jkt(2025, 4, 20, 10))
    make_order(OrderStatus.PAID, received=jkt(2025, 3, 6, 10), paid=jkt(2025, 3, 20, 10))  # 14 days
    make_order(OrderStatus.PAID, received=jkt(2025, 3, 6, 10), paid=jkt(2025, 4, 5, 10))  # exactly 30 days
    unpaid = make_order(OrderStatus.RECEIVED, received=jkt(2025, 3, 6, 10))
    make_order(OrderStatus.RECEIVED, received=jkt(2025, 5, 25, 10))  # 7 days so far
    make_order(OrderStatus.SHIPPED)  # no BAST yet
    hits = late_payment(YEAR, cfg, today=date(2025, 6, 1))
    assert _ids(hits) == [[late.pk], [unpaid.pk]]
    assert [h.metric for h in hits] == [Decimal(45), Decimal(87)]
    assert "Belum dibayar" in hits[1].summary


# --- Periods, storage, command --------------------------------------------------------------


def test_month_and_quarter_narrow_the_orders(cfg):
    opd = OPDFactory()
    vendor = VendorFactory()
    for total in (30, 20, 20):
        make_order(OrderStatus.COMPLETED, opd=opd, vendor=vendor, total=total * M, sent=jkt(2025, 3, 10, 9))
    assert len(vendor_concentration(Period(2025, month=3), cfg)) == 1
    assert len(vendor_concentration(Period(2025, quarter=1), cfg)) == 1
    assert vendor_concentration(Period(2025, month=4), cfg) == []
    assert vendor_concentration(Period(2024), cfg) == []


def test_compute_filters_kinds(cfg):
    opd = OPDFactory()
    make_order(OrderStatus.ACCEPTED, opd=opd, total=60 * M, sent=jkt(2025, 12, 14, 9))
    assert {h.kind for h in compute_red_flags(YEAR, cfg=cfg)} == {RedFlagKind.YEAR_END_BUNCHING}
    assert compute_red_flags(YEAR, kinds=[RedFlagKind.LATE_PAYMENT], cfg=cfg) == []


def test_store_replaces_the_period_and_keeps_the_orders(cfg):
    opd = OPDFactory()
    order = make_order(OrderStatus.ACCEPTED, opd=opd, total=60 * M, sent=jkt(2025, 12, 14, 9))
    store_red_flags(YEAR)
    store_red_flags(YEAR)
    flag = RedFlag.objects.get()
    assert flag.kind == RedFlagKind.YEAR_END_BUNCHING
    assert list(flag.orders.all()) == [order]
    assert str(flag)


def test_compute_red_flags_command(capsys):
    make_order(OrderStatus.ACCEPTED, total=60 * M, sent=jkt(2025, 12, 14, 9))
    call_command("compute_red_flags", "--year", "2025")
    assert RedFlag.objects.filter(fiscal_year=2025, period="").count() == 1
    call_command("compute_red_flags", "--year", "2025", "--quarter", "4")
    assert RedFlag.objects.filter(period="Q4").count() == 1
    assert "Tanda bahaya 2025" in capsys.readouterr().out


def test_settings_are_a_single_row():
    first = RedFlagSettings.load()
    RedFlagSettings(late_payment_days=10).save()
    assert RedFlagSettings.objects.count() == 1
    assert RedFlagSettings.load().late_payment_days == 10
    assert first.pk == 1
