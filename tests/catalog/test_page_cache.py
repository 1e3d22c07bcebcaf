"""Cached fragments of the public catalogue (catalog/page_cache.py).

The fragment cache is off in the test settings; every test here turns it on. A change that
alters what the public sees must show on the very next request, and nothing cached may
carry one visitor's data (CSRF token, name, cart form) to another.
"""

import re
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from catalog import services
from catalog.models import PriceHistory, ProductStatus
from catalog.page_cache import catalog_version
from procurement.models import OrderStatus
from procurement.services import _release_stock, _reserve_stock, rate_vendor
from tests.factories import CategoryFactory, OPDMemberFactory, ProductFactory, UserFactory, VendorFactory
from tests.procurement.factories import RUPPackageFactory, make_order

LIST = reverse("catalog:product_list")
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture(autouse=True)
def fragment_cache(settings):
    settings.CATALOG_FRAGMENT_TIMEOUT = 600
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def category(db):
    return CategoryFactory(name="Olahan Apel", slug="olahan-apel")


@pytest.fixture
def product(category):
    return ProductFactory(
        category=category, name="Sari Apel Manalagi", slug="sari-apel-manalagi", price=Decimal("35000")
    )


@pytest.fixture
def bpbj(db):
    return UserFactory(role="catalog_manager")


