import json

import pytest
from django.urls import reverse

from opendata import ocds
from procurement.models import OrderStatus
from tests.factories import OPDFactory

from .factories import jkt, make_order
from .ocds_schema import errors

pytestmark = pytest.mark.django_db


def test_release_package_by_ocid_is_public_and_valid(anon_client):
    order = make_order(OrderStatus.COMPLETED)
    response = anon_client.get(reverse("opendata:ocds_release_package", args=[ocds.ocid_for(order)]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    package = response.json()
    assert errors("release-package-schema.json", package) == []
    assert len(package["releases"]) == 5
    assert package["publisher"]["name"]


def test_record_package_by_ocid_is_valid(anon_client):
    order = make_order(OrderStatus.RECEIVED)
    response = anon_client.get(reverse("opendata:ocds_record_package", args=[ocds.ocid_for(order)]))
    assert response.status_code == 200
    package = response.json()
    assert errors("record-package-schema.json", package) == []
    assert package["records"][0]["ocid"] == ocds.ocid_for(order)


@pytest.mark.parametrize("status", [OrderStatus.DRAFT, OrderStatus.PENDING_APPROVAL])
def test_unpublished_order_is_404(anon_client, status):
    order = make_order(status)
    for name in ("opendata:ocds_release_package", "opendata:ocds_record_package"):
        response = anon_client.get(reverse(name, args=[ocds.ocid_for(order)]))
        assert response.status_code == 404
        assert "detail" in response.json()


def test_unknown_ocid_is_404(anon_client):
    for ocid in ("ocds-ekl000-TIDAK-ADA", "bukan-ocid", "ocds-ekl000-"):
        response = anon_client.get(reverse("opendata:ocds_release_package", args=[ocid]))
        assert response.status_code == 404


def _list(client, **params):
    return client.get(reverse("opendata:ocds_record_list"), params)


def test_record_list_pages_with_links_and_cap(anon_client):
    for day in range(1, 6):
        make_order(OrderStatus.SENT, sent=jkt(2025, 2, day, 10))
    make_order(OrderStatus.DRAFT)
    first = _list(anon_client, page_size=2).json()
    assert errors("record-package-schema.json", first) == []
    assert len(first["records"]) == 2
    assert "prev" not in first.get("links", {})
    second = anon_client.get(first["links"]["next"]).json()
    assert second["links"]["prev"]
    third = anon_client.get(second["links"]["next"]).json()
    assert len(third["records"]) == 1
    assert "next" not in third["links"]
    ocids = [r["ocid"] for page in (first, second, third) for r in page["records"]]
    assert len(set(ocids)) == 5
    capped = _list(anon_client, page_size=100000)
    assert capped.status_code == 200
    assert capped["X-Total-Count"] == "5"


def test_record_list_filters_by_date_opd_and_year(anon_client):
    opd = OPDFactory(code="4.01.02")
    make_order(OrderStatus.SENT, opd=opd, sent=jkt(2025, 1, 10, 9))
    make_order(OrderStatus.SENT, sent=jkt(2025, 3, 10, 9))
    make_order(OrderStatus.SENT, sent=jkt(2024, 12, 31, 23, 30), fiscal_year=2024)

    def count(**params):
        return len(_list(anon_client, **params).json()["records"])

    assert count() == 3
    assert count(opd="4.01.02") == 1
    assert count(tahun=2024) == 1
    assert count(dari="2025-01-01") == 2
    assert count(dari="2025-01-01", sampai="2025-02-01") == 1
    # 23:30 WIB on 31 December is still 31 December in Jakarta (16:30 UTC).
    assert count(dari="2024-12-31", sampai="2024-12-31") == 1


@pytest.mark.parametrize(
    "params",
    [
        {"dari": "kemarin"},
        {"tahun": "abc"},
        {"page": "0"},
        {"page": "x"},
        {"page_size": "-3"},
        {"sampai": "2025-13-01"},
    ],
)
def test_record_list_bad_params_are_400(anon_client, params):
    response = _list(anon_client, **params)
    assert response.status_code == 400
    assert response.json()["errors"]


def test_record_list_page_past_the_end_is_404(anon_client):
    make_order(OrderStatus.SENT)
    assert _list(anon_client, page=9).status_code == 404


def test_record_list_query_count_is_bounded(anon_client, django_assert_max_num_queries):
    for i in range(15):
        make_order(OrderStatus.COMPLETED if i % 2 else OrderStatus.ACCEPTED, sent=jkt(2025, 4, 1 + i, 9))
    with django_assert_max_num_queries(9):
        response = _list(anon_client, page_size=50)
    assert len(response.json()["records"]) == 15


def test_bulk_download_streams_one_record_per_line_for_the_year(anon_client, django_assert_max_num_queries):
    for i in range(12):
        make_order(OrderStatus.PAID, sent=jkt(2025, 5, 1 + i, 9))
    make_order(OrderStatus.SENT, fiscal_year=2024, sent=jkt(2024, 5, 1, 9))
    make_order(OrderStatus.DRAFT)
    with django_assert_max_num_queries(12):
        response = anon_client.get(reverse("opendata:ocds_bulk", args=[2025]))
        assert response.streaming
        body = b"".join(response.streaming_content).decode()
    assert response.status_code == 200
    assert 'filename="ocds-katalog-lokal-2025.jsonl"' in response["Content-Disposition"]
    lines = body.strip().split("\n")
    assert len(lines) == 12
    for line in lines[:3]:
        record = json.loads(line)
        assert record["compiledRelease"]["planning"]["budget"]["id"]
        package = {"uri": "u", "version": "1.1", "publisher": {"name": "x"},
                   "publishedDate": record["compiledRelease"]["date"], "records": [record]}  # fmt: skip
        assert errors("record-package-schema.json", package) == []


def test_bulk_download_for_a_year_without_data_is_404(anon_client):
    assert anon_client.get(reverse("opendata:ocds_bulk", args=[2031])).status_code == 404


def test_open_data_page_explains_and_links(anon_client):
    make_order(OrderStatus.ACCEPTED)
    response = anon_client.get(reverse("opendata:index"))
    assert response.status_code == 200
    content = response.content.decode()
    assert "Open Contracting Data Standard" in content
    assert reverse("opendata:ocds_bulk", args=[2025]) in content
    assert reverse("opendata:openapi") in content
