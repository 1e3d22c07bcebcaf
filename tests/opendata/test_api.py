import json
from decimal import Decimal

import pytest
from django.contrib.staticfiles import finders
from django.test import Client
from django.urls import reverse

from catalog.models import BusinessScale, ProductStatus, VendorStatus
from procurement.models import OrderStatus
from tests.factories import CategoryFactory, KecamatanFactory, KelurahanFactory, ProductFactory, VendorFactory

from .factories import make_order

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


def _spec(client) -> dict:
    response = client.get(reverse("opendata:openapi"))
    assert response.status_code == 200
    return response.json()


def _params(spec, path) -> dict:
    return {p["name"]: p for p in spec["paths"][path]["get"].get("parameters", [])}


def test_openapi_is_generated_for_every_endpoint(anon_client):
    spec = _spec(anon_client)
    assert spec["openapi"].startswith("3.")
    for path in ("/data/api/products/", "/data/api/products/{id}/", "/data/api/categories/", "/data/api/vendors/",
                 "/data/api/vendors/{slug}/", "/data/ocds/records/", "/data/ocds/records/{ocid}/",
                 "/data/ocds/releases/{ocid}/", "/data/ocds/bulk/{year}.jsonl"):  # fmt: skip
        operation = spec["paths"][path]["get"]
        assert {"404", "429"} <= set(operation["responses"]), path
        assert operation["responses"]["429"]["headers"]["Retry-After"]["required"] is True
    from catalog.filters import ProductFilter, VendorFilter

    assert set(ProductFilter.base_filters) | {"page", "page_size"} == set(
        _params(spec, "/data/api/products/")
    )
    assert set(VendorFilter.base_filters) | {"page", "page_size"} == set(_params(spec, "/data/api/vendors/"))


def test_openapi_states_the_bounds_and_fixed_sets_the_server_enforces(anon_client, catalogue):
    spec = _spec(anon_client)
    products = _params(spec, "/data/api/products/")
    assert sorted(products["kategori"]["schema"]["enum"]) == ["atk", "keripik", "makanan"]
    assert {"Batu", "Bumiaji"} <= set(products["kecamatan"]["schema"]["enum"])
    assert sorted(products["skala"]["schema"]["items"]["enum"]) == sorted(BusinessScale.values)
    assert products["stok"]["schema"]["type"] == "boolean"
    assert products["tkdn_min"]["schema"] == {"type": "number", "minimum": 0, "maximum": 100}
    assert products["harga_min"]["schema"]["maximum"] == 10**15
    assert products["q"]["schema"]["maxLength"] == 200
    assert products["page"]["schema"] == {"type": "integer", "minimum": 1, "maximum": 10**6}
    records = _params(spec, "/data/ocds/records/")
    assert records["tahun"]["schema"] == {"type": "integer", "minimum": 2000, "maximum": 2100}
    assert records["dari"]["schema"]["format"] == "date"
    year = spec["paths"]["/data/ocds/bulk/{year}.jsonl"]["get"]["parameters"][0]
    assert year["schema"] == {"type": "integer", "minimum": 2000, "maximum": 2100}
    scale = spec["components"]["schemas"]["BusinessScaleEnum"]["enum"]
    assert sorted(scale) == sorted(BusinessScale.values)


def test_openapi_document_is_valid_and_generated_without_warnings(catalogue):
    from drf_spectacular.drainage import GENERATOR_STATS
    from drf_spectacular.generators import SchemaGenerator
    from drf_spectacular.validation import validate_schema

    GENERATOR_STATS.reset()
    schema = SchemaGenerator().get_schema(request=None, public=True)
    validate_schema(schema)
    assert not GENERATOR_STATS, "drf-spectacular warned while generating the spec"


@pytest.mark.parametrize("value", ["null", "1", "ya", "on"])
def test_stok_accepts_only_true_or_false(anon_client, catalogue, value):
    response = _get(anon_client, PRODUCTS, stok=value)
    assert response.status_code == 400
    assert "stok" in response.json()["errors"]


def test_stok_false_and_empty_do_not_filter(anon_client, catalogue):
    assert _get(anon_client, PRODUCTS, stok="false").json()["count"] == 3
    assert _get(anon_client, PRODUCTS, stok="").json()["count"] == 3
    assert _get(anon_client, PRODUCTS, stok="TRUE").json()["count"] == 2


def test_kecamatan_outside_the_fixed_set_is_400(anon_client, catalogue):
    response = _get(anon_client, PRODUCTS, kecamatan="Atlantis")
    assert response.status_code == 400
    assert "kecamatan" in response.json()["errors"]


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
@pytest.mark.parametrize(
    "url",
    [
        PRODUCTS,
        "/data/api/products/1/",
        "/data/api/categories/",
        VENDORS,
        "/data/api/vendors/x/",
        "/data/api/openapi.json",
        "/data/api/docs/",
        "/data/ocds/records/",
        "/data/ocds/bulk/2025.jsonl",
        "/data/ocds/records/ocds-ekl000-X/",
        "/data/ocds/ekstensi/katalog-lokal/extension.json",
    ],  # fmt: skip
)
def test_writes_are_405_json_with_allow(anon_client, method, url):
    response = getattr(anon_client, method)(url)
    assert response.status_code == 405
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["detail"]
    allowed = {m.strip() for m in response["Allow"].split(",")}
    assert {"GET", "HEAD"} <= allowed and not allowed & {"POST", "PUT", "PATCH", "DELETE"}


