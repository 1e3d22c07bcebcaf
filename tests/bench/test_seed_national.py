"""seed_national at a tiny size: deterministic, every order state, invariants hold (PostgreSQL only)."""

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from catalog.national_data import check_invariants
from procurement.models import OrderStatus

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

TINY = [
    "--products",
    "600",
    "--vendors",
    "60",
    "--opds",
    "6",
    "--order-lines",
    "2500",
    "--packages-per-opd",
    "3",
]


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("seed_national loads with PostgreSQL COPY")


def _fingerprint() -> tuple:
    with connection.cursor() as cur:
        cur.execute(
            "SELECT md5(string_agg(name || price || stock || status, ',' ORDER BY id)) FROM catalog_product"
        )
        products = cur.fetchone()[0]
        cur.execute(
            "SELECT md5(string_agg(number || status || total, ',' ORDER BY id)) FROM procurement_order"
        )
        orders = cur.fetchone()[0]
    return products, orders


def _run(*extra):
    call_command("seed_national", "--reset", *TINY, *extra)


@pytest.mark.django_db(transaction=True)
def test_seed_is_deterministic_and_keeps_every_invariant():
    _run("--seed", "7")
    first = _fingerprint()
    with connection.cursor() as cur:
        assert check_invariants(cur) == dict.fromkeys(check_invariants(cur), 0)
        cur.execute("SELECT count(*) FROM catalog_product")
        assert cur.fetchone()[0] == 600
        cur.execute("SELECT count(*) FROM procurement_orderline")
        assert cur.fetchone()[0] == 2500
        cur.execute("SELECT DISTINCT status FROM procurement_order")
        assert {r[0] for r in cur.fetchall()} == set(OrderStatus.values)
        cur.execute("SELECT count(DISTINCT fiscal_year) FROM procurement_order")
        assert cur.fetchone()[0] == 2
        # The stored tsvector is computed by PostgreSQL, and search works on it.
        cur.execute("SELECT count(*) FROM catalog_product WHERE search_vector IS NULL")
        assert cur.fetchone()[0] == 0
        # Secondary indexes were rebuilt after loading.
        cur.execute("SELECT count(*) FROM pg_indexes WHERE indexname = 'product_search_vector_gin'")
        assert cur.fetchone()[0] == 1
    _run("--seed", "7")
    assert _fingerprint() == first
    _run("--seed", "8")
    assert _fingerprint() != first


@pytest.mark.django_db(transaction=True)
def test_seed_refuses_to_load_over_existing_data_without_reset():
    _run()
    with pytest.raises(CommandError):
        call_command("seed_national", *TINY)


@pytest.mark.django_db(transaction=True)
def test_generated_buyer_can_log_in_with_the_given_password(client):
    _run("--password", "sandi-uji-nasional")
    assert client.login(username="nas-opd0001-ppk", password="sandi-uji-nasional")
