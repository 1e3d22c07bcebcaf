"""The catalogue's four flows in headless Chromium (Debian's package, driven by Playwright):

a vendor registers → BPBJ verifies it → the vendor adds a product with a photo and
submits it → BPBJ publishes it → the public finds it by search and filters.
"""

import pytest

from accounts.models import Role
from catalog.models import Product, ProductStatus, Vendor, VendorStatus
from tests.factories import PASSWORD, CategoryFactory, KelurahanFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def new_page(browser, width=1280):
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15000)
    return page


def login(browser, live_server, username, password=PASSWORD, width=1280):
    page = new_page(browser, width)
    page.goto(f"{live_server.url}/akun/masuk/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    return page


def test_vendor_registers_bpbj_verifies_vendor_lists_bpbj_publishes_public_finds(
    browser, live_server, tmp_path
):
    kelurahan = KelurahanFactory(kecamatan__name="Bumiaji", name="Tulungrejo")
    category = CategoryFactory(name="Olahan Apel", slug="olahan-apel")
    UserFactory(username="pengelola", role=Role.CATALOG_MANAGER)

    # 1. A vendor registers on a phone-sized screen.
    page = new_page(browser, width=360)
    page.goto(f"{live_server.url}/daftar/")
    page.fill("input[name=username]", "sariapel")
    page.fill("input[name=password1]", "Apel-Batu-2026!")
    page.fill("input[name=password2]", "Apel-Batu-2026!")
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    page.fill("input[name=business_name]", "UD Sari Apel Tulungrejo")
    page.fill("input[name=owner_name]", "Siti Rahayu")
    page.fill("input[name=nib]", "9120001234567")
    page.fill("input[name=kbli]", "10792")
    page.fill("input[name=npwp]", "012345678901234")
    page.check("input[name=scale][value=mikro]")
    page.fill("input[name=address]", "Jl. Raya Tulungrejo 12")
    page.select_option("select[name=kecamatan]", str(kelurahan.kecamatan_id))
    page.select_option("select[name=kelurahan]", str(kelurahan.pk))
    page.fill("input[name=phone]", "081234567890")
    page.fill("input[name=email]", "sari@example.test")
    page.fill("input[name=bank_name]", "Bank Jatim")
    page.fill("input[name=bank_account_number]", "0012345678")
    page.fill("input[name=bank_account_name]", "Siti Rahayu")
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    page.click("main form.form-card button[type=submit]")  # documents may follow later
    page.wait_for_load_state()
    page.click("button:has-text('Kirim pendaftaran')")
    page.wait_for_load_state()
    assert "Menunggu verifikasi" in page.content()
    vendor = Vendor.objects.get(nib="9120001234567")
    assert vendor.status == VendorStatus.PENDING and not vendor.is_local

    # 2. BPBJ verifies the vendor from the queue, confirming it is local.
    bpbj = login(browser, live_server, "pengelola")
    bpbj.goto(f"{live_server.url}/bpbj/penyedia/")
    bpbj.click("text=UD Sari Apel Tulungrejo")
    bpbj.wait_for_load_state()
    bpbj.check("input[name='verify-is_local'][value='1']")
    bpbj.click("button:has-text('Verifikasi penyedia')")
    bpbj.wait_for_load_state()
    vendor.refresh_from_db()
    assert vendor.status == VendorStatus.VERIFIED and vendor.is_local

    # 3. The vendor adds a product with a photo and submits it (still on the phone).
    page.goto(f"{live_server.url}/usaha/produk/baru/")
    page.fill("input[name=name]", "Sari Apel Manalagi Botol")
    page.select_option("select[name=category]", str(category.pk))
    page.fill("input[name=unit]", "botol")
    page.fill("input[name=price]", "18.500")
    page.fill("input[name=min_order]", "10")
    page.fill("input[name=stock]", "400")
    page.fill("input[name=lead_time_days]", "3")
    page.fill("textarea[name=description]", "Sari buah apel manalagi asli Bumiaji tanpa pengawet.")
    page.fill("textarea[name=specifications_text]", "Isi: 250 ml\nBahan: apel manalagi")
    page.fill("input[name=tkdn]", "85")
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_load_state()
    product = Product.objects.get(name="Sari Apel Manalagi Botol")
    assert product.price == 18500 and product.specifications == [
        ["Isi", "250 ml"],
        ["Bahan", "apel manalagi"],
    ]

    from PIL import Image

    photo = tmp_path / "apel.png"
    Image.new("RGB", (800, 600), (200, 40, 40)).save(photo)
    page.goto(f"{live_server.url}/usaha/produk/{product.pk}/foto/")
    page.set_input_files("input[type=file]", str(photo))
    page.click("button:has-text('Unggah foto')")
    page.wait_for_load_state()
    assert product.photos.count() == 1
    page.goto(f"{live_server.url}/usaha/produk/{product.pk}/")
    page.click("button:has-text('Ajukan untuk kurasi')")
    page.wait_for_load_state()
    product.refresh_from_db()
    assert product.status == ProductStatus.SUBMITTED

    # Not public yet.
    public = new_page(browser)
    public.goto(f"{live_server.url}/produk/?q=manalagi")
    assert "Sari Apel Manalagi Botol" not in public.content()

    # 4. BPBJ publishes it from the curation queue.
    bpbj.goto(f"{live_server.url}/bpbj/kurasi/")
    bpbj.click("text=Sari Apel Manalagi Botol")
    bpbj.wait_for_load_state()
    bpbj.click("button:has-text('Setujui dan tayangkan')")
    bpbj.wait_for_load_state()
    product.refresh_from_db()
    assert product.status == ProductStatus.PUBLISHED

    # 5. The public finds it by search, then narrows with filters, and opens it.
    public.goto(f"{live_server.url}/")
    public.fill("#header-q", "manalagi")
    public.press("#header-q", "Enter")
    public.wait_for_load_state()
    assert "Sari Apel Manalagi Botol" in public.content()
    public.goto(
        f"{live_server.url}/produk/?q=manalagi&kategori=olahan-apel&kecamatan={kelurahan.kecamatan_id}"
        "&skala=mikro&tkdn_min=80"
    )
    assert "Sari Apel Manalagi Botol" in public.content()
    public.goto(f"{live_server.url}/produk/?q=manalagi&tkdn_min=90")
    assert "Sari Apel Manalagi Botol" not in public.content()
    public.goto(f"{live_server.url}/produk/?q=manalagi")
    public.click("text=Sari Apel Manalagi Botol")
    public.wait_for_load_state()
    content = public.content()
    assert "Rp18.500" in content and "UD Sari Apel Tulungrejo" in content
