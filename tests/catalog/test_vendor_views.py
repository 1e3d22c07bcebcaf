"""Vendor pages: registration, home, profile, documents, products."""

from decimal import Decimal

import pytest
from django.urls import reverse

from catalog.models import PriceHistory, Product, ProductStatus, Vendor, VendorDocument, VendorStatus
from tests.factories import CategoryFactory, ProductFactory

from .conftest import make_photo, pdf_upload, upload

PASSWORD = "Apel-Batu-2025!"


def registration_data(kecamatan, kelurahan, **overrides):
    data = {
        "username": "busri",
        "password1": PASSWORD,
        "password2": PASSWORD,
        "business_name": "Kripik Apel Bu Sri",
        "owner_name": "Sri Wahyuni",
        "nib": "9120001234567",
        "npwp": "01.234.567.8-901.234",
        "scale": "mikro",
        "address": "Jl. Bukit Berbunga 5",
        "kecamatan": kecamatan.pk,
        "kelurahan": kelurahan.pk,
        "phone": "081234567890",
        "email": "sri@example.test",
        "bank_name": "Bank Jatim",
        "bank_account_number": "0011223344",
        "bank_account_name": "Sri Wahyuni",
    }
    data.update(overrides)
    return data


class TestRegistration:
    url = reverse("catalog:vendor_register")

    def test_form_shows_grouped_kelurahan_and_no_local_checkbox(self, anon_client, sisir, punten):
        response = anon_client.get(self.url)
        assert response.status_code == 200
        html = response.content.decode()
        assert '<optgroup label="Batu">' in html
        assert "is_local" not in html

    def test_register_logs_in_and_shows_pending_status(self, anon_client, batu, sisir):
        data = registration_data(batu, sisir, doc_halal=pdf_upload())
        response = anon_client.post(self.url, data, follow=True)
        assert response.redirect_chain[-1][0] == reverse("catalog:vendor_home")
        vendor = Vendor.objects.get()
        assert vendor.status == VendorStatus.PENDING
        assert vendor.npwp == "012345678901234"
        assert vendor.documents.get().kind == VendorDocument.Kind.HALAL
        assert "Menunggu verifikasi" in response.content.decode()
        assert response.context["user"] == vendor.user

    def test_kelurahan_outside_kecamatan_is_an_error(self, anon_client, batu, punten):
        response = anon_client.post(self.url, registration_data(batu, punten))
        assert response.status_code == 200
        assert "tidak berada di Kecamatan Batu" in response.content.decode()
        assert not Vendor.objects.exists()

    @pytest.mark.parametrize(
        ("field", "value", "message"),
        [
            ("nib", "12345", "NIB harus 13 digit"),
            ("npwp", "123", "NPWP harus 15 atau 16 digit"),
            ("password2", "lain-sekali-123", "Kedua kata sandi tidak sama"),
            ("phone", "12", "Nomor telepon tidak valid"),
        ],
    )
    def test_bad_input_is_reported_in_indonesian(self, anon_client, batu, sisir, field, value, message):
        response = anon_client.post(self.url, registration_data(batu, sisir, **{field: value}))
        assert response.status_code == 200
        assert message in response.content.decode()
        assert not Vendor.objects.exists()

    def test_weak_password_is_rejected_by_django_validators(self, anon_client, batu, sisir):
        response = anon_client.post(
            self.url, registration_data(batu, sisir, password1="12345678", password2="12345678")
        )
        assert response.status_code == 200
        assert response.context["form"].errors["password1"]

    def test_duplicate_username_and_nib(self, anon_client, vendor, batu, sisir):
        data = registration_data(batu, sisir, username=vendor.user.username.upper(), nib=vendor.nib)
        response = anon_client.post(self.url, data)
        errors = response.context["form"].errors
        assert "username" in errors and "nib" in errors

    def test_text_file_as_document_is_rejected(self, anon_client, batu, sisir):
        data = registration_data(batu, sisir, doc_pirt=upload("pirt.pdf", b"bukan pdf"))
        response = anon_client.post(self.url, data)
        assert "Dokumen harus berupa PDF atau gambar" in response.content.decode()
        assert not Vendor.objects.exists()

    def test_logged_in_user_is_sent_to_dashboard(self, vendor_client):
        assert vendor_client.get(self.url).status_code == 302


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
