"""The rules of the vendor pages hold in the Django admin too (through its change view)."""

import pytest
from django.contrib import admin
from django.urls import reverse

from catalog import services
from catalog.models import PhotoStatus, ProductPhoto, ProductStatus, Vendor, VendorChangeRequest, VendorStatus
from tests.factories import KelurahanFactory, VendorFactory

from .conftest import make_photo, product_with_photo

INLINES = ("documents", "events")


def change_url(vendor):
    return reverse("admin:catalog_vendor_change", args=[vendor.pk])


def admin_post_data(vendor, **overrides):
    data = {
        "user": vendor.user_id,
        "business_name": vendor.business_name,
        "slug": vendor.slug,
        "owner_name": vendor.owner_name,
        "description": vendor.description,
        "nib": vendor.nib,
        "npwp": vendor.npwp,
        "scale": vendor.scale,
        "address": vendor.address,
        "kecamatan": vendor.kecamatan_id,
        "kelurahan": vendor.kelurahan_id,
        "phone": vendor.phone,
        "email": vendor.email,
        "bank_name": vendor.bank_name,
        "bank_account_number": vendor.bank_account_number,
        "bank_account_name": vendor.bank_account_name,
        **{
            f"{prefix}-{k}": v
            for prefix in INLINES
            for k, v in {
                "TOTAL_FORMS": 0,
                "INITIAL_FORMS": 0,
                "MIN_NUM_FORMS": 0,
                "MAX_NUM_FORMS": 1000,
            }.items()
        },
    }
    if vendor.is_pkp:
        data["is_pkp"] = "on"
    data.update(overrides)
    return data


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("nib", "9999999999999"),
        ("npwp", "123456789012345"),
        ("business_name", "PT Ganti Nama"),
        ("bank_account_number", "9876543210"),
        ("is_pkp", "on"),
    ],
)
def test_admin_cannot_change_reviewed_fields_of_a_verified_vendor(admin_client_bpbj, vendor, field, value):
    before = Vendor.objects.get(pk=vendor.pk)
    response = admin_client_bpbj.post(change_url(vendor), admin_post_data(vendor, **{field: value}))
    assert response.status_code == 200
    assert "permintaan perubahan yang disetujui BPBJ" in response.content.decode()
    vendor.refresh_from_db()
    assert getattr(vendor, field) == getattr(before, field)


def test_admin_may_still_edit_other_fields_of_a_verified_vendor(admin_client_bpbj, vendor):
    response = admin_client_bpbj.post(change_url(vendor), admin_post_data(vendor, phone="081999999999"))
    assert response.status_code == 302, response.context["adminform"].form.errors
    vendor.refresh_from_db()
    assert vendor.phone == "081999999999"


def test_admin_may_fix_the_nib_of_a_vendor_not_yet_verified(admin_client_bpbj, pending_vendor):
    response = admin_client_bpbj.post(
        change_url(pending_vendor), admin_post_data(pending_vendor, nib="9999999999999")
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    pending_vendor.refresh_from_db()
    assert pending_vendor.nib == "9999999999999"


def test_admin_refuses_a_desa_outside_the_chosen_kecamatan(admin_client_bpbj, pending_vendor):
    elsewhere = KelurahanFactory(kecamatan__name="Junrejo", name="Tlekung")
    assert elsewhere.kecamatan_id != pending_vendor.kecamatan_id
    response = admin_client_bpbj.post(
        change_url(pending_vendor), admin_post_data(pending_vendor, kelurahan=elsewhere.pk)
    )
    assert response.status_code == 200
    assert "tidak berada di Kecamatan" in response.content.decode()
    pending_vendor.refresh_from_db()
    assert pending_vendor.kelurahan_id != elsewhere.pk


def test_the_service_the_admin_calls_refuses_it_too(admin_user, vendor):
    with pytest.raises(services.CatalogError, match="permintaan perubahan"):
        services.admin_update_vendor(vendor=vendor, data={"nib": "9999999999999"}, by=admin_user)


def test_change_requests_are_read_only_in_the_admin_and_decided_through_the_services(
    rf, admin_user, admin_client_bpbj, vendor, other_vendor
):
    model_admin = admin.site._registry[VendorChangeRequest]
    request = rf.get("/")
    request.user = admin_user
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)

    ok = services.request_vendor_change(vendor=vendor, changes={"is_pkp": True}, by=vendor.user)
    other = services.request_vendor_change(
        vendor=other_vendor, changes={"npwp": "123456789012345"}, by=other_vendor.user
    )
    changelist = reverse("admin:catalog_vendorchangerequest_changelist")
    assert admin_client_bpbj.get(changelist).status_code == 200
    assert (
        admin_client_bpbj.get(reverse("admin:catalog_vendorchangerequest_change", args=[ok.pk])).status_code
        == 200
    )
    admin_client_bpbj.post(changelist, {"action": "approve_requests", "_selected_action": [ok.pk]})
    vendor.refresh_from_db()
    assert vendor.is_pkp
    assert vendor.events.first().actor == admin_user

    data = {"action": "reject_requests", "_selected_action": [other.pk]}
    response = admin_client_bpbj.post(changelist, {**data, "post": "yes", "reason": ""})
    assert "Alasan wajib diisi" in response.content.decode()
    other.refresh_from_db()
    assert other.is_pending
    admin_client_bpbj.post(changelist, {**data, "post": "yes", "reason": "Data tidak cocok"})
    other.refresh_from_db()
    assert (other.status, other.decision_reason) == (VendorChangeRequest.Status.REJECTED, "Data tidak cocok")


def test_photo_status_is_read_only_in_the_admin_and_approved_through_the_service(admin_client_bpbj, vendor):
    product = product_with_photo(vendor=vendor, status=ProductStatus.PUBLISHED)
    photo = make_photo(product, status=PhotoStatus.PENDING)
    model_admin = admin.site._registry[ProductPhoto]
    assert {"status", "status_reason"} <= set(model_admin.readonly_fields)
    changelist = reverse("admin:catalog_productphoto_changelist")
    admin_client_bpbj.post(changelist, {"action": "approve_photos", "_selected_action": [photo.pk]})
    photo.refresh_from_db()
    assert photo.status == PhotoStatus.APPROVED
    assert "disetujui" in product.events.first().note


def test_vendor_of_any_status_opens_in_the_admin(admin_client_bpbj):
    for status in VendorStatus.values:
        vendor = VendorFactory(status=status)
        assert admin_client_bpbj.get(change_url(vendor)).status_code == 200
