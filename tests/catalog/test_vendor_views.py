"""Vendor pages: registration, home, profile, documents, products."""

from decimal import Decimal

import pytest
from django.urls import reverse

from catalog.models import PriceHistory, Product, ProductStatus, Vendor, VendorStatus
from tests.factories import CategoryFactory, ProductFactory

from .conftest import make_photo, pdf_upload

PASSWORD = "Apel-Batu-2025!"


# Registration (in steps, on the onboarding app) is tested in tests/onboarding/test_registration.py.


class TestHomeAndProfile:
    def test_home_counts_products_per_status(self, vendor_client, vendor):
        ProductFactory.create_batch(2, vendor=vendor)
        ProductFactory(vendor=vendor, status=ProductStatus.DRAFT)
        response = vendor_client.get(reverse("catalog:vendor_home"))
        counts = {value: n for value, _label, n in response.context["status_counts"]}
        assert counts[ProductStatus.PUBLISHED] == 2
        assert counts[ProductStatus.DRAFT] == 1

    def test_rejected_vendor_sees_the_reason(self, vendor_client, vendor):
        Vendor.objects.filter(pk=vendor.pk).update(
            status=VendorStatus.REJECTED, status_reason="NIB tidak terdaftar"
        )
        response = vendor_client.get(reverse("catalog:vendor_home"))
        assert "NIB tidak terdaftar" in response.content.decode()

    def test_profile_edit_keeps_nib_and_name_of_verified_vendor_until_bpbj_approves(
        self, vendor_client, vendor
    ):
        url = reverse("catalog:vendor_profile_edit")
        form = vendor_client.get(url).context["form"]
        data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
        data.update(nib="9999999999999", business_name="UD Baru", scale="kecil")
        data["is_pkp"] = ""
        response = vendor_client.post(url, data)
        assert response.status_code == 302, response.context["form"].errors
        vendor.refresh_from_db()
        assert vendor.scale == "kecil"  # not reviewed: saved at once
        assert vendor.business_name != "UD Baru"
        assert vendor.nib != "9999999999999"
        assert set(vendor.change_requests.get().changes) == {"nib", "business_name"}

    def test_documents_upload_and_delete(self, vendor_client, vendor):
        url = reverse("catalog:vendor_documents")
        response = vendor_client.post(url, {"kind": "sni", "number": "SNI-01", "file": pdf_upload("sni.pdf")})
        assert response.status_code == 302
        document = vendor.documents.get()
        assert vendor_client.get(url).context["documents"] == [document]
        vendor_client.post(reverse("catalog:vendor_document_delete", args=[document.pk]))
        assert not vendor.documents.exists()


