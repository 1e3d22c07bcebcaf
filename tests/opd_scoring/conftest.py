"""A small hand-built city for fiscal year 2025 whose index is known in advance.

OPD A: pagu Rp1.000.000.000, RUP e-purchasing pagu Rp800.000.000.
  paid: Rp200.000.000 local mikro (V1, BAST 1 Mar, paid 10 Mar: 9 days),
        Rp100.000.000 local kecil (V2, BAST 10 Jun, paid 15 Jun: 5 days),
        Rp100.000.000 non-local besar (V3, BAST 1 Sep, paid 20 Sep: 19 days)
        -> paid 400 jt, local 300 jt (30% of pagu), UMK 300 jt (75%), median 9 days, realisation 50%.
  committed: received with a partial payment Rp50.000.000 + accepted Rp30.000.000 = 80 jt.
  cancelled Rp10.000.000 and rejected Rp5.000.000, both created 1 Nov; one draft (ignored).
  -> 7 orders placed, 2 cancelled/rejected (28,57%), 6 active days.
OPD B: no budget, no orders.
OPD C: pagu Rp500.000.000, paid local Rp250.000.000 (50%) from V1 on 5 Feb 2025 (BAST 1 Feb: 4 days).
"""

from decimal import Decimal

import pytest
from django.core.cache import cache

from catalog.models import BusinessScale
from procurement.models import OrderStatus
from tests.factories import OPDFactory, VendorFactory

from .factories import BudgetFactory, OrderFactory, PaymentFactory, RUPPackageFactory, at, paid_order


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def city(db):
    from datetime import date

    a = OPDFactory(code="1.01.A", name="Dinas Alpha", short_name="Alpha")
    b = OPDFactory(code="1.01.B", name="Dinas Beta", short_name="Beta")
    c = OPDFactory(code="1.01.C", name="Dinas Gamma", short_name="Gamma")
    BudgetFactory(opd=a, goods_services_pagu=Decimal("1000000000"))
    BudgetFactory(opd=c, goods_services_pagu=Decimal("500000000"))
    RUPPackageFactory(opd=a, pagu=Decimal("800000000"))
    v1 = VendorFactory(scale=BusinessScale.MIKRO, is_local=True, business_name="UD Apel Mikro")
    v2 = VendorFactory(scale=BusinessScale.KECIL, is_local=True, business_name="CV Kecil Lokal")
    v3 = VendorFactory(scale=BusinessScale.BESAR, is_local=False, business_name="PT Besar Luar")

    paid_order(
        a, v1, 200_000_000, paid_at=at(2025, 3, 10), received_on=date(2025, 3, 1), created_at=at(2025, 2, 20)
    )
    paid_order(
        a, v2, 100_000_000, paid_at=at(2025, 6, 15), received_on=date(2025, 6, 10), created_at=at(2025, 6, 1)
    )
    paid_order(
        a, v3, 100_000_000, paid_at=at(2025, 9, 20), received_on=date(2025, 9, 1), created_at=at(2025, 8, 25)
    )
    received = OrderFactory(
        opd=a, vendor=v1, total=Decimal("50000000"), status=OrderStatus.RECEIVED,
        created_at=at(2025, 9, 30), accepted_at=at(2025, 10, 1), received_at=at(2025, 10, 5),
    )  # fmt: skip
    PaymentFactory(order=received, amount=Decimal("20000000"))  # partial: still committed, not spending
    OrderFactory(
        opd=a, vendor=v2, total=Decimal("30000000"), status=OrderStatus.ACCEPTED,
        created_at=at(2025, 10, 2), accepted_at=at(2025, 10, 3),
    )  # fmt: skip
    OrderFactory(
        opd=a, vendor=v1, total=Decimal("10000000"), status=OrderStatus.CANCELLED, created_at=at(2025, 11, 1)
    )
    OrderFactory(
        opd=a,
        vendor=v2,
        total=Decimal("5000000"),
        status=OrderStatus.REJECTED,
        created_at=at(2025, 11, 1, 15),
    )
    OrderFactory(
        opd=a, vendor=v1, total=Decimal("7000000"), status=OrderStatus.DRAFT, created_at=at(2025, 11, 2)
    )

    paid_order(
        c, v1, 250_000_000, paid_at=at(2025, 2, 5), received_on=date(2025, 2, 1), created_at=at(2025, 1, 20)
    )
    return {"a": a, "b": b, "c": c, "v1": v1, "v2": v2, "v3": v3}
