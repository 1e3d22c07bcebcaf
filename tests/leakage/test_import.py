"""Importing SIPD realised spending: rows, bad rows, re-import of a period, XLSX, large files."""

from datetime import date
from decimal import Decimal

import pytest

from leakage import importer, services
from leakage.models import AccountCategoryMap, RealisationImportStatus, RealisedSpending
from tests.factories import CategoryFactory, OPDFactory, VendorFactory

from .helpers import csv_upload, import_rows, xlsx_upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def atk(db):
    category = CategoryFactory(name="Alat Tulis Kantor", slug="atk")
    AccountCategoryMap.objects.create(account_code="5.1.02.01.01.0024", category=category)
    return category


@pytest.fixture
def opd(db):
    return OPDFactory(code="1.03.01")


def test_import_reads_rows_and_maps_opd_category_and_catalogue_vendor(atk, opd):
    vendor = VendorFactory(npwp="012345678625000")
    batch = import_rows(
        [
            [
                opd.code,
                "2025-03-31",
                "5.1.02.01.01.0024",
                "ATK triwulan I",
                "12.500.000",
                "CV Sinar Abadi",
                "01.234.567.8-625.000",
            ],
            [opd.code, "15/04/2025", "5.1.02.01.01.0099", "Lain-lain", "1250000,00", "Budi Santoso", ""],
        ]
    )
    assert batch.status == RealisationImportStatus.DONE
    assert (batch.imported_rows, batch.error_count, batch.total_amount) == (2, 0, Decimal("13750000"))
    first, second = RealisedSpending.objects.order_by("spent_on")
    assert first.opd == opd and first.category == atk and first.vendor == vendor
    assert first.amount == Decimal("12500000") and first.payee_npwp == "0012345678625000"
    assert first.payee_is_company and not second.payee_is_company
    assert second.category is None and second.vendor is None and second.spent_on == date(2025, 4, 15)
    assert not batch.file  # the upload is not kept once its rows are in


def test_bad_rows_are_listed_with_line_and_reason_and_good_rows_still_import(atk, opd):
    batch = import_rows(
        [
            [opd.code, "2025-01-10", "5.1.02.01.01.0024", "baik", "1000000", "", ""],
            ["9.99.99", "2025-01-10", "5.1.02.01.01.0024", "", "1000000", "", ""],
            [opd.code, "31-02-2025", "5.1.02.01.01.0024", "", "1000000", "", ""],
            [opd.code, "2024-12-31", "5.1.02.01.01.0024", "", "1000000", "", ""],
            [opd.code, "2025-01-10", "ATK", "", "1000000", "", ""],
            [opd.code, "2025-01-10", "5.1.02.01.01.0024", "", "satu juta", "", ""],
            [opd.code, "2025-01-10", "5.1.02.01.01.0024", "", "0", "", ""],
            [opd.code, "2025-01-10", "5.1.02.01.01.0024", "", "1000000", "PT X", "12345"],
        ]
    )
    assert batch.status == RealisationImportStatus.DONE
    assert batch.imported_rows == 1 and batch.error_count == 7
    errors = dict(batch.errors)
    assert "kode OPD '9.99.99' tidak dikenal" in errors[3]
    assert "tidak dikenali" in errors[4]
    assert "di luar periode" in errors[5]
    assert "kode rekening 'ATK' tidak sah" in errors[6]
    assert "bukan angka Rupiah" in errors[7]
    assert "lebih dari 0" in errors[8]
    assert "NPWP" in errors[9]
    assert RealisedSpending.objects.count() == 1


def test_reimporting_the_same_period_replaces_rows_instead_of_adding(atk, opd):
    rows = [[opd.code, "2025-02-01", "5.1.02.01.01.0024", "", "2000000", "", ""]] * 3
    import_rows(rows, start=date(2025, 1, 1), end=date(2025, 3, 31))
    again = import_rows(rows, start=date(2025, 1, 1), end=date(2025, 3, 31))
    assert again.replaced_rows == 3
    assert RealisedSpending.objects.count() == 3
    # Another quarter is kept beside it.
    import_rows(
        [[opd.code, "2025-04-01", "5.1.02.01.01.0024", "", "500000", "", ""]],
        start=date(2025, 4, 1),
        end=date(2025, 6, 30),
    )
    total = sum(RealisedSpending.objects.values_list("amount", flat=True))
    assert total == Decimal("6500000")


