"""Deadlines in working days, with a frozen clock moved across weekends and Indonesian holidays.

2026 calendar used here: 16 Feb cuti bersama Imlek, 17 Feb Imlek; 18 Mar cuti bersama Nyepi,
19 Mar Nyepi, 20/23/24 Mar cuti bersama Idul Fitri (21–22 Mar Idul Fitri on the weekend);
14 May Kenaikan, 15 May cuti bersama; 24 Dec cuti bersama Natal, 25 Dec Natal.
"""

from datetime import date, datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command

from accounts.models import Role
from procurement import deadlines, services
from procurement.models import (
    CityHoliday,
    DeadlineNotice,
    LatePaymentComplaint,
    NegotiationOffer,
    Notification,
    OrderEvent,
    OrderStatus,
    RUPPackage,
)
from procurement.workdays import Calendar, calendar
from tests.factories import UserFactory

from .factories import make_order

pytestmark = pytest.mark.django_db(transaction=False)
JKT = ZoneInfo("Asia/Jakarta")
S = OrderStatus


@pytest.fixture(autouse=True)
def _deliver_notifications_at_once(request, monkeypatch):
    """Notifications are delivered after commit; the test transaction never commits, so deliver
    them at once (the last test checks the real after-commit path)."""
    if "django_capture_on_commit_callbacks" in request.fixturenames:
        return
    monkeypatch.setattr(services.transaction, "on_commit", lambda fn, using=None, robust=False: fn())


def at(day: date, hour=10):
    return datetime.combine(day, time(hour), tzinfo=JKT)


def travel(day: date, hour=10):
    return time_machine.travel(at(day, hour), tick=False)


def run_all():
    return {r.rule: r for r in deadlines.run_all()}


def system_events(order, rule):
    return list(OrderEvent.objects.filter(order=order, actor__isnull=True, actor_role="system", rule=rule))


def messages_for(user):
    return list(Notification.objects.filter(user=user).values_list("message", flat=True))


# --------------------------------------------------------------------------- the calendar


class TestWorkingDays:
    def test_weekends_and_national_holidays_and_cuti_bersama_are_not_working_days(self):
        cal = Calendar()
        assert cal.is_working_day(date(2026, 2, 13))  # Friday
        assert not cal.is_working_day(date(2026, 2, 14))  # Saturday
        assert not cal.is_working_day(date(2026, 2, 16))  # cuti bersama Imlek
        assert not cal.is_working_day(date(2026, 2, 17))  # Imlek
        assert cal.holiday_name(date(2026, 12, 24)).startswith("Cuti Bersama")

    def test_three_working_days_from_friday_13_february_skip_imlek(self):
        assert Calendar().add_working_days(date(2026, 2, 13), 3) == date(2026, 2, 20)

    def test_three_working_days_across_nyepi_and_lebaran_end_on_27_march(self):
        assert Calendar().add_working_days(date(2026, 3, 17), 3) == date(2026, 3, 27)

    def test_a_day_the_city_adds_in_the_admin_is_skipped(self, db):
        CityHoliday.objects.create(date=date(2026, 2, 18), name="Hari jadi Kota Batu (contoh)")
        cal = calendar()
        assert not cal.is_working_day(date(2026, 2, 18))
        assert cal.add_working_days(date(2026, 2, 13), 3) == date(2026, 2, 23)

    def test_working_days_between_counts_forward_and_back(self):
        cal = Calendar()
        assert cal.working_days_between(date(2026, 2, 13), date(2026, 2, 20)) == 3
        assert cal.working_days_between(date(2026, 2, 20), date(2026, 2, 13)) == -3


# --------------------------------------------------------------------------- vendor answer


