import csv
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from opd_scoring.models import PeriodKind
from opd_scoring.selectors import dashboard_data
from opd_scoring.services import compute_snapshot, get_active_scheme, get_period, publish_snapshot
from procurement.models import OPDMember
from tests.factories import CategoryFactory, OPDFactory, VendorFactory

from .factories import BudgetFactory, at, paid_order

pytestmark = pytest.mark.django_db

DASHBOARD = reverse("opd_scoring:dashboard")


@pytest.fixture
def year(settings, monkeypatch):
    """Pin 'this year' to 2025 so the fixtures (fiscal year 2025) are the current year."""
    import opd_scoring.selectors as selectors

    monkeypatch.setattr(selectors, "current_year", lambda: 2025)
    return 2025


def published(by=None):
    snapshot = compute_snapshot(
        period=get_period(kind=PeriodKind.YEAR, year=2025), scheme=get_active_scheme()
    )
    return publish_snapshot(snapshot=snapshot, by=by)


# --- public dashboard ----------------------------------------------------------------------------


def test_anonymous_sees_the_dashboard_with_targets_and_charts(anon_client, city, year):
    response = anon_client.get(DASHBOARD, {"tahun": "2025"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "<svg" in body and "Tren belanja bulanan" in body
    assert "Rp650.000.000" in body  # paid spending of the year, in full in the table
    assert "2.500" in body or "2500" in body
    assert "Lihat tabel" in body


def test_anonymous_sees_only_a_published_ranking(anon_client, city, year):
    draft = compute_snapshot(period=get_period(kind=PeriodKind.YEAR, year=2025), scheme=get_active_scheme())
    body = anon_client.get(DASHBOARD, {"tahun": "2025"}).content.decode()
    assert "belum dipublikasikan" in body
    assert "Dinas Alpha" not in body
    assert (
        anon_client.get(
            reverse("opd_scoring:ranking_download", args=["csv"]), {"snapshot": draft.pk}
        ).status_code
        == 404
    )

    publish_snapshot(snapshot=draft)
    body = anon_client.get(DASHBOARD, {"tahun": "2025"}).content.decode()
    assert "Dinas Alpha" in body and "Dinas Gamma" in body
    # Anonymous visitors get no links to the OPD pages.
    assert reverse("opd_scoring:opd_detail", args=["1.01.A"]) not in body


@pytest.mark.parametrize("raw", ["abc", "", "99999", "-1", "2025'--", "1.5"])
def test_bad_year_never_breaks_the_dashboard(anon_client, raw, year):
    assert anon_client.get(DASHBOARD, {"tahun": raw}).status_code == 200


def test_dashboard_numbers_add_up_from_the_orders(city, year):
    cat = CategoryFactory(name="Makanan")
    paid_order(city["c"], city["v2"], 1_000_000, paid_at=at(2025, 12, 1), category=cat)
    published()
    data = dashboard_data(2025)
    assert data["paid_total"] == Decimal("651000000")
    assert data["ranking_paid_total"] == data["paid_total"]  # per-OPD spending sums to the city total
    assert sum(m["total"] for m in data["monthly"]) == data["paid_total"]
    assert sum(r["total"] for r in data["by_scale"]) == data["paid_total"]
    assert sum(r["total"] for r in data["by_kecamatan"]) == data["paid_total"]
    assert data["local_total"] == Decimal("551000000")
    assert data["pagu_total"] == Decimal("1500000000")
    assert data["local_share"] == Decimal("36.73")
    assert data["committed_total"] == Decimal("80000000")
    assert data["orders"] == 5
    assert data["top_vendors"][0]["label"] == "UD Apel Mikro"
    assert data["top_vendors"][0]["total"] == Decimal("450000000")


def _build_spending(n):
    opd = OPDFactory()
    BudgetFactory(opd=opd)
    for i in range(n):
        paid_order(
            opd,
            VendorFactory(),
            1_000_000 + i,
            paid_at=at(2025, 1 + i % 12, 1 + i % 27),
            category=CategoryFactory(),
        )


def test_dashboard_query_count_is_bounded_and_does_not_grow(anon_client, year):
    from django.core.cache import cache

    _build_spending(3)
    published()
    cache.clear()
    with CaptureQueriesContext(connection) as small:
        assert anon_client.get(DASHBOARD, {"tahun": "2025"}).status_code == 200
    for _ in range(4):
        _build_spending(5)
    published()
    cache.clear()
    with CaptureQueriesContext(connection) as large:
        assert anon_client.get(DASHBOARD, {"tahun": "2025"}).status_code == 200
    assert len(large) == len(small)
    assert len(large) <= 17  # one of them asks whether the year's SIPD realisation was imported
    # Cached: the second view costs no dashboard query at all.
    with CaptureQueriesContext(connection) as cached:
        anon_client.get(DASHBOARD, {"tahun": "2025"})
    assert len(cached) <= 2


def test_saving_an_order_invalidates_the_cached_dashboard(city, year):
    before = dashboard_data(2025)["paid_total"]
    paid_order(city["c"], city["v1"], 5_000_000, paid_at=at(2025, 7, 1))
    assert dashboard_data(2025)["paid_total"] == before + 5_000_000


def test_publishing_invalidates_the_cached_ranking(city, year, django_capture_on_commit_callbacks):
    assert dashboard_data(2025)["ranking"] == []
    with django_capture_on_commit_callbacks(execute=True):
        published()
    assert len(dashboard_data(2025)["ranking"]) == 3


# --- OPD page ------------------------------------------------------------------------------------


def _join(member, opd):
    OPDMember.objects.filter(pk=member.pk).update(opd=opd)


def test_my_opd_redirects_an_opd_user_to_their_own_page(buyer_client, opd_member):
    response = buyer_client.get(reverse("opd_scoring:my_opd"))
    assert response.status_code == 302
    assert response.url == reverse("opd_scoring:opd_detail", args=[opd_member.opd.code])


def test_my_opd_needs_login_and_sends_bpbj_to_the_ranking(anon_client, bpbj_client, vendor_client):
    assert anon_client.get(reverse("opd_scoring:my_opd")).status_code == 302
    assert reverse("login") in anon_client.get(reverse("opd_scoring:my_opd")).url
    assert bpbj_client.get(reverse("opd_scoring:my_opd")).url.startswith(DASHBOARD)
    assert vendor_client.get(reverse("opd_scoring:my_opd")).status_code == 404


def test_opd_user_sees_own_page_with_components_and_next_steps(buyer_client, opd_member, city, year):
    _join(opd_member, city["a"])
    response = buyer_client.get(reverse("opd_scoring:opd_detail", args=["1.01.A"]), {"tahun": "2025"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "Belanja produk lokal Rp100.000.000 lagi untuk mencapai 40% dari pagu barang/jasa." in body
    assert "30%" in body  # local share
    assert "Median hari dari BAST sampai dibayar" in body


def test_opd_page_of_another_opd_is_404(other_buyer_client, opd_member, city, year):
    _join(opd_member, city["a"])
    assert other_buyer_client.get(reverse("opd_scoring:opd_detail", args=["1.01.A"])).status_code == 404
    assert other_buyer_client.get(reverse("opd_scoring:opd_detail", args=["nope"])).status_code == 404


def test_opd_page_needs_login(anon_client, city):
    response = anon_client.get(reverse("opd_scoring:opd_detail", args=["1.01.A"]))
    assert response.status_code == 302 and reverse("login") in response.url


def test_bpbj_sees_any_opd_page_including_one_without_budget(bpbj_client, city, year):
    response = bpbj_client.get(reverse("opd_scoring:opd_detail", args=["1.01.B"]), {"tahun": "abc"})
    assert response.status_code == 200
    assert "n/a" in response.content.decode()


def test_opd_user_sees_only_published_history_bpbj_sees_drafts(
    buyer_client, bpbj_client, opd_member, city, year
):
    _join(opd_member, city["a"])
    compute_snapshot(period=get_period(kind=PeriodKind.YEAR, year=2025), scheme=get_active_scheme())
    url = reverse("opd_scoring:opd_detail", args=["1.01.A"])
    assert "belum ada indeks yang dipublikasikan" in buyer_client.get(url).content.decode()
    assert "belum dipublikasikan" in bpbj_client.get(url).content.decode()


def test_dashboard_links_own_opd_for_its_user(buyer_client, opd_member, city, year):
    _join(opd_member, city["a"])
    published()
    body = buyer_client.get(DASHBOARD, {"tahun": "2025"}).content.decode()
    assert reverse("opd_scoring:opd_detail", args=["1.01.A"]) in body
    assert reverse("opd_scoring:opd_detail", args=["1.01.C"]) not in body


# --- downloads -----------------------------------------------------------------------------------


def _csv_rows(response):
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_ranking_csv_and_xlsx_are_public_for_a_published_snapshot(anon_client, city, year):
    snapshot = published()
    response = anon_client.get(reverse("opd_scoring:ranking_download", args=["csv"]))
    assert response.status_code == 200
    rows = _csv_rows(response)
    assert rows[0][0] == "Peringkat" and len(rows) == 4
    assert sum(Decimal(r[4]) for r in rows[1:]) == Decimal("650000000")

    response = anon_client.get(
        reverse("opd_scoring:ranking_download", args=["xlsx"]), {"snapshot": snapshot.pk}
    )
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.max_row == 4


def test_downloads_404_without_a_published_snapshot_or_with_bad_input(anon_client, db):
    url = reverse("opd_scoring:ranking_download", args=["csv"])
    assert anon_client.get(url).status_code == 404
    assert anon_client.get(url, {"snapshot": "abc"}).status_code == 404
    assert anon_client.get(url, {"tahun": "zzz"}).status_code == 404


def test_transactions_download_adds_up_and_has_no_personal_data(anon_client, city, year):
    published()
    response = anon_client.get(reverse("opd_scoring:transactions_download", args=["csv"]))
    assert response.status_code == 200
    rows = _csv_rows(response)
    assert len(rows) == 1 + 4  # the paid orders only
    assert sum(Decimal(r[7]) for r in rows[1:]) == Decimal("650000000")
    text = response.content.decode("utf-8-sig")
    for vendor in (city["v1"], city["v2"], city["v3"]):
        assert vendor.bank_account_number not in text
        assert vendor.owner_name not in text
    xlsx = anon_client.get(reverse("opd_scoring:transactions_download", args=["xlsx"]))
    assert load_workbook(io.BytesIO(xlsx.content)).active.max_row == 5


def test_spreadsheet_formulae_in_names_are_neutralised(anon_client, city, year):
    city["v1"].business_name = '=HYPERLINK("http://x")'
    city["v1"].save()
    published()
    text = anon_client.get(reverse("opd_scoring:transactions_download", args=["csv"])).content.decode(
        "utf-8-sig"
    )
    assert "'=HYPERLINK" in text


@pytest.mark.django_db
def test_cached_dashboard_is_kept_per_language(anon_client):
    from django.conf import settings

    english = anon_client.post("/i18n/setlang/", {"language": "en", "next": "/indeks/"}, follow=True)
    assert english.status_code == 200
    anon_client.cookies.pop(settings.LANGUAGE_COOKIE_NAME)
    indonesian = anon_client.get("/indeks/").content.decode()
    # Month labels come from the cached data: the English visit must not leak "May" into Indonesian.
    assert "Mei" in indonesian and ">May<" not in indonesian
