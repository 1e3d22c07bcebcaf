"""Issued documents: PDFs of the SP, each BAST and each payment, with a hash on record, a QR code
to a public verification page, an upload check that refuses a tampered copy, and the optional
PAdES signature."""

import hashlib
import io
import time
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from documents import services as documents
from documents.models import DocumentKind, IssuedDocument
from ecatalog.append_only import AuditTrailError
from procurement import services

from .factories import make_order

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


@pytest.fixture
def on_issue(settings):
    settings.DOCUMENTS_ON_ISSUE = True
    settings.PUBLIC_BASE_URL = "https://katalog.batukota.go.id"


def walk_to_paid(order, *, buyer, vendor, treasurer, capture):
    """Accept, ship, two partial BASTs and the payment, each step committed (its document made)."""
    line = order.lines.get()
    with capture(execute=True):
        services.accept_order(order=order, by=vendor.user)
    services.ship_order(order=order, by=vendor.user)
    with capture(execute=True):
        first = services.record_receipt(order=order, by=buyer, quantities={line.pk: 4}, received_on=TODAY())
    with capture(execute=True):
        second = services.record_receipt(
            order=order, by=buyer, quantities={line.pk: line.quantity - 4}, received_on=TODAY()
        )
    with capture(execute=True):
        payment = services.record_payment(
            order=order, by=treasurer, paid_on=TODAY(), reference="SP2D-0001234"
        )
    return first, second, payment


def test_issuing_steps_make_one_pdf_each_with_its_hash_on_record(
    on_issue, buyer, vendor, treasurer, product, package, django_capture_on_commit_callbacks
):
    order = make_order(buyer=buyer, package=package, items=[(product, 10)])
    first, second, payment = walk_to_paid(
        order, buyer=buyer, vendor=vendor, treasurer=treasurer, capture=django_capture_on_commit_callbacks
    )
    order.refresh_from_db()
    docs = {(d.kind, d.number): d for d in IssuedDocument.objects.filter(order=order)}
    assert set(docs) == {
        (DocumentKind.SP, order.sp_number),
        (DocumentKind.BAST, first.number),
        (DocumentKind.BAST, second.number),
        (DocumentKind.PAYMENT, f"BYR/{order.opd.code}/{order.fiscal_year}/{payment.pk:06d}"),
    }
    for doc in docs.values():
        data = documents.stored_bytes(doc)
        assert data.startswith(b"%PDF-")
        assert hashlib.sha256(data).hexdigest() == doc.sha256 and len(data) == doc.size
        assert not doc.signed
        assert len(doc.code) == documents.CODE_LENGTH
    sp = docs[(DocumentKind.SP, order.sp_number)]
    assert sp.facts["number"] == order.sp_number
    assert ["Total", "Rp" + f"{int(order.total):,}".replace(",", ".")] in sp.facts["rows"]
    pay = docs[(DocumentKind.PAYMENT, f"BYR/{order.opd.code}/{order.fiscal_year}/{payment.pk:06d}")]
    # The public page shows enough of the transfer reference to match a statement, not all of it.
    assert ["Nomor referensi transfer (akhir)", "…1234"] in pay.facts["rows"]


def test_the_pdf_says_what_the_document_must_say_and_carries_the_verification_address(
    on_issue, buyer, vendor, product, package
):
    from pypdf import PdfReader

    order = make_order(buyer=buyer, package=package, items=[(product, 3)])
    services.accept_order(order=order, by=vendor.user)
    doc = documents.issue("sp", order.pk)
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(documents.stored_bytes(doc))).pages)
    assert "SURAT PESANAN" in text and order.sp_number in text
    assert vendor.business_name in text and "Rp75.000" in text.replace(" ", "")
    assert f"https://katalog.batukota.go.id/verifikasi/{doc.code}/" in text.replace("\n", "")


def test_the_qr_code_in_the_pdf_holds_the_verification_address(
    on_issue, buyer, vendor, product, package, monkeypatch
):
    from django.template.loader import render_to_string

    from documents import pdf as pdf_module

    rendered = {}
    real = pdf_module.render_pdf

    def spy(template, context):
        rendered["html"] = render_to_string(template, context)
        return real(template, context)

    monkeypatch.setattr("documents.services.render_pdf", spy)
    order = make_order(buyer=buyer, package=package, items=[(product, 3)])
    services.accept_order(order=order, by=vendor.user)
    doc = documents.issue("sp", order.pk)
    url = documents.verify_url(doc.code)
    assert url == f"https://katalog.batukota.go.id/verifikasi/{doc.code}/"
    # The image in the PDF's HTML is segno's QR code of exactly that address.
    qr = documents.qr_data_uri(url)
    assert qr.startswith("data:image/svg+xml") and f'src="{qr}"' in rendered["html"]