class TestProducts:
    def form_data(self, category, **overrides):
        data = {
            "name": "Sari Apel 250 ml",
            "category": category.pk,
            "unit": "botol",
            "price": "8.000",
            "min_order": "24",
            "stock": "500",
            "lead_time_days": "3",
            "description": "Sari apel asli Batu.",
            "specifications_text": "Volume: 250 ml\n\nBahan: apel manalagi",
            "tkdn": "80",
        }
        data.update(overrides)
        return data

    def test_create_product_as_draft(self, vendor_client, vendor, category):
        response = vendor_client.post(reverse("catalog:product_create"), self.form_data(category))
        product = Product.objects.get()
        assert response.url == reverse("catalog:product_photos", args=[product.pk])
        assert product.vendor == vendor
        assert product.status == ProductStatus.DRAFT
        assert product.price == Decimal("8000")
        assert product.specifications == [["Volume", "250 ml"], ["Bahan", "apel manalagi"]]

    def test_category_choices_are_an_indented_tree(self, vendor_client):
        parent = CategoryFactory(name="ATK")
        CategoryFactory(name="Kertas", parent=parent)
        response = vendor_client.get(reverse("catalog:product_create"))
        labels = [label for _value, label in response.context["form"].fields["category"].choices]
        assert labels.index("ATK") + 1 == labels.index("\u2003└ Kertas")

    @pytest.mark.parametrize(
        ("field", "value", "message"),
        [
            ("specifications_text", "Volume 250 ml", "Baris 1"),
            ("specifications_text", "Volume: 1\nvolume: 2", "sudah ada"),
            ("price", "8000,50", "Rupiah"),
            ("price", "0", "1"),
            ("tkdn", "120", "100"),
            ("min_order", "0", "1"),
        ],
    )
    def test_invalid_product_input(self, vendor_client, category, field, value, message):
        response = vendor_client.post(
            reverse("catalog:product_create"), self.form_data(category, **{field: value})
        )
        assert response.status_code == 200
        assert message in " ".join(response.context["form"].errors.get(field, []))
        assert not Product.objects.exists()

    def test_pending_vendor_sees_a_clear_message(self, pending_vendor_client, category):
        response = pending_vendor_client.get(reverse("catalog:product_create"))
        assert response.status_code == 403
        assert "belum terverifikasi" in response.content.decode()
        response = pending_vendor_client.post(reverse("catalog:product_create"), self.form_data(category))
        assert response.status_code == 403
        assert not Product.objects.exists()

    def test_pending_vendor_cannot_submit(self, pending_vendor_client, pending_vendor):
        product = ProductFactory(vendor=pending_vendor, status=ProductStatus.DRAFT, published_at=None)
        make_photo(product)
        response = pending_vendor_client.post(
            reverse("catalog:product_submit", args=[product.pk]), follow=True
        )
        assert "diverifikasi" in response.content.decode()
        product.refresh_from_db()
        assert product.status == ProductStatus.DRAFT

    def test_submit_without_photo_shows_error(self, vendor_client, vendor):
        product = ProductFactory(vendor=vendor, status=ProductStatus.DRAFT, published_at=None)
        response = vendor_client.post(reverse("catalog:product_submit", args=[product.pk]), follow=True)
        assert "minimal satu foto" in response.content.decode()

    def test_submit_and_deactivate(self, vendor_client, draft_product):
        vendor_client.post(reverse("catalog:product_submit", args=[draft_product.pk]))
        draft_product.refresh_from_db()
        assert draft_product.status == ProductStatus.SUBMITTED
        vendor_client.post(reverse("catalog:product_deactivate", args=[draft_product.pk]))
        draft_product.refresh_from_db()
        assert draft_product.status == ProductStatus.INACTIVE

    def test_editing_published_price_records_history(self, vendor_client, published_product, category):
        url = reverse("catalog:product_edit", args=[published_product.pk])
        data = self.form_data(
            category,
            name=published_product.name,
            unit=published_product.unit,
            description=published_product.description,
            specifications_text="Berat: 100 g",
            tkdn="60",
            price="Rp 30.000",
        )
        response = vendor_client.post(url, data)
        assert response.status_code == 302
        published_product.refresh_from_db()
        assert published_product.status == ProductStatus.PUBLISHED
        assert published_product.price == Decimal("30000")
        assert PriceHistory.objects.get().new_price == Decimal("30000")
        page = vendor_client.get(url).content.decode()
        assert "Rp25.000" in page and "Rp30.000" in page

    def test_rejected_reason_is_shown_on_the_edit_page(self, vendor_client, vendor):
        product = ProductFactory(
            vendor=vendor, status=ProductStatus.REJECTED, status_reason="Foto kurang jelas"
        )
        assert (
            "Foto kurang jelas"
            in vendor_client.get(reverse("catalog:product_edit", args=[product.pk])).content.decode()
        )

    def test_list_filters_by_status_and_paginates(self, vendor_client, vendor):
        ProductFactory.create_batch(25, vendor=vendor, status=ProductStatus.DRAFT)
        ProductFactory(vendor=vendor, status=ProductStatus.PUBLISHED, name="Tayang satu")
        url = reverse("catalog:vendor_products")
        response = vendor_client.get(url, {"status": "draft"})
        assert response.context["page_obj"].paginator.count == 25
        assert len(response.context["products"]) == 20
        page2 = vendor_client.get(url, {"status": "draft", "page": 2})
        assert len(page2.context["products"]) == 5
        assert "status=draft" in page2.content.decode()
        published = vendor_client.get(url, {"status": "published"})
        assert [p.name for p in published.context["products"]] == ["Tayang satu"]

    def test_list_shows_only_own_products(self, vendor_client, other_product):
        response = vendor_client.get(reverse("catalog:vendor_products"))
        assert other_product not in response.context["products"]

    def test_product_list_query_count_is_bounded(self, vendor_client, vendor, django_assert_max_num_queries):
        for product in ProductFactory.create_batch(18, vendor=vendor):
            make_photo(product)
        with django_assert_max_num_queries(10):
            response = vendor_client.get(reverse("catalog:vendor_products"))
        assert len(response.context["products"]) == 18
