"""Real concurrent checkouts and acceptances on PostgreSQL: no oversold stock, no overspent pagu."""

import threading
import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection, connections
from django.utils import timezone

from accounts.models import User
from catalog.models import Product
from procurement import services
from procurement.models import CartItem, Order, OrderStatus, RUPPackage
from tests.factories import OPDFactory, OPDMemberFactory, ProductFactory, VendorFactory

from .factories import RUPPackageFactory

pytestmark = [
    pytest.mark.slow,
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
]

THREADS = 16


def run_concurrently(target, args_list):
    """Start every call at once (barrier); each thread uses and closes its own connection."""
    barrier = threading.Barrier(len(args_list))
    results, errors = [], []
    lock = threading.Lock()

    def worker(args):
        try:
            barrier.wait()
            outcome = target(*args)
            with lock:
                results.append(outcome)
        except services.ProcurementError as exc:
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


def test_concurrent_checkouts_never_overspend_and_acceptances_never_oversell():
    opd = OPDFactory()
    vendor = VendorFactory()
    product = ProductFactory(vendor=vendor, price=Decimal("100000"), stock=50, min_order=1)
    # 16 buyers each order 5 units (Rp500.000): the pagu fits 10 orders, the stock 10 acceptances... of 5.
    package = RUPPackageFactory(opd=opd, pagu=Decimal("5000000"))
    buyers = [OPDMemberFactory(opd=opd).user for _ in range(THREADS)]
    for buyer in buyers:
        CartItem.objects.create(user=buyer, product=product, quantity=5)
    Product.objects.filter(pk=product.pk).update(stock=40)  # after the carts: room for 8 acceptances

    def checkout(user_id):
        user = User.objects.get(pk=user_id)
        return services.checkout(
            user=user,
            token=uuid.uuid4().hex,
            expected=services.current_checkout_snapshot(user),
            packages={vendor.pk: package.pk},
            delivery_address="Balai Kota Among Tani",
            needed_by=timezone.localdate() + timedelta(days=5),
        )

    # Stock is re-checked at checkout (5 <= 40) but only reserved at acceptance.
    results, errors = run_concurrently(checkout, [(b.pk,) for b in buyers])
    assert not [e for e in errors if e.startswith("UNEXPECTED")], errors
    assert len(results) == 10 and len(errors) == 6
    assert all("Sisa pagu" in e for e in errors)
    package.refresh_from_db()
    assert package.committed == Decimal("5000000") == package.pagu
    assert Order.objects.count() == 10

    def accept(order_id):
        order = Order.objects.get(pk=order_id)
        return services.accept_order(order=order, by=User.objects.get(pk=vendor.user_id)).pk

    results, errors = run_concurrently(accept, [(o.pk,) for o in Order.objects.all()])
    assert not [e for e in errors if e.startswith("UNEXPECTED")], errors
    assert len(results) == 8 and len(errors) == 2
    product.refresh_from_db()
    assert product.stock == 0
    accepted = Order.objects.filter(status=OrderStatus.ACCEPTED)
    assert accepted.count() == 8
    # SP numbers stay unique and gapless under concurrency.
    assert sorted(accepted.values_list("sp_sequence", flat=True)) == list(range(1, 9))


def test_concurrent_double_submit_creates_one_set_of_orders():
    opd = OPDFactory()
    vendor = VendorFactory()
    product = ProductFactory(vendor=vendor, price=Decimal("10000"), stock=100)
    package = RUPPackageFactory(opd=opd, pagu=Decimal("10000000"))
    buyer = OPDMemberFactory(opd=opd).user
    CartItem.objects.create(user=buyer, product=product, quantity=3)
    token = uuid.uuid4().hex
    confirmed = services.current_checkout_snapshot(buyer)

    def submit():
        return tuple(
            o.pk
            for o in services.checkout(
                user=User.objects.get(pk=buyer.pk),
                token=token,
                expected=confirmed,
                packages={vendor.pk: package.pk},
                delivery_address="Balai Kota",
                needed_by=timezone.localdate() + timedelta(days=5),
            )
        )

    results, errors = run_concurrently(submit, [() for _ in range(8)])
    assert not errors
    assert len(set(results)) == 1
    assert Order.objects.count() == 1
    assert RUPPackage.objects.get(pk=package.pk).committed == Decimal("30000")


def test_concurrent_addenda_and_instalment_payments_move_stock_pagu_and_money_once():
    opd = OPDFactory()
    buyer = OPDMemberFactory(opd=opd).user
    treasurer = OPDMemberFactory(opd=opd, position="treasurer").user
    vendor = VendorFactory()
    product = ProductFactory(vendor=vendor, price=Decimal("10000"), stock=30, min_order=1)
    package = RUPPackageFactory(opd=opd, pagu=Decimal("10000000"))
    services.add_to_cart(user=buyer, product_id=product.pk, quantity=10)
    (order,) = services.checkout(
        user=buyer,
        token=uuid.uuid4().hex,
        expected=services.current_checkout_snapshot(buyer),
        packages={vendor.pk: package.pk},
        delivery_address="Balai Kota",
        needed_by=timezone.localdate() + timedelta(days=5),
        plan={"advance_percent": "20"},
    )
    services.accept_order(order=order, by=vendor.user)
    line = order.lines.get()

    # Many treasurers' clicks on the same advance: one payment.
    results, errors = run_concurrently(
        lambda ref: services.record_payment(
            order=order, by=treasurer, paid_on=timezone.localdate(), reference=ref, installment="advance"
        ),
        [(f"UM-{i}",) for i in range(THREADS)],
    )
    assert len(results) == 1 and not [e for e in errors if e.startswith("UNEXPECTED")], errors
    # Many proposals at once: one waits for the vendor, the others are refused with a message.
    results, errors = run_concurrently(
        lambda qty: services.propose_addendum(
            order=order, by=buyer, lines={line.pk: ("", qty)}, reason="Tambah"
        ),
        [(11 + i % 5,) for i in range(THREADS)],
    )
    assert len(results) == 1 and not [e for e in errors if e.startswith("UNEXPECTED")], errors
    services.answer_addendum(addendum=results[0], by=vendor.user, accept=True)

    order.refresh_from_db()
    package.refresh_from_db()
    assert order.paid_amount == Decimal("20000") and order.payments.count() == 1
    assert package.spent == Decimal("20000") and package.committed == order.total - Decimal("20000")
    assert Product.objects.get(pk=product.pk).stock == 30 - order.lines.get().quantity
