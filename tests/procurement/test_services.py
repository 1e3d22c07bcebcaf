"""Service rules: checkout, budget, stock, approval, negotiation, receipt, payment, numbering."""

import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone

from catalog.models import Product, ProductStatus
from procurement import services
from procurement.models import (
    OPEN_STATUSES,
    PAID_STATUSES,
    CartItem,
    NegotiationOffer,
    Notification,
    Order,
    OrderStatus,
    RUPPackage,
)
from procurement.services import CheckoutError, ProcurementError, TransitionError
from tests.factories import ProductFactory

from .factories import RUPPackageFactory, make_order

pytestmark = pytest.mark.django_db
S = OrderStatus
TODAY = timezone.localdate


def checkout(buyer, packages, token=None, expected=None, **kw):
    """Check out as a buyer who confirmed the cart as it stands (unless ``expected`` says otherwise)."""
    return services.checkout(
        user=buyer,
        token=token or uuid.uuid4().hex,
        expected=expected or services.current_checkout_snapshot(buyer),
        packages=packages,
        delivery_address="Jl. Panglima Sudirman 507, Batu",
        needed_by=TODAY() + timedelta(days=7),
        **kw,
    )


def assert_package_consistent(package):
    """committed = open orders' totals, spent = paid orders' totals, never above the pagu."""
    package.refresh_from_db()
    orders = list(package.orders.all())
    assert package.committed == sum((o.total for o in orders if o.status in OPEN_STATUSES), Decimal(0))
    assert package.spent == sum((o.total for o in orders if o.status in PAID_STATUSES), Decimal(0))
    assert package.committed + package.spent <= package.pagu


# ------------------------------------------------------------------ cart


def test_cart_respects_min_order_and_stock(buyer, other_product):
    with pytest.raises(ProcurementError, match="Minimal pesan"):
        services.add_to_cart(user=buyer, product_id=other_product.pk, quantity=1)
    with pytest.raises(ProcurementError, match="Stok"):
        services.add_to_cart(user=buyer, product_id=other_product.pk, quantity=51)
    item = services.add_to_cart(user=buyer, product_id=other_product.pk, quantity=2)
    services.add_to_cart(user=buyer, product_id=other_product.pk, quantity=3)
    item.refresh_from_db()
    assert item.quantity == 5


@pytest.mark.parametrize("bad", ["abc", "-3", "0", "1e3", "99999999999999999999", "", None, "2.5"])
def test_cart_refuses_bad_quantities_with_a_message(buyer, product, bad):
    with pytest.raises(ProcurementError):
        services.add_to_cart(user=buyer, product_id=product.pk, quantity=bad)
    assert not CartItem.objects.exists()


def test_cart_refuses_unpublished_products_and_non_buyers(buyer, vendor, product):
    product.status = ProductStatus.SUBMITTED
    product.save()
    with pytest.raises(ProcurementError, match="tidak tersedia"):
        services.add_to_cart(user=buyer, product_id=product.pk, quantity=1)
    with pytest.raises(ProcurementError, match="Pejabat Pengadaan"):
        services.add_to_cart(user=vendor.user, product_id=product.pk, quantity=1)


def test_cart_update_and_remove_touch_only_own_items(buyer, other_opd_member, product):
    item = services.add_to_cart(user=buyer, product_id=product.pk, quantity=2)
    with pytest.raises(ProcurementError):
        services.update_cart_item(user=other_opd_member.user, item_id=item.pk, quantity=5)
    services.remove_cart_item(user=other_opd_member.user, item_id=item.pk)
    assert CartItem.objects.filter(pk=item.pk).exists()
    services.update_cart_item(user=buyer, item_id=item.pk, quantity="0")
    assert not CartItem.objects.filter(pk=item.pk).exists()


# ------------------------------------------------------------------ checkout


def test_checkout_makes_one_order_per_vendor_and_commits_the_pagu(
    buyer, vendor, other_vendor, product, other_product, package, django_capture_on_commit_callbacks
):
    services.add_to_cart(user=buyer, product_id=product.pk, quantity=4)
    services.add_to_cart(user=buyer, product_id=other_product.pk, quantity=2)
    with django_capture_on_commit_callbacks(execute=True):
        orders = checkout(buyer, {vendor.pk: package.pk, other_vendor.pk: package.pk})
    assert len(orders) == 2
    assert {o.vendor_id for o in orders} == {vendor.pk, other_vendor.pk}
    assert all(o.status == S.SENT and o.number.startswith(f"EKL-{o.fiscal_year}-") for o in orders)
    assert sorted(o.total for o in orders) == [Decimal("80000"), Decimal("100000")]
    package.refresh_from_db()
    assert package.committed == Decimal("180000")
    assert not CartItem.objects.filter(user=buyer).exists()
    # Each vendor is told in-app and by e-mail; the trail starts with draft -> sent.
    assert Notification.objects.filter(user=vendor.user).count() == 1
    assert len(mail.outbox) == 2
    assert list(orders[0].events.values_list("to_status", flat=True)) == [S.DRAFT, S.SENT]
    assert_package_consistent(package)


