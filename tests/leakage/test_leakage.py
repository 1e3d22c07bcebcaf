"""The account map, the leakage arithmetic, the index component, the penalty reason and the red flag."""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from leakage import services
from leakage.models import AccountCategoryMap, RealisedSpending
from opd_scoring.models import Proposal, ProposalKind
from opd_scoring.services import (
    component_rows,
    compute_components,
    compute_snapshot,
    get_active_scheme,
    get_period,
    propose_awards_and_penalties,
    score_values,
)
from opendata.models import RedFlagKind
from opendata.redflags import Period as FlagPeriod
from opendata.redflags import compute_red_flags
from tests.factories import CategoryFactory, OPDFactory, ProductFactory, VendorFactory
from tests.opd_scoring.factories import paid_order

from .helpers import import_rows

pytestmark = pytest.mark.django_db
JKT = ZoneInfo("Asia/Jakarta")
ATK_CODE = "5.1.02.01.01.0024"
FOOD_CODE = "5.1.02.01.01.0052"


def published(category, n, *, on=datetime(2025, 1, 5, tzinfo=JKT), local=True):
    vendor = VendorFactory(is_local=local)
    return [ProductFactory(vendor=vendor, category=category, published_at=on) for _i in range(n)]


@pytest.fixture
def world(db):
    atk = CategoryFactory(name="ATK", slug="atk")
    kertas = CategoryFactory(name="Kertas", slug="kertas", parent=atk)
    food = CategoryFactory(name="Konsumsi Rapat", slug="konsumsi-rapat")
    AccountCategoryMap.objects.create(account_code="5.1.02.01.01", category=food)  # the whole group …
    AccountCategoryMap.objects.create(account_code=ATK_CODE, category=atk)  # … but ATK has its own code
    published(kertas, 37)  # local products of a sub-category count for ATK
    published(atk, 2, on=datetime(2026, 1, 5, tzinfo=JKT))  # published after the period: not counted
    published(atk, 4, local=False)  # not local: not counted
    return {"atk": atk, "kertas": kertas, "food": food}


def test_longest_account_prefix_wins_and_map_changes_remap_rows(world):
    opd = OPDFactory()
    import_rows(
        [
            [opd.code, "2025-03-01", ATK_CODE, "", "100", "", ""],
            [opd.code, "2025-03-01", "5.1.02.01.01.0052", "", "100", "", ""],
            [opd.code, "2025-03-01", "5.1.02.01.010", "", "100", "", ""],  # not a whole segment
        ]
    )
    assert sorted(RealisedSpending.objects.values_list("account_code", "category__slug")) == [
        (ATK_CODE, "atk"),
        ("5.1.02.01.01.0052", "konsumsi-rapat"),
        ("5.1.02.01.010", None),
    ]
    AccountCategoryMap.objects.filter(account_code=ATK_CODE).delete()
    services.apply_account_map()
    assert set(RealisedSpending.objects.exclude(category=None).values_list("category__slug", flat=True)) == {
        "konsumsi-rapat"
    }


def test_starting_map_maps_the_common_codes_to_existing_categories(world):
    added = services.load_default_map()
    mapped = dict(AccountCategoryMap.objects.values_list("account_code", "category__slug"))
    assert mapped["5.1.02.01.01.0052"] == "konsumsi-rapat"
    assert mapped["5.1.02.01.01.0025"] == "kertas"
    assert added == 3  # only codes whose category exists; the ATK code was already mapped
    assert services.load_default_map() == 0


def test_leakage_is_realised_minus_catalogue_spending_to_the_rupiah(world):
    opd = OPDFactory()
    vendor = VendorFactory()
    # Through the catalogue: 1,000,001 of Kertas (under ATK) at 11% PPN = 1,110,001.11 -> 1,110,001.
    order = paid_order(
        opd, vendor, "1110001", paid_at=datetime(2025, 4, 2, 10, tzinfo=JKT), category=world["kertas"]
    )
    order.lines.update(line_total=Decimal("1000001"))
    type(order).objects.filter(pk=order.pk).update(ppn_rate=Decimal("0.11"))
    # An order paid in another year does not count.
    paid_order(opd, vendor, "999", paid_at=datetime(2026, 1, 2, 10, tzinfo=JKT), category=world["atk"])
    import_rows(
        [
            [opd.code, "2025-03-01", ATK_CODE, "ATK", "12345678", "CV Luar Kota", ""],
            [opd.code, "2025-09-01", ATK_CODE, "ATK", "1.110.001", "", ""],
            [opd.code, "2025-05-01", FOOD_CODE, "Snack rapat", "3000000", "Ibu Sari", ""],
        ]
    )
    cells = {
        c.category_id: c
        for c in services.leakage_cells(fiscal_year=2025, start=date(2025, 1, 1), end=date(2025, 12, 31))
    }
    atk = cells[world["atk"].pk]
    assert (atk.realised, atk.through, atk.outside) == (
        Decimal("13455679"),
        Decimal("1110001"),
        Decimal("12345678"),
    )
    assert atk.local_products == 37 and atk.coverable
    food = cells[world["food"].pk]
    assert (food.realised, food.through, food.outside, food.local_products) == (
        Decimal("3000000"),
        Decimal("0"),
        Decimal("3000000"),
        0,
    )
    assert not food.coverable  # no local products: unmet demand, not leakage
    leak = services.leakage_by_opd(fiscal_year=2025, start=date(2025, 1, 1), end=date(2025, 12, 31))[opd.pk]
    assert leak.coverable_spending == Decimal("13455679")
    assert leak.outside_spending == Decimal("12345678")
    assert leak.catalogue_share == Decimal("8.25")  # 1,110,001 / 13,455,679