class TestVendorAnswer:
    def _sent(self, buyer, package, product, day):
        with travel(day):
            return make_order(buyer=buyer, package=package, items=[(product, 4)], status=S.SENT)

    def test_sent_order_left_alone_is_reminded_then_cancelled_after_three_working_days(
        self, buyer, package, product, vendor
    ):
        order = self._sent(buyer, package, product, date(2026, 2, 13))
        committed = RUPPackage.objects.get(pk=package.pk).committed
        assert committed == order.total

        with travel(date(2026, 2, 18)):  # Wed: 1st working day after Imlek; 2 days left
            assert run_all()["vendor_answer"].reminded == 0
        with travel(date(2026, 2, 19)):  # Thu: one working day left: reminder to the vendor
            run = run_all()["vendor_answer"]
        assert run.reminded == 1
        assert any("Pengingat" in m for m in messages_for(vendor.user))
        with travel(date(2026, 2, 20), hour=16):  # Fri, last day: still open, no second reminder
            assert run_all()["vendor_answer"].reminded == 0
        order.refresh_from_db()
        assert order.status == S.SENT

        with travel(date(2026, 2, 21)):  # Saturday after the deadline
            run = run_all()["vendor_answer"]
        assert run.acted == 1
        order.refresh_from_db()
        assert order.status == S.CANCELLED
        assert "3 hari kerja" in order.reason and "20 Februari 2026" in order.reason
        [event] = [e for e in system_events(order, "vendor_answer") if e.to_status == S.CANCELLED]
        assert event.from_status == S.SENT and event.actor_id is None
        assert RUPPackage.objects.get(pk=package.pk).committed == 0
        # Both sides are told why.
        assert any("dibatalkan" in m and "3 hari kerja" in m for m in messages_for(vendor.user))
        assert any("dibatalkan" in m and "3 hari kerja" in m for m in messages_for(buyer))

        with travel(date(2026, 2, 23)):  # running again changes nothing
            assert run_all()["vendor_answer"].acted == 0
        assert len(system_events(order, "vendor_answer")) == 2  # the reminder and the cancellation

    def test_a_vendor_who_answers_in_time_is_never_cancelled(self, buyer, package, product, vendor):
        order = self._sent(buyer, package, product, date(2026, 2, 13))
        with travel(date(2026, 2, 20)):
            services.accept_order(order=order, by=vendor.user)
        with travel(date(2026, 2, 23)):
            run_all()
        order.refresh_from_db()
        assert order.status == S.ACCEPTED

    def test_deadline_across_lebaran_cuti_bersama(self, buyer, package, product):
        order = self._sent(buyer, package, product, date(2026, 3, 17))
        with travel(date(2026, 3, 26)):
            run_all()
        order.refresh_from_db()
        assert order.status == S.SENT
        with travel(date(2026, 3, 28)):
            run_all()
        order.refresh_from_db()
        assert order.status == S.CANCELLED

    def test_the_number_of_days_is_a_setting(self, settings, buyer, package, product):
        settings.DEADLINE_VENDOR_ANSWER_DAYS = 5
        order = self._sent(buyer, package, product, date(2026, 2, 13))
        with travel(date(2026, 2, 21)):
            run_all()
        order.refresh_from_db()
        assert order.status == S.SENT
        assert deadlines.order_clock(order, today=date(2026, 2, 21)).due == date(2026, 2, 24)


# --------------------------------------------------------------------------- negotiation


