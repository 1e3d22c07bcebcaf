"""Services: vendor onboarding and the product status machine, without HTTP."""

from decimal import Decimal

import pytest

from accounts.models import Role
from catalog import services
from catalog.models import (
    BusinessScale,
    PriceHistory,
    Product,
    ProductEvent,
    ProductStatus,
    Vendor,
    VendorDocument,
    VendorEvent,
    VendorStatus,
)
from tests.factories import ProductFactory, UserFactory, VendorFactory

from .conftest import make_photo, pdf_upload, product_with_photo


def vendor_data(kecamatan, kelurahan, **overrides):
    data = {
        "business_name": "Kripik Apel Bu Sri",
        "owner_name": "Sri Wahyuni",
        "nib": "9120001234567",
        "npwp": "012345678901234",
        "scale": BusinessScale.MIKRO,
        "is_pkp": False,
        "address": "Jl. Bukit Berbunga 5",
        "kecamatan": kecamatan,
        "kelurahan": kelurahan,
        "phone": "081234567890",
        "email": "sri@example.test",
        "bank_name": "Bank Jatim",
        "bank_account_number": "0011223344",
        "bank_account_name": "Sri Wahyuni",
        "description": "",
    }
    data.update(overrides)
    return data


@pytest.fixture
def bpbj(bpbj_user):
    return bpbj_user


class TestRegisterVendor:
    def test_register_creates_pending_vendor_user_and_event(self, batu, sisir):
        vendor = services.register_vendor(
            username="busri", password="Apel-Batu-2025!", vendor_data=vendor_data(batu, sisir)
        )
        assert vendor.status == VendorStatus.PENDING
        assert vendor.is_local is False
        assert vendor.user.role == Role.VENDOR
        assert vendor.user.check_password("Apel-Batu-2025!")
        assert vendor.slug == "kripik-apel-bu-sri"
        event = VendorEvent.objects.get(vendor=vendor)
        assert (event.from_status, event.to_status) == ("", VendorStatus.PENDING)

    def test_register_never_takes_is_local_from_the_vendor(self, batu, sisir):
        vendor = services.register_vendor(
            username="busri", password="Apel-Batu-2025!", vendor_data=vendor_data(batu, sisir, is_local=True)
        )
        assert vendor.is_local is False

    def test_slugs_are_unique_for_the_same_business_name(self, batu, sisir):
        first = services.register_vendor(
            username="a1", password="Apel-Batu-2025!", vendor_data=vendor_data(batu, sisir)
        )
        second = services.register_vendor(
            username="a2",
            password="Apel-Batu-2025!",
            vendor_data=vendor_data(batu, sisir, nib="9120001234568", email="x@example.test"),
        )
        assert first.slug != second.slug
        assert second.slug == "kripik-apel-bu-sri-2"

    def test_kelurahan_must_belong_to_the_kecamatan(self, batu, punten):
        with pytest.raises(services.CatalogError):
            services.register_vendor(
                username="x", password="Apel-Batu-2025!", vendor_data=vendor_data(batu, punten)
            )
        assert not Vendor.objects.exists()

    def test_documents_are_stored_with_random_names(self, batu, sisir):
        vendor = services.register_vendor(
            username="busri",
            password="Apel-Batu-2025!",
            vendor_data=vendor_data(batu, sisir),
            documents=[(VendorDocument.Kind.HALAL, pdf_upload("sertifikat halal bu sri.pdf"))],
        )
        document = vendor.documents.get()
        assert document.kind == VendorDocument.Kind.HALAL
        assert document.file.name.endswith(".pdf")
        assert "bu sri" not in document.file.name


