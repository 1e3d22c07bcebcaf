"""Integrity of the money path: checkout confirms what the buyer saw, BAST and payment dates are
bounded, and a RUP package that carries orders keeps its pagu and its place (admin, model, import)."""

import io
import uuid
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from catalog.models import Product
from procurement import services
from procurement.models import (
    CartItem,
    Order,
    OrderStatus,
    Payment,
    ProcurementMethod,
    Receipt,
    RUPPackage,
)
from procurement.services import CheckoutChanged, CheckoutError, TransitionError
from tests.factories import OPDFactory, ProductFactory

from .factories import RUPPackageFactory, make_order

pytestmark = pytest.mark.django_db
S = OrderStatus
TODAY = timezone.localdate


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def place(buyer, package, expected, token=None):
    return services.checkout(
        user=buyer,
        token=token or uuid.uuid4().hex,
        expected=expected,
        packages={vendor_id: package.pk for vendor_id in _cart_vendors(buyer)},
        delivery_address="Balai Kota Among Tani",
        needed_by=TODAY() + timedelta(days=5),
    )


def _cart_vendors(buyer):
    return set(CartItem.objects.filter(user=buyer).values_list("product__vendor_id", flat=True))


@pytest.fixture
def cheap(vendor):
    return ProductFactory(vendor=vendor, name="Kursi lipat", price=Decimal("150000"), stock=100)


# ------------------------------------------------------------------ checkout confirms what was shown


def test_checkout_refuses_a_price_raised_after_the_page_was_rendered_and_creates_nothing(
    buyer, cheap, package
):
    services.add_to_cart(user=buyer, product_id=cheap.pk, quantity=10)
    shown = services.current_checkout_snapshot(buyer)  # the buyer's checkout page: 10 × Rp150.000
    Product.objects.filter(pk=cheap.pk).update(price=Decimal("1500000"))  # the vendor, meanwhile

    with pytest.raises(CheckoutChanged) as refused:
        place(buyer, package, shown)

    changes = {(c.name, c.what): (c.old, c.new) for c in refused.value.changes}
    assert changes[("Kursi lipat", "Harga satuan")] == ("Rp150.000", "Rp1.500.000")
    assert (refused.value.old_total, refused.value.new_total) == (Decimal("1500000"), Decimal("15000000"))
    assert not Order.objects.exists()
    package.refresh_from_db()
    assert package.committed == 0
    assert CartItem.objects.filter(user=buyer).count() == 1


def test_checkout_creates_the_order_at_exactly_the_confirmed_prices(buyer, cheap, package):
    services.add_to_cart(user=buyer, product_id=cheap.pk, quantity=10)
    (order,) = place(buyer, package, services.current_checkout_snapshot(buyer))
    line = order.lines.get()
    assert (line.unit_price, line.quantity, order.total) == (Decimal("150000"), 10, Decimal("1500000"))


def test_checkout_refuses_a_quantity_or_a_cart_line_changed_in_another_tab(
    buyer, cheap, other_product, package
):
    item = services.add_to_cart(user=buyer, product_id=cheap.pk, quantity=2)
    shown = services.current_checkout_snapshot(buyer)
    services.update_cart_item(user=buyer, item_id=item.pk, quantity=20)
    services.add_to_cart(user=buyer, product_id=other_product.pk, quantity=2)

    with pytest.raises(CheckoutChanged) as refused:
        place(buyer, package, shown)

    changes = {(c.name, c.what): (c.old, c.new) for c in refused.value.changes}
    assert changes[("Kursi lipat", "Jumlah")] == ("2", "20")
    assert changes[(other_product.name, "Barang di keranjang")] == ("tidak ada", "2 × Rp40.000")
    assert not Order.objects.exists()


def test_checkout_refuses_a_ppn_rate_that_changed_since_rendering(buyer, vendor, cheap, package, settings):
    settings.PPN_RATE = Decimal("0.11")
    services.add_to_cart(user=buyer, product_id=cheap.pk, quantity=1)
    shown = services.current_checkout_snapshot(buyer)
    vendor.is_pkp = True  # the vendor registered for VAT meanwhile
    vendor.save()

    with pytest.raises(CheckoutChanged) as refused:
        place(buyer, package, shown)

    changes = {(c.name, c.what): (c.old, c.new) for c in refused.value.changes}
    assert changes[(str(vendor), "Tarif PPN")] == ("0%", "11%")
    assert changes[(str(vendor), "Total pesanan")] == ("Rp150.000", "Rp166.500")
    assert not Order.objects.exists()


