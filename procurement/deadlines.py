"""Deadlines in working days: when each clock runs out, and what the system does then.

Each rule watches orders in some statuses (the calendar is ``procurement.workdays``,
the number of working days comes from settings, see README "Deadlines"):

* ``vendor_answer``: a sent order the vendor leaves unanswered for
  ``DEADLINE_VENDOR_ANSWER_DAYS`` is cancelled with a reason; both sides are told.
* ``negotiation_turn``: a negotiation turn left unanswered for ``DEADLINE_NEGOTIATION_DAYS``
  closes the negotiation at the last agreed terms, or cancels the order if there are none.
* ``shipment_late``: an accepted order not shipped by its needed-by date is marked late.
* ``bast_due``: the OPD records the BAST within ``DEADLINE_BAST_DAYS`` of shipment, else the
  buyer and the PA/KPA are told.
* ``payment_due``: the treasurer pays within ``DEADLINE_PAYMENT_DAYS`` of the last BAST, else
  the payment is escalated to the PA/KPA and BPBJ (and the vendor may complain).

Before each deadline (``DEADLINE_REMINDER_DAYS`` working days before, and on its last day)
the party who must act gets one reminder. Every automatic step is an ``OrderEvent`` with
actor ``None``, role ``system`` and the rule's key in ``rule``. Reminders and escalations are
claimed in ``DeadlineNotice`` (unique per rule, step and clock), so running the rules twice,
or in two workers at once, sends nothing twice; the state changes re-check the order under
its row lock.
"""

from __future__ import annotations

import logging
import statistics
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import DateField, Exists, OuterRef, Subquery
from django.db.models.functions import Coalesce, TruncDate
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import services
from .models import DeadlineNotice, OPDMember, Order, OrderStatus, Payment, Receipt
from .workdays import Calendar, calendar, local_date

log = logging.getLogger(__name__)
S = OrderStatus

VENDOR_ANSWER = "vendor_answer"
NEGOTIATION_TURN = "negotiation_turn"
SHIPMENT_LATE = "shipment_late"
BAST_DUE = "bast_due"
PAYMENT_DUE = "payment_due"
CERTIFICATE_EXPIRY = "certificate_expiry"

RULE_LABELS = {
    VENDOR_ANSWER: gettext_lazy("Tanggapan penyedia atas pesanan"),
    NEGOTIATION_TURN: gettext_lazy("Giliran negosiasi"),
    SHIPMENT_LATE: gettext_lazy("Pengiriman sebelum tanggal dibutuhkan"),
    BAST_DUE: gettext_lazy("BAST setelah pengiriman"),
    PAYMENT_DUE: gettext_lazy("Pembayaran setelah BAST"),
    CERTIFICATE_EXPIRY: gettext_lazy("Masa berlaku sertifikat penyedia"),
}
# The order rules, in the order they run; each watches these statuses.
ORDER_RULES = {
    VENDOR_ANSWER: (S.SENT,),
    NEGOTIATION_TURN: (S.NEGOTIATING,),
    SHIPMENT_LATE: (S.ACCEPTED,),
    BAST_DUE: (S.SHIPPED, S.PARTIALLY_RECEIVED),
    PAYMENT_DUE: (S.RECEIVED,),
}
RULE_OF_STATUS = {status: rule for rule, statuses in ORDER_RULES.items() for status in statuses}


def rule_days(rule: str) -> int:
    return {
        VENDOR_ANSWER: settings.DEADLINE_VENDOR_ANSWER_DAYS,
        NEGOTIATION_TURN: settings.DEADLINE_NEGOTIATION_DAYS,
        BAST_DUE: settings.DEADLINE_BAST_DAYS,
        PAYMENT_DUE: settings.DEADLINE_PAYMENT_DAYS,
    }.get(rule, 0)


def fmt_date(day: date) -> str:
    return formats.date_format(day, "j F Y")