class TestVendorStatus:
    def test_verify_records_local_verifier_and_event(self, pending_vendor, bpbj):
        services.verify_vendor(vendor=pending_vendor, by=bpbj, is_local=True)
        pending_vendor.refresh_from_db()
        assert pending_vendor.status == VendorStatus.VERIFIED
        assert pending_vendor.is_local is True
        assert pending_vendor.verified_by == bpbj
        assert pending_vendor.verified_at is not None
        assert pending_vendor.events.first().to_status == VendorStatus.VERIFIED

    def test_reject_needs_a_reason(self, pending_vendor, bpbj):
        with pytest.raises(services.CatalogError):
            services.reject_vendor(vendor=pending_vendor, by=bpbj, reason="  ")
        services.reject_vendor(vendor=pending_vendor, by=bpbj, reason="NIB tidak cocok dengan OSS")
        pending_vendor.refresh_from_db()
        assert pending_vendor.status == VendorStatus.REJECTED
        assert pending_vendor.status_reason == "NIB tidak cocok dengan OSS"

    def test_suspend_and_reinstate(self, vendor, bpbj):
        services.suspend_vendor(vendor=vendor, by=bpbj, reason="Produk tidak sesuai")
        vendor.refresh_from_db()
        assert vendor.status == VendorStatus.SUSPENDED
        services.reinstate_vendor(vendor=vendor, by=bpbj)
        vendor.refresh_from_db()
        assert vendor.status == VendorStatus.VERIFIED
        assert list(vendor.events.values_list("to_status", flat=True)) == [
            VendorStatus.VERIFIED,
            VendorStatus.SUSPENDED,
        ]

    @pytest.mark.parametrize("status", list(VendorStatus.values))
    def test_every_forbidden_vendor_transition_raises(self, bpbj, status):
        vendor = VendorFactory(status=status)
        calls = {
            VendorStatus.VERIFIED: lambda: services.verify_vendor(vendor=vendor, by=bpbj, is_local=True),
            VendorStatus.REJECTED: lambda: services.reject_vendor(vendor=vendor, by=bpbj, reason="x"),
            VendorStatus.SUSPENDED: lambda: services.suspend_vendor(vendor=vendor, by=bpbj, reason="x"),
        }
        allowed = services.VENDOR_TRANSITIONS[status]
        for target, call in calls.items():
            if target in allowed and not (
                status == VendorStatus.SUSPENDED and target == VendorStatus.VERIFIED
            ):
                continue
            with pytest.raises(services.TransitionError):
                call()
            vendor.refresh_from_db()
            assert vendor.status == status

    def test_reinstate_only_from_suspended(self, vendor, bpbj):
        with pytest.raises(services.TransitionError):
            services.reinstate_vendor(vendor=vendor, by=bpbj)

    def test_suspended_vendors_products_leave_the_public_catalogue(self, vendor, bpbj):
        product = ProductFactory(vendor=vendor)
        assert list(Product.objects.public()) == [product]
        services.suspend_vendor(vendor=vendor, by=bpbj, reason="Sementara")
        assert not Product.objects.public().exists()
        product.refresh_from_db()
        assert product.status == ProductStatus.PUBLISHED  # kept, so reinstating restores it
        services.reinstate_vendor(vendor=vendor, by=bpbj)
        assert list(Product.objects.public()) == [product]

    def test_nib_of_verified_vendor_changes_only_through_a_change_request(self, vendor):
        nib = vendor.nib
        services.update_vendor_profile(vendor=vendor, data={"nib": "9999999999999"}, by=vendor.user)
        vendor.refresh_from_db()
        assert vendor.nib == nib
        assert vendor.change_requests.get().changes == {"nib": {"old": nib, "new": "9999999999999"}}

    def test_pending_vendor_may_fix_nib(self, pending_vendor):
        services.update_vendor_profile(
            vendor=pending_vendor, data={"nib": "9999999999999"}, by=pending_vendor.user
        )
        pending_vendor.refresh_from_db()
        assert pending_vendor.nib == "9999999999999"

    def test_rejected_vendor_editing_profile_goes_back_to_pending(self, bpbj):
        vendor = VendorFactory(status=VendorStatus.REJECTED, status_reason="NPWP salah", verified_at=None)
        services.update_vendor_profile(vendor=vendor, data={"npwp": "0123456789012345"}, by=vendor.user)
        vendor.refresh_from_db()
        assert vendor.status == VendorStatus.PENDING
        assert vendor.events.first().from_status == VendorStatus.REJECTED


