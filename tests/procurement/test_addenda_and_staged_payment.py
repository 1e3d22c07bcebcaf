"""Addenda after the Surat Pesanan and staged payment (advance, termins per BAST, retention, PPh)."""

import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from catalog.models import Product
from procurement import payment_plan, services
from procurement.deadlines import bast_and_payment_dates
from procurement.models import Addendum, AddendumStatus, OrderEvent, OrderStatus, Payment, RUPPackage
from procurement.services import CheckoutError, TransitionError
from tests.factories import ProductFactory, VendorFactory

from .factories import RUPPackageFactory, make_order

pytestmark = pytest.mark.django_db
S = OrderStatus
TODAY = timezone.localdate


def checkout(buyer, packages, **kw):
    return services.checkout(
        user=buyer,
        token=uuid.uuid4().hex,
        expected=services.current_checkout_snapshot(buyer),
        packages=packages,
        delivery_address="Jl. Panglima Sudirman 507, Batu",
        needed_by=TODAY() + timedelta(days=7),
        **kw,
    )


def accepted_order(buyer, vendor, product, package, qty=10, **plan):
    services.add_to_cart(user=buyer, product_id=product.pk, quantity=qty)
    (order,) = checkout(buyer, {vendor.pk: package.pk}, plan=plan or None)
    services.accept_order(order=order, by=vendor.user)
    order.refresh_from_db()
    return order


def receive(order, buyer, qty):
    line = order.lines.get()
    return services.record_receipt(order=order, by=buyer, quantities={line.pk: qty}, received_on=TODAY())


# ------------------------------------------------------------------ staged payment


@pytest.fixture
def pkp_product(opd):
    vendor = VendorFactory(is_pkp=True)
    return ProductFactory(vendor=vendor, price=Decimal("33333"), stock=100, min_order=1)


def test_advance_two_termins_and_retention_add_up_to_the_total_to_the_rupiah(
    buyer, treasurer, pkp_product, package
):
    vendor = pkp_product.vendor
    order = accepted_order(
        buyer,
        vendor,
        pkp_product,
        package,
        qty=7,
        advance_percent="20",
        pay_per_bast=True,
        retention_percent="5",
        retention_until=TODAY(),
    )
    # 7 × 33.333 = 233.331; PPN 11% = 25.666; total 258.997.
    assert order.total == Decimal("258997")
    plan = payment_plan.schedule(order)
    assert [(i.key, i.amount) for i in plan] == [
        ("advance", Decimal("51799")),
        ("retention", Decimal("12950")),
    ]

    advance = services.record_payment(
        order=order, by=treasurer, paid_on=TODAY(), reference="SP2D-UM", pph_code="pph22"
    )
    assert (advance.kind, advance.amount) == (Payment.Kind.ADVANCE, Decimal("51799"))
    services.ship_order(order=order, by=vendor.user)
    first = receive(order, buyer, 3)
    termin1 = services.record_payment(
        order=order, by=treasurer, paid_on=TODAY(), reference="SP2D-T1", pph_code="pph22"
    )
    # Received value 3 × 33.333 + PPN = 110.999, minus advance recovered 22.200 and retention 5.550.
    assert (termin1.installment, termin1.receipt, termin1.amount) == (
        f"termin:{first.pk}",
        first,
        Decimal("83249"),
    )
    assert termin1.ppn_amount == Decimal("8250")  # the PPN inside 83.249
    assert termin1.pph_amount == Decimal("1125")  # 1.5% of 74.999
    assert termin1.net_amount == Decimal("82124")
    with pytest.raises(TransitionError, match="Tidak ada angsuran"):
        services.record_payment(order=order, by=treasurer, paid_on=TODAY(), reference="again")

    receive(order, buyer, 4)
    termin2 = services.record_payment(order=order, by=treasurer, paid_on=TODAY(), reference="SP2D-T2")
    assert termin2.amount == Decimal("110999") and termin2.pph_amount == 0
    order.refresh_from_db()
    assert order.status == S.RECEIVED  # the retention is still held
    retention = services.record_payment(order=order, by=treasurer, paid_on=TODAY(), reference="SP2D-RET")
    assert retention.amount == Decimal("12950")
    order.refresh_from_db()
    assert order.status == S.PAID and order.paid_amount == order.total
    assert sum(p.amount for p in order.payments.all()) == order.total
    package.refresh_from_db()
    assert package.committed == 0 and package.spent == order.total


