"""The audit trail is append-only: the model, the queryset, the admin and (PostgreSQL) the database refuse changes."""

import pytest
from django.contrib.admin.sites import site
from django.db import DatabaseError, connection, transaction
from django.test import RequestFactory

from procurement.models import AuditTrailError, OrderEvent, OrderStatus

from .factories import make_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def event(buyer, package, product):
    order = make_order(buyer=buyer, package=package, items=[(product, 1)])
    return OrderEvent.objects.create(
        order=order, actor=buyer, actor_role="buyer", from_status="", to_status=OrderStatus.SENT, note="asli"
    )


def test_saving_an_existing_event_is_refused(event):
    event.note = "diubah"
    with pytest.raises(AuditTrailError):
        event.save()
    event.refresh_from_db()
    assert event.note == "asli"


def test_deleting_an_event_is_refused(event):
    with pytest.raises(AuditTrailError):
        event.delete()
    with pytest.raises(AuditTrailError):
        OrderEvent.objects.filter(pk=event.pk).delete()
    with pytest.raises(AuditTrailError):
        OrderEvent.objects.all().delete()
    assert OrderEvent.objects.filter(pk=event.pk).exists()


def test_bulk_updates_are_refused(event):
    with pytest.raises(AuditTrailError):
        OrderEvent.objects.filter(pk=event.pk).update(note="x")
    with pytest.raises(AuditTrailError):
        OrderEvent.objects.bulk_update([event], ["note"])
    event.refresh_from_db()
    assert event.note == "asli"


def test_the_order_cannot_be_deleted_from_under_its_trail(event):
    from django.db.models import ProtectedError

    with pytest.raises(ProtectedError):
        event.order.delete()


def test_admin_gives_nobody_add_change_or_delete_on_events(admin_user, event):
    request = RequestFactory().get("/admin/")
    request.user = admin_user
    model_admin = site._registry[OrderEvent]
    assert model_admin.has_view_permission(request, event)
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request, event)
    assert not model_admin.has_delete_permission(request, event)
    assert not model_admin.get_actions(request)


def test_admin_order_status_is_read_only(admin_user, event):
    from procurement.models import Order

    request = RequestFactory().get("/admin/")
    request.user = admin_user
    model_admin = site._registry[Order]
    readonly = model_admin.get_readonly_fields(request, event.order)
    assert {"status", "total", "sp_number", "rup_package"} <= set(readonly)
    assert not model_admin.has_delete_permission(request, event.order)


def test_admin_event_change_page_is_read_only(admin_client_bpbj, event):
    response = admin_client_bpbj.post(f"/admin/procurement/orderevent/{event.pk}/change/", {"note": "x"})
    assert response.status_code == 403
    response = admin_client_bpbj.post(f"/admin/procurement/orderevent/{event.pk}/delete/", {"post": "yes"})
    assert response.status_code == 403
    event.refresh_from_db()
    assert event.note == "asli"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger exists on PostgreSQL only")
def test_postgres_trigger_refuses_raw_update_and_delete(event):
    for sql in (
        "UPDATE procurement_orderevent SET note = 'x' WHERE id = %s",
        "DELETE FROM procurement_orderevent WHERE id = %s",
    ):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(sql, [event.pk])
    event.refresh_from_db()
    assert event.note == "asli"
