"""Onboarding in headless Chromium on a 360 px phone: a micro business registers in steps through
an error without losing anything, and a business registered at an outreach event is confirmed by
its owner through the one-time link."""

import os
import re

import pytest

from accounts.models import Role
from catalog.models import Vendor, VendorStatus
from outbox.models import OutboxMessage
from tests.factories import PASSWORD, CategoryFactory, KelurahanFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
SHOTS = os.environ.get("SCREENSHOT_DIR")  # set to keep screenshots of each step for review


def phone_page(browser, width=360):
    context = browser.new_context(viewport={"width": width, "height": 780}, is_mobile=width < 500)
    page = context.new_page()
    page.set_default_timeout(15000)
    return page


def shot(page, name):
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}-{page.viewport_size['width']}.png"), full_page=True)


def fits_the_screen(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def submit(page, selector="main form.form-card button[type=submit]"):
    page.click(selector)
    page.wait_for_load_state()


def fill_business(page, kelurahan, *, nib, phone):
    page.fill("input[name=business_name]", "Keripik Apel Bu Sri")
    page.fill("input[name=owner_name]", "Sri Wahyuni")
    page.fill("input[name=nib]", nib)
    page.fill("input[name=kbli]", "10792")
    page.fill("input[name=npwp]", "01.234.567.8-901.234")
    page.check("input[name=scale][value=mikro]")
    page.fill("input[name=address]", "Jl. Bukit Berbunga 5")
    page.select_option("select[name=kecamatan]", str(kelurahan.kecamatan_id))
    page.select_option("select[name=kelurahan]", str(kelurahan.pk))
    page.fill("input[name=phone]", phone)
    page.fill("input[name=email]", "sri@example.test")
    page.fill("input[name=bank_name]", "Bank Jatim")
    page.fill("input[name=bank_account_number]", "0011223344")
    page.fill("input[name=bank_account_name]", "Sri Wahyuni")


@pytest.mark.parametrize("width", [360, 1366])
def test_micro_business_registers_in_steps_on_a_phone_through_an_error_losing_nothing(
    browser, live_server, width
):
    kelurahan = KelurahanFactory(kecamatan__name="Bumiaji", name="Tulungrejo")
    food = CategoryFactory(name="Makanan olahan", slug="makanan-olahan", required_documents=["pirt", "halal"])
    CategoryFactory(name="Keripik", slug="keripik", parent=food, kbli_codes="10792")
    page = phone_page(browser, width)

    # 1. Account.
    page.goto(f"{live_server.url}/daftar/")
    assert fits_the_screen(page)
    shot(page, "daftar-1-akun")
    page.fill("input[name=username]", "busri")
    page.fill("input[name=password1]", "Apel-Batu-2026!")
    page.fill("input[name=password2]", "Apel-Batu-2026!")
    submit(page)

    # 2. Business, with a NIB one digit short and the phone typed the way people type it.
    assert "/business/" in page.url
    fill_business(page, kelurahan, nib="912000123456", phone="0812-3456-7890")
    submit(page)
    summary = page.locator("#error-summary")
    assert summary.is_visible()
    assert "NIB harus 13 digit" in summary.inner_text()
    assert "Telepon" not in summary.inner_text()  # the phone form was accepted
    shot(page, "daftar-2-usaha-galat")
    assert fits_the_screen(page)
    # Everything typed is still there, including the radio choice and the selects.
    assert page.input_value("input[name=business_name]") == "Keripik Apel Bu Sri"
    assert page.is_checked("input[name=scale][value=mikro]")
    assert page.input_value("select[name=kelurahan]") == str(kelurahan.pk)
    # The summary's link leads to the field.
    summary.locator("a[href='#f-nib']").click()
    assert page.url.endswith("#f-nib")
    page.fill("input[name=nib]", "9120001234567")
    submit(page)

    # 3. Documents: one good, one not a PDF; the good one is kept, the checklist says what is needed.
    assert "/documents/" in page.url
    assert "Anda dapat menjual di kategori: Keripik." in page.content()
    page.set_input_files(
        "input[name=doc_halal]", {"name": "halal.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    page.set_input_files(
        "input[name=doc_pirt]", {"name": "pirt.pdf", "mimeType": "application/pdf", "buffer": b"foto"}
    )
    submit(page)
    assert "Dokumen harus berupa PDF atau gambar" in page.locator("#error-summary").inner_text()
    assert "halal.pdf" in page.locator(".saved-docs").inner_text()
    shot(page, "daftar-3-dokumen-galat")
    assert fits_the_screen(page)
    resume = page.locator(".resume-link a").get_attribute("href")

    # She leaves; later, on another phone, the resume link brings everything back.
    page.context.close()
    page = phone_page(browser, width)
    page.goto(resume)
    assert "/documents/" in page.url
    assert "halal.pdf" in page.locator(".saved-docs").inner_text()
    page.set_input_files(
        "input[name=doc_pirt]", {"name": "pirt.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    submit(page)

    # 4. Review and send.
    assert "/review/" in page.url
    text = page.locator("main").inner_text()
    assert "081234567890" in text and "Keripik Apel Bu Sri" in text and "PIRT" in text
    shot(page, "daftar-4-periksa")
    assert fits_the_screen(page)
    page.click("button:has-text('Kirim pendaftaran')")
    page.wait_for_load_state()
    assert "Menunggu verifikasi" in page.content()
    vendor = Vendor.objects.get(nib="9120001234567")
    assert vendor.status == VendorStatus.PENDING and vendor.phone == "081234567890"
    assert vendor.user.check_password("Apel-Batu-2026!")
    assert set(vendor.documents.values_list("kind", flat=True)) == {"halal", "pirt"}


def test_assisted_registration_at_an_outreach_event_is_confirmed_by_its_owner(browser, live_server):
    kelurahan = KelurahanFactory(kecamatan__name="Bumiaji", name="Punten")
    KelurahanFactory(kecamatan__name="Batu", name="Sisir")
    UserFactory(username="pengelola", role=Role.CATALOG_MANAGER)

    bpbj = phone_page(browser, width=1366)
    bpbj.goto(f"{live_server.url}/akun/masuk/")
    bpbj.fill("input[name=username]", "pengelola")
    bpbj.fill("input[name=password]", PASSWORD)
    bpbj.click("main form button[type=submit]")
    bpbj.wait_for_load_state()

    # BPBJ records the event, then registers a business with its owner there.
    bpbj.goto(f"{live_server.url}/bpbj/pendampingan/")
    bpbj.fill("input[name=name]", "Pendampingan UMKM Punten")
    bpbj.fill("input[name=held_on]", "2026-03-10")
    bpbj.select_option("select[name=kecamatan]", str(kelurahan.kecamatan_id))
    bpbj.select_option("select[name=kelurahan]", str(kelurahan.pk))
    submit(bpbj)
    bpbj.click("button:has-text('Daftarkan usaha baru')")
    bpbj.wait_for_load_state()
    fill_business(bpbj, kelurahan, nib="9120001234567", phone="+62 812 3456 7890")
    submit(bpbj)
    submit(bpbj)  # no documents today
    bpbj.click("button:has-text('Kirim tautan konfirmasi ke pemilik')")
    bpbj.wait_for_load_state()
    assert "Menunggu konfirmasi pemilik" in bpbj.content()
    shot(bpbj, "pendampingan-kegiatan")
    assert not Vendor.objects.exists()
    body = OutboxMessage.objects.get(to_email="sri@example.test").body
    link = re.search(r"https?://\S+/daftar/konfirmasi/\S+/", body).group(0)
    assert link in bpbj.content()  # also shown to the staff, to open on the owner's phone

    # The owner opens the link on her phone, checks the data, picks her login and confirms.
    owner = phone_page(browser)
    owner.goto(link)
    assert fits_the_screen(owner)
    assert "Keripik Apel Bu Sri" in owner.content() and "081234567890" in owner.content()
    owner.fill("input[name=username]", "busri")
    owner.fill("input[name=password1]", "Apel-Batu-2026!")
    owner.fill("input[name=password2]", "Apel-Batu-2026!")
    submit(owner)  # forgot to agree
    assert "Centang persetujuan" in owner.locator("#error-summary").inner_text()
    shot(owner, "konfirmasi-pemilik-galat")
    assert owner.input_value("input[name=username]") == "busri"
    assert "sudah tersimpan" in owner.content()  # the password need not be typed again
    owner.check("input[name=agree]")
    submit(owner)
    assert "Menunggu verifikasi" in owner.content()
    vendor = Vendor.objects.get()
    assert vendor.user.username == "busri" and vendor.registration.event.name == "Pendampingan UMKM Punten"

    # The link worked once.
    again = phone_page(browser)
    again.goto(link)
    assert "Tautan tidak berlaku" in again.content()
    bpbj.goto(f"{live_server.url}/bpbj/pendampingan/")
    assert "Bumiaji" in bpbj.content()
    shot(bpbj, "pendampingan-jangkauan")


@pytest.mark.parametrize("width", [360, 1366])
def test_help_pages_fit_the_screen_and_a_question_reaches_bpbj(browser, live_server, width):
    from onboarding.models import HelpTicket

    CategoryFactory(
        name="Makanan olahan", slug="makanan-olahan", required_documents=["pirt"], kbli_codes="10792"
    )
    page = phone_page(browser, width)
    for path, name in [
        ("/bantuan/", "bantuan"),
        ("/bantuan/penyedia/", "bantuan-penyedia"),
        ("/bantuan/dokumen/", "bantuan-dokumen"),
    ]:
        page.goto(f"{live_server.url}{path}")
        assert fits_the_screen(page), path
        shot(page, name)
    page.click("text=Hubungi BPBJ")
    page.wait_for_load_state()
    page.fill("input[name=name]", "Sri Wahyuni")
    page.fill("input[name=phone]", "+62 812-3456-7890")
    page.select_option("select[name=topic]", "registration")
    page.fill("textarea[name=message]", "Bagaimana jika NIB saya belum punya KBLI?")
    shot(page, "kontak")
    submit(page)
    assert "tiket #" in page.content()
    ticket = HelpTicket.objects.get()
    assert ticket.phone == "081234567890" and ticket.page == "/bantuan/dokumen/"
