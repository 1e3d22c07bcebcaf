"""The money path cannot be moved around the rules through negotiation.

* a total that grows past the OPD's approval threshold waits for the PA/KPA, who approves that amount;
* a negotiated unit price never exceeds the catalogue price the order was placed at, and a changed
  quantity meets the minimum order, the stock and the pagu.
"""

import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from procurement import services
from procurement.models import Notification, OrderEvent, OrderStatus
from procurement.services import TRANSITIONS, ActorRole, TransitionError
from tests.factories import ProductFactory

from .factories import RUPPackageFactory, make_order

pytestmark = pytest.mark.django_db
S = OrderStatus


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def checkout(buyer, packages):
    return services.checkout(
        user=buyer,
        token=uuid.uuid4().hex,
        packages=packages,
        delivery_address="Jl. Panglima Sudirman 507, Batu",
        needed_by=timezone.localdate() + timedelta(days=7),
        expected=services.current_checkout_snapshot(buyer),
    )


@pytest.fixture
def threshold(opd):
    """The OPD asks for PA/KPA approval above Rp1.000.000."""
    opd.approval_threshold = Decimal("1000000")
    opd.save(update_fields=["approval_threshold"])
    return opd.approval_threshold


@pytest.fixture
def small_order(buyer, vendor, product, package, threshold):
    """Rp250.000 (10 × Rp25.000): under the threshold, so it went straight to the vendor."""
    services.add_to_cart(user=buyer, product_id=product.pk, quantity=10)
    (order,) = checkout(buyer, {vendor.pk: package.pk})
    assert order.status == S.SENT and not order.requires_approval
    return order


def act(client, order, action, **data):
    return client.post(reverse("procurement:order_action", args=[order.pk, action]), data, follow=True)


# ------------------------------------------------------------------ approval threshold after negotiation


def test_an_accepted_offer_that_crosses_the_threshold_waits_for_the_pa_instead_of_the_sp(
    buyer, vendor, approver, small_order, threshold, django_capture_on_commit_callbacks
):
    line = small_order.lines.get()
    services.propose_negotiation(order=small_order, by=buyer, lines={line.pk: (25000, 100)})  # 2.500.000
    with django_capture_on_commit_callbacks(execute=True):
        services.accept_offer(order=small_order, by=vendor.user)
    small_order.refresh_from_db()
    assert small_order.total == Decimal("2500000") > threshold
    assert small_order.status == S.PENDING_APPROVAL and small_order.requires_approval
    assert small_order.approved_amount is None and small_order.sp_number == ""
    with pytest.raises(TransitionError):
        services.accept_order(order=small_order, by=vendor.user)
    small_order.refresh_from_db()
    assert small_order.sp_number == "" and small_order.status == S.PENDING_APPROVAL
    assert Notification.objects.filter(
        user=approver, order=small_order, message__contains="persetujuan"
    ).exists()
    event = small_order.events.order_by("-id").first()
    assert (event.from_status, event.to_status, event.actor) == (
        S.NEGOTIATING,
        S.PENDING_APPROVAL,
        vendor.user,
    )
    assert "Rp2.500.000" in event.note and "Rp1.000.000" in event.note


def test_the_pa_approves_the_negotiated_amount_and_only_then_the_vendor_can_issue_the_sp(
    buyer, vendor, approver, small_order, django_capture_on_commit_callbacks
):
    line = small_order.lines.get()
    services.propose_negotiation(order=small_order, by=buyer, lines={line.pk: (24000, 100)})
    services.accept_offer(order=small_order, by=vendor.user)
    with pytest.raises(TransitionError):
        services.approve_order(order=small_order, by=buyer)
    with django_capture_on_commit_callbacks(execute=True):
        services.approve_order(order=small_order, by=approver, expected_total=Decimal("2400000"))
    small_order.refresh_from_db()
    assert small_order.status == S.SENT
    assert (small_order.approved_by, small_order.approved_amount) == (approver, Decimal("2400000"))
    assert OrderEvent.objects.filter(
        order=small_order, from_status=S.PENDING_APPROVAL, to_status=S.SENT, actor=approver
    ).exists()
    assert Notification.objects.filter(user=vendor.user, message__contains="disetujui PA/KPA").exists()
    services.accept_order(order=small_order, by=vendor.user)
    small_order.refresh_from_db()
    assert small_order.status == S.ACCEPTED and small_order.sp_number


