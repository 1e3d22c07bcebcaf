"""New photos are curated before the public sees them; photo steps on a tayang product are logged."""

import pytest
from django.urls import reverse

from catalog import services
from catalog.models import PhotoStatus, ProductPhoto, ProductStatus
from catalog.selectors import public_product_detail, public_products
from tests.factories import ProductFactory, image_upload

from .conftest import make_photo, product_with_photo


@pytest.fixture
def bpbj(bpbj_user):
    return bpbj_user


def public_photo_ids(product):
    return [p.pk for p in public_product_detail(product.pk).photos.all()]


def test_a_new_photo_of_a_tayang_product_waits_for_curation_and_is_logged(vendor_client, published_product):
    [approved] = published_product.photos.all()
    response = vendor_client.post(
        reverse("catalog:product_photos", args=[published_product.pk]), {"photo": image_upload()}
    )
    assert response.status_code == 302
    new = published_product.photos.exclude(pk=approved.pk).get()
    assert new.status == PhotoStatus.PENDING
    assert public_photo_ids(published_product) == [approved.pk]
    detail = vendor_client.get(published_product.get_absolute_url()).content.decode()
    assert new.image.url not in detail and approved.image.url in detail
    event = published_product.events.first()
    assert event.actor == published_product.vendor.user
    assert f"Foto #{new.pk} ditambahkan" in event.note
    assert event.to_status == ProductStatus.PUBLISHED
    page = vendor_client.get(reverse("catalog:product_photos", args=[published_product.pk])).content.decode()
    assert "Menunggu kurasi" in page


def test_the_public_list_and_api_show_approved_photos_only(client, published_product):
    [approved] = published_product.photos.all()
    ProductPhoto.objects.filter(pk=approved.pk).update(position=1)
    pending = make_photo(published_product, status=PhotoStatus.PENDING, position=0)
    [card] = public_products().filter(pk=published_product.pk)
    assert [p.pk for p in card.first_photos] == [approved.pk]
    data = client.get(reverse("opendata:api_product_detail", args=[published_product.pk])).json()
    assert all(pending.image.name not in url for url in data["photos"])
    assert len(data["photos"]) == 1


def test_bpbj_approves_a_photo_from_the_queue_and_the_public_sees_it(
    bpbj_client, bpbj_user, published_product
):
    pending = make_photo(published_product, status=PhotoStatus.PENDING)
    queue = bpbj_client.get(reverse("catalog:photo_queue"))
    assert [p.pk for p in queue.context["photos"]] == [pending.pk]
    response = bpbj_client.post(reverse("catalog:photo_decide", args=[pending.pk]), {"action": "approve"})
    assert response.status_code == 302
    pending.refresh_from_db()
    assert pending.status == PhotoStatus.APPROVED
    assert pending.pk in public_photo_ids(published_product)
    event = published_product.events.first()
    assert event.actor == bpbj_user and f"Foto #{pending.pk} disetujui" in event.note


def test_rejecting_a_photo_needs_a_reason_which_the_vendor_sees(
    bpbj_client, vendor_client, published_product
):
    pending = make_photo(published_product, status=PhotoStatus.PENDING)
    url = reverse("catalog:photo_decide", args=[pending.pk])
    response = bpbj_client.post(url, {"action": "reject", "reason-reason": " "}, follow=True)
    assert "Alasan penolakan wajib diisi" in response.content.decode()
    pending.refresh_from_db()
    assert pending.status == PhotoStatus.PENDING
    bpbj_client.post(url, {"action": "reject", "reason-reason": "Foto buram"})
    pending.refresh_from_db()
    assert (pending.status, pending.status_reason) == (PhotoStatus.REJECTED, "Foto buram")
    assert pending.pk not in public_photo_ids(published_product)
    page = vendor_client.get(reverse("catalog:product_photos", args=[published_product.pk])).content.decode()
    assert "Foto buram" in page
    response = bpbj_client.post(url, {"action": "approve"}, follow=True)
    assert "sudah dikurasi" in response.content.decode()


def test_removing_a_photo_of_a_tayang_product_is_logged(vendor_client, published_product):
    extra = make_photo(published_product)
    response = vendor_client.post(reverse("catalog:photo_delete", args=[published_product.pk, extra.pk]))
    assert response.status_code == 302
    assert not ProductPhoto.objects.filter(pk=extra.pk).exists()
    assert f"Foto #{extra.pk} (Disetujui) dihapus" in published_product.events.first().note


def test_a_tayang_product_keeps_an_approved_photo(vendor, published_product):
    [approved] = published_product.photos.all()
    make_photo(published_product, status=PhotoStatus.PENDING)
    with pytest.raises(services.CatalogError, match="sudah disetujui"):
        services.delete_photo(photo=approved, by=vendor.user)
    assert ProductPhoto.objects.filter(pk=approved.pk).exists()


def test_publishing_a_product_approves_the_photos_curated_with_it(vendor, bpbj):
    product = ProductFactory(vendor=vendor, status=ProductStatus.DRAFT, published_at=None)
    photo = services.add_photo(product=product, upload=image_upload(), by=vendor.user)
    assert photo.status == PhotoStatus.PENDING
    assert not product.events.filter(note__contains="Foto").exists()  # only tayang products log photo steps
    services.submit_product(product=product, by=vendor.user)
    services.publish_product(product=product, by=bpbj)
    photo.refresh_from_db()
    assert photo.status == PhotoStatus.APPROVED
    assert public_photo_ids(product) == [photo.pk]


def test_a_product_whose_photos_were_all_rejected_cannot_be_submitted(vendor, bpbj):
    product = product_with_photo(vendor=vendor, status=ProductStatus.REJECTED, published_at=None)
    product.photos.update(status=PhotoStatus.REJECTED)
    with pytest.raises(services.CatalogError, match="foto"):
        services.submit_product(product=product, by=vendor.user)


def test_only_bpbj_sees_the_photo_queue_and_decides(vendor_client, buyer_client, published_product, client):
    pending = make_photo(published_product, status=PhotoStatus.PENDING)
    for c in (vendor_client, buyer_client):
        assert c.get(reverse("catalog:photo_queue")).status_code == 403
        assert (
            c.post(reverse("catalog:photo_decide", args=[pending.pk]), {"action": "approve"}).status_code
            == 403
        )
    assert client.get(reverse("catalog:photo_queue")).status_code == 302
    pending.refresh_from_db()
    assert pending.status == PhotoStatus.PENDING


def test_photo_queue_is_paginated_and_query_count_does_not_grow(
    bpbj_client, vendor, category, django_assert_max_num_queries
):
    for _ in range(22):
        make_photo(product_with_photo(vendor=vendor, category=category), status=PhotoStatus.PENDING)
    draft = ProductFactory(vendor=vendor, status=ProductStatus.DRAFT, published_at=None)
    make_photo(draft, status=PhotoStatus.PENDING)  # curated with its product, not here
    with django_assert_max_num_queries(8):
        response = bpbj_client.get(reverse("catalog:photo_queue"))
    assert len(response.context["photos"]) == 20
    assert response.context["page_obj"].paginator.count == 22
    curation = bpbj_client.get(reverse("catalog:curation_queue"))
    assert curation.context["pending_photos"] == 22
