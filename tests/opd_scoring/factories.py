"""Hand-built procurement rows for scoring tests: explicit statuses and timestamps, no services."""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import factory

from accounts.models import Role
from procurement.models import (
    Budget,
    Order,
    OrderLine,
    OrderStatus,
    Payment,
    ProcurementMethod,
    Receipt,
    RUPPackage,
)
from tests.factories import CategoryFactory, OPDFactory, UserFactory, VendorFactory

JAKARTA = ZoneInfo("Asia/Jakarta")


def at(y, m, d, hour=10) -> datetime:
    """An aware local (WIB) datetime."""
    return datetime(y, m, d, hour, tzinfo=JAKARTA)


class BudgetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Budget

    opd = factory.SubFactory(OPDFactory)
    fiscal_year = 2025
    goods_services_pagu = Decimal("1000000000")


class RUPPackageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RUPPackage

    opd = factory.SubFactory(OPDFactory)
    fiscal_year = 2025
    kode_rup = factory.Sequence(lambda n: f"RUP{n:08d}")
    name = factory.Sequence(lambda n: f"Paket belanja {n}")
    pagu = Decimal("5000000000")
    method = ProcurementMethod.E_PURCHASING


class OrderFactory(factory.django.DjangoModelFactory):
    """An order with any status; ``created_at`` may be given (set after insert: it is auto_now_add)."""

    class Meta:
        model = Order

    number = factory.Sequence(lambda n: f"PSN-2025-{n:06d}")
    opd = factory.SubFactory(OPDFactory)
    buyer = factory.SubFactory(UserFactory, role=Role.BUYER)
    vendor = factory.SubFactory(VendorFactory)
    # A direct-procurement package, so it never counts in the e-purchasing realisation unless a test adds one.
    rup_package = factory.SubFactory(
        RUPPackageFactory,
        opd=factory.SelfAttribute("..opd"),
        pagu=Decimal("10") ** 15,
        method=ProcurementMethod.DIRECT,
    )
    fiscal_year = 2025
    status = OrderStatus.SENT
    delivery_address = "Jl. Panglima Sudirman 507, Batu"
    needed_by = date(2025, 12, 31)
    total = Decimal("1000000")
    subtotal = factory.SelfAttribute("total")

    @classmethod
    def _create(cls, model_class, *args, created_at=None, **kwargs):
        order = super()._create(model_class, *args, **kwargs)
        if created_at is not None:
            model_class.objects.filter(pk=order.pk).update(created_at=created_at)
            order.created_at = created_at
        return order


class OrderLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrderLine

    order = factory.SubFactory(OrderFactory)
    category = factory.SubFactory(CategoryFactory)
    product_name = factory.Sequence(lambda n: f"Barang {n}")
    unit = "pcs"
    catalog_unit_price = factory.SelfAttribute("unit_price")
    unit_price = Decimal("100000")
    quantity = 1
    line_total = factory.LazyAttribute(lambda o: o.unit_price * o.quantity)


class ReceiptFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Receipt

    order = factory.SubFactory(OrderFactory)
    number = factory.Sequence(lambda n: f"BAST-{n:06d}")
    received_on = date(2025, 3, 1)
    received_by = factory.LazyAttribute(lambda o: o.order.buyer)


class PaymentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Payment

    order = factory.SubFactory(OrderFactory)
    amount = factory.LazyAttribute(lambda o: o.order.total)
    paid_on = date(2025, 3, 10)
    reference = factory.Sequence(lambda n: f"TRF{n:08d}")
    recorded_by = factory.LazyAttribute(lambda o: o.order.buyer)


def paid_order(
    opd, vendor, total, *, paid_at, received_on=None, paid_on=None, created_at=None, category=None
):
    """A paid order with one line, a BAST and a payment, all dated as given."""
    total = Decimal(total)
    created_at = created_at or paid_at
    order = OrderFactory(
        opd=opd,
        vendor=vendor,
        total=total,
        status=OrderStatus.PAID,
        created_at=created_at,
        accepted_at=created_at,
        received_at=datetime.combine(received_on, datetime.min.time(), tzinfo=JAKARTA)
        if received_on
        else None,
        paid_at=paid_at,
    )
    OrderLineFactory(
        order=order, unit_price=total, quantity=1, **({"category": category} if category else {})
    )
    if received_on:
        ReceiptFactory(order=order, received_on=received_on)
    PaymentFactory(order=order, paid_on=paid_on or paid_at.date())
    return order
