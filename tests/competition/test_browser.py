"""Mini-kompetisi end to end in headless Chromium: a reserved competition, three vendors (one above
the HPS, refused), sealed offers, the ranking, an award that lapses, the second confirms, and the
order runs to payment. The server's clock is moved forward (the browser's is never consulted)."""

from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from catalog.models import BusinessScale
from competition import services
from competition.models import Competition, CompetitionStatus
from competition.tasks import run_deadlines
from procurement.models import OPDMember, OrderStatus, RUPPackage
from tests.factories import CategoryFactory, OPDMemberFactory, ProductFactory, VendorFactory
from tests.procurement.factories import RUPPackageFactory
from tests.procurement.test_browser import act, login

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def offer_on(page, live_server, competition, price):
    page.goto(f"{live_server.url}{competition.get_absolute_url()}")
    item = competition.items.get()
    page.fill(f"#price-{item.pk}", price)
    page.fill("#delivery_cost", "0")
    page.locator("#form-penawaran button").click()
    page.wait_for_load_state()
    return page.content()


def test_reserved_mini_kompetisi_from_start_to_payment_in_a_browser(browser, live_server):
    member = OPDMemberFactory(user__username="ppk-mk", position=OPDMember.Position.PPK)
    treasurer = OPDMemberFactory(
        opd=member.opd, user__username="bendahara-mk", position=OPDMember.Position.TREASURER
    )
    package = RUPPackageFactory(opd=member.opd, pagu=Decimal("20000000"), name="Belanja makan minum rapat")
    category = CategoryFactory(name="Nasi kotak")
    names = ["UD Nasi Apel", "Warung Bu Sri", "Katering Arjuno"]
    vendors = [
        VendorFactory(user__username=f"mk-{i}", business_name=n, scale=BusinessScale.MIKRO, is_local=True)
        for i, n in enumerate(names)
    ]
    outsider = VendorFactory(user__username="mk-besar", scale=BusinessScale.BESAR)
    for v in [*vendors, outsider]:
        ProductFactory(vendor=v, category=category, tkdn=Decimal("0"))

    deadline_day = timezone.localtime(services.earliest_offer_deadline()).date()
    buyer = login(browser, live_server, "ppk-mk")
    buyer.goto(f"{live_server.url}/mini-kompetisi/baru/")
    buyer.select_option("#package", str(package.pk))
    buyer.fill("#title", "Nasi kotak rapat koordinasi")
    buyer.select_option("#category", str(category.pk))
    buyer.fill("#item-0-spec", "Nasi kotak ayam bakar dengan air mineral")
    buyer.fill("#item-0-qty", "100")
    buyer.fill("#item-0-unit", "kotak")
    buyer.fill("#hps", "3000000")
    buyer.fill("#delivery_address", "Balai Kota Among Tani")
    buyer.fill("#needed_by", (deadline_day + timedelta(days=20)).isoformat())
    buyer.fill("#deadline_date", deadline_day.isoformat())
    buyer.fill("#deadline_time", "10:00")
    buyer.check("input[name=reserve_umk]")
    buyer.check("input[name=reserve_local]")
    buyer.locator("#form-mini-kompetisi button").click()
    buyer.wait_for_load_state()
    competition = Competition.objects.get()
    assert "3 penyedia diundang" in buyer.content()
    assert not competition.invitations.filter(vendor=outsider).exists()
    assert RUPPackage.objects.get(pk=package.pk).committed == Decimal("3000000")

    pages = [login(browser, live_server, v.user.username) for v in vendors]
    assert "Penawaran tersimpan" in offer_on(pages[0], live_server, competition, "22000")
    assert "Penawaran tersimpan" in offer_on(pages[1], live_server, competition, "23000")
    assert "melebihi HPS" in offer_on(pages[2], live_server, competition, "31000")

    # Sealed: the buyer sees no board and no price; a bidder sees only its own offer.
    buyer.reload()
    assert buyer.locator("#sealed-note").count() == 1 and buyer.locator("#papan-peringkat").count() == 0
    assert "2.200.000" not in buyer.content() and "2.300.000" not in buyer.content()
    pages[1].reload()
    assert "2.200.000" not in pages[1].content() and "2.300.000" in pages[1].content()

    closed_at = timezone.localtime(competition.offer_deadline) + timedelta(minutes=1)
    with time_machine.travel(closed_at, tick=True):
        buyer.reload()
        board = buyer.locator("#papan-peringkat")
        assert (
            board.count() == 1 and "UD Nasi Apel" in board.inner_text() and "2.200.000" in board.inner_text()
        )
        buyer.locator("form[action$='/aksi/tetapkan/'] button").click()
        buyer.wait_for_load_state()
        competition.refresh_from_db()
        assert competition.status == CompetitionStatus.AWARDED
        pages[1].reload()
        assert (
            "Peringkat Anda: 2" in pages[1].content() and "Harga pemenang: Rp2.200.000" in pages[1].content()
        )

    # The winner lets the confirmation lapse; the scheduled task passes the award on.
    with time_machine.travel(
        timezone.localtime(competition.confirm_deadline) + timedelta(minutes=5), tick=True
    ):
        assert run_deadlines.delay().get() == "closed=0 lapsed=1"
        pages[1].reload()
        assert pages[1].locator("#award-note").count() == 1
        pages[1].locator("form[action$='/aksi/konfirmasi/'] button").click()
        pages[1].wait_for_load_state()
        competition.refresh_from_db()
        order = competition.order
        assert competition.status == CompetitionStatus.CONFIRMED and order.vendor == vendors[1]
        assert order.status == OrderStatus.ACCEPTED and order.total == Decimal("2300000")

        vendor_page = pages[1]
        vendor_page.goto(f"{live_server.url}{order.get_absolute_url()}")
        vendor_page.fill("textarea[name=note]", "Diantar pukul 11.00")
        act(vendor_page, "ship")
        buyer.goto(f"{live_server.url}{order.get_absolute_url()}")
        act(buyer, "receive")
        treasurer_page = login(browser, live_server, treasurer.user.username)
        treasurer_page.goto(f"{live_server.url}{order.get_absolute_url()}")
        treasurer_page.fill("input[name=reference]", "SP2D/0101/2026")
        act(treasurer_page, "pay")
        order.refresh_from_db()
        assert order.status == OrderStatus.PAID
    package.refresh_from_db()
    assert package.committed == 0 and package.spent == Decimal("2300000")
