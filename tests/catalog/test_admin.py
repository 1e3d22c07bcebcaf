"""The admin: every model listed, status read-only, actions through the same services."""

from decimal import Decimal

import pytest
from django.contrib import admin
from django.urls import reverse

from accounts.models import User
from catalog.models import (
    Category,
    Kecamatan,
    Kelurahan,
    PriceHistory,
    Product,
    ProductEvent,
    ProductPhoto,
    ProductStatus,
    Vendor,
    VendorDocument,
    VendorEvent,
    VendorStatus,
)
from tests.factories import ProductFactory

from .conftest import product_with_photo

MODELS = [
    Kecamatan,
    Kelurahan,
    Category,
    Vendor,
    VendorDocument,
    VendorEvent,
    Product,
    ProductPhoto,
    PriceHistory,
    ProductEvent,
    User,
]


def changelist(model):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_every_model_is_registered_and_lists(admin_client_bpbj, published_product, pending_vendor, model):
    assert admin.site.is_registered(model)
    response = admin_client_bpbj.get(changelist(model))
    assert response.status_code == 200
    assert admin_client_bpbj.get(changelist(model), {"q": "apel"}).status_code == 200


@pytest.mark.parametrize("model", [Vendor, Product], ids=lambda m: m.__name__)
def test_change_pages_open(admin_client_bpbj, published_product, model):
    obj = published_product if model is Product else published_product.vendor
    url = reverse(f"admin:catalog_{model._meta.model_name}_change", args=[obj.pk])
    assert admin_client_bpbj.get(url).status_code == 200


def test_status_fields_are_read_only():
    for model, fields in [
        (Vendor, {"status", "is_local", "verified_at"}),
        (Product, {"status", "published_at"}),
    ]:
        assert fields <= set(admin.site._registry[model].readonly_fields)


@pytest.mark.parametrize("model", [VendorEvent, ProductEvent, PriceHistory], ids=lambda m: m.__name__)
def test_history_is_read_only(rf, admin_user, model):
    request = rf.get("/")
    request.user = admin_user
    model_admin = admin.site._registry[model]
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)


def test_verify_action_uses_the_service(admin_client_bpbj, admin_user, pending_vendor):
    response = admin_client_bpbj.post(
        changelist(Vendor), {"action": "verify_vendors", "_selected_action": [pending_vendor.pk]}
    )
    assert response.status_code == 302
    pending_vendor.refresh_from_db()
    assert pending_vendor.status == VendorStatus.VERIFIED
    assert pending_vendor.is_local
    assert pending_vendor.events.first().actor == admin_user


def test_publish_action_skips_what_cannot_be_published(admin_client_bpbj, vendor, pending_vendor):
    ok = product_with_photo(vendor=vendor, status=ProductStatus.SUBMITTED, published_at=None)
    bad = product_with_photo(vendor=pending_vendor, status=ProductStatus.SUBMITTED, published_at=None)
    response = admin_client_bpbj.post(
        changelist(Product), {"action": "publish_products", "_selected_action": [ok.pk, bad.pk]}, follow=True
    )
    ok.refresh_from_db()
    bad.refresh_from_db()
    assert ok.status == ProductStatus.PUBLISHED
    assert bad.status == ProductStatus.SUBMITTED
    assert "tidak dapat ditayangkan" in response.content.decode()


def test_reject_action_asks_for_a_reason(admin_client_bpbj, vendor):
    product = product_with_photo(vendor=vendor, status=ProductStatus.SUBMITTED, published_at=None)
    data = {"action": "reject_products", "_selected_action": [product.pk]}
    response = admin_client_bpbj.post(changelist(Product), data)
    assert response.status_code == 200
    assert "Alasan" in response.content.decode()
    response = admin_client_bpbj.post(changelist(Product), {**data, "post": "yes", "reason": ""})
    assert "Alasan wajib diisi" in response.content.decode()
    product.refresh_from_db()
    assert product.status == ProductStatus.SUBMITTED
    admin_client_bpbj.post(changelist(Product), {**data, "post": "yes", "reason": "Foto tidak sesuai"})
    product.refresh_from_db()
    assert product.status == ProductStatus.REJECTED
    assert product.status_reason == "Foto tidak sesuai"


def test_price_edit_in_admin_is_recorded(admin_client_bpbj, admin_user, vendor, category):
    product = ProductFactory(vendor=vendor, category=category, specifications=[])
    url = reverse("admin:catalog_product_change", args=[product.pk])
    data = {
        "category": category.pk,
        "name": product.name,
        "slug": product.slug,
        "unit": product.unit,
        "price": "30000",
        "min_order": 1,
        "stock": 100,
        "lead_time_days": 2,
        "description": product.description,
        "specifications": "[]",
        "tkdn": "60.00",
        **{
            f"{prefix}-{k}": v
            for prefix in ("photos", "price_history", "events")
            for k, v in {
                "TOTAL_FORMS": 0,
                "INITIAL_FORMS": 0,
                "MIN_NUM_FORMS": 0,
                "MAX_NUM_FORMS": 1000,
            }.items()
        },
    }
    response = admin_client_bpbj.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    product.refresh_from_db()
    assert product.price == Decimal("30000")
    assert product.status == ProductStatus.PUBLISHED
    history = PriceHistory.objects.get(product=product)
    assert history.changed_by == admin_user


def test_products_cannot_be_added_in_admin(admin_client_bpbj):
    assert admin_client_bpbj.get(reverse("admin:catalog_product_add")).status_code == 403
