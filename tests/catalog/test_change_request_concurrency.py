"""Concurrent decisions and requests on PostgreSQL: one decision per request, one open request per vendor."""

import threading

import pytest
from django.db import connection, connections

from accounts.models import Role, User
from catalog import services
from catalog.models import Vendor, VendorChangeRequest, VendorEvent
from tests.factories import UserFactory, VendorFactory

pytestmark = [
    pytest.mark.slow,
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
]

THREADS = 8


def run_concurrently(target, args_list):
    barrier = threading.Barrier(len(args_list))
    results, errors = [], []
    lock = threading.Lock()

    def worker(args):
        try:
            barrier.wait()
            outcome = target(*args)
            with lock:
                results.append(outcome)
        except services.CatalogError as exc:
            with lock:
                errors.append(exc.message)
        except Exception as exc:  # a deadlock or a constraint error would land here and fail the test
            with lock:
                errors.append(f"UNEXPECTED {type(exc).__name__}: {exc}")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(a,)) for a in args_list]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results, errors


def test_concurrent_approvals_and_rejections_decide_a_request_once():
    vendor = VendorFactory()
    change = services.request_vendor_change(vendor=vendor, changes={"is_pkp": True}, by=vendor.user)
    curators = [UserFactory(role=Role.CATALOG_MANAGER) for _ in range(THREADS)]

    def decide(i, user_id):
        by = User.objects.get(pk=user_id)
        request = VendorChangeRequest.objects.get(pk=change.pk)
        if i % 2:
            return services.approve_vendor_change(change_request=request, by=by).status
        return services.reject_vendor_change(change_request=request, by=by, reason="Tidak").status

    results, errors = run_concurrently(decide, [(i, u.pk) for i, u in enumerate(curators)])
    assert not [e for e in errors if e.startswith("UNEXPECTED")], errors
    assert len(results) == 1 and len(errors) == THREADS - 1
    assert all("sudah" in e for e in errors)
    decisions = VendorEvent.objects.filter(vendor=vendor, note__contains=f"#{change.pk} di").exclude(
        note__contains="diajukan"
    )
    assert decisions.count() == 1
    assert Vendor.objects.get(pk=vendor.pk).is_pkp == (results[0] == VendorChangeRequest.Status.APPROVED)


def test_concurrent_requests_leave_one_open_request():
    vendor = VendorFactory()

    def request(i):
        v = Vendor.objects.get(pk=vendor.pk)
        return services.request_vendor_change(
            vendor=v, changes={"npwp": f"{123456789012340 + i:015d}"}, by=v.user
        ).pk

    results, errors = run_concurrently(request, [(i,) for i in range(THREADS)])
    assert not [e for e in errors if e.startswith("UNEXPECTED")], errors
    assert len(results) == 1 and len(errors) == THREADS - 1
    assert VendorChangeRequest.objects.filter(vendor=vendor, status="pending").count() == 1
