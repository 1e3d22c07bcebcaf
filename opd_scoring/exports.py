"""CSV and XLSX downloads of a snapshot's ranking and of the transactions behind it."""

import csv
import io
from decimal import Decimal

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from catalog.models import BusinessScale

from .models import ScoreSnapshot
from .selectors import ranking_rows, transactions_for

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """Text that a spreadsheet would run as a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def _cell(value):
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if hasattr(value, "tzinfo") and getattr(value, "tzinfo", None) is not None:
        return timezone.localtime(value).replace(tzinfo=None)
    return safe_cell(value)


def ranking_table(snapshot: ScoreSnapshot) -> tuple[list[str], list[list]]:
    headers = [
        _("Peringkat"),
        _("Kode OPD"),
        _("OPD"),
        _("Skor"),
        _("Belanja terbayar (Rp)"),
        _("Belanja terikat (Rp)"),
        _("Belanja lokal (Rp)"),
        _("Pagu barang/jasa periode (Rp)"),
        _("Belanja lokal (% pagu)"),
        _("Belanja UMK (% belanja)"),
        _("Penyedia lokal"),
        _("Penyedia mikro/kecil"),
        _("Pesanan"),
        _("Hari aktif"),
        _("Median hari BAST-bayar"),
        _("Batal/ditolak (%)"),
        _("Realisasi RUP e-purchasing (%)"),
        _("Periode"),
    ]
    rows = [
        [
            s.rank,
            s.opd.code,
            s.opd.name,
            s.score,
            s.paid_spending,
            s.committed_spending,
            s.local_spending,
            s.goods_services_pagu,
            s.local_share,
            s.umk_share,
            s.local_vendors,
            s.umk_vendors,
            s.orders,
            s.active_days,
            s.payment_days,
            s.cancel_share,
            s.realisation,
            str(snapshot.period),
        ]
        for s in ranking_rows(snapshot)
    ]
    return headers, rows


def transactions_table(snapshot: ScoreSnapshot) -> tuple[list[str], list[list]]:
    scales = dict(BusinessScale.choices)
    headers = [
        _("Nomor pesanan"),
        _("Kode OPD"),
        _("OPD"),
        _("Penyedia"),
        _("Skala usaha"),
        _("Kecamatan penyedia"),
        _("Penyedia lokal"),
        _("Total (Rp)"),
        _("Tanggal bayar"),
    ]
    rows = [
        [
            number,
            code,
            opd,
            vendor,
            str(scales.get(scale, scale)),
            kec,
            _("ya") if local else _("tidak"),
            total,
            paid_at,
        ]
        for number, code, opd, vendor, scale, kec, local, total, paid_at in transactions_for(snapshot)
    ]
    return headers, rows


def csv_response(filename: str, headers: list, rows: list[list]) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")  # Excel opens UTF-8 CSV correctly with a BOM
    writer = csv.writer(response)
    writer.writerow(headers)
    for row in rows:
        out = []
        for value in row:
            value = _cell(value)
            if hasattr(value, "strftime"):
                value = value.strftime("%Y-%m-%d %H:%M")
            out.append("" if value is None else value)
        writer.writerow(out)
    return response


def xlsx_response(filename: str, sheet_title: str, headers: list, rows: list[list]) -> HttpResponse:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=sheet_title[:31])
    sheet.append([str(h) for h in headers])
    for row in rows:
        sheet.append([_cell(v) for v in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(
        buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def table_response(
    fmt: str, basename: str, sheet_title: str, headers: list, rows: list[list]
) -> HttpResponse:
    if fmt == "xlsx":
        return xlsx_response(f"{basename}.xlsx", sheet_title, headers, rows)
    return csv_response(f"{basename}.csv", headers, rows)
