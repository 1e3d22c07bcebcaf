"""Each role's home lists what waits for it now, oldest first, with the deadline; the number
of queries does not grow with the number of rows."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from catalog.models import ProductStatus, VendorChangeRequest, VendorStatus
from onboarding.models import HelpTicket
from procurement import services
from procurement.models import LatePaymentComplaint, OrderStatus
from tests.factories import ProductFactory, VendorFactory

from .factories import make_order

pytestmark = pytest.mark.django_db
JKT = ZoneInfo("Asia/Jakarta")
S = OrderStatus


def at(day, hour=10):
    return datetime.combine(day, time(hour), tzinfo=JKT)


def client_for(client, user):
    client.force_login(user)
    return client


def sections(response):
    return {s.key: s for s in response.context["sections"]}


def queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_pa_kpa_home_lists_orders_to_approve_oldest_first(client, approver, buyer, package, product):
    for day in (5, 3, 4):
        with time_machine.travel(at(date(2026, 2, day)), tick=False):
            make_order(buyer=buyer, package=package, items=[(product, 1)], status=S.PENDING_APPROVAL)
    make_order(buyer=buyer, package=package, items=[(product, 1)], status=S.SENT)
    response = client_for(client, approver).get(reverse("accounts:dashboard"))
    waiting = sections(response)["to_approve"]
    assert waiting.total == 3
    assert [i.since.day for i in waiting.items] == [3, 4, 5]
    assert "Pesanan menunggu persetujuan Anda" in response.content.decode()


def test_treasurer_home_lists_basts_to_pay_with_working_days_left(client, treasurer, buyer, package, product):
    with time_machine.travel(at(date(2026, 2, 12)), tick=False):
        order = make_order(
            buyer=buyer,
            package=package,
            items=[(product, 1)],
            status=S.RECEIVED,
            received_at=at(date(2026, 2, 12)),
        )
    with time_machine.travel(at(date(2026, 2, 13)), tick=False):
        response = client_for(client, treasurer).get(reverse("accounts:dashboard"))
    [item] = sections(response)["to_pay"].items
    assert item.label == order.number
    assert item.clock.due == date(2026, 3, 2) and item.clock.days_left == 9
    assert "sisa 9 hari kerja" in response.content.decode()


def test_buyer_home_lists_deliveries_to_receive_and_negotiations_to_answer(
    client, buyer, package, product, vendor
):
    shipped = make_order(
        buyer=buyer, package=package, items=[(product, 1)], status=S.SHIPPED, shipped_at=at(date(2026, 11, 2))
    )
    negotiating = make_order(buyer=buyer, package=package, items=[(product, 4)], status=S.SENT)
    lines = {ln.pk: (20000, ln.quantity) for ln in negotiating.lines.all()}
    services.propose_negotiation(order=negotiating, by=buyer, lines=lines)
    waiting_on_vendor = make_order(buyer=buyer, package=package, items=[(product, 4)], status=S.SENT)
    services.propose_negotiation(
        order=waiting_on_vendor, by=buyer, lines={ln.pk: (20000, 4) for ln in waiting_on_vendor.lines.all()}
    )
    services.counter_offer(order=negotiating, by=vendor.user, lines=lines)
    got = sections(client_for(client, buyer).get(reverse("accounts:dashboard")))
    assert [i.label for i in got["to_receive"].items] == [shipped.number]
    assert [i.label for i in got["negotiations"].items] == [negotiating.number]


def test_vendor_home_lists_orders_to_answer_to_ship_and_payments_due(
    vendor_client, vendor, buyer, package, product
):
    sent = make_order(buyer=buyer, package=package, items=[(product, 1)], status=S.SENT)
    accepted = make_order(buyer=buyer, package=package, items=[(product, 1)], status=S.ACCEPTED)
    received = make_order(
        buyer=buyer,
        package=package,
        items=[(product, 1)],
        status=S.RECEIVED,
        received_at=at(date(2026, 11, 2)),
    )
    got = sections(vendor_client.get(reverse("catalog:vendor_home")))
    assert [i.label for i in got["to_answer"].items] == [sent.number]
    assert [i.label for i in got["to_ship"].items] == [accepted.number]
    assert [i.label for i in got["payments_due"].items] == [received.number]


def test_home_never_lists_another_opds_or_vendors_orders(
    client, other_opd_member, other_vendor_client, buyer, package, product
):
    make_order(
        buyer=buyer, package=package, items=[(product, 1)], status=S.SHIPPED, shipped_at=at(date(2026, 11, 2))
    )
    got = sections(client_for(client, other_opd_member.user).get(reverse("accounts:dashboard")))
    assert all(s.total == 0 for s in got.values())
    got = sections(other_vendor_client.get(reverse("catalog:vendor_home")))
    assert all(s.total == 0 for s in got.values())


def _change_request(**vendor_fields):
    other = VendorFactory(status=VendorStatus.VERIFIED, **vendor_fields)
    return VendorChangeRequest.objects.create(
        vendor=other,
        changes={"bank_account_number": {"old": "111", "new": "222"}},
        requested_by=other.user,
        registered_email=other.email,
    )


def test_bpbj_home_lists_vendors_products_change_requests_and_complaints_waiting_with_their_age(
    bpbj_client, vendor, buyer, package, product
):
    VendorFactory(status=VendorStatus.PENDING, business_name="CV Menunggu")
    _change_request(business_name="UD Ganti Rekening")
    ProductFactory(vendor=vendor, status=ProductStatus.SUBMITTED, submitted_at=at(date(2026, 11, 20)))
    order = make_order(buyer=buyer, package=package, items=[(product, 1)], status=S.RECEIVED)
    LatePaymentComplaint.objects.create(
        order=order, vendor=vendor, filed_by=vendor.user, note="Belum dibayar"
    )
    response = bpbj_client.get(reverse("accounts:dashboard"))
    got = sections(response)
    assert got["vendors"].items[0].label == "CV Menunggu"
    assert got["products"].total == 1 and got["complaints"].total == 1
    assert got["change_requests"].items[0].label == "UD Ganti Rekening"
    assert "rekening bank" in got["change_requests"].items[0].detail
    assert "menunggu" in response.content.decode()


# Session, user, OPD membership/vendor, notification badge, city holidays, then each section's rows
# and count (the vendor page also shows its products and documents).
# bpbj: 2 of them list and count the open help tickets; vendor: 2 for Peluang (invitations).
PINNED_QUERIES = {"approver": 11, "treasurer": 9, "buyer": 9, "vendor": 19, "bpbj": 17}


@pytest.mark.parametrize("who", ["approver", "treasurer", "buyer", "vendor", "bpbj"])
def test_home_query_count_does_not_grow_with_rows(
    who, client, approver, treasurer, buyer, bpbj_user, vendor, package, product
):
    user = {
        "approver": approver,
        "treasurer": treasurer,
        "buyer": buyer,
        "vendor": vendor.user,
        "bpbj": bpbj_user,
    }[who]
    url = reverse("catalog:vendor_home") if who == "vendor" else reverse("accounts:dashboard")
    client = client_for(client, user)

    def add_rows(n):
        for _ in range(n):
            for status in (S.PENDING_APPROVAL, S.SENT, S.ACCEPTED, S.RECEIVED):
                order = make_order(buyer=buyer, package=package, items=[(product, 1)], status=status)
            order.received_at = order.created_at - timedelta(days=30)
            order.payment_overdue_at = order.created_at
            order.save()
            make_order(
                buyer=buyer,
                package=package,
                items=[(product, 1)],
                status=S.SHIPPED,
                shipped_at=order.created_at,
            )
            LatePaymentComplaint.objects.create(order=order, vendor=vendor, filed_by=vendor.user, note="x")
            VendorFactory(status=VendorStatus.PENDING)
            _change_request()
            ProductFactory(vendor=vendor, status=ProductStatus.SUBMITTED)
            HelpTicket.objects.create(name="x", email="x@x.test", topic="other", message="x")

    add_rows(1)
    few = queries(client, url)
    add_rows(5)
    many = queries(client, url)
    assert many == few == PINNED_QUERIES[who], (who, few, many)
