"""Pages: access by id (outsiders get 404, anonymous users the login page), forms, query budgets."""

import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from procurement import services
from procurement.models import CartItem, Notification, Order, OrderStatus, RUPPackage
from procurement.views import ACTIONS
from tests.factories import OPDMemberFactory, ProductFactory, VendorFactory

from .factories import RUPPackageFactory, make_order

pytestmark = pytest.mark.django_db
S = OrderStatus


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def accepted_order(buyer, vendor, product, package):
    order = make_order(buyer=buyer, package=package, items=[(product, 4)])
    services.accept_order(order=order, by=vendor.user)
    services.ship_order(order=order, by=vendor.user)
    line = order.lines.get()
    services.record_receipt(order=order, by=buyer, quantities={line.pk: 2}, received_on=timezone.localdate())
    order.refresh_from_db()
    return order


def rendered_checkout(client):
    """The hidden fields of the checkout page as it renders now: the idempotency token and the
    signed snapshot of the prices shown."""
    response = client.get(reverse("procurement:checkout"))
    assert response.status_code == 200
    return {"token": response.context["form"].initial["token"], "snapshot": response.context["snapshot"]}


def order_urls(order):
    receipt = order.receipts.first()
    return [
        reverse("procurement:order_detail", args=[order.pk]),
        reverse("procurement:order_sp", args=[order.pk]),
        reverse("procurement:receipt_print", args=[order.pk, receipt.pk]),
    ]


def test_own_parties_see_every_order_page(accepted_order, buyer_client, vendor_client, bpbj_client):
    for client in (buyer_client, vendor_client, bpbj_client):
        for url in order_urls(accepted_order):
            response = client.get(url)
            assert response.status_code == 200, url
    page = buyer_client.get(order_urls(accepted_order)[1]).content.decode()
    assert accepted_order.sp_number in page and "SURAT PESANAN" in page


@pytest.mark.parametrize("who", ["other_buyer_client", "other_vendor_client"])
def test_outsiders_get_404_on_every_order_page_and_action(request, who, accepted_order):
    client = request.getfixturevalue(who)
    for url in order_urls(accepted_order):
        assert client.get(url).status_code == 404, url
    for action in sorted(ACTIONS):
        url = reverse("procurement:order_action", args=[accepted_order.pk, action])
        assert client.post(url, {"reason": "x", "note": "x"}).status_code == 404, action
    accepted_order.refresh_from_db()
    assert accepted_order.status == S.PARTIALLY_RECEIVED


def test_anonymous_users_are_sent_to_login_everywhere(anon_client, accepted_order):
    urls = [*order_urls(accepted_order)] + [
        reverse(name)
        for name in (
            "procurement:cart",
            "procurement:checkout",
            "procurement:order_list",
            "procurement:vendor_inbox",
            "procurement:notifications",
            "procurement:rup_list",
            "procurement:rup_import",
        )
    ]
    for url in urls:
        response = anon_client.get(url)
        assert response.status_code == 302 and reverse("login") in response["Location"], url
    for action in sorted(ACTIONS):
        response = anon_client.post(reverse("procurement:order_action", args=[accepted_order.pk, action]))
        assert response.status_code == 302 and reverse("login") in response["Location"]


def test_unknown_action_is_404(buyer_client, accepted_order):
    url = f"/pengadaan/pesanan/{accepted_order.pk}/aksi/hapus-semua/"
    assert buyer_client.post(url).status_code == 404


def test_wrong_role_gets_a_message_not_an_error(vendor_client, accepted_order):
    url = reverse("procurement:order_action", args=[accepted_order.pk, "receive"])
    response = vendor_client.post(url, {"received_on": "2020-01-01"}, follow=True)
    assert response.status_code == 200
    assert "hanya dapat dilakukan oleh" in response.content.decode()


def test_order_page_shows_exactly_the_actions_of_the_viewer(buyer, vendor, approver, product, package):
    order = make_order(buyer=buyer, package=package, items=[(product, 4)])
    url = reverse("procurement:order_detail", args=[order.pk])
    vendor_page = client_for(vendor.user).get(url).content.decode()
    buyer_page = client_for(buyer).get(url).content.decode()
    pa_page = client_for(approver).get(url).content.decode()
    assert (
        "/aksi/accept/" in vendor_page
        and "/aksi/reject/" in vendor_page
        and "/aksi/propose/" not in vendor_page
    )
    assert (
        "/aksi/propose/" in buyer_page and "/aksi/cancel/" in buyer_page and "/aksi/accept/" not in buyer_page
    )
    assert "/aksi/" not in pa_page


