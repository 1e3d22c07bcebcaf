"""Red flags from audit findings on e-Katalog purchases: a price raised just before an order,
a product ordered right after it was published, one buyer–vendor pair holding an OPD's orders."""

from decimal import Decimal

import pytest
from django.urls import reverse

from catalog.models import PriceHistory, ProductEvent, ProductStatus
from ecatalog.append_only import keep_given_timestamps
from opendata.models import RedFlag, RedFlagKind, RedFlagSettings
from opendata.redflags import (
    Period,
    buyer_vendor_pairs,
    compute_red_flags,
    ordered_after_publishing,
    price_raised_before_order,
    store_red_flags,
)
from procurement.models import OrderStatus
from tests.factories import OPDFactory, ProductFactory, UserFactory, VendorFactory

from .factories import jkt, make_order

pytestmark = pytest.mark.django_db

M = Decimal(1_000_000)
YEAR = Period(2025)
LONG_AGO = jkt(2024, 1, 10, 9)


@pytest.fixture
def cfg():
    return RedFlagSettings.load()


def _ids(hits):
    return [sorted(h.order_ids) for h in hits]


def _price_change(product, old, new, when):
    with keep_given_timestamps(PriceHistory):  # append-only: inserted with its time in place
        return PriceHistory.objects.create(
            product=product, old_price=Decimal(old), new_price=Decimal(new), changed_at=when
        )


def _product(**kwargs):
    kwargs.setdefault("published_at", LONG_AGO)
    return ProductFactory(**kwargs)


# --- price raised shortly before an order -----------------------------------------------------


def test_a_price_raised_days_before_the_order_is_flagged(cfg):
    product = _product(price=Decimal(60000))
    _price_change(product, 50000, 60000, jkt(2025, 3, 1, 10))
    order = make_order(
        OrderStatus.ACCEPTED, product=product, unit_price=60000, quantity=10, sent=jkt(2025, 3, 5, 9)
    )
    hits = price_raised_before_order(YEAR, cfg)
    assert _ids(hits) == [[order.pk]]
    hit = hits[0]
    assert hit.metric == Decimal("20.00")
    assert hit.threshold == Decimal("10")
    assert hit.amount == Decimal(600000)
    assert (hit.vendor_id, hit.category_id) == (order.vendor_id, product.category_id)
    assert "dinaikkan 20,0%" in hit.summary
    assert "Rp50.000" in hit.summary and "Rp60.000" in hit.summary
    assert "4 hari sebelum pesanan" in hit.summary


def test_small_raises_in_a_row_add_up_within_the_window(cfg):
    product = _product(price=Decimal(56000))
    _price_change(product, 50000, 53000, jkt(2025, 2, 20, 10))  # +6%
    _price_change(product, 53000, 56000, jkt(2025, 3, 2, 10))  # +5.7%, 12% in all
    order = make_order(OrderStatus.SENT, product=product, unit_price=56000, sent=jkt(2025, 3, 5, 9))
    hits = price_raised_before_order(YEAR, cfg)
    assert _ids(hits) == [[order.pk]]
    assert hits[0].metric == Decimal("12.00")


def test_price_raise_non_hits(cfg):
    sent = jkt(2025, 6, 10, 9)
    old = _product()  # raised 31 days before: outside the 30-day window
    _price_change(old, 50000, 80000, jkt(2025, 5, 10, 8))
    small = _product()  # +5%
    _price_change(small, 50000, 52500, jkt(2025, 6, 5, 9))
    undone = _product()  # raised then lowered again before the order
    _price_change(undone, 50000, 70000, jkt(2025, 6, 1, 9))
    _price_change(undone, 70000, 50000, jkt(2025, 6, 3, 9))
    lowered = _product()
    _price_change(lowered, 80000, 50000, jkt(2025, 6, 5, 9))
    after = _product()  # raised after the order was sent
    _price_change(after, 50000, 90000, jkt(2025, 6, 11, 9))
    cancelled = _product()  # the order does not count
    _price_change(cancelled, 50000, 90000, jkt(2025, 6, 5, 9))
    for product in (old, small, undone, lowered, after):
        make_order(OrderStatus.ACCEPTED, product=product, sent=sent)
    make_order(OrderStatus.CANCELLED, product=cancelled, sent=sent)
    make_order(OrderStatus.ACCEPTED, sent=sent)  # a line without a catalogue product
    assert price_raised_before_order(YEAR, cfg) == []


