"""Importing realised spending and measuring what OPDs buy outside the catalogue.

Definitions (per OPD, category and period ``[start, end]`` of one fiscal year):

* **realised**: the amounts of finished imports' rows dated in the period whose
  account code maps (longest prefix in ``AccountCategoryMap``) to the category.
  The finance system records every payment, catalogue orders included.
* **through the catalogue**: the order lines of the OPD's paid catalogue orders
  (paid or completed, ``paid_at`` in the period) whose product category lies in the
  category's subtree (a line counts once, for the deepest mapped category above it),
  PPN included (``line_total × (1 + ppn_rate)``, rounded per OPD, category and rate).
* **outside the catalogue** (leakage): realised − through, never below zero.
* **local products**: tayang products of vendors BPBJ confirmed as local in the
  category's subtree, published before the end of the period. A category is
  *coverable* when it has at least one.
* **catalogue share** (the index component): through ÷ max(realised, through), summed
  over the coverable categories; n/a when the OPD has no coverable spending.
* **catalogue vendor paid outside the catalogue** (red flag): per OPD and vendor (payee
  NPWP equal to the vendor's), realised payments of any account minus what the OPD paid
  that vendor through the catalogue in the period, when above zero.
"""

import logging
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.core.cache import cache
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Count, F, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog.models import Category, Product, ProductStatus, Vendor
from catalog.money import ZERO, to_rupiah
from procurement.models import OPD, PAID_STATUSES, Order, OrderLine

from . import importer
from .models import AccountCategoryMap, RealisationImport, RealisationImportStatus, RealisedSpending

log = logging.getLogger(__name__)

BATCH_SIZE = 2000
MAX_STORED_ERRORS = 500
HUNDRED = Decimal(100)

# A starting map for common belanja barang/jasa accounts (Permendagri 90/2019 codes), by category slug.
DEFAULT_MAP = [
    ("5.1.02.01.01.0024", "atk", "Belanja Alat/Bahan untuk Kegiatan Kantor-Alat Tulis Kantor"),
    ("5.1.02.01.01.0025", "kertas", "Belanja Alat/Bahan untuk Kegiatan Kantor-Kertas dan Cover"),
    ("5.1.02.01.01.0026", "jasa-cetak", "Belanja Alat/Bahan untuk Kegiatan Kantor-Bahan Cetak"),
    ("5.1.02.01.01.0027", "jasa-cetak", "Belanja Alat/Bahan untuk Kegiatan Kantor-Benda Pos/Penggandaan"),
    ("5.1.02.01.01.0029", "perlengkapan-rapat", "Belanja Alat/Bahan untuk Kegiatan Kantor-Bahan Komputer"),
    ("5.1.02.01.01.0030", "perabot-kantor", "Belanja Alat/Bahan untuk Kegiatan Kantor-Perabot Kantor"),
    ("5.1.02.01.01.0031", "alat-kebersihan", "Belanja Alat/Bahan untuk Kegiatan Kantor-Alat Listrik"),
    ("5.1.02.01.01.0035", "kebersihan", "Belanja Alat/Bahan untuk Kegiatan Kantor-Bahan Kebersihan"),
    ("5.1.02.01.01.0052", "konsumsi-rapat", "Belanja Makanan dan Minuman Rapat"),
    ("5.1.02.01.01.0053", "konsumsi-rapat", "Belanja Makanan dan Minuman Jamuan Tamu"),
    ("5.1.02.01.01.0055", "makanan-minuman", "Belanja Makanan dan Minuman pada Fasilitas Pelayanan"),
    ("5.1.02.01.01.0063", "pakaian-seragam", "Belanja Pakaian Dinas Harian (PDH)"),
    ("5.1.02.01.01.0064", "seragam-dinas", "Belanja Pakaian Dinas Lapangan (PDL)"),
    ("5.1.02.01.01.0067", "batik-batu", "Belanja Pakaian Batik Tradisional"),
    ("5.1.02.01.01.0040", "pertanian-hortikultura", "Belanja Bahan-Bahan Pertanian/Bibit Tanaman"),
    ("5.1.02.02.01.0011", "katering", "Belanja Jasa Penyelenggaraan Acara / Katering"),
    ("5.1.02.02.01.0013", "dekorasi-tenda", "Belanja Jasa Dekorasi dan Sewa Tenda"),
    ("5.1.02.02.01.0016", "dokumentasi", "Belanja Jasa Dokumentasi"),
    ("5.1.02.01.01.0059", "kerajinan-souvenir", "Belanja Cinderamata"),
]


