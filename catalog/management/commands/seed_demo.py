"""Seed a realistic Kota Batu demo: reference data, vendors, products with photos, accounts.

    manage.py seed_demo                  # 100 vendors, 2,500 products
    manage.py seed_demo --if-empty       # only on an empty database (used by `make demo`)
    manage.py seed_demo --products 60 --vendors 8

Deterministic (fixed random seed). Photos are a small set of generated JPEGs
shared by many products, so the whole run takes seconds.
"""

from __future__ import annotations

import io
import random
import time
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command, get_commands
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from PIL import Image, ImageDraw, ImageFont

from accounts.models import Role, User
from catalog import demo_data as data
from catalog.demo_files import make_pdf, make_scan
from catalog.models import (
    BusinessScale,
    Category,
    Kecamatan,
    Kelurahan,
    PhotoStatus,
    PriceHistory,
    Product,
    ProductEvent,
    ProductPhoto,
    ProductStatus,
    Vendor,
    VendorChangeRequest,
    VendorDocument,
    VendorEvent,
    VendorStatus,
    vendor_copy,
)
from catalog.selectors import clear_category_cache
from catalog.storage import private_storage
from ecatalog.append_only import keep_given_timestamps
from procurement.models import OPD, OPDMember

DEMO_PASSWORD = "demo12345"
DEMO_SEED = 20230627  # launch of Bangga E-Lokal
PHOTOS_PER_LEAF = 3
PHOTO_SIZE = 640
THUMB_SIZE = 360
OTHER_COMMANDS = (
    "seed_demo_orders",
    "seed_demo_deadlines",
    "seed_demo_realisation",
    "seed_demo_competitions",
    "compute_opd_scores",
    "compute_red_flags",
    "seed_demo_background",
    "seed_demo_documents",
)