def test_issuing_twice_keeps_the_first_document(on_issue, buyer, vendor, product, package):
    order = make_order(buyer=buyer, package=package, items=[(product, 3)])
    services.accept_order(order=order, by=vendor.user)
    first = documents.issue("sp", order.pk)
    again = documents.issue("sp", order.pk)
    assert again.pk == first.pk and IssuedDocument.objects.filter(order=order).count() == 1


def test_a_failed_generation_leaves_the_step_done_and_the_sweep_makes_the_document(
    on_issue, buyer, vendor, product, package, monkeypatch, django_capture_on_commit_callbacks
):
    order = make_order(buyer=buyer, package=package, items=[(product, 3)])

    def broken(*args, **kwargs):
        raise OSError("Pango is missing")

    monkeypatch.setattr("documents.services.render_pdf", broken)
    with django_capture_on_commit_callbacks(execute=True):
        services.accept_order(order=order, by=vendor.user)
    order.refresh_from_db()
    assert order.sp_number and not IssuedDocument.objects.filter(order=order).exists()
    assert ("sp", order.pk) in documents.missing()

    monkeypatch.undo()
    assert documents.issue_missing() == (1, 0)
    assert IssuedDocument.objects.get(order=order).number == order.sp_number
    assert ("sp", order.pk) not in documents.missing()


def test_the_sweep_command_issues_what_is_missing(buyer, vendor, product, package):
    from django.core.management import call_command

    order = make_order(buyer=buyer, package=package, items=[(product, 3)])
    services.accept_order(order=order, by=vendor.user)  # DOCUMENTS_ON_ISSUE off: nothing made
    assert not IssuedDocument.objects.exists()
    out = io.StringIO()
    call_command("issue_documents", stdout=out)
    assert "1 dokumen diterbitkan" in out.getvalue()
    assert IssuedDocument.objects.get().order == order


def test_issued_documents_cannot_be_changed_or_deleted(on_issue, buyer, vendor, product, package):
    order = make_order(buyer=buyer, package=package, items=[(product, 3)])
    services.accept_order(order=order, by=vendor.user)
    doc = documents.issue("sp", order.pk)
    doc.sha256 = "0" * 64
    with pytest.raises(AuditTrailError):
        doc.save()
    with pytest.raises(AuditTrailError):
        doc.delete()
    with pytest.raises(AuditTrailError):
        IssuedDocument.objects.filter(pk=doc.pk).update(sha256="0" * 64)


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL's")
def test_the_database_refuses_to_rewrite_a_document_hash(on_issue, buyer, vendor, product, package):
    order = make_order(buyer=buyer, package=package, items=[(product, 3)])
    services.accept_order(order=order, by=vendor.user)
    doc = documents.issue("sp", order.pk)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as c:
        c.execute("UPDATE documents_issueddocument SET sha256 = %s WHERE id = %s", ["0" * 64, doc.pk])
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as c:
        c.execute("DELETE FROM documents_issueddocument WHERE id = %s", [doc.pk])


# --------------------------------------------------------------------------- verification page


@pytest.fixture
def sp_document(on_issue, buyer, vendor, product, package):
    order = make_order(buyer=buyer, package=package, items=[(product, 3)], sent_at=timezone.now())
    services.accept_order(order=order, by=vendor.user)
    return documents.issue("sp", order.pk)


def test_anyone_sees_what_the_document_must_say_and_its_open_data_record(anon_client, sp_document):
    from opendata.ocds import ocid_for

    response = anon_client.get(reverse("documents:verify", args=[sp_document.code]))
    assert response.status_code == 200
    body = response.content.decode()
    order = sp_document.order
    assert order.sp_number in body and sp_document.sha256 in body
    assert order.opd.name in body and order.vendor.business_name in body
    assert reverse("opendata:ocds_record_package", args=[ocid_for(order)]) in body
    # Officials' names and the owner are not on the public page (as in open data).
    assert str(order.buyer) not in body and order.vendor.owner_name not in body


def test_a_code_typed_off_paper_finds_the_document(anon_client, sp_document):
    typed = "-".join([sp_document.code[:8].lower(), sp_document.code[8:]])
    response = anon_client.get(reverse("documents:verify", args=[typed]))
    assert response.status_code == 200


def test_an_unknown_code_is_a_404(anon_client, sp_document):
    assert anon_client.get(reverse("documents:verify", args=["ZZZZZZZZZZZZZZZZ"])).status_code == 404
    assert anon_client.get(reverse("documents:verify", args=["x" * 200])).status_code == 404


