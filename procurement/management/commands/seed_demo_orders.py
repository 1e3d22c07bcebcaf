"""Demo e-purchasing data: budgets, RUP packages, officials and orders in every state across the year.

Runs after the catalogue seed (``seed_demo`` calls it). Orders are written in bulk,
but every amount is computed the way the services compute it: line totals and
PPN through ``compute_totals``, RUP ``committed`` = open orders, ``spent`` = paid
orders, SP and BAST numbers gapless per OPD and year in date order, one audit
event per step with the step's own timestamp.
"""

from __future__ import annotations

import random
import time
from collections import defaultdict
from datetime import datetime, timedelta
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from accounts.models import Role, User
from catalog.demo_files import make_pdf
from catalog.models import PriceHistory, Product, ProductEvent, ProductPhoto, ProductStatus
from catalog.storage import private_storage
from ecatalog.append_only import keep_given_timestamps
from procurement import services
from procurement.models import (
    AGREED_STATUSES,
    OPD,
    OPEN_STATUSES,
    PAID_STATUSES,
    Budget,
    FundingSource,
    NegotiationOffer,
    NegotiationOfferLine,
    Notification,
    OPDMember,
    Order,
    OrderEvent,
    OrderLine,
    OrderStatus,
    Payment,
    ProcurementMethod,
    Receipt,
    ReceiptLine,
    RUPPackage,
    VendorRating,
)

S = OrderStatus
R = services.ActorRole
DEMO_PASSWORD = "demo12345"
DEMO_OPD_CODE = "2.17.01"  # Dinas Koperasi dan Usaha Mikro, when the user `pembeli` has no OPD
MILLION = Decimal("1000000")

# Share of each status among this year's orders (the path an order took is implied by its status).
STATUS_WEIGHTS = {
    S.COMPLETED: 44,
    S.PAID: 5,
    S.RECEIVED: 6,
    S.PARTIALLY_RECEIVED: 3,
    S.SHIPPED: 6,
    S.ACCEPTED: 7,
    S.NEGOTIATING: 4,
    S.SENT: 8,
    S.PENDING_APPROVAL: 2,
    S.DRAFT: 2,
    S.REJECTED: 5,
    S.CANCELLED: 8,
}
PATH = [S.DRAFT, S.SENT, S.ACCEPTED, S.SHIPPED, S.RECEIVED, S.PAID, S.COMPLETED]
PACKAGE_NAMES = [
    "Belanja alat tulis kantor",
    "Belanja makanan dan minuman rapat",
    "Belanja bahan cetak dan penggandaan",
    "Belanja perlengkapan kebersihan",
    "Belanja suvenir dan cenderamata",
    "Belanja bahan pelatihan UMKM",
    "Belanja seragam dan atribut",
    "Belanja bahan pameran produk lokal",
]
REJECT_REASONS = [
    "Stok bahan baku sedang kosong.",
    "Tidak dapat memenuhi tanggal kebutuhan.",
    "Lokasi pengiriman di luar jangkauan kami.",
]
CANCEL_REASONS = [
    "Kegiatan ditunda ke triwulan berikutnya.",
    "Anggaran dialihkan ke kegiatan prioritas.",
    "Salah memilih produk; akan dipesan ulang.",
    "Penyedia tidak menanggapi dalam 7 hari.",
]
RATING_COMMENTS = [
    "Tepat waktu dan rapi.",
    "Kualitas sesuai.",
    "Pengiriman agak terlambat.",
    "Sangat baik.",
    "",
]