def test_a_forged_or_missing_checkout_snapshot_is_refused_with_a_message(buyer, cheap, package):
    services.add_to_cart(user=buyer, product_id=cheap.pk, quantity=1)
    signed = services.sign_checkout_snapshot(services.checkout_snapshot(CartItem.objects.all()))
    for bad in ("", "garbage", signed[:-3] + "xyz", signed.replace(".", "-", 1)):
        with pytest.raises(CheckoutError, match="muat ulang"):
            services.load_checkout_snapshot(bad)
    with pytest.raises(CheckoutError, match="muat ulang"):
        place(buyer, package, {"lines": "rubbish"})
    assert not Order.objects.exists()
    # The raw snapshot of the cart as it stands is as good as a loaded one.
    (order,) = place(buyer, package, services.checkout_snapshot(CartItem.objects.all()))
    assert order.total == Decimal("150000")


def test_checkout_page_shows_old_and_new_price_and_creates_nothing_then_the_same_token_goes_through(
    buyer, buyer_client, cheap, package, django_capture_on_commit_callbacks
):
    services.add_to_cart(user=buyer, product_id=cheap.pk, quantity=10)
    page = buyer_client.get(reverse("procurement:checkout"))
    data = {
        "token": page.context["form"].initial["token"],
        "snapshot": page.context["snapshot"],
        "package_all": package.pk,
        "delivery_address": "Jl. Sudirman 1",
        "needed_by": (TODAY() + timedelta(days=3)).isoformat(),
    }
    Product.objects.filter(pk=cheap.pk).update(price=Decimal("1500000"))

    response = buyer_client.post(reverse("procurement:checkout"), data)

    assert response.status_code == 200
    html = response.content.decode()
    assert "berubah sejak halaman ini dibuka" in html
    assert "Rp150.000" in html and "Rp1.500.000" in html
    assert "Rp15.000.000" in html  # the new total, next to the old Rp1.500.000
    assert not Order.objects.exists()
    # The re-rendered page carries the new prices; submitting it (same token) confirms them.
    assert response.context["snapshot"] != data["snapshot"]
    with django_capture_on_commit_callbacks(execute=True):
        confirmed = buyer_client.post(
            reverse("procurement:checkout"), {**data, "snapshot": response.context["snapshot"]}
        )
    assert confirmed.status_code == 302
    order = Order.objects.get()
    assert order.total == Decimal("15000000") and order.checkout_token == data["token"]
    # A double click of the confirmed submit still makes no second order.
    again = buyer_client.post(
        reverse("procurement:checkout"), {**data, "snapshot": response.context["snapshot"]}
    )
    assert again.status_code == 302 and Order.objects.count() == 1


def test_checkout_page_without_its_snapshot_says_reload_and_creates_nothing(
    buyer, buyer_client, cheap, package
):
    services.add_to_cart(user=buyer, product_id=cheap.pk, quantity=1)
    response = buyer_client.post(
        reverse("procurement:checkout"),
        {
            "token": uuid.uuid4().hex,
            "package_all": package.pk,
            "delivery_address": "Jl. Sudirman 1",
            "needed_by": (TODAY() + timedelta(days=3)).isoformat(),
        },
    )
    assert response.status_code == 200
    assert "muat ulang halaman" in response.content.decode()
    assert not Order.objects.exists()


# ------------------------------------------------------------------ BAST and payment dates


@pytest.fixture
def shipped(buyer, vendor, product, package):
    order = make_order(buyer=buyer, package=package, items=[(product, 4)])
    services.accept_order(order=order, by=vendor.user)
    services.ship_order(order=order, by=vendor.user)
    # Shipped ten days ago, late evening UTC: already the next day in Jakarta.
    ten_days_ago = TODAY() - timedelta(days=10)
    shipped_at = datetime(ten_days_ago.year, ten_days_ago.month, ten_days_ago.day, 20, 0, tzinfo=UTC)
    Order.objects.filter(pk=order.pk).update(shipped_at=shipped_at)
    order.refresh_from_db()
    return order


