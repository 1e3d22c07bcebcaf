"""Read-replica routing: public GET pages read the catalogue from the replica; writes never do.

The test adds a second database alias, ``replica``, pointing at the test database itself
(as a real replica would hold the same rows), and watches which connection each query uses.
"""

import copy
import types

import pytest
from django.db import connections
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from catalog.models import Product
from ecatalog.db_router import REPLICA_ALIAS, ReplicaRouter, replica_reads

from ..factories import ProductFactory


@pytest.fixture
def replica(transactional_db, settings, django_db_blocker):
    connections.settings[REPLICA_ALIAS] = copy.deepcopy(connections["default"].settings_dict)
    settings.DATABASE_ROUTERS = ["ecatalog.db_router.ReplicaRouter"]
    conn = connections[REPLICA_ALIAS]
    # Django's test case refuses to open aliases it was not told about when it started; this
    # one is added afterwards, so it gets the unpatched method.
    conn.ensure_connection = types.MethodType(django_db_blocker._real_ensure_connection, conn)
    yield conn
    connections[REPLICA_ALIAS].close()
    del connections[REPLICA_ALIAS]
    del connections.settings[REPLICA_ALIAS]


def test_without_a_replica_everything_reads_from_default(db):
    router = ReplicaRouter()
    with replica_reads():
        assert router.db_for_read(Product) == "default"


def test_router_sends_only_catalogue_reads_inside_replica_block(replica):
    router = ReplicaRouter()
    assert router.db_for_read(Product) == "default"
    with replica_reads():
        assert router.db_for_read(Product) == REPLICA_ALIAS
        # A session or user read a moment after login must see the primary.
        assert router.db_for_read(User) == "default"
        assert router.db_for_write(Product) == "default"
    assert router.allow_migrate(REPLICA_ALIAS, "catalog") is False
    assert router.allow_migrate("default", "catalog") is True


def test_queryset_in_replica_block_runs_on_replica_and_locking_reads_on_default(replica):
    ProductFactory(name="Kopi Arabika Bumiaji")
    with replica_reads(), CaptureQueriesContext(replica) as on_replica:
        assert list(Product.objects.values_list("name", flat=True)) == ["Kopi Arabika Bumiaji"]
        assert Product.objects.select_for_update().db == "default"
    assert len(on_replica) == 1


@pytest.mark.urls("tests.security.replica_urls")
def test_public_get_page_reads_from_replica(client, replica):
    ProductFactory(name="Keripik Apel")
    with CaptureQueriesContext(replica) as on_replica:
        response = client.get("/produk/")
    assert response.content.decode() == "Keripik Apel"
    assert len(on_replica) == 1


@pytest.mark.urls("tests.security.replica_urls")
def test_vendor_pages_and_user_reads_stay_on_primary(client, replica):
    ProductFactory()
    with CaptureQueriesContext(replica) as on_replica:
        client.get("/usaha/produk/")
        client.get("/produk/pengguna/")
    assert len(on_replica) == 0


@pytest.mark.urls("tests.security.replica_urls")
def test_browser_reads_from_primary_for_a_while_after_it_writes(client, replica):
    ProductFactory()
    response = client.post("/produk/")
    assert response.cookies["baca_utama"]["max-age"] > 0
    with CaptureQueriesContext(replica) as on_replica:
        client.get("/produk/")
    assert len(on_replica) == 0
