"""The order page shows its deadline and payment clock; the vendor files a late-payment complaint
there; it lands in BPBJ's queue, which only BPBJ may open."""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from procurement.models import LatePaymentComplaint, Notification, OrderStatus

from .factories import make_order

pytestmark = pytest.mark.django_db
JKT = ZoneInfo("Asia/Jakarta")


def at(day):
    return datetime.combine(day, time(10), tzinfo=JKT)


@pytest.fixture
def overdue_order(buyer, package, product):
    return make_order(
        buyer=buyer,
        package=package,
        items=[(product, 1)],
        status=OrderStatus.RECEIVED,
        received_at=at(date(2026, 2, 12)),
    )


def test_order_page_shows_the_payment_clock_to_the_treasurer(client, treasurer, overdue_order):
    client.force_login(treasurer)
    with time_machine.travel(at(date(2026, 2, 27)), tick=False):
        body = client.get(overdue_order.get_absolute_url()).content.decode()
    assert "Pembayaran setelah BAST" in body and "2 Maret 2026" in body and "sisa 1 hari kerja" in body


def test_vendor_files_a_complaint_from_the_order_page_once_the_payment_is_late(
    vendor_client, overdue_order, bpbj_client, bpbj_user
):
    url = reverse("procurement:order_action", args=[overdue_order.pk, "complain"])
    with time_machine.travel(at(date(2026, 2, 27)), tick=False):
        assert "Ajukan keluhan" not in vendor_client.get(overdue_order.get_absolute_url()).content.decode()
        vendor_client.post(url, {"note": "Terlalu cepat"})
    assert not LatePaymentComplaint.objects.exists()
    with time_machine.travel(at(date(2026, 3, 3)), tick=False):
        page = vendor_client.get(overdue_order.get_absolute_url()).content.decode()
        assert "Ajukan keluhan ke BPBJ" in page and "terlambat 1 hari kerja" in page
        response = vendor_client.post(url, {"note": "Sudah lewat tenggat, mohon dibantu."}, follow=True)
    assert "Keluhan keterlambatan pembayaran dikirim ke BPBJ" in response.content.decode()
    complaint = LatePaymentComplaint.objects.get()
    queue = bpbj_client.get(reverse("procurement:complaint_queue"))
    assert overdue_order.number in queue.content.decode()
    bpbj_client.post(
        reverse("procurement:complaint_queue"),
        {"complaint": complaint.pk, "resolution": "Bendahara dihubungi; SP2D diproses."},
    )
    complaint.refresh_from_db()
    assert complaint.status == "resolved" and complaint.resolved_by == bpbj_user


def test_bpbj_resolution_without_text_is_refused_with_a_message(bpbj_client, overdue_order, vendor):
    complaint = LatePaymentComplaint.objects.create(
        order=overdue_order, vendor=vendor, filed_by=vendor.user, note="x"
    )
    response = bpbj_client.post(
        reverse("procurement:complaint_queue"), {"complaint": complaint.pk, "resolution": " "}, follow=True
    )
    assert "Tuliskan tindak lanjut BPBJ" in response.content.decode()
    complaint.refresh_from_db()
    assert complaint.status == "open"


def test_other_vendor_cannot_complain_about_an_order_by_id(other_vendor_client, overdue_order):
    url = reverse("procurement:order_action", args=[overdue_order.pk, "complain"])
    with time_machine.travel(at(date(2026, 3, 3)), tick=False):
        assert other_vendor_client.post(url, {"note": "x"}).status_code == 404
    assert not LatePaymentComplaint.objects.exists()


@pytest.mark.parametrize("who", ["vendor_client", "buyer_client", "anon_client"])
def test_only_bpbj_opens_the_complaint_queue(request, who):
    client = request.getfixturevalue(who)
    response = client.get(reverse("procurement:complaint_queue"))
    assert response.status_code in (302, 403)


def test_system_steps_show_in_the_audit_trail_with_their_rule(client, buyer, package, product):
    from procurement import deadlines

    with time_machine.travel(at(date(2026, 2, 13)), tick=False):
        order = make_order(buyer=buyer, package=package, items=[(product, 1)], status=OrderStatus.SENT)
    with time_machine.travel(at(date(2026, 2, 23)), tick=False):
        deadlines.run_all()
    client.force_login(buyer)
    body = client.get(order.get_absolute_url()).content.decode()
    assert "Tanggapan penyedia atas pesanan" in body and "sistem" in body
    assert Notification.objects.count() == 0  # delivered after commit only (the test never commits)