@dataclass(frozen=True)
class Clock:
    """One running deadline of an order."""

    rule: str
    key: str  # identifies this clock: a new status or a new needed-by date is a new clock
    start: date
    due: date  # the last day on which acting is on time
    days_left: int  # working days from today to ``due`` (0 on the last day)
    overdue: bool

    @property
    def label(self) -> str:
        return str(RULE_LABELS[self.rule])

    @property
    def days_late(self) -> int:
        return -self.days_left if self.overdue else 0


def _clock_start(order: Order, rule: str) -> datetime | None:
    if rule == BAST_DUE:
        return order.shipped_at or order.status_changed_at
    if rule == PAYMENT_DUE:
        start = order.received_at or order.status_changed_at
        if order.retention_percent and order.retention_until and start is not None:
            from .payment_plan import share

            if order.total - order.paid_amount <= share(order.total, order.retention_percent):
                # Only the retention is left: it falls due on its date, not at the last BAST.
                held = timezone.make_aware(datetime.combine(order.retention_until, time.min))
                return max(start, held)
        return start
    if rule == SHIPMENT_LATE:
        return order.accepted_at or order.status_changed_at
    return order.status_changed_at or order.sent_at or order.updated_at


def order_clock(order: Order, *, cal: Calendar | None = None, today: date | None = None) -> Clock | None:
    """The deadline now running on ``order`` (None when nothing waits on a clock)."""
    rule = RULE_OF_STATUS.get(order.status)
    if rule is None:
        return None
    start = _clock_start(order, rule)
    if start is None:
        return None
    cal = cal or calendar()
    today = today or timezone.localdate()
    if rule == SHIPMENT_LATE:
        due = order.needed_by
        key = due.isoformat()
    else:
        due = cal.add_working_days(start, rule_days(rule))
        key = start.isoformat(timespec="seconds")
    overdue = today > due
    if overdue:  # late by this many working days (at least one, even on the weekend after)
        days_left = -max(1, cal.working_days_between(due, today))
    else:
        days_left = cal.working_days_between(today, due)
    return Clock(rule, key, local_date(start), due, days_left, overdue)


def payment_clock(order: Order, *, cal: Calendar | None = None, today: date | None = None) -> Clock | None:
    clock = order_clock(order, cal=cal, today=today)
    return clock if clock is not None and clock.rule == PAYMENT_DUE else None


# --------------------------------------------------------------------------- running the rules


@dataclass
class RuleRun:
    rule: str
    reminded: int = 0
    acted: int = 0

    def __str__(self):
        return f"{self.rule}: {self.acted} tindakan, {self.reminded} pengingat"


def claim(rule: str, step: str, subject: str, clock: str, order: Order | None = None) -> bool:
    """Record that this reminder/escalation goes out now; False if it already went out."""
    try:
        with transaction.atomic():
            DeadlineNotice.objects.create(rule=rule, step=step, subject=subject, clock=clock, order=order)
    except IntegrityError:
        return False
    return True


def _remind(order: Order, clock: Clock) -> bool:
    if not claim(clock.rule, "reminder", f"order:{order.pk}", clock.key, order):
        return False
    due = fmt_date(clock.due)
    if clock.rule == VENDOR_ANSWER:
        users, text = services._vendor_users(order), _("tanggapi pesanan paling lambat %(d)s.")
    elif clock.rule == NEGOTIATION_TURN:
        turn = services.negotiation_turn(order)
        users = services._vendor_users(order) if turn == services.ActorRole.VENDOR else [order.buyer]
        text = _("tanggapi penawaran negosiasi paling lambat %(d)s.")
    elif clock.rule == SHIPMENT_LATE:
        users, text = (
            services._vendor_users(order),
            _("kirim barang paling lambat %(d)s (tanggal dibutuhkan)."),
        )
    elif clock.rule == BAST_DUE:
        users, text = [order.buyer], _("catat penerimaan (BAST) paling lambat %(d)s.")
    else:
        users = services._opd_users(order, OPDMember.Position.TREASURER)
        text = _("bayar paling lambat %(d)s.")
    message = text % {"d": due}
    services.system_note(order, rule=clock.rule, note=_("Pengingat: %(m)s") % {"m": message})
    services.notify(order, users, _("Pengingat: %(m)s") % {"m": message})
    return True