def test_price_raise_thresholds_are_configurable(cfg):
    product = _product()
    _price_change(product, 50000, 52500, jkt(2025, 6, 1, 9))  # +5%, 9 days before
    make_order(OrderStatus.ACCEPTED, product=product, sent=jkt(2025, 6, 10, 9))
    assert price_raised_before_order(YEAR, cfg) == []
    cfg.price_raise_percent = Decimal("5")
    assert len(price_raised_before_order(YEAR, cfg)) == 1
    cfg.price_raise_days = 7
    assert price_raised_before_order(YEAR, cfg) == []


# --- a product ordered right after it was published -------------------------------------------


def test_a_product_ordered_the_day_after_it_was_published_is_flagged(cfg):
    opd = OPDFactory()
    product = _product(published_at=jkt(2025, 4, 1, 15))
    first = make_order(OrderStatus.ACCEPTED, opd=opd, product=product, sent=jkt(2025, 4, 2, 9))
    second = make_order(OrderStatus.SENT, opd=opd, product=product, sent=jkt(2025, 4, 3, 9))
    make_order(OrderStatus.ACCEPTED, opd=opd, product=product, sent=jkt(2025, 4, 20, 9))  # later: normal
    hits = ordered_after_publishing(YEAR, cfg)
    assert _ids(hits) == [sorted([first.pk, second.pk])]
    hit = hits[0]
    assert (hit.opd_id, hit.vendor_id, hit.category_id) == (opd.pk, product.vendor_id, product.category_id)
    assert hit.metric == Decimal(1)
    assert hit.threshold == Decimal(3)
    assert hit.amount == first.total + second.total
    assert "dipesan 1 hari setelah pertama kali tayang (1 April 2025)" in hit.summary


def test_ordered_after_publishing_is_one_flag_per_product_and_opd(cfg):
    product = _product(published_at=jkt(2025, 4, 1, 8))
    a = make_order(OrderStatus.ACCEPTED, product=product, sent=jkt(2025, 4, 1, 10))
    b = make_order(OrderStatus.ACCEPTED, product=product, sent=jkt(2025, 4, 2, 10))
    hits = ordered_after_publishing(YEAR, cfg)
    assert sorted(_ids(hits)) == sorted([[a.pk], [b.pk]])
    same_day = next(h for h in hits if h.order_ids == [a.pk])
    assert "pada hari yang sama" in same_day.summary


def test_the_first_publication_counts_not_a_republication(cfg):
    # Published long ago, edited and published again: its new published_at is recent.
    product = _product(published_at=jkt(2025, 5, 1, 9))
    with keep_given_timestamps(ProductEvent):
        ProductEvent.objects.create(
            product=product,
            from_status=ProductStatus.SUBMITTED,
            to_status=ProductStatus.PUBLISHED,
            created_at=LONG_AGO,
        )
    make_order(OrderStatus.ACCEPTED, product=product, sent=jkt(2025, 5, 2, 9))
    assert ordered_after_publishing(YEAR, cfg) == []


def test_ordered_after_publishing_non_hits(cfg):
    sent = jkt(2025, 6, 10, 9)
    make_order(OrderStatus.ACCEPTED, product=_product(published_at=jkt(2025, 6, 6, 9)), sent=sent)  # 4 days
    make_order(OrderStatus.CANCELLED, product=_product(published_at=jkt(2025, 6, 9, 9)), sent=sent)
    make_order(OrderStatus.DRAFT, product=_product(published_at=jkt(2025, 6, 9, 9)), sent=sent)
    make_order(OrderStatus.ACCEPTED, product=_product(published_at=None), sent=sent)  # never published
    make_order(OrderStatus.ACCEPTED, sent=sent)  # no catalogue product on the line
    assert ordered_after_publishing(YEAR, cfg) == []
    cfg.publish_order_days = 4
    assert len(ordered_after_publishing(YEAR, cfg)) == 1


