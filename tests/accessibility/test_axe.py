"""Accessibility in a real browser: axe-core on each role's key page, and the phone menu by keyboard.

axe-core comes from the npm registry (``npm ci --prefix .ci/node``, run by ``.ci/run``); without it
the axe tests skip, like the other browser tests skip without Chromium.
"""

from decimal import Decimal
from pathlib import Path

import pytest

from accounts.models import Role
from procurement.models import OPDMember, OrderStatus
from tests.factories import PASSWORD, OPDMemberFactory, ProductFactory, UserFactory, VendorFactory
from tests.procurement.factories import RUPPackageFactory, make_order

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).resolve().parents[2] / ".ci" / "node" / "node_modules" / "axe-core" / "axe.min.js"


@pytest.fixture
def axe_source():
    if not AXE.exists():
        pytest.skip("axe-core not installed (npm ci --prefix .ci/node)")
    return AXE.read_text()


def open_page(browser, live_server, username=None, width=1366):
    # bypass_csp only lets the test inject axe-core; the pages themselves still run under the CSP.
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="id-ID", bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(15000)
    if username:
        page.goto(f"{live_server.url}/akun/masuk/")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", PASSWORD)
        page.click("main form button[type=submit]")
        page.wait_for_load_state()
    return page


def serious_violations(page, axe_source):
    """Run axe-core on the loaded page; the serious and critical violations, readable in a failure."""
    page.add_script_tag(content=axe_source)
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    found = []
    for violation in result["violations"]:
        if violation["impact"] in ("serious", "critical"):
            targets = [", ".join(node["target"]) for node in violation["nodes"][:5]]
            found.append(f"{violation['id']} ({violation['impact']}): {violation['help']} at {targets}")
    return found


@pytest.fixture
def people(db):
    """One person per role, with enough data that each key page shows its real content."""
    ppk = OPDMemberFactory(user__username="a11y-ppk", position=OPDMember.Position.PPK)
    OPDMemberFactory(opd=ppk.opd, user__username="a11y-kepala", position=OPDMember.Position.PA)
    OPDMemberFactory(opd=ppk.opd, user__username="a11y-bendahara", position=OPDMember.Position.TREASURER)
    vendor = VendorFactory(user__username="a11y-penyedia", business_name="UD Apel Aksesibel")
    product = ProductFactory(vendor=vendor, name="Keripik Apel Aksesibel", price=Decimal("25000"))
    ProductFactory(vendor=vendor, name="Sari Apel Aksesibel", status="pending")
    package = RUPPackageFactory(opd=ppk.opd, pagu=Decimal("50000000"))
    order = make_order(buyer=ppk.user, package=package, items=[(product, 4)], status=OrderStatus.SENT)
    UserFactory(username="a11y-bpbj", role=Role.CATALOG_MANAGER)
    return {"product": product, "order": order}


def test_key_page_of_each_role_has_no_serious_accessibility_violation(
    browser, live_server, people, axe_source
):
    product, order = people["product"], people["order"]
    pages = {
        None: ["/", "/produk/", product.get_absolute_url(), "/akun/masuk/"],
        "a11y-penyedia": ["/usaha/", "/usaha/produk/", f"/pengadaan/pesanan/{order.pk}/"],
        "a11y-ppk": ["/akun/beranda/", "/pengadaan/keranjang/", f"/pengadaan/pesanan/{order.pk}/"],
        "a11y-kepala": ["/akun/beranda/", f"/pengadaan/pesanan/{order.pk}/"],
        "a11y-bendahara": ["/akun/beranda/"],
        "a11y-bpbj": ["/akun/beranda/", "/bpbj/kurasi/", "/bpbj/penyedia/", "/data/tanda-bahaya/"],
    }
    failures = {}
    for username, paths in pages.items():
        page = open_page(browser, live_server, username)
        if username == "a11y-ppk":
            # The cart's key state is with something in it.
            page.goto(f"{live_server.url}{product.get_absolute_url()}")
            page.locator("form[action*='/keranjang/tambah/'] button[type=submit]").first.click()
            page.wait_for_load_state()
        for path in paths:
            response = page.goto(f"{live_server.url}{path}")
            assert response.status == 200, (username, path, response.status)
            found = serious_violations(page, axe_source)
            if found:
                failures[f"{username or 'publik'} {path}"] = found
        page.context.close()
    assert not failures, failures


def test_phone_pages_have_no_serious_accessibility_violation(browser, live_server, people, axe_source):
    page = open_page(browser, live_server, "a11y-ppk", width=360)
    for path in ("/", "/produk/", "/akun/beranda/"):
        page.goto(f"{live_server.url}{path}")
        page.click("button.nav-toggle")
        assert serious_violations(page, axe_source) == [], path


@pytest.mark.parametrize("width", [360, 800])
def test_keyboard_user_opens_the_phone_menu_with_a_real_button(browser, live_server, people, width):
    page = open_page(browser, live_server, "a11y-bendahara", width=width)
    page.goto(f"{live_server.url}/produk/")
    toggle = page.locator("button.nav-toggle")
    nav = page.locator("#site-nav")
    assert toggle.is_visible()
    assert toggle.get_attribute("aria-expanded") == "false"
    assert not nav.is_visible()
    # Reach the button by Tab alone, as a keyboard user would.
    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('nav-toggle')"):
            break
    else:
        pytest.fail("the menu button is not reachable with Tab")
    page.keyboard.press("Enter")
    assert toggle.get_attribute("aria-expanded") == "true"
    assert nav.is_visible()
    assert page.locator("#site-nav a", has_text="Keluar").count() == 0  # Keluar is a button
    assert page.locator("#site-nav button", has_text="Keluar").is_visible()
    # Focus moved into the menu; Escape closes it and returns to the button.
    assert page.evaluate("document.getElementById('site-nav').contains(document.activeElement)")
    page.keyboard.press("Escape")
    assert toggle.get_attribute("aria-expanded") == "false"
    assert not nav.is_visible()
    assert page.evaluate("document.activeElement.classList.contains('nav-toggle')")


def test_wide_screen_shows_the_menu_without_the_button(browser, live_server, people):
    page = open_page(browser, live_server, "a11y-bendahara", width=1366)
    page.goto(f"{live_server.url}/produk/")
    assert not page.locator("button.nav-toggle").is_visible()
    assert page.locator("#site-nav").is_visible()


def test_menu_is_shown_when_script_does_not_run(browser, live_server, people):
    context = browser.new_context(viewport={"width": 360, "height": 800}, java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server.url}/produk/")
    assert page.locator("#site-nav").is_visible()
    assert not page.locator("button.nav-toggle").is_visible()
