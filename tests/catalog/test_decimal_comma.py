"""Numbers typed the Indonesian way (decimal comma, thousands dot) are read as meant everywhere."""

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from catalog.models import Product
from ecatalog.numbers import normalize_number, parse_whole_number
from procurement.models import CartItem, NegotiationOfferLine, OPDMember
from tests.factories import OPDMemberFactory, ProductFactory
from tests.procurement.factories import RUPPackageFactory, make_order

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("85,5", "85.5"),
        ("85.5", "85.5"),
        ("45,5%", "45.5"),
        ("1.250", "1250"),
        ("1.250.000", "1250000"),
        ("1.250,75", "1250.75"),
        (" 12 ", "12"),
        ("abc", "abc"),
    ],
)
def test_normalize_number_reads_indonesian_typing(typed, meant):
    assert normalize_number(typed) == meant


def test_parse_whole_number_refuses_fractions():
    assert parse_whole_number("1.000") == 1000
    with pytest.raises(ValueError):
        parse_whole_number("1,5")


def product_data(category, **overrides):
    data = {
        "name": "Sari Apel 250 ml",
        "category": category.pk,
        "unit": "botol",
        "price": "8.000",
        "min_order": "24",
        "stock": "1.250",
        "lead_time_days": "3",
        "description": "Sari apel asli Batu.",
        "specifications_text": "Volume: 250 ml",
        "tkdn": "85,5",
    }
    data.update(overrides)
    return data


def test_vendor_types_tkdn_with_a_decimal_comma_and_stock_with_a_thousands_dot(vendor_client, category):
    response = vendor_client.get(reverse("catalog:product_create"))
    html = response.content.decode()
    # Text inputs with a numeric keyboard: a type=number input would drop "85,5" in the browser.
    assert 'name="tkdn"' in html and 'type="number" name="tkdn"' not in html
    assert 'inputmode="decimal"' in html
    response = vendor_client.post(reverse("catalog:product_create"), product_data(category))
    assert response.status_code == 302, response.context["form"].errors
    product = Product.objects.get()
    assert product.tkdn == Decimal("85.5")
    assert product.stock == 1250


def test_a_tkdn_above_100_is_still_refused_with_a_message(vendor_client, category):
    response = vendor_client.post(reverse("catalog:product_create"), product_data(category, tkdn="100,5"))
    assert response.status_code == 200
    assert "100" in " ".join(response.context["form"].errors["tkdn"])
    assert not Product.objects.exists()


def test_catalogue_filter_reads_a_decimal_comma_and_a_thousands_dot(anon_client):
    ProductFactory(name="Keripik TKDN Tinggi", tkdn=Decimal("50.00"), price=Decimal("30000"))
    ProductFactory(name="Keripik TKDN Rendah", tkdn=Decimal("45.00"), price=Decimal("30000"))
    ProductFactory(name="Keripik Mahal", tkdn=Decimal("90.00"), price=Decimal("300000"))
    html = anon_client.get("/produk/", {"tkdn_min": "45,5", "harga_max": "100.000"}).content.decode()
    assert "Keripik TKDN Tinggi" in html
    assert "Keripik TKDN Rendah" not in html
    assert "Keripik Mahal" not in html


@pytest.fixture
def ppk_client(db):
    member = OPDMemberFactory(position=OPDMember.Position.PPK)
    client = Client()
    client.force_login(member.user)
    client.member = member
    return client


def test_buyer_adds_a_thousand_with_a_thousands_dot(ppk_client):
    product = ProductFactory(stock=5000, min_order=1)
    ppk_client.post(f"/pengadaan/keranjang/tambah/{product.pk}/", {"quantity": "1.000"})
    assert CartItem.objects.get().quantity == 1000
    item = CartItem.objects.get()
    ppk_client.post("/pengadaan/keranjang/", {f"qty_{item.pk}": "1.200"})
    assert CartItem.objects.get().quantity == 1200


def test_a_fractional_quantity_gets_a_message_not_a_wrong_number(ppk_client):
    product = ProductFactory(stock=5000, min_order=1)
    response = ppk_client.post(f"/pengadaan/keranjang/tambah/{product.pk}/", {"quantity": "1,5"}, follow=True)
    assert not CartItem.objects.exists()
    assert "bilangan bulat" in response.content.decode()


def test_negotiation_offer_reads_a_price_with_thousands_dots(ppk_client):
    product = ProductFactory(price=Decimal("25000"), stock=100)
    package = RUPPackageFactory(opd=ppk_client.member.opd, pagu=Decimal("50000000"))
    order = make_order(buyer=ppk_client.member.user, package=package, items=[(product, 10)])
    line = order.lines.get()
    html = ppk_client.get(f"/pengadaan/pesanan/{order.pk}/").content.decode()
    assert f'name="price_{line.pk}"' in html
    ppk_client.post(
        f"/pengadaan/pesanan/{order.pk}/aksi/propose/",
        {f"price_{line.pk}": "24.000", f"qty_{line.pk}": "10", "note": "Mohon harga untuk 10 pak."},
    )
    offer_line = NegotiationOfferLine.objects.get(order_line=line)
    assert offer_line.unit_price == Decimal("24000")
    assert offer_line.quantity == 10
