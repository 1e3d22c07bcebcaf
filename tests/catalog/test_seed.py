"""The demo seed: small sizes, one account per role, idempotent."""

import io

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.urls import reverse

from accounts.models import Role, User
from catalog.models import (
    Category,
    Kecamatan,
    Kelurahan,
    PhotoStatus,
    Product,
    ProductPhoto,
    ProductStatus,
    Vendor,
    VendorChangeRequest,
    VendorStatus,
)
from catalog.selectors import public_photos
from procurement.models import OPD, OPDMember


def seed(*args):
    out = io.StringIO()
    call_command("seed_demo", "--products", "60", "--vendors", "8", "--only-catalog", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_seed_demo_builds_the_kota_batu_reference_data_and_a_small_catalogue():
    output = seed()
    assert "Selesai" in output
    assert set(Kecamatan.objects.values_list("name", flat=True)) == {"Batu", "Bumiaji", "Junrejo"}
    assert Kelurahan.objects.count() == 24
    assert Kelurahan.objects.filter(kind="kelurahan").count() == 5
    assert Category.objects.filter(parent=None, slug="makanan-minuman").exists()
    assert Category.objects.get(slug="olahan-apel").parent.slug == "makanan-minuman"
    assert OPD.objects.filter(name="Dinas Koperasi dan Usaha Mikro").exists()
    assert OPD.objects.filter(name="RSUD Karsa Husada").exists()
    assert Vendor.objects.count() == 8
    assert Product.objects.count() == 60
    assert Product.objects.public().exists()
    assert set(Vendor.objects.values_list("status", flat=True)) >= {
        VendorStatus.VERIFIED,
        VendorStatus.PENDING,
    }
    for vendor in Vendor.objects.all():
        vendor.full_clean()  # NIB, NPWP, phone and bank number are valid formats
    for product in Product.objects.all()[:20]:
        product.full_clean(exclude=["search_vector"])
    assert ProductPhoto.objects.count() >= 60
    # A handful of image files are shared by all products.
    assert ProductPhoto.objects.values("image").distinct().count() <= 100


@pytest.mark.django_db
def test_seed_demo_is_deterministic():
    # The products' history is append-only (it cannot be deleted), so the first run is rolled back.
    class RolledBack(Exception):
        pass

    with pytest.raises(RolledBack), transaction.atomic():
        seed()
        first = list(Product.objects.order_by("pk").values_list("name", "price"))
        raise RolledBack
    assert not Product.objects.exists()
    seed()
    assert list(Product.objects.order_by("pk").values_list("name", "price")) == first


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("username", "role"),
    [
        ("admin", Role.ADMIN),
        ("pengelola", Role.CATALOG_MANAGER),
        ("penyedia", Role.VENDOR),
        ("pembeli", Role.BUYER),
    ],
)
def test_seed_demo_creates_one_account_per_role_that_can_log_in(username, role):
    seed()
    user = User.objects.get(username=username)
    assert user.role == role
    client = Client()
    assert client.login(username=username, password="demo12345")
    assert client.get(reverse("catalog:home")).status_code == 200
    if username == "admin":
        assert user.is_staff and user.is_superuser
    if username == "penyedia":
        vendor = Vendor.objects.get(user=user)
        assert vendor.status == VendorStatus.VERIFIED
        assert Product.objects.public().filter(vendor=vendor).exists()
    if username == "pembeli":
        member = OPDMember.objects.get(user=user)
        assert member.position == OPDMember.Position.PPK
        assert member.opd.name == "Dinas Koperasi dan Usaha Mikro"


@pytest.mark.django_db
def test_if_empty_does_nothing_when_data_exists():
    seed()
    output = seed("--if-empty")
    assert "tidak mengubah" in output
    assert Product.objects.count() == 60


@pytest.mark.django_db
def test_running_twice_does_not_duplicate():
    seed()
    seed()
    assert Vendor.objects.count() == 8
    assert Product.objects.count() == 60
    assert Kelurahan.objects.count() == 24


@pytest.mark.django_db
def test_seed_demo_calls_the_other_apps_commands_when_they_exist(monkeypatch):
    from catalog.management.commands import seed_demo

    called = []
    monkeypatch.setattr(
        seed_demo, "get_commands", lambda: {"seed_demo_orders": "procurement", "migrate": "x"}
    )
    monkeypatch.setattr(seed_demo, "call_command", lambda name, **kwargs: called.append(name))
    call_command("seed_demo", "--products", "10", "--vendors", "3", stdout=io.StringIO())
    assert called == ["seed_demo_orders"]


@pytest.mark.django_db
def test_seed_demo_leaves_change_requests_and_a_new_photo_for_bpbj():
    seed()
    pending = list(VendorChangeRequest.objects.filter(status=VendorChangeRequest.Status.PENDING))
    changed = [set(c.changes) for c in pending]
    assert {"bank_name", "bank_account_number", "bank_account_name"} in changed
    assert {"is_pkp"} in changed
    assert {"business_name"} in changed
    for change in pending:  # the old values are still in force
        for name, values in change.changes.items():
            assert getattr(change.vendor, name) == values["old"]
            assert values["new"] != values["old"]  # every request asks for a real change
    waiting = ProductPhoto.objects.filter(status=PhotoStatus.PENDING, product__status=ProductStatus.PUBLISHED)
    assert waiting.exists()
    assert not public_photos().filter(pk__in=waiting).exists()
    assert Product.objects.public().filter(photos__status=PhotoStatus.APPROVED).exists()
