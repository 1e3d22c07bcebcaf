"""The audit pack: one ZIP per order with its documents, negotiation, price history up to the
order date, reference prices at that date and audit trail; for the ordering OPD and BPBJ only."""

import csv
import io
import json
import zipfile
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from catalog.models import PriceHistory
from documents import services as documents
from ecatalog.append_only import keep_given_timestamps
from procurement import services
from tests.factories import ProductFactory

from .factories import make_order

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def _rows(pack: zipfile.ZipFile, name: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(pack.read(name).decode("utf-8"))))


@pytest.fixture
def audited_order(settings, buyer, vendor, other_opd_member, treasurer, product, package):
    """An order negotiated, accepted, received and paid, with price history around its date."""
    settings.PUBLIC_BASE_URL = "https://katalog.batukota.go.id"
    # Two peers in the product's category and unit (for the median), one in another unit.
    ProductFactory(vendor=vendor, category=product.category, price=Decimal("20000"))
    ProductFactory(vendor=vendor, category=product.category, price=Decimal("40000"))
    ProductFactory(vendor=vendor, category=product.category, price=Decimal("900000"), unit="karton")
    # Another OPD agreed a price for the product earlier.
    from .factories import RUPPackageFactory

    earlier = make_order(
        buyer=other_opd_member.user,
        package=RUPPackageFactory(opd=other_opd_member.opd),
        items=[(product, 2)],
    )
    services.accept_order(order=earlier, by=vendor.user)

    order = make_order(buyer=buyer, package=package, items=[(product, 10)])
    line = order.lines.get()
    services.propose_negotiation(
        order=order, by=buyer, lines={line.pk: (24000, 10)}, note="Mohon harga grosir"
    )
    services.accept_offer(order=order, by=vendor.user)
    services.accept_order(order=order, by=vendor.user)
    documents.issue("sp", order.pk)
    services.ship_order(order=order, by=vendor.user)
    receipt = services.record_receipt(order=order, by=buyer, quantities={line.pk: 10}, received_on=TODAY())
    documents.issue("bast", receipt.pk)
    payment = services.record_payment(order=order, by=treasurer, paid_on=TODAY(), reference="SP2D-99")
    documents.issue("payment", payment.pk)

    order.refresh_from_db()
    with keep_given_timestamps(PriceHistory):
        PriceHistory.objects.create(
            product=product,
            old_price=Decimal("22000"),
            new_price=Decimal("25000"),
            changed_at=order.accepted_at - timedelta(days=10),
        )
        # After the order: not in its history; the price at the order date stays 25.000.
        PriceHistory.objects.create(
            product=product,
            old_price=Decimal("25000"),
            new_price=Decimal("31000"),
            changed_at=order.accepted_at + timedelta(days=1),
        )
    product.price = Decimal("31000")
    product.save(update_fields=["price"])
    return order


def test_the_buyer_downloads_one_zip_with_everything_a_review_needs(audited_order, buyer_client):
    response = buyer_client.get(reverse("documents:audit_pack", args=[audited_order.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    assert "paket-audit-EKL-T-" in response["Content-Disposition"]
    pack = zipfile.ZipFile(io.BytesIO(response.content))
    names = set(pack.namelist())
    assert {"manifest.json", "pesanan.json", "negosiasi.csv", "riwayat-harga.csv"} <= names
    assert {"harga-referensi.csv", "jejak-audit.csv"} <= names

    manifest = json.loads(pack.read("manifest.json"))
    assert [d["kind"] for d in manifest["documents"]] == ["sp", "bast", "payment"]
    for entry in manifest["documents"]:
        data = pack.read(entry["file"])
        assert data.startswith(b"%PDF-")
        assert documents.sha256_of(data) == entry["sha256"]

    order_data = json.loads(pack.read("pesanan.json"))
    assert order_data["total"] == str(audited_order.total)
    assert order_data["payments"][0]["reference"] == "SP2D-99"

    offers = _rows(pack, "negosiasi.csv")
    assert [o["tindakan"] for o in offers] == ["propose", "accept"]
    assert offers[0]["harga_satuan"] == "24000" and offers[0]["catatan"] == "Mohon harga grosir"

    history = _rows(pack, "riwayat-harga.csv")
    assert [(h["harga_lama"], h["harga_baru"]) for h in history] == [("22000", "25000")]

    (ref,) = _rows(pack, "harga-referensi.csv")
    assert ref["harga_satuan_pesanan"] == "24000"
    assert ref["harga_katalog_pada_tanggal_pesanan"] == "25000"  # not today's 31.000
    # Median of 20.000, 25.000 (the product itself then) and 40.000; the karton product is no peer.
    assert ref["median_kategori_pada_tanggal_pesanan"] == "25000" and ref["jumlah_pembanding"] == "3"
    assert ref["harga_disepakati_opd_lain_sebelumnya"].startswith("25000 (")

    trail = _rows(pack, "jejak-audit.csv")
    assert [t["ke"] for t in trail][-1] == "paid"
    assert any("Surat Pesanan" in t["catatan"] for t in trail)


def test_bpbj_downloads_the_audit_pack(audited_order, bpbj_client):
    assert bpbj_client.get(reverse("documents:audit_pack", args=[audited_order.pk])).status_code == 200


def test_the_vendor_and_outsiders_cannot_download_the_audit_pack(
    audited_order, vendor_client, other_buyer_client, other_vendor_client, anon_client
):
    url = reverse("documents:audit_pack", args=[audited_order.pk])
    assert vendor_client.get(url).status_code == 403
    assert other_buyer_client.get(url).status_code == 404
    assert other_vendor_client.get(url).status_code == 404
    assert anon_client.get(url).status_code == 302


def test_an_unknown_order_has_no_audit_pack(buyer_client):
    assert buyer_client.get(reverse("documents:audit_pack", args=[999999])).status_code == 404
