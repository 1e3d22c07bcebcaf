"""In headless Chromium: the steps of an order issue their PDFs; the SP's printed verification
address (the one its QR code holds) opens the public page; a tampered copy fails there."""

import io
import re
import zipfile
from decimal import Decimal

import pytest
from django.utils import timezone

from documents.models import IssuedDocument
from procurement.models import OPDMember, OrderStatus
from tests.factories import OPDMemberFactory, ProductFactory, VendorFactory

from .factories import RUPPackageFactory, make_order
from .test_browser import act, login

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_documents_are_issued_and_verified_in_a_browser(browser, live_server, settings):
    from pypdf import PdfReader, PdfWriter

    settings.DOCUMENTS_ON_ISSUE = True
    settings.PUBLIC_BASE_URL = live_server.url
    member = OPDMemberFactory(user__username="ppk-dokumen", position=OPDMember.Position.PPK)
    treasurer = OPDMemberFactory(
        opd=member.opd, user__username="bendahara-dokumen", position=OPDMember.Position.TREASURER
    )
    package = RUPPackageFactory(opd=member.opd, pagu=Decimal("50000000"))
    vendor = VendorFactory(user__username="penyedia-dokumen", business_name="UD Apel Manis")
    product = ProductFactory(vendor=vendor, name="Keripik Apel Manalagi", price=Decimal("25000"), stock=100)
    order = make_order(buyer=member.user, package=package, items=[(product, 10)], sent_at=timezone.now())
    line = order.lines.get()

    vendor_page = login(browser, live_server, vendor.user.username)
    vendor_page.goto(f"{live_server.url}{order.get_absolute_url()}")
    act(vendor_page, "accept")
    act(vendor_page, "ship")

    buyer = login(browser, live_server, member.user.username)
    buyer.goto(f"{live_server.url}{order.get_absolute_url()}")
    buyer.fill(f"input[name=recv_{line.pk}]", "4")
    act(buyer, "receive")
    act(buyer, "receive")
    treasurer_page = login(browser, live_server, treasurer.user.username)
    treasurer_page.goto(f"{live_server.url}{order.get_absolute_url()}")
    treasurer_page.fill("input[name=reference]", "SP2D/0001/2026")
    act(treasurer_page, "pay")
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID

    # SP, two BASTs and the payment receipt, listed on the order page.
    assert sorted(IssuedDocument.objects.filter(order=order).values_list("kind", flat=True)) == [
        "bast",
        "bast",
        "payment",
        "sp",
    ]
    buyer.reload()
    links = buyer.locator("#dokumen a[href*='/dokumen/']")
    assert links.count() == 4
    sp_link = buyer.locator("#dokumen a", has_text=order.sp_number).first
    pdf = buyer.request.get(live_server.url + sp_link.get_attribute("href")).body()
    assert pdf.startswith(b"%PDF-")

    # The address printed under the QR code is the public verification page.
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).replace("\n", "")
    match = re.search(re.escape(live_server.url) + r"/verifikasi/([0-9A-Z]+)/", text)
    assert match
    citizen = browser.new_context().new_page()
    citizen.goto(match.group(0))
    assert order.sp_number in citizen.content() and "Rp250.000" in citizen.content()
    assert citizen.locator("a[href*='/data/ocds/records/']").count() == 1

    citizen.set_input_files("#id_berkas", {"name": "sp.pdf", "mimeType": "application/pdf", "buffer": pdf})
    citizen.locator("form[enctype] button[type=submit]").click()
    citizen.wait_for_load_state()
    assert citizen.locator(".verify-result[data-result=match]").count() == 1

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    writer.add_metadata({"/Title": "SP palsu"})
    forged = io.BytesIO()
    writer.write(forged)
    citizen.set_input_files(
        "#id_berkas", {"name": "sp.pdf", "mimeType": "application/pdf", "buffer": forged.getvalue()}
    )
    citizen.locator("form[enctype] button[type=submit]").click()
    citizen.wait_for_load_state()
    assert citizen.locator(".verify-result[data-result=mismatch]").count() == 1

    # The audit pack from the order page.
    pack_href = buyer.locator("#dokumen a[href$='/paket-audit/']").get_attribute("href")
    pack = zipfile.ZipFile(io.BytesIO(buyer.request.get(live_server.url + pack_href).body()))
    assert len([n for n in pack.namelist() if n.startswith("dokumen/")]) == 4
