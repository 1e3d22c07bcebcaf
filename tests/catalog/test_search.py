"""Text search: Indonesian query rewriting, LIKE on SQLite, ranked full-text search on PostgreSQL."""

import pytest
from django.db import connection
from django.urls import reverse

from catalog.models import Product
from catalog.search import parse_query, search_products
from tests.factories import ProductFactory, VendorFactory

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL full-text search and trigram only"
)


def names(queryset):
    return {p.name for p in queryset}


def search(q, **kwargs):
    return search_products(Product.objects.public(), q, **kwargs)


# --- query rewriting (no database) -----------------------------------------------------------


def test_atau_becomes_or_and_stopwords_are_dropped():
    parsed = parse_query("kertas untuk kantor atau printer yang murah")
    assert parsed.to_websearch() == "kertas kantor or printer murah"


def test_tanpa_and_bukan_negate_the_next_word():
    assert parse_query("sari apel tanpa gula").to_websearch() == "sari apel -gula"
    assert parse_query("kopi bukan sachet").to_websearch() == "kopi -sachet"


def test_dangling_or_and_only_stopwords_are_harmless():
    assert parse_query("atau kertas atau").to_websearch() == "kertas"
    assert not parse_query("yang dan di untuk")
    assert not parse_query("   ")


def test_quoted_phrases_and_punctuation():
    assert parse_query('"kertas hvs" A4!').to_websearch() == '"kertas hvs" a4'
    assert parse_query("keripik, apel; (pedas)").to_websearch() == "keripik apel pedas"


def test_very_long_queries_are_bounded():
    parsed = parse_query("apel " * 500)
    assert len(parsed.positive_terms) <= 12


# --- both databases --------------------------------------------------------------------------


@pytest.fixture
def products(db):
    return {
        "keripik": ProductFactory(name="Keripik Apel Manalagi", description="Camilan renyah khas Batu."),
        "kertas": ProductFactory(name="Kertas HVS A4 80 gsm", description="Kertas putih untuk kantor."),
        "tinta": ProductFactory(name="Tinta Printer Hitam", description="Isi ulang tinta printer kantor."),
        "sari": ProductFactory(name="Sari Apel Tanpa Gula", description="Minuman sari buah apel."),
        "sari_gula": ProductFactory(name="Sari Apel Manis", description="Minuman apel dengan gula tebu."),
    }


@pytest.mark.django_db
def test_search_finds_words_in_name_and_description(products):
    assert names(search("keripik")) == {"Keripik Apel Manalagi"}
    assert names(search("renyah")) == {"Keripik Apel Manalagi"}


@pytest.mark.django_db
def test_all_words_must_match(products):
    assert names(search("sari apel manis")) == {"Sari Apel Manis"}


@pytest.mark.django_db
def test_atau_finds_either_word(products):
    assert names(search("kertas atau printer")) == {"Kertas HVS A4 80 gsm", "Tinta Printer Hitam"}


@pytest.mark.django_db
def test_bukan_excludes_a_word(products):
    assert names(search("sari apel bukan tebu")) == {"Sari Apel Tanpa Gula"}


@pytest.mark.django_db
def test_stopwords_do_not_prevent_matches(products):
    assert names(search("tinta untuk printer")) == {"Tinta Printer Hitam"}


@pytest.mark.django_db
def test_ranked_search_puts_name_matches_first(products):
    ProductFactory(name="Sabun Cuci Tangan", description="Wangi apel segar, cocok untuk kantor.")
    results = list(search("apel"))
    assert results[-1].name == "Sabun Cuci Tangan"


@pytest.mark.django_db
def test_empty_query_leaves_the_queryset_unchanged(products):
    assert search("").count() == 5
    assert search("yang dan").count() == 5


@pytest.mark.django_db
def test_search_page_shows_results_and_never_fails_on_odd_input(client, products):
    url = reverse("catalog:product_list")
    assert "Keripik Apel Manalagi" in client.get(url, {"q": "keripik"}).content.decode()
    for q in ['"', "-", "atau", "a & b | !c", "'; DROP TABLE x; --", "(((", "x" * 5000, "\x00", "%_%"]:
        assert client.get(url, {"q": q}).status_code == 200


@pytest.mark.django_db
def test_description_words_match_on_both_databases(products):
    vendor = VendorFactory(business_name="UD Brosem Junggo")
    ProductFactory(vendor=vendor, name="Jenang Apel", description="Jenang apel Brosem asli.")
    assert "Jenang Apel" in names(search("brosem"))


# --- PostgreSQL only -------------------------------------------------------------------------


@postgres_only
@pytest.mark.django_db
def test_indonesian_stemming_matches_word_forms():
    ProductFactory(name="Paket Beli Banyak ATK", description="Diskon untuk pembeli OPD.")
    ProductFactory(name="Perlengkapan Rapat Meja", description="Taplak dan papan nama.")
    assert "Paket Beli Banyak ATK" in names(search("pembelian"))
    assert "Paket Beli Banyak ATK" in names(search("dibeli"))
    assert "Perlengkapan Rapat Meja" in names(search("lengkap"))


@postgres_only
@pytest.mark.django_db
def test_postgres_ranks_results(products):
    ProductFactory(name="Apel Apel Apel Manalagi Segar", description="Apel segar dari kebun apel Bumiaji.")
    results = list(search("apel manalagi"))
    assert results[0].name == "Apel Apel Apel Manalagi Segar"
    assert all(hasattr(p, "rank") for p in results)


@postgres_only
@pytest.mark.django_db
def test_typo_falls_back_to_trigram_similarity(products):
    results = list(search("kripik"))
    assert [p.name for p in results] == ["Keripik Apel Manalagi"]
    assert names(search("kertass")) == {"Kertas HVS A4 80 gsm"}


@postgres_only
@pytest.mark.django_db
def test_ranking_is_limited_to_a_capped_candidate_set(products, monkeypatch):
    import catalog.search

    monkeypatch.setattr(catalog.search, "RANK_CANDIDATE_CAP", 1)
    assert search("apel").count() == 1
    assert search("apel", ranked=False).count() == 3
