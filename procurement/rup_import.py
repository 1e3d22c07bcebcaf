"""Loading RUP packages from a SiRUP export (CSV or XLSX): all rows or none."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import gettext as _

from ecatalog.spreadsheets import Limits, SpreadsheetError, read_xlsx

from .models import OPD, FundingSource, ProcurementMethod, RUPPackage

COLUMNS = ["kode_rup", "nama_paket", "kode_opd", "tahun", "pagu", "sumber_dana", "metode"]
MAX_ROWS = 5000
# Bounds of the spreadsheet itself (ecatalog/spreadsheets.py), checked before openpyxl builds
# anything: a SiRUP export has a few dozen columns; some blank rows are tolerated.
XLSX_LIMITS = Limits(
    rows=MAX_ROWS + 1 + 100, columns=100, cells=(MAX_ROWS + 101) * 40, unpacked_bytes=20 * 1024 * 1024
)
MAX_PAGU = Decimal("1000000000000000")  # Rp1 kuadriliun: far above any package


class RUPImportError(Exception):
    def __init__(self, errors: list[str]):
        super().__init__("; ".join(errors))
        self.errors = errors


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    packages: list[RUPPackage] = field(default_factory=list)


def _rows_from_csv(data: bytes):
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("latin-1")
    sample = text[:2048]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    rows = []
    try:
        for row in csv.reader(io.StringIO(text), dialect):
            rows.append(row)
            if len(rows) > MAX_ROWS + 1:  # parse_rows reports the excess; no need to read on
                break
    except csv.Error:
        raise RUPImportError([_("Berkas CSV tidak dapat dibaca.")]) from None
    return rows


def _rows_from_xlsx(data: bytes):
    try:
        rows = read_xlsx(data, XLSX_LIMITS, data_only=True)
    except SpreadsheetError as exc:
        raise RUPImportError([exc.message]) from None
    return [["" if v is None else v for v in row] for row in rows]


def _choice(value, choices, label):
    text = str(value).strip().lower().replace("-", "_").replace(" ", "_")
    for key, name in choices:
        if text in (key, str(name).lower().replace("-", "_").replace(" ", "_")):
            return key
    raise ValueError(_("%(label)s “%(value)s” tidak dikenal.") % {"label": label, "value": value})


def _money(value) -> Decimal:
    if isinstance(value, int | float | Decimal):
        amount = Decimal(str(value))
    else:
        text = str(value).strip().replace("Rp", "").replace(" ", "")
        text = text.replace(".", "").replace(",", ".") if text.count(".") > 1 or "," in text else text
        amount = Decimal(text)
    if not amount.is_finite() or amount != amount.to_integral_value() or amount < 0 or amount > MAX_PAGU:
        raise InvalidOperation
    return amount


def parse_rows(rows) -> tuple[list[dict], list[str]]:
    """Validated package dicts and line-numbered errors (line 1 is the header)."""
    errors: list[str] = []
    if not rows:
        return [], [_("Berkas kosong.")]
    header = [str(h).strip().lower() for h in rows[0]]
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        return [], [_("Baris 1: kolom wajib tidak ada: %(cols)s.") % {"cols": ", ".join(missing)}]
    if len(rows) - 1 > MAX_ROWS:
        return [], [_("Maksimal %(n)s baris per impor.") % {"n": MAX_ROWS}]
    index = {c: header.index(c) for c in COLUMNS}
    opds = {o.code: o for o in OPD.objects.all()}
    seen: set[str] = set()
    parsed = []
    for number, row in enumerate(rows[1:], start=2):
        if not any(str(v).strip() for v in row):
            continue
        cell = {c: (row[i] if i < len(row) else "") for c, i in index.items()}
        problems = []
        kode = str(cell["kode_rup"]).strip()
        if isinstance(cell["kode_rup"], float) and cell["kode_rup"].is_integer():
            kode = str(int(cell["kode_rup"]))
        if not kode or len(kode) > 30:
            problems.append(_("kode RUP wajib, maks. 30 karakter"))
        elif kode in seen:
            problems.append(_("kode RUP %(k)s muncul dua kali") % {"k": kode})
        seen.add(kode)
        name = str(cell["nama_paket"]).strip()
        if not name or len(name) > 255:
            problems.append(_("nama paket wajib, maks. 255 karakter"))
        opd = opds.get(str(cell["kode_opd"]).strip())
        if opd is None:
            problems.append(_("kode OPD “%(k)s” tidak dikenal") % {"k": cell["kode_opd"]})
        try:
            year = int(str(cell["tahun"]).strip().split(".")[0])
            if not 2000 <= year <= 2100:
                raise ValueError
        except ValueError:
            problems.append(_("tahun tidak valid"))
            year = None
        try:
            pagu = _money(cell["pagu"])
        except (InvalidOperation, ValueError):
            problems.append(_("pagu harus bilangan bulat Rupiah ≥ 0"))
            pagu = None
        try:
            funding = _choice(cell["sumber_dana"] or "apbd", FundingSource.choices, _("Sumber dana"))
        except ValueError as exc:
            problems.append(str(exc))
            funding = None
        try:
            method = _choice(cell["metode"] or "e_purchasing", ProcurementMethod.choices, _("Metode"))
        except ValueError as exc:
            problems.append(str(exc))
            method = None
        if problems:
            errors.append(_("Baris %(n)s: %(p)s.") % {"n": number, "p": "; ".join(problems)})
            continue
        parsed.append(
            {
                "line": number,
                "kode_rup": kode,
                "name": name,
                "opd": opd,
                "fiscal_year": year,
                "pagu": pagu,
                "funding_source": funding,
                "method": method,
            }
        )
    return parsed, errors


@transaction.atomic
def import_rup_packages(*, filename: str, data: bytes) -> ImportResult:
    """Create new packages and update existing ones (by kode RUP); any error imports nothing."""
    rows = _rows_from_xlsx(data) if filename.lower().endswith(".xlsx") else _rows_from_csv(data)
    parsed, errors = parse_rows(rows)
    existing = {
        p.kode_rup: p
        for p in RUPPackage.objects.select_for_update().filter(kode_rup__in=[r["kode_rup"] for r in parsed])
    }
    for row in parsed:
        package = existing.get(row["kode_rup"])
        if package is None:
            continue
        # Errors of existing packages are appended after the parse errors; both name their line.
        if package.opd_id != row["opd"].pk or package.fiscal_year != row["fiscal_year"]:
            errors.append(
                _("Baris %(n)s: kode RUP %(k)s sudah terdaftar untuk OPD/tahun lain.")
                % {"n": row["line"], "k": row["kode_rup"]}
            )
        elif row["method"] != package.method and package.orders.exists():
            errors.append(
                _("Baris %(n)s: paket RUP %(k)s sudah dipakai pesanan; metodenya tidak dapat diubah.")
                % {"n": row["line"], "k": row["kode_rup"]}
            )
        elif row["pagu"] < package.committed + package.spent:
            errors.append(
                _("Baris %(n)s: pagu baru lebih kecil dari yang sudah terikat dan terbayar.")
                % {"n": row["line"]}
            )
    if errors:
        raise RUPImportError(errors)
    result = ImportResult()
    for row in parsed:
        package = existing.get(row["kode_rup"])
        if package is None:
            package = RUPPackage.objects.create(
                kode_rup=row["kode_rup"],
                name=row["name"],
                opd=row["opd"],
                fiscal_year=row["fiscal_year"],
                pagu=row["pagu"],
                funding_source=row["funding_source"],
                method=row["method"],
            )
            result.created += 1
        else:
            # The row is locked above, so no checkout can commit more between the check and this write.
            RUPPackage.objects.filter(pk=package.pk).update(
                name=row["name"], pagu=row["pagu"], funding_source=row["funding_source"], method=row["method"]
            )
            result.updated += 1
        result.packages.append(package)
    if not parsed:
        raise RUPImportError([_("Tidak ada baris data.")])
    return result
