import json
from decimal import Decimal

import pytest
from django.urls import reverse

from catalog.models import BusinessScale, ProductStatus, VendorStatus
from tests.factories import CategoryFactory, KecamatanFactory, KelurahanFactory, ProductFactory, VendorFactory

pytestmark = pytest.mark.django_db

PRODUCTS = reverse("opendata:api_product_list")
VENDORS = reverse("opendata:api_vendor_list")


def _get(client, url, **params):
    return client.get(url, params)


def _names(response):
    return sorted(p["name"] for p in response.json()["results"])


@pytest.fixture
def catalogue():
    kec_batu = KecamatanFactory(name="Batu")
    kec_bumiaji = KecamatanFactory(name="Bumiaji")
    food = CategoryFactory(name="Makanan", slug="makanan")
    snack = CategoryFactory(name="Keripik", slug="keripik", parent=food)
    office = CategoryFactory(name="ATK", slug="atk")
    micro = VendorFactory(scale=BusinessScale.MIKRO, kelurahan=KelurahanFactory(kecamatan=kec_batu))
    medium = VendorFactory(scale=BusinessScale.MENENGAH, kelurahan=KelurahanFactory(kecamatan=kec_bumiaji))
    suspended = VendorFactory(status=VendorStatus.SUSPENDED)
    ProductFactory(name="Keripik Apel", category=snack, vendor=micro, price=Decimal("25000"), tkdn=80)
    ProductFactory(
        name="Sari Apel", category=food, vendor=micro, price=Decimal("12000"), stock=0, min_order=5, tkdn=30
    )
    ProductFactory(
        name="Kertas HVS",
        category=office,
        vendor=medium,
        price=Decimal("55000"),
        tkdn=20,
        description="70 gram",
    )
    ProductFactory(name="Draf Rahasia", category=office, vendor=medium, status=ProductStatus.DRAFT)
    ProductFactory(name="Produk Nonaktif", category=office, vendor=medium, status=ProductStatus.INACTIVE)
    ProductFactory(name="Produk Penyedia Ditangguhkan", category=food, vendor=suspended)
    return {"micro": micro, "medium": medium, "suspended": suspended}


def test_products_are_public_only_with_envelope(anon_client, catalogue):
    response = _get(anon_client, PRODUCTS)
    assert response.status_code == 200
    data = response.json()
    assert set(data) == {"count", "next", "previous", "results"}
    assert data["count"] == 3
    assert _names(response) == ["Keripik Apel", "Kertas HVS", "Sari Apel"]
    product = data["results"][0]
    assert isinstance(product["price"], int)
    assert product["currency"] == "IDR"


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"q": "apel"}, ["Keripik Apel", "Sari Apel"]),
        ({"kategori": "makanan"}, ["Keripik Apel", "Sari Apel"]),  # includes the sub-category
        ({"kategori": "keripik"}, ["Keripik Apel"]),
        ({"harga_min": 20000, "harga_max": 30000}, ["Keripik Apel"]),
        ({"kecamatan": "Bumiaji"}, ["Kertas HVS"]),
        ({"skala": ["mikro", "kecil"]}, ["Keripik Apel", "Sari Apel"]),
        ({"tkdn_min": 50}, ["Keripik Apel"]),
        ({"stok": "true"}, ["Keripik Apel", "Kertas HVS"]),
        ({"q": "rahasia"}, []),
    ],
)
def test_product_filters_match_the_catalogue(anon_client, catalogue, params, expected):
    response = _get(anon_client, PRODUCTS, **params)
    assert response.status_code == 200
    assert _names(response) == expected


def test_product_filter_by_vendor_and_sort(anon_client, catalogue):
    response = _get(anon_client, PRODUCTS, penyedia=catalogue["micro"].slug, urut="-harga")
    assert [p["name"] for p in response.json()["results"]] == ["Keripik Apel", "Sari Apel"]


@pytest.mark.parametrize(
    "params",
    [
        {"harga_min": "murah"},
        {"kategori": "tidak-ada"},
        {"tkdn_min": "150"},
        {"urut": "acak"},
        {"skala": "raksasa"},
        {"page": "0"},
        {"page": "satu"},
        {"page_size": "abc"},
        {"q": "x" * 500},
    ],
)
def test_bad_product_params_are_400_never_500(anon_client, catalogue, params):
    response = _get(anon_client, PRODUCTS, **params)
    assert response.status_code == 400
    assert response.json()["detail"]


def test_pagination_and_page_size_cap(anon_client):
    ProductFactory.create_batch(105)
    first = _get(anon_client, PRODUCTS, page_size=40).json()
    assert first["count"] == 105 and len(first["results"]) == 40
    assert first["previous"] is None and "page=2" in first["next"]
    last = anon_client.get(first["next"].replace("page=2", "page=3")).json()
    assert len(last["results"]) == 25 and last["next"] is None and last["previous"]
    capped = _get(anon_client, PRODUCTS, page_size=1000).json()
    assert len(capped["results"]) == 100
    assert _get(anon_client, PRODUCTS, page=99).status_code == 404