def test_the_genuine_pdf_matches_and_a_tampered_one_fails(anon_client, sp_document):
    url = reverse("documents:verify", args=[sp_document.code])
    genuine = documents.stored_bytes(sp_document)
    ok = anon_client.post(url, {"berkas": SimpleUploadedFile("sp.pdf", genuine, "application/pdf")})
    assert ok.status_code == 200 and 'data-result="match"' in ok.content.decode()

    # A copy edited in a PDF tool (here: its title changed and saved again) is a different file,
    # and so is a copy with a single byte changed.
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(genuine)))
    writer.add_metadata({"/Title": "SP palsu"})
    edited = io.BytesIO()
    writer.write(edited)
    middle = len(genuine) // 2
    one_byte = genuine[:middle] + bytes([genuine[middle] ^ 1]) + genuine[middle + 1 :]
    for tampered in (edited.getvalue(), one_byte):
        bad = anon_client.post(url, {"berkas": SimpleUploadedFile("sp.pdf", tampered, "application/pdf")})
        assert bad.status_code == 200 and 'data-result="mismatch"' in bad.content.decode()


def test_verifying_without_a_file_is_a_clear_message(anon_client, sp_document):
    response = anon_client.post(reverse("documents:verify", args=[sp_document.code]), {})
    assert response.status_code == 400
    assert "Pilih berkas PDF" in response.content.decode()


# --------------------------------------------------------------------------- downloads


def test_order_parties_download_the_pdf_and_outsiders_get_404(
    sp_document,
    buyer_client,
    vendor_client,
    bpbj_client,
    other_buyer_client,
    other_vendor_client,
    anon_client,
):
    url = reverse("documents:download", args=[sp_document.order_id, sp_document.pk])
    for client in (buyer_client, vendor_client, bpbj_client):
        response = client.get(url)
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == documents.stored_bytes(sp_document)
    for client in (other_buyer_client, other_vendor_client):
        assert client.get(url).status_code == 404
    assert anon_client.get(url).status_code == 302  # to the login page


def test_a_document_of_another_order_is_not_reachable_through_mine(
    on_issue, sp_document, buyer, buyer_client, product, package
):
    mine = make_order(buyer=buyer, package=package, items=[(product, 1)])
    url = reverse("documents:download", args=[mine.pk, sp_document.pk])
    assert buyer_client.get(url).status_code == 404


def test_the_order_page_lists_its_documents(sp_document, buyer_client, vendor_client):
    url = reverse("procurement:order_detail", args=[sp_document.order_id])
    body = buyer_client.get(url).content.decode()
    assert reverse("documents:download", args=[sp_document.order_id, sp_document.pk]) in body
    assert reverse("documents:audit_pack", args=[sp_document.order_id]) in body
    vendor_body = vendor_client.get(url).content.decode()
    assert reverse("documents:download", args=[sp_document.order_id, sp_document.pk]) in vendor_body
    assert reverse("documents:audit_pack", args=[sp_document.order_id]) not in vendor_body


# --------------------------------------------------------------------------- signing


def _self_signed_pkcs12(tmp_path, password: bytes) -> str:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.hazmat.primitives.serialization import pkcs12
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "ID"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Pemerintah Kota Batu"),
            x509.NameAttribute(NameOID.COMMON_NAME, "BPBJ Setda Kota Batu (uji)"),
        ]
    )
    now = timezone.now()
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.CODE_SIGNING]), critical=False)
        .sign(key, hashes.SHA256())
    )
    data = pkcs12.serialize_key_and_certificates(
        b"kota", key, cert, None, serialization.BestAvailableEncryption(password)
    )
    path = tmp_path / "kota.p12"
    path.write_bytes(data)
    return str(path), cert.public_bytes(serialization.Encoding.PEM)


def test_with_a_city_certificate_documents_are_pades_signed_and_the_signature_verifies(
    on_issue, settings, tmp_path, buyer, vendor, product, package, anon_client
):
    from pyhanko.keys import load_cert_from_pemder
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    path, cert_pem = _self_signed_pkcs12(tmp_path, b"rahasia")
    settings.DOCUMENT_SIGNING_PKCS12 = path
    settings.DOCUMENT_SIGNING_PASSWORD = "rahasia"
    order = make_order(buyer=buyer, package=package, items=[(product, 3)])
    services.accept_order(order=order, by=vendor.user)
    doc = documents.issue("sp", order.pk)
    assert doc.signed
    data = documents.stored_bytes(doc)
    assert hashlib.sha256(data).hexdigest() == doc.sha256  # the hash is of the signed file

    (tmp_path / "kota.pem").write_bytes(cert_pem)
    root = load_cert_from_pemder(str(tmp_path / "kota.pem"))
    reader = PdfFileReader(io.BytesIO(data))
    (signature,) = reader.embedded_signatures
    assert signature.sig_object["/SubFilter"] == "/ETSI.CAdES.detached"  # PAdES
    status = validate_pdf_signature(signature, ValidationContext(trust_roots=[root]))
    assert status.intact and status.valid and status.trusted
    assert status.signing_cert.subject.native["common_name"] == "BPBJ Setda Kota Batu (uji)"

    body = anon_client.get(reverse("documents:verify", args=[doc.code])).content.decode()
    assert "PAdES" in body