def test_a_retention_is_not_paid_before_its_date(buyer, vendor, treasurer, product, package):
    until = TODAY() + timedelta(days=30)
    order = accepted_order(
        buyer, vendor, product, package, qty=4, retention_percent="5", retention_until=until
    )
    services.ship_order(order=order, by=vendor.user)
    receive(order, buyer, 4)
    services.record_payment(order=order, by=treasurer, paid_on=TODAY(), reference="SP2D-1")
    order.refresh_from_db()
    assert order.status == S.RECEIVED and order.paid_amount == Decimal("95000")
    with pytest.raises(TransitionError, match="belum jatuh tempo"):
        services.record_payment(
            order=order, by=treasurer, paid_on=TODAY(), reference="SP2D-2", installment="retention"
        )
    from procurement.deadlines import payment_clock

    clock = payment_clock(order)
    assert clock.start == until and not clock.overdue  # the payment deadline runs from the retention date


def test_the_default_plan_pays_nothing_before_full_receipt(buyer, vendor, treasurer, product, package):
    order = accepted_order(buyer, vendor, product, package, qty=4)
    assert [i.key for i in payment_plan.schedule(order)] == ["final"]
    with pytest.raises(TransitionError):
        services.record_payment(order=order, by=treasurer, paid_on=TODAY(), reference="X")
    assert not order.payments.exists()


@pytest.mark.parametrize(
    "plan, message",
    [
        ({"advance_percent": "31"}, "Uang muka harus antara 0 dan 30"),
        ({"retention_percent": "6", "retention_until": "2099-01-01"}, "Retensi harus antara 0 dan 5"),
        ({"retention_percent": "5"}, "sampai kapan retensi"),
        ({"advance_percent": "abc"}, "angka persen"),
    ],
)
def test_a_plan_beyond_the_citys_limits_is_refused_at_checkout(
    buyer, vendor, product, package, plan, message
):
    services.add_to_cart(user=buyer, product_id=product.pk, quantity=2)
    with pytest.raises(CheckoutError, match=message):
        checkout(buyer, {vendor.pk: package.pk}, plan=plan)
    assert not package.orders.exists()


def test_only_the_treasurer_records_an_advance(buyer, vendor, approver, product, package):
    order = accepted_order(buyer, vendor, product, package, qty=4, advance_percent="10")
    for user in (buyer, approver, vendor.user):
        with pytest.raises(TransitionError):
            services.record_payment(order=order, by=user, paid_on=TODAY(), reference="X")


def test_an_order_with_an_advance_paid_cannot_be_cancelled(buyer, vendor, treasurer, product, package):
    order = accepted_order(buyer, vendor, product, package, qty=4, advance_percent="10")
    services.record_payment(order=order, by=treasurer, paid_on=TODAY(), reference="UM")
    with pytest.raises(TransitionError, match="sudah dibayar sebagian"):
        services.cancel_order(order=order, by=buyer, reason="Tidak jadi")


def test_payment_timeliness_counts_each_termin_from_its_own_bast(buyer, vendor, treasurer, product, package):
    order = accepted_order(buyer, vendor, product, package, qty=4, pay_per_bast=True)
    services.ship_order(order=order, by=vendor.user)
    first = receive(order, buyer, 1)
    services.record_payment(order=order, by=treasurer, paid_on=TODAY(), reference="T1")
    second = receive(order, buyer, 3)
    services.record_payment(order=order, by=treasurer, paid_on=TODAY(), reference="T2")
    from procurement.models import Order

    rows = sorted(bast_and_payment_dates(Order.objects.filter(pk=order.pk)))
    assert len(rows) == 2
    assert {r[1] for r in rows} == {first.received_on, second.received_on}


# ------------------------------------------------------------------ addenda


def propose(order, by, qty=None, price=None, **kw):
    line = order.lines.get()
    lines = {
        line.pk: (price if price is not None else line.unit_price, qty if qty is not None else line.quantity)
    }
    return services.propose_addendum(
        order=order, by=by, lines=lines, reason=kw.pop("reason", "Tambah peserta"), **kw
    )


