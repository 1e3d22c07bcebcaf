"""Staged payment: what each instalment of an order's payment plan is, to the Rupiah.

An order's plan (fields on ``Order``) is an optional advance (uang muka), then either one
payment after full receipt (the default, as before staged payment existed) or one termin per
BAST, and an optional retention (retensi) held until a date.

Every amount is computed on *cumulative* received value so the instalments always add up to
the order total exactly, whatever the rounding:

* value received after BAST k, ``C_k``: the order's totals (lines rounded, PPN rounded once)
  on the quantities received up to and including BAST k; after the last BAST ``C = total``;
* the gross of termin k is ``C_k - C_{k-1}``; from it the plan deducts the part of the advance
  recovered, ``round(advance * C_k / total) - round(advance * C_{k-1} / total)``, and the
  retention held, computed the same way. Without termins the single "final" payment is the
  same formula with one step from 0 to the total;
* advance + Σ termins + retention = total.

The treasurer withholds PPh on each payment at a configurable rate (``PPH_RATES``) on the part
before PPN; the PPN inside each payment is shown beside it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.utils.translation import gettext as _

from catalog.money import to_rupiah

from .models import Order, Payment

ZERO = Decimal("0")
HUNDRED = Decimal("100")


@dataclass
class Installment:
    key: str  # "advance", "termin:<receipt id>", "final", "retention"
    kind: str  # Payment.Kind
    label: str
    amount: Decimal  # gross: what the plan pays and the pagu moves
    ppn_amount: Decimal
    receipt: object | None = None
    due: bool = False  # may be paid now
    not_before: date | None = None  # retention: held until this date
    payment: Payment | None = None

    @property
    def paid(self) -> bool:
        return self.payment is not None


def percent_text(value: Decimal) -> str:
    """12.50 → "12,5"; 30 → "30" (never "3E+1")."""
    return f"{Decimal(value).normalize():f}".replace(".", ",")


def share(total: Decimal, percent: Decimal) -> Decimal:
    """``percent`` % of ``total``, whole Rupiah (halves away from zero)."""
    return to_rupiah(Decimal(total) * Decimal(percent) / HUNDRED) if percent else ZERO


def prorate(amount: Decimal, part: Decimal, whole: Decimal) -> Decimal:
    if not whole or not amount:
        return ZERO
    return to_rupiah(Decimal(amount) * Decimal(part) / Decimal(whole))


def ppn_inside(gross: Decimal, ppn_rate: Decimal) -> Decimal:
    """The PPN contained in a gross amount (gross = base + base × rate)."""
    if not ppn_rate:
        return ZERO
    return gross - to_rupiah(Decimal(gross) / (1 + Decimal(ppn_rate)))


def pph_on(gross: Decimal, ppn_rate: Decimal, pph_rate: Decimal) -> Decimal:
    """PPh withheld on a payment: the rate on the part before PPN."""
    if not pph_rate:
        return ZERO
    return to_rupiah((gross - ppn_inside(gross, ppn_rate)) * Decimal(pph_rate))


def validate_plan(*, advance_percent, pay_per_bast, retention_percent, retention_until) -> list[str]:
    """Indonesian messages for a plan that breaks the city's limits ([] when it is fine)."""
    errors = []
    if not ZERO <= advance_percent <= settings.PAYMENT_ADVANCE_MAX_PERCENT:
        errors.append(
            _("Uang muka harus antara 0 dan %(max)s%% dari total pesanan.")
            % {"max": percent_text(settings.PAYMENT_ADVANCE_MAX_PERCENT)}
        )
    if not ZERO <= retention_percent <= settings.PAYMENT_RETENTION_MAX_PERCENT:
        errors.append(
            _("Retensi harus antara 0 dan %(max)s%% dari total pesanan.")
            % {"max": percent_text(settings.PAYMENT_RETENTION_MAX_PERCENT)}
        )
    if retention_percent and retention_until is None:
        errors.append(_("Isi tanggal sampai kapan retensi ditahan."))
    if advance_percent + retention_percent >= HUNDRED:
        errors.append(_("Uang muka dan retensi bersama harus kurang dari 100%."))
    return errors


