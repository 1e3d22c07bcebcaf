"""Vendor certificates are private: only their vendor and BPBJ can download them."""

import pytest
from django.conf import settings
from django.urls import reverse

from catalog import services
from catalog.models import VendorDocument

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def document(vendor):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("halal.pdf", PDF, content_type="application/pdf")
    services.add_document(vendor=vendor, kind=VendorDocument.Kind.HALAL, upload=upload, by=vendor.user)
    return vendor.documents.get()


def _url(document):
    return reverse("catalog:document_download", args=[document.pk])


def test_document_is_stored_outside_the_public_media_root(document):
    path = document.file.path
    assert str(path).startswith(str(settings.PRIVATE_MEDIA_ROOT))
    assert not str(path).startswith(str(settings.MEDIA_ROOT))


def test_vendor_downloads_its_own_document(vendor_client, document):
    response = vendor_client.get(_url(document))
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_bpbj_downloads_any_document(bpbj_client, document):
    assert bpbj_client.get(_url(document)).status_code == 200


def test_other_vendor_gets_404(other_vendor_client, document):
    assert other_vendor_client.get(_url(document)).status_code == 404


def test_buyer_gets_404(buyer_client, document):
    assert buyer_client.get(_url(document)).status_code == 404


def test_anonymous_is_sent_to_login(anon_client, document):
    response = anon_client.get(_url(document))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


# --- the admin links the permission-checked download (private storage has no URL) ---------


def _admin_pages(document):
    return [
        reverse("admin:catalog_vendor_change", args=[document.vendor_id]),
        reverse("admin:catalog_vendordocument_change", args=[document.pk]),
        reverse("admin:catalog_vendordocument_changelist"),
    ]


def test_admin_pages_of_a_vendor_with_documents_open_and_link_the_checked_download(
    admin_client_bpbj, document
):
    for url in _admin_pages(document):
        response = admin_client_bpbj.get(url)
        assert response.status_code == 200, url
        assert f'href="{_url(document)}"' in response.content.decode(), url
    assert admin_client_bpbj.get(reverse("admin:catalog_vendor_changelist")).status_code == 200
    download = admin_client_bpbj.get(_url(document))
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF")


def test_the_admin_never_takes_a_document_file_past_the_content_check(admin_client_bpbj, document):
    # Vendors upload on their page (content-checked); the admin has no file input to bypass it.
    page = admin_client_bpbj.get(reverse("admin:catalog_vendordocument_change", args=[document.pk]))
    assert 'type="file"' not in page.content.decode()
    assert admin_client_bpbj.get(reverse("admin:catalog_vendordocument_add")).status_code == 403
    vendor_page = admin_client_bpbj.get(reverse("admin:catalog_vendor_change", args=[document.vendor_id]))
    assert 'type="file"' not in vendor_page.content.decode()


def test_the_admin_link_refuses_other_users(document, other_vendor_client, buyer_client, anon_client):
    url = _url(document)
    assert other_vendor_client.get(url).status_code == 404
    assert buyer_client.get(url).status_code == 404
    assert anon_client.get(url).status_code == 302


def test_admin_is_closed_to_non_staff(vendor_client, bpbj_client, document):
    for client in (vendor_client, bpbj_client):  # the catalogue manager is not staff
        response = client.get(reverse("admin:catalog_vendordocument_change", args=[document.pk]))
        assert response.status_code == 302
        assert "/admin/login/" in response["Location"]
