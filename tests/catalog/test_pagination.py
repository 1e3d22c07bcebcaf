"""Capped pagination of the public lists: no exact COUNT over a million rows."""

import functools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from catalog.models import Product
from catalog.pagination import CappedPaginator
from catalog.selectors import public_products
from catalog.views import public as public_views
from tests.factories import CategoryFactory, ProductFactory, VendorFactory


@pytest.fixture
def thirty(db):
    category = CategoryFactory(name="Olahan Apel", slug="olahan-apel")
    vendor = VendorFactory()
    return [ProductFactory(category=category, vendor=vendor) for _ in range(30)]


def test_small_lists_count_exactly(thirty):
    paginator = CappedPaginator(public_products(), 4, count_cap=100)
    assert paginator.count == 30
    assert not paginator.is_capped
    assert paginator.num_pages == 8
    assert len(paginator.get_page(8).object_list) == 2


def test_count_stops_at_the_cap_and_pages_go_on_past_it(thirty):
    paginator = CappedPaginator(public_products(), 4, count_cap=10, max_pages=20)
    assert paginator.count == 11  # counted up to cap + 1, never further
    assert paginator.is_capped
    page = paginator.get_page(7)  # beyond the counted rows
    assert page.number == 7
    assert len(page.object_list) == 4
    assert page.has_next() and page.has_previous()
    last = paginator.get_page(8)
    assert len(last.object_list) == 2
    assert not last.has_next()
    assert last.end_index() == 30


def test_pages_past_the_depth_limit_fall_back_to_the_last_allowed_page(thirty):
    paginator = CappedPaginator(public_products(), 4, count_cap=10, max_pages=3)
    assert paginator.get_page(999).number == 3
    assert not paginator.get_page(3).has_next()
    assert paginator.get_page("abc").number == 1


def test_the_count_query_does_not_compute_the_search_rank(thirty):
    paginator = CappedPaginator(public_products().order_by("-id"), 4, count_cap=10)
    with CaptureQueriesContext(connection) as ctx:
        assert paginator.count == 11
    (query,) = ctx.captured_queries
    assert "LIMIT 11" in query["sql"]
    assert "ORDER BY" not in query["sql"]


def test_product_list_keeps_filters_in_page_links(client, thirty):
    response = client.get(reverse("catalog:product_list"), {"kategori": "olahan-apel", "urut": "harga"})
    page = response.context["page_obj"]
    assert page.paginator.count == 30
    content = response.content.decode()
    assert "kategori=olahan-apel&amp;urut=harga&amp;page=2" in content
    page2 = client.get(
        reverse("catalog:product_list"), {"kategori": "olahan-apel", "urut": "harga", "page": 2}
    )
    assert page2.context["page_obj"].number == 2
    shown = [p.pk for p in page.object_list] + [p.pk for p in page2.context["page_obj"].object_list]
    assert sorted(shown) == sorted(p.pk for p in thirty)


def test_home_counts_are_cached_and_refreshed_when_a_product_changes(client, thirty):
    client.get(reverse("catalog:home"))
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("catalog:home"))
    assert response.context["product_count"] == 30
    assert not any("COUNT" in q["sql"] for q in ctx.captured_queries)
    Product.objects.filter(pk=thirty[0].pk).get().delete()
    assert client.get(reverse("catalog:home")).context["product_count"] == 29


def test_page_links_show_first_last_and_neighbours(thirty):
    paginator = CappedPaginator(public_products(), 2, count_cap=100)  # 15 pages
    assert paginator.page_links(1) == [1, 2, 3, None, 15]
    assert paginator.page_links(8) == [1, None, 6, 7, 8, 9, 10, None, 15]
    assert paginator.page_links(15) == [1, None, 13, 14, 15]
    capped = CappedPaginator(public_products(), 2, count_cap=10, max_pages=15)
    assert capped.page_links(8) == [1, None, 6, 7, 8, 9, 10]  # the last page is not known


@pytest.mark.django_db
def test_unfiltered_list_shows_the_same_exact_count_as_the_home_page(client, monkeypatch):
    category = CategoryFactory()
    vendor = VendorFactory()
    for _ in range(26):
        ProductFactory(category=category, vendor=vendor)
    # A cap below the catalogue's size: without the known total the list would say "20+".
    monkeypatch.setattr(public_views, "CappedPaginator", functools.partial(CappedPaginator, count_cap=20))
    response = client.get(reverse("catalog:product_list"), {"urut": "harga"})
    assert response.context["page_obj"].paginator.count == 26
    assert not response.context["page_obj"].paginator.is_capped
    assert "<strong>26</strong> produk" in response.content.decode()
    filtered = client.get(reverse("catalog:product_list"), {"kategori": category.slug})
    assert filtered.context["page_obj"].paginator.is_capped  # a filtered list still counts cheaply


def test_list_has_numbered_pages_with_first_and_last(client, thirty):
    response = client.get(reverse("catalog:product_list"), {"kategori": "olahan-apel"})
    html = response.content.decode()
    assert 'aria-current="page"' in html
    assert "kategori=olahan-apel&amp;page=2" in html  # 30 products, 24 a page: pages 1 and 2
    response = client.get(reverse("catalog:product_list"), {"kategori": "olahan-apel", "page": 2})
    html = response.content.decode()
    assert 'href="?kategori=olahan-apel"' in html  # page 1 without a page number


def test_a_page_past_the_end_leads_back(client, thirty):
    response = client.get(reverse("catalog:product_list"), {"page": 100})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Halaman 100 melewati akhir daftar." in html
    assert "Daftar ini hanya punya 2 halaman." in html
    assert 'href="?page=2"' in html and "Ke halaman terakhir" in html
    assert "Ke halaman pertama" in html
    assert "periksa ejaan" not in html
    # The last page's products are still shown under the notice.
    assert len(response.context["products"]) == 6


def test_a_capped_list_that_ends_before_the_page_leads_back(thirty):
    paginator = CappedPaginator(public_products(), 4, count_cap=10, max_pages=20)
    page = paginator.get_page(12)
    assert list(page.object_list) == []
    assert paginator.requested_past_end == 12


def test_a_search_without_results_offers_the_whole_catalogue(client, thirty):
    html = client.get(reverse("catalog:product_list"), {"q": "zzzzqqq"}).content.decode()
    assert "Tidak ada produk yang cocok." in html
    assert "Lihat semua produk" in html