def test_an_accepted_addendum_moves_lines_totals_stock_and_pagu_together(buyer, vendor, product, package):
    order = accepted_order(buyer, vendor, product, package, qty=10)
    assert Product.objects.get(pk=product.pk).stock == 90
    addendum = propose(order, buyer, qty=15, needed_by=TODAY() + timedelta(days=20))
    assert addendum.status == AddendumStatus.PROPOSED and addendum.new_total == Decimal("375000")
    order.refresh_from_db()
    assert order.total == Decimal("250000")  # nothing moves until the vendor accepts
    with pytest.raises(TransitionError, match="pihak lain"):
        services.answer_addendum(addendum=addendum, by=buyer, accept=True)
    services.answer_addendum(addendum=addendum, by=vendor.user, accept=True)
    addendum.refresh_from_db()
    order.refresh_from_db()
    assert addendum.status == AddendumStatus.ACCEPTED
    assert addendum.number == f"{order.sp_number}/ADD-1"
    assert order.total == Decimal("375000") and order.needed_by == TODAY() + timedelta(days=20)
    assert order.lines.get().quantity == 15
    assert Product.objects.get(pk=product.pk).stock == 85
    assert RUPPackage.objects.get(pk=package.pk).committed == Decimal("375000")
    assert OrderEvent.objects.filter(order=order, note__contains="ADD-1").exists()


def test_a_declined_addendum_changes_nothing(buyer, vendor, product, package):
    order = accepted_order(buyer, vendor, product, package, qty=10)
    addendum = propose(order, vendor.user, qty=8, reason="Stok bahan terbatas")
    services.answer_addendum(addendum=addendum, by=buyer, accept=False, note="Tetap 10")
    order.refresh_from_db()
    assert order.total == Decimal("250000") and Addendum.objects.get().status == AddendumStatus.DECLINED


def test_an_addendum_below_what_was_received_is_refused(buyer, vendor, product, package):
    order = accepted_order(buyer, vendor, product, package, qty=10)
    services.ship_order(order=order, by=vendor.user)
    receive(order, buyer, 6)
    with pytest.raises(TransitionError, match="kurang dari yang sudah diterima"):
        propose(order, buyer, qty=5)
    with pytest.raises(TransitionError, match="sebagian sudah diterima"):
        propose(order, buyer, price=Decimal("20000"))


def test_an_addendum_above_the_pagu_is_refused(buyer, vendor, product, opd):
    package = RUPPackageFactory(opd=opd, pagu=Decimal("300000"))
    order = accepted_order(buyer, vendor, product, package, qty=10)
    with pytest.raises(TransitionError, match="Sisa pagu"):
        propose(order, buyer, qty=13)
    assert RUPPackage.objects.get(pk=package.pk).committed == Decimal("250000")


def test_an_addendum_above_the_stock_is_refused(buyer, vendor, product, package):
    order = accepted_order(buyer, vendor, product, package, qty=10)
    with pytest.raises(TransitionError, match="Stok .* tidak cukup"):
        propose(order, buyer, qty=10 + 91)


def test_an_addendum_price_above_the_one_in_force_is_refused(buyer, vendor, product, package):
    order = accepted_order(buyer, vendor, product, package, qty=10)
    with pytest.raises(TransitionError, match="tidak boleh melebihi harga yang berlaku"):
        propose(order, vendor.user, price=Decimal("25001"))


def test_an_addendum_below_what_was_paid_is_refused(buyer, vendor, treasurer, product, package):
    order = accepted_order(buyer, vendor, product, package, qty=10, advance_percent="30")
    services.record_payment(order=order, by=treasurer, paid_on=TODAY(), reference="UM")
    with pytest.raises(TransitionError, match="kurang dari yang sudah dibayar"):
        propose(order, buyer, qty=2)
    with pytest.raises(TransitionError, match="sebelum pembayaran pertama"):
        propose(order, buyer, qty=9, plan={"advance_percent": "10"})


def test_an_addendum_crossing_the_approval_threshold_waits_for_the_pa(
    buyer, vendor, approver, product, package, opd
):
    opd.approval_threshold = Decimal("300000")
    opd.save()
    order = accepted_order(buyer, vendor, product, package, qty=10)
    addendum = propose(order, vendor.user, qty=14)
    services.answer_addendum(addendum=addendum, by=buyer, accept=True)
    addendum.refresh_from_db()
    assert addendum.status == AddendumStatus.PENDING_APPROVAL
    assert order.lines.get().quantity == 10
    with pytest.raises(TransitionError, match="Hanya PA/KPA"):
        services.decide_addendum_approval(addendum=addendum, by=buyer, approve=True)
    services.decide_addendum_approval(addendum=addendum, by=approver, approve=True)
    order.refresh_from_db()
    assert order.total == Decimal("350000") and order.approved_amount == Decimal("350000")
    assert Addendum.objects.get().status == AddendumStatus.ACCEPTED