def receive(order, buyer, on):
    line = order.lines.get()
    return services.record_receipt(order=order, by=buyer, quantities={line.pk: line.quantity}, received_on=on)


def test_bast_dated_before_the_shipment_is_refused_and_records_nothing(shipped, buyer):
    shipped_on = TODAY() - timedelta(days=9)  # Jakarta date of the shipment
    for too_early in (date(1990, 1, 1), shipped_on - timedelta(days=1)):
        with pytest.raises(TransitionError, match="sebelum barang dikirim") as refused:
            receive(shipped, buyer, too_early)
        assert date_format(shipped_on) in refused.value.message
    with pytest.raises(TransitionError, match="masa depan"):
        receive(shipped, buyer, TODAY() + timedelta(days=1))
    assert not Receipt.objects.exists()
    shipped.refresh_from_db()
    assert shipped.status == S.SHIPPED
    receive(shipped, buyer, shipped_on)  # the shipment's own (Jakarta) day is fine
    shipped.refresh_from_db()
    assert shipped.status == S.RECEIVED


def test_payment_dated_before_the_first_bast_is_refused_and_moves_no_money(
    shipped, buyer, treasurer, package
):
    first_bast = TODAY() - timedelta(days=5)
    receive(shipped, buyer, first_bast)
    for too_early in (date(1980, 1, 1), first_bast - timedelta(days=1)):
        with pytest.raises(TransitionError, match="sebelum tanggal BAST pertama"):
            services.record_payment(order=shipped, by=treasurer, paid_on=too_early, reference="SP2D/1")
    with pytest.raises(TransitionError, match="masa depan"):
        services.record_payment(
            order=shipped, by=treasurer, paid_on=TODAY() + timedelta(days=1), reference="SP2D/1"
        )
    assert not Payment.objects.exists()
    package.refresh_from_db()
    assert package.spent == 0 and package.committed == shipped.total
    services.record_payment(order=shipped, by=treasurer, paid_on=first_bast, reference="SP2D/1")
    package.refresh_from_db()
    assert package.spent == shipped.total and package.committed == 0


def test_the_order_page_shows_and_enforces_the_date_ranges(shipped, buyer, treasurer):
    buyer_client, treasurer_client = client_for(buyer), client_for(treasurer)
    shipped_on = TODAY() - timedelta(days=9)
    page = buyer_client.get(shipped.get_absolute_url()).content.decode()
    assert f'min="{shipped_on.isoformat()}"' in page and f'max="{TODAY().isoformat()}"' in page
    line = shipped.lines.get()
    url = reverse("procurement:order_action", args=[shipped.pk, "receive"])
    response = buyer_client.post(url, {"received_on": "1990-01-01", f"recv_{line.pk}": "4"}, follow=True)
    assert response.status_code == 200 and "sebelum barang dikirim" in response.content.decode()
    assert not Receipt.objects.exists()
    buyer_client.post(url, {"received_on": (TODAY() - timedelta(days=2)).isoformat(), f"recv_{line.pk}": "4"})
    assert Receipt.objects.count() == 1

    page = treasurer_client.get(shipped.get_absolute_url()).content.decode()
    assert f'min="{(TODAY() - timedelta(days=2)).isoformat()}"' in page
    url = reverse("procurement:order_action", args=[shipped.pk, "pay"])
    response = treasurer_client.post(url, {"paid_on": "1980-01-01", "reference": "SP2D/9"}, follow=True)
    assert response.status_code == 200 and "sebelum tanggal BAST pertama" in response.content.decode()
    assert not Payment.objects.exists()


# ------------------------------------------------------------------ RUP package: pagu and place


@pytest.fixture
def held_package(buyer, product, opd):
    """A package holding Rp250.000 committed (open order) and Rp100.000 spent (paid order)."""
    package = RUPPackageFactory(opd=opd, pagu=Decimal("1000000"))
    make_order(buyer=buyer, package=package, items=[(product, 10)])  # 10 × Rp25.000, sent
    make_order(buyer=buyer, package=package, items=[(product, 4)], status=S.PAID)
    package.refresh_from_db()
    assert (package.committed, package.spent) == (Decimal("250000"), Decimal("100000"))
    return package