def test_checkout_over_the_remaining_pagu_creates_nothing(
    buyer, vendor, other_vendor, product, other_product, opd
):
    small = RUPPackageFactory(opd=opd, pagu=Decimal("90000"))
    services.add_to_cart(user=buyer, product_id=product.pk, quantity=2)  # 50.000 fits
    services.add_to_cart(user=buyer, product_id=other_product.pk, quantity=2)  # 80.000 does not fit after it
    with pytest.raises(CheckoutError, match="Sisa pagu paket RUP"):
        checkout(buyer, {vendor.pk: small.pk, other_vendor.pk: small.pk})
    assert not Order.objects.exists()
    small.refresh_from_db()
    assert small.committed == 0
    assert CartItem.objects.filter(user=buyer).count() == 2


def test_checkout_with_the_same_token_twice_returns_the_same_orders(buyer, vendor, product, package):
    services.add_to_cart(user=buyer, product_id=product.pk, quantity=3)
    token = uuid.uuid4().hex
    first = checkout(buyer, {vendor.pk: package.pk}, token=token)
    services.add_to_cart(user=buyer, product_id=product.pk, quantity=1)  # cart refilled meanwhile
    second = checkout(buyer, {vendor.pk: package.pk}, token=token)
    assert [o.pk for o in first] == [o.pk for o in second]
    assert Order.objects.count() == 1
    package.refresh_from_db()
    assert package.committed == Decimal("75000")


def test_checkout_refuses_another_opds_or_another_years_package(buyer, vendor, product, other_package, opd):
    services.add_to_cart(user=buyer, product_id=product.pk, quantity=1)
    last_year = RUPPackageFactory(opd=opd, fiscal_year=services.current_fiscal_year() - 1)
    for pkg in (other_package, last_year):
        with pytest.raises(CheckoutError, match="Pilih paket RUP"):
            checkout(buyer, {vendor.pk: pkg.pk})
    assert not Order.objects.exists()


def test_checkout_rechecks_stock_and_min_order(buyer, vendor, product, package):
    services.add_to_cart(user=buyer, product_id=product.pk, quantity=10)
    Product.objects.filter(pk=product.pk).update(stock=5)
    with pytest.raises(CheckoutError, match="Stok"):
        checkout(buyer, {vendor.pk: package.pk})
    assert not Order.objects.exists()


def test_checkout_of_an_empty_cart_or_past_date_is_refused(buyer, vendor, product, package):
    with pytest.raises(CheckoutError, match="kosong"):
        checkout(buyer, {})
    services.add_to_cart(user=buyer, product_id=product.pk, quantity=1)
    with pytest.raises(CheckoutError, match="sebelum hari ini"):
        services.checkout(
            user=buyer,
            token="t1",
            expected=services.current_checkout_snapshot(buyer),
            packages={vendor.pk: package.pk},
            delivery_address="x",
            needed_by=TODAY() - timedelta(days=1),
        )


def test_ppn_is_added_for_pkp_vendors(buyer, vendor, product, package, settings):
    settings.PPN_RATE = Decimal("0.11")
    vendor.is_pkp = True
    vendor.save()
    services.add_to_cart(user=buyer, product_id=product.pk, quantity=3)
    (order,) = checkout(buyer, {vendor.pk: package.pk})
    assert (order.subtotal, order.ppn_amount, order.total) == (
        Decimal("75000"),
        Decimal("8250"),
        Decimal("83250"),
    )
    assert order.ppn_rate == Decimal("0.11")


# ------------------------------------------------------------------ approval


def test_orders_above_the_threshold_wait_for_the_pa(buyer, approver, vendor, product, package, opd):
    opd.approval_threshold = Decimal("50000")
    opd.save()
    services.add_to_cart(user=buyer, product_id=product.pk, quantity=3)
    (order,) = checkout(buyer, {vendor.pk: package.pk})
    assert order.status == S.PENDING_APPROVAL and order.requires_approval
    with pytest.raises(TransitionError):
        services.approve_order(order=order, by=buyer)
    services.approve_order(order=order, by=approver)
    order.refresh_from_db()
    assert order.status == S.SENT and order.approved_by == approver