def test_a_file_without_required_columns_fails_and_keeps_earlier_figures(atk, opd):
    import_rows([[opd.code, "2025-02-01", "5.1.02.01.01.0024", "", "2000000", "", ""]])
    bad = import_rows(
        [],
        upload=csv_upload([["x", "y"]], header=["kode_opd", "tanggal"]),
    )
    assert bad.status == RealisationImportStatus.FAILED
    assert "kode_rekening" in bad.message and "jumlah" in bad.message
    assert RealisedSpending.objects.filter(batch__status="done").count() == 1


def test_other_formats_are_refused_with_a_message(atk):
    with pytest.raises(services.LeakageError, match="csv atau .xlsx"):
        services.create_import(
            upload=csv_upload([], name="realisasi.pdf"),
            fiscal_year=2025,
            period_start=date(2025, 1, 1),
            period_end=date(2025, 12, 31),
        )
    with pytest.raises(services.LeakageError, match="tahun anggaran"):
        services.create_import(
            upload=csv_upload([]),
            fiscal_year=2025,
            period_start=date(2024, 1, 1),
            period_end=date(2025, 1, 1),
        )


def test_xlsx_files_use_the_same_layout(atk, opd):
    batch = import_rows(
        [],
        upload=xlsx_upload(
            [[opd.code, date(2025, 5, 2), "5.1.02.01.01.0024", "ATK", 3_450_000, "UD Maju", None]]
        ),
    )
    assert batch.status == RealisationImportStatus.DONE, batch.message
    row = RealisedSpending.objects.get()
    assert (row.spent_on, row.amount, row.category) == (date(2025, 5, 2), Decimal("3450000"), atk)


def test_large_file_is_imported_in_committed_chunks_with_progress(atk, opd, monkeypatch):
    monkeypatch.setattr(services, "BATCH_SIZE", 500)
    seen = []
    real_bulk_create = RealisedSpending.objects.bulk_create

    def spy(objs, **kwargs):
        seen.append(len(objs))
        return real_bulk_create(objs, **kwargs)

    monkeypatch.setattr(RealisedSpending.objects, "bulk_create", spy)
    rows = [
        [opd.code, "2025-06-01", "5.1.02.01.01.0024", f"baris {i}", str(1000 + i), "", ""]
        for i in range(3000)
    ]
    batch = import_rows(rows)
    assert batch.status == RealisationImportStatus.DONE
    assert batch.total_rows == batch.processed_rows == batch.imported_rows == 3000
    assert seen[:6] == [500] * 6
    assert batch.total_amount == Decimal(sum(1000 + i for i in range(3000)))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1250000", Decimal("1250000")),
        ("1.250.000", Decimal("1250000")),
        ("1,250,000", Decimal("1250000")),
        ("1250000,00", Decimal("1250000")),
        ("Rp 1.250.000,00", Decimal("1250000")),
        ("12,5", None),
        ("abc", None),
    ],
)
def test_amounts_are_read_as_whole_rupiah(text, expected):
    assert importer.parse_amount(text) == expected


def test_template_files_carry_the_documented_columns():
    assert importer.template_csv().decode("utf-8-sig").splitlines()[0] == ",".join(importer.HEADERS)
    assert importer.template_xlsx().startswith(b"PK")


def test_an_import_whose_worker_died_starts_again_without_counting_twice(atk, opd):
    from datetime import timedelta

    from django.utils import timezone

    from leakage.models import RealisationImport
    from leakage.tasks import resume_realisation_imports

    rows = [[opd.code, "2025-06-01", "5.1.02.01.01.0024", "", "1000", "", ""]] * 5
    batch = services.create_import(
        upload=csv_upload(rows),
        fiscal_year=2025,
        period_start=date(2025, 1, 1),
        period_end=date(2025, 12, 31),
    )
    # A worker claimed it, wrote some rows and died (no heartbeat for longer than the lease).
    long_ago = timezone.now() - timedelta(hours=1)
    RealisationImport.objects.filter(pk=batch.pk).update(
        status=RealisationImportStatus.RUNNING, heartbeat_at=long_ago, created_at=long_ago, attempts=1
    )
    RealisedSpending.objects.create(
        batch=batch, opd=opd, fiscal_year=2025, spent_on=date(2025, 6, 1), account_code="5", amount=Decimal(1)
    )
    assert resume_realisation_imports() == 1
    batch.refresh_from_db()
    assert batch.status == RealisationImportStatus.DONE and batch.attempts == 2
    assert RealisedSpending.objects.count() == 5
    assert resume_realisation_imports() == 0