class Command(BaseCommand):
    help = "Isi data demo pengadaan: anggaran, paket RUP, pejabat OPD dan pesanan di semua status."

    def add_arguments(self, parser):
        parser.add_argument("--orders", type=int, default=1500, help="Jumlah pesanan (default 1500).")
        parser.add_argument("--seed", type=int, default=2025, help="Random seed (data demo deterministik).")

    def handle(self, *args, **options):
        if Order.objects.exists():
            self.stdout.write("Pesanan sudah ada; seed_demo_orders tidak mengubah apa pun.")
            return
        started = time.monotonic()
        self.rng = random.Random(options["seed"])
        # The planted red-flag patterns draw from their own generator, so the rest of the demo
        # is the same with or without them.
        self.plant_rng = random.Random(options["seed"] + 1)
        self.now = timezone.now()
        self.tz = timezone.get_current_timezone()
        self.year = timezone.localdate().year
        opds = list(OPD.objects.filter(is_active=True).order_by("code"))
        products = list(Product.objects.public().filter(stock__gte=1).select_related("vendor").order_by("id"))
        if not opds or not products:
            raise CommandError("Belum ada OPD atau produk tayang: jalankan `manage.py seed_demo` dahulu.")
        self.by_vendor = defaultdict(list)
        for product in products:
            self.by_vendor[product.vendor_id].append(product)
        self.vendors = {p.vendor_id: p.vendor for p in products}
        vendor_ids = sorted(self.by_vendor)
        # A few popular vendors get many orders, like a real catalogue.
        self.vendor_weights = [1 + 8 * (self.rng.random() ** 3) for _ in vendor_ids]
        self.vendor_ids = vendor_ids

        with (
            transaction.atomic(),
            keep_given_timestamps(
                Order, OrderEvent, NegotiationOffer, Receipt, Payment, VendorRating, Notification
            ),
        ):
            self.demo_opd = self.seed_officials(opds)
            self.seed_budgets(opds)
            packages = self.seed_packages(opds)
            counts = self.seed_orders(opds, packages, options["orders"])
        elapsed = time.monotonic() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"Selesai dalam {elapsed:.1f} dtk: {sum(counts.values())} pesanan "
                + ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))
            )
        )
        self.stdout.write(
            f"Akun OPD demo (kata sandi {DEMO_PASSWORD}): pembeli (PPK), kepala (PA/KPA), bendahara."
        )

    # ------------------------------------------------------------------ officials, budgets, packages

    def seed_officials(self, opds) -> OPD:
        """Every OPD gets a PPK, a PA/KPA and a treasurer; the demo OPD's are `pembeli`, `kepala`, `bendahara`."""
        password = make_password(DEMO_PASSWORD)
        demo_member = OPDMember.objects.filter(user__username="pembeli").select_related("opd").first()
        demo_opd = (
            demo_member.opd if demo_member else next((o for o in opds if o.code == DEMO_OPD_CODE), opds[0])
        )
        if demo_member is None:
            user = User.objects.filter(username="pembeli").first() or User.objects.create(
                username="pembeli", role=Role.BUYER, first_name="Rina", last_name="Astuti", password=password
            )
            OPDMember.objects.update_or_create(
                user=user, defaults={"opd": demo_opd, "position": OPDMember.Position.PPK}
            )
        demo_opd = next((o for o in opds if o.pk == demo_opd.pk), demo_opd)  # the instance the plan uses
        # The demo OPD and every third other OPD ask for PA/KPA approval above Rp25 juta.
        for i, opd in enumerate(opds):
            if opd.approval_threshold is None and (opd == demo_opd or i % 3 == 0):
                opd.approval_threshold = Decimal("25000000")
                opd.save(update_fields=["approval_threshold"])

        existing = defaultdict(set)
        for opd_id, position in OPDMember.objects.values_list("opd_id", "position"):
            existing[opd_id].add(position)
        taken = set(User.objects.values_list("username", flat=True))
        new_users, new_members = [], []
        named = {
            OPDMember.Position.PA: ("kepala", "Bambang", "Suryono"),
            OPDMember.Position.TREASURER: ("bendahara", "Dewi", "Lestari"),
        }
        for opd in opds:
            slug = opd.code.replace(".", "")
            for position, prefix in (
                (OPDMember.Position.PPK, "ppk"),
                (OPDMember.Position.PA, "pa"),
                (OPDMember.Position.TREASURER, "bendahara"),
            ):
                has = existing[opd.pk] & (
                    {OPDMember.Position.PP, OPDMember.Position.PPK}
                    if position == OPDMember.Position.PPK
                    else {position}
                )
                if has:
                    continue
                if opd == demo_opd and position in named:
                    username, first, last = named[position]
                else:
                    username, first, last = (
                        f"{prefix}.{slug}",
                        prefix.upper() if prefix != "bendahara" else "Bendahara",
                        str(opd),
                    )
                if username in taken:
                    continue
                taken.add(username)
                user = User(
                    username=username,
                    role=Role.BUYER,
                    first_name=first,
                    last_name=last[:150],
                    email=f"{username}@ekatalog.local",
                    password=password,
                )
                new_users.append(user)
                new_members.append((user, opd, position))
        User.objects.bulk_create(new_users)
        if new_users and new_users[0].pk is None:  # backends without RETURNING
            ids = dict(
                User.objects.filter(username__in=[u.username for u in new_users]).values_list(
                    "username", "pk"
                )
            )
            for u in new_users:
                u.pk = ids[u.username]
        OPDMember.objects.bulk_create(
            [
                OPDMember(
                    user=u,
                    opd=o,
                    position=p,
                    nip=f"19{self.rng.randint(70, 99)}{self.rng.randint(10**13, 10**14 - 1)}"[:18],
                )
                for u, o, p in new_members
            ]
        )
        self.buyers = {}
        for member in (
            OPDMember.objects.filter(position__in=[OPDMember.Position.PP, OPDMember.Position.PPK])
            .select_related("user")
            .order_by("id")
        ):
            self.buyers.setdefault(member.opd_id, member.user)
        pembeli = User.objects.filter(username="pembeli").first()
        if pembeli:
            self.buyers[demo_opd.pk] = pembeli
        self.approvers, self.treasurers = {}, {}
        for member in (
            OPDMember.objects.filter(position__in=[OPDMember.Position.PA, OPDMember.Position.TREASURER])
            .select_related("user")
            .order_by("id")
        ):
            target = self.approvers if member.position == OPDMember.Position.PA else self.treasurers
            target.setdefault(member.opd_id, member.user)
        self.seed_steering_official(opds, demo_opd, password)
        return demo_opd

    def seed_steering_official(self, opds, demo_opd, password) -> None:
        """A second buyer (Pejabat Pengadaan) in another OPD who places most of its orders with
        one vendor: the buyer–vendor pair the red flags should find."""
        self.steering = None
        opd = next((o for o in opds if o != demo_opd), None)
        if opd is None or opd.pk not in self.buyers:
            return
        username = f"pp.{opd.code.replace('.', '')}"
        user = User.objects.filter(username=username).first() or User.objects.create(
            username=username,
            role=Role.BUYER,
            first_name="Hendra",
            last_name="Wijaya",
            email=f"{username}@ekatalog.local",
            password=password,
        )
        if not OPDMember.objects.filter(user=user).exists():
            OPDMember.objects.create(user=user, opd=opd, position=OPDMember.Position.PP)
        vendor_id = self.plant_rng.choice(self.vendor_ids)
        self.steering = (opd, user, vendor_id)

    def seed_budgets(self, opds) -> None:
        have = set(Budget.objects.values_list("opd_id", "fiscal_year"))
        Budget.objects.bulk_create(
            [
                Budget(
                    opd=opd,
                    fiscal_year=year,
                    goods_services_pagu=Decimal(self.rng.randint(500, 12000)) * MILLION,
                )
                for opd in opds
                for year in (self.year - 1, self.year)
                if (opd.pk, year) not in have
            ]
        )

    def seed_packages(self, opds) -> dict[tuple[int, int], list[RUPPackage]]:
        packages = []
        taken = set(RUPPackage.objects.values_list("kode_rup", flat=True))
        for opd in opds:
            for year in (self.year - 1, self.year):
                names = self.rng.sample(PACKAGE_NAMES, k=self.rng.randint(3, 5))
                for i, name in enumerate(names, start=1):
                    kode = f"{year % 100}{opd.pk:04d}{i:02d}{self.rng.randint(100, 999)}"
                    if kode in taken:
                        continue
                    taken.add(kode)
                    packages.append(
                        RUPPackage(
                            opd=opd,
                            fiscal_year=year,
                            kode_rup=kode,
                            name=f"{name} {opd.short_name or opd.name} {year}",
                            pagu=Decimal(self.rng.randint(50, 400)) * MILLION,
                            funding_source=self.rng.choice(
                                [
                                    FundingSource.APBD,
                                    FundingSource.APBD,
                                    FundingSource.APBD_P,
                                    FundingSource.BLUD if opd.kind == OPD.Kind.RSUD else FundingSource.APBD,
                                ]
                            ),
                            method=ProcurementMethod.E_PURCHASING,
                        )
                    )
                # One tender package per OPD-year: never offered at checkout.
                kode = f"{year % 100}{opd.pk:04d}99{self.rng.randint(100, 999)}"
                if kode not in taken:
                    taken.add(kode)
                    packages.append(
                        RUPPackage(
                            opd=opd,
                            fiscal_year=year,
                            kode_rup=kode,
                            name=f"Pembangunan gedung {opd.short_name or opd.name} {year}",
                            pagu=Decimal(self.rng.randint(500, 3000)) * MILLION,
                            method=ProcurementMethod.TENDER,
                        )
                    )
        RUPPackage.objects.bulk_create(packages)
        by_key = defaultdict(list)
        for package in RUPPackage.objects.filter(method=ProcurementMethod.E_PURCHASING).order_by("id"):
            by_key[(package.opd_id, package.fiscal_year)].append(package)
        return by_key

    # ------------------------------------------------------------------ orders

    def _aware(self, day, hour=None):
        hour = hour if hour is not None else self.rng.randint(8, 15)
        return timezone.make_aware(
            datetime(day.year, day.month, day.day, hour, self.rng.randint(0, 59)), self.tz
        )

    def _plan_statuses(self, opds, n) -> list[tuple[OPD, int, str]]:
        """(opd, fiscal year, final status) for each order; the demo OPD has every status."""
        current = int(n * 0.8)
        statuses = list(STATUS_WEIGHTS)
        weights = list(STATUS_WEIGHTS.values())
        plan = [(self.demo_opd, self.year, s) for s in statuses]  # at least one of each for the demo
        if self.steering:  # enough agreed orders for the steered pair to pass the minimum count
            plan += [(self.steering[0], self.year, s) for s in [S.COMPLETED] * 5 + [S.ACCEPTED, S.SHIPPED]]
        opd_weights = [3.0 if o == self.demo_opd else 0.5 + self.rng.random() for o in opds]
        while len(plan) < current:
            opd = self.rng.choices(opds, opd_weights)[0]
            status = self.rng.choices(statuses, weights)[0]
            if status == S.PENDING_APPROVAL and opd.approval_threshold is None:
                status = S.SENT
            plan.append((opd, self.year, status))
        while len(plan) < n:
            opd = self.rng.choices(opds, opd_weights)[0]
            plan.append(
                (opd, self.year - 1, self.rng.choices([S.COMPLETED, S.CANCELLED, S.REJECTED], [85, 10, 5])[0])
            )
        return plan

    def _timeline(self, status, fiscal_year, lead_days) -> dict[str, datetime]:
        """Timestamps of each step the order went through, all in its fiscal year and never in the future."""
        gaps = {
            S.SENT: 0,
            S.ACCEPTED: self.rng.randint(0, 3),
            S.SHIPPED: lead_days,
            S.RECEIVED: self.rng.randint(1, 3),
            S.PAID: self.rng.randint(3, 21),
            S.COMPLETED: self.rng.randint(0, 2),
        }
        if status in PATH:
            reached = PATH[: PATH.index(status) + 1]
        elif status == S.CANCELLED and self.rng.random() < 0.4:
            reached = [S.DRAFT, S.SENT, S.ACCEPTED]  # cancelled after the SP was issued
        else:
            reached = [S.DRAFT, S.SENT]
        if status in (S.PARTIALLY_RECEIVED,):
            reached = [S.DRAFT, S.SENT, S.ACCEPTED, S.SHIPPED]
        if status in (S.NEGOTIATING, S.PENDING_APPROVAL, S.REJECTED):
            reached = [S.DRAFT, S.SENT]
        span = sum(gaps.get(s, 0) for s in reached) + (2 if status == S.PARTIALLY_RECEIVED else 1)
        start = datetime(fiscal_year, 1, 2).date()
        end = min(self.now.astimezone(self.tz).date(), datetime(fiscal_year, 12, 30).date()) - timedelta(
            days=span
        )
        if status in (S.DRAFT, S.SENT, S.NEGOTIATING, S.PENDING_APPROVAL):
            start = max(start, end - timedelta(days=20))  # still-open early steps are recent
        end = max(end, start)
        created_day = start + timedelta(days=self.rng.randint(0, (end - start).days))
        created = self._aware(created_day)
        times = {S.DRAFT: created}
        moment = created
        for step in reached[1:]:
            gap = gaps.get(step, 0)
            moment = moment + timedelta(days=gap, minutes=self.rng.randint(5, 300))
            times[step] = min(moment, self.now - timedelta(minutes=1))
        last = moment
        if status in (S.PARTIALLY_RECEIVED,):
            times[S.PARTIALLY_RECEIVED] = min(last + timedelta(days=1), self.now - timedelta(minutes=1))
        if status in (S.NEGOTIATING, S.REJECTED, S.CANCELLED, S.PENDING_APPROVAL):
            times[status] = min(
                last + timedelta(hours=self.rng.randint(2, 40)), self.now - timedelta(minutes=1)
            )
        return times

    def _renegotiable(self, threshold):
        """(product, quantity before, quantity after): an order of the product under ``threshold`` that
        a larger quantity, still within its stock and at the catalogue price, takes above it."""
        for products in self.by_vendor.values():
            for p in products:
                rate = services.ppn_rate_for(p.vendor)
                cost = lambda q, p=p, rate=rate: services.compute_totals([(p.price, q)], ppn_rate=rate).total  # noqa: E731
                if cost(p.min_order) > threshold:
                    continue
                after = max(p.min_order, int(threshold / (p.price * (1 + rate))))
                while cost(after) <= threshold:
                    after += 1
                if after <= p.stock:
                    return p, p.min_order, after
        return None

    def _lines(self, vendor_id, opd, only=None):
        products = self.by_vendor[vendor_id]
        chosen = self.rng.sample(products, k=min(len(products), self.rng.choice([1, 1, 2, 2, 3, 4])))
        if only is not None:
            chosen = [only]
        lines = []
        for p in chosen:
            # City orders are sizeable (meeting meals, uniforms, seedlings for a whole programme).
            qty = p.min_order + self.rng.choice([0, 5, 10, 20, 40, 80, 150, 300])
            lines.append(
                OrderLine(
                    product=p,
                    category_id=p.category_id,
                    product_name=p.name[:200],
                    unit=p.unit,
                    catalog_unit_price=p.price,
                    unit_price=p.price,
                    quantity=qty,
                    tkdn=p.tkdn,
                )
            )
        return lines

    def seed_delivery_notes(self, entries) -> int:
        """Most shipped orders carry the vendor's delivery note (surat jalan): a small PDF in the
        private storage, linked from the order page and the admin through the checked download."""
        touched = []
        for order, lines, _times, _negotiated in entries:
            # Every fifth shipped order has none (the upload is optional); by pk, so the
            # random sequence (and with it the rest of the demo) stays the same.
            if not order.shipped_at or order.pk % 5 == 0:
                continue
            shipped = timezone.localtime(order.shipped_at)
            body = [
                f"Nomor: SJ/{order.number}",
                f"Tanggal: {shipped:%d-%m-%Y}",
                f"Dari: {order.vendor.business_name}",
                f"Kepada: {order.opd.name}",
                f"Alamat: {order.delivery_address}",
                f"Surat Pesanan: {order.sp_number}",
                "",
                *(f"{ln.quantity} {ln.unit}  {ln.product_name}" for ln in lines),
            ]
            content = make_pdf("SURAT JALAN", body)
            order.delivery_note_file = private_storage.save(
                f"delivery-notes/demo/{order.number.lower()}.pdf", ContentFile(content)
            )
            touched.append(order)
        Order.objects.bulk_update(touched, ["delivery_note_file"], batch_size=500)
        return len(touched)

    def plant_fresh_products(self, entries, count: int = 2) -> set[int]:
        """A few products first published two days before their first order (an agreed one).

        Catalogue events are append-only, so an existing product's timeline cannot be moved: the
        vendor lists a new variant of the ordered product (its own events, published two days
        before the order), and that order's line is for the new variant."""
        with_history = set(PriceHistory.objects.values_list("product_id", flat=True).distinct())
        first_order: dict[int, tuple[datetime, Order, Product]] = {}
        for order, lines, _times, _negotiated in entries:
            for line in lines:
                known = first_order.get(line.product_id)
                if known is None or order.created_at < known[0]:
                    first_order[line.product_id] = (order.created_at, order, line.product)
        candidates = sorted(
            (
                (created_at, order, product)
                for created_at, order, product in first_order.values()
                if order.status in AGREED_STATUSES
                and order.fiscal_year == self.year
                and product.pk not in with_history
            ),
            key=lambda item: item[2].pk,
        )
        chosen = self.plant_rng.sample(candidates, k=min(len(candidates), count))
        fresh = set()
        for ordered_at, order, product in chosen:
            published = ordered_at - timedelta(days=2)
            submitted = published - timedelta(days=1)
            photos = list(product.photos.all())
            variant = Product.objects.get(pk=product.pk)
            variant.pk = None
            variant._state.adding = True
            variant.slug = f"{product.slug}-varian-baru"[:220]
            variant.name = f"{product.name} (varian baru)"[:200]
            variant.created_at, variant.submitted_at, variant.published_at = (
                submitted - timedelta(hours=3),
                submitted,
                published,
            )
            with keep_given_timestamps(Product):
                variant.save()
            for photo in photos:
                photo.pk = None
                photo._state.adding = True
                photo.product = variant
            ProductPhoto.objects.bulk_create(photos)
            with keep_given_timestamps(ProductEvent):
                ProductEvent.objects.bulk_create(
                    [
                        ProductEvent(
                            product=variant,
                            actor=product.vendor.user,
                            from_status=ProductStatus.DRAFT,
                            to_status=ProductStatus.SUBMITTED,
                            created_at=submitted,
                        ),
                        ProductEvent(
                            product=variant,
                            actor=None,
                            from_status=ProductStatus.SUBMITTED,
                            to_status=ProductStatus.PUBLISHED,
                            note="Kurasi demo",
                            created_at=published,
                        ),
                    ]
                )
            OrderLine.objects.filter(order=order, product=product).update(product=variant)
            fresh.add(variant.pk)
        return fresh

    def plant_price_raises(self, entries, count: int = 3, skip: set[int] = frozenset()) -> int:
        """A few agreed orders whose product's price was raised 25% three days before the order was
        sent (products without other price history, so the history stays consistent)."""
        with_history = set(PriceHistory.objects.values_list("product_id", flat=True).distinct()) | set(skip)
        candidates = [
            (order, lines[0].product)
            for order, lines, _times, _negotiated in entries
            if order.status in AGREED_STATUSES
            and order.fiscal_year == self.year
            and lines[0].product_id not in with_history
            and lines[0].product.published_at
            and lines[0].product.published_at < order.sent_at - timedelta(days=10)
        ]
        history, seen = [], set()
        for order, product in self.plant_rng.sample(candidates, k=min(len(candidates), count * 2)):
            if product.pk in seen or len(history) >= count:
                continue
            seen.add(product.pk)
            history.append(
                PriceHistory(
                    product=product,
                    old_price=services.to_rupiah(product.price / Decimal("1.25")),
                    new_price=product.price,
                    changed_by_id=order.vendor.user_id,
                    changed_at=order.sent_at - timedelta(days=3),
                )
            )
        with keep_given_timestamps(PriceHistory):
            PriceHistory.objects.bulk_create(history)
        return len(history)

    def _renegotiated_events(self, order, lines, times, ev, offers, offer_lines_by_offer, notes):
        """Sent under the threshold, a larger quantity proposed and accepted: now awaiting the PA/KPA."""
        before = services.format_rupiah(order.renegotiated_from)
        total = services.format_rupiah(order.total)
        ev(times[S.SENT], S.DRAFT, S.SENT, order.buyer, R.BUYER)
        at = times[S.SENT] + (times[S.PENDING_APPROVAL] - times[S.SENT]) / 3
        offer = NegotiationOffer(
            order=order,
            round=1,
            action=NegotiationOffer.Action.PROPOSE,
            actor_id=order.buyer.pk,
            actor_role=R.BUYER,
            note=f"Kebutuhan bertambah; total semula {before}.",
            proposed_total=order.total,
            created_at=at,
        )
        offers.append(offer)
        offer_lines_by_offer.append((offer, [(ln, ln.unit_price, ln.quantity) for ln in lines]))
        ev(at, S.SENT, S.NEGOTIATING, order.buyer, R.BUYER, f"Usulan negosiasi putaran 1: total {total}.")
        at2 = times[S.PENDING_APPROVAL]
        vendor_user = order.vendor.user_id
        offers.append(
            NegotiationOffer(
                order=order,
                round=1,
                action=NegotiationOffer.Action.ACCEPT,
                actor_id=vendor_user,
                actor_role=R.VENDOR,
                proposed_total=order.total,
                created_at=at2,
            )
        )
        ev(
            at2,
            S.NEGOTIATING,
            S.PENDING_APPROVAL,
            vendor_user,
            R.VENDOR,
            f"Penawaran putaran 1 disetujui: total baru {total}. Melebihi batas persetujuan "
            f"{services.format_rupiah(order.opd.approval_threshold)}: menunggu persetujuan PA/KPA.",
        )
        approver = self.approvers.get(order.opd_id)
        if approver:
            notes.append(
                Notification(
                    user_id=approver.pk,
                    order=order,
                    message=f"{order.number}: total hasil negosiasi {total} menunggu persetujuan PA/KPA.",
                    url=order.get_absolute_url(),
                    created_at=at2,
                )
            )

    def seed_orders(self, opds, packages, n) -> dict[str, int]:
        plan = self._plan_statuses(opds, n)
        rng = self.rng
        entries = []  # (order, lines, times, extras)
        # One order of the demo OPD went to the vendor under the approval threshold and crossed it
        # through an accepted negotiation: it waits for `kepala` to approve the new amount.
        renegotiate_one = True
        for opd, fiscal_year, status in plan:
            choices = packages.get((opd.pk, fiscal_year))
            buyer = self.buyers.get(opd.pk)
            if not choices or buyer is None:
                continue
            vendor_id = rng.choices(self.vendor_ids, self.vendor_weights)[0]
            if self.steering and opd == self.steering[0] and self.plant_rng.random() < 0.7:
                _opd, buyer, vendor_id = self.steering
            renegotiated = None
            if status == S.PENDING_APPROVAL and renegotiate_one and opd == self.demo_opd:
                renegotiated = self._renegotiable(opd.approval_threshold)
                if renegotiated:
                    vendor_id, renegotiate_one = renegotiated[0].vendor_id, False
            vendor = self.vendors[vendor_id]
            if not renegotiated:
                lines = self._lines(vendor_id, opd)
            else:
                product, before, after = renegotiated
                lines = self._lines(vendor_id, opd, only=product)
            if status == S.PARTIALLY_RECEIVED:
                lines[0].quantity = max(2, lines[0].quantity)  # something must still be outstanding
            negotiated = status == S.NEGOTIATING or (status in PATH[2:] and rng.random() < 0.15)
            order = Order(
                opd=opd,
                buyer=buyer,
                vendor=vendor,
                rup_package=rng.choice(choices),
                fiscal_year=fiscal_year,
                status=status,
                delivery_address=opd.address or f"Kantor {opd.name}, Kota Batu",
                ppn_rate=services.ppn_rate_for(vendor),
            )
            if negotiated and status != S.NEGOTIATING:
                for line in lines:
                    line.unit_price = services.to_rupiah(
                        line.catalog_unit_price * Decimal(rng.choice(["0.9", "0.93", "0.95", "0.97"]))
                    )
            order.renegotiated_from = None
            if renegotiated:
                lines[0].quantity = before
                services._apply_totals(order, lines)
                order.renegotiated_from = order.total
                lines[0].quantity = after
                negotiated = True
            services._apply_totals(order, lines)
            if status == S.PENDING_APPROVAL:
                while order.total <= opd.approval_threshold:
                    for line in lines:
                        line.quantity *= 2
                    services._apply_totals(order, lines)
            times = self._timeline(
                status, fiscal_year, max(1, min(14, max(p.product.lead_time_days for p in lines)))
            )
            order.created_at = order.updated_at = times[S.DRAFT]
            order.needed_by = (times[S.DRAFT] + timedelta(days=rng.randint(7, 30))).date()
            order.number = f"tmp-{len(entries)}"
            order.requires_approval = status == S.PENDING_APPROVAL or (
                opd.approval_threshold is not None
                and order.total > opd.approval_threshold
                and status != S.DRAFT
            )
            if S.SENT in times and (status != S.PENDING_APPROVAL or order.renegotiated_from):
                order.sent_at = times[S.SENT]
            if order.requires_approval and order.sent_at and not order.renegotiated_from:
                order.approved_by = self.approvers.get(opd.pk)
                order.approved_at = order.sent_at
                # Approved when sent, before any negotiation: at the catalogue-price total.
                order.approved_amount = services.compute_totals(
                    [(ln.catalog_unit_price, ln.quantity) for ln in lines], ppn_rate=order.ppn_rate
                ).total
                if order.approved_by is None:
                    order.requires_approval = False
                    order.approved_amount = None
            order.accepted_at = times.get(S.ACCEPTED)
            order.shipped_at = times.get(S.SHIPPED)
            order.received_at = times.get(S.RECEIVED)
            order.paid_at = times.get(S.PAID)
            order.completed_at = times.get(S.COMPLETED)
            if status in (S.REJECTED, S.CANCELLED):
                order.cancelled_at = times[status]
                order.reason = rng.choice(REJECT_REASONS if status == S.REJECTED else CANCEL_REASONS)
            if order.shipped_at:
                order.shipping_note = rng.choice(
                    ["Diantar kurir toko.", "Dikirim lewat ekspedisi lokal.", ""]
                )
            order.negotiation_rounds = 1 if negotiated else 0
            entries.append((order, lines, times, negotiated))

        # SP and BAST numbers in date order per OPD and year.
        sp_seq = defaultdict(int)
        for order, _lines, _t, _n in sorted(entries, key=lambda e: (e[0].accepted_at or self.now, id(e[0]))):
            if order.accepted_at:
                key = (order.opd_id, order.fiscal_year)
                sp_seq[key] += 1
                order.sp_sequence = sp_seq[key]
                order.sp_number = services.sp_number(order.opd, order.fiscal_year, sp_seq[key])

        orders = [e[0] for e in entries]
        Order.objects.bulk_create(orders, batch_size=500)
        if orders and orders[0].pk is None:
            raise CommandError(
                "Basis data tidak mengembalikan id (RETURNING); butuh SQLite ≥ 3.35 atau PostgreSQL."
            )
        for order in orders:
            order.number = f"EKL-{order.fiscal_year}-{order.pk:06d}"
        Order.objects.bulk_update(orders, ["number"], batch_size=500)

        all_lines = []
        for order, lines, _t, _n in entries:
            for line in lines:
                line.order = order
                if order.status in (S.RECEIVED, S.PAID, S.COMPLETED):
                    line.received_quantity = line.quantity
                elif order.status == S.PARTIALLY_RECEIVED:
                    line.received_quantity = max(0, line.quantity // 2)
                all_lines.append(line)
        for order, lines, _t, _n in entries:  # a partial receipt must receive something
            if order.status == S.PARTIALLY_RECEIVED and not any(ln.received_quantity for ln in lines):
                if lines[0].quantity > 1:
                    lines[0].received_quantity = 1
        OrderLine.objects.bulk_create(all_lines, batch_size=1000)
        self.seed_delivery_notes(entries)
        fresh = self.plant_fresh_products(entries)
        self.plant_price_raises(entries, skip=fresh)

        events, offers, offer_lines_by_offer, receipts, receipt_lines, payments, ratings, notes = (
            [],
            [],
            [],
            [],
            [],
            [],
            [],
            [],
        )
        bast_seq = defaultdict(int)
        pay_seq = defaultdict(int)
        for order, lines, times, negotiated in sorted(entries, key=lambda e: e[0].created_at):
            vendor_user = order.vendor.user_id
            approver = self.approvers.get(order.opd_id)
            treasurer = self.treasurers.get(order.opd_id)

            def ev(at, frm, to, actor, role, note="", order=order):
                events.append(
                    OrderEvent(
                        order=order,
                        actor_id=getattr(actor, "pk", actor),
                        actor_role=role,
                        from_status=frm,
                        to_status=to,
                        note=note or "",
                        created_at=at,
                    )
                )

            ev(times[S.DRAFT], "", S.DRAFT, order.buyer, R.BUYER, "Dibuat dari keranjang.")
            st = order.status
            if st == S.DRAFT:
                continue
            if order.renegotiated_from:
                self._renegotiated_events(order, lines, times, ev, offers, offer_lines_by_offer, notes)
                continue
            if order.requires_approval:
                ev(times[S.DRAFT] + timedelta(minutes=2), S.DRAFT, S.PENDING_APPROVAL, order.buyer, R.BUYER)
                if st == S.PENDING_APPROVAL:
                    if approver:
                        notes.append(
                            Notification(
                                user_id=approver.pk,
                                order=order,
                                message=f"{order.number}: menunggu persetujuan PA/KPA.",
                                url=order.get_absolute_url(),
                                created_at=times[S.DRAFT],
                            )
                        )
                    continue
                ev(times[S.SENT], S.PENDING_APPROVAL, S.SENT, approver, R.APPROVER, "Disetujui PA/KPA.")
            else:
                ev(times[S.SENT], S.DRAFT, S.SENT, order.buyer, R.BUYER)
            if negotiated:
                # The negotiation happens between sending and the vendor's decision (or now).
                decided = times.get(S.ACCEPTED) or min(times[S.SENT] + timedelta(hours=6), self.now)
                at = times[S.SENT] + (decided - times[S.SENT]) / 3
                offer = NegotiationOffer(
                    order=order,
                    round=1,
                    action=NegotiationOffer.Action.PROPOSE,
                    actor_id=order.buyer.pk,
                    actor_role=R.BUYER,
                    note="Mohon harga terbaik untuk instansi.",
                    created_at=at,
                )
                proposed = [
                    (
                        ln,
                        services.to_rupiah(
                            ln.unit_price if st != S.NEGOTIATING else ln.unit_price * Decimal("0.92")
                        ),
                        ln.quantity,
                    )
                    for ln in lines
                ]
                offer.proposed_total = services.compute_totals(
                    [(p, q) for _l, p, q in proposed], ppn_rate=order.ppn_rate
                ).total
                offers.append(offer)
                offer_lines_by_offer.append((offer, proposed))
                ev(
                    at,
                    S.SENT,
                    S.NEGOTIATING,
                    order.buyer,
                    R.BUYER,
                    f"Usulan negosiasi putaran 1: total {services.format_rupiah(offer.proposed_total)}.",
                )
                if st == S.NEGOTIATING:
                    notes.append(
                        Notification(
                            user_id=vendor_user,
                            order=order,
                            message=f"{order.number}: usulan negosiasi dari {order.opd}.",
                            url=order.get_absolute_url(),
                            created_at=at,
                        )
                    )
                    continue
                at2 = times[S.SENT] + (decided - times[S.SENT]) * 2 / 3
                offers.append(
                    NegotiationOffer(
                        order=order,
                        round=1,
                        action=NegotiationOffer.Action.ACCEPT,
                        actor_id=vendor_user,
                        actor_role=R.VENDOR,
                        proposed_total=order.total,
                        created_at=at2,
                    )
                )
                ev(
                    at2,
                    S.NEGOTIATING,
                    S.SENT,
                    vendor_user,
                    R.VENDOR,
                    f"Penawaran putaran 1 disetujui: total baru {services.format_rupiah(order.total)}.",
                )
            if st == S.SENT:
                notes.append(
                    Notification(
                        user_id=vendor_user,
                        order=order,
                        message=f"{order.number}: pesanan baru dari {order.opd}.",
                        url=order.get_absolute_url(),
                        created_at=times[S.SENT],
                    )
                )
                continue
            if st == S.REJECTED:
                ev(times[S.REJECTED], S.SENT, S.REJECTED, vendor_user, R.VENDOR, order.reason)
                continue
            if st == S.CANCELLED and not order.accepted_at:
                ev(times[S.CANCELLED], S.SENT, S.CANCELLED, order.buyer, R.BUYER, order.reason)
                continue
            ev(
                times[S.ACCEPTED],
                S.SENT,
                S.ACCEPTED,
                vendor_user,
                R.VENDOR,
                f"Surat Pesanan {order.sp_number} diterbitkan.",
            )
            if st == S.CANCELLED:
                ev(times[S.CANCELLED], S.ACCEPTED, S.CANCELLED, order.buyer, R.BUYER, order.reason)
                continue
            if st == S.ACCEPTED:
                continue
            ev(times[S.SHIPPED], S.ACCEPTED, S.SHIPPED, vendor_user, R.VENDOR, order.shipping_note)
            if st == S.SHIPPED:
                continue
            key = (order.opd_id, order.fiscal_year)
            received_at = times.get(S.RECEIVED) or times[S.PARTIALLY_RECEIVED]
            partial_first = (
                st != S.PARTIALLY_RECEIVED and rng.random() < 0.15 and any(ln.quantity > 1 for ln in lines)
            )
            batches = []
            if st == S.PARTIALLY_RECEIVED:
                batches.append(
                    (
                        received_at,
                        [(ln, ln.received_quantity) for ln in lines if ln.received_quantity],
                        S.PARTIALLY_RECEIVED,
                    )
                )
            elif partial_first:
                first = [(ln, ln.quantity // 2) for ln in lines if ln.quantity // 2]
                rest = [(ln, ln.quantity - ln.quantity // 2) for ln in lines]
                batches.append((received_at - timedelta(days=1), first, S.PARTIALLY_RECEIVED))
                batches.append((received_at, rest, S.RECEIVED))
            else:
                batches.append((received_at, [(ln, ln.quantity) for ln in lines], S.RECEIVED))
            previous = S.SHIPPED
            for at, taken, to in batches:
                bast_seq[key] += 1
                receipt = Receipt(
                    order=order,
                    number=services.bast_number(order.opd, order.fiscal_year, bast_seq[key]),
                    received_on=timezone.localtime(at).date(),
                    received_by_id=order.buyer.pk,
                    created_at=at,
                )
                receipts.append(receipt)
                receipt_lines.append((receipt, taken))
                ev(at, previous, to, order.buyer, R.BUYER, f"BAST {receipt.number}.")
                previous = to
            if st in (S.PARTIALLY_RECEIVED, S.RECEIVED):
                if st == S.RECEIVED and treasurer:
                    notes.append(
                        Notification(
                            user_id=treasurer.pk,
                            order=order,
                            message=f"{order.number}: BAST lengkap; siap dibayar.",
                            url=order.get_absolute_url(),
                            created_at=received_at,
                        )
                    )
                continue
            pay_seq[key] += 1
            reference = f"SP2D/{order.opd.code}/{order.fiscal_year}/{pay_seq[key]:05d}"
            payments.append(
                Payment(
                    order=order,
                    amount=order.total,
                    paid_on=timezone.localtime(times[S.PAID]).date(),
                    reference=reference,
                    recorded_by_id=(treasurer or order.buyer).pk,
                    created_at=times[S.PAID],
                )
            )
            ev(
                times[S.PAID],
                S.RECEIVED,
                S.PAID,
                treasurer or order.buyer,
                R.TREASURER,
                f"Transfer {services.format_rupiah(order.total)}, ref. {reference}.",
            )
            if st == S.PAID:
                continue
            ev(times[S.COMPLETED], S.PAID, S.COMPLETED, order.buyer, R.BUYER)
            if rng.random() < 0.7:
                ratings.append(
                    VendorRating(
                        order=order,
                        vendor_id=order.vendor_id,
                        score=rng.choices([5, 4, 3, 2], [50, 35, 12, 3])[0],
                        comment=rng.choice(RATING_COMMENTS),
                        rated_by_id=order.buyer.pk,
                        created_at=times[S.COMPLETED] + timedelta(hours=1),
                    )
                )

        OrderEvent.objects.bulk_create(events, batch_size=1000)
        NegotiationOffer.objects.bulk_create(offers, batch_size=500)
        NegotiationOfferLine.objects.bulk_create(
            [
                NegotiationOfferLine(offer=offer, order_line=ln, unit_price=p, quantity=q)
                for offer, proposed in offer_lines_by_offer
                for ln, p, q in proposed
            ],
            batch_size=1000,
        )
        Receipt.objects.bulk_create(receipts, batch_size=500)
        ReceiptLine.objects.bulk_create(
            [
                ReceiptLine(receipt=r, order_line=ln, quantity=q)
                for r, taken in receipt_lines
                for ln, q in taken
                if q
            ],
            batch_size=1000,
        )
        Payment.objects.bulk_create(payments, batch_size=500)
        # Each demo order is paid in one payment of its total: what was paid is that total.
        Order.objects.filter(pk__in=Payment.objects.values("order_id")).update(paid_amount=F("total"))
        VendorRating.objects.bulk_create(ratings, batch_size=500)
        Notification.objects.bulk_create([n for n in notes if n.user_id], batch_size=500)

        # RUP packages: committed = open orders, spent = paid ones; pagu leaves plausible headroom.
        committed, spent = defaultdict(Decimal), defaultdict(Decimal)
        for order in orders:
            if order.status in OPEN_STATUSES:
                committed[order.rup_package_id] += order.total
            elif order.status in PAID_STATUSES:
                spent[order.rup_package_id] += order.total
        touched = []
        for group in packages.values():
            for package in group:
                package.committed = committed[package.pk]
                package.spent = spent[package.pk]
                used = package.committed + package.spent
                if package.pagu < used * Decimal("1.15"):
                    package.pagu = (
                        (used * Decimal(str(rng.uniform(1.2, 1.6)))) / MILLION
                    ).to_integral_value() * MILLION + MILLION
                touched.append(package)
        RUPPackage.objects.bulk_update(touched, ["pagu", "committed", "spent"], batch_size=500)

        counts = defaultdict(int)
        for order in orders:
            counts[order.status] += 1
        return counts
