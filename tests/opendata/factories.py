"""Orders built directly, with explicit statuses and timestamps (no procurement services)."""

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import factory

from accounts.models import Role
from ecatalog.append_only import keep_given_timestamps
from procurement.models import (
    AGREED_STATUSES,
    Order,
    OrderEvent,
    OrderLine,
    OrderStatus,
    Payment,
    Receipt,
    ReceiptLine,
    RUPPackage,
)
from tests.factories import CategoryFactory, OPDFactory, UserFactory, VendorFactory

JKT = ZoneInfo("Asia/Jakarta")


def jkt(*args) -> datetime:
    return datetime(*args, tzinfo=JKT)


class RUPPackageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RUPPackage

    opd = factory.SubFactory(OPDFactory)
    fiscal_year = 2025
    kode_rup = factory.Sequence(lambda n: f"RUP{50000000 + n}")
    name = factory.Sequence(lambda n: f"Belanja alat tulis kantor {n}")
    pagu = Decimal("1000000000")


class OrderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Order

    # Slashes on purpose: the ocid turns them into dashes.
    number = factory.Sequence(lambda n: f"PSN/2025/{n:05d}")
    opd = factory.SubFactory(OPDFactory)
    buyer = factory.SubFactory(UserFactory, role=Role.BUYER, first_name="Bambang", last_name="Pejabatsekali")
    vendor = factory.SubFactory(VendorFactory)
    rup_package = factory.SubFactory(RUPPackageFactory, opd=factory.SelfAttribute("..opd"))
    fiscal_year = 2025
    status = OrderStatus.DRAFT
    delivery_address = "Jl. Panglima Sudirman 507, Batu"
    needed_by = date(2025, 12, 31)


class OrderLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrderLine

    order = factory.SubFactory(OrderFactory)
    category = factory.SubFactory(CategoryFactory)
    product_name = factory.Sequence(lambda n: f"Kertas HVS A4 {n}")
    unit = "rim"
    catalog_unit_price = Decimal("50000")
    unit_price = Decimal("50000")
    quantity = 10
    line_total = factory.LazyAttribute(lambda o: o.unit_price * o.quantity)


def _event(order, to_status, from_status=""):
    OrderEvent.objects.create(
        order=order, actor=order.buyer, actor_role="buyer", from_status=from_status, to_status=to_status
    )


def make_order(
    status: str,
    *,
    opd=None,
    vendor=None,
    category=None,
    total: Decimal | int | None = None,
    unit_price: Decimal | int | None = None,
    quantity: int = 10,
    unit: str = "rim",
    sent: datetime | None = None,
    accepted_before_cancel: bool = False,
    never_sent: bool = False,
    received: datetime | None = None,
    paid: datetime | None = None,
    fiscal_year: int | None = None,
    product=None,
    **extra,
) -> Order:
    """An order in ``status`` with one line, consistent timestamps, BAST, payments and audit trail.

    ``total`` sets the order total (the line price is derived); ``unit_price`` sets the price.
    """
    sent = sent or jkt(2025, 3, 3, 9, 0)
    if total is not None:
        unit_price = Decimal(total) / quantity
    unit_price = Decimal(unit_price if unit_price is not None else 50000)
    kwargs = {}
    if vendor is None and product is not None:
        vendor = product.vendor
    if opd is not None:
        kwargs["opd"] = opd
    if vendor is not None:
        kwargs["vendor"] = vendor
    if fiscal_year is not None:
        kwargs["fiscal_year"] = fiscal_year
    order = OrderFactory(status=status, **kwargs, **extra)
    line = OrderLineFactory(
        order=order,
        category=category or (product.category if product else CategoryFactory()),
        **({"product": product, "product_name": product.name} if product else {}),
        unit=unit,
        catalog_unit_price=unit_price,
        unit_price=unit_price,
        quantity=quantity,
    )
    order.subtotal = order.total = line.line_total
    _event(order, OrderStatus.DRAFT)
    if status == OrderStatus.DRAFT:
        order.save()
        return order
    if status == OrderStatus.PENDING_APPROVAL or (status == OrderStatus.CANCELLED and never_sent):
        order.requires_approval = True
        _event(order, OrderStatus.PENDING_APPROVAL, OrderStatus.DRAFT)
        if status == OrderStatus.CANCELLED:
            order.cancelled_at = sent
            order.reason = "Tidak disetujui"
        order.save()
        return order

    order.sent_at = sent
    _event(order, OrderStatus.SENT, OrderStatus.DRAFT)
    if status == OrderStatus.NEGOTIATING:
        _event(order, OrderStatus.NEGOTIATING, OrderStatus.SENT)
    agreed = status in AGREED_STATUSES or (status == OrderStatus.CANCELLED and accepted_before_cancel)
    if agreed:
        order.accepted_at = sent + timedelta(days=1)
        order.sp_sequence = order.pk
        order.sp_number = f"SP/{order.opd.code}/2025/{order.pk:04d}"
        _event(order, OrderStatus.ACCEPTED, OrderStatus.SENT)
    if status in (OrderStatus.SHIPPED, OrderStatus.PARTIALLY_RECEIVED, OrderStatus.RECEIVED, OrderStatus.PAID,
                  OrderStatus.COMPLETED):  # fmt: skip
        order.shipped_at = sent + timedelta(days=2)
        _event(order, OrderStatus.SHIPPED, OrderStatus.ACCEPTED)
    if status in (
        OrderStatus.PARTIALLY_RECEIVED,
        OrderStatus.RECEIVED,
        OrderStatus.PAID,
        OrderStatus.COMPLETED,
    ):
        full = status != OrderStatus.PARTIALLY_RECEIVED
        received_at = received or sent + timedelta(days=3)
        with keep_given_timestamps(Receipt):  # receipts are append-only: no backdating afterwards
            receipt = Receipt.objects.create(
                order=order,
                number=f"BAST/{order.pk:05d}",
                received_on=received_at.date(),
                received_by=order.buyer,
                note="Diterima oleh Bambang Pejabatsekali",
                created_at=received_at,
            )
        qty = line.quantity if full else max(1, line.quantity // 2)
        ReceiptLine.objects.create(receipt=receipt, order_line=line, quantity=qty)
        line.received_quantity = qty
        line.save(update_fields=["received_quantity"])
        if full:
            order.received_at = received_at
            _event(order, OrderStatus.RECEIVED, OrderStatus.SHIPPED)
        else:
            _event(order, OrderStatus.PARTIALLY_RECEIVED, OrderStatus.SHIPPED)
    if status in (OrderStatus.PAID, OrderStatus.COMPLETED):
        paid_at = paid or (order.received_at + timedelta(days=7))
        with keep_given_timestamps(Payment):
            Payment.objects.create(
                order=order,
                amount=order.total,
                paid_on=paid_at.date(),
                reference="TRF-9988776655-REK-1234567890",
                recorded_by=order.buyer,
                created_at=paid_at,
            )
        order.paid_at = paid_at
        _event(order, OrderStatus.PAID, OrderStatus.RECEIVED)
    if status == OrderStatus.COMPLETED:
        order.completed_at = order.paid_at + timedelta(days=1)
        _event(order, OrderStatus.COMPLETED, OrderStatus.PAID)
    if status in (OrderStatus.REJECTED, OrderStatus.CANCELLED):
        order.cancelled_at = sent + timedelta(days=2)
        order.reason = "Stok bahan baku habis"
        _event(order, status, OrderStatus.ACCEPTED if agreed else OrderStatus.SENT)
    order.save()
    return order
