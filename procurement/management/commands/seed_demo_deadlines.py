"""Demo of deadlines in working days: orders near and past each deadline, a late-payment
complaint and an expiring certificate.

Runs after ``seed_demo_orders`` (``seed_demo`` calls it). The orders are placed and moved
by the real services with the clock set back to the working day each step happened on
(so their audit trails, notifications and numbers are what the app itself writes); then the
deadline rules run once, now, as celery beat would: the orders past their deadline are
cancelled, closed, marked late or escalated by the system, the ones near it get a reminder.
"""

from __future__ import annotations

from contextlib import contextmanager
from datetime import datetime, time, timedelta
from unittest import mock

from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from accounts.models import Role, User
from catalog.models import Category, Product, Vendor, VendorDocument
from procurement import deadlines, services
from procurement.models import CityHoliday, LatePaymentComplaint, Order, OrderStatus
from procurement.workdays import calendar

DEMO_NOTE = "Demo tenggat"
PDF = b"%PDF-1.4\n% demo\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@contextmanager
def clock_at(moment: datetime):
    """Every ``timezone.now()`` (services, auto_now fields, localdate) reads ``moment``."""
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield


class Command(BaseCommand):
    help = "Data demo tenggat: pesanan mendekati dan melewati tiap tenggat, keluhan pembayaran, sertifikat."

    def handle(self, *args, **options):
        if Order.objects.filter(note__startswith=DEMO_NOTE).exists():
            self.stdout.write("Demo tenggat sudah ada; tidak ada yang diubah.")
            return
        self.buyer = User.objects.filter(username="pembeli").first()
        self.vendor = Vendor.objects.filter(user__username="penyedia").first()
        if self.buyer is None or self.vendor is None or self.buyer.opd is None:
            self.stdout.write("Akun demo pembeli/penyedia belum ada; demo tenggat dilewati.")
            return
        self.treasurer = User.objects.filter(username="bendahara").first()
        self.cal = calendar()
        self.today = timezone.localdate()
        threshold = self.buyer.opd.approval_threshold
        self.products = [
            p
            for p in Product.objects.public()
            .filter(vendor=self.vendor, stock__gte=50)
            .order_by("price", "id")[:20]
            if threshold is None or p.price * p.min_order * 2 < threshold
        ]
        if not self.products:
            self.stdout.write("Penyedia demo tidak punya produk tayang; demo tenggat dilewati.")
            return
        self.n = 0
        made = self.seed_orders()
        self.seed_certificates()
        CityHoliday.objects.get_or_create(
            date=self.today.replace(month=10, day=17), defaults={"name": "Hari Jadi Kota Batu"}
        )
        runs = deadlines.run_all()
        self.file_complaint(made.get("payment_past"))
        self.stdout.write(
            self.style.SUCCESS(f"Demo tenggat: {len(made)} pesanan; " + "; ".join(str(r) for r in runs))
        )

    # ------------------------------------------------------------------ time

    def wd_ago(self, n: int, hour: int = 9) -> datetime:
        """``n`` working days before today, at ``hour`` local time."""
        day = self.cal.subtract_working_days(self.today, n)
        return timezone.make_aware(datetime.combine(day, time(hour, 30)))

    # ------------------------------------------------------------------ orders

    def _checkout(self, at: datetime, label: str, *, needed_by=None, plan=None) -> Order | None:
        product = self.products[self.n % len(self.products)]
        self.n += 1
        with clock_at(at):
            fiscal_year = timezone.localdate().year
            package = (
                services.checkout_packages(self.buyer.opd, fiscal_year=fiscal_year)
                .filter(pagu__gte=product.price * product.min_order * 2)
                .order_by("-pagu")
                .first()
            )
            if package is None:
                return None
            services.add_to_cart(user=self.buyer, product_id=product.pk, quantity=product.min_order)
            [order] = services.checkout(
                user=self.buyer,
                token=f"demo-tenggat-{label}",
                packages={self.vendor.pk: package.pk},
                delivery_address=self.buyer.opd.address or "Balai Kota Among Tani, Kota Batu",
                needed_by=needed_by or timezone.localdate() + timedelta(days=14),
                note=f"{DEMO_NOTE}: {label}",
                expected=services.current_checkout_snapshot(self.buyer),
                plan=plan,
            )
        return order

    def _step(self, at: datetime, fn, **kwargs):
        with clock_at(at):
            return fn(**kwargs)

    def _offer(self, order, price_factor="0.9"):
        from decimal import Decimal

        return {
            line.pk: (int(line.unit_price * Decimal(price_factor)), line.quantity)
            for line in order.lines.all()
        }

    def _shipped(self, label, *, accepted_ago, shipped_ago):
        order = self._checkout(self.wd_ago(accepted_ago + 1), label)
        if order is None:
            return None
        v = self.vendor.user
        self._step(self.wd_ago(accepted_ago, 10), services.accept_order, order=order, by=v)
        self._step(
            self.wd_ago(shipped_ago, 11), services.ship_order, order=order, by=v, note="Diantar kurir toko."
        )
        return order

    def _received(self, label, *, received_ago):
        order = self._shipped(label, accepted_ago=received_ago + 3, shipped_ago=received_ago + 1)
        if order is None:
            return None
        at = self.wd_ago(received_ago, 13)
        line_qty = {line.pk: line.quantity for line in order.lines.all()}
        self._step(
            at,
            services.record_receipt,
            order=order,
            by=self.buyer,
            quantities=line_qty,
            received_on=timezone.localdate(at),
            note="Diterima lengkap.",
        )
        return order

    def seed_orders(self) -> dict[str, Order]:
        v = self.vendor.user
        answer_days = deadlines.rule_days(deadlines.VENDOR_ANSWER)
        nego_days = deadlines.rule_days(deadlines.NEGOTIATION_TURN)
        bast_days = deadlines.rule_days(deadlines.BAST_DUE)
        pay_days = deadlines.rule_days(deadlines.PAYMENT_DUE)
        made: dict[str, Order | None] = {}
        # The vendor must answer: one with a day left, one past (the system cancels it).
        made["answer_near"] = self._checkout(self.wd_ago(answer_days - 1), "jawab-dekat")
        made["answer_past"] = self._checkout(self.wd_ago(answer_days + 1), "jawab-lewat")
        # Negotiation turns: the vendor's turn, near; the vendor's turn, past, nothing agreed (cancelled);
        # the buyer's turn, past, after agreed terms (closed back at those terms).
        for key, ago in (("nego_near", nego_days - 1), ("nego_past", nego_days + 1)):
            order = self._checkout(self.wd_ago(ago + 1), key.replace("_", "-"))
            if order:
                self._step(
                    self.wd_ago(ago, 11),
                    services.propose_negotiation,
                    order=order,
                    by=self.buyer,
                    lines=self._offer(order),
                    note="Mohon harga terbaik.",
                )
            made[key] = order
        order = self._checkout(self.wd_ago(nego_days + 4), "nego-sepakat")
        if order:
            self._step(
                self.wd_ago(nego_days + 3, 10),
                services.propose_negotiation,
                order=order,
                by=self.buyer,
                lines=self._offer(order, "0.95"),
            )
            self._step(self.wd_ago(nego_days + 3, 14), services.accept_offer, order=order, by=v)
            self._step(
                self.wd_ago(nego_days + 2, 10),
                services.propose_negotiation,
                order=order,
                by=self.buyer,
                lines=self._offer(order, "0.85"),
            )
            self._step(
                self.wd_ago(nego_days + 1, 10),
                services.counter_offer,
                order=order,
                by=v,
                lines=self._offer(order, "0.92"),
                note="Harga bahan naik.",
            )
        made["nego_agreed_past"] = order
        # Shipment by the needed-by date: tomorrow (near) and three days ago (late).
        for key, needed in (
            ("ship_near", self.today + timedelta(days=1)),
            ("ship_past", self.today - timedelta(days=3)),
        ):
            order = self._checkout(self.wd_ago(8), key.replace("_", "-"), needed_by=needed)
            if order:
                self._step(self.wd_ago(7, 10), services.accept_order, order=order, by=v)
            made[key] = order
        # BAST after shipment, and payment after BAST: one near, one past each.
        made["bast_near"] = self._shipped("bast-dekat", accepted_ago=bast_days + 1, shipped_ago=bast_days - 1)
        made["bast_past"] = self._shipped("bast-lewat", accepted_ago=bast_days + 3, shipped_ago=bast_days + 2)
        made["payment_near"] = self._received("bayar-dekat", received_ago=pay_days - 1)
        made["payment_past"] = self._received("bayar-lewat", received_ago=pay_days + 3)
        made["staged"] = self.seed_staged_payment()
        return {k: o for k, o in made.items() if o is not None}

    def seed_staged_payment(self) -> Order | None:
        """An order paid in stages: an advance, an addendum doubling the quantity, one BAST of
        half and its termin paid; the second termin and a retention are still to come."""
        if self.treasurer is None:
            return None
        plan = {
            "advance_percent": "20",
            "pay_per_bast": True,
            "retention_percent": "5",
            "retention_until": self.today + timedelta(days=60),
        }
        order = self._checkout(self.wd_ago(10), "termin", plan=plan)
        if order is None:
            return None
        v = self.vendor.user
        self._step(self.wd_ago(9, 10), services.accept_order, order=order, by=v)
        self._step(
            self.wd_ago(8, 10),
            services.record_payment,
            order=order,
            by=self.treasurer,
            paid_on=timezone.localdate(self.wd_ago(8)),
            reference="SP2D/DEMO/UM",
            pph_code="pph22",
        )
        line = order.lines.first()
        addendum = self._step(
            self.wd_ago(7, 10),
            services.propose_addendum,
            order=order,
            by=self.buyer,
            lines={line.pk: (line.unit_price, line.quantity * 2)},
            reason="Jumlah peserta pelatihan bertambah dua kali lipat.",
        )
        self._step(self.wd_ago(7, 14), services.answer_addendum, addendum=addendum, by=v, accept=True)
        self._step(self.wd_ago(6, 11), services.ship_order, order=order, by=v, note="Tahap pertama.")
        line.refresh_from_db()
        self._step(
            self.wd_ago(5, 13),
            services.record_receipt,
            order=order,
            by=self.buyer,
            quantities={line.pk: line.quantity // 2},
            received_on=timezone.localdate(self.wd_ago(5)),
            note="Tahap pertama diterima.",
        )
        self._step(
            self.wd_ago(4, 10),
            services.record_payment,
            order=order,
            by=self.treasurer,
            paid_on=timezone.localdate(self.wd_ago(4)),
            reference="SP2D/DEMO/T1",
            pph_code="pph22",
        )
        return order

    def file_complaint(self, order: Order | None):
        if order is None:
            return
        order.refresh_from_db()
        if order.status != OrderStatus.RECEIVED or LatePaymentComplaint.objects.filter(order=order).exists():
            return
        services.file_late_payment_complaint(
            order=order,
            by=self.vendor.user,
            note="Barang sudah diterima lengkap dan BAST ditandatangani, tetapi pembayaran belum masuk. "
            "Modal kerja kami tertahan; mohon BPBJ membantu menindaklanjuti.",
        )

    # ------------------------------------------------------------------ certificates

    def _document(self, vendor, kind, number, valid_until, *, verified=True):
        bpbj = User.objects.filter(role__in=(Role.ADMIN, Role.CATALOG_MANAGER)).order_by("id").first()
        return VendorDocument.objects.create(
            vendor=vendor,
            kind=kind,
            number=number,
            file=ContentFile(PDF, name=f"{kind}-{vendor.pk}.pdf"),
            valid_until=valid_until,
            verified_at=timezone.now() - timedelta(days=200) if verified else None,
            verified_by=bpbj if verified else None,
        )

    @transaction.atomic
    def seed_certificates(self):
        # Processed food needs a PIRT (inherited by every food sub-category).
        food = Category.objects.filter(slug="makanan-minuman").first()
        if food is not None and not food.required_documents:
            food.required_documents = [VendorDocument.Kind.PIRT]
            food.save(update_fields=["required_documents"])
        # The demo vendor: a PIRT that expires within the month (reminder), a valid halal (badge).
        self._document(
            self.vendor, VendorDocument.Kind.PIRT, "P-IRT 2063579010123-26", self.today + timedelta(days=20)
        )
        self._document(
            self.vendor, VendorDocument.Kind.HALAL, "ID35110000123450126", self.today + timedelta(days=400)
        )
        # Another food vendor whose PIRT expired two days ago: its food products leave the catalogue.
        other = (
            Vendor.objects.public()
            .exclude(pk=self.vendor.pk)
            .filter(products__category__parent=food, products__status="published")
            .order_by("id")
            .first()
            if food
            else None
        )
        if other is not None:
            self._document(
                other, VendorDocument.Kind.PIRT, "P-IRT 2063579010456-21", self.today - timedelta(days=2)
            )
            self._document(
                other,
                VendorDocument.Kind.PIRT,
                "P-IRT 2063579010456-26",
                self.today + timedelta(days=1800),
                verified=False,
            )  # the renewal, waiting for BPBJ's verification