class Command(BaseCommand):
    help = "Isi basis data dengan data demo Kota Batu (wilayah, OPD, kategori, penyedia, produk, akun)."

    def seed_red_flag_reviews(self):
        """Two of this year's red flags already looked at by BPBJ: one under review, one closed with a note."""
        from django.contrib.auth import get_user_model

        from opendata.redflags import Period, compute_red_flags
        from opendata.reviews import ReviewError, hit_key, review_red_flag

        manager = get_user_model().objects.filter(username="pengelola").first()
        if manager is None:
            return
        period = Period(timezone.localdate().year)
        answers = [
            ("under_review", "Diminta penjelasan ke OPD."),
            ("not_a_problem", "Sesuai jadwal kegiatan di DPA; tidak perlu tindak lanjut."),
        ]
        for hit, (status, note) in zip(compute_red_flags(period), answers, strict=False):
            try:
                review_red_flag(
                    key=hit_key(hit, period),
                    period=period,
                    kind=hit.kind,
                    status=status,
                    note=note,
                    by=manager,
                )
            except ReviewError:
                continue

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty", action="store_true", help="Do nothing if vendors or products exist."
        )
        parser.add_argument("--products", type=int, default=2500, help="Number of products (default 2500).")
        parser.add_argument("--vendors", type=int, default=100, help="Number of vendors (default 100).")
        parser.add_argument("--seed", type=int, default=DEMO_SEED, help="Random seed (deterministic demo).")
        parser.add_argument(
            "--only-catalog",
            action="store_true",
            help="Skip the other apps' demo commands (seed_demo_orders, compute_opd_scores, compute_red_flags).",
        )

    def handle(self, *args, **options):
        if options["if_empty"] and (Vendor.objects.exists() or Product.objects.exists()):
            self.stdout.write("Data sudah ada; seed_demo --if-empty tidak mengubah apa pun.")
            return
        started = time.monotonic()
        self.rng = random.Random(options["seed"])
        self.now = timezone.now()
        self.password_hash = make_password(DEMO_PASSWORD)
        with transaction.atomic():
            kelurahan = self.seed_regions()
            leaves = self.seed_categories()
            opds = self.seed_opds()
            staff = self.seed_staff_accounts()
            if Vendor.objects.filter(user__username="penyedia").exists():
                self.stdout.write("Penyedia demo sudah ada; penyedia dan produk tidak dibuat ulang.")
                vendors = []
                n_products = 0
            else:
                images = self.make_images(leaves)
                vendors = self.seed_vendors(max(1, options["vendors"]), kelurahan, staff)
                self.seed_documents(vendors)
                n_products = self.seed_products(max(0, options["products"]), vendors, leaves, images, staff)
                self.seed_change_requests(vendors)
            self.seed_buyer(opds)
            from onboarding.demo import seed_onboarding

            seed_onboarding(staff=staff, stdout=self.stdout)
        clear_category_cache()

        if not options["only_catalog"]:
            available = get_commands()
            for name in OTHER_COMMANDS:
                if name in available:
                    self.stdout.write(f"Menjalankan {name} …")
                    call_command(name, stdout=self.stdout, stderr=self.stderr)
            self.seed_red_flag_reviews()

        elapsed = time.monotonic() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"Selesai dalam {elapsed:.1f} dtk: {Kecamatan.objects.count()} kecamatan, "
                f"{Kelurahan.objects.count()} desa/kelurahan, {Category.objects.count()} kategori, "
                f"{OPD.objects.count()} OPD, {len(vendors)} penyedia baru, {n_products} produk baru "
                f"({Product.objects.public().count()} tayang)."
            )
        )
        self.stdout.write(f"Akun demo (kata sandi {DEMO_PASSWORD}): admin, pengelola, penyedia, pembeli.")

    # --- reference data -------------------------------------------------------------------

    def seed_regions(self) -> list[Kelurahan]:
        result = []
        for code, (name, villages) in data.KECAMATAN.items():
            kecamatan, _ = Kecamatan.objects.update_or_create(code=code, defaults={"name": name})
            desa_no = kel_no = 0
            for kind, village in villages:
                if kind == "kelurahan":
                    kel_no += 1
                    village_code = f"{code}.{1000 + kel_no}"
                else:
                    desa_no += 1
                    village_code = f"{code}.{2000 + desa_no}"
                obj, _ = Kelurahan.objects.update_or_create(
                    kecamatan=kecamatan, name=village, defaults={"code": village_code, "kind": kind}
                )
                result.append(obj)
        return result

    def seed_categories(self) -> dict[str, Category]:
        """Create the tree; return the leaf categories by slug."""
        leaves = {}
        for position, (name, slug, children) in enumerate(data.CATEGORIES, start=1):
            parent, _ = Category.objects.update_or_create(
                slug=slug,
                defaults={
                    "name": name,
                    "position": position,
                    "parent": None,
                    "kbli_codes": data.CATEGORY_KBLI.get(slug, ""),
                },
            )
            for child_position, (child_name, child_slug) in enumerate(children, start=1):
                child, _ = Category.objects.update_or_create(
                    slug=child_slug,
                    defaults={"name": child_name, "position": child_position, "parent": parent},
                )
                leaves[child_slug] = child
        return leaves

    def seed_opds(self) -> dict[str, OPD]:
        opds = {}
        for code, name, short_name, kind in data.OPDS:
            opd, _ = OPD.objects.update_or_create(
                code=code,
                defaults={
                    "name": name,
                    "short_name": short_name,
                    "kind": kind,
                    "address": "Balai Kota Among Tani, Jl. Panglima Sudirman No. 507, Batu",
                },
            )
            opds[code] = opd
        return opds

    def _account(self, username: str, role: str, **extra) -> User:
        user, _ = User.objects.update_or_create(
            username=username,
            defaults={"role": role, "email": f"{username}@demo.ekatalog.local", "is_active": True, **extra},
        )
        user.password = self.password_hash
        user.save(update_fields=["password"])
        return user

    def seed_staff_accounts(self) -> dict[str, User]:
        admin = self._account(
            "admin", Role.ADMIN, is_staff=True, is_superuser=True, first_name="Admin", last_name="BPBJ"
        )
        manager = self._account("pengelola", Role.CATALOG_MANAGER, first_name="Dian", last_name="Pengelola")
        return {"admin": admin, "pengelola": manager}

    def seed_buyer(self, opds: dict[str, OPD]) -> User:
        buyer = self._account("pembeli", Role.BUYER, first_name="Rina", last_name="Astuti")
        OPDMember.objects.update_or_create(
            user=buyer,
            defaults={
                "opd": opds[data.BUYER_OPD_CODE],
                "position": OPDMember.Position.PPK,
                "nip": "198503122010012003",
            },
        )
        return buyer

    # --- photos -----------------------------------------------------------------------------

    def make_images(self, leaves: dict[str, Category]) -> dict[str, list[tuple[str, str, int, int]]]:
        """A few generated JPEGs per leaf category: {leaf slug: [(image, thumbnail, w, h)]}."""
        parents = {c.slug: c.parent.slug for c in leaves.values()}
        try:
            title_font = ImageFont.load_default(size=44)
            small_font = ImageFont.load_default(size=26)
        except (TypeError, OSError):  # Pillow without FreeType
            title_font = small_font = ImageFont.load_default()
        images: dict[str, list[tuple[str, str, int, int]]] = {}
        for slug, category in leaves.items():
            base = data.CATEGORY_COLOURS.get(parents[slug], (15, 118, 110))
            for i in range(PHOTOS_PER_LEAF):
                name = f"demo/{slug}-{i + 1}.jpg"
                thumb = f"demo/thumbs/{slug}-{i + 1}-t.jpg"
                if not (default_storage.exists(name) and default_storage.exists(thumb)):
                    full = self._draw(base, i, category.name, category.parent.name, title_font, small_font)
                    for path, size in ((name, PHOTO_SIZE), (thumb, THUMB_SIZE)):
                        buffer = io.BytesIO()
                        full.resize((size, size)).save(buffer, format="JPEG", quality=80)
                        if default_storage.exists(path):
                            default_storage.delete(path)
                        default_storage.save(path, ContentFile(buffer.getvalue()))
                images.setdefault(slug, []).append((name, thumb, PHOTO_SIZE, PHOTO_SIZE))
        return images

    def _draw(self, base, variant, title, subtitle, title_font, small_font) -> Image.Image:
        rng = random.Random(f"{title}-{variant}")
        shade = [0.55, 0.75, 0.95][variant % 3]
        background = tuple(int(255 - (255 - c) * shade * 0.35) for c in base)
        image = Image.new("RGB", (PHOTO_SIZE, PHOTO_SIZE), background)
        draw = ImageDraw.Draw(image)
        for _ in range(7):
            x, y = rng.randrange(-80, PHOTO_SIZE), rng.randrange(-80, PHOTO_SIZE)
            r = rng.randrange(40, 170)
            tone = tuple(min(255, int(c * rng.uniform(0.7, 1.3))) for c in base)
            if rng.random() < 0.5:
                draw.ellipse((x, y, x + r, y + r), fill=tone)
            else:
                draw.rounded_rectangle((x, y, x + r, y + int(r * 0.7)), radius=18, fill=tone)
        band_top = PHOTO_SIZE - 170
        draw.rectangle((0, band_top, PHOTO_SIZE, PHOTO_SIZE), fill=(255, 255, 255))
        draw.rectangle((0, band_top, 14, PHOTO_SIZE), fill=base)
        draw.text((36, band_top + 30), title, fill=(31, 41, 55), font=title_font)
        draw.text(
            (36, band_top + 95), f"{subtitle} · {settings.CITY_NAME}", fill=(100, 116, 139), font=small_font
        )
        return image

    # --- vendors ----------------------------------------------------------------------------

    def _statuses(self, n: int) -> list[str]:
        statuses = [VendorStatus.VERIFIED] * n
        if n >= 6:
            others = (
                [VendorStatus.PENDING] * max(1, n * 5 // 100)
                + [VendorStatus.REJECTED] * max(1, n * 3 // 100)
                + [VendorStatus.SUSPENDED] * max(1, n * 3 // 100)
            )
            positions = self.rng.sample(
                range(1, n), len(others)
            )  # vendor 0 (the demo account) stays verified
            for position, status in zip(positions, others, strict=True):
                statuses[position] = status
        return statuses

    def _scale(self) -> str:
        return self.rng.choices(
            [BusinessScale.MIKRO, BusinessScale.KECIL, BusinessScale.MENENGAH, BusinessScale.BESAR],
            weights=[55, 30, 10, 5],
        )[0]

    def seed_vendors(self, n: int, kelurahan: list[Kelurahan], staff: dict[str, User]) -> list[Vendor]:
        rng = self.rng
        specialties = list(data.VENDOR_WORDS)
        weights = [
            3 if s in ("makanan-minuman", "konsumsi-rapat", "pertanian-hortikultura") else 2
            for s in specialties
        ]
        existing_nibs = set(Vendor.objects.values_list("nib", flat=True))
        existing_slugs = set(Vendor.objects.values_list("slug", flat=True))
        statuses = self._statuses(n)
        users, vendors, names = [], [], set()
        for i in range(n):
            specialty = specialties[0] if i == 0 else rng.choices(specialties, weights=weights)[0]
            prefixes, cores = data.VENDOR_WORDS[specialty]
            village = rng.choice(kelurahan)
            name = "UD Sari Apel Bumiaji" if i == 0 else f"{rng.choice(prefixes)} {rng.choice(cores)}"
            if name in names:
                name = f"{name} {village.name}"
            while name in names:
                name = f"{name} {rng.randint(2, 99)}"
            names.add(name)
            slug = slugify(name)[:200]
            while slug in existing_slugs:
                slug = f"{slug}-{rng.randint(2, 999)}"
            existing_slugs.add(slug)
            nib = str(rng.randrange(10**12, 10**13))
            while nib in existing_nibs:
                nib = str(rng.randrange(10**12, 10**13))
            existing_nibs.add(nib)
            owner = f"{rng.choice(data.FIRST_NAMES)} {rng.choice(data.LAST_NAMES)}"
            username = "penyedia" if i == 0 else f"penyedia{i:03d}"
            user = User(
                username=username,
                first_name=owner.split()[0],
                last_name=owner.split()[1],
                email=f"{username}@demo.ekatalog.local",
                role=Role.VENDOR,
                password=self.password_hash,
            )
            users.append(user)
            scale = BusinessScale.MIKRO if i == 0 else self._scale()
            status = statuses[i]
            verified = status in (VendorStatus.VERIFIED, VendorStatus.SUSPENDED)
            vendor = Vendor(
                business_name=name,
                slug=slug,
                owner_name=owner,
                nib=nib,
                npwp=(
                    f"3579{rng.randrange(10**11, 10**12)}"
                    if rng.random() < 0.3
                    else str(rng.randrange(10**14, 10**15))
                ),
                scale=scale,
                kbli=data.CATEGORY_KBLI.get(specialty, "").split(",")[0],
                is_pkp=scale in (BusinessScale.MENENGAH, BusinessScale.BESAR) or rng.random() < 0.1,
                address=f"{rng.choice(data.STREETS)} No. {rng.randint(1, 250)}, {village.name}",
                kecamatan_id=village.kecamatan_id,
                kelurahan=village,
                phone=f"08{rng.choice([12, 13, 21, 22, 51, 52, 56, 57, 81, 95])}{rng.randrange(10**7, 10**8)}",
                email=f"{slug[:40]}@demo.ekatalog.local",
                bank_name=rng.choice(data.BANKS),
                bank_account_number=str(rng.randrange(10**9, 10**13)),
                bank_account_name=owner,
                description=(
                    f"{name} adalah usaha {BusinessScale(scale).label.lower()} di {village}, Kota Batu, "
                    f"yang melayani kebutuhan OPD sejak {rng.randint(2008, 2022)}."
                ),
                status=status,
                status_reason={
                    VendorStatus.REJECTED: "NIB tidak sesuai dengan data OSS.",
                    VendorStatus.SUSPENDED: "Ditangguhkan: dua pesanan tidak dikirim tanpa alasan.",
                }.get(status, ""),
                is_local=verified and (i == 0 or rng.random() < 0.93),
                verified_at=self.now - timedelta(days=rng.randint(30, 700)) if verified else None,
                verified_by=staff["pengelola"] if verified else None,
            )
            vendor._specialty = specialty
            vendors.append(vendor)
        User.objects.bulk_create(users)
        for user, vendor in zip(users, vendors, strict=True):
            vendor.user = user
        specialties_by_slug = {v.slug: v._specialty for v in vendors}
        Vendor.objects.bulk_create(vendors)
        events = []
        for vendor in vendors:
            vendor._specialty = specialties_by_slug[vendor.slug]
            if vendor.status != VendorStatus.PENDING:
                to_status = (
                    VendorStatus.REJECTED if vendor.status == VendorStatus.REJECTED else VendorStatus.VERIFIED
                )
                events.append(
                    VendorEvent(
                        vendor=vendor,
                        actor=staff["pengelola"],
                        from_status=VendorStatus.PENDING,
                        to_status=to_status,
                        note=vendor.status_reason if to_status == VendorStatus.REJECTED else "",
                    )
                )
            if vendor.status == VendorStatus.SUSPENDED:
                events.append(
                    VendorEvent(
                        vendor=vendor,
                        actor=staff["admin"],
                        from_status=VendorStatus.VERIFIED,
                        to_status=VendorStatus.SUSPENDED,
                        note=vendor.status_reason,
                    )
                )
        VendorEvent.objects.bulk_create(events)
        return vendors

    # --- vendor documents -------------------------------------------------------------------

    FOOD_SPECIALTIES = ("makanan-minuman", "konsumsi-rapat")

    def seed_documents(self, vendors: list[Vendor]) -> int:
        """Every vendor's NIB; PIRT and halal certificates for food vendors; SNI/TKDN for some others.

        Small generated PDFs and scans in the private storage, so the vendor's document page,
        curation and the admin show real, permission-checked downloads.
        """
        rng = self.rng
        today = timezone.localdate()
        documents = []

        def add(vendor, kind, number, title, lines, scan=False, valid_years=None):
            body = [vendor.business_name, vendor.address, f"NIB {vendor.nib}", *lines]
            if scan:
                content, ext = make_scan(title, [f"Nomor: {number}", *body]), "jpg"
            else:
                content, ext = make_pdf(title, [f"Nomor: {number}", *body]), "pdf"
            name = private_storage.save(
                f"vendor-docs/demo/{vendor.slug[:50]}-{kind}.{ext}", ContentFile(content)
            )
            valid_until = None
            if valid_years:
                valid_until = today + timedelta(days=rng.randint(30, 365 * valid_years))
            documents.append(
                VendorDocument(vendor=vendor, kind=kind, number=number, file=name, valid_until=valid_until)
            )

        for vendor in vendors:
            # There is no NIB kind: the OSS registration goes under "Lainnya" with its number.
            add(
                vendor,
                VendorDocument.Kind.OTHER,
                vendor.nib,
                "Nomor Induk Berusaha (NIB)",
                ["Diterbitkan melalui sistem OSS RBA", f"NPWP {vendor.npwp}"],
            )
            if vendor._specialty in self.FOOD_SPECIALTIES:
                add(
                    vendor,
                    VendorDocument.Kind.PIRT,
                    f"P-IRT {rng.randrange(10**14, 10**15)}-{rng.randint(25, 30)}",
                    "Sertifikat Produksi Pangan Industri Rumah Tangga",
                    ["Dinas Kesehatan Kota Batu"],
                    valid_years=5,
                )
                add(
                    vendor,
                    VendorDocument.Kind.HALAL,
                    f"ID35110{rng.randrange(10**11, 10**12)}",
                    "Sertifikat Halal",
                    ["Badan Penyelenggara Jaminan Produk Halal"],
                    scan=True,
                    valid_years=4,
                )
            elif rng.random() < 0.3:
                kind = rng.choice([VendorDocument.Kind.SNI, VendorDocument.Kind.TKDN])
                add(
                    vendor,
                    kind,
                    f"{kind.upper()}-{rng.randrange(10**6, 10**7)}",
                    str(VendorDocument.Kind(kind).label),
                    ["Lembaga sertifikasi terakreditasi"],
                    valid_years=3,
                )
        VendorDocument.objects.bulk_create(documents, batch_size=500)
        return len(documents)

    # --- products ---------------------------------------------------------------------------

    @staticmethod
    def _round_price(value: float) -> Decimal:
        step = 500 if value < 20_000 else 1_000 if value < 200_000 else 5_000 if value < 1_000_000 else 25_000
        return Decimal(max(step, int(round(value / step)) * step))

    def _product_status(self, vendor: Vendor) -> str:
        if vendor.status in (VendorStatus.PENDING, VendorStatus.REJECTED):
            return ProductStatus.DRAFT
        return self.rng.choices(
            [
                ProductStatus.PUBLISHED,
                ProductStatus.SUBMITTED,
                ProductStatus.DRAFT,
                ProductStatus.REJECTED,
                ProductStatus.INACTIVE,
            ],
            weights=[86, 5, 4, 3, 2],
        )[0]

    def seed_products(self, n: int, vendors, leaves, images, staff) -> int:
        rng = self.rng
        if n == 0:
            return 0
        leaves_by_parent: dict[str, list[str]] = {}
        for slug, category in leaves.items():
            leaves_by_parent.setdefault(category.parent.slug, []).append(slug)
        # Pending/rejected vendors only hold a few drafts; the rest share the catalogue unevenly.
        weights = [
            0.15 if v.status in (VendorStatus.PENDING, VendorStatus.REJECTED) else rng.uniform(0.5, 2.5)
            for v in vendors
        ]
        weights[0] = max(weights[0], 2.0)
        owners = rng.choices(vendors, weights=weights, k=n)
        owners[0] = vendors[0]

        products, plans, seen = [], [], set()
        for vendor in owners:
            specialty = vendor._specialty
            leaf = rng.choice(leaves_by_parent[specialty])
            spec = data.PRODUCTS[leaf]
            for _attempt in range(6):  # a vendor lists each name once
                name = f"{rng.choice(spec['names'])} {rng.choice(spec['variants'])}"
                if (vendor.pk, name) not in seen:
                    break
            else:
                name = f"{name} Paket {rng.randint(2, 99)}"
            seen.add((vendor.pk, name))
            low, high = spec["price"]
            position = rng.random()
            price = self._round_price(low * (high / low) ** position)
            units = spec["unit"]
            unit = units[min(len(units) - 1, int(position * len(units)))]
            is_service = leaf in ("katering", "dekorasi-tenda", "dokumentasi", "prasmanan")
            if leaf in ("nasi-kotak", "snack-box", "prasmanan", "katering"):
                min_order = rng.choice([10, 20, 25, 30, 50])
            elif unit in ("lusin", "rim", "sak", "peti", "unit", "set", "paket", "hari", "jam", "stel"):
                min_order = 1
            else:
                min_order = rng.choice([1, 1, 1, 2, 5, 10, 12])
            stock = rng.randint(200, 2000) if is_service else rng.randint(0, 800)
            if rng.random() < 0.07:
                stock = rng.randint(0, max(0, min_order - 1))
            specs = [[key, rng.choice(values)] for key, values in spec["specs"]]
            specs.append(
                ["Lokasi produksi", f"{vendor.kelurahan.name}, Kec. {vendor.kelurahan.kecamatan.name}"]
            )
            status = self._product_status(vendor)
            created = self.now - timedelta(days=rng.randint(5, 540), minutes=rng.randint(0, 1440))
            submitted = published = None
            if status != ProductStatus.DRAFT:
                submitted = created + timedelta(hours=rng.randint(1, 72))
            if status in (ProductStatus.PUBLISHED, ProductStatus.INACTIVE):
                published = min(self.now, submitted + timedelta(hours=rng.randint(2, 120)))
            product = Product(
                vendor=vendor,
                category=leaves[leaf],
                name=name[:200],
                slug=slugify(name)[:200] or "produk",
                unit=unit,
                price=price,
                min_order=min_order,
                stock=stock,
                lead_time_days=rng.choice([1, 1, 2, 2, 3, 5, 7, 14]),
                description=rng.choice(data.DESCRIPTION_TEMPLATES).format(
                    name=name, vendor=vendor.business_name, place=vendor.kelurahan, city=settings.CITY_NAME
                ),
                specifications=specs,
                tkdn=Decimal(
                    rng.choice([0, 25, 40, 45.5, 55, 60, 67.25, 72, 80, 85, 90, 95.5, 100])
                ).quantize(Decimal("0.01")),
                status=status,
                status_reason=(
                    "Foto kurang jelas dan spesifikasi belum lengkap."
                    if status == ProductStatus.REJECTED
                    else ""
                ),
                submitted_at=submitted,
                published_at=published,
                **vendor_copy(vendor),
            )
            products.append(product)
            plans.append((leaf, created))
        Product.objects.bulk_create(products, batch_size=500)

        photos, events, history, touched = [], [], [], []
        for product, (leaf, created) in zip(products, plans, strict=True):
            product.created_at = created
            touched.append(product)
            pool = images[leaf]
            start = rng.randrange(len(pool))
            # Photos of products BPBJ has published were curated with them; the others wait.
            curated = product.status in (ProductStatus.PUBLISHED, ProductStatus.INACTIVE)
            for position in range(rng.choice([1, 1, 2, 3])):
                image, thumb, width, height = pool[(start + position) % len(pool)]
                photos.append(
                    ProductPhoto(
                        product=product,
                        image=image,
                        thumbnail=thumb,
                        width=width,
                        height=height,
                        position=position,
                        status=PhotoStatus.APPROVED if curated else PhotoStatus.PENDING,
                    )
                )
            if product.submitted_at:
                events.append(
                    ProductEvent(
                        product=product,
                        actor=product.vendor.user,
                        from_status=ProductStatus.DRAFT,
                        to_status=ProductStatus.SUBMITTED,
                        created_at=product.submitted_at,
                    )
                )
            if product.status in (ProductStatus.PUBLISHED, ProductStatus.INACTIVE, ProductStatus.REJECTED):
                to_status = (
                    ProductStatus.REJECTED
                    if product.status == ProductStatus.REJECTED
                    else ProductStatus.PUBLISHED
                )
                events.append(
                    ProductEvent(
                        product=product,
                        actor=staff["pengelola"],
                        from_status=ProductStatus.SUBMITTED,
                        to_status=to_status,
                        note=product.status_reason,
                        created_at=product.published_at or product.submitted_at + timedelta(days=1),
                    )
                )
            if product.status == ProductStatus.PUBLISHED and rng.random() < 0.12:
                price = product.price
                span = (self.now - product.published_at).total_seconds()
                moments = sorted(rng.uniform(0.1, 1.0) * span for _ in range(rng.choice([1, 1, 2])))
                for offset in moments:
                    new_price = self._round_price(float(price) * rng.uniform(0.9, 1.15))
                    when = product.published_at + timedelta(seconds=offset)
                    if new_price != price:
                        history.append(
                            PriceHistory(
                                product=product,
                                old_price=price,
                                new_price=new_price,
                                changed_by=product.vendor.user,
                                changed_at=when,
                            )
                        )
                        price = new_price
                if price != product.price:
                    product.price = price
        # A few tayang products got a new photo that waits in BPBJ's photo queue (the demo vendor's
        # first tayang product among them).
        tayang = [p for p in products if p.status == ProductStatus.PUBLISHED]
        for product in sorted(tayang, key=lambda p: p.vendor_id != vendors[0].pk)[:3]:
            leaf = next(leaf for p, (leaf, _created) in zip(products, plans, strict=True) if p is product)
            image, thumb, width, height = images[leaf][-1]
            photos.append(
                ProductPhoto(
                    product=product,
                    image=image,
                    thumbnail=thumb,
                    width=width,
                    height=height,
                    position=PHOTOS_PER_LEAF,
                    status=PhotoStatus.PENDING,
                )
            )
            events.append(
                ProductEvent(
                    product=product,
                    actor=product.vendor.user,
                    from_status=ProductStatus.PUBLISHED,
                    to_status=ProductStatus.PUBLISHED,
                    note="Foto baru ditambahkan; menunggu kurasi BPBJ",
                    created_at=self.now - timedelta(hours=rng.randint(2, 30)),
                )
            )
        ProductPhoto.objects.bulk_create(photos, batch_size=1000)
        # Events and price history are append-only (never updated afterwards, and PostgreSQL
        # refuses it): they are inserted with the demo's historical timestamps in place.
        with keep_given_timestamps(ProductEvent, PriceHistory):
            ProductEvent.objects.bulk_create(events, batch_size=1000)
            PriceHistory.objects.bulk_create(history, batch_size=1000)
        Product.objects.bulk_update(touched, ["created_at", "price"], batch_size=500)
        return len(products)

    # --- change requests ----------------------------------------------------------------------

    def seed_change_requests(self, vendors: list[Vendor]) -> list[VendorChangeRequest]:
        """Three verified vendors wait for BPBJ on a bank account change, a PKP switch and a new name."""
        rng = self.rng
        used: set[int] = set()

        def pick(candidates):
            for vendor in candidates:
                if vendor.pk not in used:
                    used.add(vendor.pk)
                    return vendor
            return None

        verified = [v for v in vendors[1:] if v.status == VendorStatus.VERIFIED]
        plans = []
        vendor = pick(verified)
        if vendor:
            bank = {
                "bank_name": "Bank Lain Syariah",
                "bank_account_number": str(rng.randrange(10**9, 10**13)),
                "bank_account_name": "Hendra Wijaya",
            }
            plans.append((vendor, {k: {"old": getattr(vendor, k), "new": v} for k, v in bank.items()}))
        vendor = pick(v for v in verified if not v.is_pkp)
        if vendor:
            plans.append((vendor, {"is_pkp": {"old": False, "new": True}}))
        vendor = pick(verified)
        if vendor:
            rest = vendor.business_name.split(" ", 1)[-1]
            # A real change of legal form: UD/toko → CV, CV → PT.
            new_name = (f"PT {rest}" if vendor.business_name.startswith("CV ") else f"CV {rest}")[:200]
            plans.append((vendor, {"business_name": {"old": vendor.business_name, "new": new_name}}))
        created = []
        for days, (vendor, changes) in zip((1, 3, 6), plans, strict=False):
            change = VendorChangeRequest.objects.create(
                vendor=vendor, changes=changes, requested_by=vendor.user, registered_email=vendor.email
            )
            when = self.now - timedelta(days=days, hours=rng.randint(0, 8))
            VendorChangeRequest.objects.filter(pk=change.pk).update(created_at=when)
            with keep_given_timestamps(VendorEvent):
                VendorEvent.objects.create(
                    vendor=vendor,
                    actor=vendor.user,
                    from_status=vendor.status,
                    to_status=vendor.status,
                    note=f"Permintaan perubahan data #{change.pk} diajukan: {', '.join(change.field_labels())}",
                    created_at=when,
                )
            created.append(change)
        return created
