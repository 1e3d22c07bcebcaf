"""Public pages: home, catalogue list, product page, vendor page; query budgets."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from catalog.models import PhotoStatus, PriceHistory, ProductPhoto, VendorStatus
from tests.factories import CategoryFactory, KecamatanFactory, KelurahanFactory, ProductFactory, VendorFactory


@pytest.fixture
def category(db):
    parent = CategoryFactory(name="Makanan & Minuman", slug="makanan-minuman")
    return CategoryFactory(name="Olahan Apel", slug="olahan-apel", parent=parent)


def add_photos(product, n=1):
    return [
        ProductPhoto.objects.create(
            product=product,
            image=f"demo/foto-{product.pk}-{i}.jpg",
            thumbnail=f"demo/thumbs/foto-{product.pk}-{i}-t.jpg",
            width=640,
            height=640,
            position=i,
            status=PhotoStatus.APPROVED,  # curated: the public sees approved photos only
        )
        for i in range(n)
    ]


def build_catalogue(n, category):
    kelurahan = [
        KelurahanFactory(kecamatan=KecamatanFactory(name=name), name=f"Desa {name}")
        for name in ("Batu", "Bumiaji", "Junrejo")
    ]
    vendors = [VendorFactory(kelurahan=kelurahan[i % 3]) for i in range(max(1, n // 3))]
    products = []
    for i in range(n):
        product = ProductFactory(category=category, vendor=vendors[i % len(vendors)])
        add_photos(product, 2)
        products.append(product)
    return products


# --- home --------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_home_shows_city_search_categories_counts_and_newest(client, category):
    ProductFactory(category=category, name="Dodol Apel Batu")
    ProductFactory(category=category, status="draft", name="Draf Rahasia")
    VendorFactory(status=VendorStatus.PENDING)
    response = client.get(reverse("catalog:home"))
    assert response.status_code == 200
    content = response.content.decode()
    assert "Kota Batu" in content
    assert 'name="q"' in content
    assert "Makanan &amp; Minuman" in content
    assert response.context["product_count"] == 1
    assert response.context["vendor_count"] == 2  # the two verified vendors of the products
    assert dict((node.slug, n) for node, n in response.context["categories"]) == {"makanan-minuman": 1}
    assert "Dodol Apel Batu" in content
    assert "Draf Rahasia" not in content


# --- catalogue list ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_product_list_renders_cards_with_lazy_thumbnails_and_badges(client, category):
    product = ProductFactory(
        category=category, name="Keripik Apel", price=Decimal("1250000"), tkdn=Decimal("75")
    )
    add_photos(product, 3)
    response = client.get(reverse("catalog:product_list"))
    content = response.content.decode()
    assert response.status_code == 200
    assert "Keripik Apel" in content
    assert "Rp1.250.000" in content
    assert 'loading="lazy"' in content
    assert 'width="360" height="360"' in content
    assert f"foto-{product.pk}-0-t.jpg" in content
    assert f"foto-{product.pk}-1-t.jpg" not in content  # only the first photo on cards
    assert "UMK" in content and "TKDN 75%" in content
    assert "<details" in content


@pytest.mark.django_db
def test_product_list_paginates_24_per_page(client, category):
    build_catalogue(30, category)
    first = client.get(reverse("catalog:product_list"))
    assert len(first.context["products"]) == 24
    second = client.get(reverse("catalog:product_list"), {"page": 2})
    assert len(second.context["products"]) == 6


def count_list_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "params", ["", "?q=apel", "?kategori=makanan-minuman&skala=mikro&stok=on&urut=harga"]
)
def test_list_query_count_does_not_grow_with_products(client, category, params):
    url = reverse("catalog:product_list") + params
    build_catalogue(5, category)
    client.get(url)  # warm the category cache like any running server
    small = count_list_queries(client, url)
    build_catalogue(25, category)
    client.get(url)  # new products refresh the cached catalogue totals once (the unfiltered list shows them)
    large = count_list_queries(client, url)
    assert large == small
    assert large <= 8


@pytest.mark.django_db
def test_home_and_vendor_page_query_counts_do_not_grow(client, category, django_assert_max_num_queries):
    products = build_catalogue(30, category)
    vendor = products[0].vendor
    with django_assert_max_num_queries(8):
        client.get(reverse("catalog:home"))
    with django_assert_max_num_queries(6):
        client.get(reverse("catalog:vendor_detail", args=[vendor.slug]))


# --- product page ------------------------------------------------------------------------------


@pytest.fixture
def product(category):
    vendor = VendorFactory(business_name="UD Sari Apel Bumiaji", kelurahan=KelurahanFactory(name="Punten"))
    product = ProductFactory(
        vendor=vendor,
        category=category,
        name="Sari Apel Manalagi 1 liter",
        slug="sari-apel-manalagi-1-liter",
        price=Decimal("35000"),
        unit="botol",
        min_order=12,
        stock=240,
        lead_time_days=3,
        tkdn=Decimal("85.50"),
        specifications=[["Volume", "1 liter"], ["Izin", "PIRT"]],
    )
    add_photos(product, 3)
    PriceHistory.objects.create(product=product, old_price=30000, new_price=35000)
    return product


@pytest.mark.django_db
def test_product_page_shows_everything_a_buyer_needs(client, product):
    response = client.get(product.get_absolute_url())
    assert response.status_code == 200
    content = response.content.decode()
    for text in (
        "Sari Apel Manalagi 1 liter",
        "Rp35.000",
        "botol",
        "12 botol",  # minimum order
        "240 botol",  # stock
        "3 hari",
        "85,50%" if "85,50%" in content else "85.50%",
        "Volume",
        "PIRT",
        "UD Sari Apel Bumiaji",
        "Terverifikasi",
        "Punten",
        "Rp30.000",  # price history
        "Bandingkan",
    ):
        assert text in content, text
    assert content.count('class="gallery-radio"') == 3
    assert 'name="csrfmiddlewaretoken"' in content


@pytest.mark.django_db
def test_product_page_redirects_to_the_canonical_slug(client, product):
    url = reverse("catalog:product_detail", args=[product.pk, "nama-lama"])
    response = client.get(url)
    assert response.status_code == 301
    assert response["Location"] == product.get_absolute_url()


@pytest.mark.django_db
def test_unknown_product_is_404(client, db):
    assert client.get(reverse("catalog:product_detail", args=[999999, "x"])).status_code == 404


@pytest.mark.django_db
def test_product_page_lists_similar_products(client, product, category):
    similar = ProductFactory(category=category, name="Sari Apel Anna")
    response = client.get(product.get_absolute_url())
    assert [p.pk for p in response.context["similar"]] == [similar.pk]


@pytest.mark.django_db
def test_product_page_query_count_is_bounded(client, product, category, django_assert_max_num_queries):
    for _ in range(10):
        add_photos(ProductFactory(category=category), 2)
    with django_assert_max_num_queries(8):
        client.get(product.get_absolute_url())


@pytest.mark.django_db
def test_product_page_tolerates_odd_specifications(client, product):
    product.specifications = {"Berat": "1 kg"}
    product.save()
    assert "1 kg" in client.get(product.get_absolute_url()).content.decode()
    product.specifications = ["rusak", ["a"], None]
    product.save()
    assert client.get(product.get_absolute_url()).status_code == 200


# --- vendor page -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_vendor_page_shows_card_and_paginated_products(client, category):
    vendor = VendorFactory(business_name="CV Batu Kreatif")
    for i in range(26):
        ProductFactory(vendor=vendor, category=category, name=f"Souvenir {i}")
    response = client.get(reverse("catalog:vendor_detail", args=[vendor.slug]))
    assert response.status_code == 200
    assert "CV Batu Kreatif" in response.content.decode()
    assert response.context["page_obj"].paginator.count == 26
    assert len(response.context["products"]) == 24
    page2 = client.get(reverse("catalog:vendor_detail", args=[vendor.slug]), {"page": "2"})
    assert len(page2.context["products"]) == 2
