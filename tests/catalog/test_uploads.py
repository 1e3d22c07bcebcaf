"""Photo and document uploads: good ones stored re-encoded, bad ones refused with a message."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from PIL import Image

from catalog import images, services
from catalog.models import ProductPhoto
from tests.factories import image_upload

from .conftest import bomb_png, pdf_upload, truncated_jpeg, upload


def photos_url(product):
    return reverse("catalog:product_photos", args=[product.pk])


class TestPhotoUpload:
    def test_good_photo_is_reencoded_with_thumbnail(self, vendor_client, draft_product):
        response = vendor_client.post(
            photos_url(draft_product), {"photo": image_upload("Foto Saya.png", size=(800, 600))}
        )
        assert response.status_code == 302
        photo = draft_product.photos.order_by("-id").first()
        assert photo.image.name.endswith(".jpg") and "Foto" not in photo.image.name
        with Image.open(photo.image.path) as full, Image.open(photo.thumbnail.path) as thumb:
            assert full.format == thumb.format == "JPEG"
            assert full.size == (800, 600)
            assert max(thumb.size) <= 360
        assert photo.position == 1  # after the fixture's photo

    @pytest.mark.parametrize(
        ("make", "message"),
        [
            (lambda: upload("bom.png", bomb_png(), "image/png"), "piksel"),
            (lambda: upload("rusak.jpg", truncated_jpeg(), "image/jpeg"), "rusak"),
            (lambda: upload("teks.jpg", b"ini bukan foto sama sekali\n" * 20, "image/jpeg"), "bukan foto"),
        ],
        ids=["decompression-bomb-12000x12000", "truncated-jpeg", "text-renamed-jpg"],
    )
    def test_bad_files_are_rejected_with_a_message(self, vendor_client, draft_product, make, message):
        before = ProductPhoto.objects.count()
        response = vendor_client.post(photos_url(draft_product), {"photo": make()})
        assert response.status_code == 400
        errors = " ".join(response.context["form"].errors["photo"])
        assert message in errors
        assert ProductPhoto.objects.count() == before

    def test_oversized_file_is_rejected(self, vendor_client, draft_product, settings):
        settings.MAX_PHOTO_BYTES = 1024 * 1024
        big = upload("besar.jpg", b"\xff\xd8\xff" + b"0" * (1024 * 1024 + 10), "image/jpeg")
        response = vendor_client.post(photos_url(draft_product), {"photo": big})
        assert response.status_code == 400
        assert "terlalu besar" in " ".join(response.context["form"].errors["photo"])

    def test_too_many_pixels_under_the_bomb_limit_is_rejected(self, settings):
        settings.MAX_PHOTO_PIXELS = 1000
        with pytest.raises(ValidationError, match="Resolusi"):
            images.open_checked_image(image_upload(size=(100, 100)))

    def test_sixth_photo_is_refused(self, vendor_client, draft_product, settings):
        for i in range(settings.MAX_PHOTOS_PER_PRODUCT - 1):
            response = vendor_client.post(photos_url(draft_product), {"photo": image_upload(f"{i}.png")})
            assert response.status_code == 302
        assert draft_product.photos.count() == 5
        response = vendor_client.post(photos_url(draft_product), {"photo": image_upload("6.png")})
        assert response.status_code == 400
        assert "Maksimal 5 foto" in response.content.decode()
        assert draft_product.photos.count() == 5

    def test_service_enforces_the_limit_too(self, draft_product, settings):
        settings.MAX_PHOTOS_PER_PRODUCT = 1
        with pytest.raises(services.CatalogError):
            services.add_photo(product=draft_product, upload=image_upload(), by=draft_product.vendor.user)

    def test_delete_photo(self, vendor_client, draft_product):
        photo = draft_product.photos.get()
        response = vendor_client.post(reverse("catalog:photo_delete", args=[draft_product.pk, photo.pk]))
        assert response.status_code == 302
        assert not draft_product.photos.exists()

    def test_delete_last_photo_of_published_product_is_refused(self, vendor_client, published_product):
        photo = published_product.photos.get()
        response = vendor_client.post(
            reverse("catalog:photo_delete", args=[published_product.pk, photo.pk]), follow=True
        )
        assert "minimal satu foto" in response.content.decode()
        assert published_product.photos.exists()


class TestDocuments:
    def test_pdf_kept_and_image_reencoded(self, vendor):
        pdf = services.add_document(vendor=vendor, kind="halal", upload=pdf_upload(), by=vendor.user)
        assert pdf.file.name.endswith(".pdf")
        scan = services.add_document(
            vendor=vendor, kind="pirt", upload=image_upload("pirt.png"), by=vendor.user
        )
        assert scan.file.name.endswith(".jpg")

    @pytest.mark.parametrize(
        "bad",
        [
            lambda: upload("a.pdf", b"MZ\x90\x00 executable"),
            lambda: upload("b.png", bomb_png(), "image/png"),
            lambda: upload("c.jpg", truncated_jpeg(), "image/jpeg"),
        ],
        ids=["exe-as-pdf", "bomb", "truncated"],
    )
    def test_bad_documents_are_rejected(self, vendor_client, vendor, bad):
        response = vendor_client.post(reverse("catalog:vendor_documents"), {"kind": "sni", "file": bad()})
        assert response.status_code == 200
        assert response.context["form"].errors["file"]
        assert not vendor.documents.exists()

    def test_oversized_document(self, vendor_client, vendor, settings):
        settings.MAX_DOCUMENT_BYTES = 100
        response = vendor_client.post(
            reverse("catalog:vendor_documents"),
            {"kind": "sni", "file": upload("x.pdf", b"%PDF-" + b"0" * 200)},
        )
        assert "terlalu besar" in " ".join(response.context["form"].errors["file"])


def test_a_truncated_photo_is_refused_even_after_a_pdf_was_rendered(monkeypatch):
    """Importing WeasyPrint turns on Pillow's LOAD_TRUNCATED_IMAGES for the whole process; the upload
    check must not depend on whether this process has rendered a document before."""
    import weasyprint  # noqa: F401  (the import is what flips the switch)
    from PIL import ImageFile

    from documents import pdf

    monkeypatch.setattr(pdf, "render_to_string", lambda template, context: "<p>SP</p>")
    assert pdf.render_pdf("any.html", {}).startswith(b"%PDF")
    assert ImageFile.LOAD_TRUNCATED_IMAGES is False
    with pytest.raises(ValidationError, match="rusak"):
        images.open_checked_image(upload("rusak.jpg", truncated_jpeg(), "image/jpeg"))
