"""In headless Chromium: an order with an advance and two termins, an addendum above the approval
threshold approved by the PA/KPA, partial BASTs and payments per plan with PPh withheld."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from procurement.models import Addendum, AddendumStatus, OPDMember, Order, OrderStatus, Payment, RUPPackage
from tests.factories import OPDMemberFactory, ProductFactory, VendorFactory

from .factories import RUPPackageFactory
from .test_browser import act, login, open_details

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_advance_addendum_over_the_threshold_and_two_termins_in_a_browser(browser, live_server):
    member = OPDMemberFactory(user__username="ppk-termin", position=OPDMember.Position.PPK)
    opd = member.opd
    opd.approval_threshold = Decimal("300000")
    opd.save()
    OPDMemberFactory(opd=opd, user__username="kepala-termin", position=OPDMember.Position.PA)
    OPDMemberFactory(opd=opd, user__username="bendahara-termin", position=OPDMember.Position.TREASURER)
    package = RUPPackageFactory(opd=opd, pagu=Decimal("50000000"), name="Belanja seragam")
    vendor = VendorFactory(user__username="penyedia-termin", business_name="Konveksi Batu Sejahtera")
    product = ProductFactory(vendor=vendor, name="Seragam Batik Kota Batu", price=Decimal("25000"), stock=100)
    today = timezone.localdate().isoformat()

    buyer = login(browser, live_server, member.user.username)
    buyer.goto(f"{live_server.url}{product.get_absolute_url()}")
    buyer.fill("form.add-to-cart input[name=quantity]", "10")
    buyer.click("form.add-to-cart button[type=submit]")
    buyer.wait_for_load_state()
    buyer.goto(f"{live_server.url}/pengadaan/keranjang/pesan/")
    buyer.select_option("select[name=package_all]", str(package.pk))
    buyer.fill("textarea[name=delivery_address]", "Balai Kota Among Tani")
    buyer.fill("input[name=needed_by]", (timezone.localdate() + timedelta(days=14)).isoformat())
    buyer.fill("input[name=advance_percent]", "20")
    buyer.check("input[name=pay_per_bast]")
    buyer.click("form.checkout-form button[type=submit]")
    buyer.wait_for_load_state()
    order = Order.objects.get()
    assert order.total == Decimal("250000") and order.pay_per_bast
    order_url = f"{live_server.url}{order.get_absolute_url()}"

    seller = login(browser, live_server, "penyedia-termin")
    seller.goto(order_url)
    act(seller, "accept")

    treasurer = login(browser, live_server, "bendahara-termin")
    treasurer.goto(order_url)
    assert treasurer.locator("[data-installment=advance]").count() == 1
    form = treasurer.locator("form[action$='/aksi/pay/']")
    form.locator("select[name=installment]").select_option("advance")
    form.locator("input[name=paid_on]").fill(today)
    form.locator("input[name=reference]").fill("SP2D-UM-1")
    form.locator("select[name=pph_code]").select_option("pph22")
    act(treasurer, "pay")
    assert "Pembayaran dicatat." in treasurer.content()
    advance = Payment.objects.get()
    assert (advance.amount, advance.pph_amount) == (Decimal("50000"), Decimal("750"))

    # The buyer raises the quantity: the new total crosses the PA/KPA threshold.
    line = order.lines.get()
    buyer.goto(order_url)
    open_details(buyer, "propose_addendum")
    buyer.fill(f"input[name=qty_{line.pk}]", "14")
    buyer.fill(
        "form[action$='/aksi/propose_addendum/'] textarea[name=reason]", "Pegawai baru bertambah empat orang"
    )
    act(buyer, "propose_addendum")
    assert "Usulan adendum dikirim" in buyer.content()
    seller.goto(order_url)
    seller.get_by_role("button", name="Terima adendum").click()
    seller.wait_for_load_state()
    assert Addendum.objects.get().status == AddendumStatus.PENDING_APPROVAL
    order.refresh_from_db()
    assert order.total == Decimal("250000")  # nothing moves before the PA/KPA

    head = login(browser, live_server, "kepala-termin")
    head.goto(order_url)
    head.locator("form[action$='/aksi/approve_addendum/'] button:not([formaction])").click()
    head.wait_for_load_state()
    addendum = Addendum.objects.get()
    assert addendum.status == AddendumStatus.ACCEPTED
    assert f"Adendum {addendum.number} berlaku." in head.content()
    order.refresh_from_db()
    assert order.total == Decimal("350000") and order.approved_amount == Decimal("350000")
    head.goto(f"{live_server.url}/pengadaan/pesanan/{order.pk}/adendum/{addendum.pk}/")
    assert "ADENDUM SURAT PESANAN" in head.content()

    seller.goto(order_url)
    act(seller, "ship")

    def receive(qty):
        buyer.goto(order_url)
        buyer.fill(f"input[name=recv_{line.pk}]", str(qty))
        act(buyer, "receive")

    def pay(reference):
        treasurer.goto(order_url)
        form = treasurer.locator("form[action$='/aksi/pay/']")
        form.locator("input[name=paid_on]").fill(today)
        form.locator("input[name=reference]").fill(reference)
        form.locator("select[name=pph_code]").select_option("pph22")
        act(treasurer, "pay")
        assert "Pembayaran dicatat." in treasurer.content()

    receive(6)
    pay("SP2D-T-1")
    receive(8)
    pay("SP2D-T-2")
    termins = list(Payment.objects.filter(kind=Payment.Kind.TERMIN).order_by("id"))
    # 6 × 25.000 received, minus the advance recovered pro rata (50.000 × 150.000 / 350.000).
    assert [p.amount for p in termins] == [Decimal("128571"), Decimal("171429")]
    assert [p.pph_amount for p in termins] == [Decimal("1929"), Decimal("2571")]
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID and order.paid_amount == Decimal("350000")
    package = RUPPackage.objects.get(pk=package.pk)
    assert package.committed == 0 and package.spent == Decimal("350000")
    assert "Dibayar" in treasurer.content() and treasurer.locator(".payment-plan tbody tr").count() == 3
