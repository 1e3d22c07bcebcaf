"""Bulk import from CSV and XLSX: valid rows become drafts, invalid rows are reported by line."""

import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from catalog import importers, services
from catalog.models import Product, ProductStatus
from tests.factories import CategoryFactory

HEADER = "nama,kategori,satuan,harga,minimal_pesan,stok,waktu_kirim_hari,deskripsi,spesifikasi,tkdn"


def csv_file(*lines, name="produk.csv", header=HEADER, encoding="utf-8"):
    text = "\n".join([header, *lines]) + "\n"
    return SimpleUploadedFile(name, text.encode(encoding), content_type="text/csv")


def xlsx_file(rows, name="produk.xlsx"):
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


@pytest.fixture
def import_url():
    return reverse("catalog:product_import")


class TestCsv:
    def test_valid_rows_become_drafts_and_invalid_rows_are_reported(self, vendor, category):
        upload = csv_file(
            "Keripik Apel,makanan-minuman,bungkus,15.000,10,200,2,Renyah,Berat: 100 g; Bahan: apel,75",
            "Tanpa Harga,makanan-minuman,bungkus,,1,1,1,,,",
            "Sari Apel,Makanan & Minuman,botol,8000,,,,,,",
            "Salah Kategori,tidak-ada,pcs,1000,1,1,1,,,",
            "TKDN aneh,makanan-minuman,pcs,1000,1,1,1,,,250",
        )
        outcome = services.import_products(vendor=vendor, upload=upload, by=vendor.user)
        assert [p.name for p in outcome.created] == ["Keripik Apel", "Sari Apel"]
        assert [line for line, _message in outcome.errors] == [3, 5, 6]
        messages = dict(outcome.errors)
        assert "harga" in messages[3]
        assert "tidak-ada" in messages[5]
        assert "tkdn" in messages[6]
        keripik = Product.objects.get(name="Keripik Apel")
        assert keripik.status == ProductStatus.DRAFT
        assert keripik.price == Decimal("15000")
        assert keripik.specifications == [["Berat", "100 g"], ["Bahan", "apel"]]
        sari = Product.objects.get(name="Sari Apel")
        assert (sari.min_order, sari.stock, sari.lead_time_days, sari.tkdn) == (1, 0, 1, 0)
        assert keripik.events.get().to_status == ProductStatus.DRAFT

    def test_semicolon_separated_csv_from_indonesian_excel(self, vendor, category):
        upload = csv_file(
            "Keripik;makanan-minuman;pcs;5000;1;10;1;;;", header=HEADER.replace(",", ";"), encoding="cp1252"
        )
        outcome = services.import_products(vendor=vendor, upload=upload, by=vendor.user)
        assert len(outcome.created) == 1 and not outcome.errors

    def test_formula_cells_are_text_never_numbers(self, vendor, category):
        upload = csv_file(
            '=HYPERLINK("http://x"),makanan-minuman,pcs,5000,1,1,1,,,',
            "Rumus,makanan-minuman,pcs,=1+1,1,1,1,,,",
        )
        outcome = services.import_products(vendor=vendor, upload=upload, by=vendor.user)
        assert [p.name for p in outcome.created] == ['=HYPERLINK("http://x")']
        assert outcome.errors[0][0] == 3 and "rumus" in outcome.errors[0][1]

    @pytest.mark.parametrize(
        ("header", "message"),
        [
            ("nama,kategori,satuan", "harga"),
            (HEADER + ",warna", "warna"),
            ("name,category,unit,price", "kolom wajib"),
        ],
    )
    def test_wrong_headers_import_nothing(self, vendor, category, header, message):
        upload = csv_file("a,b,c,d", header=header)
        with pytest.raises(services.CatalogError, match=message):
            services.import_products(vendor=vendor, upload=upload, by=vendor.user)
        assert not Product.objects.exists()

    def test_too_many_rows(self, vendor, category, monkeypatch):
        monkeypatch.setattr(importers, "MAX_IMPORT_ROWS", 3)
        upload = csv_file(*["X,makanan-minuman,pcs,1000,1,1,1,,,"] * 4)
        with pytest.raises(services.CatalogError, match="Maksimal 3"):
            services.import_products(vendor=vendor, upload=upload, by=vendor.user)
        assert not Product.objects.exists()

    def test_file_too_large(self, vendor, monkeypatch):
        monkeypatch.setattr(importers, "MAX_IMPORT_BYTES", 100)
        upload = csv_file(*["X,makanan-minuman,pcs,1000,1,1,1,,,"] * 10)
        with pytest.raises(services.CatalogError, match="terlalu besar"):
            services.import_products(vendor=vendor, upload=upload, by=vendor.user)

    @pytest.mark.parametrize(
        ("name", "content", "message"),
        [
            ("produk.txt", b"nama", "harus .csv atau .xlsx"),
            ("produk.xlsx", b"nama,kategori", "bukan berkas Excel"),
            ("produk.xlsx", b"PK\x03\x04rusak", "tidak dapat dibaca"),
            ("produk.csv", b"", "kosong"),
            ("produk.csv", HEADER.encode(), "Tidak ada baris"),
        ],
    )
    def test_bad_files(self, vendor, name, content, message):
        with pytest.raises(services.CatalogError, match=message):
            services.import_products(vendor=vendor, upload=SimpleUploadedFile(name, content), by=vendor.user)

    def test_ambiguous_category_name_asks_for_slug(self, vendor):
        CategoryFactory(name="Lainnya", slug="makanan-lainnya", parent=CategoryFactory(name="Makanan"))
        CategoryFactory(name="Lainnya", slug="atk-lainnya", parent=CategoryFactory(name="ATK"))
        outcome = services.import_products(
            vendor=vendor, upload=csv_file("X,Lainnya,pcs,1000,1,1,1,,,"), by=vendor.user
        )
        assert "slug" in outcome.errors[0][1]

    def test_pending_vendor_cannot_import(self, pending_vendor, category):
        with pytest.raises(services.CatalogError):
            services.import_products(
                vendor=pending_vendor,
                upload=csv_file("X,makanan-minuman,pcs,1000,1,1,1,,,"),
                by=pending_vendor.user,
            )


