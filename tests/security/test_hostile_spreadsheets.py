"""A tiny XLSX describing an enormous sheet is refused fast and in little memory (product and RUP imports)."""

import io
import time
import tracemalloc
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from catalog import importers, services
from catalog.models import Product
from procurement.models import RUPPackage
from procurement.rup_import import RUPImportError, import_rup_packages

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="{sheet}" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    "</Types>"
)
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/worksheet" Target="{target}"/></Relationships>'
)
SHEET_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">{dimension}<sheetData>'
)
SHEET_TAIL = "</sheetData></worksheet>"


def hostile_xlsx(body: str, *, dimension: str = "", sheet_path: str = "xl/worksheets/sheet1.xml") -> bytes:
    """A minimal workbook whose first sheet's sheetData is ``body`` (written as it is)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES.format(sheet="/" + sheet_path))
        archive.writestr("_rels/.rels", ROOT_RELS)
        archive.writestr("xl/workbook.xml", WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS.format(target="/" + sheet_path))
        dim = f'<dimension ref="{dimension}"/>' if dimension else ""
        archive.writestr(sheet_path, SHEET_HEAD.format(dimension=dim) + body + SHEET_TAIL)
    return buffer.getvalue()


ONE_HUGE_ROW = '<row r="1">' + "<c/>" * 2_700_000 + "</row>"
HEADER_ROW = (
    '<row r="1">'
    + "".join(
        f'<c r="{chr(65 + i)}1" t="inlineStr"><is><t>{h}</t></is></c>'
        for i, h in enumerate(importers.HEADERS)
    )
    + "</row>"
)
HOSTILE = {
    "one row of 2.7 million cells": (ONE_HUGE_ROW, {}),
    "a cell at the last column and row": ('<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>', {}),
    "a declared dimension of the whole grid": (HEADER_ROW, {"dimension": "A1:XFD1048576"}),
    "the huge row outside xl/worksheets": (ONE_HUGE_ROW, {"sheet_path": "xl/lembar.xml"}),
}

# Loose bounds: the unbounded read took 27 s and 1.27 GB on this file.
MAX_SECONDS = 3.0
MAX_PEAK_BYTES = 100 * 1024 * 1024


def _measure(call):
    tracemalloc.start()
    started = time.perf_counter()
    try:
        with pytest.raises(Exception) as info:
            call()
        elapsed = time.perf_counter() - started
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return info.value, elapsed, peak


def test_the_hostile_file_is_small():
    data = hostile_xlsx(ONE_HUGE_ROW)
    assert len(data) < 100 * 1024
    assert len(data) < importers.MAX_IMPORT_BYTES


@pytest.mark.django_db
@pytest.mark.parametrize("case", list(HOSTILE))
def test_hostile_product_import_is_refused_quickly_in_little_memory(vendor, case):
    body, options = HOSTILE[case]
    upload = SimpleUploadedFile("produk.xlsx", hostile_xlsx(body, **options))
    error, elapsed, peak = _measure(
        lambda: services.import_products(vendor=vendor, upload=upload, by=vendor.user)
    )
    assert isinstance(error, services.CatalogError)
    assert "terlalu banyak" in str(error) or "terlalu besar" in str(error)
    assert elapsed < MAX_SECONDS, f"{case}: {elapsed:.2f} s"
    assert peak < MAX_PEAK_BYTES, f"{case}: {peak / 1e6:.0f} MB"
    assert not Product.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("case", list(HOSTILE))
def test_hostile_rup_import_is_refused_quickly_in_little_memory(case):
    body, options = HOSTILE[case]
    data = hostile_xlsx(body, **options)
    error, elapsed, peak = _measure(lambda: import_rup_packages(filename="rup.xlsx", data=data))
    assert isinstance(error, RUPImportError)
    assert "terlalu banyak" in error.errors[0]
    assert elapsed < MAX_SECONDS, f"{case}: {elapsed:.2f} s"
    assert peak < MAX_PEAK_BYTES, f"{case}: {peak / 1e6:.0f} MB"
    assert not RUPPackage.objects.exists()


@pytest.mark.django_db
def test_rup_import_page_shows_the_refusal_in_indonesian(bpbj_client):
    upload = io.BytesIO(hostile_xlsx(ONE_HUGE_ROW))
    upload.name = "rup.xlsx"
    response = bpbj_client.post(reverse("procurement:rup_import"), {"file": upload})
    assert response.status_code == 200
    assert "Lembar kerja terlalu banyak kolom" in response.context["errors"][0]


@pytest.mark.django_db
def test_a_sheet_within_the_bounds_still_imports(vendor):
    from tests.factories import CategoryFactory

    category = CategoryFactory(slug="makanan-minuman")
    rows = "".join(
        f'<row r="{n}">'
        + "".join(
            f'<c r="{chr(65 + i)}{n}" t="inlineStr"><is><t>{v}</t></is></c>'
            for i, v in enumerate([f"Keripik {n}", category.slug, "pcs", "15000", "1", "5", "2", "", "", "0"])
        )
        + "</row>"
        for n in range(2, 12)
    )
    upload = SimpleUploadedFile("produk.xlsx", hostile_xlsx(HEADER_ROW + rows, dimension="A1:J11"))
    result = services.import_products(vendor=vendor, upload=upload, by=vendor.user)
    assert Product.objects.count() == 10, result
