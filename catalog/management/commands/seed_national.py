"""Load a deterministic national-size data set into PostgreSQL with COPY.

    python manage.py seed_national --reset                      # 1M products, 2M order lines
    python manage.py seed_national --reset --products 50000 --vendors 2500 --opds 25 --order-lines 100000

Rows are built from word lists with ``random.Random(--seed)`` (same options, same data)
and streamed with psycopg 3's ``cursor.copy()``. While loading, foreign-key triggers
are off (``session_replication_role = replica``) and secondary indexes are dropped; they
are rebuilt afterwards, the tables vacuumed and analysed, and the invariants the app
relies on are checked in SQL (the command fails if any is broken):

- RUP package ``committed`` = open orders, ``spent`` = paid orders, ``committed + spent <= pagu``;
- stock >= 0; every order has lines; totals = sum of lines (+ PPN for PKP vendors);
- the last audit event of each order is its status; a Budget per OPD and fiscal year.

Every generated user has the password given by ``--password``; OPD buyers are
``nas-opd0001-ppk`` …, vendors ``nas-penyedia000001`` …, BPBJ ``nas-bpbj``.
"""

from __future__ import annotations

import random
import tempfile
import time
from array import array
from datetime import UTC, datetime

from django.apps import apps
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils.translation import gettext as _

from accounts.models import User
from catalog import national_data as nd
from catalog.models import Category, Kecamatan, Kelurahan, Product, Vendor
from procurement.models import (
    OPD,
    Budget,
    OPDMember,
    Order,
    OrderEvent,
    OrderLine,
    Payment,
    Receipt,
    ReceiptLine,
    RUPPackage,
)

# Order statuses by fiscal year: last year is mostly closed, this year has every state.
STATUS_WEIGHTS_PAST = {
    "completed": 70,
    "paid": 6,
    "received": 2,
    "cancelled": 9,
    "rejected": 8,
    "partially_received": 1,
    "shipped": 1,
    "accepted": 1,
    "sent": 1,
    "negotiating": 0.5,
    "pending_approval": 0.3,
    "draft": 0.2,
}
STATUS_WEIGHTS_CURRENT = {
    "completed": 35,
    "paid": 10,
    "received": 7,
    "partially_received": 3,
    "shipped": 7,
    "accepted": 9,
    "negotiating": 3,
    "sent": 9,
    "pending_approval": 3,
    "draft": 3,
    "rejected": 5,
    "cancelled": 6,
}
OPEN = {"pending_approval", "sent", "negotiating", "accepted", "shipped", "partially_received", "received"}
PAID = {"paid", "completed"}
AGREED = {"accepted", "shipped", "partially_received", "received", "paid", "completed"}
RECEIVED = {"partially_received", "received", "paid", "completed"}
# The path of statuses that leads to each final status (after "sent").
PATH_AFTER_SENT = {
    "sent": [],
    "negotiating": ["negotiating"],
    "accepted": ["accepted"],
    "shipped": ["accepted", "shipped"],
    "partially_received": ["accepted", "shipped", "partially_received"],
    "received": ["accepted", "shipped", "received"],
    "paid": ["accepted", "shipped", "received", "paid"],
    "completed": ["accepted", "shipped", "received", "paid", "completed"],
    "rejected": ["rejected"],
    "cancelled": ["cancelled"],
}
STATUS_TIME_FIELD = {
    "sent": "sent_at",
    "accepted": "accepted_at",
    "shipped": "shipped_at",
    "received": "received_at",
    "paid": "paid_at",
    "completed": "completed_at",
    "cancelled": "cancelled_at",
}
LOADED_TABLES = [
    Kecamatan,
    Kelurahan,
    Category,
    User,
    Vendor,
    Product,
    OPD,
    OPDMember,
    Budget,
    RUPPackage,
    Order,
    OrderLine,
    OrderEvent,
    Receipt,
    ReceiptLine,
    Payment,
]


def ts(seconds: float) -> str:
    return datetime.fromtimestamp(seconds, tz=UTC).strftime("%Y-%m-%d %H:%M:%S+00")


def day(seconds: float) -> str:
    return datetime.fromtimestamp(seconds + 7 * 3600, tz=UTC).strftime("%Y-%m-%d")


def weighted(rng: random.Random, weights: dict[str, float]):
    keys, cum, total = list(weights), [], 0.0
    for k in keys:
        total += weights[k]
        cum.append(total)
    return keys, cum


