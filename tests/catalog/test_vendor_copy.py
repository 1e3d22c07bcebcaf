"""The vendor's status, scale and kecamatan copied onto its products.

The public catalogue reads ``Product.vendor_public`` / ``vendor_scale`` / ``vendor_kecamatan``
instead of joining the vendor table, so these copies must agree with the vendor after every
write: catalog.services keeps them, in the same transaction as the vendor change.
"""

import io

import pytest
from django.contrib.admin.sites import AdminSite
from django.core.management import call_command
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from catalog import services
from catalog.admin import VendorAdmin
from catalog.filters import ProductFilter
from catalog.models import BusinessScale, Product, ProductStatus, Vendor, VendorStatus
from tests.factories import KecamatanFactory, KelurahanFactory, ProductFactory, VendorFactory


@pytest.fixture
def bpbj(bpbj_user):
    return bpbj_user


def mismatches() -> list[tuple]:
    """Every product whose copies disagree with its vendor (empty when all is well)."""
    bad = []
    for product in Product.objects.select_related("vendor"):
        vendor = product.vendor
        expected = (vendor.status == VendorStatus.VERIFIED, vendor.scale, vendor.kecamatan_id)
        actual = (product.vendor_public, product.vendor_scale, product.vendor_kecamatan_id)
        if expected != actual:
            bad.append((product.pk, vendor.status, expected, actual))
    return bad


def vendor_with_products(status):
    vendor = VendorFactory(status=status)
    products = [
        ProductFactory(vendor=vendor, name=f"Dodol Salinan {status} {s}", status=s)
        for s in (ProductStatus.PUBLISHED, ProductStatus.DRAFT)
    ]
    return vendor, products


def move(vendor, to, by):
    """Move ``vendor`` to status ``to`` through the service BPBJ (or the vendor) would use."""
    if to == VendorStatus.VERIFIED and vendor.status == VendorStatus.SUSPENDED:
        return services.reinstate_vendor(vendor=vendor, by=by)
    if to == VendorStatus.VERIFIED:
        return services.verify_vendor(vendor=vendor, by=by, is_local=True)
    if to == VendorStatus.REJECTED:
        return services.reject_vendor(vendor=vendor, by=by, reason="Dokumen kurang")
    if to == VendorStatus.SUSPENDED:
        return services.suspend_vendor(vendor=vendor, by=by, reason="Sementara")
    if to == VendorStatus.PENDING:
        # A rejected vendor who fixes the profile goes back to pending.
        return services.update_vendor_profile(vendor=vendor, data={"address": "Jl. Baru 2"}, by=vendor.user)
    raise AssertionError(to)


ALL_TRANSITIONS = [(a, b) for a, targets in services.VENDOR_TRANSITIONS.items() for b in sorted(targets)]


@pytest.mark.django_db
@pytest.mark.parametrize(("from_status", "to_status"), ALL_TRANSITIONS)
def test_every_vendor_transition_updates_the_products_copy(bpbj, from_status, to_status):
    vendor, products = vendor_with_products(from_status)
    bystander, _ = vendor_with_products(VendorStatus.VERIFIED)
    assert mismatches() == []
    vendor = move(vendor, to_status, bpbj)
    vendor.refresh_from_db()
    assert vendor.status == to_status
    assert mismatches() == []
    for product in products:
        product.refresh_from_db()
        assert product.vendor_public is (to_status == VendorStatus.VERIFIED)
    published = products[0]
    assert Product.objects.public().filter(pk=published.pk).exists() is (to_status == VendorStatus.VERIFIED)
    assert Product.objects.public().filter(vendor=bystander).count() == 1