def test_full_flow_through_the_pages(
    buyer, vendor, treasurer, product, package, django_capture_on_commit_callbacks
):
    buyer_client, vendor_client = client_for(buyer), client_for(vendor.user)
    buyer_client.post(reverse("procurement:cart_add", args=[product.pk]), {"quantity": "5"})
    data = {
        **rendered_checkout(buyer_client),
        "package_all": package.pk,
        "delivery_address": "Jl. Sudirman 1",
        "needed_by": (timezone.localdate() + timedelta(days=3)).isoformat(),
    }
    with django_capture_on_commit_callbacks(execute=True):
        first = buyer_client.post(reverse("procurement:checkout"), data)
    second = buyer_client.post(reverse("procurement:checkout"), data)  # double click
    assert first.status_code == second.status_code == 302
    order = Order.objects.get()
    act = lambda client, action, **data: client.post(  # noqa: E731
        reverse("procurement:order_action", args=[order.pk, action]), data
    )
    line = order.lines.get()
    act(buyer_client, "propose", **{f"price_{line.pk}": "24000", f"qty_{line.pk}": "5"})
    act(vendor_client, "accept_offer")
    act(vendor_client, "accept")
    act(vendor_client, "ship", note="Diantar")
    act(buyer_client, "receive", received_on=timezone.localdate().isoformat(), **{f"recv_{line.pk}": "5"})
    act(client_for(treasurer), "pay", paid_on=timezone.localdate().isoformat(), reference="SP2D/1")
    act(buyer_client, "complete")
    act(buyer_client, "rate", score="5", comment="Bagus")
    order.refresh_from_db()
    assert order.status == S.COMPLETED and order.total == Decimal("120000")
    assert order.rating.score == 5
    assert Notification.objects.filter(user=vendor.user).exists()


@pytest.mark.parametrize("qty", ["abc", "-1", "0", "99999999999999999999999", "", "1.5"])
def test_cart_add_with_bad_quantity_shows_a_message(buyer_client, product, qty):
    response = buyer_client.post(
        reverse("procurement:cart_add", args=[product.pk]), {"quantity": qty}, follow=True
    )
    assert response.status_code == 200
    assert not CartItem.objects.exists()
    assert list(response.context["messages"])


def test_cart_add_of_unknown_product_and_by_vendor(buyer_client, vendor_client, product):
    response = buyer_client.post(
        reverse("procurement:cart_add", args=[999999]), {"quantity": "1"}, follow=True
    )
    assert response.status_code == 200 and not CartItem.objects.exists()
    assert (
        vendor_client.post(reverse("procurement:cart_add", args=[product.pk]), {"quantity": "1"}).status_code
        == 403
    )


def test_cart_page_updates_and_ignores_other_users_items(
    buyer, buyer_client, other_opd_member, product, other_product
):
    mine = services.add_to_cart(user=buyer, product_id=product.pk, quantity=1)
    theirs = services.add_to_cart(user=other_opd_member.user, product_id=other_product.pk, quantity=2)
    response = buyer_client.get(reverse("procurement:cart"))
    assert response.status_code == 200 and product.name in response.content.decode()
    buyer_client.post(reverse("procurement:cart"), {f"qty_{mine.pk}": "3", f"qty_{theirs.pk}": "9"})
    buyer_client.post(reverse("procurement:cart"), {"remove": str(theirs.pk)})
    buyer_client.post(reverse("procurement:cart"), {f"qty_{mine.pk}": "abc"})
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert (mine.quantity, theirs.quantity) == (3, 2)


def test_checkout_page_over_pagu_shows_the_message_and_creates_nothing(buyer, buyer_client, product, opd):
    small = RUPPackageFactory(opd=opd, pagu=Decimal("10000"))
    services.add_to_cart(user=buyer, product_id=product.pk, quantity=1)
    response = buyer_client.post(
        reverse("procurement:checkout"),
        {
            **rendered_checkout(buyer_client),
            "package_all": small.pk,
            "delivery_address": "Jl. Sudirman 1",
            "needed_by": (timezone.localdate() + timedelta(days=3)).isoformat(),
        },
    )
    assert response.status_code == 200
    assert "Sisa pagu paket RUP" in response.content.decode()
    assert not Order.objects.exists()


def test_checkout_page_refuses_another_opds_package(buyer, buyer_client, product, other_package):
    services.add_to_cart(user=buyer, product_id=product.pk, quantity=1)
    response = buyer_client.post(
        reverse("procurement:checkout"),
        {
            **rendered_checkout(buyer_client),
            "package_all": other_package.pk,
            "delivery_address": "x",
            "needed_by": "2999-01-01",
        },
    )
    assert response.status_code == 200 and not Order.objects.exists()


def _many_orders(buyer, package, count=16):
    vendors = [VendorFactory() for _ in range(4)]
    products = [ProductFactory(vendor=v) for v in vendors]
    return [make_order(buyer=buyer, package=package, items=[(products[i % 4], 1)]) for i in range(count)]


def test_order_list_query_count_is_bounded(buyer, buyer_client, package, django_assert_max_num_queries):
    _many_orders(buyer, package)
    with django_assert_max_num_queries(10):
        response = buyer_client.get(reverse("procurement:order_list"))
    assert response.status_code == 200 and len(response.context["orders"]) == 16
    with django_assert_max_num_queries(10):
        response = buyer_client.get(reverse("procurement:order_list"), {"status": "sent", "q": "EKL"})
    assert response.status_code == 200