def test_pa_refusal_cancels_and_releases_the_pagu(buyer, approver, vendor, product, package, opd):
    opd.approval_threshold = Decimal("1")
    opd.save()
    services.add_to_cart(user=buyer, product_id=product.pk, quantity=3)
    (order,) = checkout(buyer, {vendor.pk: package.pk})
    with pytest.raises(TransitionError, match="Alasan"):
        services.refuse_approval(order=order, by=approver, reason="  ")
    services.refuse_approval(order=order, by=approver, reason="Tidak ada dalam rencana")
    order.refresh_from_db()
    assert order.status == S.CANCELLED
    assert_package_consistent(package)


def test_a_draft_commits_nothing_until_sent(buyer, vendor, product, package):
    services.add_to_cart(user=buyer, product_id=product.pk, quantity=2)
    (order,) = checkout(buyer, {vendor.pk: package.pk}, send=False)
    package.refresh_from_db()
    assert order.status == S.DRAFT and package.committed == 0
    services.send_to_vendor(order=order, by=buyer)
    assert_package_consistent(package)


# ------------------------------------------------------------------ vendor decision and stock


def test_accepting_reserves_stock_and_issues_sp_numbers_per_opd_and_year(
    buyer, vendor, product, package, opd
):
    a = make_order(buyer=buyer, package=package, items=[(product, 10)])
    b = make_order(buyer=buyer, package=package, items=[(product, 5)])
    services.accept_order(order=a, by=vendor.user)
    services.accept_order(order=b, by=vendor.user)
    a.refresh_from_db()
    b.refresh_from_db()
    year = package.fiscal_year
    assert a.sp_number == f"SP/{opd.code}/{year}/00001"
    assert b.sp_number == f"SP/{opd.code}/{year}/00002"
    product.refresh_from_db()
    assert product.stock == 85


def test_acceptance_is_refused_when_stock_is_short(buyer, vendor, product, package):
    order = make_order(buyer=buyer, package=package, items=[(product, 10)])
    Product.objects.filter(pk=product.pk).update(stock=9)
    with pytest.raises(TransitionError, match="Stok .* tidak cukup"):
        services.accept_order(order=order, by=vendor.user)
    order.refresh_from_db()
    product.refresh_from_db()
    assert order.status == S.SENT and not order.sp_number
    assert product.stock == 9


def test_multi_line_acceptance_is_all_or_nothing(buyer, vendor, product, package):
    second = ProductFactory(vendor=vendor, stock=1)
    order = make_order(buyer=buyer, package=package, items=[(product, 10), (second, 2)])
    with pytest.raises(TransitionError):
        services.accept_order(order=order, by=vendor.user)
    product.refresh_from_db()
    assert product.stock == 100


def test_cancel_after_acceptance_releases_stock_and_pagu(buyer, vendor, product, package):
    order = make_order(buyer=buyer, package=package, items=[(product, 10)])
    services.accept_order(order=order, by=vendor.user)
    services.cancel_order(order=order, by=buyer, reason="Anggaran dialihkan")
    product.refresh_from_db()
    order.refresh_from_db()
    assert product.stock == 100
    assert order.status == S.CANCELLED and order.reason == "Anggaran dialihkan" and order.cancelled_at
    assert_package_consistent(package)


def test_vendor_rejection_needs_a_reason_and_releases_pagu(buyer, vendor, product, package):
    order = make_order(buyer=buyer, package=package, items=[(product, 4)])
    with pytest.raises(TransitionError, match="Alasan"):
        services.reject_order(order=order, by=vendor.user, reason="")
    services.reject_order(order=order, by=vendor.user, reason="Bahan baku kosong")
    order.refresh_from_db()
    assert order.status == S.REJECTED
    assert order.events.last().note == "Bahan baku kosong"
    assert_package_consistent(package)


def test_cannot_cancel_after_shipment(buyer, vendor, product, package):
    order = make_order(buyer=buyer, package=package, items=[(product, 4)], status=S.SHIPPED)
    with pytest.raises(TransitionError, match="tidak dapat diubah"):
        services.cancel_order(order=order, by=buyer, reason="Terlambat")


# ------------------------------------------------------------------ negotiation