@pytest.mark.django_db
def test_copies_never_disagree_along_a_walk_through_every_service(bpbj):
    """Walk every vendor transition (and product writes in between); check after each call."""
    vendor, _ = vendor_with_products(VendorStatus.PENDING)
    second, _ = vendor_with_products(VendorStatus.PENDING)
    other_kecamatan = KecamatanFactory(name="Kecamatan Lain")
    other_kelurahan = KelurahanFactory(kecamatan=other_kecamatan)
    steps = [
        lambda: move(vendor, VendorStatus.REJECTED, bpbj),
        lambda: move(vendor, VendorStatus.PENDING, bpbj),
        lambda: move(vendor, VendorStatus.VERIFIED, bpbj),
        lambda: services.create_product(
            vendor=vendor,
            data={
                "name": "Sari Apel",
                "category": Product.objects.first().category,
                "unit": "botol",
                "price": 12000,
                "min_order": 1,
                "stock": 5,
                "lead_time_days": 1,
                "tkdn": 50,
            },
            by=vendor.user,
        ),  # fmt: skip
        lambda: services.update_vendor_profile(
            vendor=vendor, data={"scale": BusinessScale.MENENGAH}, by=vendor.user
        ),
        lambda: services.update_vendor_profile(
            vendor=vendor, data={"kecamatan": other_kecamatan, "kelurahan": other_kelurahan}, by=vendor.user
        ),
        lambda: move(vendor, VendorStatus.SUSPENDED, bpbj),
        lambda: services.update_product(
            product=vendor.products.order_by("pk").first(), data={"price": 31000}, by=vendor.user
        ),
        lambda: move(vendor, VendorStatus.VERIFIED, bpbj),
        lambda: move(vendor, VendorStatus.SUSPENDED, bpbj),
        lambda: move(second, VendorStatus.REJECTED, bpbj),
        lambda: move(second, VendorStatus.VERIFIED, bpbj),
    ]
    done = set()
    for step in steps:
        before = {v.pk: v.status for v in Vendor.objects.filter(pk__in=[vendor.pk, second.pk])}
        step()
        for v in (vendor, second):
            v.refresh_from_db()
            if before[v.pk] != v.status:
                done.add((before[v.pk], v.status))
        assert mismatches() == [], f"after {before} → {vendor.status}, {second.status}"
    # Every allowed transition was exercised on the way.
    assert set(ALL_TRANSITIONS) <= done


@pytest.mark.django_db
def test_suspension_hides_at_once_and_reinstatement_brings_back(client, bpbj):
    product = ProductFactory(name="Dodol Apel Tangguh")
    detail = reverse("catalog:product_detail", args=[product.pk, product.slug])
    listing = reverse("catalog:product_list")
    assert client.get(detail).status_code == 200
    assert "Dodol Apel Tangguh" in client.get(listing, {"q": "dodol"}).content.decode()

    services.suspend_vendor(vendor=product.vendor, by=bpbj, reason="Sementara")
    assert client.get(detail).status_code == 404
    assert "Dodol Apel Tangguh" not in client.get(listing, {"q": "dodol"}).content.decode()
    assert "Dodol Apel Tangguh" not in client.get(listing).content.decode()

    services.reinstate_vendor(vendor=product.vendor, by=bpbj)
    assert client.get(detail).status_code == 200
    assert "Dodol Apel Tangguh" in client.get(listing, {"q": "dodol"}).content.decode()


@pytest.mark.django_db
def test_rejection_hides_products_of_a_vendor(client, bpbj):
    vendor = VendorFactory(status=VendorStatus.PENDING, verified_at=None)
    product = ProductFactory(vendor=vendor, name="Dodol Apel Ditolak")
    assert product.vendor_public is False
    services.verify_vendor(vendor=vendor, by=bpbj, is_local=True)
    assert Product.objects.public().filter(pk=product.pk).exists()
    services.suspend_vendor(vendor=vendor, by=bpbj, reason="x")
    services.reinstate_vendor(vendor=vendor, by=bpbj)
    assert Product.objects.public().filter(pk=product.pk).exists()

    other = VendorFactory(status=VendorStatus.PENDING, verified_at=None)
    hidden = ProductFactory(vendor=other, name="Dodol Apel Ditolak Dua")
    services.reject_vendor(vendor=other, by=bpbj, reason="NIB salah")
    hidden.refresh_from_db()
    assert hidden.vendor_public is False
    assert "Ditolak Dua" not in client.get(reverse("catalog:product_list")).content.decode()