# --- one buyer and one vendor holding an OPD's orders -----------------------------------------


def test_one_buyer_vendor_pair_taking_most_orders_is_flagged(cfg):
    opd = OPDFactory()
    buyer, colleague = UserFactory(first_name="Rudi", last_name="Hartono"), UserFactory()
    favourite, other = VendorFactory(), VendorFactory()
    pair = [
        make_order(OrderStatus.COMPLETED, opd=opd, buyer=buyer, vendor=favourite, total=5 * M).pk
        for _ in range(5)
    ]
    make_order(OrderStatus.ACCEPTED, opd=opd, buyer=buyer, vendor=other, total=5 * M)
    for _ in range(2):
        make_order(OrderStatus.ACCEPTED, opd=opd, buyer=colleague, vendor=favourite, total=5 * M)
    make_order(OrderStatus.CANCELLED, opd=opd, buyer=colleague, vendor=other, total=500 * M)
    hits = buyer_vendor_pairs(YEAR, cfg)
    assert _ids(hits) == [sorted(pair)]
    hit = hits[0]
    assert (hit.opd_id, hit.vendor_id) == (opd.pk, favourite.pk)
    assert hit.metric == Decimal("62.50")  # 5 of 8 agreed orders, 25 of 40 juta
    assert hit.amount == 25 * M
    assert "Rudi Hartono" in hit.summary
    assert "5 dari 8 pesanan OPD (62,5%)" in hit.summary


def test_a_pair_with_few_orders_but_most_of_the_value_is_flagged(cfg):
    opd = OPDFactory()
    buyer, vendor = UserFactory(), VendorFactory()
    pair = [
        make_order(OrderStatus.ACCEPTED, opd=opd, buyer=buyer, vendor=vendor, total=40 * M).pk
        for _ in range(5)
    ]
    for _ in range(10):  # many small orders by other buyers and vendors
        make_order(OrderStatus.ACCEPTED, opd=opd, total=1 * M)
    hits = buyer_vendor_pairs(YEAR, cfg)
    assert _ids(hits) == [sorted(pair)]
    assert hits[0].metric == Decimal("95.24")  # by value; by count it is 33%


def test_buyer_vendor_pair_non_hits(cfg):
    spread, small = OPDFactory(), OPDFactory()
    buyers = [UserFactory() for _ in range(2)]
    vendors = [VendorFactory() for _ in range(2)]
    for buyer in buyers:  # four pairs, a quarter each
        for vendor in vendors:
            for _ in range(5):
                make_order(OrderStatus.ACCEPTED, opd=spread, buyer=buyer, vendor=vendor, total=1 * M)
    for _ in range(4):  # 100% of the OPD, but only four orders
        make_order(OrderStatus.ACCEPTED, opd=small, buyer=buyers[0], vendor=vendors[0], total=1 * M)
    assert buyer_vendor_pairs(YEAR, cfg) == []
    cfg.pair_min_orders = 4
    assert [h.opd_id for h in buyer_vendor_pairs(YEAR, cfg)] == [small.pk]
    cfg.pair_share = Decimal("25")
    assert len(buyer_vendor_pairs(YEAR, cfg)) == 5


# --- wiring: all rules, storage, page, admin ------------------------------------------------


def test_new_kinds_are_computed_and_stored_with_their_orders(cfg):
    product = _product(published_at=jkt(2025, 4, 1, 15))
    _price_change(product, 20000, 25000, jkt(2025, 4, 1, 16))
    order = make_order(OrderStatus.ACCEPTED, product=product, unit_price=25000, sent=jkt(2025, 4, 2, 9))
    kinds = {h.kind for h in compute_red_flags(YEAR, cfg=cfg)}
    assert kinds == {RedFlagKind.PRICE_RAISED_BEFORE_ORDER, RedFlagKind.ORDERED_AFTER_PUBLISHING}
    store_red_flags(YEAR)
    for kind in kinds:
        assert list(RedFlag.objects.get(kind=kind).orders.all()) == [order]