class TestProducts:
    def product_data(self, category, **overrides):
        data = {
            "name": "Sari Apel 250 ml",
            "category": category,
            "unit": "botol",
            "price": Decimal("8000"),
            "min_order": 24,
            "stock": 500,
            "lead_time_days": 3,
            "description": "Sari apel Batu.",
            "specifications": [["Volume", "250 ml"]],
            "tkdn": Decimal("80"),
        }
        data.update(overrides)
        return data

    def test_create_product_is_a_draft_with_event(self, vendor, category):
        product = services.create_product(vendor=vendor, data=self.product_data(category), by=vendor.user)
        assert product.status == ProductStatus.DRAFT
        assert product.slug == "sari-apel-250-ml"
        assert product.events.get().to_status == ProductStatus.DRAFT

    def test_pending_vendor_cannot_create_or_submit(self, pending_vendor, category):
        with pytest.raises(services.CatalogError):
            services.create_product(
                vendor=pending_vendor, data=self.product_data(category), by=pending_vendor.user
            )
        product = product_with_photo(vendor=pending_vendor, status=ProductStatus.DRAFT, published_at=None)
        with pytest.raises(services.CatalogError, match="diverifikasi"):
            services.submit_product(product=product, by=pending_vendor.user)
        product.refresh_from_db()
        assert product.status == ProductStatus.DRAFT

    def test_submit_needs_a_photo(self, vendor):
        product = ProductFactory(vendor=vendor, status=ProductStatus.DRAFT, published_at=None)
        with pytest.raises(services.CatalogError, match="foto"):
            services.submit_product(product=product, by=vendor.user)
        make_photo(product)
        services.submit_product(product=product, by=vendor.user)
        product.refresh_from_db()
        assert product.status == ProductStatus.SUBMITTED
        assert product.submitted_at is not None

    def test_full_lifecycle_writes_an_event_per_status_change(self, draft_product, bpbj):
        vendor_user = draft_product.vendor.user
        services.submit_product(product=draft_product, by=vendor_user)
        services.reject_product(product=draft_product, by=bpbj, reason="Foto buram")
        draft_product.refresh_from_db()
        assert draft_product.status_reason == "Foto buram"
        services.submit_product(product=draft_product, by=vendor_user)
        services.publish_product(product=draft_product, by=bpbj)
        services.deactivate_product(product=draft_product, by=vendor_user)
        services.submit_product(product=draft_product, by=vendor_user)
        steps = list(
            ProductEvent.objects.filter(product=draft_product)
            .order_by("id")
            .values_list("from_status", "to_status")
        )
        assert steps == [
            ("draft", "submitted"),
            ("submitted", "rejected"),
            ("rejected", "submitted"),
            ("submitted", "published"),
            ("published", "inactive"),
            ("inactive", "submitted"),
        ]

    @pytest.mark.parametrize("status", list(ProductStatus.values))
    def test_every_forbidden_product_transition_raises(self, vendor, bpbj, status):
        product = product_with_photo(vendor=vendor, status=status)
        calls = {
            ProductStatus.SUBMITTED: lambda: services.submit_product(product=product, by=vendor.user),
            ProductStatus.PUBLISHED: lambda: services.publish_product(product=product, by=bpbj),
            ProductStatus.REJECTED: lambda: services.reject_product(product=product, by=bpbj, reason="x"),
            ProductStatus.INACTIVE: lambda: services.deactivate_product(product=product, by=vendor.user),
        }
        allowed = services.PRODUCT_TRANSITIONS[status]
        for target, call in calls.items():
            if target in allowed:
                continue
            with pytest.raises(services.TransitionError):
                call()
            product.refresh_from_db()
            assert product.status == status

    def test_only_products_of_verified_vendors_can_be_published(self, pending_vendor, bpbj):
        product = product_with_photo(vendor=pending_vendor, status=ProductStatus.SUBMITTED, published_at=None)
        with pytest.raises(services.CatalogError):
            services.publish_product(product=product, by=bpbj)

    def test_price_change_on_published_product_is_recorded_and_stays_published(self, published_product):
        user = published_product.vendor.user
        services.update_product(
            product=published_product, data={"price": Decimal("27500"), "stock": 5}, by=user
        )
        published_product.refresh_from_db()
        assert published_product.status == ProductStatus.PUBLISHED
        history = PriceHistory.objects.get(product=published_product)
        assert (history.old_price, history.new_price, history.changed_by) == (
            Decimal("25000"),
            Decimal("27500"),
            user,
        )

    def test_price_change_on_a_draft_is_not_history(self, draft_product):
        services.update_product(
            product=draft_product, data={"price": Decimal("1000")}, by=draft_product.vendor.user
        )
        assert not PriceHistory.objects.exists()

    def test_content_change_on_published_product_goes_back_to_curation(self, published_product):
        services.update_product(
            product=published_product, data={"name": "Keripik Apel Pedas"}, by=published_product.vendor.user
        )
        published_product.refresh_from_db()
        assert published_product.status == ProductStatus.SUBMITTED
        assert published_product.slug == "keripik-apel-pedas"
        assert not Product.objects.public().filter(pk=published_product.pk).exists()

    def test_unchanged_save_does_nothing(self, published_product):
        services.update_product(
            product=published_product,
            data={"price": published_product.price},
            by=published_product.vendor.user,
        )
        assert not PriceHistory.objects.exists()
        assert not ProductEvent.objects.exists()

    def test_bulk_publish_publishes_submitted_and_skips_others(self, vendor, pending_vendor, bpbj):
        ok = [
            product_with_photo(vendor=vendor, status=ProductStatus.SUBMITTED, published_at=None)
            for _ in range(3)
        ]
        draft = product_with_photo(vendor=vendor, status=ProductStatus.DRAFT, published_at=None)
        unverified = product_with_photo(
            vendor=pending_vendor, status=ProductStatus.SUBMITTED, published_at=None
        )
        result = services.bulk_publish(product_ids=[p.pk for p in [*ok, draft, unverified]], by=bpbj)
        assert sorted(p.pk for p in result.published) == sorted(p.pk for p in ok)
        assert {p.pk for p, _reason in result.skipped} == {draft.pk, unverified.pk}
        assert Product.objects.filter(status=ProductStatus.PUBLISHED).count() == 3

    def test_last_photo_of_a_published_product_cannot_be_deleted(self, published_product):
        photo = published_product.photos.get()
        with pytest.raises(services.CatalogError):
            services.delete_photo(photo=photo, by=published_product.vendor.user)

    def test_photo_of_a_draft_can_be_deleted(self, draft_product):
        services.delete_photo(photo=draft_product.photos.get(), by=draft_product.vendor.user)
        assert not draft_product.photos.exists()


def test_bpbj_user_fixture_is_not_a_vendor(bpbj_user):
    assert UserFactory._meta.model.objects.get(pk=bpbj_user.pk).vendor_profile is None
