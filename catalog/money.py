"""Rupiah: whole Rupiah, Decimal, formatted as ``Rp1.250.000``.

Every money field is a ``MoneyField`` (whole Rupiah, no fractions), which is
exact on PostgreSQL and on SQLite (SQLite stores whole numbers as INTEGER).
"""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.db import models

ZERO = Decimal("0")


class MoneyField(models.DecimalField):
    """Whole Rupiah, up to 10^18."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_digits", 18)
        kwargs.setdefault("decimal_places", 0)
        super().__init__(*args, **kwargs)


def to_rupiah(value) -> Decimal:
    """Round any amount to whole Rupiah, halves away from zero."""
    if value is None:
        return ZERO
    if not isinstance(value, Decimal):
        value = Decimal(str(value))
    return value.quantize(Decimal("1"), rounding=ROUND_HALF_UP)


def format_rupiah(value) -> str:
    """``Decimal("1250000")`` -> ``"Rp1.250.000"``; negatives as ``-Rp5.000``."""
    if value is None or value == "":
        return ""
    try:
        amount = to_rupiah(value)
    except (InvalidOperation, ValueError):
        return ""
    sign = "-" if amount < 0 else ""
    digits = f"{abs(int(amount)):,}".replace(",", ".")
    return f"{sign}Rp{digits}"