def test_writes_are_405_for_logged_in_users_too_not_a_csrf_page(bpbj_client):
    client = Client(enforce_csrf_checks=True)
    client.cookies = bpbj_client.cookies
    response = client.post(PRODUCTS)
    assert response.status_code == 405
    assert response.json()["detail"]


@pytest.mark.parametrize(
    "url",
    [
        "/data/api/products/abc/",
        "/data/api/products/99999999999999999999999/",
        "/data/api/vendors/a%20b/",
        "/data/ocds/bulk/null.jsonl",
        "/data/ocds/bulk/1999.jsonl",
        "/data/api/tidak-ada/",
        "/data/ocds/lain/",
    ],  # fmt: skip
)
def test_malformed_ids_and_unknown_paths_are_json_404(anon_client, url):
    response = anon_client.get(url)
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["detail"]


def test_product_id_beyond_64_bits_is_404_not_a_database_error(anon_client):
    response = anon_client.get(reverse("opendata:api_product_detail", args=[2**63]))
    assert response.status_code == 404
    assert response.json()["detail"]


@pytest.mark.parametrize(
    "name",
    [
        "opendata:index",
        "opendata:api_product_list",
        "opendata:api_category_list",
        "opendata:api_vendor_list",
        "opendata:openapi",
        "opendata:api_docs",
        "opendata:ocds_record_list",
    ],  # fmt: skip
)
def test_head_works_wherever_get_does(anon_client, catalogue, name):
    url = reverse(name)
    get = anon_client.get(url)
    head = anon_client.head(url)
    assert get.status_code == head.status_code == 200
    assert head["Content-Type"] == get["Content-Type"]
    assert head.content == b""


def test_head_and_options_on_details_and_bulk(anon_client, catalogue):
    make_order(OrderStatus.PAID)
    product = catalogue["micro"].products.get(name="Keripik Apel")
    for url in (reverse("opendata:api_product_detail", args=[product.pk]),
                reverse("opendata:api_vendor_detail", args=[catalogue["micro"].slug])):  # fmt: skip
        assert anon_client.head(url).status_code == 200
    bulk = anon_client.head(reverse("opendata:ocds_bulk", args=[2025]))
    assert bulk.status_code == 200
    assert bulk["Content-Type"].startswith("application/x-ndjson")
    assert "ocds-katalog-lokal-2025.jsonl" in bulk["Content-Disposition"]
    options = anon_client.options(PRODUCTS)
    assert options.status_code == 200
    assert {m.strip() for m in options["Allow"].split(",")} == {"GET", "HEAD", "OPTIONS"}


ORIGIN = "https://civic.example.org"


@pytest.mark.parametrize(
    "url",
    [
        PRODUCTS,
        "/data/api/categories/",
        "/data/api/openapi.json",
        "/data/ocds/records/",
        "/data/api/products/abc/",
    ],
)
def test_browsers_on_other_origins_may_read_the_open_data(anon_client, catalogue, url):
    response = anon_client.get(url, HTTP_ORIGIN=ORIGIN)
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in response
    head = anon_client.head(url, HTTP_ORIGIN=ORIGIN)
    assert head["Access-Control-Allow-Origin"] == "*"


def test_cors_preflight_allows_get_and_head_only(anon_client):
    response = anon_client.options(PRODUCTS, HTTP_ORIGIN=ORIGIN, HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET")
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    assert set(response["Access-Control-Allow-Methods"].split(", ")) == {"GET", "HEAD", "OPTIONS"}


def test_cors_exposes_the_headers_clients_need(anon_client, settings):
    settings.API_RATE_LIMIT = 1
    anon_client.get(PRODUCTS, HTTP_ORIGIN=ORIGIN)
    limited = anon_client.get(PRODUCTS, HTTP_ORIGIN=ORIGIN)
    assert limited.status_code == 429
    assert limited["Access-Control-Allow-Origin"] == "*"
    exposed = {h.strip().lower() for h in limited["Access-Control-Expose-Headers"].split(",")}
    assert {"retry-after", "x-total-count", "etag", "last-modified", "content-length"} <= exposed


def test_red_flag_page_is_not_opened_to_other_origins(bpbj_client):
    response = bpbj_client.get(reverse("opendata:red_flags"), HTTP_ORIGIN=ORIGIN)
    assert response.status_code == 200
    assert "Access-Control-Allow-Origin" not in response


def test_api_docs_are_served_from_our_own_static_files(anon_client):
    response = anon_client.get(reverse("opendata:api_docs"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    assert "/static/js/api-docs.js" in html
    assert reverse("opendata:openapi") in html
    assert "//cdn" not in html and "unpkg" not in html and "jsdelivr" not in html
    assert finders.find("drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js")
    assert finders.find("js/api-docs.js")


def test_api_datetimes_are_in_jakarta_time(anon_client, catalogue):
    product = _get(anon_client, PRODUCTS).json()["results"][0]
    assert product["published_at"].endswith("+07:00")
    vendor = _get(anon_client, VENDORS).json()["results"][0]
    assert vendor["verified_at"].endswith("+07:00")
