from decimal import Decimal

import pytest

from catalog.money import format_rupiah, to_rupiah


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Decimal("1250000"), "Rp1.250.000"),
        (Decimal("0"), "Rp0"),
        (Decimal("999"), "Rp999"),
        (Decimal("1000"), "Rp1.000"),
        (Decimal("-5000"), "-Rp5.000"),
        (Decimal("105000000000"), "Rp105.000.000.000"),
        (Decimal("1499.5"), "Rp1.500"),
        (None, ""),
    ],
)
def test_format_rupiah(value, expected):
    assert format_rupiah(value) == expected


def test_to_rupiah_rounds_half_up():
    assert to_rupiah(Decimal("10.5")) == Decimal("11")
    assert to_rupiah(Decimal("10.49")) == Decimal("10")
