"""Late payment is visible: days from BAST to payment (median) and the share paid on time,
on the public dashboard and on the OPD's page."""

from datetime import date, datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache
from django.urls import reverse

from procurement.deadlines import payment_timeliness
from procurement.models import OrderStatus, Payment, Receipt
from procurement.workdays import Calendar
from tests.factories import OPDMemberFactory, ProductFactory
from tests.procurement.factories import RUPPackageFactory, make_order

JKT = ZoneInfo("Asia/Jakarta")


def test_median_days_and_on_time_share_count_working_days_for_the_deadline():
    rows = [
        (date(2026, 2, 12), date(2026, 3, 2)),  # 18 days, the 10th working day: on time
        (date(2026, 2, 12), date(2026, 3, 3)),  # 19 days: late
        (date(2026, 5, 4), date(2026, 5, 6)),  # 2 days: on time
    ]
    result = payment_timeliness(rows, cal=Calendar())
    assert result == {"count": 3, "median_days": Decimal("18.0"), "on_time_share": Decimal("66.7")}


def test_no_paid_orders_means_no_figures():
    assert payment_timeliness([], cal=Calendar())["median_days"] is None


@pytest.mark.django_db
def test_dashboard_and_opd_page_show_days_to_pay(client):
    cache.clear()
    member = OPDMemberFactory()
    package = RUPPackageFactory(opd=member.opd, fiscal_year=2026)
    product = ProductFactory()
    paid_at = datetime.combine(date(2026, 3, 3), time(10), tzinfo=JKT)
    order = make_order(
        buyer=member.user, package=package, items=[(product, 1)], status=OrderStatus.PAID, paid_at=paid_at
    )
    Receipt.objects.create(
        order=order, number="BAST/1", received_on=date(2026, 2, 12), received_by=member.user
    )
    Payment.objects.create(
        order=order, amount=order.total, paid_on=date(2026, 3, 3), reference="SP2D-1", recorded_by=member.user
    )
    body = client.get(reverse("opd_scoring:dashboard"), {"tahun": 2026}).content.decode()
    assert "Median hari dari BAST sampai dibayar" in body and "19.0" in body.replace(",", ".")
    client.force_login(member.user)
    page = client.get(reverse("opd_scoring:opd_detail", args=[member.opd.code]), {"tahun": 2026})
    assert page.context["payment"]["median_days"] == Decimal("19.0")
    assert page.context["payment"]["on_time_share"] == Decimal("0.0")