def test_the_pa_cannot_approve_an_amount_other_than_the_one_on_record(buyer, vendor, approver, small_order):
    line = small_order.lines.get()
    services.propose_negotiation(order=small_order, by=buyer, lines={line.pk: (25000, 100)})
    services.accept_offer(order=small_order, by=vendor.user)
    with pytest.raises(TransitionError, match="Rp2.500.000"):
        services.approve_order(order=small_order, by=approver, expected_total=Decimal("250000"))
    small_order.refresh_from_db()
    assert small_order.status == S.PENDING_APPROVAL and small_order.approved_amount is None


def test_a_pa_refusal_of_the_negotiated_amount_cancels_and_releases_the_pagu(
    buyer, vendor, approver, small_order, package
):
    line = small_order.lines.get()
    services.propose_negotiation(order=small_order, by=buyer, lines={line.pk: (25000, 100)})
    services.accept_offer(order=small_order, by=vendor.user)
    package.refresh_from_db()
    assert package.committed == Decimal("2500000")
    services.refuse_approval(order=small_order, by=approver, reason="Melebihi kebutuhan")
    small_order.refresh_from_db()
    package.refresh_from_db()
    assert small_order.status == S.CANCELLED and package.committed == 0


def test_an_approved_order_renegotiated_above_its_approved_amount_needs_a_new_approval(
    buyer, vendor, approver, product, package, threshold
):
    services.add_to_cart(user=buyer, product_id=product.pk, quantity=60)  # 1.500.000
    (order,) = checkout(buyer, {vendor.pk: package.pk})
    services.approve_order(order=order, by=approver)
    order.refresh_from_db()
    assert order.approved_amount == Decimal("1500000")
    line = order.lines.get()
    services.propose_negotiation(order=order, by=buyer, lines={line.pk: (25000, 80)})  # 2.000.000
    services.accept_offer(order=order, by=vendor.user)
    order.refresh_from_db()
    assert order.status == S.PENDING_APPROVAL and order.approved_amount == Decimal("1500000")
    services.approve_order(order=order, by=approver)
    order.refresh_from_db()
    assert order.status == S.SENT and order.approved_amount == Decimal("2000000")


def test_a_renegotiation_within_the_approved_amount_or_under_the_threshold_needs_no_new_approval(
    buyer, vendor, approver, product, package, threshold, small_order
):
    services.add_to_cart(user=buyer, product_id=product.pk, quantity=60)  # 1.500.000
    (approved,) = checkout(buyer, {vendor.pk: package.pk})
    services.approve_order(order=approved, by=approver)
    line = approved.lines.get()
    services.propose_negotiation(order=approved, by=buyer, lines={line.pk: (22000, 60)})  # lower
    services.accept_offer(order=approved, by=vendor.user)
    approved.refresh_from_db()
    assert approved.status == S.SENT and approved.total == Decimal("1320000")

    line = small_order.lines.get()
    services.propose_negotiation(order=small_order, by=buyer, lines={line.pk: (25000, 40)})  # 1.000.000
    services.accept_offer(order=small_order, by=vendor.user)
    small_order.refresh_from_db()
    assert small_order.status == S.SENT and small_order.total == threshold


def test_an_order_marked_for_approval_never_gets_an_sp_above_the_approved_amount(
    buyer, vendor, approver, product, package, threshold
):
    """Backstop at the SP itself, whatever path changed the total."""
    order = make_order(buyer=buyer, package=package, items=[(product, 60)])
    order.requires_approval, order.approved_by, order.approved_amount = True, approver, Decimal("1200000")
    order.save()
    with pytest.raises(TransitionError, match="belum disetujui PA/KPA"):
        services.accept_order(order=order, by=vendor.user)
    order.refresh_from_db()
    assert order.status == S.SENT and not order.sp_number


