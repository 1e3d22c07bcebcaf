"""Addenda and staged payment through the pages: forms, messages, the printable addendum, access by id."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from procurement.models import Addendum, AddendumStatus, Order, Payment

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def checkout_data(client, **extra):
    response = client.get(reverse("procurement:checkout"))
    return {
        "token": response.context["form"].initial["token"],
        "snapshot": response.context["snapshot"],
        "delivery_address": "Jl. Sudirman 1",
        "needed_by": (TODAY() + timedelta(days=3)).isoformat(),
        **extra,
    }


def act(client, order, action, **data):
    return client.post(reverse("procurement:order_action", args=[order.pk, action]), data, follow=True)


def test_a_plan_beyond_the_limit_shows_a_message_and_creates_nothing(buyer, product, package):
    client = client_for(buyer)
    client.post(reverse("procurement:cart_add", args=[product.pk]), {"quantity": "4"})
    response = client.post(
        reverse("procurement:checkout"), checkout_data(client, package_all=package.pk, advance_percent="45")
    )
    assert response.status_code == 200
    assert "Uang muka harus antara 0 dan 30% dari total pesanan." in response.content.decode()
    assert not Order.objects.exists()


def test_advance_termin_and_addendum_through_the_pages(
    buyer, vendor, treasurer, product, package, other_opd_member, other_vendor, bpbj_user
):
    buyer_client, vendor_client, treasurer_client = (
        client_for(buyer),
        client_for(vendor.user),
        client_for(treasurer),
    )
    buyer_client.post(reverse("procurement:cart_add", args=[product.pk]), {"quantity": "10"})
    data = checkout_data(buyer_client, package_all=package.pk, advance_percent="10", pay_per_bast="on")
    assert buyer_client.post(reverse("procurement:checkout"), data).status_code == 302
    order = Order.objects.get()
    assert order.advance_percent == Decimal("10") and order.pay_per_bast
    act(vendor_client, order, "accept")

    page = act(
        treasurer_client,
        order,
        "pay",
        paid_on=TODAY().isoformat(),
        reference="UM-1",
        pph_code="pph22",
        installment="advance",
    )
    assert "Pembayaran dicatat." in page.content.decode()
    advance = Payment.objects.get()
    assert (advance.amount, advance.pph_amount) == (Decimal("25000"), Decimal("375"))

    line = order.lines.get()
    page = act(
        buyer_client,
        order,
        "propose_addendum",
        **{f"price_{line.pk}": "25000", f"qty_{line.pk}": "12"},
        new_needed_by=(TODAY() + timedelta(days=10)).isoformat(),
        reason="Peserta rapat bertambah",
    )
    assert "Usulan adendum dikirim" in page.content.decode()
    addendum = Addendum.objects.get()
    # The vendor sees the proposal with its buttons; the buyer who proposed does not.
    assert "Terima adendum" in vendor_client.get(order.get_absolute_url()).content.decode()
    assert "Terima adendum" not in buyer_client.get(order.get_absolute_url()).content.decode()
    page = act(vendor_client, order, "accept_addendum", addendum=addendum.pk)
    addendum.refresh_from_db()
    assert addendum.status == AddendumStatus.ACCEPTED
    assert f"Adendum {addendum.number} berlaku." in page.content.decode()

    print_url = reverse("procurement:addendum_print", args=[order.pk, addendum.pk])
    for user in (buyer, vendor.user, bpbj_user):
        response = client_for(user).get(print_url)
        assert response.status_code == 200
        assert (
            "ADENDUM SURAT PESANAN" in response.content.decode()
            and addendum.number in response.content.decode()
        )
    for user in (other_opd_member.user, other_vendor.user):
        assert client_for(user).get(print_url).status_code == 404

    act(vendor_client, order, "ship", note="Diantar")
    act(buyer_client, order, "receive", received_on=TODAY().isoformat(), **{f"recv_{line.pk}": "12"})
    page = treasurer_client.get(order.get_absolute_url()).content.decode()
    assert "Termin BAST" in page and "Rencana pembayaran" in page
    act(treasurer_client, order, "pay", paid_on=TODAY().isoformat(), reference="T-1")
    order.refresh_from_db()
    assert order.status == "paid" and order.paid_amount == order.total == Decimal("300000")


def test_a_proposed_addendum_has_no_printable_page(buyer, vendor, product, package):
    from procurement import services

    services.add_to_cart(user=buyer, product_id=product.pk, quantity=3)
    client = client_for(buyer)
    client.post(reverse("procurement:checkout"), checkout_data(client, package_all=package.pk))
    order = Order.objects.get()
    services.accept_order(order=order, by=vendor.user)
    line = order.lines.get()
    addendum = services.propose_addendum(order=order, by=buyer, lines={line.pk: ("", 4)}, reason="Tambah")
    assert client.get(reverse("procurement:addendum_print", args=[order.pk, addendum.pk])).status_code == 404


def test_home_pages_list_addenda_to_approve_and_instalments_to_pay(
    buyer, vendor, approver, treasurer, product, package, opd
):
    from procurement import services

    opd.approval_threshold = Decimal("80000")
    opd.save()
    services.add_to_cart(user=buyer, product_id=product.pk, quantity=3)
    (order,) = services.checkout(
        user=buyer,
        token="home",
        expected=services.current_checkout_snapshot(buyer),
        packages={vendor.pk: package.pk},
        delivery_address="Jl. Sudirman 1",
        needed_by=TODAY() + timedelta(days=3),
        plan={"advance_percent": "10"},
    )
    services.accept_order(order=order, by=vendor.user)
    home = reverse("accounts:dashboard")
    to_pay = {s.key: s for s in client_for(treasurer).get(home).context["sections"]}["installments_to_pay"]
    assert [i.label for i in to_pay.items] == [order.number]
    services.record_payment(order=order, by=treasurer, paid_on=TODAY(), reference="UM")
    to_pay = {s.key: s for s in client_for(treasurer).get(home).context["sections"]}["installments_to_pay"]
    assert to_pay.items == []

    line = order.lines.get()
    addendum = services.propose_addendum(order=order, by=buyer, lines={line.pk: ("", 4)}, reason="Tambah")
    services.answer_addendum(addendum=addendum, by=vendor.user, accept=True)
    waiting = {s.key: s for s in client_for(approver).get(home).context["sections"]}["addenda_to_approve"]
    assert [i.label for i in waiting.items] == [order.number]
