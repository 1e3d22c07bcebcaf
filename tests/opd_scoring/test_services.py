from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from catalog.models import BusinessScale
from opd_scoring.models import (
    OPDScore,
    PenaltyType,
    PeriodKind,
    ProposalKind,
    ProposalStatus,
    ScoreSnapshot,
    ScoringScheme,
)
from opd_scoring.services import (
    COMPONENT_KEYS,
    ScoringError,
    compute_components,
    compute_snapshot,
    decide_proposal,
    get_active_scheme,
    get_period,
    next_steps,
    period_dates,
    propose_awards_and_penalties,
    publish_snapshot,
)
from procurement.models import OrderStatus
from tests.factories import OPDFactory, UserFactory, VendorFactory

from .factories import BudgetFactory, OrderFactory, at, paid_order

pytestmark = pytest.mark.django_db


def year_2025():
    return get_period(kind=PeriodKind.YEAR, year=2025)


def scheme_with(**weights) -> ScoringScheme:
    """A scheme where only the given components weigh (others 0)."""
    fields = {f"{key}_weight": 0 for key in COMPONENT_KEYS}
    fields.update({f"{key}_weight": w for key, w in weights.items()})
    return ScoringScheme.objects.create(name=f"Uji {sorted(weights.items())}", **fields)


# --- components on known fixtures ----------------------------------------------------------------


def test_paid_local_and_umk_spending_of_opd_a(city):
    values = compute_components(year_2025())[city["a"].pk]
    assert values["paid_spending"] == Decimal("400000000")
    assert values["local_spending"] == Decimal("300000000")
    assert values["umk_spending"] == Decimal("300000000")
    assert values["goods_services_pagu"] == Decimal("1000000000")
    assert values["local_share"] == Decimal("30.00")
    assert values["umk_share"] == Decimal("75.00")


def test_received_partially_paid_and_accepted_orders_count_as_committed_not_spending(city):
    values = compute_components(year_2025())[city["a"].pk]
    assert values["committed_spending"] == Decimal("80000000")


def test_distinct_vendors_orders_active_days_and_cancel_share(city):
    values = compute_components(year_2025())[city["a"].pk]
    assert values["local_vendors"] == 2
    assert values["umk_vendors"] == 2
    assert values["orders"] == 7  # draft excluded
    assert values["cancelled_orders"] == 2
    assert values["cancel_share"] == Decimal("28.57")
    assert values["active_days"] == 6  # cancelled and rejected on the same day


def test_median_days_from_bast_to_payment(city):
    values = compute_components(year_2025())
    assert values[city["a"].pk]["payment_days"] == Decimal("9.0")  # median of 9, 5, 19
    assert values[city["c"].pk]["payment_days"] == Decimal("4.0")


def test_realisation_against_rup_e_purchasing_pagu(city):
    values = compute_components(year_2025())
    assert values[city["a"].pk]["rup_pagu"] == Decimal("800000000")
    assert values[city["a"].pk]["realisation"] == Decimal("50.00")
    # OPD C's only package is the factory's direct-procurement one: no e-purchasing pagu.
    assert values[city["c"].pk]["realisation"] is None


def test_opd_without_budget_or_orders_gets_na_shares_and_zero_score(city):
    values = compute_components(year_2025())[city["b"].pk]
    assert values["goods_services_pagu"] is None
    assert values["local_share"] is None
    assert values["umk_share"] is None
    assert values["cancel_share"] is None
    assert values["payment_days"] is None
    assert values["paid_spending"] == 0
    snapshot = compute_snapshot(period=year_2025(), scheme=get_active_scheme())
    row = snapshot.scores.get(opd=city["b"])
    assert row.score == 0
    assert row.local_share is None
    assert next_steps({"goods_services_pagu": None}, snapshot.scheme_config, snapshot.period)[0].startswith(
        "Pagu"
    )


def test_cancelled_and_rejected_orders_are_not_spending(city):
    values = compute_components(year_2025())[city["a"].pk]
    assert values["paid_spending"] == Decimal("400000000")  # the 10 jt and 5 jt are not in it