def test_vendor_inbox_query_count_is_bounded(vendor, vendor_client, product, django_assert_max_num_queries):
    for _ in range(4):
        member = OPDMemberFactory()
        pkg = RUPPackageFactory(opd=member.opd)
        for _ in range(4):
            make_order(buyer=member.user, package=pkg, items=[(product, 1)])
    with django_assert_max_num_queries(12):
        response = vendor_client.get(reverse("procurement:vendor_inbox"))
    assert response.status_code == 200 and len(response.context["orders"]) == 16
    assert response.context["counts"]["new"] == 16
    for tab in ("negotiating", "to_ship", "all", "bogus"):
        assert vendor_client.get(reverse("procurement:vendor_inbox"), {"tab": tab}).status_code == 200


def test_lists_only_show_own_orders_and_survive_bad_filters(
    buyer, buyer_client, other_buyer_client, product, package
):
    make_order(buyer=buyer, package=package, items=[(product, 1)])
    assert len(other_buyer_client.get(reverse("procurement:order_list")).context["orders"]) == 0
    for params in (
        {"date_from": "kemarin"},
        {"status": "nope"},
        {"vendor": "abc"},
        {"page": "9999"},
        {"opd": "-1"},
    ):
        assert buyer_client.get(reverse("procurement:order_list"), params).status_code == 200


def test_vendor_inbox_is_for_vendors_only(buyer_client):
    assert buyer_client.get(reverse("procurement:vendor_inbox")).status_code == 403


def test_notifications_list_and_mark_read(buyer, buyer_client, accepted_order):
    note = Notification.objects.create(
        user=buyer, order=accepted_order, message="Tes", url=accepted_order.get_absolute_url()
    )
    other = Notification.objects.create(user=VendorFactory().user, message="Bukan milikmu")
    response = buyer_client.get(reverse("procurement:notifications"))
    assert response.status_code == 200 and response.context["nav_unread"] == 1
    assert buyer_client.post(reverse("procurement:notifications"), {"open": other.pk}).status_code == 404
    response = buyer_client.post(reverse("procurement:notifications"), {"open": note.pk})
    assert response["Location"] == accepted_order.get_absolute_url()
    note.refresh_from_db()
    assert note.read_at


def test_rup_list_shows_only_the_own_opds_packages(buyer_client, package, other_package):
    response = buyer_client.get(reverse("procurement:rup_list"))
    assert list(response.context["packages"]) == [package]


def test_rup_import_csv_all_or_nothing_with_line_numbers(bpbj_client, opd):
    good = f"kode_rup,nama_paket,kode_opd,tahun,pagu,sumber_dana,metode\n50001,ATK kantor,{opd.code},2026,150000000,apbd,e_purchasing\n"
    bad = good + f"50002,Snack rapat,{opd.code},20x6,abc,apbd,e_purchasing\n50003,,XXX,2026,5,planet,tender\n"
    response = bpbj_client.post(
        reverse("procurement:rup_import"), {"file": io.BytesIO(bad.encode()) | _named("rup.csv")}
    )
    errors = response.context["errors"]
    assert response.status_code == 200 and not RUPPackage.objects.exists()
    assert errors[0].startswith("Baris 3:") and errors[1].startswith("Baris 4:")
    response = bpbj_client.post(reverse("procurement:rup_import"), {"file": _file(good, "rup.csv")})
    assert response.status_code == 302
    assert RUPPackage.objects.get(kode_rup="50001").pagu == Decimal("150000000")


def test_rup_import_xlsx_updates_existing_packages(bpbj_client, package, opd):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["kode_rup", "nama_paket", "kode_opd", "tahun", "pagu", "sumber_dana", "metode"])
    ws.append(
        [package.kode_rup, "Nama baru", opd.code, package.fiscal_year, 200000000, "APBD", "E-Purchasing"]
    )
    ws.append([60001, "Paket baru", opd.code, package.fiscal_year, 5000000, "dak", "e_purchasing"])
    buffer = io.BytesIO()
    wb.save(buffer)
    buffer.seek(0)
    buffer.name = "rup.xlsx"
    response = bpbj_client.post(reverse("procurement:rup_import"), {"file": buffer})
    assert response.status_code == 302
    package.refresh_from_db()
    assert package.name == "Nama baru" and package.pagu == Decimal("200000000")
    assert RUPPackage.objects.filter(kode_rup="60001").exists()


def test_rup_import_refuses_other_files_and_non_bpbj(bpbj_client, buyer_client):
    response = bpbj_client.post(reverse("procurement:rup_import"), {"file": _file("x", "virus.exe")})
    assert response.status_code == 200 and response.context["form"].errors
    response = bpbj_client.post(
        reverse("procurement:rup_import"), {"file": _file("\x00\x01garbage", "rup.xlsx")}
    )
    assert response.status_code == 200 and response.context["errors"]
    assert buyer_client.get(reverse("procurement:rup_import")).status_code == 403


def _file(text, name):
    f = io.BytesIO(text.encode())
    f.name = name
    return f


class _named:
    def __init__(self, name):
        self.name = name

    def __ror__(self, f):
        f.name = self.name
        return f