class Command(BaseCommand):
    help = _("Memuat data uji skala nasional (deterministik) ke PostgreSQL dengan COPY.")

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=20250817)
        parser.add_argument("--products", type=int, default=1_000_000)
        parser.add_argument("--vendors", type=int, default=50_000)
        parser.add_argument("--opds", type=int, default=500)
        parser.add_argument("--order-lines", type=int, default=2_000_000)
        parser.add_argument(
            "--year", type=int, default=datetime.now().year, help=_("tahun anggaran terakhir")
        )
        parser.add_argument("--packages-per-opd", type=int, default=10, help=_("paket RUP per OPD per tahun"))
        parser.add_argument("--password", default="katalog-nasional-2025")
        parser.add_argument("--reset", action="store_true", help=_("kosongkan semua tabel aplikasi dahulu"))
        parser.add_argument("--keep-indexes", action="store_true", help=_("jangan lepas indeks sekunder"))

    # --- orchestration ----------------------------------------------------------------------

    def handle(self, *args, **o):
        if connection.vendor != "postgresql":
            raise CommandError(_("seed_national hanya untuk PostgreSQL (COPY)."))
        if min(o["products"], o["vendors"], o["opds"]) < 1 or o["order_lines"] < 0:
            raise CommandError(_("Ukuran harus positif."))
        self.o = o
        self.rng = random.Random(o["seed"])
        started = time.monotonic()
        with connection.cursor() as django_cursor:
            cur = django_cursor.cursor  # the psycopg 3 cursor, for copy()
            self.cur = cur
            self._prepare(cur)
            dropped = [] if o["keep_indexes"] else self._drop_secondary_indexes(cur)
            # No FK triggers while loading (needs a superuser; otherwise FKs are checked row by row).
            try:
                cur.execute("SET session_replication_role = replica")
            except Exception as exc:  # noqa: BLE001 - any refusal just means slower loading
                self.stderr.write(_("Peringatan: pemicu FK tetap aktif (%(e)s)") % {"e": exc})
            try:
                self._load_places_and_categories(cur)
                self._load_users_and_vendors(cur)
                self._load_products(cur)
                self._load_opds(cur)
                self._load_orders(cur)
            finally:
                cur.execute("SET session_replication_role = origin")
            self._derive_money(cur)
            self._reset_sequences(cur)
            self._recreate_indexes(cur, dropped)
            self._analyze(cur)
            violations = nd.check_invariants(cur)
        for label, count in violations.items():
            self.stdout.write(f"  {'OK ' if count == 0 else 'GAGAL'} {label}: {count}")
        elapsed = time.monotonic() - started
        if any(violations.values()):
            raise CommandError(_("Invarian dilanggar; lihat di atas."))
        self.stdout.write(self.style.SUCCESS(_("Selesai dalam %(s).1f detik.") % {"s": elapsed}))

    def _prepare(self, cur):
        tables = [m._meta.db_table for m in LOADED_TABLES]
        if self.o["reset"]:
            all_tables = set(tables)
            for label in ("accounts", "catalog", "procurement", "opd_scoring", "axes", "sessions", "admin"):
                try:
                    config = apps.get_app_config(label)
                except LookupError:
                    continue
                all_tables.update(m._meta.db_table for m in config.get_models(include_auto_created=True))
            cur.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
            existing = {r[0] for r in cur.fetchall()}
            names = ", ".join(f'"{t}"' for t in sorted(all_tables & existing))
            self.stderr.write(_("Mengosongkan tabel …"))
            cur.execute(f"TRUNCATE {names} RESTART IDENTITY CASCADE")
            return
        for table in tables:
            cur.execute(f'SELECT EXISTS (SELECT 1 FROM "{table}")')
            if cur.fetchone()[0]:
                raise CommandError(_("Tabel %(t)s tidak kosong; jalankan dengan --reset.") % {"t": table})

    def _drop_secondary_indexes(self, cur) -> list[tuple[str, str]]:
        """Drop non-unique indexes of the big tables (rebuilt once after loading: much faster)."""
        big = [
            m._meta.db_table
            for m in (Vendor, Product, Order, OrderLine, OrderEvent, Receipt, ReceiptLine, Payment)
        ]
        cur.execute(
            """SELECT i.relname, pg_get_indexdef(i.oid)
               FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
               WHERE t.relname = ANY(%s) AND NOT x.indisunique AND NOT x.indisprimary""",
            [big],
        )
        dropped = cur.fetchall()
        for name, _def in dropped:
            cur.execute(f'DROP INDEX IF EXISTS "{name}"')
        return dropped

    def _recreate_indexes(self, cur, dropped):
        if not dropped:
            return
        cur.execute("SET maintenance_work_mem = '512MB'")
        progress = nd.Progress(_("indeks"), len(dropped))
        for i, (_name, definition) in enumerate(dropped, 1):
            cur.execute(definition)
            progress.update(i)
        progress.finish()

    def _reset_sequences(self, cur):
        for model in LOADED_TABLES:
            table = model._meta.db_table
            cur.execute(
                f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
                f'coalesce((SELECT max(id) FROM "{table}"), 0) + 1, false)'
            )

    def _analyze(self, cur):
        progress = nd.Progress("VACUUM ANALYZE", len(LOADED_TABLES))
        for i, model in enumerate(LOADED_TABLES, 1):
            cur.execute(f'VACUUM (ANALYZE) "{model._meta.db_table}"')
            progress.update(i)
        progress.finish()

    def _copy(self, cur, model, columns, total, label):
        return nd.CopyWriter(cur, nd.Table(model, columns), total, label)

    # --- places, categories -----------------------------------------------------------------

    def _load_places_and_categories(self, cur):
        rng = self.rng
        combos = [p + s for p in nd.PLACE_PREFIXES for s in nd.PLACE_SUFFIXES]
        self.place_names = combos
        n_kec = max(3, min(len(combos), self.o["vendors"] // 150))
        kec_names = rng.sample(combos, n_kec)
        self.kelurahan_of_kec: list[list[int]] = []
        with self._copy(cur, Kecamatan, ["id", "code", "name"], n_kec, _("kecamatan")) as w:
            for i, name in enumerate(kec_names, 1):
                w.write([i, f"N{i:04d}", name])
        kel_id = 0
        with self._copy(
            cur, Kelurahan, ["id", "kecamatan_id", "code", "name", "kind"], n_kec * 4, _("desa/kelurahan")
        ) as w:
            for k in range(1, n_kec + 1):
                ids = []
                for name in rng.sample(combos, 4):
                    kel_id += 1
                    kind = "kelurahan" if rng.random() < 0.3 else "desa"
                    w.write([kel_id, k, f"N{k:04d}.{kel_id:06d}", name, kind])
                    ids.append(kel_id)
                self.kelurahan_of_kec.append(ids)
        self.kec_names = kec_names
        # Category tree: top levels first, then leaves (with their word lists).
        self.leaves: list[tuple[int, list[str], str, int, int]] = []
        rows, cat_id = [], 0
        for pos, (top, children) in enumerate(nd.CATEGORY_TREE.items()):
            cat_id += 1
            top_id = cat_id
            rows.append([top_id, None, top, _slug(top), pos])
            for cpos, (leaf, (nouns, unit, lo, hi)) in enumerate(children.items()):
                cat_id += 1
                rows.append([cat_id, top_id, leaf, _slug(leaf), cpos])
                self.leaves.append((cat_id, nouns, unit, lo, hi))
        with self._copy(
            cur, Category, ["id", "parent_id", "name", "slug", "position"], len(rows), _("kategori")
        ) as w:
            for row in rows:
                w.write(row)

    # --- users, vendors ---------------------------------------------------------------------

    def _load_users_and_vendors(self, cur):
        rng, o = self.rng, self.o
        n_v, n_opd = o["vendors"], o["opds"]
        password = make_password(o["password"])
        base = datetime(o["year"] - 1, 1, 1, tzinfo=UTC).timestamp()
        self.bpbj_user = 1
        self.opd_user_base = 1  # OPD i (1-based), position p (0 PP, 1 PPK, 2 PA): 1 + 3*(i-1) + p + 1
        self.vendor_user_base = 1 + 3 * n_opd
        total = 1 + 3 * n_opd + n_v
        cols = [
            "id",
            "password",
            "last_login",
            "is_superuser",
            "username",
            "first_name",
            "last_name",
            "email",
            "is_staff",
            "is_active",
            "date_joined",
            "role",
            "phone",
        ]
        joined = ts(base - 86400 * 30)
        with self._copy(cur, User, cols, total, _("pengguna")) as w:
            w.write(
                [
                    1,
                    password,
                    None,
                    False,
                    "nas-bpbj",
                    "Pengelola",
                    "Katalog",
                    "bpbj@contoh.go.id",
                    True,
                    True,
                    joined,
                    "catalog_manager",
                    "",
                ]
            )
            for i in range(1, n_opd + 1):
                for p, pos in enumerate(("pp", "ppk", "pa")):
                    uid = 1 + 3 * (i - 1) + p + 1
                    w.write(
                        [
                            uid,
                            password,
                            None,
                            False,
                            f"nas-opd{i:04d}-{pos}",
                            rng.choice(nd.FIRST_NAMES),
                            rng.choice(nd.LAST_NAMES),
                            f"opd{i:04d}.{pos}@contoh.go.id",
                            False,
                            True,
                            joined,
                            "buyer",
                            "",
                        ]
                    )
            for v in range(1, n_v + 1):
                w.write(
                    [
                        self.vendor_user_base + v,
                        password,
                        None,
                        False,
                        f"nas-penyedia{v:06d}",
                        rng.choice(nd.FIRST_NAMES),
                        rng.choice(nd.LAST_NAMES),
                        f"penyedia{v}@contoh.id",
                        False,
                        True,
                        joined,
                        "vendor",
                        "",
                    ]
                )
        self.vendor_names: list[str] = []
        self.vendor_pkp = array("b")
        self.vendor_verified = array("b")
        self.vendor_scale: list[str] = []
        self.vendor_kec = array("I")
        cols = [
            "id",
            "user_id",
            "business_name",
            "slug",
            "owner_name",
            "nib",
            "npwp",
            "scale",
            "is_pkp",
            "address",
            "kecamatan_id",
            "kelurahan_id",
            "phone",
            "email",
            "bank_name",
            "bank_account_number",
            "bank_account_name",
            "description",
            "status",
            "status_reason",
            "is_local",
            "verified_at",
            "verified_by_id",
            "created_at",
            "updated_at",
        ]
        scales, scale_cum = weighted(rng, {"mikro": 55, "kecil": 25, "menengah": 12, "besar": 8})
        statuses, status_cum = weighted(rng, {"verified": 92, "pending": 4, "suspended": 2, "rejected": 2})
        with self._copy(cur, Vendor, cols, n_v, _("penyedia")) as w:
            for v in range(1, n_v + 1):
                name = f"{rng.choice(nd.BUSINESS_FORMS)} {rng.choice(nd.BRAND_WORDS)} {rng.choice(nd.BRAND_WORDS)}"
                owner = f"{rng.choice(nd.FIRST_NAMES)} {rng.choice(nd.LAST_NAMES)}"
                scale = rng.choices(scales, cum_weights=scale_cum)[0]
                status = rng.choices(statuses, cum_weights=status_cum)[0]
                pkp = scale in ("menengah", "besar") or rng.random() < 0.1
                k = rng.randrange(len(self.kec_names))
                created = base - 86400 * rng.randint(30, 900)
                verified = status in ("verified", "suspended")
                self.vendor_names.append(name)
                self.vendor_pkp.append(1 if pkp else 0)
                self.vendor_verified.append(1 if status == "verified" else 0)
                self.vendor_scale.append(scale)
                self.vendor_kec.append(k + 1)
                w.write(
                    [
                        v,
                        self.vendor_user_base + v,
                        name,
                        f"{_slug(name)}-{v}",
                        owner,
                        f"{9100000000000 + v:013d}",
                        f"{10000000000000 + v:015d}",
                        scale,
                        pkp,
                        f"{rng.choice(nd.STREETS)} No. {rng.randint(1, 250)}, {self.kec_names[k]}",
                        k + 1,
                        rng.choice(self.kelurahan_of_kec[k]),
                        f"08{rng.randint(10**9, 10**10 - 1)}",
                        f"penyedia{v}@contoh.id",
                        rng.choice(nd.BANKS),
                        f"{rng.randint(10**9, 10**12)}",
                        owner,
                        f"Usaha lokal dari {self.kec_names[k]} sejak {2000 + rng.randint(0, 23)}.",
                        status,
                        "" if status in ("verified", "pending") else _("Dokumen tidak lengkap."),
                        verified,
                        ts(created + 86400 * 3) if verified else None,
                        self.bpbj_user if verified else None,
                        ts(created),
                        ts(created + 86400 * 3),
                    ]
                )

    # --- products ---------------------------------------------------------------------------

    def _load_products(self, cur):
        rng, o = self.rng, self.o
        n_p, n_v = o["products"], o["vendors"]
        base = datetime(o["year"] - 1, 1, 1, tzinfo=UTC).timestamp()
        self.p_price = array("q")
        self.p_leaf = array("H")
        self.p_tkdn = array("I")  # hundredths of a percent
        self.p_name: list[str] = []
        statuses, status_cum = weighted(
            rng, {"published": 88, "submitted": 5, "draft": 3, "rejected": 2, "inactive": 2}
        )
        cols = [
            "id",
            "vendor_id",
            "category_id",
            "name",
            "slug",
            "unit",
            "price",
            "min_order",
            "stock",
            "lead_time_days",
            "description",
            "specifications",
            "tkdn",
            "status",
            "status_reason",
            "submitted_at",
            "published_at",
            "created_at",
            "updated_at",
            # The vendor's status, scale and kecamatan copied onto the product (catalog.services).
            "vendor_public",
            "vendor_scale",
            "vendor_kecamatan_id",
        ]
        n_leaves = len(self.leaves)
        with self._copy(cur, Product, cols, n_p, _("produk")) as w:
            for pid in range(1, n_p + 1):
                v = (pid - 1) % n_v + 1
                li = rng.randrange(n_leaves)
                cat_id, nouns, unit, lo, hi = self.leaves[li]
                noun = rng.choice(nouns)
                if rng.random() < 0.5:
                    name = f"{noun} {rng.choice(nd.ADJECTIVES)} {rng.choice(nd.VARIANTS)}"
                else:
                    name = f"{noun} {rng.choice(nd.BRAND_WORDS)} {rng.choice(nd.VARIANTS)}"
                price = max(500, round(rng.uniform(lo, hi) / 500) * 500)
                tkdn = rng.randint(2500, 10000)
                status = rng.choices(statuses, cum_weights=status_cum)[0]
                created = base - 86400 * rng.randint(1, 400)
                submitted = created + 3600 * rng.randint(1, 72)
                self.p_price.append(price)
                self.p_leaf.append(li)
                self.p_tkdn.append(tkdn)
                self.p_name.append(name)
                w.write(
                    [
                        pid,
                        v,
                        cat_id,
                        name,
                        f"{_slug(name)}",
                        unit,
                        price,
                        1 if rng.random() < 0.8 else rng.choice((5, 10, 20)),
                        0 if rng.random() < 0.05 else rng.randint(1, 5000),
                        rng.randint(1, 14),
                        f"{name} produksi {self.vendor_names[v - 1]}. Produk lokal berkualitas, siap kirim ke "
                        f"seluruh OPD. Bahan pilihan dari {rng.choice(self.place_names)}.",
                        [
                            ["Satuan", unit],
                            ["Asal", rng.choice(self.kec_names)],
                            ["Masa simpan", f"{rng.randint(1, 24)} bulan"],
                        ],
                        f"{tkdn / 100:.2f}",
                        status,
                        _("Foto kurang jelas.") if status == "rejected" else "",
                        None if status == "draft" else ts(submitted),
                        ts(submitted + 86400 * rng.randint(1, 5)) if status == "published" else None,
                        ts(created),
                        ts(submitted),
                        bool(self.vendor_verified[v - 1]),
                        self.vendor_scale[v - 1],
                        self.vendor_kec[v - 1],
                    ]
                )

    # --- OPDs, budgets, RUP -----------------------------------------------------------------

    def _load_opds(self, cur):
        rng, o = self.rng, self.o
        n_opd, year, k = o["opds"], o["year"], o["packages_per_opd"]
        units = [(b, _kind(b)) for b in nd.OPD_BODIES] + [(f"Dinas {f}", "dinas") for f in nd.OPD_FIELDS]
        regions = [f"{kind} {p}" for p in self.place_names for kind in ("Kabupaten", "Kota")]
        self.opd_names = []
        with self._copy(
            cur,
            OPD,
            [
                "id",
                "code",
                "name",
                "short_name",
                "kind",
                "head_name",
                "head_title",
                "approval_threshold",
                "address",
                "is_active",
            ],
            n_opd,
            _("OPD"),
        ) as w:
            for i in range(1, n_opd + 1):
                unit, kind = units[(i - 1) % len(units)]
                region = regions[(i - 1) // len(units) % len(regions)]
                name = f"{unit} {region}" + (
                    f" {(i - 1) // (len(units) * len(regions)) + 1}" if i > len(units) * len(regions) else ""
                )
                self.opd_names.append(name)
                w.write(
                    [
                        i,
                        f"N.{i:05d}",
                        name,
                        "",
                        kind,
                        f"{rng.choice(nd.FIRST_NAMES)} {rng.choice(nd.LAST_NAMES)}",
                        _("Kepala"),
                        200_000_000 if rng.random() < 0.3 else None,
                        f"Kantor {name}",
                        True,
                    ]
                )
        with self._copy(
            cur, OPDMember, ["id", "user_id", "opd_id", "position", "nip"], 3 * n_opd, _("pejabat OPD")
        ) as w:
            for i in range(1, n_opd + 1):
                for p, pos in enumerate(("pp", "ppk", "pa")):
                    mid = 3 * (i - 1) + p + 1
                    w.write([mid, 1 + mid, i, pos, f"19{rng.randint(10**15, 10**16 - 1)}"])
        years = (year - 1, year)
        with self._copy(
            cur, Budget, ["id", "opd_id", "fiscal_year", "goods_services_pagu"], 2 * n_opd, _("anggaran")
        ) as w:
            bid = 0
            for i in range(1, n_opd + 1):
                for y in years:
                    bid += 1
                    w.write([bid, i, y, 0])
        cols = [
            "id",
            "opd_id",
            "fiscal_year",
            "kode_rup",
            "name",
            "pagu",
            "funding_source",
            "method",
            "committed",
            "spent",
            "created_at",
        ]
        self.package_id = {}  # (opd, year, j) -> id
        with self._copy(cur, RUPPackage, cols, 2 * n_opd * k, _("paket RUP")) as w:
            pid = 0
            for i in range(1, n_opd + 1):
                for y in years:
                    for j in range(k):
                        pid += 1
                        self.package_id[(i, y, j)] = pid
                        item = nd.RUP_ITEMS[j % len(nd.RUP_ITEMS)]
                        w.write(
                            [
                                pid,
                                i,
                                y,
                                f"{y}{i:05d}{j:03d}",
                                f"{item} {y}",
                                0,
                                "apbd",
                                "e_purchasing",
                                0,
                                0,
                                ts(datetime(y, 1, 2, tzinfo=UTC).timestamp()),
                            ]
                        )

    # --- orders -----------------------------------------------------------------------------

    def _load_orders(self, cur):
        """Generate orders with lines, audit trail, BAST and payments into temp files, then COPY each."""
        rng, o = self.rng, self.o
        target = o["order_lines"]
        n_opd, n_v, n_p, year, k = o["opds"], o["vendors"], o["products"], o["year"], o["packages_per_opd"]
        past_keys, past_cum = weighted(rng, STATUS_WEIGHTS_PAST)
        cur_keys, cur_cum = weighted(rng, STATUS_WEIGHTS_CURRENT)
        specs = {
            "order": (
                Order,
                [
                    "id",
                    "number",
                    "opd_id",
                    "buyer_id",
                    "vendor_id",
                    "rup_package_id",
                    "fiscal_year",
                    "status",
                    "checkout_token",
                    "delivery_address",
                    "needed_by",
                    "note",
                    "subtotal",
                    "ppn_rate",
                    "ppn_amount",
                    "total",
                    "requires_approval",
                    "approved_by_id",
                    "approved_at",
                    "approved_amount",
                    "negotiation_rounds",
                    "sp_number",
                    "sp_sequence",
                    "reason",
                    "created_at",
                    "updated_at",
                    "sent_at",
                    "accepted_at",
                    "shipped_at",
                    "received_at",
                    "paid_at",
                    "completed_at",
                    "cancelled_at",
                ],
            ),
            "line": (
                OrderLine,
                [
                    "id",
                    "order_id",
                    "product_id",
                    "category_id",
                    "product_name",
                    "unit",
                    "catalog_unit_price",
                    "unit_price",
                    "quantity",
                    "received_quantity",
                    "line_total",
                    "tkdn",
                ],
            ),
            "event": (
                OrderEvent,
                [
                    "id",
                    "order_id",
                    "actor_id",
                    "actor_role",
                    "from_status",
                    "to_status",
                    "note",
                    "created_at",
                ],
            ),
            "receipt": (
                Receipt,
                ["id", "order_id", "number", "received_on", "received_by_id", "note", "created_at"],
            ),
            "rline": (ReceiptLine, ["id", "receipt_id", "order_line_id", "quantity"]),
            "payment": (
                Payment,
                ["id", "order_id", "amount", "paid_on", "reference", "recorded_by_id", "created_at"],
            ),
        }
        tables = {key: nd.Table(model, cols) for key, (model, cols) in specs.items()}
        files = {key: tempfile.TemporaryFile("w+", encoding="utf-8") for key in specs}
        counts = dict.fromkeys(specs, 0)
        sp_seq: dict[tuple[int, int], int] = {}
        progress = nd.Progress(_("baris pesanan"), target)
        lines_done = order_id = event_id = receipt_id = rline_id = payment_id = 0
        leaves = self.leaves
        while lines_done < target:
            order_id += 1
            y = year - 1 if rng.random() < 0.45 else year
            keys, cum = (past_keys, past_cum) if y < year else (cur_keys, cur_cum)
            status = rng.choices(keys, cum_weights=cum)[0]
            opd = rng.randint(1, n_opd)
            pp, ppk, pa = (1 + 3 * (opd - 1) + p + 1 for p in range(3))
            package = self.package_id[(opd, y, rng.randrange(k))]
            v = rng.randint(1, min(n_v, n_p))
            per_vendor = (n_p - v) // n_v + 1
            n_lines = min(rng.randint(1, 7), per_vendor, target - lines_done)
            picks = rng.sample(range(per_vendor), n_lines) if per_vendor > n_lines else list(range(n_lines))
            negotiated = status != "draft" and rng.random() < 0.15
            created = datetime(y, 1, 2, tzinfo=UTC).timestamp() + rng.randint(0, 316 * 86400)
            subtotal = 0
            line_rows = []
            for j in picks:
                pid = v + j * n_v
                price = self.p_price[pid - 1]
                unit_price = price * 95 // 100 if negotiated else price
                qty = rng.randint(1, 60)
                line_total = unit_price * qty
                subtotal += line_total
                li = self.p_leaf[pid - 1]
                line_rows.append(
                    [
                        pid,
                        leaves[li][0],
                        self.p_name[pid - 1],
                        leaves[li][2],
                        price,
                        unit_price,
                        qty,
                        line_total,
                        f"{self.p_tkdn[pid - 1] / 100:.2f}",
                    ]
                )
            pkp = self.vendor_pkp[v - 1]
            ppn = (subtotal * 11 + 50) // 100 if pkp else 0
            total = subtotal + ppn
            # Audit trail: created (draft / pending approval / sent), then the path to the status.
            requires_approval = status == "pending_approval" or (status != "draft" and rng.random() < 0.1)
            steps = []  # (from, to, actor, role)
            if status == "draft":
                steps.append(("", "draft", ppk, "ppk"))
            else:
                if requires_approval:
                    steps.append(("", "pending_approval", ppk, "ppk"))
                    if status != "pending_approval":
                        steps.append(("pending_approval", "sent", pa, "pa"))
                else:
                    steps.append(("", "sent", ppk, "ppk"))
                if status not in ("pending_approval", "sent"):
                    prev = "sent"
                    for to in PATH_AFTER_SENT[status]:
                        actor, role = (
                            (self.vendor_user_base + v, "vendor")
                            if to in ("accepted", "shipped", "rejected")
                            else (ppk, "ppk")
                        )
                        steps.append((prev, to, actor, role))
                        prev = to
            times = {}
            t = created
            for _from, to, actor, role in steps:
                event_id += 1
                files["event"].write(
                    tables["event"].line([event_id, order_id, actor, role, _from, to, "", ts(t)])
                )
                times[to] = t
                t += rng.randint(3600, 5 * 86400)
            counts["event"] += len(steps)
            received_all = status in ("received", "paid", "completed")
            line_ids = []
            first_line = counts["line"] + 1
            for n, row in enumerate(line_rows):
                qty = row[6]
                received = qty if received_all else (qty if status == "partially_received" and n == 0 else 0)
                if status == "partially_received" and len(line_rows) == 1:
                    received = max(1, qty // 2) if qty > 1 else 0
                lid = first_line + n
                line_ids.append((lid, received))
                files["line"].write(tables["line"].line([lid, order_id, *row[:7], received, row[7], row[8]]))
            counts["line"] += len(line_rows)
            sp_number, sp_sequence = "", None
            if status in AGREED:
                seq = sp_seq[(opd, y)] = sp_seq.get((opd, y), 0) + 1
                sp_number, sp_sequence = f"SP/{seq:05d}/N.{opd:05d}/{y}", seq
            last_t = max(times.values())
            order_times = {STATUS_TIME_FIELD[s]: ts(tv) for s, tv in times.items() if s in STATUS_TIME_FIELD}
            reason = (
                _("Stok tidak mencukupi.")
                if status == "rejected"
                else (_("Kebutuhan berubah.") if status == "cancelled" else "")
            )
            files["order"].write(
                tables["order"].line(
                    [
                        order_id,
                        f"NAS-{y}-{order_id:08d}",
                        opd,
                        ppk,
                        v,
                        package,
                        y,
                        status,
                        "",
                        f"Kantor {self.opd_names[opd - 1]}",
                        day(created + 14 * 86400),
                        "",
                        subtotal,
                        "0.1100" if pkp else "0.0000",
                        ppn,
                        total,
                        requires_approval,
                        pa if requires_approval and status != "pending_approval" else None,
                        ts(times["sent"]) if requires_approval and "sent" in times else None,
                        total if requires_approval and status != "pending_approval" else None,
                        1 if negotiated else 0,
                        sp_number,
                        sp_sequence,
                        reason,
                        ts(created),
                        ts(last_t),
                        order_times.get("sent_at"),
                        order_times.get("accepted_at"),
                        order_times.get("shipped_at"),
                        order_times.get("received_at"),
                        order_times.get("paid_at"),
                        order_times.get("completed_at"),
                        order_times.get("cancelled_at"),
                    ]
                )
            )
            if status in RECEIVED and any(r for _, r in line_ids):
                receipt_id += 1
                rt = times.get("received", times.get("partially_received"))
                files["receipt"].write(
                    tables["receipt"].line(
                        [receipt_id, order_id, f"BAST/NAS/{y}/{receipt_id:08d}", day(rt), pp, "", ts(rt)]
                    )
                )
                for lid, received in line_ids:
                    if received:
                        rline_id += 1
                        files["rline"].write(tables["rline"].line([rline_id, receipt_id, lid, received]))
            if status in PAID:
                payment_id += 1
                files["payment"].write(
                    tables["payment"].line(
                        [
                            payment_id,
                            order_id,
                            total,
                            day(times["paid"]),
                            f"TRF{y}{payment_id:09d}",
                            ppk,
                            ts(times["paid"]),
                        ]
                    )
                )
            lines_done += len(line_rows)
            progress.update(lines_done)
        progress.finish()
        counts.update(order=order_id, receipt=receipt_id, rline=rline_id, payment=payment_id)
        for key in ("order", "line", "event", "receipt", "rline", "payment"):
            self._copy_file(cur, tables[key], files[key], counts[key])
            files[key].close()

    def _copy_file(self, cur, table: nd.Table, fh, rows: int):
        size = fh.tell()
        fh.seek(0)
        progress = nd.Progress(f"COPY {table.table.removeprefix('procurement_')}", max(size, 1))
        done = 0
        with cur.copy(table.copy_sql()) as copy:
            while chunk := fh.read(1 << 23):
                copy.write(chunk)
                done += len(chunk)
                progress.update(min(done, size))
        progress.finish()

    def _derive_money(self, cur):
        """RUP committed/spent from the orders, pagu with headroom; budgets from the packages."""
        cur.execute(
            """UPDATE procurement_ruppackage r SET
                   committed = coalesce(o.open, 0), spent = coalesce(o.paid, 0),
                   pagu = ceil((coalesce(o.open, 0) + coalesce(o.paid, 0)) * (110 + abs(hashtext(r.kode_rup)) % 60) / 100.0)
                          + 25000000 + (abs(hashtext(r.kode_rup || 'x')) % 200) * 1000000
               FROM procurement_ruppackage r2
               LEFT JOIN (
                   SELECT rup_package_id,
                          sum(total) FILTER (WHERE status IN ('pending_approval','sent','negotiating','accepted',
                                                             'shipped','partially_received','received')) AS open,
                          sum(total) FILTER (WHERE status IN ('paid','completed')) AS paid
                   FROM procurement_order GROUP BY rup_package_id
               ) o ON o.rup_package_id = r2.id
               WHERE r.id = r2.id"""
        )
        cur.execute(
            """UPDATE procurement_budget b SET goods_services_pagu = s.total * (200 + abs(hashtext(b.opd_id::text
                   || b.fiscal_year::text)) % 150) / 100
               FROM (SELECT opd_id, fiscal_year, sum(pagu) AS total FROM procurement_ruppackage
                     GROUP BY opd_id, fiscal_year) s
               WHERE s.opd_id = b.opd_id AND s.fiscal_year = b.fiscal_year"""
        )


def _slug(text: str) -> str:
    out = []
    for ch in text.lower():
        if ch.isalnum():
            out.append(ch)
        elif out and out[-1] != "-":
            out.append("-")
    return "".join(out).strip("-")[:200]


def _kind(body: str) -> str:
    for word, kind in (
        ("Badan", "badan"),
        ("Inspektorat", "inspektorat"),
        ("Sekretariat", "sekretariat"),
        ("Satuan", "satpol"),
        ("Rumah Sakit", "rsud"),
    ):
        if body.startswith(word):
            return kind
    return "other"
