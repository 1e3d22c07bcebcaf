"""Price references at checkout and on negotiation offers: median, last agreed prices, a warning."""

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from catalog.models import PriceHistory, ProductStatus
from procurement import price_reference, services
from procurement.models import OrderStatus
from tests.factories import CategoryFactory, OPDMemberFactory, ProductFactory, VendorFactory

from .factories import RUPPackageFactory, make_order

pytestmark = pytest.mark.django_db
S = OrderStatus


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def category():
    return CategoryFactory()


@pytest.fixture
def peers(category):
    """Three public products of the category at Rp10.000, Rp12.000, Rp14.000 per pcs."""
    return [ProductFactory(category=category, price=Decimal(p)) for p in ("10000", "12000", "14000")]


@pytest.fixture
def pricey(vendor, category, peers):
    """Rp30.000 per pcs: with the peers the median is Rp13.000, so 1.5× is Rp19.500."""
    return ProductFactory(vendor=vendor, category=category, price=Decimal("30000"), stock=500)


def item(product, key=None):
    return price_reference.Item(key or product.pk, product.pk, product.category_id, product.unit)


# ------------------------------------------------------------------ the computation


def test_the_category_median_counts_public_products_of_the_same_unit_only(category, peers, pricey):
    ProductFactory(category=category, price=Decimal("900000"), unit="box")  # another unit
    ProductFactory(category=category, price=Decimal("900000"), status=ProductStatus.DRAFT)  # not public
    ProductFactory(price=Decimal("900000"))  # another category
    ref = price_reference.references([item(pricey)])[pricey.pk]
    assert (ref.median, ref.samples) == (Decimal("13000"), 4)


def test_a_price_well_above_the_median_is_warned_on_and_the_ratio_is_a_setting(pricey, settings):
    ref = price_reference.references([item(pricey)])[pricey.pk]
    assert ref.warnings(Decimal("19500")) == []
    (warning,) = ref.warnings(Decimal("30000"))
    assert "median kategori" in warning and "Rp13.000" in warning and "1,5×" in warning
    settings.PRICE_WARNING_RATIO = Decimal("3")
    assert ref.warnings(Decimal("30000")) == []


def test_too_few_comparable_products_give_a_median_but_no_warning(vendor, settings):
    lonely = ProductFactory(vendor=vendor, price=Decimal("30000"))
    ProductFactory(category=lonely.category, price=Decimal("1000"))
    ref = price_reference.references([item(lonely)])[lonely.pk]
    assert ref.samples == 2 and ref.median == Decimal("15500")
    assert ref.warnings(Decimal("100000")) == []
    settings.PRICE_REFERENCE_MIN_SAMPLES = 2
    assert ref.warnings(Decimal("100000"))


def test_last_agreed_prices_come_from_orders_with_an_sp_newest_first(buyer, vendor, pricey, package):
    for qty, price, status in [(1, 20000, S.COMPLETED), (2, 21000, S.ACCEPTED), (3, 22000, S.PAID)]:
        order = make_order(buyer=buyer, package=package, items=[(pricey, qty)], status=status)
        order.lines.update(unit_price=Decimal(price))
        order.accepted_at = timezone.now() - timezone.timedelta(days=10 - qty)
        order.save(update_fields=["accepted_at"])
    make_order(buyer=buyer, package=package, items=[(pricey, 1)], status=S.COMPLETED).lines.update(
        unit_price=Decimal("1")
    )  # no accepted_at: oldest, and beyond the last three
    make_order(buyer=buyer, package=package, items=[(pricey, 1)], status=S.SENT)  # no SP: not a price paid
    make_order(buyer=buyer, package=package, items=[(pricey, 1)], status=S.CANCELLED)
    current = make_order(buyer=buyer, package=package, items=[(pricey, 1)], status=S.ACCEPTED)
    ref = price_reference.references([item(pricey)], exclude_order_id=current.pk)[pricey.pk]
    assert [p.unit_price for p in ref.recent] == [Decimal("22000"), Decimal("21000"), Decimal("20000")]
    assert ref.recent[0].opd == buyer.opd.short_name
    assert ref.recent_median == Decimal("21000")
    warnings = ref.warnings(Decimal("40000"))
    assert any("harga yang disepakati OPD terakhir (Rp21.000)" in w for w in warnings)


def test_the_last_catalogue_price_change_is_shown(vendor, pricey):
    PriceHistory.objects.create(product=pricey, old_price=Decimal("15000"), new_price=Decimal("25000"))
    PriceHistory.objects.create(product=pricey, old_price=Decimal("25000"), new_price=Decimal("30000"))
    ref = price_reference.references([item(pricey)])[pricey.pk]
    assert (ref.last_change.old_price, ref.last_change.new_price) == (Decimal("25000"), Decimal("30000"))


def test_references_cost_three_queries_whatever_the_number_of_lines(
    buyer, package, django_assert_num_queries
):
    products = [ProductFactory(category=CategoryFactory()) for _ in range(6)]
    for p in products:
        make_order(buyer=buyer, package=package, items=[(p, 1)], status=S.COMPLETED)
        PriceHistory.objects.create(product=p, old_price=Decimal("1"), new_price=p.price)
    with django_assert_num_queries(3):
        one = price_reference.references([item(products[0])])
    with django_assert_num_queries(3):
        many = price_reference.references([item(p) for p in products])
    assert one[products[0].pk].recent and all(many[p.pk].recent and many[p.pk].last_change for p in products)