class TestNegotiationTurn:
    def _lines(self, order, price):
        return {line.pk: (price, line.quantity) for line in order.lines.all()}

    def test_unanswered_proposal_without_agreed_terms_cancels_the_order(
        self, buyer, package, product, vendor
    ):
        with travel(date(2026, 5, 13)):  # Wednesday before Kenaikan
            order = make_order(buyer=buyer, package=package, items=[(product, 10)], status=S.SENT)
            services.propose_negotiation(order=order, by=buyer, lines=self._lines(order, 22000))
        # 14 May Kenaikan, 15 May cuti bersama, weekend: due Wednesday 20 May.
        assert deadlines.order_clock(order, today=date(2026, 5, 19)).due == date(2026, 5, 20)
        with travel(date(2026, 5, 19)):
            assert run_all()["negotiation_turn"].reminded == 1
        assert any("Pengingat" in m for m in messages_for(vendor.user))
        with travel(date(2026, 5, 21)):
            assert run_all()["negotiation_turn"].acted == 1
        order.refresh_from_db()
        assert order.status == S.CANCELLED
        assert "Penyedia tidak menanggapi penawaran" in order.reason
        assert system_events(order, "negotiation_turn")[-1].to_status == S.CANCELLED
        assert RUPPackage.objects.get(pk=package.pk).committed == 0

    def test_unanswered_counter_after_agreed_terms_returns_to_those_terms(
        self, buyer, package, product, vendor
    ):
        with travel(date(2026, 5, 11)):
            order = make_order(buyer=buyer, package=package, items=[(product, 10)], status=S.SENT)
            services.propose_negotiation(order=order, by=buyer, lines=self._lines(order, 23000))
            services.accept_offer(order=order, by=vendor.user)
            order.refresh_from_db()
            agreed_total = order.total
            services.propose_negotiation(order=order, by=buyer, lines=self._lines(order, 20000))
            services.counter_offer(order=order, by=vendor.user, lines=self._lines(order, 21500))
        with travel(date(2026, 5, 21)):
            run_all()
        order.refresh_from_db()
        assert order.status == S.SENT
        assert order.total == agreed_total == Decimal("230000")
        event = system_events(order, "negotiation_turn")[-1]
        assert event.from_status == S.NEGOTIATING and event.to_status == S.SENT
        assert "Pejabat Pengadaan/PPK tidak menanggapi" in event.note
        assert NegotiationOffer.objects.filter(order=order, action="accept").count() == 1
        # A new clock: the vendor now has three working days to answer the order.
        assert deadlines.order_clock(order, today=date(2026, 5, 21)).rule == "vendor_answer"
        assert deadlines.order_clock(order, today=date(2026, 5, 21)).due == date(2026, 5, 26)


# --------------------------------------------------------------------------- shipment, BAST, payment


class TestShipmentBastPayment:
    def test_accepted_order_not_shipped_by_needed_by_date_is_marked_late_once(
        self, buyer, package, product, vendor
    ):
        with travel(date(2026, 12, 18)):
            order = make_order(
                buyer=buyer,
                package=package,
                items=[(product, 2)],
                status=S.ACCEPTED,
                needed_by=date(2026, 12, 28),
            )
        with travel(date(2026, 12, 23)):  # 24, 25 Dec off, weekend: 28 Dec is the next working day
            assert run_all()["shipment_late"].reminded == 1
        with travel(date(2026, 12, 29)):
            assert run_all()["shipment_late"].acted == 1
            assert run_all()["shipment_late"].acted == 0
        order.refresh_from_db()
        assert order.status == S.ACCEPTED and order.shipment_late_at is not None
        assert any("Terlambat" in m for m in messages_for(buyer))
        assert any("Terlambat" in m for m in messages_for(vendor.user))

    def test_bast_not_recorded_in_time_is_escalated_to_buyer_and_pa(self, buyer, approver, package, product):
        with travel(date(2026, 3, 13)):
            order = make_order(
                buyer=buyer,
                package=package,
                items=[(product, 2)],
                status=S.SHIPPED,
                shipped_at=at(date(2026, 3, 13)),
            )
        # 5 working days from Fri 13 Mar: 16, 17, 25, 26, 27 March.
        assert deadlines.order_clock(order, today=date(2026, 3, 14)).due == date(2026, 3, 27)
        with travel(date(2026, 3, 30)):
            assert run_all()["bast_due"].acted == 1
        with travel(date(2026, 3, 31)):
            assert run_all()["bast_due"].acted == 0
        assert any("BAST belum dicatat" in m for m in messages_for(approver))
        assert len([e for e in system_events(order, "bast_due") if "BAST belum" in e.note]) == 1

    def test_overdue_payment_is_escalated_to_pa_and_bpbj_and_the_vendor_may_complain(
        self, buyer, approver, treasurer, package, product, vendor
    ):
        bpbj = UserFactory(role=Role.CATALOG_MANAGER)
        with travel(date(2026, 2, 12)):
            order = make_order(
                buyer=buyer,
                package=package,
                items=[(product, 2)],
                status=S.RECEIVED,
                received_at=at(date(2026, 2, 12)),
            )
        clock = deadlines.payment_clock(order, today=date(2026, 2, 13))
        # 10 working days from Thu 12 Feb: 13, 18, 19, 20, 23, 24, 25, 26, 27 Feb, 2 Mar.
        assert clock.due == date(2026, 3, 2) and clock.days_left == 9
        with travel(date(2026, 3, 2)), pytest.raises(services.TransitionError, match="belum lewat"):
            services.file_late_payment_complaint(order=order, by=vendor.user, note="Belum dibayar.")
        with travel(date(2026, 2, 27)):
            assert run_all()["payment_due"].reminded == 1
        assert any("bayar paling lambat 2 Maret 2026" in m for m in messages_for(treasurer))
        with travel(date(2026, 3, 3)):
            assert run_all()["payment_due"].acted == 1
            order.refresh_from_db()
            assert order.payment_overdue_at is not None
            for user in (approver, bpbj, treasurer):
                assert any("Pembayaran terlambat" in m for m in messages_for(user))
            complaint = services.file_late_payment_complaint(
                order=order, by=vendor.user, note="Sudah lewat tenggat."
            )
        assert complaint.status == "open"
        assert any("mengeluhkan keterlambatan" in m for m in messages_for(bpbj))
        with pytest.raises(services.TransitionError, match="sudah diajukan"):
            services.file_late_payment_complaint(order=order, by=vendor.user, note="Lagi.")
        with travel(date(2026, 3, 4)):
            services.record_payment(order=order, by=treasurer, paid_on=date(2026, 3, 4), reference="SP2D-1")
        complaint.refresh_from_db()
        assert complaint.status == "resolved" and "SP2D-1" in complaint.resolution

    def test_another_vendor_cannot_complain_about_an_order_not_theirs(
        self, buyer, package, product, other_vendor
    ):
        with travel(date(2026, 2, 2)):
            order = make_order(
                buyer=buyer,
                package=package,
                items=[(product, 1)],
                status=S.RECEIVED,
                received_at=at(date(2026, 2, 2)),
            )
        with travel(date(2026, 4, 1)), pytest.raises(services.TransitionError):
            services.file_late_payment_complaint(order=order, by=other_vendor.user, note="x")
        assert not LatePaymentComplaint.objects.exists()