def admin_form(package, **changes):
    data = {
        "opd": package.opd_id,
        "fiscal_year": package.fiscal_year,
        "kode_rup": package.kode_rup,
        "name": package.name,
        "pagu": str(package.pagu),
        "funding_source": package.funding_source,
        "method": package.method,
    }
    data.update(changes)
    return data


def change_url(package):
    return reverse("admin:procurement_ruppackage_change", args=[package.pk])


def test_admin_refuses_a_pagu_below_committed_plus_spent_with_a_message(admin_client_bpbj, held_package):
    response = admin_client_bpbj.post(change_url(held_package), admin_form(held_package, pagu="300000"))
    assert response.status_code == 200
    assert "Pagu tidak boleh lebih kecil dari yang sudah terikat dan terbayar (Rp350.000)" in (
        response.content.decode()
    )
    held_package.refresh_from_db()
    assert held_package.pagu == Decimal("1000000")
    # Exactly what it holds is fine.
    response = admin_client_bpbj.post(change_url(held_package), admin_form(held_package, pagu="350000"))
    assert response.status_code == 302
    held_package.refresh_from_db()
    assert held_package.pagu == Decimal("350000") and held_package.committed == Decimal("250000")


@pytest.mark.parametrize(
    "field,value",
    [
        ("opd", lambda p: OPDFactory().pk),
        ("fiscal_year", lambda p: p.fiscal_year + 1),
        ("method", lambda p: ProcurementMethod.TENDER),
    ],
    ids=["opd", "fiscal_year", "method"],
)
def test_admin_refuses_moving_a_package_with_orders(admin_client_bpbj, held_package, field, value):
    before = RUPPackage.objects.values().get(pk=held_package.pk)
    response = admin_client_bpbj.post(
        change_url(held_package), admin_form(held_package, **{field: value(held_package)})
    )
    assert response.status_code == 200
    assert "tidak dapat dipindah ke OPD, tahun anggaran atau metode lain" in response.content.decode()
    assert RUPPackage.objects.values().get(pk=held_package.pk) == before


def test_admin_may_still_move_and_resize_a_package_without_orders(admin_client_bpbj, package):
    other = OPDFactory()
    response = admin_client_bpbj.post(
        change_url(package),
        admin_form(package, opd=other.pk, fiscal_year=package.fiscal_year + 1, method="direct", pagu="5"),
    )
    assert response.status_code == 302
    package.refresh_from_db()
    assert (package.opd_id, package.method, package.pagu) == (other.pk, "direct", Decimal("5"))


def test_the_package_rules_hold_outside_the_admin_too(held_package):
    held_package.pagu = Decimal("349999")
    with pytest.raises(ValidationError) as refused:
        held_package.full_clean()
    assert "pagu" in refused.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():  # the database CHECK still backs it
        held_package.save()

    held_package.refresh_from_db()
    held_package.fiscal_year += 1
    with pytest.raises(ValidationError, match="tidak dapat dipindah"):
        held_package.full_clean()
    with pytest.raises(ValidationError, match="tidak dapat dipindah"):
        held_package.save()
    assert RUPPackage.objects.get(pk=held_package.pk).fiscal_year == held_package.fiscal_year - 1
    held_package.refresh_from_db()
    held_package.name = "Nama baru"  # anything else may still change
    held_package.full_clean()
    held_package.save()


def test_rup_import_refuses_changing_the_method_of_a_package_with_orders(bpbj_client, held_package, opd):
    csv = (
        "kode_rup,nama_paket,kode_opd,tahun,pagu,sumber_dana,metode\n"
        f"{held_package.kode_rup},Nama baru,{opd.code},{held_package.fiscal_year},1000000,apbd,tender\n"
    )
    upload = io.BytesIO(csv.encode())
    upload.name = "rup.csv"
    response = bpbj_client.post(reverse("procurement:rup_import"), {"file": upload})
    assert response.status_code == 200
    assert any("metodenya tidak dapat diubah" in e for e in response.context["errors"])
    held_package.refresh_from_db()
    assert held_package.method == ProcurementMethod.E_PURCHASING and held_package.name != "Nama baru"