def test_the_transition_table_lets_the_accepting_side_send_a_negotiated_order_to_the_pa():
    assert TRANSITIONS[(S.NEGOTIATING, S.PENDING_APPROVAL)] == frozenset({ActorRole.BUYER, ActorRole.VENDOR})


def test_the_order_page_shows_the_pa_the_amount_and_afterwards_the_approved_amount(
    buyer, vendor, approver, small_order
):
    line = small_order.lines.get()
    services.propose_negotiation(order=small_order, by=buyer, lines={line.pk: (25000, 100)})
    act(client_for(vendor.user), small_order, "accept_offer")
    small_order.refresh_from_db()
    assert small_order.status == S.PENDING_APPROVAL
    url = reverse("procurement:order_detail", args=[small_order.pk])
    pa_page = client_for(approver).get(url).content.decode()
    assert "/aksi/approve/" in pa_page and 'value="2500000"' in pa_page and "Rp2.500.000" in pa_page
    assert "/aksi/accept/" not in client_for(vendor.user).get(url).content.decode()

    response = act(client_for(approver), small_order, "approve", amount="2500000", note="Sesuai DPA")
    assert response.status_code == 200
    small_order.refresh_from_db()
    assert small_order.status == S.SENT and small_order.approved_amount == Decimal("2500000")
    page = client_for(buyer).get(url).content.decode()
    assert "Disetujui PA/KPA" in page and "sebesar Rp2.500.000" in page


def test_an_approval_posted_for_a_stale_amount_shows_a_message_and_changes_nothing(
    buyer, vendor, approver, small_order
):
    line = small_order.lines.get()
    services.propose_negotiation(order=small_order, by=buyer, lines={line.pk: (25000, 100)})
    services.accept_offer(order=small_order, by=vendor.user)
    for amount in ("250000", "abc"):
        response = act(client_for(approver), small_order, "approve", amount=amount)
        assert response.status_code == 200
        assert [m.level_tag for m in response.context["messages"]] == ["error"]
    small_order.refresh_from_db()
    assert small_order.status == S.PENDING_APPROVAL


# ------------------------------------------------------------------ negotiation ceiling and quantity rules


@pytest.mark.parametrize("side", ["propose", "counter"])
def test_a_negotiated_unit_price_above_the_catalogue_price_is_refused(buyer, vendor, product, package, side):
    order = make_order(buyer=buyer, package=package, items=[(product, 10)])  # catalogue Rp25.000
    line = order.lines.get()
    if side == "counter":
        services.propose_negotiation(order=order, by=buyer, lines={line.pk: (20000, 10)})
        call = lambda: services.counter_offer(  # noqa: E731
            order=order, by=vendor.user, lines={line.pk: (20000000, 10)}
        )
    else:
        call = lambda: services.propose_negotiation(  # noqa: E731
            order=order, by=buyer, lines={line.pk: (25001, 10)}
        )
    rounds = order.offers.count()
    with pytest.raises(TransitionError, match="tidak boleh melebihi harga katalog"):
        call()
    assert order.offers.count() == rounds
    line.refresh_from_db()
    assert line.unit_price == Decimal("25000")


def test_the_ceiling_is_the_price_at_order_time_not_todays_catalogue_price(buyer, vendor, product, package):
    order = make_order(buyer=buyer, package=package, items=[(product, 10)])
    product.price = Decimal("56000")  # the vendor raises the catalogue price afterwards
    product.save(update_fields=["price"])
    line = order.lines.get()
    with pytest.raises(TransitionError, match="Rp25.000"):
        services.propose_negotiation(order=order, by=buyer, lines={line.pk: (56000, 10)})
    services.propose_negotiation(order=order, by=buyer, lines={line.pk: (25000, 10)})


