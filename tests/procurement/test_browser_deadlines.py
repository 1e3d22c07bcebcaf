"""In headless Chromium: a sent order the vendor leaves alone past its deadline is cancelled by
the scheduled task, and both the vendor and the buyer see why."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from procurement.models import OPDMember, Order, OrderStatus
from procurement.tasks import run_deadlines
from tests.factories import OPDMemberFactory, ProductFactory, VendorFactory

from .factories import RUPPackageFactory, make_order
from .test_browser import login

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_unanswered_order_is_cancelled_by_the_scheduled_task_and_both_sides_see_why(browser, live_server):
    member = OPDMemberFactory(user__username="ppk-tenggat", position=OPDMember.Position.PPK)
    package = RUPPackageFactory(opd=member.opd, pagu=Decimal("50000000"))
    vendor = VendorFactory(user__username="penyedia-tenggat", business_name="UD Diam Saja")
    product = ProductFactory(vendor=vendor, name="Sari Apel Batu", price=Decimal("15000"), stock=100)
    # Sent three weeks ago (more than three working days whatever the holidays) and never answered.
    sent = timezone.now() - timedelta(days=21)
    order = make_order(
        buyer=member.user,
        package=package,
        items=[(product, 5)],
        status=OrderStatus.SENT,
        sent_at=sent,
        status_changed_at=sent,
    )

    vendor_page = login(browser, live_server, "penyedia-tenggat")
    vendor_page.goto(f"{live_server.url}{order.get_absolute_url()}")
    assert vendor_page.locator("#tenggat").inner_text().count("terlambat") == 1
    assert vendor_page.locator("form[action$='/aksi/accept/']").count() == 1

    lines = run_deadlines()  # what celery beat runs; eager here, no worker needed
    assert any(line.startswith("vendor_answer: 1 tindakan") for line in lines)
    assert Order.objects.get(pk=order.pk).status == OrderStatus.CANCELLED

    for page in (vendor_page, login(browser, live_server, "ppk-tenggat")):
        page.goto(f"{live_server.url}/pengadaan/notifikasi/")
        notices = page.locator(".notice-list").inner_text()
        assert order.number in notices and "tidak menanggapi pesanan dalam 3 hari kerja" in notices
        page.goto(f"{live_server.url}{order.get_absolute_url()}")
        body = page.locator("main").inner_text()
        assert "Dibatalkan" in body
        assert "Penyedia tidak menanggapi pesanan dalam 3 hari kerja" in body
        assert "sistem" in body and "Tanggapan penyedia atas pesanan" in body
        assert page.locator("form[action$='/aksi/accept/']").count() == 0