def test_an_addendum_removing_the_rest_completes_receipt(buyer, vendor, product, other_product, package):
    second = ProductFactory(vendor=vendor, price=Decimal("10000"), stock=20, min_order=1)
    services.add_to_cart(user=buyer, product_id=product.pk, quantity=4)
    services.add_to_cart(user=buyer, product_id=second.pk, quantity=3)
    (order,) = checkout(buyer, {vendor.pk: package.pk})
    services.accept_order(order=order, by=vendor.user)
    services.ship_order(order=order, by=vendor.user)
    first_line, second_line = order.lines.order_by("product_id" if product.pk < second.pk else "-product_id")
    services.record_receipt(order=order, by=buyer, quantities={first_line.pk: 4}, received_on=TODAY())
    addendum = services.propose_addendum(
        order=order, by=vendor.user, lines={second_line.pk: ("", 0)}, reason="Produk tidak lagi diproduksi"
    )
    services.answer_addendum(addendum=addendum, by=buyer, accept=True)
    order.refresh_from_db()
    assert order.status == S.RECEIVED and order.total == Decimal("100000")
    assert Product.objects.get(pk=second.pk).stock == 20
    assert RUPPackage.objects.get(pk=package.pk).committed == Decimal("100000")


def test_only_the_orders_parties_propose_and_one_addendum_waits_at_a_time(
    buyer, vendor, approver, treasurer, product, package, outsiders
):
    order = accepted_order(buyer, vendor, product, package, qty=10)
    for user in (approver, treasurer, *outsiders.values()):
        with pytest.raises(TransitionError):
            propose(order, user, qty=11)
    propose(order, buyer, qty=11)
    with pytest.raises(TransitionError, match="menunggu jawaban"):
        propose(order, vendor.user, qty=9)


def test_an_addendum_before_the_surat_pesanan_is_refused(buyer, vendor, product, package):
    order = make_order(buyer=buyer, package=package, items=[(product, 3)])
    with pytest.raises(TransitionError, match="setelah Surat Pesanan"):
        propose(order, buyer, qty=4)


def test_a_payment_plan_changed_by_addendum_before_the_first_payment(
    buyer, vendor, treasurer, product, package
):
    order = accepted_order(buyer, vendor, product, package, qty=10)
    addendum = propose(order, buyer, plan={"advance_percent": "20", "pay_per_bast": True}, reason="Uang muka")
    services.answer_addendum(addendum=addendum, by=vendor.user, accept=True)
    order.refresh_from_db()
    assert order.advance_percent == Decimal("20") and order.pay_per_bast
    payment = services.record_payment(order=order, by=treasurer, paid_on=TODAY(), reference="UM")
    assert payment.amount == Decimal("50000")


def test_the_opd_index_counts_each_termin_from_its_own_bast(buyer, vendor, treasurer, product, package, opd):
    from opd_scoring.models import PeriodKind
    from opd_scoring.services import compute_components, get_period
    from procurement.models import Order

    order = accepted_order(buyer, vendor, product, package, qty=4, pay_per_bast=True)
    services.ship_order(order=order, by=vendor.user)
    Order.objects.filter(pk=order.pk).update(shipped_at=timezone.now() - timedelta(days=10))
    line = order.lines.get()
    day = TODAY() - timedelta(days=10)
    services.record_receipt(order=order, by=buyer, quantities={line.pk: 1}, received_on=day)
    services.record_payment(order=order, by=treasurer, paid_on=day + timedelta(days=5), reference="T1")
    receive(order, buyer, 3)
    services.record_payment(order=order, by=treasurer, paid_on=TODAY(), reference="T2")
    period = get_period(kind=PeriodKind.YEAR, year=TODAY().year)
    values = compute_components(period, opd_ids=[opd.pk])
    # Termin 1 paid 5 days after its BAST, termin 2 on the day of its BAST: median 2.5 days
    # (from the last BAST to the last payment it would be 0).
    assert values[opd.pk]["payment_days"] == Decimal("2.5")