def test_product_list_query_count_is_bounded(anon_client, django_assert_max_num_queries):
    ProductFactory.create_batch(20)
    with django_assert_max_num_queries(6):
        response = _get(anon_client, PRODUCTS, page_size=50)
    assert len(response.json()["results"]) == 20


def test_product_detail_public_only(anon_client, catalogue):
    public = catalogue["micro"].products.get(name="Keripik Apel")
    response = anon_client.get(reverse("opendata:api_product_detail", args=[public.pk]))
    assert response.status_code == 200
    assert response.json()["specifications"] == [["Berat", "100 g"]]
    hidden = catalogue["medium"].products.get(name="Draf Rahasia")
    assert anon_client.get(reverse("opendata:api_product_detail", args=[hidden.pk])).status_code == 404
    suspended = catalogue["suspended"].products.get()
    assert anon_client.get(reverse("opendata:api_product_detail", args=[suspended.pk])).status_code == 404


def test_categories_tree_with_counts(anon_client, catalogue):
    data = anon_client.get(reverse("opendata:api_category_list")).json()
    roots = {node["slug"]: node for node in data["results"]}
    assert roots["makanan"]["product_count"] == 2
    assert [c["slug"] for c in roots["makanan"]["children"]] == ["keripik"]
    assert roots["atk"]["product_count"] == 1


def test_vendors_are_public_and_without_private_fields(anon_client, catalogue):
    response = _get(anon_client, VENDORS)
    data = response.json()
    assert data["count"] == 2
    vendor = catalogue["micro"]
    text = json.dumps(data)
    for private in (vendor.owner_name, vendor.phone, vendor.email, vendor.npwp, vendor.bank_account_number,
                    vendor.address, catalogue["suspended"].business_name):  # fmt: skip
        assert private not in text
    for key in (
        "owner_name",
        "phone",
        "email",
        "npwp",
        "bank_name",
        "bank_account_number",
        "bank_account_name",
    ):
        assert key not in data["results"][0]
    micro = next(v for v in data["results"] if v["slug"] == vendor.slug)
    assert micro["product_count"] == 2
    assert micro["nib"] == vendor.nib


def test_vendor_filters_and_detail(anon_client, catalogue):
    assert _get(anon_client, VENDORS, skala="menengah").json()["count"] == 1
    assert _get(anon_client, VENDORS, kecamatan="Batu").json()["count"] == 1
    assert _get(anon_client, VENDORS, q="usaha").json()["count"] == 2
    # Kecamatan come from a fixed set (named as in the spec's enum), like on the catalogue page.
    assert _get(anon_client, VENDORS, kecamatan="Atlantis").status_code == 400
    assert _get(anon_client, VENDORS, skala="raksasa").status_code == 400
    detail = anon_client.get(reverse("opendata:api_vendor_detail", args=[catalogue["micro"].slug]))
    assert detail.status_code == 200
    hidden = anon_client.get(reverse("opendata:api_vendor_detail", args=[catalogue["suspended"].slug]))
    assert hidden.status_code == 404


def test_vendor_list_query_count_is_bounded(anon_client, django_assert_max_num_queries):
    VendorFactory.create_batch(15)
    with django_assert_max_num_queries(3):
        response = _get(anon_client, VENDORS)
    assert response.json()["count"] == 15


def test_rate_limit_returns_429_with_retry_after(anon_client, settings):
    settings.API_RATE_LIMIT = 3
    for _ in range(3):
        assert _get(anon_client, PRODUCTS).status_code == 200
    response = _get(anon_client, PRODUCTS)
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 61
    assert response.json()["detail"]
    # Another client (IP) has its own window; logged-in users are not limited.
    assert anon_client.get(PRODUCTS, REMOTE_ADDR="10.0.0.9").status_code == 200


def test_rate_limit_does_not_apply_to_logged_in_users(bpbj_client, settings):
    settings.API_RATE_LIMIT = 1
    for _ in range(3):
        assert _get(bpbj_client, PRODUCTS).status_code == 200


def test_openapi_describes_every_endpoint(anon_client):
    response = anon_client.get(reverse("opendata:openapi"))
    assert response.status_code == 200
    spec = response.json()
    assert spec["openapi"].startswith("3.")
    for path in ("/api/products/", "/api/products/{id}/", "/api/categories/", "/api/vendors/",
                 "/ocds/records/", "/ocds/records/{ocid}/", "/ocds/releases/{ocid}/", "/ocds/bulk/{year}.jsonl"):  # fmt: skip
        assert path in spec["paths"]
    product_params = {p["name"] for p in spec["paths"]["/api/products/"]["get"]["parameters"]}
    from catalog.filters import ProductFilter

    assert set(ProductFilter.base_filters) <= product_params


def test_api_is_read_only(anon_client):
    assert anon_client.post(PRODUCTS).status_code == 405


def test_api_datetimes_are_in_jakarta_time(anon_client, catalogue):
    product = _get(anon_client, PRODUCTS).json()["results"][0]
    assert product["published_at"].endswith("+07:00")
    vendor = _get(anon_client, VENDORS).json()["results"][0]
    assert vendor["verified_at"].endswith("+07:00")
