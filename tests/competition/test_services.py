"""Mini-kompetisi rules: pagu held and released, deadlines by server time in working days,
reservations, the TKDN preference, award with lapse to the next in rank, single-bidder fallback.

2026 calendar: Monday 2 March is an ordinary week; 18–24 March holds Nyepi and the Idul Fitri
cuti bersama (18, 19, 20, 23, 24 March are not working days).
"""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from catalog.models import BusinessScale
from competition import services
from competition.models import CompetitionEvent, CompetitionStatus, Invitation, Offer
from outbox.models import OutboxMessage as Message
from procurement import services as order_services
from procurement.models import NegotiationOffer, OrderStatus, RUPPackage
from tests.factories import ProductFactory, VendorFactory

from .conftest import at, moment, offer

CS = CompetitionStatus
MONDAY = date(2026, 3, 2)
DEADLINE = moment(date(2026, 3, 5), 10)  # Thursday: two full working days after Monday


def _package(package):
    return RUPPackage.objects.get(pk=package.pk)


def test_starting_holds_the_hps_against_the_package_and_invites_only_reserved_vendors(
    start, package, bidders, big_vendor
):
    with at(MONDAY):
        competition = start(DEADLINE, reserve_umk=True, reserve_local=True)
    assert _package(package).committed == Decimal("3000000")
    invited = set(Invitation.objects.filter(competition=competition).values_list("vendor_id", flat=True))
    assert invited == {v.pk for v in bidders}
    assert big_vendor.pk not in invited
    notified = set(
        Message.objects.filter(user__in=[v.user for v in bidders]).values_list("user_id", flat=True)
    )
    assert notified == {v.user_id for v in bidders}
    assert CompetitionEvent.objects.filter(competition=competition, action="started").exists()


def test_without_reservation_every_vendor_with_published_products_in_the_category_is_invited(
    start, bidders, big_vendor
):
    VendorFactory()  # no product in the category
    with at(MONDAY):
        competition = start(DEADLINE)
    assert competition.invitations.count() == 4


def test_an_hps_above_the_remaining_pagu_is_refused_and_nothing_is_created(start, package, bidders):
    with at(MONDAY), pytest.raises(services.CompetitionError, match="Sisa pagu"):
        start(DEADLINE, hps="10000001")
    assert _package(package).committed == 0
    assert not package.competitions.exists()


def test_an_offer_deadline_shorter_than_two_working_days_is_refused(start, bidders):
    with at(MONDAY), pytest.raises(services.CompetitionError, match="paling cepat"):
        start(moment(date(2026, 3, 4), 15))


def test_the_minimum_offer_period_counts_working_days_across_nyepi_and_lebaran(start, bidders):
    tuesday = date(2026, 3, 17)
    with at(tuesday):
        # 18–24 March are holidays: the two working days are 25 and 26 March.
        with pytest.raises(services.CompetitionError, match="27-03-2026 00:00"):
            start(moment(date(2026, 3, 26), 15))
        competition = start(moment(date(2026, 3, 27), 9))
    assert competition.status == CS.OPEN


def test_an_offer_above_the_hps_is_refused(start, bidders):
    with at(MONDAY):
        competition = start(DEADLINE)
        with pytest.raises(services.CompetitionError, match="melebihi HPS"):
            offer(competition, bidders[0], 30000, delivery_cost=1)
    assert not Offer.objects.exists()


def test_an_offer_at_the_last_second_counts_and_one_at_the_deadline_is_refused(start, bidders):
    with at(MONDAY):
        competition = start(DEADLINE)
    last_second = DEADLINE - timedelta(seconds=1)
    with at(last_second.date(), last_second.hour, last_second.minute, last_second.second):
        offer(competition, bidders[0], 25000)
    with (
        at(DEADLINE.date(), 10),
        pytest.raises(services.CompetitionError, match="Batas penawaran sudah lewat"),
    ):
        offer(competition, bidders[1], 24000)
    assert Offer.objects.filter(competition=competition).count() == 1


def test_an_offer_can_be_revised_until_the_deadline_and_the_trail_has_no_amounts(start, bidders):
    with at(MONDAY):
        competition = start(DEADLINE)
        offer(competition, bidders[0], 28000)
        revised = offer(competition, bidders[0], 26000, delivery_cost=50000)
    assert Offer.objects.filter(competition=competition).count() == 1
    assert revised.total == Decimal("2650000")
    notes = " ".join(CompetitionEvent.objects.filter(competition=competition).values_list("note", flat=True))
    assert "26000" not in notes and "2.650.000" not in notes
    assert CompetitionEvent.objects.filter(action="offer_revised").count() == 1


