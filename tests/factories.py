"""factory_boy factories shared by every test module (accounts, catalog, OPD)."""

import io
from decimal import Decimal

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from accounts.models import Role, User
from catalog.models import (
    BusinessScale,
    Category,
    Kecamatan,
    Kelurahan,
    Product,
    ProductStatus,
    Vendor,
    VendorStatus,
)
from procurement.models import OPD, OPDMember

PASSWORD = "rahasia-uji-123"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.test")
    first_name = factory.Faker("first_name", locale="id_ID")
    role = Role.VENDOR
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save(update_fields=["password"])


class KecamatanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Kecamatan
        django_get_or_create = ("name",)

    code = factory.Sequence(lambda n: f"35.79.{n:02d}")
    name = factory.Iterator(["Batu", "Bumiaji", "Junrejo"])


class KelurahanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Kelurahan
        django_get_or_create = ("kecamatan", "name")

    kecamatan = factory.SubFactory(KecamatanFactory)
    code = factory.Sequence(lambda n: f"35.79.01.{n:04d}")
    name = factory.Sequence(lambda n: f"Desa {n}")
    kind = Kelurahan.Kind.DESA


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category

    name = factory.Sequence(lambda n: f"Kategori {n}")
    slug = factory.Sequence(lambda n: f"kategori-{n}")


class VendorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Vendor

    user = factory.SubFactory(UserFactory, role=Role.VENDOR)
    business_name = factory.Sequence(lambda n: f"UD Usaha Lokal {n}")
    slug = factory.Sequence(lambda n: f"ud-usaha-lokal-{n}")
    owner_name = factory.Faker("name", locale="id_ID")
    nib = factory.Sequence(lambda n: f"{9120000000000 + n:013d}")
    npwp = factory.Sequence(lambda n: f"{10000000000000 + n:015d}")
    scale = BusinessScale.MIKRO
    is_pkp = False
    address = "Jl. Diponegoro 1"
    kelurahan = factory.SubFactory(KelurahanFactory)
    kecamatan = factory.LazyAttribute(lambda o: o.kelurahan.kecamatan)
    phone = "081234567890"
    email = factory.LazyAttribute(lambda o: f"{o.slug}@example.test")
    bank_name = "Bank Jatim"
    bank_account_number = factory.Sequence(lambda n: f"{1000000000 + n}")
    bank_account_name = factory.LazyAttribute(lambda o: o.owner_name)
    status = VendorStatus.VERIFIED
    is_local = True
    verified_at = factory.LazyFunction(timezone.now)


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product

    vendor = factory.SubFactory(VendorFactory)
    category = factory.SubFactory(CategoryFactory)
    name = factory.Sequence(lambda n: f"Keripik Apel Batu {n}")
    slug = factory.Sequence(lambda n: f"keripik-apel-batu-{n}")
    unit = "pcs"
    price = Decimal("25000")
    min_order = 1
    stock = 100
    lead_time_days = 2
    description = "Keripik apel asli Kota Batu."
    specifications = factory.LazyFunction(lambda: [["Berat", "100 g"]])
    tkdn = Decimal("60.00")
    status = ProductStatus.PUBLISHED
    published_at = factory.LazyFunction(timezone.now)
    # Copies of the vendor's fields, as catalog.services.create_product sets them.
    vendor_public = factory.LazyAttribute(lambda o: o.vendor.status == VendorStatus.VERIFIED)
    vendor_scale = factory.LazyAttribute(lambda o: o.vendor.scale)
    vendor_kecamatan = factory.LazyAttribute(lambda o: o.vendor.kecamatan)


class OPDFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OPD

    code = factory.Sequence(lambda n: f"1.01.{n:03d}")
    name = factory.Sequence(lambda n: f"Dinas Uji {n}")
    short_name = factory.Sequence(lambda n: f"DU{n}")
    kind = OPD.Kind.DINAS
    head_name = "Kepala Dinas"


class OPDMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OPDMember

    user = factory.SubFactory(UserFactory, role=Role.BUYER)
    opd = factory.SubFactory(OPDFactory)
    position = OPDMember.Position.PPK


def image_upload(name="foto.png", size=(64, 48), fmt="PNG", color=(200, 30, 30)) -> SimpleUploadedFile:
    """A small real image, as a browser would upload it."""
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, format=fmt)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=f"image/{fmt.lower()}")