@pytest.mark.django_db
def test_scale_and_kecamatan_edits_move_the_products_between_filters(client):
    product = ProductFactory(name="Dodol Apel Pindah", vendor__scale=BusinessScale.MIKRO)
    vendor = product.vendor
    listing = reverse("catalog:product_list")
    assert "Dodol Apel Pindah" in client.get(listing, {"skala": "mikro"}).content.decode()

    services.update_vendor_profile(vendor=vendor, data={"scale": BusinessScale.KECIL}, by=vendor.user)
    product.refresh_from_db()
    assert product.vendor_scale == BusinessScale.KECIL
    assert "Dodol Apel Pindah" not in client.get(listing, {"skala": "mikro"}).content.decode()
    assert "Dodol Apel Pindah" in client.get(listing, {"skala": "kecil"}).content.decode()

    kecamatan = KecamatanFactory(name="Kecamatan Baru")
    kelurahan = KelurahanFactory(kecamatan=kecamatan)
    services.update_vendor_profile(
        vendor=vendor, data={"kecamatan": kecamatan, "kelurahan": kelurahan}, by=vendor.user
    )
    product.refresh_from_db()
    assert product.vendor_kecamatan_id == kecamatan.pk
    assert "Dodol Apel Pindah" in client.get(listing, {"kecamatan": "Kecamatan Baru"}).content.decode()
    assert mismatches() == []


@pytest.mark.django_db
def test_admin_edit_of_scale_updates_the_products(rf, bpbj):
    product = ProductFactory(vendor__scale=BusinessScale.MIKRO)
    vendor = Vendor.objects.get(pk=product.vendor_id)
    vendor.scale = BusinessScale.BESAR
    request = rf.post("/")
    request.user = bpbj
    VendorAdmin(Vendor, AdminSite()).save_model(request, vendor, form=None, change=True)
    product.refresh_from_db()
    assert product.vendor_scale == BusinessScale.BESAR
    assert mismatches() == []


@pytest.mark.django_db
def test_create_product_copies_from_the_vendor(bpbj):
    vendor = VendorFactory(scale=BusinessScale.KECIL)
    category = ProductFactory().category
    data = {"name": "Jenang Apel", "category": category, "unit": "pcs", "price": 5000, "min_order": 1,
            "stock": 3, "lead_time_days": 1, "tkdn": 40}  # fmt: skip
    product = services.create_product(vendor=vendor, data=data, by=vendor.user)
    product.refresh_from_db()
    assert (product.vendor_public, product.vendor_scale, product.vendor_kecamatan_id) == (
        True,
        BusinessScale.KECIL,
        vendor.kecamatan_id,
    )


@pytest.mark.django_db
@pytest.mark.parametrize("status", list(VendorStatus.values))
def test_factory_fills_the_copies(status):
    ProductFactory(vendor=VendorFactory(status=status))
    assert mismatches() == []


@pytest.mark.django_db
def test_seed_demo_fills_the_copies():
    call_command("seed_demo", "--products", "40", "--vendors", "8", "--only-catalog", stdout=io.StringIO())
    assert Product.objects.exists()
    assert mismatches() == []


@pytest.mark.django_db
def test_public_filters_do_not_join_the_vendor_table():
    product = ProductFactory()
    # SQLite's LIKE search also matches the vendor's name (a join); PostgreSQL's does not.
    word = "q=keripik&" if connection.vendor == "postgresql" else ""
    params = QueryDict(
        f"{word}kategori={product.category.slug}&harga_min=1000&harga_max=5000000"
        f"&skala={product.vendor_scale}&kecamatan={product.vendor.kecamatan.name}&urut=harga"
    )
    queryset = ProductFilter(params, queryset=Product.objects.public()).qs
    with CaptureQueriesContext(connection) as ctx:
        assert list(queryset.values_list("pk", flat=True)) == [product.pk]
    assert ctx.captured_queries
    for query in ctx.captured_queries:
        assert "catalog_vendor" not in query["sql"], query["sql"]
