"""Filters of the public catalogue: each one, combined, surviving paging, and bad input."""

from decimal import Decimal

import pytest
from django.urls import reverse

from catalog.filters import ProductFilter
from catalog.models import BusinessScale, Product, vendor_copy
from catalog.selectors import public_products
from tests.factories import CategoryFactory, KecamatanFactory, KelurahanFactory, ProductFactory, VendorFactory


@pytest.fixture
def catalogue(db):
    food = CategoryFactory(name="Makanan & Minuman", slug="makanan-minuman")
    apple = CategoryFactory(name="Olahan Apel", slug="olahan-apel", parent=food)
    atk = CategoryFactory(name="ATK", slug="atk")
    batu = KecamatanFactory(name="Batu", code="35.79.01")
    bumiaji = KecamatanFactory(name="Bumiaji", code="35.79.03")
    mikro = VendorFactory(
        business_name="UD Sari Apel", slug="ud-sari-apel", scale=BusinessScale.MIKRO,
        kelurahan=KelurahanFactory(kecamatan=bumiaji, name="Punten"),
    )  # fmt: skip
    kecil = VendorFactory(
        business_name="CV Kertas Jaya", slug="cv-kertas-jaya", scale=BusinessScale.KECIL,
        kelurahan=KelurahanFactory(kecamatan=batu, name="Sisir"),
    )  # fmt: skip
    besar = VendorFactory(
        business_name="PT Besar", slug="pt-besar", scale=BusinessScale.BESAR,
        kelurahan=KelurahanFactory(kecamatan=batu, name="Temas"),
    )  # fmt: skip
    return {
        "dodol": ProductFactory(
            name="Dodol Apel", vendor=mikro, category=apple, price=15000, tkdn=90, stock=50
        ),
        "sari": ProductFactory(name="Sari Apel", vendor=mikro, category=food, price=30000, tkdn=60, stock=0),
        "hvs": ProductFactory(
            name="Kertas HVS", vendor=kecil, category=atk, price=55000, tkdn=40, stock=10, min_order=20
        ),
        "map": ProductFactory(name="Map Plastik", vendor=besar, category=atk, price=5000, tkdn=0, stock=500),
    }


def filtered(**params):
    return {p.name for p in ProductFilter(params, queryset=public_products()).qs}


@pytest.mark.django_db
def test_category_includes_sub_categories(catalogue):
    assert filtered(kategori="makanan-minuman") == {"Dodol Apel", "Sari Apel"}
    assert filtered(kategori="olahan-apel") == {"Dodol Apel"}
    assert filtered(kategori="atk") == {"Kertas HVS", "Map Plastik"}


@pytest.mark.django_db
def test_price_range(catalogue):
    assert filtered(harga_min="15000") == {"Dodol Apel", "Sari Apel", "Kertas HVS"}
    assert filtered(harga_max="15000") == {"Dodol Apel", "Map Plastik"}
    assert filtered(harga_min="10000", harga_max="40000") == {"Dodol Apel", "Sari Apel"}


@pytest.mark.django_db
def test_vendor_kecamatan_scale_tkdn_stock(catalogue):
    assert filtered(penyedia="ud-sari-apel") == {"Dodol Apel", "Sari Apel"}
    assert filtered(kecamatan="Batu") == {"Kertas HVS", "Map Plastik"}
    assert filtered(skala=["mikro"]) == {"Dodol Apel", "Sari Apel"}
    assert filtered(skala=["mikro", "kecil"]) == {"Dodol Apel", "Sari Apel", "Kertas HVS"}
    assert filtered(tkdn_min="60") == {"Dodol Apel", "Sari Apel"}
    # In stock means enough stock for the minimum order.
    assert filtered(stok="on") == {"Dodol Apel", "Map Plastik"}


@pytest.mark.django_db
def test_filters_combine(catalogue):
    assert filtered(kategori="atk", kecamatan="Batu", skala=["kecil", "besar"], stok="on") == {"Map Plastik"}
    assert filtered(q="sari atau dodol", harga_max="20000", skala=["mikro"]) == {"Dodol Apel"}


@pytest.mark.django_db
def test_sorting(catalogue):
    def order(**params):
        return [p.name for p in ProductFilter(params, queryset=public_products()).qs]

    assert order(urut="harga") == ["Map Plastik", "Dodol Apel", "Sari Apel", "Kertas HVS"]
    assert order(urut="-harga") == ["Kertas HVS", "Sari Apel", "Dodol Apel", "Map Plastik"]
    newest = ProductFactory(name="Produk Terbaru", category=catalogue["map"].category)
    assert order(urut="terbaru")[0] == newest.name
    assert order()[0] == newest.name  # no query: newest first
    assert order(q="sari atau dodol", urut="harga") == ["Dodol Apel", "Sari Apel"]