class LeakageError(Exception):
    """A request the rules refuse; the message is shown to the user."""


class _TakenOver(Exception):
    """Another runner restarted this import; this one stops without writing."""


# --- the account map -----------------------------------------------------------------------------


def load_default_map() -> int:
    """Add the starting map's codes whose category exists and that BPBJ has not mapped yet."""
    categories = {c.slug: c for c in Category.objects.filter(slug__in={slug for _c, slug, _n in DEFAULT_MAP})}
    existing = set(AccountCategoryMap.objects.values_list("account_code", flat=True))
    created = [
        AccountCategoryMap(account_code=code, category=categories[slug], note=note)
        for code, slug, note in DEFAULT_MAP
        if slug in categories and code not in existing
    ]
    AccountCategoryMap.objects.bulk_create(created)
    if created:
        apply_account_map()
    return len(created)


def _map_lookup() -> dict[str, int]:
    return dict(AccountCategoryMap.objects.values_list("account_code", "category_id"))


def category_for(code: str, mapping: dict[str, int]) -> int | None:
    """The category of the longest mapped prefix of ``code`` (whole segments only)."""
    parts = code.split(".")
    for n in range(len(parts), 0, -1):
        category_id = mapping.get(".".join(parts[:n]))
        if category_id is not None:
            return category_id
    return None


@transaction.atomic
def apply_account_map() -> int:
    """Re-map every imported row after BPBJ changed the map (shorter prefixes first, longer win)."""
    RealisedSpending.objects.exclude(category=None).update(category=None)
    changed = 0
    for code, category_id in sorted(_map_lookup().items(), key=lambda item: len(item[0])):
        changed += RealisedSpending.objects.filter(
            Q(account_code=code) | Q(account_code__startswith=code + ".")
        ).update(category_id=category_id)
    return changed


# --- importing -----------------------------------------------------------------------------------