# --------------------------------------------------------------------------- running them


def test_run_deadlines_command_runs_every_rule_without_a_worker(buyer, package, product):
    with travel(date(2026, 2, 13)):
        order = make_order(buyer=buyer, package=package, items=[(product, 1)], status=S.SENT)
    with travel(date(2026, 2, 23)):
        call_command("run_deadlines")
    order.refresh_from_db()
    assert order.status == S.CANCELLED


def test_celery_task_runs_the_rules_when_called(buyer, package, product):
    from procurement.tasks import run_deadlines

    with travel(date(2026, 2, 13)):
        order = make_order(buyer=buyer, package=package, items=[(product, 1)], status=S.SENT)
    with travel(date(2026, 2, 23)):
        lines = run_deadlines()
    assert any(line.startswith("vendor_answer: 1 tindakan") for line in lines)
    order.refresh_from_db()
    assert order.status == S.CANCELLED


def test_a_reminder_is_claimed_once_even_if_two_runs_race(buyer, package, product):
    with travel(date(2026, 2, 13)):
        order = make_order(buyer=buyer, package=package, items=[(product, 1)], status=S.SENT)
    clock = deadlines.order_clock(order, today=date(2026, 2, 19))
    assert deadlines.claim("vendor_answer", "reminder", f"order:{order.pk}", clock.key, order)
    assert not deadlines.claim("vendor_answer", "reminder", f"order:{order.pk}", clock.key, order)
    assert DeadlineNotice.objects.count() == 1


def test_reminder_emails_go_out_after_commit(
    buyer, package, product, vendor, django_capture_on_commit_callbacks
):
    with travel(date(2026, 2, 13)):
        make_order(buyer=buyer, package=package, items=[(product, 1)], status=S.SENT)
    with travel(date(2026, 2, 19)), django_capture_on_commit_callbacks(execute=True):
        run_all()
    assert any(vendor.user.email in m.to for m in mail.outbox)
