"""The public leakage map, the dashboard and OPD pages, and BPBJ's import pages, per role."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from leakage.models import AccountCategoryMap, RealisationImport, RealisedSpending
from tests.factories import CategoryFactory, OPDFactory, ProductFactory, VendorFactory
from tests.opd_scoring.factories import paid_order

from .helpers import csv_upload, import_rows

pytestmark = pytest.mark.django_db
JKT = ZoneInfo("Asia/Jakarta")
ATK_CODE = "5.1.02.01.01.0024"
MAP_URL = reverse("leakage:map")
IMPORT_URL = reverse("leakage:import_list")


@pytest.fixture
def atk(db):
    category = CategoryFactory(name="Alat Tulis Kantor", slug="atk")
    AccountCategoryMap.objects.create(account_code=ATK_CODE, category=category)
    vendor = VendorFactory(is_local=True)
    for _i in range(3):
        ProductFactory(vendor=vendor, category=category, published_at=datetime(2025, 1, 2, tzinfo=JKT))
    return category


def test_public_map_shows_categories_and_opds_but_no_personal_payee_names(anon_client, atk):
    opd = OPDFactory(name="Dinas Bocor")
    import_rows(
        [
            [opd.code, "2025-03-01", ATK_CODE, "", "5000000", "CV Luar Kota Malang", ""],
            [opd.code, "2025-03-02", ATK_CODE, "", "2000000", "Siti Aminah", ""],
        ]
    )
    response = anon_client.get(MAP_URL, {"tahun": 2025})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Alat Tulis Kantor" in html and "Dinas Bocor" in html
    assert "Rp7.000.000" in html
    assert "CV Luar Kota Malang" in html
    assert "Siti Aminah" not in html


def test_map_says_when_nothing_was_imported_and_odd_years_fall_back(anon_client):
    response = anon_client.get(MAP_URL, {"tahun": "abc"})
    assert response.status_code == 200
    assert "belum diimpor" in response.content.decode()


def test_map_query_count_does_not_grow_with_opds(anon_client, atk, django_assert_max_num_queries):
    rows = []
    for _i in range(15):
        opd = OPDFactory()
        paid_order(opd, VendorFactory(), "100000", paid_at=datetime(2025, 3, 1, tzinfo=JKT), category=atk)
        rows.append([opd.code, "2025-03-01", ATK_CODE, "", "900000", "PT Jauh", ""])
    import_rows(rows)
    with django_assert_max_num_queries(12):
        response = anon_client.get(MAP_URL, {"tahun": 2025})
    assert response.content.decode().count("Dinas Uji") >= 15


def test_dashboard_and_opd_page_show_leakage(anon_client, bpbj_client, atk):
    opd = OPDFactory(name="Dinas Bocor")
    import_rows([[opd.code, "2025-03-01", ATK_CODE, "", "5000000", "", ""]])
    dashboard = anon_client.get(reverse("opd_scoring:dashboard"), {"tahun": 2025}).content.decode()
    assert 'id="luar-katalog"' in dashboard and "Alat Tulis Kantor" in dashboard
    page = bpbj_client.get(
        reverse("opd_scoring:opd_detail", args=[opd.code]), {"tahun": 2025}
    ).content.decode()
    assert "Belanja di luar katalog 2025" in page and "Rp5.000.000" in page
    assert "Belanjakan Alat Tulis Kantor lewat katalog" in page  # the next step names the category


@pytest.mark.parametrize("client_name", ["anon_client", "vendor_client", "buyer_client"])
def test_only_bpbj_reaches_the_import_pages(request, client_name, atk):
    client = request.getfixturevalue(client_name)
    batch = import_rows([])
    for url in (
        IMPORT_URL,
        reverse("leakage:import_detail", args=[batch.pk]),
        reverse("leakage:import_status", args=[batch.pk]),
        reverse("leakage:import_template", args=["csv"]),
    ):
        response = client.get(url)
        assert response.status_code in (302, 403), url
    assert client.post(IMPORT_URL, {}).status_code in (302, 403)
    assert RealisationImport.objects.count() == 1


def test_bpbj_uploads_a_file_and_sees_the_result(bpbj_client, atk, django_capture_on_commit_callbacks):
    opd = OPDFactory()
    upload = csv_upload(
        [
            [opd.code, "2025-03-01", ATK_CODE, "", "5000000", "", ""],
            ["x.x", "2025-03-01", ATK_CODE, "", "5000000", "", ""],
        ]
    )
    # The worker task (eager here) is sent once the upload has committed.
    with django_capture_on_commit_callbacks(execute=True):
        response = bpbj_client.post(
            IMPORT_URL,
            {"fiscal_year": 2025, "period_start": "2025-01-01", "period_end": "2025-12-31", "file": upload},
        )
    batch = RealisationImport.objects.get()
    assert response.status_code == 302 and response["Location"] == batch.get_absolute_url()
    page = bpbj_client.get(response["Location"]).content.decode()
    assert "1 dari 2 baris masuk" in page and "kode OPD &#x27;x.x&#x27; tidak dikenal" in page
    status = bpbj_client.get(reverse("leakage:import_status", args=[batch.pk])).json()
    assert status["finished"] and status["percent"] == 100
    assert RealisedSpending.objects.count() == 1
    assert bpbj_client.get(reverse("leakage:import_detail", args=[batch.pk + 99])).status_code == 404
    template = bpbj_client.get(reverse("leakage:import_template", args=["xlsx"]))
    assert template.status_code == 200 and template.content.startswith(b"PK")


def test_bad_upload_form_answers_with_a_message_not_an_error(bpbj_client, atk):
    response = bpbj_client.post(
        IMPORT_URL,
        {
            "fiscal_year": 2025,
            "period_start": "2025-12-31",
            "period_end": "2025-01-01",
            "file": csv_upload([]),
        },
    )
    assert response.status_code == 200
    assert "Tanggal mulai periode harus sebelum tanggal akhir." in response.content.decode()
    assert not RealisationImport.objects.exists()


def test_admin_map_change_remaps_rows(admin_client_bpbj, atk):
    opd = OPDFactory()
    import_rows([[opd.code, "2025-03-01", "5.1.02.01.01.0099", "", "5000000", "", ""]])
    assert RealisedSpending.objects.get().category is None
    response = admin_client_bpbj.post(
        reverse("admin:leakage_accountcategorymap_add"),
        {"account_code": "5.1.02.01.01.0099", "category": atk.pk, "note": "Lainnya"},
    )
    assert response.status_code == 302
    assert RealisedSpending.objects.get().category == atk
    assert admin_client_bpbj.get(reverse("admin:leakage_realisationimport_changelist")).status_code == 200


def test_a_new_import_shows_on_the_cached_map_at_once(anon_client, atk):
    opd = OPDFactory(name="Dinas Baru")
    assert "Dinas Baru" not in anon_client.get(MAP_URL, {"tahun": 2025}).content.decode()
    import_rows([[opd.code, "2025-03-01", ATK_CODE, "", "5000000", "", ""]])
    assert "Dinas Baru" in anon_client.get(MAP_URL, {"tahun": 2025}).content.decode()


def test_dashboard_with_realisation_keeps_a_fixed_query_count(anon_client, atk):
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    dashboard = reverse("opd_scoring:dashboard")
    import_rows([[OPDFactory().code, "2025-03-01", ATK_CODE, "", "5000000", "", ""]])
    cache.clear()
    with CaptureQueriesContext(connection) as small:
        anon_client.get(dashboard, {"tahun": 2025})
    import_rows(
        [[OPDFactory().code, "2025-03-01", ATK_CODE, "", "5000000", "", ""] for _i in range(10)],
        start=datetime(2025, 3, 1).date(),
        end=datetime(2025, 3, 31).date(),
    )
    cache.clear()
    with CaptureQueriesContext(connection) as large:
        anon_client.get(dashboard, {"tahun": 2025})
    assert len(large) == len(small)
