"""BPBJ pages: vendor verification queue and product curation queue."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from catalog import services
from catalog.models import Product, ProductStatus, Vendor, VendorEvent, VendorStatus
from tests.factories import CategoryFactory, ProductFactory, VendorFactory

from .conftest import make_photo, product_with_photo


def submitted(vendor, category=None, minutes_ago=0, **kwargs):
    extra = {"category": category} if category else {}
    return product_with_photo(
        vendor=vendor,
        status=ProductStatus.SUBMITTED,
        published_at=None,
        submitted_at=timezone.now() - timedelta(minutes=minutes_ago),
        **extra,
        **kwargs,
    )


class TestVendorQueue:
    url = reverse("catalog:vendor_queue")

    def test_pending_vendors_oldest_first_by_default(self, bpbj_client):
        newer = VendorFactory(status=VendorStatus.PENDING)
        older = VendorFactory(status=VendorStatus.PENDING)
        Vendor.objects.filter(pk=older.pk).update(created_at=timezone.now() - timedelta(days=3))
        VendorFactory(status=VendorStatus.VERIFIED)
        response = bpbj_client.get(self.url)
        assert response.context["vendors"] == [older, newer]

    def test_filter_by_status_and_search(self, bpbj_client):
        VendorFactory(status=VendorStatus.VERIFIED, business_name="CV Apel Makmur")
        VendorFactory(status=VendorStatus.VERIFIED, business_name="UD Bunga")
        response = bpbj_client.get(self.url, {"status": "verified", "q": "apel"})
        assert [v.business_name for v in response.context["vendors"]] == ["CV Apel Makmur"]
        everything = bpbj_client.get(self.url, {"status": ""})
        assert len(everything.context["vendors"]) == 2

    def test_query_count_does_not_grow_with_rows(self, bpbj_client, django_assert_max_num_queries):
        VendorFactory.create_batch(20, status=VendorStatus.PENDING)
        with django_assert_max_num_queries(10):
            response = bpbj_client.get(self.url)
        assert len(response.context["vendors"]) == 20


class TestVendorReview:
    def url(self, vendor):
        return reverse("catalog:vendor_review", args=[vendor.pk])

    def test_shows_data_and_documents(self, bpbj_client, pending_vendor):
        response = bpbj_client.get(self.url(pending_vendor))
        assert response.status_code == 200
        assert pending_vendor.nib in response.content.decode()

    def test_verify_with_local_confirmation(self, bpbj_client, bpbj_user, pending_vendor):
        response = bpbj_client.post(self.url(pending_vendor), {"action": "verify", "verify-is_local": "1"})
        assert response.status_code == 302
        pending_vendor.refresh_from_db()
        assert pending_vendor.status == VendorStatus.VERIFIED
        assert pending_vendor.is_local is True
        assert pending_vendor.verified_by == bpbj_user

    def test_verify_without_choosing_local_or_not_is_refused_with_a_message(
        self, bpbj_client, pending_vendor
    ):
        response = bpbj_client.post(self.url(pending_vendor), {"action": "verify"})
        assert response.status_code == 400
        assert "Pilih apakah penyedia ini penyedia lokal atau bukan." in response.content.decode()
        pending_vendor.refresh_from_db()
        assert pending_vendor.status == VendorStatus.PENDING

    def test_verify_page_preselects_neither_answer(self, bpbj_client, pending_vendor):
        html = bpbj_client.get(self.url(pending_vendor)).content.decode()
        assert 'name="verify-is_local" value="1"' in html and 'name="verify-is_local" value="0"' in html
        assert "checked" not in html.split('name="verify-is_local"', 1)[1].split("</fieldset>", 1)[0]
        assert "<legend>Penyedia lokal?</legend>" in html

    def test_verify_as_not_local(self, bpbj_client, pending_vendor):
        bpbj_client.post(self.url(pending_vendor), {"action": "verify", "verify-is_local": "0"})
        pending_vendor.refresh_from_db()
        assert pending_vendor.status == VendorStatus.VERIFIED
        assert pending_vendor.is_local is False

    def test_bpbj_corrects_the_local_flag_later_with_a_logged_reason(self, bpbj_client, bpbj_user):
        vendor = VendorFactory(is_local=False)
        url = self.url(vendor)
        assert "Tercatat bukan penyedia lokal; ubah bila keliru" in bpbj_client.get(url).content.decode()
        response = bpbj_client.post(url, {"action": "set_local", "local-is_local": "1", "local-reason": " "})
        assert response.status_code == 400
        assert "Alasan wajib diisi" in response.content.decode()
        vendor.refresh_from_db()
        assert vendor.is_local is False
        response = bpbj_client.post(
            url,
            {"action": "set_local", "local-is_local": "1", "local-reason": "Alamat usaha di Desa Sumberejo."},
        )
        assert response.status_code == 302
        vendor.refresh_from_db()
        assert vendor.is_local is True
        event = vendor.events.first()
        assert event.actor == bpbj_user
        assert event.note == "Diubah menjadi penyedia lokal. Alasan: Alamat usaha di Desa Sumberejo."
        assert "Alamat usaha di Desa Sumberejo." in bpbj_client.get(url).content.decode()

    def test_setting_the_same_local_flag_again_is_a_message(self, bpbj_client):
        vendor = VendorFactory(is_local=True)
        response = bpbj_client.post(
            self.url(vendor),
            {"action": "set_local", "local-is_local": "1", "local-reason": "cek ulang"},
            follow=True,
        )
        assert "sudah tercatat sebagai penyedia lokal" in response.content.decode()
        assert not vendor.events.exists()

    def test_local_flag_of_a_pending_vendor_is_set_at_verification(self, pending_vendor, bpbj_user):
        with pytest.raises(services.CatalogError):
            services.set_vendor_local(vendor=pending_vendor, by=bpbj_user, is_local=True, reason="x")

    def test_vendor_cannot_change_its_own_local_flag(self, db):
        vendor = VendorFactory(is_local=False)
        with pytest.raises(services.CatalogError):
            services.set_vendor_local(vendor=vendor, by=vendor.user, is_local=True, reason="saya lokal")
        vendor.refresh_from_db()
        assert vendor.is_local is False

    def test_reject_requires_reason(self, bpbj_client, pending_vendor):
        response = bpbj_client.post(self.url(pending_vendor), {"action": "reject", "reason-reason": " "})
        assert response.status_code == 400
        assert "Alasan wajib diisi" in response.content.decode()
        pending_vendor.refresh_from_db()
        assert pending_vendor.status == VendorStatus.PENDING
        bpbj_client.post(
            self.url(pending_vendor), {"action": "reject", "reason-reason": "Alamat di luar kota"}
        )
        pending_vendor.refresh_from_db()
        assert pending_vendor.status == VendorStatus.REJECTED
        assert pending_vendor.status_reason == "Alamat di luar kota"

    def test_suspend_and_reinstate(self, bpbj_client, vendor):
        bpbj_client.post(self.url(vendor), {"action": "suspend", "reason-reason": "Pelanggaran"})
        vendor.refresh_from_db()
        assert vendor.status == VendorStatus.SUSPENDED
        bpbj_client.post(self.url(vendor), {"action": "reinstate"})
        vendor.refresh_from_db()
        assert vendor.status == VendorStatus.VERIFIED
        assert VendorEvent.objects.filter(vendor=vendor).count() == 2

    def test_impossible_transition_shows_message_not_500(self, bpbj_client, vendor):
        response = bpbj_client.post(self.url(vendor), {"action": "reject", "reason-reason": "x"}, follow=True)
        assert response.status_code == 200
        assert "tidak dapat diubah" in response.content.decode()

    def test_unknown_vendor_is_404(self, bpbj_client, db):
        assert bpbj_client.get(reverse("catalog:vendor_review", args=[999999])).status_code == 404


class TestCurationQueue:
    url = reverse("catalog:curation_queue")

    def test_submitted_products_oldest_first(self, bpbj_client, vendor):
        new = submitted(vendor, minutes_ago=1)
        old = submitted(vendor, minutes_ago=60)
        ProductFactory(vendor=vendor, status=ProductStatus.DRAFT)
        response = bpbj_client.get(self.url)
        assert response.context["products"] == [old, new]

    def test_filter_by_category_includes_subcategories_and_by_vendor(self, bpbj_client, vendor, other_vendor):
        food = CategoryFactory(name="Makanan")
        snack = CategoryFactory(name="Camilan", parent=food)
        atk = CategoryFactory(name="ATK")
        in_food = submitted(vendor, category=snack)
        submitted(vendor, category=atk)
        of_other = submitted(other_vendor, category=food)
        response = bpbj_client.get(self.url, {"category": food.pk})
        assert set(response.context["products"]) == {in_food, of_other}
        response = bpbj_client.get(self.url, {"category": food.pk, "vendor": other_vendor.pk})
        assert response.context["products"] == [of_other]

    def test_search_by_product_or_vendor_name_and_sort_newest_first(self, bpbj_client, vendor, other_vendor):
        other_vendor.business_name = "CV Kopi Arjuno"
        other_vendor.save(update_fields=["business_name"])
        apple = submitted(vendor, minutes_ago=60, name="Sari Apel Manalagi")
        coffee = submitted(other_vendor, minutes_ago=30, name="Kopi Bubuk")
        newest = submitted(vendor, minutes_ago=1, name="Sari Apel Hijau")
        assert bpbj_client.get(self.url, {"q": "sari apel"}).context["products"] == [apple, newest]
        assert bpbj_client.get(self.url, {"q": "arjuno"}).context["products"] == [coffee]
        response = bpbj_client.get(self.url, {"urut": "baru"})
        assert response.context["products"] == [newest, coffee, apple]
        assert "Terbaru di atas." in response.content.decode()
        response = bpbj_client.get(self.url, {"urut": "ngawur"})
        assert response.status_code == 200
        assert response.context["products"] == [apple, coffee, newest]

    def test_each_item_shows_how_long_it_has_waited(self, bpbj_client, vendor):
        submitted(vendor, minutes_ago=3 * 24 * 60 + 5)
        html = bpbj_client.get(self.url).content.decode()
        assert '<td data-label="Menunggu" class="queue-age">3 hari</td>' in html

    def test_page_has_a_select_all_box_for_bulk_approval(self, bpbj_client, vendor):
        submitted(vendor)
        html = bpbj_client.get(self.url).content.decode()
        assert 'data-select-all="ids"' in html
        assert "Pilih semua produk di halaman ini" in html

    def test_query_count_does_not_grow_with_rows(self, bpbj_client, django_assert_max_num_queries):
        for _ in range(18):
            submitted(VendorFactory())
        with django_assert_max_num_queries(12):
            response = bpbj_client.get(self.url)
        assert len(response.context["products"]) == 18

    def test_bulk_approve(self, bpbj_client, vendor, pending_vendor):
        chosen = [submitted(vendor) for _ in range(3)]
        left = submitted(vendor)
        unverified = submitted(pending_vendor)
        ids = [p.pk for p in chosen] + [unverified.pk]
        response = bpbj_client.post(
            reverse("catalog:bulk_approve"), {"ids": ids, "next": self.url + "?page=1"}, follow=True
        )
        assert response.redirect_chain[0][0] == self.url + "?page=1"
        assert Product.objects.filter(status=ProductStatus.PUBLISHED).count() == 3
        left.refresh_from_db()
        unverified.refresh_from_db()
        assert left.status == unverified.status == ProductStatus.SUBMITTED
        assert "3 produk ditayangkan" in response.content.decode()
        assert unverified.name in response.content.decode()

    def test_bulk_approve_ignores_foreign_next(self, bpbj_client, vendor):
        product = submitted(vendor)
        response = bpbj_client.post(
            reverse("catalog:bulk_approve"), {"ids": [product.pk], "next": "https://evil.example/"}
        )
        assert response.url == self.url

    def test_bulk_approve_requires_post(self, bpbj_client):
        assert bpbj_client.get(reverse("catalog:bulk_approve")).status_code == 405


class TestProductReview:
    def url(self, product):
        return reverse("catalog:product_review", args=[product.pk])

    def test_approve_publishes(self, bpbj_client, vendor):
        product = submitted(vendor)
        response = bpbj_client.post(self.url(product), {"action": "approve"})
        assert response.status_code == 302
        product.refresh_from_db()
        assert product.status == ProductStatus.PUBLISHED
        assert product in Product.objects.public()

    def test_reject_requires_reason_which_the_vendor_sees(self, bpbj_client, vendor, vendor_client):
        product = submitted(vendor)
        response = bpbj_client.post(self.url(product), {"action": "reject", "reason-reason": ""})
        assert response.status_code == 400
        product.refresh_from_db()
        assert product.status == ProductStatus.SUBMITTED
        bpbj_client.post(self.url(product), {"action": "reject", "reason-reason": "Harga tidak wajar"})
        product.refresh_from_db()
        assert product.status == ProductStatus.REJECTED
        page = vendor_client.get(reverse("catalog:product_edit", args=[product.pk])).content.decode()
        assert "Harga tidak wajar" in page

    def test_product_of_unverified_vendor_cannot_be_published(self, bpbj_client, pending_vendor):
        product = submitted(pending_vendor)
        response = bpbj_client.post(self.url(product), {"action": "approve"}, follow=True)
        assert "tidak dapat ditayangkan" in response.content.decode()
        product.refresh_from_db()
        assert product.status == ProductStatus.SUBMITTED

    @pytest.mark.parametrize("status", [ProductStatus.DRAFT, ProductStatus.PUBLISHED])
    def test_only_submitted_products_can_be_curated(self, bpbj_client, vendor, status):
        product = ProductFactory(vendor=vendor, status=status)
        make_photo(product)
        page = bpbj_client.get(self.url(product))
        assert page.context["can_curate"] is False
        bpbj_client.post(self.url(product), {"action": "approve"})
        product.refresh_from_db()
        assert product.status == status
