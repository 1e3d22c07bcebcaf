"""The demo order seed: every status, consistent money, numbers and audit trail."""

from collections import defaultdict
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db.models import Sum
from django.utils import timezone

from procurement.models import (
    OPEN_STATUSES,
    PAID_STATUSES,
    Budget,
    OPDMember,
    Order,
    OrderStatus,
    Payment,
    RUPPackage,
)
from procurement.services import compute_totals
from tests.factories import OPDFactory, OPDMemberFactory, ProductFactory, UserFactory, VendorFactory

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def check_invariants():
    now = timezone.now()
    for package in RUPPackage.objects.all():
        orders = list(package.orders.all())
        # Staged payment moves each instalment from committed to spent as it is paid.
        assert package.committed == sum(
            (o.total - o.paid_amount for o in orders if o.status in OPEN_STATUSES), Decimal(0)
        )
        assert package.spent == sum((o.paid_amount for o in orders), Decimal(0))
        assert all(o.paid_amount == o.total for o in orders if o.status in PAID_STATUSES)
        assert package.pagu >= package.committed + package.spent
    sp = defaultdict(list)
    for order in Order.objects.prefetch_related("lines", "events"):
        lines = list(order.lines.all())
        totals = compute_totals([(ln.unit_price, ln.quantity) for ln in lines], ppn_rate=order.ppn_rate)
        assert (order.subtotal, order.total) == (totals.subtotal, totals.total)
        assert [ln.line_total for ln in lines] == totals.line_totals
        events = list(order.events.all())
        assert events[-1].to_status == order.status, order.number
        for before, after in zip(events, events[1:], strict=False):
            assert after.from_status == before.to_status and after.created_at >= before.created_at
        assert all(e.created_at <= now for e in events)
        assert order.created_at.year == order.fiscal_year
        if order.sp_sequence:
            sp[(order.opd_id, order.fiscal_year)].append(order.sp_sequence)
        assert sum((p.amount for p in order.payments.all()), Decimal(0)) == order.paid_amount
        if order.status in PAID_STATUSES:
            assert order.paid_amount == order.total and order.paid_at
        if order.status == OrderStatus.PARTIALLY_RECEIVED:
            assert 0 < sum(ln.received_quantity for ln in lines) < sum(ln.quantity for ln in lines)
    for seqs in sp.values():
        assert sorted(seqs) == list(range(1, len(seqs) + 1))


def test_seed_demo_orders_makes_every_status_with_consistent_money():
    opds = [OPDFactory() for _ in range(4)]
    pembeli = UserFactory(username="pembeli", role="buyer")
    OPDMember.objects.create(user=pembeli, opd=opds[1], position=OPDMember.Position.PPK)
    OPDMemberFactory(opd=opds[2])
    for _ in range(5):
        vendor = VendorFactory(is_pkp=_ % 2 == 0)
        for i in range(3):
            ProductFactory(vendor=vendor, price=Decimal(1500 + 1000 * i), min_order=1 + i)
    ProductFactory(price=Decimal("1000000"), stock=100)  # one that a larger quantity takes past Rp25 juta
    call_command("seed_demo_orders", orders=300)

    statuses = set(Order.objects.values_list("status", flat=True))
    assert statuses == {s.value for s in OrderStatus}
    assert set(Order.objects.filter(opd=opds[1]).values_list("status", flat=True)) == {
        s.value for s in OrderStatus
    }
    assert Budget.objects.count() == 8
    assert OPDMember.objects.filter(user__username__in=["kepala", "bendahara"], opd=opds[1]).count() == 2
    assert Order.objects.filter(fiscal_year=timezone.localdate().year - 1).exists()
    assert (
        Payment.objects.aggregate(s=Sum("amount"))["s"] == RUPPackage.objects.aggregate(s=Sum("spent"))["s"]
    )
    check_invariants()
    # Every approval records its amount, which covers the order's total (negotiation only lowered it).
    for order in Order.objects.filter(approved_by__isnull=False):
        assert order.approved_amount is not None and order.approved_amount >= order.total
    # The demo OPD has an order that crossed the threshold through an accepted negotiation.
    (crossed,) = Order.objects.filter(
        opd=opds[1],
        events__from_status=OrderStatus.NEGOTIATING,
        events__to_status=OrderStatus.PENDING_APPROVAL,
    )
    assert crossed.status == OrderStatus.PENDING_APPROVAL and crossed.approved_amount is None
    opds[1].refresh_from_db()
    assert crossed.total > opds[1].approval_threshold and crossed.sent_at and crossed.negotiation_rounds == 1
    assert all(ln.unit_price <= ln.catalog_unit_price for ln in crossed.lines.all())

    call_command("seed_demo_orders")  # second run: nothing new
    assert Order.objects.count() == 300