@pytest.mark.django_db
def test_skala_filter_does_not_use_distinct(catalogue):
    assert ProductFilter.base_filters["skala"].distinct is False
    qs = ProductFilter({"skala": ["mikro", "kecil"]}, queryset=public_products()).qs
    assert "DISTINCT" not in str(qs.query)


@pytest.mark.django_db
def test_vendor_filter_is_not_a_select_of_all_vendors(client, catalogue):
    response = client.get(reverse("catalog:product_list"))
    content = response.content.decode()
    assert 'name="penyedia"' not in content or 'type="hidden" name="penyedia"' in content
    assert '<option value="ud-sari-apel"' not in content


BAD_INPUTS = [
    {"harga_min": "abc"},
    {"harga_max": "1e999"},
    {"harga_min": "-5"},
    {"harga_min": "NaN"},
    {"tkdn_min": "500"},
    {"tkdn_min": "x"},
    {"kategori": "tidak-ada"},
    {"kecamatan": "Atlantis"},
    {"skala": "raksasa"},
    {"urut": "nama; drop table"},
    {"stok": "mungkin"},
    {"penyedia": "x" * 400},
    {"page": "abc"},
    {"page": "99999"},
    {"page": "-1"},
    {"q": "x" * 1000},
]


@pytest.mark.django_db
@pytest.mark.parametrize("params", BAD_INPUTS, ids=lambda p: ",".join(p))
def test_bad_filter_input_never_fails_and_still_lists_results(client, catalogue, params):
    response = client.get(reverse("catalog:product_list"), params)
    assert response.status_code == 200
    assert response.context["page_obj"].paginator.count >= 1


@pytest.mark.django_db
def test_invalid_value_shows_the_form_error_and_applies_the_other_filters(client, catalogue):
    response = client.get(reverse("catalog:product_list"), {"harga_min": "abc", "kategori": "atk"})
    assert response.status_code == 200
    assert "harga_min" in response.context["form"].errors
    names = {p.name for p in response.context["products"]}
    assert names == {"Kertas HVS", "Map Plastik"}
    assert 'class="error"' in response.content.decode()


@pytest.mark.django_db
def test_filters_survive_pagination_links(client, catalogue):
    category = catalogue["map"].category
    vendor = catalogue["map"].vendor
    Product.objects.bulk_create(
        [
            Product(
                vendor=vendor, category=category, name=f"Map Arsip {i}", slug=f"map-arsip-{i}", unit="pcs",
                price=Decimal(1000 + i), stock=10, tkdn=Decimal("50"), status="published",
                **vendor_copy(vendor),
            )
            for i in range(30)
        ]
    )  # fmt: skip
    params = {"kategori": "atk", "skala": ["besar"], "urut": "harga", "harga_max": "9000"}
    response = client.get(reverse("catalog:product_list"), params)
    content = response.content.decode()
    assert response.context["page_obj"].paginator.count == 31
    next_link = "?kategori=atk&amp;skala=besar&amp;urut=harga&amp;harga_max=9000&amp;page=2"
    assert next_link in content
    page2 = client.get(reverse("catalog:product_list") + next_link.replace("&amp;", "&"))
    assert page2.context["page_obj"].number == 2
    assert len(page2.context["products"]) == 7
    assert page2.context["form"].cleaned_data["kategori"] == "atk"


@pytest.mark.django_db
def test_active_filter_chips_remove_one_filter_each(client, catalogue):
    response = client.get(
        reverse("catalog:product_list"), {"kategori": "atk", "skala": ["kecil", "besar"], "page": "1"}
    )
    chips = {chip["label"]: chip["url"] for chip in response.context["chips"]}
    assert chips["ATK"] == "/produk/?skala=kecil&skala=besar"
    assert chips["Kecil"] == "/produk/?kategori=atk&skala=besar"
    assert chips["Besar (non-UMKM)"] == "/produk/?kategori=atk&skala=kecil"


@pytest.mark.django_db
def test_filter_form_keeps_an_explicit_sort(client, catalogue):
    response = client.get(reverse("catalog:product_list"), {"q": "apel", "urut": "terbaru"})
    assert '<input type="hidden" name="urut" value="terbaru">' in response.content.decode()
    response = client.get(reverse("catalog:product_list"), {"q": "apel"})
    assert '<input type="hidden" name="urut"' not in response.content.decode()
