"""Procurement test data: RUP packages and orders placed directly in any status."""

from datetime import timedelta
from decimal import Decimal

import factory
from django.db.models import F
from django.utils import timezone

from procurement import services
from procurement.models import (
    OPEN_STATUSES,
    PAID_STATUSES,
    Order,
    OrderLine,
    OrderStatus,
    ProcurementMethod,
    RUPPackage,
)


class RUPPackageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RUPPackage

    opd = None
    fiscal_year = factory.LazyFunction(services.current_fiscal_year)
    kode_rup = factory.Sequence(lambda n: f"{40000000 + n}")
    name = factory.Sequence(lambda n: f"Belanja makanan dan minuman rapat {n}")
    pagu = Decimal("100000000")
    method = ProcurementMethod.E_PURCHASING


def make_order(*, buyer, package, items, status=OrderStatus.SENT, token="", **fields) -> Order:
    """An order of ``items`` = [(product, qty)] placed straight in ``status`` with consistent money.

    The package's committed/spent follow the status the way the services would have left them.
    ``fields`` sets other order fields (timestamps such as ``shipped_at``, ``needed_by``); the
    clock of the status (``status_changed_at``) starts now unless given.
    """
    vendor = items[0][0].vendor
    order = Order(
        number=f"T-{timezone.now().timestamp()}-{id(items)}"[:40],
        opd=buyer.opd,
        buyer=buyer,
        vendor=vendor,
        rup_package=package,
        fiscal_year=package.fiscal_year,
        status=status,
        checkout_token=token,
        delivery_address="Jl. Panglima Sudirman 507, Batu",
        needed_by=timezone.localdate() + timedelta(days=7),
        ppn_rate=services.ppn_rate_for(vendor),
        status_changed_at=timezone.now(),
    )
    for name, value in fields.items():
        setattr(order, name, value)
    lines = [
        OrderLine(
            product=p,
            category_id=p.category_id,
            product_name=p.name,
            unit=p.unit,
            catalog_unit_price=p.price,
            unit_price=p.price,
            quantity=q,
            tkdn=p.tkdn,
        )
        for p, q in items
    ]
    services._apply_totals(order, lines)
    order.save()
    order.number = f"EKL-T-{order.pk:06d}"
    order.save(update_fields=["number"])
    for line in lines:
        line.order = order
        if status in (OrderStatus.RECEIVED, OrderStatus.PAID, OrderStatus.COMPLETED):
            line.received_quantity = line.quantity
    OrderLine.objects.bulk_create(lines)
    if status in OPEN_STATUSES:
        RUPPackage.objects.filter(pk=package.pk).update(committed=F("committed") + order.total)
    if status in PAID_STATUSES:
        RUPPackage.objects.filter(pk=package.pk).update(spent=F("spent") + order.total)
    return order
