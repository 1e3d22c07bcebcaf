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