def create_import(
    *, upload, fiscal_year: int, period_start: date, period_end: date, by=None
) -> RealisationImport:
    """Store the upload and queue its import; the worker reads it (``run_import``)."""
    if period_start > period_end:
        raise LeakageError(_("Tanggal mulai periode harus sebelum tanggal akhir."))
    if period_start.year != fiscal_year or period_end.year != fiscal_year:
        raise LeakageError(_("Periode harus berada di dalam tahun anggaran %(y)s.") % {"y": fiscal_year})
    name = (getattr(upload, "name", "") or "").rsplit("/", 1)[-1]
    if not name.lower().endswith((".csv", ".xlsx")):
        raise LeakageError(_("Format berkas harus .csv atau .xlsx."))
    if upload.size is not None and upload.size > importer.MAX_FILE_BYTES:
        raise LeakageError(
            _("Berkas terlalu besar (maksimal %(mb)s MB).") % {"mb": importer.MAX_FILE_BYTES // (1024 * 1024)}
        )
    batch = RealisationImport(
        fiscal_year=fiscal_year,
        period_start=period_start,
        period_end=period_end,
        original_name=name[:255],
        created_by=by,
    )
    upload.seek(0)
    batch.file.save(name, ContentFile(upload.read()), save=False)
    batch.save()

    def send():
        from ecatalog.celery import enqueue

        from .tasks import run_realisation_import

        enqueue(run_realisation_import, batch.pk)

    transaction.on_commit(send)
    return batch


IMPORT_LEASE = timedelta(minutes=10)


def imports_to_resume() -> list[int]:
    """Queued imports whose task never reached a worker, and running ones whose worker died.

    A dead worker's import starts again from the top: its uncommitted-to-reports rows are
    removed first, so nothing is counted twice.
    """
    now = timezone.now()
    stale = list(
        RealisationImport.objects.filter(
            status=RealisationImportStatus.RUNNING, heartbeat_at__lt=now - IMPORT_LEASE
        ).values_list("pk", flat=True)
    )
    for pk in stale:
        with transaction.atomic():
            RealisedSpending.objects.filter(batch_id=pk).delete()
            RealisationImport.objects.filter(
                pk=pk, status=RealisationImportStatus.RUNNING, heartbeat_at__lt=now - IMPORT_LEASE
            ).update(status=RealisationImportStatus.QUEUED, processed_rows=0, imported_rows=0, error_count=0)
    return list(
        RealisationImport.objects.filter(
            status=RealisationImportStatus.QUEUED, created_at__lt=now - timedelta(minutes=1)
        ).values_list("pk", flat=True)
    )


def _claim(batch_id: int) -> RealisationImport | None:
    claimed = RealisationImport.objects.filter(pk=batch_id, status=RealisationImportStatus.QUEUED).update(
        status=RealisationImportStatus.RUNNING, heartbeat_at=timezone.now(), attempts=F("attempts") + 1
    )
    return RealisationImport.objects.get(pk=batch_id) if claimed else None


def _fail(batch: RealisationImport, message: str) -> RealisationImport:
    with transaction.atomic():
        failed = RealisationImport.objects.filter(
            pk=batch.pk, status=RealisationImportStatus.RUNNING, attempts=batch.attempts
        ).update(status=RealisationImportStatus.FAILED, message=message, finished_at=timezone.now())
        if failed:
            RealisedSpending.objects.filter(batch=batch).delete()
    batch.refresh_from_db()
    return batch


def _row(cells, cols, line, batch, opds, mapping, vendors):
    """A RealisedSpending for one row, or the row's error message."""

    def cell(name):
        index = cols.get(name)
        return cells[index].strip() if index is not None and index < len(cells) else ""

    errors = []
    opd_code = cell("kode_opd")
    opd_id = opds.get(opd_code)
    if not opd_code:
        errors.append(_("kode OPD kosong"))
    elif opd_id is None:
        errors.append(_("kode OPD '%(c)s' tidak dikenal") % {"c": opd_code[:40]})
    spent_on = importer.parse_date(cell("tanggal"))
    if spent_on is None:
        errors.append(
            _("tanggal '%(t)s' tidak dikenali (pakai 2026-03-31 atau 31/03/2026)")
            % {"t": cell("tanggal")[:20]}
        )
    elif not batch.period_start <= spent_on <= batch.period_end:
        errors.append(
            _("tanggal %(d)s di luar periode impor %(s)s–%(e)s")
            % {
                "d": spent_on.strftime("%d-%m-%Y"),
                "s": batch.period_start.strftime("%d-%m-%Y"),
                "e": batch.period_end.strftime("%d-%m-%Y"),
            }
        )
    code = cell("kode_rekening")
    if not importer.ACCOUNT_RE.match(code) or len(code) > 40:
        errors.append(_("kode rekening '%(c)s' tidak sah") % {"c": code[:40]})
    amount = importer.parse_amount(cell("jumlah"))
    if amount is None:
        errors.append(_("jumlah '%(a)s' bukan angka Rupiah bulat") % {"a": cell("jumlah")[:30]})
    elif amount <= 0:
        errors.append(_("jumlah harus lebih dari 0"))
    elif amount >= Decimal(10) ** 15:
        errors.append(_("jumlah terlalu besar"))
    npwp_text = cell("npwp_penerima")
    npwp = importer.normalise_npwp(npwp_text) if npwp_text else ""
    if npwp is None:
        errors.append(_("NPWP penerima harus 15 atau 16 digit"))
    payee = cell("nama_penerima")
    if len(payee) > 200:
        errors.append(_("nama penerima lebih dari 200 karakter"))
    if errors:
        return None, "; ".join(errors)
    return (
        RealisedSpending(
            batch=batch,
            opd_id=opd_id,
            fiscal_year=batch.fiscal_year,
            spent_on=spent_on,
            account_code=code,
            description=cell("uraian")[:500],
            amount=amount,
            payee_name=payee,
            payee_npwp=npwp,
            payee_is_company=importer.is_company(payee),
            category_id=category_for(code, mapping),
            vendor_id=vendors.get(npwp) if npwp else None,
        ),
        None,
    )


def run_import(batch_id: int) -> RealisationImport | None:
    """Import a queued file: rows in committed chunks (progress), then swap in atomically.

    Rows of a running import are invisible to every report (they only count once the
    import is ``done``); the swap deletes the rows earlier imports hold for the same fiscal
    year and period and marks this one done in one transaction, so a re-import of the same
    period replaces rather than adds, and a failed import leaves the old figures intact.
    """
    batch = _claim(batch_id)
    if batch is None:
        return None
    try:
        with batch.file.open("rb") as handle:
            data = handle.read()
    except FileNotFoundError:
        return _fail(batch, _("Berkas unggahan tidak ditemukan."))
    # Every data row is counted first (cheap) so progress has a denominator.
    try:
        total = importer.estimate_rows(data, batch.original_name)
        if total > importer.MAX_ROWS:
            return _fail(batch, _("Berkas berisi lebih dari %(n)s baris.") % {"n": importer.MAX_ROWS})
        RealisationImport.objects.filter(pk=batch.pk).update(total_rows=total)
        rows = importer.iter_rows(data, batch.original_name)
        header = next((cells for _line, cells in rows if any(cells)), None)
        if header is None:
            return _fail(batch, _("Berkas kosong."))
        cols = importer.header_index(header)
        opds = dict(OPD.objects.values_list("code", "id"))
        mapping = _map_lookup()
        vendors = {}
        for vendor_id, npwp in Vendor.objects.values_list("id", "npwp"):
            normal = importer.normalise_npwp(npwp or "")
            if normal:
                vendors[normal] = vendor_id
        pending, errors = [], []
        processed = imported = error_count = 0
        amount = ZERO

        def flush():
            nonlocal pending
            with transaction.atomic():
                mine = RealisationImport.objects.filter(
                    pk=batch.pk, status=RealisationImportStatus.RUNNING, attempts=batch.attempts
                )
                if not mine.select_for_update().exists():
                    raise _TakenOver
                RealisedSpending.objects.bulk_create(pending, batch_size=BATCH_SIZE)
                mine.update(
                    processed_rows=processed,
                    imported_rows=imported,
                    error_count=error_count,
                    heartbeat_at=timezone.now(),
                )
            pending = []

        for line, cells in rows:
            if not any(cells):
                continue
            processed += 1
            obj, error = _row(cells, cols, line, batch, opds, mapping, vendors)
            if error:
                error_count += 1
                if len(errors) < MAX_STORED_ERRORS:
                    errors.append([line, error])
                continue
            pending.append(obj)
            imported += 1
            amount += obj.amount
            if len(pending) >= BATCH_SIZE:
                flush()
        flush()
    except importer.RealisationFileError as exc:
        return _fail(batch, exc.message)
    except _TakenOver:
        return None

    with transaction.atomic():
        current = RealisationImport.objects.select_for_update().get(pk=batch.pk)
        if current.status != RealisationImportStatus.RUNNING or current.attempts != batch.attempts:
            return current
        # Earlier imports of this fiscal year lose their rows dated inside this period.
        replaced, _detail = (
            RealisedSpending.objects.filter(
                fiscal_year=batch.fiscal_year,
                spent_on__gte=batch.period_start,
                spent_on__lte=batch.period_end,
            )
            .exclude(batch=batch)
            .delete()
        )
        current.status = RealisationImportStatus.DONE
        current.processed_rows = processed
        current.total_rows = processed
        current.imported_rows = imported
        current.error_count = error_count
        current.errors = errors
        current.total_amount = amount
        current.replaced_rows = replaced
        current.finished_at = timezone.now()
        current.message = (
            _("Baris bermasalah lebih dari %(n)s; hanya %(n)s pertama yang ditampilkan.")
            % {"n": MAX_STORED_ERRORS}
            if error_count > MAX_STORED_ERRORS
            else ""
        )
        current.save()
    from opd_scoring.selectors import invalidate_dashboard_cache

    def invalidate():
        invalidate_dashboard_cache()
        cache.delete(_map_cache_key(batch.fiscal_year))

    transaction.on_commit(invalidate)
    invalidate()
    # The stored upload is no longer needed once its rows are in.
    if current.file:
        current.file.delete(save=False)
        RealisationImport.objects.filter(pk=current.pk).update(file="")
    return current


# --- leakage -------------------------------------------------------------------------------------


@dataclass
class Cell:
    opd_id: int
    category_id: int
    realised: Decimal = ZERO
    through: Decimal = ZERO
    local_products: int = 0
    category: Category | None = None

    @property
    def outside(self) -> Decimal:
        return max(self.realised - self.through, ZERO)

    @property
    def coverable(self) -> bool:
        return self.local_products > 0

    @property
    def base(self) -> Decimal:
        return max(self.realised, self.through)


@dataclass
class OPDLeakage:
    opd_id: int
    cells: list[Cell] = field(default_factory=list)

    @property
    def coverable_spending(self) -> Decimal:
        return sum((c.base for c in self.cells if c.coverable), ZERO)

    @property
    def catalogue_spending(self) -> Decimal:
        return sum((c.through for c in self.cells if c.coverable), ZERO)

    @property
    def outside_spending(self) -> Decimal:
        return sum((c.outside for c in self.cells if c.coverable), ZERO)

    @property
    def catalogue_share(self) -> Decimal | None:
        base = self.coverable_spending
        if not base:
            return None
        return (self.catalogue_spending * HUNDRED / base).quantize(Decimal("0.01"), ROUND_HALF_UP)

    def top_leaks(self, n: int = 3) -> list[Cell]:
        leaks = [c for c in self.cells if c.coverable and c.outside > 0]
        return sorted(leaks, key=lambda c: (-c.outside, c.category_id))[:n]


def _bounds(start: date, end: date) -> tuple[datetime, datetime]:
    tz = timezone.get_current_timezone()
    return (
        datetime.combine(start, time.min, tzinfo=tz),
        datetime.combine(end + timedelta(days=1), time.min, tzinfo=tz),
    )


def mapped_ancestors() -> dict[int, int]:
    """Each category id → the deepest mapped category at or above it (unmapped subtrees absent)."""
    mapped = set(AccountCategoryMap.objects.values_list("category_id", flat=True))
    parents = dict(Category.objects.values_list("id", "parent_id"))
    result = {}
    for category_id in parents:
        node, seen = category_id, 0
        while node is not None and seen < 50:
            if node in mapped:
                result[category_id] = node
                break
            node, seen = parents.get(node), seen + 1
    return result


def has_realisation(fiscal_year: int) -> bool:
    return RealisationImport.objects.filter(
        fiscal_year=fiscal_year, status=RealisationImportStatus.DONE
    ).exists()


def leakage_cells(*, fiscal_year: int, start: date, end: date, opd_ids=None) -> list[Cell]:
    """Realised, through-the-catalogue and local-product figures per (OPD, mapped category).

    A fixed number of grouped queries whatever the number of OPDs and categories.
    """
    ancestors = mapped_ancestors()
    cells: dict[tuple[int, int], Cell] = {}

    def cell(opd_id, category_id):
        key = (opd_id, category_id)
        if key not in cells:
            cells[key] = Cell(opd_id=opd_id, category_id=category_id)
        return cells[key]

    realised = RealisedSpending.objects.filter(
        batch__status=RealisationImportStatus.DONE,
        fiscal_year=fiscal_year,
        spent_on__gte=start,
        spent_on__lte=end,
        category__isnull=False,
    )
    lines = OrderLine.objects.filter(
        order__status__in=PAID_STATUSES,
        order__paid_at__gte=_bounds(start, end)[0],
        order__paid_at__lt=_bounds(start, end)[1],
        category__isnull=False,
    )
    if opd_ids is not None:
        realised = realised.filter(opd_id__in=opd_ids)
        lines = lines.filter(order__opd_id__in=opd_ids)
    for row in realised.values("opd_id", "category_id").annotate(total=Sum("amount")):
        top = ancestors.get(row["category_id"], row["category_id"])
        cell(row["opd_id"], top).realised += Decimal(row["total"] or 0)
    through = defaultdict(Decimal)
    for row in lines.values("order__opd_id", "category_id", "order__ppn_rate").annotate(
        total=Sum("line_total")
    ):
        top = ancestors.get(row["category_id"])
        if top is None:
            continue
        rate = Decimal(row["order__ppn_rate"] or 0)
        through[(row["order__opd_id"], top)] += to_rupiah(Decimal(row["total"] or 0) * (1 + rate))
    for (opd_id, top), amount in through.items():
        cell(opd_id, top).through += amount

    local = defaultdict(int)
    for category_id, n in (
        Product.objects.filter(
            status=ProductStatus.PUBLISHED,
            vendor_public=True,
            vendor__is_local=True,
            published_at__lt=_bounds(start, end)[1],
        )
        .values("category_id")
        .annotate(n=Count("id"))
        .values_list("category_id", "n")
    ):
        top = ancestors.get(category_id)
        if top is not None:
            local[top] += n
    categories = Category.objects.in_bulk({c.category_id for c in cells.values()})
    for c in cells.values():
        c.local_products = local.get(c.category_id, 0)
        c.category = categories.get(c.category_id)
    return sorted(cells.values(), key=lambda c: (c.opd_id, c.category_id))


def leakage_by_opd(*, fiscal_year: int, start: date, end: date, opd_ids=None) -> dict[int, OPDLeakage]:
    result: dict[int, OPDLeakage] = {}
    for c in leakage_cells(fiscal_year=fiscal_year, start=start, end=end, opd_ids=opd_ids):
        result.setdefault(c.opd_id, OPDLeakage(opd_id=c.opd_id)).cells.append(c)
    return result


def local_product_counts(end: date) -> dict[int, int]:
    """Tayang local products per mapped category (subtrees rolled up) at the end of a period."""
    ancestors = mapped_ancestors()
    counts = defaultdict(int)
    for category_id, n in (
        Product.objects.filter(
            status=ProductStatus.PUBLISHED,
            vendor_public=True,
            vendor__is_local=True,
            published_at__lt=_bounds(end, end)[1],
        )
        .values("category_id")
        .annotate(n=Count("id"))
        .values_list("category_id", "n")
    ):
        top = ancestors.get(category_id)
        if top is not None:
            counts[top] += n
    return counts


def leakage_map(*, fiscal_year: int, start: date, end: date) -> dict:
    """The public map: totals by category and by OPD, with the catalogue's coverage."""
    cells = leakage_cells(fiscal_year=fiscal_year, start=start, end=end)
    by_category: dict[int, dict] = {}
    by_opd: dict[int, OPDLeakage] = {}
    for c in cells:
        row = by_category.setdefault(
            c.category_id,
            {
                "category": c.category,
                "realised": ZERO,
                "through": ZERO,
                "outside": ZERO,
                "local_products": c.local_products,
                "opds": 0,
            },
        )
        row["realised"] += c.realised
        row["through"] += c.through
        row["outside"] += c.outside
        row["opds"] += 1 if c.outside > 0 else 0
        by_opd.setdefault(c.opd_id, OPDLeakage(opd_id=c.opd_id)).cells.append(c)
    opds = OPD.objects.in_bulk(set(by_opd))
    opd_rows = [
        {
            "opd": opds[opd_id],
            "coverable": leak.coverable_spending,
            "through": leak.catalogue_spending,
            "outside": leak.outside_spending,
            "share": leak.catalogue_share,
            "top": leak.top_leaks(1),
        }
        for opd_id, leak in by_opd.items()
        if opd_id in opds
    ]
    opd_rows.sort(key=lambda r: (-r["outside"], r["opd"].name))
    categories = sorted(by_category.values(), key=lambda r: (-r["outside"], str(r["category"])))
    for row in categories:
        row["covered"] = row["local_products"] > 0
    # Companies paid outside the catalogue per category: unmet demand vendors can see.
    companies = defaultdict(list)
    for row in (
        RealisedSpending.objects.filter(
            batch__status=RealisationImportStatus.DONE,
            fiscal_year=fiscal_year,
            spent_on__gte=start,
            spent_on__lte=end,
            category__isnull=False,
            payee_is_company=True,
        )
        .values("category_id", "payee_name")
        .annotate(total=Sum("amount"))
        .order_by("-total", "payee_name")
    ):
        if len(companies[row["category_id"]]) < 3:
            companies[row["category_id"]].append(row)
    for row in categories:
        row["companies"] = companies.get(row["category"].pk if row["category"] else None, [])
    return {
        "categories": categories,
        "opds": opd_rows,
        "outside": sum((r["outside"] for r in opd_rows), ZERO),
        "through": sum((r["through"] for r in opd_rows), ZERO),
        "has_data": has_realisation(fiscal_year),
    }


MAP_CACHE_TIMEOUT = 300  # catalogue payments reach the public map within five minutes


def _map_cache_key(year: int) -> str:
    return f"leakage:map:{year}"


def cached_leakage_map(year: int) -> dict:
    """The public map of a whole fiscal year, cached (a new import clears it at once)."""
    key = _map_cache_key(year)
    data = cache.get(key)
    if data is None:
        data = leakage_map(fiscal_year=year, start=date(year, 1, 1), end=date(year, 12, 31))
        cache.set(key, data, MAP_CACHE_TIMEOUT)
    return data


def catalogue_vendor_payments_outside(*, fiscal_year: int, start: date, end: date) -> list[dict]:
    """OPD × catalogue vendor pairs paid more in the finance system than through the catalogue."""
    realised = (
        RealisedSpending.objects.filter(
            batch__status=RealisationImportStatus.DONE,
            fiscal_year=fiscal_year,
            spent_on__gte=start,
            spent_on__lte=end,
            vendor__isnull=False,
        )
        .values("opd_id", "vendor_id")
        .annotate(total=Sum("amount"), n=Count("id"))
    )
    lo, hi = _bounds(start, end)
    paid = {
        (row["opd_id"], row["vendor_id"]): Decimal(row["total"] or 0)
        for row in Order.objects.filter(status__in=PAID_STATUSES, paid_at__gte=lo, paid_at__lt=hi)
        .values("opd_id", "vendor_id")
        .annotate(total=Sum("total"))
    }
    result = []
    for row in realised:
        through = paid.get((row["opd_id"], row["vendor_id"]), ZERO)
        excess = Decimal(row["total"]) - through
        if excess > 0:
            result.append({**row, "through": through, "excess": excess})
    return sorted(result, key=lambda r: (r["opd_id"], -r["excess"]))