def _cumulative_values(order: Order, lines, receipts) -> list[Decimal]:
    """C_k for each receipt in order: the order's totals on the quantities received so far."""
    from .services import compute_totals

    received = {line.pk: 0 for line in lines}
    values = []
    for receipt in receipts:
        for rl in receipt.lines.all():
            received[rl.order_line_id] = received.get(rl.order_line_id, 0) + rl.quantity
        totals = compute_totals(
            [(line.unit_price, received[line.pk]) for line in lines], ppn_rate=order.ppn_rate
        )
        values.append(totals.total)
    return values


def schedule(order: Order, *, lines=None, receipts=None, payments=None, today: date | None = None):
    """The plan's instalments, in order, each with its amount, whether due and its payment.

    ``lines``, ``receipts`` (with their lines) and ``payments`` may be passed when loaded.
    """
    from django.utils import timezone

    today = today or timezone.localdate()
    lines = list(order.lines.all()) if lines is None else lines
    receipts = (
        list(order.receipts.prefetch_related("lines").order_by("created_at", "id"))
        if receipts is None
        else receipts
    )
    payments = list(order.payments.all()) if payments is None else payments
    by_key = {(p.installment or "final"): p for p in payments}
    total = order.total
    advance = share(total, order.advance_percent)
    if "advance" in by_key:  # recovered from the termins as paid, even if an addendum moved the total
        advance = by_key["advance"].amount
    retention = share(total, order.retention_percent)
    rate = order.ppn_rate
    agreed = bool(order.sp_number)
    complete = bool(lines) and all(line.received_quantity == line.quantity for line in lines)
    result = []
    if advance:
        result.append(
            Installment(
                "advance",
                Payment.Kind.ADVANCE,
                _("Uang muka %(p)s%%") % {"p": percent_text(order.advance_percent)},
                advance,
                ppn_inside(advance, rate),
                due=agreed,
            )
        )
    cumulative = _cumulative_values(order, lines, receipts)
    steps = []  # (key, kind, label, receipt, C_prev, C_k, due)
    if order.pay_per_bast:
        previous = ZERO
        for receipt, value in zip(receipts, cumulative, strict=True):
            steps.append(
                (
                    f"termin:{receipt.pk}",
                    Payment.Kind.TERMIN,
                    _("Termin BAST %(n)s") % {"n": receipt.number},
                    receipt,
                    previous,
                    value,
                    True,
                )
            )
            previous = value
    else:
        last = receipts[-1] if receipts and complete else None
        steps.append(
            ("final", Payment.Kind.FINAL, _("Pembayaran setelah BAST lengkap"), last, ZERO, total, complete)
        )
    for key, kind, label, receipt, before, after, due in steps:
        gross = after - before
        net_of_plan = (
            gross
            - (prorate(advance, after, total) - prorate(advance, before, total))
            - (prorate(retention, after, total) - prorate(retention, before, total))
        )
        result.append(
            Installment(
                key, kind, label, net_of_plan, ppn_inside(net_of_plan, rate), receipt=receipt, due=due
            )
        )
    if retention:
        until = order.retention_until
        result.append(
            Installment(
                "retention",
                Payment.Kind.RETENTION,
                _("Retensi %(p)s%% (ditahan sampai %(d)s)")
                % {
                    "p": percent_text(order.retention_percent),
                    "d": until.strftime("%d-%m-%Y") if until else "-",
                },
                retention,
                ppn_inside(retention, rate),
                due=complete and (until is None or today >= until),
                not_before=until,
            )
        )
    for inst in result:
        inst.payment = by_key.get(inst.key)
        if inst.payment is not None:
            inst.amount = inst.payment.amount
            inst.ppn_amount = inst.payment.ppn_amount
    # An addendum after a payment changes the total the shares were taken of: once everything is
    # received, the last unpaid instalment absorbs the difference so the plan still adds up.
    if complete:
        difference = total - sum((i.amount for i in result), ZERO)
        open_ = [i for i in result if not i.paid]
        if difference and open_:
            last = next((i for i in reversed(open_) if i.kind != Payment.Kind.RETENTION), open_[-1])
            last.amount += difference
            last.ppn_amount = ppn_inside(last.amount, rate)
    return [i for i in result if i.paid or i.amount > 0]


def paid_amount(payments) -> Decimal:
    return sum((p.amount for p in payments), ZERO)
