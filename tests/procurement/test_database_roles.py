"""The application's database role cannot switch the audit trail off (PostgreSQL only).

Production runs the app as a role with row rights only (docs/DEPLOY.md, "Two database roles").
The test connection is a superuser; ``SET ROLE`` to such a role, created inside the test's own
transaction (rolled back with it, so nothing outlives the test), makes every statement run with
exactly that role's rights.
"""

import os
from datetime import date
from decimal import Decimal

import pytest
from django.db import DatabaseError, connection, transaction

from catalog.models import PriceHistory, ProductEvent, ProductStatus, VendorEvent, VendorStatus
from documents.models import IssuedDocument
from procurement.models import (
    NegotiationOffer,
    NegotiationOfferLine,
    OrderEvent,
    OrderStatus,
    Payment,
    Receipt,
    ReceiptLine,
)

from .factories import make_order

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="roles and triggers are PostgreSQL's"),
    pytest.mark.django_db,
]

APPEND_ONLY = [
    VendorEvent,
    ProductEvent,
    PriceHistory,
    OrderEvent,
    NegotiationOffer,
    NegotiationOfferLine,
    Receipt,
    ReceiptLine,
    Payment,
    IssuedDocument,
]
APP_ROLE = f"ecatalog_app_probe_{os.getpid()}"


@pytest.fixture
def rows(buyer, treasurer, vendor, product, package):
    """One row in every append-only table."""
    order = make_order(buyer=buyer, package=package, items=[(product, 2)], status=OrderStatus.PAID)
    line = order.lines.get()
    offer = NegotiationOffer.objects.create(
        order=order, round=1, action=NegotiationOffer.Action.PROPOSE, actor=buyer, actor_role="buyer"
    )
    receipt = Receipt.objects.create(
        order=order, number=f"BAST-{order.pk}", received_on=date.today(), received_by=buyer
    )
    return {
        VendorEvent: VendorEvent.objects.create(vendor=vendor, to_status=VendorStatus.VERIFIED),
        ProductEvent: ProductEvent.objects.create(product=product, to_status=ProductStatus.PUBLISHED),
        PriceHistory: PriceHistory.objects.create(
            product=product, old_price=Decimal(1), new_price=Decimal(2)
        ),
        OrderEvent: OrderEvent.objects.create(order=order, actor_role="buyer", to_status=OrderStatus.SENT),
        NegotiationOffer: offer,
        NegotiationOfferLine: NegotiationOfferLine.objects.create(
            offer=offer, order_line=line, unit_price=Decimal(20000), quantity=2
        ),
        Receipt: receipt,
        ReceiptLine: ReceiptLine.objects.create(receipt=receipt, order_line=line, quantity=2),
        Payment: Payment.objects.create(
            order=order, amount=order.total, paid_on=date.today(), reference="TRF-1", recorded_by=treasurer
        ),
        IssuedDocument: IssuedDocument.objects.create(
            kind="sp",
            number=f"SP-{order.pk}",
            order=order,
            source_id=order.pk,
            code="0123456789ABCDEF",
            file="documents/sp.pdf",
            sha256="0" * 64,
            size=1,
            facts={},
        ),
    }


@pytest.fixture
def as_app_role(rows):
    """Run the body as a role granted what docs/DEPLOY.md grants the application, nothing more."""
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE ROLE {APP_ROLE} NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE")
        cursor.execute(f"GRANT USAGE ON SCHEMA public TO {APP_ROLE}")
        cursor.execute(f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {APP_ROLE}")
        cursor.execute(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {APP_ROLE}")
        cursor.execute(f"SET ROLE {APP_ROLE}")
    try:
        yield rows
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET ROLE")


def _refused(sql, params=(), match=""):
    """``sql`` fails with ``match`` and changes nothing (its savepoint is rolled back)."""
    with pytest.raises(DatabaseError, match=match), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def _settle_deferred_checks():
    # Django's foreign keys are checked at commit; PostgreSQL will not TRUNCATE a table with
    # checks still pending in the transaction, so run them now (as they would have been).
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def _table(model):
    return connection.ops.quote_name(model._meta.db_table)


def test_app_role_cannot_update_or_delete_any_append_only_row(as_app_role):
    for model, row in as_app_role.items():
        table = _table(model)
        _refused(f"UPDATE {table} SET id = id WHERE id = %s", [row.pk], match="append-only")
        _refused(f"DELETE FROM {table} WHERE id = %s", [row.pk], match="append-only")
        assert model.objects.filter(pk=row.pk).exists()


def test_app_role_cannot_truncate_an_append_only_table(as_app_role):
    for model in as_app_role:
        _refused(f"TRUNCATE {_table(model)} CASCADE", match="permission denied")
        assert model.objects.exists()


def test_truncate_is_refused_even_if_someone_granted_it_to_the_app_role(rows):
    # GRANT ALL (a common shortcut) includes TRUNCATE; the statement trigger still refuses it.
    _settle_deferred_checks()
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE ROLE {APP_ROLE} NOLOGIN")
        cursor.execute(f"GRANT USAGE ON SCHEMA public TO {APP_ROLE}")
        cursor.execute(f"GRANT ALL ON ALL TABLES IN SCHEMA public TO {APP_ROLE}")
        cursor.execute(f"SET ROLE {APP_ROLE}")
    try:
        for model in rows:
            _refused(f"TRUNCATE {_table(model)} CASCADE", match="append-only")
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET ROLE")
    for model in rows:
        assert model.objects.exists()


def test_app_role_cannot_disable_the_triggers(as_app_role):
    for model in as_app_role:
        for what in ("ALL", "USER", f"{model._meta.db_table}_append_only"):
            _refused(f"ALTER TABLE {_table(model)} DISABLE TRIGGER {what}", match="must be owner")


def test_app_role_cannot_switch_to_replica_mode_to_skip_triggers(as_app_role):
    _refused("SET session_replication_role = replica", match="permission denied")
    _refused("SET LOCAL session_replication_role = replica", match="permission denied")


def test_app_role_can_still_append_and_do_its_ordinary_work(as_app_role, vendor, product):
    VendorEvent.objects.create(
        vendor=vendor, from_status=VendorStatus.VERIFIED, to_status=VendorStatus.SUSPENDED
    )
    assert VendorEvent.objects.filter(vendor=vendor).count() == 2
    product.stock = 7
    product.save(update_fields=["stock"])
    product.refresh_from_db()
    assert product.stock == 7
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        assert cursor.fetchone()[0] == APP_ROLE


def test_even_the_owner_cannot_update_or_delete_append_only_rows(rows):
    for model, row in rows.items():
        _refused(f"UPDATE {_table(model)} SET id = id WHERE id = %s", [row.pk], match="append-only")
        _refused(f"DELETE FROM {_table(model)} WHERE id = %s", [row.pk], match="append-only")


def test_the_owner_may_still_truncate_for_test_flushes_and_bench_resets(rows):
    _settle_deferred_checks()
    with transaction.atomic():
        sid = transaction.savepoint()
        with connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {_table(VendorEvent)}")
        assert not VendorEvent.objects.exists()
        transaction.savepoint_rollback(sid)
    assert VendorEvent.objects.exists()