def test_an_old_offer_above_the_catalogue_price_cannot_be_accepted(
    buyer, vendor, product, package, monkeypatch
):
    """Offers recorded before the ceiling existed are checked again when accepted."""
    order = make_order(buyer=buyer, package=package, items=[(product, 10)])
    line = order.lines.get()
    # Offers are append-only: record one as the code before the ceiling did (no check on proposal).
    with monkeypatch.context() as m:
        m.setattr(services, "_check_offer_line", lambda *args: None)
        services.propose_negotiation(order=order, by=buyer, lines={line.pk: (2000000, 10)})
    with pytest.raises(TransitionError, match="tidak boleh melebihi harga katalog"):
        services.accept_offer(order=order, by=vendor.user)
    order.refresh_from_db()
    line.refresh_from_db()
    assert order.total == Decimal("250000") and line.unit_price == Decimal("25000")


def test_a_negotiated_quantity_must_meet_the_minimum_order_and_the_stock(buyer, vendor, package):
    product = ProductFactory(vendor=vendor, price=Decimal("10000"), stock=30, min_order=5)
    order = make_order(buyer=buyer, package=package, items=[(product, 10)])
    line = order.lines.get()
    with pytest.raises(TransitionError, match="Minimal pesan"):
        services.propose_negotiation(order=order, by=buyer, lines={line.pk: (10000, 4)})
    with pytest.raises(TransitionError, match="Stok"):
        services.propose_negotiation(order=order, by=buyer, lines={line.pk: (10000, 31)})
    services.propose_negotiation(order=order, by=buyer, lines={line.pk: (10000, 30)})
    product.stock = 20  # sold elsewhere before the vendor answers
    product.save(update_fields=["stock"])
    with pytest.raises(TransitionError, match="Stok"):
        services.accept_offer(order=order, by=vendor.user)
    order.refresh_from_db()
    assert order.status == S.NEGOTIATING and order.total == Decimal("100000")


def test_an_unchanged_quantity_is_not_rechecked_against_a_later_minimum_order(buyer, vendor, package):
    product = ProductFactory(vendor=vendor, price=Decimal("10000"), stock=30, min_order=1)
    order = make_order(buyer=buyer, package=package, items=[(product, 3)])
    product.min_order = 5
    product.save(update_fields=["min_order"])
    line = order.lines.get()
    services.propose_negotiation(order=order, by=buyer, lines={line.pk: (9000, 3)})
    services.accept_offer(order=order, by=vendor.user)
    order.refresh_from_db()
    assert order.total == Decimal("27000")


def test_a_proposal_over_the_remaining_pagu_is_refused_when_made(buyer, vendor, product, opd):
    tight = RUPPackageFactory(opd=opd, pagu=Decimal("300000"))
    order = make_order(buyer=buyer, package=tight, items=[(product, 10)])
    line = order.lines.get()
    with pytest.raises(TransitionError, match="Sisa pagu"):
        services.propose_negotiation(order=order, by=buyer, lines={line.pk: (25000, 13)})
    order.refresh_from_db()
    assert order.status == S.SENT and order.negotiation_rounds == 0


def test_the_offer_page_refuses_a_price_above_the_catalogue_with_a_message(buyer, vendor, product, package):
    order = make_order(buyer=buyer, package=package, items=[(product, 10)])
    line = order.lines.get()
    response = act(
        client_for(buyer), order, "propose", **{f"price_{line.pk}": "20000000", f"qty_{line.pk}": "10"}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "tidak boleh melebihi harga katalog" in page
    order.refresh_from_db()
    assert order.status == S.SENT and not order.offers.exists()


def test_the_admin_cannot_edit_the_approval_record(admin_user, buyer, product, package):
    from django.contrib.admin import site
    from django.test import RequestFactory

    from procurement.models import Order

    order = make_order(buyer=buyer, package=package, items=[(product, 1)])
    request = RequestFactory().get("/admin/")
    request.user = admin_user
    readonly = set(site._registry[Order].get_readonly_fields(request, order))
    assert {"requires_approval", "approved_by", "approved_at", "approved_amount"} <= readonly