def test_negotiation_round_trip_updates_lines_totals_and_pagu(buyer, vendor, product, package):
    order = make_order(buyer=buyer, package=package, items=[(product, 10)])  # 250.000
    line = order.lines.get()
    services.propose_negotiation(order=order, by=buyer, lines={line.pk: (22000, 10)}, note="Harga pasar")
    with pytest.raises(TransitionError):
        services.propose_negotiation(order=order, by=buyer, lines={line.pk: (21000, 10)})  # vendor's turn
    services.counter_offer(order=order, by=vendor.user, lines={line.pk: ("23.500", 12)})
    services.accept_offer(order=order, by=buyer)
    order.refresh_from_db()
    line.refresh_from_db()
    assert order.status == S.SENT
    assert (line.unit_price, line.quantity, line.line_total) == (Decimal("23500"), 12, Decimal("282000"))
    assert order.total == Decimal("282000")
    assert list(order.offers.values_list("action", flat=True)) == ["propose", "counter", "accept"]
    assert_package_consistent(package)
    services.accept_order(order=order, by=vendor.user)


def test_negotiation_is_limited_to_the_configured_rounds(buyer, vendor, product, package, settings):
    settings.MAX_NEGOTIATION_ROUNDS = 2
    order = make_order(buyer=buyer, package=package, items=[(product, 10)])
    line = order.lines.get()
    services.propose_negotiation(order=order, by=buyer, lines={line.pk: (22000, 10)})
    services.counter_offer(order=order, by=vendor.user, lines={line.pk: (24000, 10)})
    with pytest.raises(TransitionError, match="Batas 2 putaran"):
        services.propose_negotiation(order=order, by=buyer, lines={line.pk: (23000, 10)})
    services.decline_offer(order=order, by=buyer, note="Tetap harga katalog")
    order.refresh_from_db()
    assert order.status == S.SENT and order.total == Decimal("250000")
    assert NegotiationOffer.objects.filter(order=order).count() == 3


def test_negotiated_increase_beyond_the_pagu_is_refused(buyer, vendor, product, opd):
    tight = RUPPackageFactory(opd=opd, pagu=Decimal("310000"))
    order = make_order(buyer=buyer, package=tight, items=[(product, 10)])  # 250.000
    line = order.lines.get()
    with pytest.raises(TransitionError, match="Sisa pagu"):  # 325.000 > 310.000: said at once
        services.propose_negotiation(order=order, by=buyer, lines={line.pk: (25000, 13)})
    services.propose_negotiation(order=order, by=buyer, lines={line.pk: (25000, 12)})  # 300.000 fits
    make_order(buyer=buyer, package=tight, items=[(product, 1)])  # another order takes 25.000
    with pytest.raises(TransitionError, match="Sisa pagu"):
        services.accept_offer(order=order, by=vendor.user)
    order.refresh_from_db()
    assert order.status == S.NEGOTIATING and order.total == Decimal("250000")
    assert_package_consistent(tight)


@pytest.mark.parametrize("price", ["abc", "0", "-5", "1.5", "1e400", "NaN", "999999999999999999"])
def test_bad_offer_prices_are_refused(buyer, product, package, price):
    order = make_order(buyer=buyer, package=package, items=[(product, 10)])
    line = order.lines.get()
    with pytest.raises(TransitionError):
        services.propose_negotiation(order=order, by=buyer, lines={line.pk: (price, 10)})
    order.refresh_from_db()
    assert order.status == S.SENT and order.negotiation_rounds == 0


def test_only_the_side_whose_turn_it_is_may_answer(buyer, vendor, product, package):
    order = make_order(buyer=buyer, package=package, items=[(product, 10)])
    line = order.lines.get()
    services.propose_negotiation(order=order, by=buyer, lines={line.pk: (22000, 10)})
    with pytest.raises(TransitionError):
        services.accept_offer(order=order, by=buyer)
    with pytest.raises(TransitionError):
        services.accept_order(order=order, by=vendor.user)  # answer the offer first
    services.accept_offer(order=order, by=vendor.user)


# ------------------------------------------------------------------ receipt, payment, completion, rating