def test_catalogue_share_enters_the_index_with_its_weight_and_target(world):
    careful, leaky, silent = OPDFactory(), OPDFactory(), OPDFactory()
    vendor = VendorFactory()
    for opd in (careful, leaky):
        paid_order(
            opd, vendor, "4000000", paid_at=datetime(2025, 4, 2, 10, tzinfo=JKT), category=world["atk"]
        )
    import_rows(
        [
            [careful.code, "2025-04-02", ATK_CODE, "", "4000000", "", ""],
            [careful.code, "2025-05-02", ATK_CODE, "", "1000000", "", ""],
            [leaky.code, "2025-04-02", ATK_CODE, "", "4000000", "", ""],
            [leaky.code, "2025-05-02", ATK_CODE, "", "16000000", "", ""],
        ]
    )
    period = get_period(kind="year", year=2025)
    values = compute_components(period)
    assert values[careful.pk]["catalogue_share"] == Decimal("80.00")
    assert values[leaky.pk]["catalogue_share"] == Decimal("20.00")
    assert values[silent.pk]["catalogue_share"] is None
    # Only the number of orders and the catalogue share weigh here, equally.
    config = {"components": {}}
    for key in (
        "local_share",
        "umk_share",
        "local_vendors",
        "umk_vendors",
        "orders",
        "active_days",
        "payment_days",
        "cancel_share",
        "realisation",
    ):
        config["components"][key] = {"weight": 0, "target": "1"}
    config["components"]["orders"] = {"weight": 1, "target": "1"}
    config["components"]["catalogue_share"] = {"weight": 1, "target": "80"}
    assert score_values(values[careful.pk], config, period)[1] == Decimal("100.00")
    assert score_values(values[leaky.pk], config, period)[1] == Decimal("62.50")  # (100 + 25) / 2
    # Without realisation data the component is left out instead of scoring zero.
    paid_order(silent, vendor, "1000", paid_at=datetime(2025, 4, 2, 10, tzinfo=JKT))
    silent_values = compute_components(period, opd_ids=[silent.pk])[silent.pk]
    assert score_values(silent_values, config, period)[1] == Decimal("100.00")


def test_penalty_proposal_cites_the_leak_in_plain_words(world):
    opd = OPDFactory(name="Dinas Boros")
    vendor = VendorFactory()
    paid_order(opd, vendor, "10000000", paid_at=datetime(2025, 4, 2, 10, tzinfo=JKT), category=world["atk"])
    import_rows(
        [
            [opd.code, "2025-04-02", ATK_CODE, "", "10000000", "", ""],
            [opd.code, "2025-06-02", ATK_CODE, "", "1200000000", "CV Luar Kota", ""],
        ]
    )
    snapshot = compute_snapshot(period=get_period(kind="year", year=2025), scheme=get_active_scheme())
    score = snapshot.scores.get(opd=opd)
    assert score.outside_spending == Decimal("1200000000") and score.catalogue_share == Decimal("0.83")
    assert score.leakage[0]["local_products"] == 37
    propose_awards_and_penalties(snapshot=snapshot)
    proposal = Proposal.objects.get(opd=opd, kind=ProposalKind.PENALTY)
    assert (
        "hanya 0,8% belanja yang dapat dipenuhi katalog dibeli lewat katalog (batas 50%)" in proposal.reason
    )
    assert "Rp1,2 M belanja ATK di luar katalog, padahal 37 produk ATK lokal tayang" in proposal.reason


def test_old_snapshots_without_the_component_still_score(world):
    period = get_period(kind="year", year=2025)
    config = {"components": {"orders": {"weight": 1, "target": "1"}}}
    values = {"orders": 1, "paid_spending": Decimal(1), "catalogue_share": Decimal("10")}
    assert score_values(values, config, period)[1] == Decimal("100.00")
    assert [r["weight"] for r in component_rows(values, config, period) if r["key"] == "catalogue_share"] == [
        0
    ]


def test_red_flag_for_a_catalogue_vendor_paid_outside_the_catalogue(world):
    opd = OPDFactory()
    vendor = VendorFactory(npwp="012345678625000", business_name="UD Kertas Batu")
    clean_vendor = VendorFactory(npwp="023456789625000")
    paid_order(opd, vendor, "2000000", paid_at=datetime(2025, 4, 2, 10, tzinfo=JKT), category=world["atk"])
    paid_order(
        opd, clean_vendor, "500000", paid_at=datetime(2025, 4, 2, 10, tzinfo=JKT), category=world["atk"]
    )
    import_rows(
        [
            [
                opd.code,
                "2025-04-02",
                ATK_CODE,
                "pesanan katalog",
                "2000000",
                "UD Kertas Batu",
                "01.234.567.8-625.000",
            ],
            [opd.code, "2025-07-02", "5.2.02.01", "langsung", "7500000", "UD Kertas Batu", "012345678625000"],
            [opd.code, "2025-04-02", ATK_CODE, "pesanan katalog", "500000", "", "023456789625000"],
        ]
    )
    hits = compute_red_flags(FlagPeriod(2025), kinds=[RedFlagKind.VENDOR_PAID_OUTSIDE])
    assert len(hits) == 1
    hit = hits[0]
    assert (hit.opd_id, hit.vendor_id, hit.amount) == (opd.pk, vendor.pk, Decimal("7500000"))
    assert "Rp7.500.000" in hit.summary and "lewat katalog Rp2.000.000" in hit.summary
    # The first quarter has nothing paid outside.
    assert compute_red_flags(FlagPeriod(2025, quarter=1), kinds=[RedFlagKind.VENDOR_PAID_OUTSIDE]) == []