def test_a_line_whose_product_was_deleted_still_gets_a_category_median(category, peers):
    refs = price_reference.references([price_reference.Item("x", None, category.pk, "pcs")])
    assert refs["x"].median == Decimal("12000") and refs["x"].recent == []


# ------------------------------------------------------------------ the pages


def test_checkout_shows_the_reference_and_warns_without_blocking(
    buyer, buyer_client, vendor, pricey, package
):
    services.add_to_cart(user=buyer, product_id=pricey.pk, quantity=2)
    page = buyer_client.get(reverse("procurement:checkout"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Referensi harga" in html and "Median kategori Rp13.000 (4 produk)" in html
    assert "lebih dari 1,5× median kategori" in html
    token = page.context["form"].initial["token"]
    response = buyer_client.post(
        reverse("procurement:checkout"),
        {
            "token": token,
            "snapshot": page.context["snapshot"],
            "package_all": package.pk,
            "delivery_address": "Jl. Sudirman 1",
            "needed_by": (timezone.localdate() + timezone.timedelta(days=3)).isoformat(),
        },
    )
    assert response.status_code == 302 and pricey.order_lines.count() == 1


def test_checkout_page_queries_do_not_grow_with_the_cart_lines(buyer, buyer_client, vendor, package):
    def count():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            assert buyer_client.get(reverse("procurement:checkout")).status_code == 200
        return len(ctx.captured_queries)

    services.add_to_cart(user=buyer, product_id=ProductFactory(vendor=vendor).pk, quantity=1)
    one = count()
    for _ in range(5):
        product = ProductFactory(vendor=vendor, category=CategoryFactory())
        services.add_to_cart(user=buyer, product_id=product.pk, quantity=1)
    assert count() == one


def test_the_offer_awaiting_an_answer_shows_the_reference_and_warns(buyer, vendor, pricey, package, peers):
    order = make_order(buyer=buyer, package=package, items=[(pricey, 10)])
    line = order.lines.get()
    url = reverse("procurement:order_detail", args=[order.pk])
    buyer_page = client_for(buyer).get(url).content.decode()
    assert "Median kategori Rp13.000" in buyer_page  # beside the proposal form
    services.propose_negotiation(order=order, by=buyer, lines={line.pk: (29000, 10)})
    vendor_page = client_for(vendor.user).get(url).content.decode()
    assert "Periksa harga sebelum menyetujui" in vendor_page and "Rp29.000 lebih dari 1,5×" in vendor_page
    services.counter_offer(order=order, by=vendor.user, lines={line.pk: (18000, 10)})
    buyer_page = client_for(buyer).get(url).content.decode()
    assert "Periksa harga sebelum menyetujui" not in buyer_page  # Rp18.000 is within 1.5× the median
    assert "Rp29.000 lebih dari 1,5×" in buyer_page  # the history keeps the earlier warning


def test_the_order_page_query_count_does_not_grow_with_lines_or_offers(buyer, package):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    vendor = VendorFactory()

    def page_queries(n):
        products = [ProductFactory(vendor=vendor, category=CategoryFactory()) for _ in range(n)]
        order = make_order(buyer=buyer, package=package, items=[(p, 2) for p in products])
        lines = list(order.lines.all())
        services.propose_negotiation(order=order, by=buyer, lines={ln.pk: (20000, 2) for ln in lines})
        services.counter_offer(order=order, by=vendor.user, lines={ln.pk: (22000, 2) for ln in lines})
        client = client_for(buyer)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("procurement:order_detail", args=[order.pk])).status_code == 200
        return len(ctx.captured_queries)

    assert page_queries(1) == page_queries(5)


def test_an_outsider_sees_no_reference_because_the_order_is_404(other_buyer_client, buyer, pricey, package):
    order = make_order(buyer=buyer, package=package, items=[(pricey, 1)])
    assert other_buyer_client.get(reverse("procurement:order_detail", args=[order.pk])).status_code == 404


def test_a_pa_sees_the_history_warnings_too(buyer, vendor, pricey, package, approver):
    order = make_order(buyer=buyer, package=package, items=[(pricey, 10)])
    line = order.lines.get()
    services.propose_negotiation(order=order, by=buyer, lines={line.pk: (29000, 10)})
    page = client_for(approver).get(reverse("procurement:order_detail", args=[order.pk])).content.decode()
    assert "Rp29.000 lebih dari 1,5×" in page


def test_any_opds_buyer_sees_the_same_product_reference_at_checkout(buyer, pricey, package):
    """The reference is about products, not about the OPD: another OPD's buyer sees the same median."""
    other = OPDMemberFactory().user
    RUPPackageFactory(opd=other.opd)
    services.add_to_cart(user=other, product_id=pricey.pk, quantity=1)
    html = client_for(other).get(reverse("procurement:checkout")).content.decode()
    assert "Median kategori Rp13.000 (4 produk)" in html
