"""Building realisation files and imports for the leakage tests."""

import csv
import io
from datetime import date

from django.core.files.uploadedfile import SimpleUploadedFile

from leakage import services
from leakage.importer import HEADERS


def csv_upload(rows, *, header=HEADERS, name="realisasi.csv") -> SimpleUploadedFile:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return SimpleUploadedFile(name, out.getvalue().encode("utf-8"), content_type="text/csv")


def xlsx_upload(rows, *, name="realisasi.xlsx") -> SimpleUploadedFile:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(HEADERS)
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return SimpleUploadedFile(name, buf.getvalue())


def import_rows(rows, *, year=2025, start=None, end=None, upload=None, by=None):
    """Create and run an import (the queued task runs eagerly in tests); the finished import."""
    batch = services.create_import(
        upload=upload or csv_upload(rows),
        fiscal_year=year,
        period_start=start or date(year, 1, 1),
        period_end=end or date(year, 12, 31),
        by=by,
    )
    services.run_import(batch.pk)  # a no-op when the eager task already ran it
    batch.refresh_from_db()
    return batch
