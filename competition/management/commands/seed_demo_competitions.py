"""Demo mini-kompetisi in every state, run through the real services.

Runs after ``seed_demo_deadlines`` (``seed_demo`` calls it). The closed ones are started and
offered on with the clock set back ten days (so their deadlines have passed by the server's
clock); then, now, they are closed, awarded, confirmed or negotiated as the pages would.
One open competition (the demo vendor ``penyedia`` is invited, its offer sealed), a request
for quotation, and a BPBJ rule that makes the cart refuse a direct order in one category.
"""

from __future__ import annotations

from contextlib import contextmanager
from datetime import timedelta
from decimal import Decimal
from unittest import mock

from django.core.management.base import BaseCommand
from django.db.models import Count, Min
from django.utils import timezone

from accounts.models import User
from catalog.models import UMK_SCALES, Category, Product, Vendor
from competition import services
from competition.models import Competition, CompetitionRule
from procurement import services as orders

TITLES = {
    "confirmed": "Nasi kotak rapat koordinasi triwulan",
    "awarded": "Snack rapat evaluasi program",
    "evaluation": "Konsumsi pelatihan UMKM",
    "negotiation": "Seragam batik pelatihan",
    "failed": "Cetak spanduk sosialisasi",
    "cancelled": "Konsumsi kegiatan yang ditunda",
    "open": "Nasi kotak Hari Jadi Kota Batu",
}


@contextmanager
def clock_at(moment):
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield


class Command(BaseCommand):
    help = "Data demo mini-kompetisi dalam setiap status."

    def handle(self, *args, **options):
        if Competition.objects.exists():
            self.stdout.write("Demo mini-kompetisi sudah ada; tidak ada yang diubah.")
            return
        buyer = User.objects.filter(username="pembeli").first()
        if buyer is None or buyer.opd is None:
            self.stdout.write("Akun demo pembeli belum ada; demo mini-kompetisi dilewati.")
            return
        packages = sorted(orders.checkout_packages(buyer.opd), key=lambda p: p.remaining, reverse=True)
        own = Vendor.objects.filter(user__username="penyedia").first()
        # Categories where several verified micro/small vendors have published products, most first.
        rows = (
            Product.objects.public()
            .filter(vendor_scale__in=UMK_SCALES)
            .values("category_id")
            .annotate(n=Count("vendor_id", distinct=True))
            .filter(n__gte=2)
            .order_by("-n")
        )
        categories = [r["category_id"] for r in rows[:10]]
        if not packages or not categories:
            self.stdout.write(
                "Paket RUP atau kategori dengan tiga penyedia belum ada; demo mini-kompetisi dilewati."
            )
            return
        own_category = (
            Product.objects.public().filter(vendor=own).values_list("category_id", flat=True).first()
            if own
            else None
        )
        self.buyer, self.package = buyer, packages[0]
        made = {}
        past = timezone.now() - timedelta(days=10)
        with clock_at(past):
            for index, key in enumerate(
                ("confirmed", "awarded", "evaluation", "negotiation", "failed", "cancelled")
            ):
                category_id = categories[index % len(categories)]
                made[key] = self.start(
                    key, category_id, services.earliest_offer_deadline() + timedelta(hours=10)
                )
                bidders = {"negotiation": 1, "failed": 0}.get(key, 3)
                self.offer(made[key], bidders)
            services.cancel(
                competition=made["cancelled"], user=buyer, reason="Kegiatan ditunda ke tahun depan."
            )
        for key in ("confirmed", "awarded", "evaluation", "negotiation", "failed"):
            services.close_if_due(made[key])
        services.award(competition=made["confirmed"], user=buyer)
        services.award(competition=made["awarded"], user=buyer)
        made["confirmed"].refresh_from_db()
        winner = made["confirmed"].awarded_offer.vendor.user
        services.confirm_award(competition=made["confirmed"], user=winner)
        services.negotiate_single(competition=made["negotiation"], user=buyer)

        open_category = own_category or categories[0]
        made["open"] = self.start(
            "open", open_category, services.earliest_offer_deadline() + timedelta(hours=10)
        )
        self.offer(made["open"], 2)
        rfq_category = (
            Category.objects.exclude(pk__in=categories).order_by("pk").first() or Category.objects.first()
        )
        made["rfq"] = self.start(
            "rfq",
            rfq_category.pk,
            services.earliest_offer_deadline() + timedelta(days=3, hours=10),
            kind=Competition.Kind.RFQ,
            kecamatan_id=own.kecamatan_id if own else None,
            title="Permintaan penawaran: anyaman bambu untuk suvenir tamu",
        )
        CompetitionRule.objects.get_or_create(
            category_id=categories[0],
            defaults={"note": "Produk sejenis ditawarkan banyak penyedia lokal: gunakan mini-kompetisi."},
        )
        self.stdout.write(f"{Competition.objects.count()} mini-kompetisi demo dibuat.")

    def start(self, key, category_id, deadline, **extra):
        cheapest = Product.objects.public().filter(category_id=category_id).aggregate(m=Min("price"))["m"]
        unit = Product.objects.public().filter(category_id=category_id).values_list("unit", flat=True).first()
        price = Decimal(cheapest or 50000)
        qty = 50
        fields = {
            "user": self.buyer,
            "package_id": self.package.pk,
            "title": TITLES.get(key, key),
            "category_id": category_id,
            "items": [services.ItemInput(TITLES.get(key, key), qty, unit or "unit")],
            "hps": str(int(price * qty * Decimal("1.6"))),
            "delivery_address": "Balai Kota Among Tani, Jl. Panglima Sudirman 507, Kota Batu",
            "needed_by": timezone.localtime(deadline).date() + timedelta(days=14),
            "offer_deadline": deadline,
            "reserve_umk": key in ("confirmed", "open"),
            "reserve_local": key == "open",
        }
        fields.update(extra)
        return services.start_competition(**fields)

    def offer(self, competition, count):
        item = competition.items.get()
        invited = list(
            competition.invitations.select_related("vendor__user").order_by("vendor__user__username")
        )
        # The demo vendor bids first where it is invited, so its sealed offer shows on its page.
        invited.sort(key=lambda i: i.vendor.user.username != "penyedia")
        base = competition.hps / item.quantity / Decimal("1.6")
        made = 0
        for position, invitation in enumerate(invited):
            if made >= count:
                break
            vendor = invitation.vendor
            product = Product.objects.public().filter(vendor=vendor, category=competition.category).first()
            price = int(base * (Decimal("1.0") + Decimal(position) / 10))
            try:
                services.submit_offer(
                    competition=competition,
                    user=vendor.user,
                    prices={item.pk: str(price)},
                    products={item.pk: product.pk if product else ""},
                    delivery_cost=str(25000 * (position % 2)),
                    delivery_days=str(1 + position),
                    note="Harga sudah termasuk kemasan.",
                )
                made += 1
            except services.CompetitionError:
                continue