def test_a_vendor_outside_the_reservation_cannot_offer(start, bidders, big_vendor):
    with at(MONDAY):
        competition = start(DEADLINE, reserve_umk=True)
        with pytest.raises(services.CompetitionError, match="tidak diundang"):
            offer(competition, big_vendor, 20000)


def test_a_pkp_vendors_offer_includes_ppn_like_its_order_will(start, category, settings):
    pkp = VendorFactory(is_pkp=True)
    ProductFactory(vendor=pkp, category=category)
    with at(MONDAY):
        competition = start(DEADLINE)
        made = offer(competition, pkp, 20000)
    assert made.total == Decimal("2000000") + Decimal("2000000") * Decimal(settings.PPN_RATE)


class TestPreference:
    def test_tkdn_below_25_percent_earns_no_preference(self):
        assert services.preference_factor(Decimal("24.99")) == 0
        assert services.evaluated_total(Decimal("1000000"), Decimal("20")) == Decimal("1000000")

    def test_tkdn_60_percent_earns_15_percent_preference(self):
        assert services.preference_factor(Decimal("60")) == Decimal("0.15")
        assert services.evaluated_total(Decimal("1150000"), Decimal("60")) == Decimal("1000000")

    def test_full_tkdn_earns_the_highest_preference_of_25_percent(self):
        assert services.preference_factor(Decimal("100")) == Decimal("0.25")

    def test_a_dearer_domestic_offer_outranks_a_cheaper_imported_one_within_the_preference(
        self, start, bidders, category
    ):
        domestic = ProductFactory(vendor=bidders[1], category=category, tkdn=Decimal("60"))
        with at(MONDAY):
            competition = start(DEADLINE)
            offer(competition, bidders[0], 21000)  # 2.100.000, no TKDN
            offer(competition, bidders[1], 23000, product=domestic)  # 2.300.000 / 1.15 = 2.000.000
            offer(competition, bidders[2], 24500)
        with at(DEADLINE.date(), 11):
            competition = services.close_if_due(competition)
            board = services.ranking(competition)
        assert [(o.vendor_id, o.rank) for o in board] == [
            (bidders[1].pk, 1),
            (bidders[0].pk, 2),
            (bidders[2].pk, 3),
        ]
        assert board[0].tkdn == Decimal("60") and board[0].evaluated_total == Decimal("2000000")


def test_no_offer_by_the_deadline_fails_the_competition_and_releases_the_hps(start, package, bidders):
    with at(MONDAY):
        competition = start(DEADLINE)
    with at(DEADLINE.date(), 11):
        assert services.close_due() == 1
    competition.refresh_from_db()
    assert competition.status == CS.FAILED and "Tidak ada penawaran" in competition.reason
    assert _package(package).committed == 0


def test_the_award_lapses_to_the_second_who_confirms_and_the_order_replaces_the_hold(
    start, package, bidders, opd_member
):
    with at(MONDAY):
        competition = start(DEADLINE)
        offer(competition, bidders[0], 22000)
        offer(competition, bidders[1], 23000, delivery_cost=10000)
        offer(competition, bidders[2], 25000)
    with at(DEADLINE.date(), 11):
        services.award(competition=competition, user=opd_member.user)
    competition.refresh_from_db()
    assert competition.status == CS.AWARDED and competition.awarded_offer.vendor == bidders[0]
    # Awarded Thursday 5 March: two working days are Friday 6 and Monday 9 March.
    assert competition.confirm_deadline == moment(date(2026, 3, 10), 0)
    with at(date(2026, 3, 9), 23, 59):
        assert services.lapse_due() == 0
    with at(date(2026, 3, 10), 0, 5):
        assert services.lapse_due() == 1
        competition.refresh_from_db()
        assert competition.awarded_offer.vendor == bidders[1]
        with pytest.raises(services.CompetitionError):
            services.confirm_award(competition=competition, user=bidders[0].user)
        services.confirm_award(competition=competition, user=bidders[1].user)
    competition.refresh_from_db()
    order = competition.order
    assert competition.status == CS.CONFIRMED
    assert order.vendor == bidders[1] and order.status == OrderStatus.ACCEPTED and order.sp_number
    assert order.total == Decimal("2310000")
    assert _package(package).committed == order.total
    assert competition.events.filter(action="award_lapsed", actor__isnull=True).exists()