def test_seed_demo_deadlines_shows_orders_near_and_past_each_deadline():
    from catalog.models import Category, Product, VendorDocument
    from procurement.models import LatePaymentComplaint

    opds = [OPDFactory() for _ in range(2)]
    pembeli = UserFactory(username="pembeli", role="buyer")
    OPDMember.objects.create(user=pembeli, opd=opds[0], position=OPDMember.Position.PPK)
    UserFactory(username="pengelola", role="catalog_manager")
    food = Category.objects.create(name="Makanan & Minuman", slug="makanan-minuman")
    snacks = Category.objects.create(name="Keripik", slug="keripik", parent=food)
    penyedia = VendorFactory(user=UserFactory(username="penyedia"))
    other = VendorFactory()
    for i in range(3):
        ProductFactory(vendor=penyedia, price=Decimal(1500 + 1000 * i), stock=500)
    held = ProductFactory(vendor=other, category=snacks)
    call_command("seed_demo_orders", orders=40)
    call_command("seed_demo_deadlines")

    demo = {o.note.split(": ")[1]: o for o in Order.objects.filter(note__startswith="Demo tenggat")}
    assert demo["jawab-dekat"].status == OrderStatus.SENT
    assert demo["jawab-lewat"].status == OrderStatus.CANCELLED
    assert demo["nego-past"].status == OrderStatus.CANCELLED
    assert demo["nego-sepakat"].status == OrderStatus.SENT
    assert demo["ship-past"].shipment_late_at and not demo["ship-near"].shipment_late_at
    assert demo["bayar-lewat"].payment_overdue_at and not demo["bayar-dekat"].payment_overdue_at
    for order in demo.values():
        assert order.events.filter(actor_role="system").exclude(rule="").exists(), order.note
    assert LatePaymentComplaint.objects.filter(order=demo["bayar-lewat"], status="open").exists()
    # Staged payment: advance and first termin paid, the quantity doubled by an accepted addendum.
    staged = demo["termin"]
    assert staged.status == OrderStatus.PARTIALLY_RECEIVED
    assert [p.kind for p in staged.payments.order_by("id")] == ["advance", "termin"]
    assert staged.addenda.get().status == "accepted" and 0 < staged.paid_amount < staged.total
    assert VendorDocument.objects.filter(vendor=penyedia, valid_until__isnull=False).count() == 2
    held.refresh_from_db()
    assert held.held_for_document == "pirt" and not Product.objects.public().filter(pk=held.pk).exists()
    check_invariants()

    call_command("seed_demo_deadlines")  # second run: nothing new
    assert Order.objects.filter(note__startswith="Demo tenggat").count() == len(demo)


def test_seed_demo_documents_issues_pdfs_for_the_demo_opds_paid_orders(settings):
    from io import StringIO

    from documents.models import IssuedDocument

    opds = [OPDFactory() for _ in range(2)]
    pembeli = UserFactory(username="pembeli", role="buyer")
    OPDMember.objects.create(user=pembeli, opd=opds[0], position=OPDMember.Position.PPK)
    penyedia = VendorFactory(user=UserFactory(username="penyedia"))
    for i in range(3):
        ProductFactory(vendor=penyedia, price=Decimal(1500 + 1000 * i), stock=500)
    call_command("seed_demo_orders", orders=60)
    out = StringIO()
    call_command("seed_demo_documents", stdout=out)
    paid = Order.objects.filter(opd=opds[0], status__in=PAID_STATUSES, documents__isnull=False).distinct()
    assert 1 <= paid.count() <= 3
    for order in paid:
        kinds = sorted(order.documents.values_list("kind", flat=True))
        assert kinds.count("sp") == 1 and kinds.count("payment") == 1
        assert kinds.count("bast") == order.receipts.count()
    assert "paket audit" in out.getvalue()
    before = IssuedDocument.objects.count()
    call_command("seed_demo_documents", stdout=StringIO())  # second run: nothing new
    assert IssuedDocument.objects.count() == before
