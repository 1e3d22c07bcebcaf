"""Certificates expire: reminders 30 and 7 days before, products off the catalogue on expiry,
back after BPBJ verifies a renewed one; verified certificates are badges."""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.urls import reverse

from catalog import certificates, services
from catalog.models import Product, ProductEvent, ProductStatus, VendorDocument, VendorEvent
from procurement import services as procurement_services
from procurement.models import Notification
from tests.factories import CategoryFactory, ProductFactory

pytestmark = pytest.mark.django_db
JKT = ZoneInfo("Asia/Jakarta")


@pytest.fixture(autouse=True)
def _deliver_notifications_at_once(monkeypatch):
    monkeypatch.setattr(
        procurement_services.transaction, "on_commit", lambda fn, using=None, robust=False: fn()
    )


def travel(day):
    return time_machine.travel(datetime.combine(day, time(7), tzinfo=JKT), tick=False)


def document(vendor, kind, valid_until, *, verified=True):
    return VendorDocument.objects.create(
        vendor=vendor,
        kind=kind,
        number=f"{kind.upper()}-1",
        file=ContentFile(b"%PDF-1.4 uji", name=f"{kind}.pdf"),
        valid_until=valid_until,
        verified_at=datetime(2026, 1, 5, 9, tzinfo=JKT) if verified else None,
    )


@pytest.fixture
def processed_food():
    parent = CategoryFactory(name="Makanan olahan", required_documents=["pirt"])
    return CategoryFactory(name="Keripik", parent=parent)


def test_reminders_go_out_30_and_7_days_before_expiry_once_each(vendor):
    document(vendor, "halal", date(2026, 6, 30))
    with travel(date(2026, 5, 30)):
        assert certificates.run_certificate_rule().reminded == 0
    with travel(date(2026, 5, 31)):
        assert certificates.run_certificate_rule().reminded == 1
        assert certificates.run_certificate_rule().reminded == 0
    with travel(date(2026, 6, 22)):
        assert certificates.run_certificate_rule().reminded == 0
    with travel(date(2026, 6, 23)):
        assert certificates.run_certificate_rule().reminded == 1
    messages = list(Notification.objects.filter(user=vendor.user).values_list("message", flat=True))
    assert len(messages) == 2 and all("30 Juni 2026" in m for m in messages)
    assert (
        VendorEvent.objects.filter(vendor=vendor, actor=None, note__contains="certificate_expiry").count()
        == 2
    )


def test_expired_required_certificate_takes_products_of_that_category_off_the_catalogue(
    vendor, processed_food, anon_client
):
    document(vendor, "pirt", date(2026, 3, 31))
    chips = ProductFactory(vendor=vendor, category=processed_food)
    bag = ProductFactory(vendor=vendor)  # a category that needs no PIRT
    with travel(date(2026, 4, 1)):
        run = certificates.run_certificate_rule()
    assert run.acted == 1
    chips.refresh_from_db()
    bag.refresh_from_db()
    assert chips.status == ProductStatus.INACTIVE and chips.held_for_document == "pirt"
    assert bag.status == ProductStatus.PUBLISHED
    assert not Product.objects.public().filter(pk=chips.pk).exists()
    event = ProductEvent.objects.filter(product=chips).latest("id")
    assert event.actor is None and "certificate_expiry" in event.note
    assert any(
        "1 produk" in m
        for m in Notification.objects.filter(user=vendor.user).values_list("message", flat=True)
    )
    with travel(date(2026, 4, 2)):
        assert certificates.run_certificate_rule().acted == 0  # nothing twice


def test_renewed_certificate_brings_products_back_only_once_bpbj_verifies_it(
    vendor, processed_food, bpbj_client, bpbj_user
):
    document(vendor, "pirt", date(2026, 3, 31))
    chips = ProductFactory(vendor=vendor, category=processed_food)
    with travel(date(2026, 4, 1)):
        certificates.run_certificate_rule()
        renewed = document(vendor, "pirt", date(2027, 3, 31), verified=False)
        certificates.run_certificate_rule()
        chips.refresh_from_db()
        assert chips.status == ProductStatus.INACTIVE  # uploaded, not yet verified
        response = bpbj_client.post(
            reverse("catalog:vendor_review", args=[vendor.pk]),
            {"action": "verify_document", "document": renewed.pk},
        )
    assert response.status_code == 302
    renewed.refresh_from_db()
    chips.refresh_from_db()
    assert renewed.verified_by == bpbj_user
    assert chips.status == ProductStatus.PUBLISHED and chips.held_for_document == ""


def test_a_vendor_cannot_verify_its_own_document(vendor):
    doc = document(vendor, "halal", date(2027, 1, 1), verified=False)
    with pytest.raises(services.CatalogError):
        services.verify_document(document=doc, by=vendor.user)


def test_an_expired_document_cannot_be_verified(vendor, bpbj_user):
    doc = document(vendor, "halal", date(2026, 1, 1), verified=False)
    with travel(date(2026, 2, 1)), pytest.raises(services.CatalogError, match="kedaluwarsa"):
        services.verify_document(document=doc, by=bpbj_user)


def test_only_verified_valid_certificates_are_badges(vendor, other_vendor):
    document(vendor, "halal", date(2027, 1, 1))
    document(vendor, "sni", date(2026, 1, 1))  # expired
    document(other_vendor, "pirt", None, verified=False)
    with travel(date(2026, 6, 1)):
        badges = certificates.badges_for_vendors([vendor.pk, other_vendor.pk])
    assert badges == {vendor.pk: ["Sertifikat halal"]}


def test_catalogue_shows_certificate_badges_and_filters_on_them(anon_client, vendor, other_vendor):
    document(vendor, "halal", date(2099, 1, 1))
    halal = ProductFactory(vendor=vendor, name="Sambal Apel Halal")
    plain = ProductFactory(vendor=other_vendor, name="Keripik Tanpa Sertifikat")
    response = anon_client.get(reverse("catalog:product_list"), {"sertifikat": "halal"})
    body = response.content.decode()
    assert halal.name in body and plain.name not in body
    assert "Sertifikat halal" in body
    detail = anon_client.get(halal.get_absolute_url()).content.decode()
    assert "badge-cert" in detail


def test_verifying_a_document_refreshes_cached_catalogue_pages(settings, anon_client, vendor, bpbj_user):
    settings.CATALOG_FRAGMENT_TIMEOUT = 600
    product = ProductFactory(vendor=vendor)
    doc = document(vendor, "sni", date(2099, 1, 1), verified=False)
    assert "badge-cert" not in anon_client.get(product.get_absolute_url()).content.decode()
    services.verify_document(document=doc, by=bpbj_user)
    assert "badge-cert" in anon_client.get(product.get_absolute_url()).content.decode()