def test_month_period_only_counts_its_payments_and_prorates_the_pagu(city):
    march = get_period(kind=PeriodKind.MONTH, year=2025, number=3)
    assert (march.start, march.end) == (date(2025, 3, 1), date(2025, 3, 31))
    values = compute_components(march)[city["a"].pk]
    assert values["paid_spending"] == Decimal("200000000")
    assert values["goods_services_pagu"] == Decimal("83333333")  # 1 M / 12, whole Rupiah
    assert values["local_share"] == Decimal("240.00")


def test_payment_at_year_boundary_counts_by_local_date(db):
    opd = OPDFactory()
    BudgetFactory(opd=opd)
    # 31 Dec 2025 23:30 WIB is 16:30 UTC: still 2025 spending.
    paid_order(opd, VendorFactory(), 1_000_000, paid_at=at(2025, 12, 31, 23))
    paid_order(opd, VendorFactory(), 2_000_000, paid_at=at(2026, 1, 1, 1))
    assert compute_components(year_2025())[opd.pk]["paid_spending"] == Decimal("1000000")


def test_period_dates_and_bad_numbers():
    assert period_dates(PeriodKind.QUARTER, 2025, 4) == (date(2025, 10, 1), date(2025, 12, 31))
    assert period_dates(PeriodKind.MONTH, 2024, 2) == (date(2024, 2, 1), date(2024, 2, 29))
    with pytest.raises(ScoringError):
        period_dates(PeriodKind.MONTH, 2025, 13)
    with pytest.raises(ScoringError):
        period_dates(PeriodKind.QUARTER, 2025, 0)


def test_sum_of_per_opd_spending_equals_the_orders(city):
    values = compute_components(year_2025())
    assert sum(v["paid_spending"] for v in values.values()) == Decimal("650000000")
    assert sum(v["local_spending"] for v in values.values()) == Decimal("550000000")


def test_large_amounts_stay_exact(db):
    opd = OPDFactory()
    BudgetFactory(opd=opd, goods_services_pagu=Decimal("900000000000000"))
    for _ in range(3):
        paid_order(opd, VendorFactory(), Decimal("123456789012345"), paid_at=at(2025, 5, 5))
    assert compute_components(year_2025())[opd.pk]["paid_spending"] == Decimal("370370367037035")


# --- scoring -------------------------------------------------------------------------------------


def test_score_is_the_weighted_achievement_capped_at_target(city):
    scheme = scheme_with(local_share=1)
    snapshot = compute_snapshot(period=year_2025(), scheme=scheme)
    a = snapshot.scores.get(opd=city["a"])
    c = snapshot.scores.get(opd=city["c"])
    assert a.score == Decimal("75.00")  # 30% of a 40% target
    assert c.score == Decimal("100.00")  # 50% capped at 100% of target
    assert (c.rank, a.rank) == (1, 2)


def test_default_scheme_score_of_opd_a(city):
    snapshot = compute_snapshot(period=year_2025(), scheme=get_active_scheme())
    a = snapshot.scores.get(opd=city["a"])
    # local 75, umk 100, local vendors 2/10 = 20, umk vendors 2/8 = 25, orders 7/24, active 6/24 = 25,
    # payment 9 <= 14 -> 100, cancel 28.57 vs 10 -> (100-28.57)/90 = 79.37, realisation 50.
    assert a.achievements["local_vendors"] == "20.00"
    assert a.achievements["orders"] == "29.17"
    assert a.achievements["cancel_share"] == "79.37"
    # Default weights sum to 100 with the catalogue share (15); without a realisation import that
    # component is n/a and left out, so the other weights (85) make the whole.
    expected = (
        Decimal("75") * 30 + 100 * 10 + 20 * 5 + 25 * 5 + Decimal("29.17") * 5 + 25 * 5 + 100 * 10
        + Decimal("79.37") * 5 + 50 * 10
    ) / 85  # fmt: skip
    assert a.score == expected.quantize(Decimal("0.01"))


