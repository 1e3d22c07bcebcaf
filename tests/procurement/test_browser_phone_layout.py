"""The printable Surat Pesanan and BAST fit a 360 px phone (no sideways scrolling of the page)."""

from decimal import Decimal

import pytest
from django.utils import timezone

from procurement import services
from procurement.models import OPDMember
from tests.factories import PASSWORD, OPDMemberFactory, ProductFactory, VendorFactory

from .factories import RUPPackageFactory, make_order

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_surat_pesanan_and_bast_fit_a_360_px_phone(browser, live_server):
    member = OPDMemberFactory(user__username="ppk-sp", position=OPDMember.Position.PPK)
    vendor = VendorFactory(business_name="CV Panjang Sekali Nama Usahanya Sejahtera Abadi")
    product = ProductFactory(
        vendor=vendor,
        name="Keripik Apel Manalagi Kemasan Standing Pouch 250 g",
        price=Decimal("1250000"),
        stock=500,
    )
    package = RUPPackageFactory(opd=member.opd, pagu=Decimal("900000000"))
    order = make_order(buyer=member.user, package=package, items=[(product, 120)])
    services.accept_order(order=order, by=vendor.user)
    services.ship_order(order=order, by=vendor.user)
    line = order.lines.get()
    services.record_receipt(
        order=order, by=member.user, quantities={line.pk: 120}, received_on=timezone.localdate()
    )
    receipt = order.receipts.get()

    context = browser.new_context(viewport={"width": 360, "height": 800}, locale="id-ID")
    page = context.new_page()
    page.goto(f"{live_server.url}/akun/masuk/")
    page.fill("input[name=username]", "ppk-sp")
    page.fill("input[name=password]", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    for path in (
        f"/pengadaan/pesanan/{order.pk}/surat-pesanan/",
        f"/pengadaan/pesanan/{order.pk}/bast/{receipt.pk}/",
    ):
        assert page.goto(f"{live_server.url}{path}").status == 200
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{path} overflows by {overflow} px"
        # The line table scrolls inside its own box instead.
        assert page.locator(".doc-lines-wrap").count() == 1
    page.goto(f"{live_server.url}/pengadaan/pesanan/{order.pk}/surat-pesanan/")
    assert page.locator(".doc-lines td.num", has_text="Rp150.000.000").count() >= 1
