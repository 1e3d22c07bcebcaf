"""Fixtures for the vendor, curation and import tests (personas come from tests/conftest.py)."""

import io
import struct
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from catalog.models import PhotoStatus, ProductPhoto, ProductStatus, VendorStatus
from tests.factories import (
    CategoryFactory,
    KecamatanFactory,
    KelurahanFactory,
    ProductFactory,
    VendorFactory,
    image_upload,
)


@pytest.fixture
def pending_vendor(db):
    return VendorFactory(status=VendorStatus.PENDING, is_local=False, verified_at=None)


@pytest.fixture
def pending_vendor_client(pending_vendor):
    client = Client()
    client.force_login(pending_vendor.user)
    return client


@pytest.fixture
def batu(db):
    return KecamatanFactory(name="Batu", code="35.79.01")


@pytest.fixture
def bumiaji(db):
    return KecamatanFactory(name="Bumiaji", code="35.79.02")


@pytest.fixture
def sisir(batu):
    return KelurahanFactory(kecamatan=batu, name="Sisir", code="35.79.01.1001", kind="kelurahan")


@pytest.fixture
def punten(bumiaji):
    return KelurahanFactory(kecamatan=bumiaji, name="Punten", code="35.79.02.2001")


@pytest.fixture
def category(db):
    return CategoryFactory(name="Makanan & Minuman", slug="makanan-minuman")


def make_photo(product, **kwargs):
    """A stored, curated photo row (files are tiny real JPEGs) without going through the service."""
    kwargs.setdefault("status", PhotoStatus.APPROVED)
    upload = image_upload(name="p.jpg", fmt="JPEG")
    return ProductPhoto.objects.create(
        product=product, image=upload, thumbnail=image_upload(fmt="JPEG"), **kwargs
    )


def product_with_photo(**kwargs):
    product = ProductFactory(**kwargs)
    make_photo(product)
    return product


@pytest.fixture
def draft_product(vendor, category):
    return product_with_photo(vendor=vendor, category=category, status=ProductStatus.DRAFT, published_at=None)


@pytest.fixture
def published_product(vendor, category):
    return product_with_photo(vendor=vendor, category=category, status=ProductStatus.PUBLISHED)


@pytest.fixture
def other_product(other_vendor, category):
    return product_with_photo(
        vendor=other_vendor, category=category, status=ProductStatus.DRAFT, published_at=None
    )


# --------------------------------------------------------------------------- bad uploads


def bomb_png(width=12000, height=12000) -> bytes:
    """A tiny PNG whose header declares ``width`` x ``height`` pixels (a decompression bomb)."""
    buffer = io.BytesIO()
    Image.new("L", (1, 1)).save(buffer, format="PNG")
    data = buffer.getvalue()
    ihdr = struct.pack(">II", width, height) + data[24:29]
    crc = struct.pack(">I", zlib.crc32(b"IHDR" + ihdr) & 0xFFFFFFFF)
    return data[:16] + ihdr + crc + data[33:]


def truncated_jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.effect_noise((400, 300), 80).convert("RGB").save(buffer, format="JPEG", quality=90)
    data = buffer.getvalue()
    return data[: len(data) // 2]


def upload(name, content, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def pdf_upload(name="halal.pdf"):
    return upload(name, b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", "application/pdf")
