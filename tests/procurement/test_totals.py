from decimal import Decimal

import pytest

from procurement.services import compute_totals

D = Decimal


def test_totals_without_ppn_are_the_sum_of_whole_rupiah_lines():
    totals = compute_totals([(D("25000"), 3), (D("1500"), 2)], ppn_rate=D("0"))
    assert totals.line_totals == [D("75000"), D("3000")]
    assert totals.subtotal == D("78000")
    assert totals.ppn_amount == D("0")
    assert totals.total == D("78000")


def test_ppn_is_charged_on_the_subtotal_and_rounded_half_up():
    # 11% of 12.345 = 1.357,95 -> 1.358
    totals = compute_totals([(D("12345"), 1)], ppn_rate=D("0.11"))
    assert totals.ppn_amount == D("1358")
    assert totals.total == D("13703")


def test_ppn_half_rupiah_rounds_away_from_zero():
    # 11% of 50 = 5,5 -> 6
    assert compute_totals([(D("50"), 1)], ppn_rate=D("0.11")).ppn_amount == D("6")


def test_fractional_unit_prices_are_rounded_per_line():
    totals = compute_totals([(D("333.5"), 1), (D("0.4"), 1)], ppn_rate=D("0"))
    assert totals.line_totals == [D("334"), D("0")]
    assert totals.total == D("334")


def test_large_amounts_stay_exact():
    totals = compute_totals([(D("99999999999"), 1_000_000)], ppn_rate=D("0.11"))
    assert totals.subtotal == D("99999999999000000")
    assert totals.ppn_amount == D("10999999999890000")
    assert totals.total == totals.subtotal + totals.ppn_amount


@pytest.mark.django_db
def test_ppn_rate_applies_only_to_pkp_vendors(settings, vendor):
    from procurement.services import ppn_rate_for

    settings.PPN_RATE = D("0.12")
    assert ppn_rate_for(vendor) == D("0")
    vendor.is_pkp = True
    assert ppn_rate_for(vendor) == D("0.12")