class TestXlsx:
    def test_xlsx_rows_with_numbers_and_errors_by_line(self, vendor, category):
        header = HEADER.split(",")
        upload = xlsx_file(
            [
                header,
                [
                    "Keripik Apel",
                    "makanan-minuman",
                    "bungkus",
                    15000,
                    10,
                    200,
                    2,
                    "Renyah",
                    "Berat: 100 g",
                    75.5,
                ],
                [None] * 10,
                ["Mahal", "makanan-minuman", "pcs", -5, 1, 1, 1, None, None, None],
                ["Rumus", "makanan-minuman", "pcs", "=A2*2", 1, 1, 1, None, None, None],
                ["Spesifikasi", "makanan-minuman", "pcs", 1000, 1, 1, 1, None, "tanpa titik dua", None],
            ]
        )
        outcome = services.import_products(vendor=vendor, upload=upload, by=vendor.user)
        assert [p.name for p in outcome.created] == ["Keripik Apel"]
        assert outcome.created[0].tkdn == Decimal("75.50")
        assert [line for line, _m in outcome.errors] == [4, 5, 6]
        assert "Kunci: nilai" in dict(outcome.errors)[6]


class TestViews:
    def test_page_reports_errors_by_line(
        self, vendor_client, category, import_url, django_capture_on_commit_callbacks
    ):
        upload = csv_file(
            "Keripik,makanan-minuman,pcs,5000,1,1,1,,,", "Rusak,makanan-minuman,pcs,abc,1,1,1,,,"
        )
        with django_capture_on_commit_callbacks(execute=True):  # eager: the import runs after commit
            response = vendor_client.post(import_url, {"file": upload})
        assert response.status_code == 302
        response = vendor_client.get(response.url)
        job = response.context["job"]
        assert job.created_count == 1
        assert job.errors[0][0] == 3
        html = response.content.decode()
        assert '<td data-label="Baris">3</td>' in html

    def test_file_level_error_is_shown_on_the_form(self, vendor_client, import_url):
        response = vendor_client.post(import_url, {"file": SimpleUploadedFile("a.doc", b"x")})
        assert "harus .csv atau .xlsx" in response.content.decode()

    def test_pending_vendor_sees_message(self, pending_vendor_client, import_url):
        response = pending_vendor_client.get(import_url)
        assert response.status_code == 403
        assert "belum terverifikasi" in response.content.decode()

    @pytest.mark.parametrize("fmt", ["csv", "xlsx"])
    def test_templates_download_and_import_cleanly(self, vendor_client, vendor, category, fmt):
        response = vendor_client.get(reverse("catalog:import_template", args=[fmt]))
        assert response.status_code == 200
        assert f"template-impor-produk.{fmt}" in response["Content-Disposition"]
        if fmt == "xlsx":
            workbook = load_workbook(io.BytesIO(response.content))
            assert [c.value for c in workbook["Produk"][1]] == importers.HEADERS
            assert workbook["Kategori"]["A2"].value == category.slug
        else:
            assert response.content.decode("utf-8-sig").splitlines()[0] == HEADER
        outcome = services.import_products(
            vendor=vendor, upload=SimpleUploadedFile(f"t.{fmt}", response.content), by=vendor.user
        )
        assert len(outcome.created) == 1 and not outcome.errors

    def test_unknown_template_format_is_404(self, vendor_client):
        assert vendor_client.get(reverse("catalog:import_template", args=["pdf"])).status_code == 404


def test_template_example_is_filed_under_a_snack_category_and_its_numbers_are_numbers(vendor_client, vendor):
    # Cleaning tools come first, as in the demo where the example used to land there.
    CategoryFactory(name="Alat Kebersihan", slug="alat-kebersihan")
    food = CategoryFactory(name="Makanan & Minuman", slug="makanan-minuman")
    snacks = CategoryFactory(name="Keripik & Camilan", slug="keripik-camilan", parent=food)
    response = vendor_client.get(reverse("catalog:import_template", args=["xlsx"]))
    row = [cell for cell in load_workbook(io.BytesIO(response.content))["Produk"][2]]
    values = dict(zip(importers.HEADERS, row, strict=True))
    assert values["nama"].value == "Keripik Apel Original 100 g"
    assert values["kategori"].value == snacks.slug
    for header in ("harga", "minimal_pesan", "stok", "waktu_kirim_hari", "tkdn"):
        assert values[header].data_type == "n", header
        assert isinstance(values[header].value, int), header
    outcome = services.import_products(
        vendor=vendor, upload=SimpleUploadedFile("t.xlsx", response.content), by=vendor.user
    )
    product = outcome.created[0]
    assert product.category == snacks and product.price == Decimal("15000") and product.tkdn == Decimal("75")


def test_template_without_a_food_category_gives_a_neutral_example(vendor_client, vendor):
    tools = CategoryFactory(name="Alat Kebersihan", slug="alat-kebersihan")
    text = vendor_client.get(reverse("catalog:import_template", args=["csv"])).content.decode("utf-8-sig")
    example = text.splitlines()[1]
    assert "Keripik" not in example
    assert example.startswith("Contoh produk Alat Kebersihan,alat-kebersihan,")
    outcome = services.import_products(
        vendor=vendor, upload=SimpleUploadedFile("t.csv", text.encode()), by=vendor.user
    )
    assert outcome.created[0].category == tools and not outcome.errors