def _overdue(order: Order, clock: Clock) -> bool:
    days, due = rule_days(clock.rule), fmt_date(clock.due)
    if clock.rule == VENDOR_ANSWER:
        reason = _(
            "Penyedia tidak menanggapi pesanan dalam %(n)s hari kerja (batas %(d)s); dibatalkan otomatis."
        ) % {"n": days, "d": due}
        return services.system_cancel(order=order, rule=clock.rule, reason=reason) is not None
    if clock.rule == NEGOTIATION_TURN:
        turn = services.negotiation_turn(order)
        who = services.ActorRole.LABELS.get(turn, _("Pihak"))
        reason = _("%(who)s tidak menanggapi penawaran dalam %(n)s hari kerja (batas %(d)s).") % {
            "who": who,
            "n": days,
            "d": due,
        }
        return services.system_close_negotiation(order=order, rule=clock.rule, reason=reason) is not None
    if clock.rule == SHIPMENT_LATE:
        if order.shipment_late_at is not None:
            return False
        order.shipment_late_at = timezone.now()
        note = _("Terlambat: barang belum dikirim sampai tanggal dibutuhkan %(d)s.") % {"d": due}
        services.system_note(order, rule=clock.rule, note=note, fields=["shipment_late_at"])
        services.notify(order, [*services._vendor_users(order), order.buyer], note)
        return True
    if clock.rule == BAST_DUE:
        if not claim(clock.rule, "overdue", f"order:{order.pk}", clock.key, order):
            return False
        note = _("BAST belum dicatat dalam %(n)s hari kerja setelah pengiriman (batas %(d)s).") % {
            "n": days,
            "d": due,
        }
        services.system_note(order, rule=clock.rule, note=note)
        services.notify(order, [order.buyer, *services._opd_users(order, OPDMember.Position.PA)], note)
        return True
    # PAYMENT_DUE: escalated once per BAST to the PA/KPA and BPBJ; the vendor learns it may complain.
    if order.payment_overdue_at is not None:
        return False
    order.payment_overdue_at = timezone.now()
    note = _("Pembayaran terlambat: belum dibayar %(n)s hari kerja setelah BAST (batas %(d)s).") % {
        "n": days,
        "d": due,
    }
    services.system_note(order, rule=clock.rule, note=note, fields=["payment_overdue_at"])
    services.notify(
        order,
        [
            *services._opd_users(order, OPDMember.Position.PA, OPDMember.Position.TREASURER),
            *services._bpbj_users(),
        ],
        note,
    )
    services.notify(
        order,
        services._vendor_users(order),
        note + " " + _("Anda dapat mengajukan keluhan keterlambatan pembayaran dari halaman pesanan."),
    )
    return True


def _handle(order_id: int, rule: str, cal: Calendar, today: date) -> str | None:
    with transaction.atomic():
        order = (
            Order.objects.select_for_update(of=("self",))
            .select_related("vendor__user", "buyer", "opd")
            .filter(pk=order_id)
            .first()
        )
        if order is None:
            return None
        clock = order_clock(order, cal=cal, today=today)
        if clock is None or clock.rule != rule:
            return None  # moved on since it was listed
        if clock.overdue:
            return "acted" if _overdue(order, clock) else None
        if clock.days_left <= settings.DEADLINE_REMINDER_DAYS:
            return "reminded" if _remind(order, clock) else None
    return None


