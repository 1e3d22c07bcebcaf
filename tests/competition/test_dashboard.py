"""The public dashboard and the OPD index count what was bought by mini-kompetisi with everything
else, and show how much was bought by which method."""

from datetime import date
from decimal import Decimal

from django.test import Client
from django.urls import reverse

from competition import services
from opd_scoring import selectors
from opd_scoring.models import Period, PeriodKind
from opd_scoring.services import compute_components, period_dates
from procurement import services as order_services
from procurement.models import OPDMember, OrderStatus
from tests.factories import OPDMemberFactory

from .conftest import at, moment, offer

MONDAY = date(2026, 3, 2)
DEADLINE = moment(date(2026, 3, 5), 10)


def test_a_paid_mini_kompetisi_order_counts_and_shows_under_its_method(start, bidders, opd_member):
    treasurer = OPDMemberFactory(opd=opd_member.opd, position=OPDMember.Position.TREASURER).user
    with at(MONDAY):
        competition = start(DEADLINE)
        offer(competition, bidders[0], 22000)
        offer(competition, bidders[1], 23000)
    with at(DEADLINE.date(), 11):
        services.award(competition=competition, user=opd_member.user)
        services.confirm_award(competition=competition, user=bidders[0].user)
        competition.refresh_from_db()
        order = competition.order
        order_services.ship_order(order=order, by=bidders[0].user)
        order_services.record_receipt(
            order=order,
            by=opd_member.user,
            quantities={line.pk: line.quantity for line in order.lines.all()},
            received_on=DEADLINE.date(),
        )
        order_services.record_payment(order=order, by=treasurer, paid_on=DEADLINE.date(), reference="SP2D/1")
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID

    data = selectors._build_dashboard(2026)
    methods = {r["key"]: r for r in data["by_method"]}
    assert methods["mini"]["total"] == Decimal("2200000") and methods["mini"]["orders"] == 1
    assert methods["direct"]["total"] == 0
    assert data["paid_total"] == Decimal("2200000")

    start_day, end_day = period_dates(PeriodKind.YEAR, 2026, 1)
    period = Period(kind=PeriodKind.YEAR, fiscal_year=2026, number=1, start=start_day, end=end_day)
    assert compute_components(period, opd_ids=[opd_member.opd.pk])[opd_member.opd.pk][
        "paid_spending"
    ] == Decimal("2200000")

    page = Client().get(reverse("opd_scoring:dashboard"), {"tahun": 2026}).content.decode()
    assert 'id="belanja-per-metode"' in page and "Mini-kompetisi" in page
    client = Client()
    client.force_login(opd_member.user)
    detail = client.get(reverse("opd_scoring:opd_detail", args=[opd_member.opd.code]), {"tahun": 2026})
    assert "Rp2.200.000" in detail.content.decode().split('id="belanja-per-metode"')[1]
