"""In headless Chromium: BPBJ imports an OPD's realised spending, the OPD sees its leakage,
BPBJ computes the index and the penalty proposal names the leak in plain words."""

from datetime import datetime

import pytest
from django.utils import timezone

from accounts.models import Role
from leakage.models import AccountCategoryMap, RealisationImport
from opd_scoring.models import Proposal, ProposalKind
from opd_scoring.services import get_active_scheme
from tests.factories import (
    PASSWORD,
    CategoryFactory,
    OPDMemberFactory,
    ProductFactory,
    UserFactory,
    VendorFactory,
)
from tests.opd_scoring.factories import paid_order

from .helpers import csv_upload

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def login(browser, live_server, username):
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    page.set_default_timeout(20000)
    page.goto(f"{live_server.url}/akun/masuk/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    return page


def run_admin_action(page, url, action):
    page.goto(url)
    page.check("input.action-select >> nth=0")
    page.select_option("select[name=action]", action)
    page.click("button[name=index]")
    page.wait_for_load_state()


def test_opd_goes_from_realisation_import_to_a_penalty_proposal_citing_its_leak(
    browser, live_server, tmp_path
):
    year = timezone.localdate().year
    atk = CategoryFactory(name="ATK", slug="atk")
    AccountCategoryMap.objects.create(account_code="5.1.02.01.01.0024", category=atk)
    local_vendor = VendorFactory(is_local=True)
    for _i in range(37):
        ProductFactory(
            vendor=local_vendor,
            category=atk,
            published_at=datetime(year, 1, 1, tzinfo=timezone.get_current_timezone()),
        )
    member = OPDMemberFactory(opd__name="Dinas Boros", user__username="ppkboros", user__role=Role.BUYER)
    opd = member.opd
    paid_order(opd, local_vendor, "10000000", paid_at=timezone.now(), category=atk)
    get_active_scheme()  # the default scheme: catalogue share weighs 15, penalty below 50%
    UserFactory(username="bpbjadmin", role=Role.ADMIN, is_staff=True, is_superuser=True)
    file = tmp_path / "realisasi.csv"
    today = timezone.localdate()
    file.write_bytes(
        csv_upload(
            [
                [opd.code, today.isoformat(), "5.1.02.01.01.0024", "ATK lewat katalog", "10000000", "", ""],
                [
                    opd.code,
                    today.isoformat(),
                    "5.1.02.01.01.0024",
                    "ATK toko luar kota",
                    "1200000000",
                    "CV Luar Kota",
                    "",
                ],
                ["0.00.00", today.isoformat(), "5.1.02.01.01.0024", "OPD salah", "1000", "", ""],
            ]
        ).read()
    )

    # 1. BPBJ uploads the SIPD export and reads the per-row result.
    bpbj = login(browser, live_server, "bpbjadmin")
    bpbj.goto(f"{live_server.url}/belanja-luar-katalog/impor/")
    bpbj.fill("input[name=fiscal_year]", str(year))
    bpbj.fill("input[name=period_start]", f"{year}-01-01")
    bpbj.fill("input[name=period_end]", today.isoformat())
    bpbj.set_input_files("input[name=file]", str(file))
    bpbj.click("main form button[type=submit]")
    bpbj.wait_for_selector("text=2 dari 3 baris masuk")
    assert "kode OPD '0.00.00' tidak dikenal" in bpbj.inner_text(".import-errors")
    assert RealisationImport.objects.get().status == "done"

    # 2. The OPD's own page shows what it bought outside the catalogue.
    buyer = login(browser, live_server, "ppkboros")
    buyer.goto(f"{live_server.url}/indeks/opd-saya/")
    buyer.wait_for_selector("#luar-katalog")
    section = buyer.inner_text("#luar-katalog")
    assert "Rp1.200.000.000" in section and "37" in section

    # 3. BPBJ computes the index and asks for proposals in the admin.
    run_admin_action(bpbj, f"{live_server.url}/admin/opd_scoring/scoringscheme/", "compute_current_year")
    run_admin_action(bpbj, f"{live_server.url}/admin/opd_scoring/scoresnapshot/", "propose")
    proposal = Proposal.objects.get(opd=opd, kind=ProposalKind.PENALTY)
    bpbj.goto(f"{live_server.url}/admin/opd_scoring/proposal/{proposal.pk}/change/")
    text = bpbj.content()
    assert "Rp1,2 M belanja ATK di luar katalog, padahal 37 produk ATK lokal tayang" in text
