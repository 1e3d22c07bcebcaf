"""Who may open the vendor and BPBJ pages; another vendor's objects are 404, never a leak."""

import pytest
from django.urls import reverse

from catalog.models import ProductStatus, VendorDocument

from .conftest import pdf_upload

VENDOR_URLS = [
    ("catalog:vendor_home", ()),
    ("catalog:vendor_profile_edit", ()),
    ("catalog:vendor_documents", ()),
    ("catalog:vendor_products", ()),
    ("catalog:product_create", ()),
    ("catalog:product_import", ()),
    ("catalog:import_template", ("csv",)),
]
BPBJ_URLS = [
    ("catalog:vendor_queue", ()),
    ("catalog:vendor_review", (1,)),
    ("catalog:curation_queue", ()),
    ("catalog:bulk_approve", ()),
    ("catalog:product_review", (1,)),
]


@pytest.fixture
def other_document(other_vendor):
    return VendorDocument.objects.create(vendor=other_vendor, kind="halal", file=pdf_upload())


def object_urls(product, photo, document):
    """Every vendor URL that takes an id, with the method it answers to."""
    return [
        ("get", reverse("catalog:product_edit", args=[product.pk])),
        ("post", reverse("catalog:product_edit", args=[product.pk])),
        ("get", reverse("catalog:product_photos", args=[product.pk])),
        ("post", reverse("catalog:product_photos", args=[product.pk])),
        ("post", reverse("catalog:photo_delete", args=[product.pk, photo.pk])),
        ("post", reverse("catalog:product_submit", args=[product.pk])),
        ("post", reverse("catalog:product_deactivate", args=[product.pk])),
        ("post", reverse("catalog:vendor_document_delete", args=[document.pk])),
    ]


@pytest.mark.parametrize(("name", "args"), VENDOR_URLS + BPBJ_URLS)
def test_anonymous_is_sent_to_login(anon_client, db, name, args):
    response = anon_client.get(reverse(name, args=args))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize(("name", "args"), VENDOR_URLS)
def test_buyer_and_bpbj_get_403_on_vendor_pages(buyer_client, bpbj_client, name, args):
    assert buyer_client.get(reverse(name, args=args)).status_code == 403
    assert bpbj_client.get(reverse(name, args=args)).status_code == 403


@pytest.mark.parametrize(("name", "args"), BPBJ_URLS)
def test_vendor_and_buyer_get_403_on_bpbj_pages(vendor_client, buyer_client, name, args):
    assert vendor_client.get(reverse(name, args=args)).status_code == 403
    assert buyer_client.post(reverse(name, args=args)).status_code == 403


def test_admin_role_may_use_bpbj_pages(admin_client_bpbj):
    assert admin_client_bpbj.get(reverse("catalog:curation_queue")).status_code == 200
    assert admin_client_bpbj.get(reverse("catalog:vendor_queue")).status_code == 200


def test_vendor_gets_404_for_another_vendors_objects(vendor_client, other_product, other_document):
    photo = other_product.photos.get()
    for method, url in object_urls(other_product, photo, other_document):
        response = getattr(vendor_client, method)(url)
        assert response.status_code == 404, (method, url)
    other_product.refresh_from_db()
    assert other_product.status == ProductStatus.DRAFT
    assert other_product.photos.exists()
    assert VendorDocument.objects.filter(pk=other_document.pk).exists()


def test_photo_of_own_product_but_wrong_product_id_is_404(vendor_client, draft_product, other_product):
    foreign_photo = other_product.photos.get()
    url = reverse("catalog:photo_delete", args=[draft_product.pk, foreign_photo.pk])
    assert vendor_client.post(url).status_code == 404


def test_owner_reaches_every_object_url(vendor_client, draft_product, vendor):
    document = VendorDocument.objects.create(vendor=vendor, kind="halal", file=pdf_upload())
    photo = draft_product.photos.get()
    for method, url in object_urls(draft_product, photo, document):
        if method == "get":
            assert vendor_client.get(url).status_code == 200, url


def test_state_changing_vendor_urls_refuse_get(vendor_client, draft_product):
    for name in ("catalog:product_submit", "catalog:product_deactivate"):
        assert vendor_client.get(reverse(name, args=[draft_product.pk])).status_code == 405
