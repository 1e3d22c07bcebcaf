"""The happy path in headless Chromium: two vendors, negotiation, BAST, payment, a rejection and a cancellation."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from procurement.models import OPDMember, Order, OrderStatus, RUPPackage
from tests.factories import PASSWORD, OPDMemberFactory, ProductFactory, VendorFactory

from .factories import RUPPackageFactory

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def login(browser, live_server, username, width=1280):
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="id-ID")
    page = context.new_page()
    page.set_default_timeout(15000)
    page.goto(f"{live_server.url}/akun/masuk/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    return page


def act(page, action):
    """Click the submit button of an action form on the order page."""
    page.locator(f"form[action$='/aksi/{action}/'] button").click()
    page.wait_for_load_state()


def open_details(page, action):
    page.locator(f"details:has(form[action$='/aksi/{action}/']) > summary").click()


def test_happy_path_in_a_browser(browser, live_server):
    member = OPDMemberFactory(user__username="ppk-browser", position=OPDMember.Position.PPK)
    opd = member.opd
    treasurer = OPDMemberFactory(
        opd=opd, user__username="bendahara-browser", position=OPDMember.Position.TREASURER
    )
    package = RUPPackageFactory(opd=opd, pagu=Decimal("50000000"), name="Belanja makan minum rapat")
    vendor_a = VendorFactory(user__username="penyedia-a", business_name="UD Apel Manis")
    vendor_b = VendorFactory(user__username="penyedia-b", business_name="CV Kopi Arjuno")
    product_a = ProductFactory(
        vendor=vendor_a, name="Keripik Apel Manalagi", price=Decimal("25000"), stock=100
    )
    product_b = ProductFactory(vendor=vendor_b, name="Kopi Arabika Arjuno", price=Decimal("80000"), stock=30)

    buyer = login(browser, live_server, member.user.username)
    # Search the catalogue and add a product from each vendor.
    for product, qty in ((product_a, "10"), (product_b, "2")):
        buyer.fill("#header-q", product.name)
        buyer.press("#header-q", "Enter")
        buyer.wait_for_load_state()
        buyer.locator(f"a[href='{product.get_absolute_url()}']").first.click()
        buyer.wait_for_load_state()
        buyer.fill("form.add-to-cart input[name=quantity]", qty)
        buyer.click("form.add-to-cart button[type=submit]")
        buyer.wait_for_load_state()
    buyer.goto(f"{live_server.url}/pengadaan/keranjang/")
    assert buyer.locator(".cart-group").count() == 2

    def checkout():
        buyer.goto(f"{live_server.url}/pengadaan/keranjang/pesan/")
        buyer.select_option("select[name=package_all]", str(package.pk))
        buyer.fill("textarea[name=delivery_address]", "Balai Kota Among Tani, Jl. Panglima Sudirman 507")
        buyer.fill("input[name=needed_by]", (timezone.localdate() + timedelta(days=7)).isoformat())
        buyer.click("form.checkout-form button[type=submit]")
        buyer.wait_for_load_state()

    checkout()
    assert "2 pesanan dibuat" in buyer.content()
    order_a = Order.objects.get(vendor=vendor_a)
    order_b = Order.objects.get(vendor=vendor_b)
    assert {order_a.status, order_b.status} == {OrderStatus.SENT}

    # Negotiation: the buyer proposes, vendor A counters, the buyer accepts the counter.
    buyer.goto(f"{live_server.url}{order_a.get_absolute_url()}")
    open_details(buyer, "propose")
    line = order_a.lines.get()
    buyer.fill(f"input[name=price_{line.pk}]", "22000")
    act(buyer, "propose")
    assert "Penawaran dikirim" in buyer.content()

    vendor_page = login(browser, live_server, "penyedia-a", width=360)  # vendors use phones
    vendor_page.goto(f"{live_server.url}/pengadaan/kotak-masuk/?tab=negotiating")
    vendor_page.locator(f"a[href='{order_a.get_absolute_url()}']").click()
    vendor_page.wait_for_load_state()
    vendor_page.fill(f"input[name=price_{line.pk}]", "23500")
    act(vendor_page, "counter")

    buyer.reload()
    act(buyer, "accept_offer")
    order_a.refresh_from_db()
    assert order_a.total == Decimal("235000") and order_a.status == OrderStatus.SENT

    vendor_page.reload()
    act(vendor_page, "accept")
    assert "Surat Pesanan SP/" in vendor_page.content()
    vendor_page.fill("textarea[name=note]", "Diantar kurir toko")
    act(vendor_page, "ship")
    order_a.refresh_from_db()
    assert order_a.status == OrderStatus.SHIPPED

    # The printable Surat Pesanan exists for both sides.
    buyer.goto(f"{live_server.url}/pengadaan/pesanan/{order_a.pk}/surat-pesanan/")
    assert "SURAT PESANAN" in buyer.content() and order_a.sp_number in buyer.content()

    # BAST: first 4, then the remaining 6.
    buyer.goto(f"{live_server.url}{order_a.get_absolute_url()}")
    buyer.fill(f"input[name=recv_{line.pk}]", "4")
    act(buyer, "receive")
    assert re.search(r"BAST BAST/.+ dicatat", buyer.content())
    act(buyer, "receive")
    order_a.refresh_from_db()
    assert order_a.status == OrderStatus.RECEIVED

    treasurer_page = login(browser, live_server, treasurer.user.username)
    treasurer_page.goto(f"{live_server.url}{order_a.get_absolute_url()}")
    treasurer_page.fill("input[name=reference]", "SP2D/0001/2026")
    act(treasurer_page, "pay")
    buyer.reload()
    act(buyer, "complete")
    buyer.check("input[name=score][value='5']")
    act(buyer, "rate")
    order_a.refresh_from_db()
    assert order_a.status == OrderStatus.COMPLETED and order_a.rating.score == 5

    # Vendor B rejects with a reason.
    vendor_b_page = login(browser, live_server, "penyedia-b", width=360)
    vendor_b_page.goto(f"{live_server.url}{order_b.get_absolute_url()}")
    open_details(vendor_b_page, "reject")
    vendor_b_page.fill("#reject-reason", "Stok biji kopi habis")
    act(vendor_b_page, "reject")
    order_b.refresh_from_db()
    assert order_b.status == OrderStatus.REJECTED

    # A third order, cancelled by the buyer.
    buyer.goto(f"{live_server.url}{product_a.get_absolute_url()}")
    buyer.click("form.add-to-cart button[type=submit]")
    buyer.wait_for_load_state()
    checkout()
    order_c = Order.objects.exclude(pk__in=[order_a.pk, order_b.pk]).get()
    buyer.goto(f"{live_server.url}{order_c.get_absolute_url()}")
    open_details(buyer, "cancel")
    buyer.fill("#cancel-reason", "Rapat dibatalkan")
    act(buyer, "cancel")
    order_c.refresh_from_db()
    assert order_c.status == OrderStatus.CANCELLED

    package.refresh_from_db()
    assert (package.committed, package.spent) == (Decimal("0"), Decimal("235000"))
    assert RUPPackage.objects.get(pk=package.pk).remaining == Decimal("50000000") - Decimal("235000")
    # The audit trail is on the page.
    buyer.goto(f"{live_server.url}{order_a.get_absolute_url()}")
    assert buyer.locator(".timeline li").count() == 11