def test_red_flag_page_shows_the_new_flags_and_thresholds(bpbj_client):
    product = _product(name="Sari Apel Kemasan Baru", published_at=jkt(2025, 4, 1, 15))
    order = make_order(OrderStatus.ACCEPTED, product=product, sent=jkt(2025, 4, 2, 9))
    content = bpbj_client.get(reverse("opendata:red_flags"), {"tahun": 2025}).content.decode()
    assert 'id="ordered_after_publishing"' in content
    assert 'id="price_raised_before_order"' in content and 'id="buyer_vendor_pair"' in content
    assert "Sari Apel Kemasan Baru dipesan 1 hari setelah pertama kali tayang" in content
    assert order.get_absolute_url() in content
    assert "Kenaikan harga" in content and "Pejabat pemesan" in content


def test_new_thresholds_are_edited_in_the_admin(admin_client_bpbj):
    url = reverse("admin:opendata_redflagsettings_change", args=[RedFlagSettings.load().pk])
    page = admin_client_bpbj.get(url).content.decode()
    for name in (
        "price_raise_percent",
        "price_raise_days",
        "publish_order_days",
        "pair_share",
        "pair_min_orders",
    ):
        assert f'name="{name}"' in page
    data = {
        "split_window_days": 14,
        "split_threshold_ratio": "1.00",
        "default_approval_threshold": "50000000",
        "price_median_factor": "2.00",
        "price_min_sample": 3,
        "concentration_share": "60",
        "concentration_min_orders": 3,
        "year_end_days": 30,
        "year_end_share": "40",
        "late_payment_days": 30,
        "price_raise_percent": "15",
        "price_raise_days": 20,
        "publish_order_days": 5,
        "pair_share": "40",
        "pair_min_orders": 6,
    }
    assert admin_client_bpbj.post(url, data).status_code == 302
    cfg = RedFlagSettings.load()
    assert (cfg.price_raise_percent, cfg.price_raise_days, cfg.publish_order_days) == (Decimal(15), 20, 5)
    assert (cfg.pair_share, cfg.pair_min_orders) == (Decimal(40), 6)
    bad = admin_client_bpbj.post(url, {**data, "pair_share": "150"})
    assert bad.status_code == 200
    assert RedFlagSettings.load().pair_share == Decimal(40)


@pytest.mark.slow
def test_the_demo_computes_the_new_flags_and_the_page_shows_them(bpbj_client):
    import io

    from django.core.management import call_command
    from django.utils import timezone
    from django.utils.html import escape

    out = io.StringIO()
    call_command("seed_demo", "--products", "60", "--vendors", "8", "--only-catalog", stdout=out)
    call_command("seed_demo_orders", "--orders", "150", stdout=out)
    call_command("compute_red_flags", stdout=out)
    stored = set(RedFlag.objects.values_list("kind", flat=True))
    new_kinds = {
        RedFlagKind.PRICE_RAISED_BEFORE_ORDER,
        RedFlagKind.ORDERED_AFTER_PUBLISHING,
        RedFlagKind.BUYER_VENDOR_PAIR,
    }
    assert new_kinds <= stored
    pair = RedFlag.objects.get(kind=RedFlagKind.BUYER_VENDOR_PAIR)
    assert "Hendra Wijaya" in pair.summary
    year = timezone.localdate().year
    for flag in RedFlag.objects.filter(kind__in=new_kinds):
        # The page shows 20 flags at a time: look at the flag's own kind.
        content = bpbj_client.get(reverse("opendata:red_flags"), {"tahun": year, "jenis": flag.kind}).content
        assert escape(flag.summary) in content.decode()