def test_weights_change_the_ranking(db):
    year = year_2025()
    local_heavy, many_vendors = OPDFactory(name="Dinas Lokal"), OPDFactory(name="Dinas Ramai")
    BudgetFactory(opd=local_heavy, goods_services_pagu=Decimal("100000000"))
    BudgetFactory(opd=many_vendors, goods_services_pagu=Decimal("1000000000"))
    paid_order(local_heavy, VendorFactory(), 50_000_000, paid_at=at(2025, 4, 1))
    for day in range(1, 11):
        paid_order(many_vendors, VendorFactory(), 1_000_000, paid_at=at(2025, 5, day))

    by_local = compute_snapshot(period=year, scheme=scheme_with(local_share=1))
    by_vendors = compute_snapshot(period=year, scheme=scheme_with(local_vendors=1, active_days=1))
    assert by_local.scores.get(rank=1).opd == local_heavy
    assert by_vendors.scores.get(rank=1).opd == many_vendors


def test_equal_scores_share_a_rank(db):
    for _ in range(2):
        opd = OPDFactory()
        BudgetFactory(opd=opd)
        paid_order(opd, VendorFactory(), 400_000_000, paid_at=at(2025, 4, 1))
    third = OPDFactory()
    snapshot = compute_snapshot(period=year_2025(), scheme=scheme_with(local_share=1))
    assert sorted(snapshot.scores.values_list("rank", flat=True)) == [1, 1, 3]
    assert snapshot.scores.get(opd=third).rank == 3


# --- snapshots are immutable ---------------------------------------------------------------------


def test_recompute_creates_a_new_snapshot_and_leaves_the_old_values(city):
    scheme = get_active_scheme()
    first = compute_snapshot(period=year_2025(), scheme=scheme)
    old = first.scores.get(opd=city["a"])
    paid_order(city["a"], city["v1"], 100_000_000, paid_at=at(2025, 11, 20))
    scheme.local_share_weight = 90
    scheme.save()
    second = compute_snapshot(period=year_2025(), scheme=scheme)

    assert second.pk != first.pk
    assert ScoreSnapshot.objects.count() == 2
    again = OPDScore.objects.get(pk=old.pk)
    assert again.paid_spending == Decimal("400000000")
    assert again.score == old.score
    assert first.scheme_config["components"]["local_share"]["weight"] == 30
    assert second.scores.get(opd=city["a"]).paid_spending == Decimal("500000000")


def test_scores_and_snapshots_refuse_to_be_changed(city):
    snapshot = compute_snapshot(period=year_2025(), scheme=get_active_scheme())
    row = snapshot.scores.first()
    row.score = Decimal("99")
    with pytest.raises(ValidationError):
        row.save()
    snapshot.scheme_config = {}
    with pytest.raises(ValidationError):
        snapshot.save()


def test_publishing_records_who_and_when(city):
    bpbj = UserFactory(role="admin")
    snapshot = compute_snapshot(period=year_2025(), scheme=get_active_scheme())
    assert not snapshot.is_published
    publish_snapshot(snapshot=snapshot, by=bpbj)
    snapshot.refresh_from_db()
    assert snapshot.is_published and snapshot.published_by == bpbj and snapshot.published_at


# --- proposals -----------------------------------------------------------------------------------


def test_proposals_name_the_reason_in_plain_words(db):
    best, low, idle = (
        OPDFactory(name="Dinas Terbaik"),
        OPDFactory(name="Dinas Rendah"),
        OPDFactory(name="Dinas Diam"),
    )
    BudgetFactory(opd=best, goods_services_pagu=Decimal("100000000"))
    BudgetFactory(opd=low, goods_services_pagu=Decimal("1000000000"))
    BudgetFactory(opd=idle)
    for day in range(1, 13):
        paid_order(best, VendorFactory(), 5_000_000, paid_at=at(2025, 3, day), received_on=date(2025, 3, day))
    paid_order(low, VendorFactory(), 120_000_000, paid_at=at(2025, 3, 1))

    scheme = get_active_scheme()
    scheme.award_min_score = 50
    scheme.save()
    snapshot = compute_snapshot(period=year_2025(), scheme=scheme)
    proposals = propose_awards_and_penalties(snapshot=snapshot)
    by = {(p.opd.name, p.kind): p for p in proposals}

    award = by[("Dinas Terbaik", ProposalKind.AWARD)]
    assert "peringkat 1" in award.reason and "belanja lokal 60% dari pagu" in award.reason
    assert "belanja lokal 12% dari pagu, target 40%" in by[("Dinas Rendah", ProposalKind.PENALTY)].reason
    idle_penalty = by[("Dinas Diam", ProposalKind.PENALTY)]
    assert "tidak ada transaksi e-katalog" in idle_penalty.reason
    assert idle_penalty.penalty_type == PenaltyType.WRITTEN_WARNING
    assert ("Dinas Rendah", ProposalKind.AWARD) not in by

    # Proposing again adds nothing.
    propose_awards_and_penalties(snapshot=snapshot)
    assert snapshot.proposals.count() == len(proposals)


