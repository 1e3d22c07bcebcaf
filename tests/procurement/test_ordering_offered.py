"""Ordering is offered only to those who may order; the vendor's two ways out of a sent order are explained."""

import pytest
from django.test import Client

from procurement.models import CartItem
from tests.factories import UserFactory

from .factories import make_order

pytestmark = pytest.mark.django_db


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def test_buyer_sees_the_cart_and_the_add_to_cart_button(buyer, product):
    client = client_for(buyer)
    html = client.get(product.get_absolute_url()).content.decode()
    assert "Tambah ke keranjang" in html
    assert 'href="/pengadaan/keranjang/"' in html
    assert client.get("/pengadaan/keranjang/").status_code == 200


@pytest.mark.parametrize("who", ["approver", "treasurer"])
def test_approver_and_treasurer_are_not_offered_the_cart(request, who, product):
    client = client_for(request.getfixturevalue(who))
    product_html = client.get(product.get_absolute_url()).content.decode()
    assert "Tambah ke keranjang" not in product_html
    assert 'href="/pengadaan/keranjang/"' not in product_html
    assert 'href="/pengadaan/keranjang/"' not in client.get("/pengadaan/pesanan/").content.decode()
    assert client.get("/pengadaan/keranjang/").status_code == 403
    assert client.get("/pengadaan/keranjang/pesan/").status_code == 403
    response = client.post(f"/pengadaan/keranjang/tambah/{product.pk}/", {"quantity": "1"})
    assert response.status_code == 403
    assert not CartItem.objects.exists()


def test_buyer_user_without_an_opd_may_not_order(product):
    user = UserFactory(role="buyer")
    assert user.may_order is False
    assert client_for(user).get("/pengadaan/keranjang/").status_code == 403


def test_vendor_is_told_how_rejecting_differs_from_cancelling_a_sent_order(buyer, vendor, product, package):
    order = make_order(buyer=buyer, package=package, items=[(product, 2)])
    html = client_for(vendor.user).get(f"/pengadaan/pesanan/{order.pk}/").content.decode()
    assert "Tolak pesanan" in html and "Batalkan pesanan" in html
    assert 'id="reject-explain"' in html and 'id="cancel-explain"' in html
    assert "tidak dapat memenuhi pesanan ini" in html
    assert "Tercatat sebagai pembatalan, bukan penolakan" in html