def page(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.django_db
def test_a_repeated_list_page_is_served_from_the_cache_without_queries(
    client, product, django_assert_num_queries
):
    url = LIST + "?q=apel&urut=harga"
    first = page(client, url)
    with django_assert_num_queries(0):
        second = page(client, url)
    # Same page; only the (masked, per-response) CSRF token of the language form differs.
    assert CSRF.sub("", second) == CSRF.sub("", first)
    assert CSRF.search(second).group(0) != CSRF.search(first).group(0)
    assert "Sari Apel Manalagi" in second


@pytest.mark.django_db
def test_parameter_order_does_not_split_the_cache(client, product, django_assert_num_queries):
    page(client, LIST + "?urut=harga&kategori=olahan-apel")
    with django_assert_num_queries(0):
        page(client, LIST + "?kategori=olahan-apel&urut=harga")


@pytest.mark.django_db
def test_a_repeated_product_page_reads_nothing_from_the_database(client, product, django_assert_num_queries):
    page(client, product.get_absolute_url())
    with django_assert_num_queries(0):
        content = page(client, product.get_absolute_url())
    assert "Sari Apel Manalagi" in content
    assert "Rp35.000" in content


@pytest.mark.django_db
def test_a_published_product_shows_at_once_on_a_cached_list(client, product, bpbj):
    draft = ProductFactory(category=product.category, name="Dodol Apel Baru", status=ProductStatus.SUBMITTED)
    assert "Dodol Apel Baru" not in page(client, LIST)
    assert "Dodol Apel Baru" not in page(client, reverse("catalog:home"))
    services.publish_product(product=draft, by=bpbj)
    assert "Dodol Apel Baru" in page(client, LIST)
    assert "Dodol Apel Baru" in page(client, reverse("catalog:home"))
    assert "Dodol Apel Baru" in page(client, draft.vendor.get_absolute_url())


@pytest.mark.django_db
def test_a_suspended_vendor_leaves_cached_lists_and_its_product_page_at_once(client, product, bpbj):
    url = product.get_absolute_url()
    assert "Sari Apel Manalagi" in page(client, LIST)
    assert "Sari Apel Manalagi" in page(client, LIST + "?q=apel")
    page(client, url)
    services.suspend_vendor(vendor=product.vendor, by=bpbj, reason="Dokumen kedaluwarsa")
    assert "Sari Apel Manalagi" not in page(client, LIST)
    assert "Sari Apel Manalagi" not in page(client, LIST + "?q=apel")
    assert client.get(url).status_code == 404
    assert client.get(product.vendor.get_absolute_url()).status_code == 404


@pytest.mark.django_db
def test_a_product_leaving_tayang_disappears_at_once(client, product):
    page(client, product.get_absolute_url())
    page(client, LIST)
    services.deactivate_product(product=product, by=product.vendor.user)
    assert client.get(product.get_absolute_url()).status_code == 404
    assert "Sari Apel Manalagi" not in page(client, LIST)


@pytest.mark.django_db
def test_a_price_change_shows_at_once_on_cached_pages(client, product):
    assert "Rp35.000" in page(client, product.get_absolute_url())
    assert "Rp35.000" in page(client, LIST)
    services.update_product(product=product, data={"price": Decimal("41000")}, by=product.vendor.user)
    product_page = page(client, product.get_absolute_url())
    assert "Rp41.000" in product_page
    assert PriceHistory.objects.filter(product=product).exists()
    assert "Rp41.000" in page(client, LIST)


@pytest.mark.django_db
def test_stock_taken_by_an_order_updates_the_cached_product_page(client, product):
    assert "100 pcs" in page(client, product.get_absolute_url())
    line = type("Line", (), {"product_id": product.pk, "quantity": 30, "product_name": product.name})()
    _reserve_stock([line])
    assert "70 pcs" in page(client, product.get_absolute_url())
    _release_stock([line])
    assert "100 pcs" in page(client, product.get_absolute_url())


@pytest.mark.django_db
def test_every_catalogue_model_change_bumps_the_version(product):
    before = catalog_version()
    product.vendor.kecamatan.name = "Kecamatan Baru"
    product.vendor.kecamatan.save()
    assert catalog_version() > before


@pytest.mark.django_db
def test_the_language_is_part_of_the_key(client, product):
    assert "Urutkan" in page(client, LIST)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    english = page(client, LIST)
    assert "Sort by" in english
    assert "Urutkan" not in english
    english_product = page(client, product.get_absolute_url())
    assert "Price history" in english_product
    assert "Riwayat harga" not in english_product


@pytest.mark.django_db
def test_a_buyer_gets_a_working_add_to_cart_form_on_a_cached_product_page(product, opd_member):
    anonymous = Client()
    assert "Tambah ke keranjang" not in page(anonymous, product.get_absolute_url())  # fills the cache
    buyer = Client(enforce_csrf_checks=True)
    buyer.force_login(opd_member.user)
    content = page(buyer, product.get_absolute_url())
    assert "Tambah ke keranjang" in content
    token = re.search(r'action="[^"]*keranjang/tambah/[^"]*".*?' + CSRF.pattern, content, re.S)
    assert token, "the add-to-cart form has a CSRF token"
    response = buyer.post(
        reverse("procurement:cart_add", args=[product.pk]),
        {"quantity": 2, "csrfmiddlewaretoken": token.group(1)},
    )
    assert response.status_code == 302
    assert opd_member.user.cart_items.filter(product=product, quantity=2).exists()


@pytest.mark.django_db
def test_a_cached_page_never_shows_another_visitors_data(product):
    ratna = OPDMemberFactory(user__first_name="Ratna", user__last_name="Kusumawati").user
    bagus = OPDMemberFactory(user__first_name="Bagus", user__last_name="Prasetyo").user
    first, second = Client(), Client()
    first.force_login(ratna)
    second.force_login(bagus)
    for url in (LIST, LIST + "?q=apel", product.get_absolute_url(), reverse("catalog:home")):
        first_page = page(first, url)  # fills the cache as Ratna
        content = page(second, url)
        assert "Ratna" in first_page
        assert "Ratna" not in content
        assert "Bagus" in content
        assert not set(CSRF.findall(first_page)) & set(CSRF.findall(content))
    anonymous = page(Client(), product.get_absolute_url())
    assert "Tambah ke keranjang" not in anonymous
    assert "Ratna" not in anonymous
    assert "Bagus" not in anonymous


@pytest.mark.django_db
def test_cached_fragments_hold_no_csrf_token_or_user(client, product, opd_member):
    buyer = Client()
    buyer.force_login(opd_member.user)
    for url in (LIST, product.get_absolute_url(), reverse("catalog:home"), product.vendor.get_absolute_url()):
        page(buyer, url)
    fragments = [cache.get(key.split(":", 2)[2]) for key in list(cache._cache)]  # LocMem internals
    text = repr([f for f in fragments if isinstance(f, dict)])
    assert "Sari Apel Manalagi" in text
    assert "csrfmiddlewaretoken" not in text
    assert opd_member.user.get_short_name() not in text


@pytest.mark.django_db
def test_compare_state_is_per_visitor_on_a_cached_product_page(product):
    comparing = Client()
    page(comparing, product.get_absolute_url())
    comparing.post(reverse("catalog:compare_toggle"), {"product": product.pk, "next": "/"})
    assert "Dibandingkan" in page(comparing, product.get_absolute_url())
    assert "Dibandingkan" not in page(Client(), product.get_absolute_url())


@pytest.mark.django_db
def test_a_cached_product_page_still_redirects_to_its_canonical_slug(client, product):
    page(client, product.get_absolute_url())
    response = client.get(reverse("catalog:product_detail", args=[product.pk, "nama-lama"]))
    assert response.status_code == 301
    assert response["Location"] == product.get_absolute_url()


@pytest.mark.django_db
def test_a_new_vendor_product_shows_on_its_cached_vendor_page(client, product):
    vendor = product.vendor
    assert "Keripik Baru" not in page(client, vendor.get_absolute_url())
    ProductFactory(vendor=vendor, category=product.category, name="Keripik Baru")
    assert "Keripik Baru" in page(client, vendor.get_absolute_url())
    other = VendorFactory()
    assert "Keripik Baru" not in page(client, other.get_absolute_url())


@pytest.mark.django_db
def test_a_new_rating_shows_at_once_on_the_cached_vendor_page(client, product, opd_member):
    package = RUPPackageFactory(opd=opd_member.opd)
    order = make_order(
        buyer=opd_member.user, package=package, items=[(product, 1)], status=OrderStatus.COMPLETED
    )
    url = product.vendor.get_absolute_url()
    assert "Belum ada penilaian OPD." in page(client, url)
    rate_vendor(order=order, by=opd_member.user, score=4, comment="Tepat waktu")
    content = page(client, url)
    assert "Belum ada penilaian OPD." not in content
    assert "<strong>4" in content


@pytest.mark.django_db
def test_an_unknown_vendor_is_404_with_the_cache_on(client, db):
    assert client.get(reverse("catalog:vendor_detail", args=["tidak-ada"])).status_code == 404
    assert client.get(reverse("catalog:vendor_detail", args=["tidak-ada"])).status_code == 404