def test_decide_proposal_records_who_when_and_category(city):
    snapshot = compute_snapshot(period=year_2025(), scheme=get_active_scheme())
    penalty = next(
        p for p in propose_awards_and_penalties(snapshot=snapshot) if p.kind == ProposalKind.PENALTY
    )
    bpbj = UserFactory(role="admin")
    decided = decide_proposal(
        proposal=penalty,
        approve=True,
        by=bpbj,
        note="Sudah diklarifikasi",
        category=PenaltyType.PERFORMANCE_REVIEW,
    )
    assert decided.status == ProposalStatus.APPROVED
    assert decided.decided_by == bpbj and decided.decided_at is not None
    assert decided.penalty_type == PenaltyType.PERFORMANCE_REVIEW
    with pytest.raises(ScoringError):
        decide_proposal(proposal=penalty, approve=False, by=bpbj)


def test_decide_proposal_refuses_a_category_of_the_other_kind(city):
    snapshot = compute_snapshot(period=year_2025(), scheme=get_active_scheme())
    penalty = next(
        p for p in propose_awards_and_penalties(snapshot=snapshot) if p.kind == ProposalKind.PENALTY
    )
    with pytest.raises(ScoringError):
        decide_proposal(proposal=penalty, approve=True, by=UserFactory(), category="best")


def test_next_steps_say_how_much_more_local_spending_reaches_the_target(city):
    period = year_2025()
    values = compute_components(period)[city["a"].pk]
    steps = next_steps(values, get_active_scheme().as_config(), period)
    assert "Belanja produk lokal Rp100.000.000 lagi untuk mencapai 40% dari pagu barang/jasa." in steps
    assert any("Rp80.000.000" in s for s in steps)  # committed, not yet paid


# --- management command --------------------------------------------------------------------------


def test_command_works_on_an_empty_database_and_creates_a_default_scheme(db):
    call_command("compute_opd_scores", "--year", "2025")
    snapshot = ScoreSnapshot.objects.get()
    assert snapshot.is_published
    assert snapshot.period.kind == PeriodKind.YEAR
    assert ScoringScheme.objects.filter(is_active=True).count() == 1


def test_command_computes_a_quarter_as_draft(city):
    call_command(
        "compute_opd_scores", "--year", "2025", "--period", "quarter", "--number", "1", "--no-publish"
    )
    snapshot = ScoreSnapshot.objects.get()
    assert not snapshot.is_published
    assert snapshot.scores.get(opd=city["a"]).paid_spending == Decimal("200000000")
    assert snapshot.scores.get(opd=city["c"]).paid_spending == Decimal("250000000")


def test_command_rejects_a_bad_month(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("compute_opd_scores", "--period", "month", "--number", "13")


def test_order_statuses_counted_where(db):
    """Every status lands in exactly the bucket the definitions say."""
    opd = OPDFactory()
    vendor = VendorFactory(scale=BusinessScale.MENENGAH)
    amounts = {}
    for i, status in enumerate(OrderStatus.values, start=1):
        amounts[status] = Decimal(i * 1000)
        OrderFactory(
            opd=opd, vendor=vendor, status=status, total=amounts[status], created_at=at(2025, 5, 1),
            accepted_at=at(2025, 5, 2), paid_at=at(2025, 5, 3),
        )  # fmt: skip
    values = compute_components(year_2025())[opd.pk]
    assert values["paid_spending"] == amounts["paid"] + amounts["completed"]
    assert values["committed_spending"] == sum(
        amounts[s] for s in ("accepted", "shipped", "partially_received", "received")
    )
    assert values["orders"] == len(OrderStatus.values) - 1
    assert values["umk_spending"] == 0