def test_partial_receipts_keep_the_order_open_and_number_basts(
    buyer, vendor, treasurer, product, package, opd
):
    order = make_order(buyer=buyer, package=package, items=[(product, 10)])
    services.accept_order(order=order, by=vendor.user)
    services.ship_order(order=order, by=vendor.user, note="Diantar hari Senin")
    line = order.lines.get()
    first = services.record_receipt(order=order, by=buyer, quantities={line.pk: 4}, received_on=TODAY())
    order.refresh_from_db()
    assert order.status == S.PARTIALLY_RECEIVED and order.received_at is None
    with pytest.raises(TransitionError, match="antara 0 dan 6"):
        services.record_receipt(order=order, by=buyer, quantities={line.pk: 7}, received_on=TODAY())
    with pytest.raises(TransitionError, match="Isi jumlah"):
        services.record_receipt(order=order, by=buyer, quantities={line.pk: 0}, received_on=TODAY())
    second = services.record_receipt(order=order, by=buyer, quantities={line.pk: "6"}, received_on=TODAY())
    order.refresh_from_db()
    line.refresh_from_db()
    assert order.status == S.RECEIVED and order.received_at and line.received_quantity == 10
    year = package.fiscal_year
    assert (first.number, second.number) == (f"BAST/{opd.code}/{year}/00001", f"BAST/{opd.code}/{year}/00002")

    with pytest.raises(TransitionError):
        services.record_payment(order=order, by=buyer, paid_on=TODAY(), reference="X")
    with pytest.raises(TransitionError, match="masa depan"):
        services.record_payment(order=order, by=treasurer, paid_on=TODAY() + timedelta(days=1), reference="X")
    payment = services.record_payment(order=order, by=treasurer, paid_on=TODAY(), reference="SP2D-001")
    assert payment.amount == order.total
    package.refresh_from_db()
    assert package.committed == 0 and package.spent == order.total
    assert_package_consistent(package)

    with pytest.raises(TransitionError):
        services.rate_vendor(order=order, by=buyer, score=5)
    services.complete_order(order=order, by=buyer)
    with pytest.raises(TransitionError, match="1 sampai 5"):
        services.rate_vendor(order=order, by=buyer, score=9)
    services.rate_vendor(order=order, by=buyer, score=4, comment="Tepat waktu")
    with pytest.raises(TransitionError, match="sudah dinilai"):
        services.rate_vendor(order=order, by=buyer, score=5)
    from procurement.selectors import vendor_rating_summary

    assert vendor_rating_summary(vendor) == {"average": Decimal("4.0"), "count": 1}


def test_every_step_is_on_the_audit_trail(buyer, vendor, treasurer, product, package):
    services.add_to_cart(user=buyer, product_id=product.pk, quantity=2)
    (order,) = checkout(buyer, {vendor.pk: package.pk})
    services.accept_order(order=order, by=vendor.user)
    services.ship_order(order=order, by=vendor.user)
    line = order.lines.get()
    services.record_receipt(order=order, by=buyer, quantities={line.pk: 2}, received_on=TODAY())
    services.record_payment(order=order, by=treasurer, paid_on=TODAY(), reference="TRF")
    services.complete_order(order=order, by=buyer)
    trail = list(order.events.values_list("from_status", "to_status", "actor_role"))
    assert trail == [
        ("", S.DRAFT, "buyer"),
        (S.DRAFT, S.SENT, "buyer"),
        (S.SENT, S.ACCEPTED, "vendor"),
        (S.ACCEPTED, S.SHIPPED, "vendor"),
        (S.SHIPPED, S.RECEIVED, "buyer"),
        (S.RECEIVED, S.PAID, "treasurer"),
        (S.PAID, S.COMPLETED, "buyer"),
    ]


def test_notifications_reach_the_other_party_only_after_commit(
    buyer, vendor, product, package, django_capture_on_commit_callbacks
):
    order = make_order(buyer=buyer, package=package, items=[(product, 2)])
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.accept_order(order=order, by=vendor.user)
    assert not Notification.objects.exists()
    for callback in callbacks:
        callback()
    note = Notification.objects.get()
    assert note.user == buyer and "Surat Pesanan" in note.message
    assert mail.outbox[0].to == [buyer.email]


def test_rup_package_constraint_backs_the_services(package):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        RUPPackage.objects.filter(pk=package.pk).update(committed=package.pagu + 1)


def test_rejection_reason_with_line_breaks_still_reaches_the_buyer_by_email(
    buyer, vendor, product, package, django_capture_on_commit_callbacks
):
    order = make_order(buyer=buyer, package=package, items=[(product, 1)])
    reason = "Stok habis.\r\nGudang kami kebanjiran;\nkirim ulang bulan depan."
    with django_capture_on_commit_callbacks(execute=True):
        services.reject_order(order=order, by=vendor.user, reason=reason)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [buyer.email]
    assert "\n" not in message.subject and "\r" not in message.subject
    assert message.subject.startswith(f"[E-Katalog Lokal] {order.number}: ")
    assert "Stok habis." in message.subject
    assert reason in message.body
    message.message()  # the headers serialise: no BadHeaderError at the SMTP backend either