def test_a_wrong_certificate_password_fails_generation_not_the_step(
    on_issue, settings, tmp_path, buyer, vendor, product, package, django_capture_on_commit_callbacks
):
    path, _pem = _self_signed_pkcs12(tmp_path, b"rahasia")
    settings.DOCUMENT_SIGNING_PKCS12 = path
    settings.DOCUMENT_SIGNING_PASSWORD = "salah"
    order = make_order(buyer=buyer, package=package, items=[(product, 3)])
    with django_capture_on_commit_callbacks(execute=True):
        services.accept_order(order=order, by=vendor.user)
    order.refresh_from_db()
    assert order.sp_number and not IssuedDocument.objects.exists()
    settings.DOCUMENT_SIGNING_PASSWORD = "rahasia"
    assert documents.issue_missing() == (1, 0)
    assert IssuedDocument.objects.get().signed


def test_generation_time_per_document_is_recorded(on_issue, buyer, vendor, product, package):
    order = make_order(buyer=buyer, package=package, items=[(product, 3)])
    services.accept_order(order=order, by=vendor.user)
    started = time.perf_counter()
    doc = documents.issue("sp", order.pk)
    elapsed_ms = (time.perf_counter() - started) * 1000
    assert 0 < doc.generation_ms <= elapsed_ms + 1
    assert doc.size > 1000 and Decimal(doc.size) < 500_000


def test_uploads_to_the_verification_page_are_rate_limited(settings, anon_client, sp_document):
    from django.core.cache import cache

    cache.clear()  # counters of earlier tests' uploads from the same address
    settings.VERIFY_RATE_LIMIT = 1
    url = reverse("documents:verify", args=[sp_document.code])
    upload = SimpleUploadedFile("sp.pdf", b"%PDF-1.4 palsu", "application/pdf")
    assert anon_client.post(url, {"berkas": upload}).status_code == 200
    upload = SimpleUploadedFile("sp.pdf", b"%PDF-1.4 palsu", "application/pdf")
    assert anon_client.post(url, {"berkas": upload}).status_code == 429
    assert anon_client.get(url).status_code == 200  # reading the page is never limited


def test_documents_are_in_indonesian_whatever_language_the_user_browses_in(
    on_issue, buyer, vendor, product, package
):
    from django.utils import translation

    order = make_order(buyer=buyer, package=package, items=[(product, 3)])
    services.accept_order(order=order, by=vendor.user)
    with translation.override("en"):
        doc = documents.issue("sp", order.pk)
    assert doc.facts["title"] == "Surat Pesanan" and doc.facts["rows"][0][0] == "Tanggal"


def test_two_workers_issuing_the_same_document_keep_one_pdf(
    on_issue, settings, buyer, vendor, product, package, monkeypatch
):
    from documents import pdf as pdf_module

    order = make_order(buyer=buyer, package=package, items=[(product, 3)])
    services.accept_order(order=order, by=vendor.user)
    real = pdf_module.render_pdf
    calls = []

    def racing(template, context):
        calls.append(template)
        if len(calls) == 1:
            documents.issue("sp", order.pk)  # the other worker finishes while this one renders
        return real(template, context)

    monkeypatch.setattr("documents.services.render_pdf", racing)
    doc = documents.issue("sp", order.pk)
    assert len(calls) == 2
    assert list(IssuedDocument.objects.filter(order=order)) == [doc]
    # The loser's file was removed: one PDF in storage, the one on record.
    stored = list((settings.PRIVATE_MEDIA_ROOT / "documents").rglob("*.pdf"))
    assert [p.name for p in stored] == [doc.file.name.rsplit("/", 1)[-1]]


def test_a_code_typed_into_the_lookup_opens_its_verification_page(anon_client, sp_document):
    url = reverse("documents:lookup")
    assert anon_client.get(url).status_code == 200
    response = anon_client.get(url, {"kode": sp_document.code.lower()})
    assert response.status_code == 302
    assert response["Location"] == reverse("documents:verify", args=[sp_document.code])
    missing = anon_client.get(url, {"kode": "ZZZZ-ZZZZ"})
    assert missing.status_code == 200 and "Tidak ada dokumen dengan kode itu" in missing.content.decode()