def test_a_confirmed_award_above_the_threshold_waits_for_the_pa_kpa(start, package, bidders, opd_member):
    opd_member.opd.approval_threshold = Decimal("1000000")
    opd_member.opd.save()
    with at(MONDAY):
        competition = start(DEADLINE)
        offer(competition, bidders[0], 22000)
        offer(competition, bidders[1], 23000)
    with at(DEADLINE.date(), 11):
        services.award(competition=competition, user=opd_member.user)
        services.confirm_award(competition=competition, user=bidders[0].user)
    competition.refresh_from_db()
    assert competition.order.status == OrderStatus.PENDING_APPROVAL


def test_with_a_single_bidder_the_buyer_negotiates_through_the_order(start, package, bidders, opd_member):
    with at(MONDAY):
        competition = start(DEADLINE)
        offer(competition, bidders[0], 25000)
    with at(DEADLINE.date(), 11):
        with pytest.raises(services.CompetitionError, match="negosiasi"):
            services.award(competition=competition, user=opd_member.user)
        competition = services.negotiate_single(competition=competition, user=opd_member.user)
        order = competition.order
        assert competition.status == CS.NEGOTIATION and order.status == OrderStatus.SENT
        line = order.lines.get()
        order_services.propose_negotiation(order=order, by=opd_member.user, lines={line.pk: ("24000", "100")})
    assert NegotiationOffer.objects.filter(order=order).count() == 1
    assert _package(package).committed == Decimal("2500000")


def test_cancelling_releases_the_hps_and_needs_a_reason(start, package, bidders, opd_member):
    with at(MONDAY):
        competition = start(DEADLINE)
        with pytest.raises(services.CompetitionError, match="Alasan"):
            services.cancel(competition=competition, user=opd_member.user, reason=" ")
        services.cancel(competition=competition, user=opd_member.user, reason="Kegiatan ditunda")
    assert _package(package).committed == 0


def test_another_opds_buyer_cannot_award_or_cancel(start, bidders, other_opd_member):
    with at(MONDAY):
        competition = start(DEADLINE)
        with pytest.raises(services.CompetitionError, match="bukan milik OPD"):
            services.cancel(competition=competition, user=other_opd_member.user, reason="x")


def test_the_scheduled_task_closes_and_lapses(start, bidders, opd_member):
    from competition.tasks import run_deadlines

    with at(MONDAY):
        competition = start(DEADLINE)
        offer(competition, bidders[0], 22000)
    with at(DEADLINE.date(), 11):
        assert run_deadlines.delay().get() == "closed=1 lapsed=0"
    competition.refresh_from_db()
    assert competition.status == CS.EVALUATION


def test_a_micro_vendor_scale_change_does_not_uninvite(start, bidders):
    with at(MONDAY):
        competition = start(DEADLINE, reserve_umk=True)
    bidders[0].scale = BusinessScale.BESAR
    bidders[0].save()
    assert competition.invitations.filter(vendor=bidders[0]).exists()


def test_a_request_for_quotation_reaches_vendors_of_the_kecamatan_without_a_matching_product(
    start, bidders, category
):
    from catalog.models import ProductStatus
    from competition.models import Competition
    from tests.factories import CategoryFactory

    neighbour = VendorFactory()  # no product at all, registered in the chosen kecamatan
    drafter = VendorFactory()
    ProductFactory(vendor=drafter, category=category, status=ProductStatus.DRAFT)
    elsewhere = VendorFactory()
    ProductFactory(vendor=elsewhere, category=CategoryFactory())
    with at(MONDAY):
        rfq = start(DEADLINE, kind=Competition.Kind.RFQ, kecamatan_id=neighbour.kecamatan_id)
        mini = start(DEADLINE, hps="1000000")
    rfq_invited = set(rfq.invitations.values_list("vendor_id", flat=True))
    assert {neighbour.pk, drafter.pk, *[b.pk for b in bidders]} <= rfq_invited
    assert elsewhere.pk not in rfq_invited
    assert rfq.number.startswith("RFQ-")
    mini_invited = set(mini.invitations.values_list("vendor_id", flat=True))
    assert neighbour.pk not in mini_invited and drafter.pk not in mini_invited


def test_a_vendor_suspended_after_the_invitation_cannot_offer(start, bidders):
    from catalog.models import VendorStatus

    with at(MONDAY):
        competition = start(DEADLINE)
        bidders[0].status = VendorStatus.SUSPENDED
        bidders[0].save()
        with pytest.raises(services.CompetitionError, match="terverifikasi"):
            offer(competition, bidders[0], 20000)
