"""The vendor's delivery note (surat jalan): uploaded at shipment, private to the order's parties."""

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from procurement import services
from procurement.models import OrderStatus

from .factories import make_order

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def shipped_order(buyer, package, product, vendor):
    order = make_order(buyer=buyer, package=package, items=[(product, 2)], status=OrderStatus.ACCEPTED)
    note = SimpleUploadedFile("surat-jalan.pdf", PDF, content_type="application/pdf")
    return services.ship_order(order=order, by=vendor.user, note="Dikirim pagi", delivery_note_file=note)


def _url(order):
    return reverse("procurement:delivery_note", args=[order.pk])


def test_delivery_note_is_stored_outside_public_media(shipped_order):
    path = str(shipped_order.delivery_note_file.path)
    assert path.startswith(str(settings.PRIVATE_MEDIA_ROOT))
    assert not path.startswith(str(settings.MEDIA_ROOT))


def test_buyer_vendor_and_bpbj_can_download_it(shipped_order, buyer_client, vendor_client, bpbj_client):
    for client in (buyer_client, vendor_client, bpbj_client):
        response = client.get(_url(shipped_order))
        assert response.status_code == 200
        assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_order_page_links_the_delivery_note(shipped_order, buyer_client):
    assert _url(shipped_order) in buyer_client.get(shipped_order.get_absolute_url()).content.decode()


def test_outsiders_cannot_download_it(shipped_order, other_buyer_client, other_vendor_client, anon_client):
    assert other_buyer_client.get(_url(shipped_order)).status_code == 404
    assert other_vendor_client.get(_url(shipped_order)).status_code == 404
    response = anon_client.get(_url(shipped_order))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_a_renamed_non_document_is_refused_at_shipment():
    from procurement.forms import ShipForm

    fake = SimpleUploadedFile("surat-jalan.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    form = ShipForm(data={"note": ""}, files={"delivery_note_file": fake})
    assert not form.is_valid()
    assert "delivery_note_file" in form.errors


def test_admin_order_pages_open_and_link_the_checked_download(shipped_order, admin_client_bpbj):
    change = admin_client_bpbj.get(reverse("admin:procurement_order_change", args=[shipped_order.pk]))
    assert change.status_code == 200
    assert f'href="{_url(shipped_order)}"' in change.content.decode()
    assert 'type="file"' not in change.content.decode()
    assert admin_client_bpbj.get(reverse("admin:procurement_order_changelist")).status_code == 200
    download = admin_client_bpbj.get(_url(shipped_order))
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF")


def test_admin_order_page_without_a_delivery_note(buyer, package, product, admin_client_bpbj):
    order = make_order(buyer=buyer, package=package, items=[(product, 1)], status=OrderStatus.ACCEPTED)
    change = admin_client_bpbj.get(reverse("admin:procurement_order_change", args=[order.pk]))
    assert change.status_code == 200
    assert _url(order) not in change.content.decode()


def test_admin_link_refuses_other_users(
    shipped_order, other_buyer_client, other_vendor_client, vendor_client
):
    assert other_buyer_client.get(_url(shipped_order)).status_code == 404
    assert other_vendor_client.get(_url(shipped_order)).status_code == 404
    response = vendor_client.get(reverse("admin:procurement_order_change", args=[shipped_order.pk]))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