def run_rule(rule: str, *, today: date | None = None, cal: Calendar | None = None) -> RuleRun:
    """Apply one order rule to every order it watches; safe to run again at any time."""
    cal = cal or calendar()
    today = today or timezone.localdate()
    result = RuleRun(rule)
    orders = Order.objects.filter(status__in=ORDER_RULES[rule]).only(
        "id",
        "status",
        "needed_by",
        "status_changed_at",
        "sent_at",
        "updated_at",
        "accepted_at",
        "shipped_at",
        "received_at",
        "shipment_late_at",
        "payment_overdue_at",
    )
    sent = set(
        DeadlineNotice.objects.filter(rule=rule, order__status__in=ORDER_RULES[rule]).values_list(
            "order_id", "step", "clock"
        )
    )
    for order in orders.order_by("id").iterator(chunk_size=500):
        clock = order_clock(order, cal=cal, today=today)
        if clock is None:
            continue
        if clock.overdue:
            if rule == SHIPMENT_LATE and order.shipment_late_at is not None:
                continue
            if rule == PAYMENT_DUE and order.payment_overdue_at is not None:
                continue
            if rule == BAST_DUE and (order.pk, "overdue", clock.key) in sent:
                continue
        elif clock.days_left > settings.DEADLINE_REMINDER_DAYS or (order.pk, "reminder", clock.key) in sent:
            continue
        try:
            outcome = _handle(order.pk, rule, cal, today)
        except Exception:  # one broken order must not stop the rule for the others
            log.exception("deadline rule %s failed on order %s", rule, order.pk)
            continue
        if outcome == "acted":
            result.acted += 1
        elif outcome == "reminded":
            result.reminded += 1
    return result


def run_all(*, today: date | None = None) -> list[RuleRun]:
    """Every order rule, then the certificate rule (the scheduled task and ``run_deadlines``)."""
    from catalog.certificates import run_certificate_rule

    cal = calendar()
    today = today or timezone.localdate()
    runs = [run_rule(rule, today=today, cal=cal) for rule in ORDER_RULES]
    runs.append(run_certificate_rule(today=today))
    return runs


# --------------------------------------------------------------------------- payment timeliness


def bast_and_payment_dates(paid_orders):
    """(opd_id, BAST date, payment date) of paid orders: one row per payment tied to a BAST
    (each termin against its own BAST), else the latest receipt and payment of the order.

    An advance is paid before any BAST and a retention on its own date: neither measures how
    fast the OPD pays for what it received, so they are left out.
    """
    termin_rows = list(
        Payment.objects.filter(
            order__in=paid_orders.values("pk"), kind=Payment.Kind.TERMIN, receipt__isnull=False
        )
        .values_list("order__opd_id", "receipt__received_on", "paid_on")
        .order_by("order_id", "id")
    )
    with_termins = Payment.objects.filter(kind=Payment.Kind.TERMIN, order=OuterRef("pk"))
    bast_date = Coalesce(
        Subquery(
            Receipt.objects.filter(order=OuterRef("pk")).order_by("-received_on").values("received_on")[:1]
        ),
        TruncDate("received_at"),
        output_field=DateField(),
    )
    pay_date = Coalesce(
        Subquery(
            Payment.objects.filter(order=OuterRef("pk"))
            .exclude(kind__in=(Payment.Kind.ADVANCE, Payment.Kind.RETENTION))
            .order_by("-paid_on")
            .values("paid_on")[:1]
        ),
        TruncDate("paid_at"),
        output_field=DateField(),
    )
    single = (
        paid_orders.annotate(bast=bast_date, pay=pay_date)
        .exclude(Exists(with_termins))
        .values_list("opd_id", "bast", "pay")
    )
    return [*single, *termin_rows]


def payment_timeliness(rows, *, cal: Calendar | None = None) -> dict:
    """Median calendar days from BAST to payment and the share paid within the payment deadline.

    ``rows`` = [(bast date, payment date)]; rows missing a date are left out.
    """
    cal = cal or calendar()
    days, on_time = [], 0
    for bast, paid in rows:
        if not bast or not paid:
            continue
        days.append(max((paid - bast).days, 0))
        if paid <= cal.add_working_days(bast, settings.DEADLINE_PAYMENT_DAYS):
            on_time += 1
    if not days:
        return {"count": 0, "median_days": None, "on_time_share": None}
    return {
        "count": len(days),
        "median_days": Decimal(str(statistics.median(days))).quantize(Decimal("0.1")),
        "on_time_share": (Decimal(on_time) * 100 / len(days)).quantize(Decimal("0.1"), ROUND_HALF_UP),
    }
