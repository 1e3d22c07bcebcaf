"""Issuing, finding and verifying documents.

``issue`` is idempotent: the (kind, number) unique constraint is the claim, so a retried task,
the periodic sweep and a second worker can all call it for the same BAST and one PDF is on
record. The PDF is rendered and stored *before* its row is inserted; a failure anywhere leaves
no row, and the next ``issue`` (the sweep, ``manage.py issue_documents``) starts again.
"""

from __future__ import annotations

import hashlib
import logging
import re
import secrets
import time

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from catalog.storage import private_storage

from .kinds import KINDS, sweep_start
from .models import IssuedDocument
from .pdf import qr_data_uri, render_pdf, sign_pdf, signing_configured

log = logging.getLogger(__name__)

# Crockford's base32 without look-alikes: a code read off paper is typed without I/1 or O/0 mix-ups.
CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 16  # 80 bits: codes cannot be guessed to enumerate the city's documents
MAX_UPLOAD_BYTES = 20 * 1024 * 1024


class DocumentError(Exception):
    """A message for the user (Indonesian), never a 500."""


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _i in range(CODE_LENGTH))


def normalise_code(value: str) -> str:
    value = re.sub(r"[\s-]", "", str(value or "")).upper()
    return value.translate(str.maketrans("ILO", "110"))


def verify_url(code: str) -> str:
    return settings.PUBLIC_BASE_URL.rstrip("/") + reverse("documents:verify", args=[code])


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _file_name(number: str, code: str) -> str:
    now = timezone.localtime()
    slug = re.sub(r"[^A-Za-z0-9]+", "-", number).strip("-")[:60]
    return f"documents/{now:%Y}/{now:%m}/{slug}-{code}.pdf"


def issue(kind_key: str, source_id: int) -> IssuedDocument:
    """The document of ``kind_key`` for row ``source_id``: the one on record, or a new PDF."""
    # Official documents are in Indonesian whatever language the user who caused them browses in.
    with translation.override(settings.LANGUAGE_CODE):
        return _issue(KINDS[kind_key], source_id)


def _issue(kind, source_id: int) -> IssuedDocument:
    order, source = kind.load(source_id)
    number = kind.number(order, source)
    existing = IssuedDocument.objects.filter(kind=kind.key, number=number).first()
    if existing is not None:
        return existing

    code = new_code()
    started = time.perf_counter()
    facts = kind.facts(order, source)
    context = {
        **kind.context(order, source),
        "code": code,
        "verify_url": verify_url(code),
        "qr": qr_data_uri(verify_url(code)),
        "CITY_NAME": settings.CITY_NAME,
        "AGENCY_NAME": settings.AGENCY_NAME,
    }
    pdf = render_pdf(kind.template, context)
    signed = False
    if signing_configured():
        pdf = sign_pdf(pdf, reason=f"{facts['title']} {number}", location=settings.CITY_NAME)
        signed = True
    elapsed_ms = int((time.perf_counter() - started) * 1000)

    name = private_storage.save(_file_name(number, code), ContentFile(pdf))
    try:
        with transaction.atomic():
            document = IssuedDocument.objects.create(
                kind=kind.key,
                number=number,
                order=order,
                source_id=source.pk,
                code=code,
                file=name,
                sha256=sha256_of(pdf),
                size=len(pdf),
                facts=facts,
                signed=signed,
                generation_ms=elapsed_ms,
            )
    except IntegrityError:
        # Someone else issued it meanwhile: theirs is the document; ours was never on record.
        private_storage.delete(name)
        return IssuedDocument.objects.get(kind=kind.key, number=number)
    log.info("issued %s %s in %d ms (%d bytes)", kind.key, number, elapsed_ms, len(pdf))
    return document


def issue_later(kind_key: str, source_id: int) -> None:
    """Ask a worker to issue the document (call after commit). Inline without a broker."""
    if not settings.DOCUMENTS_ON_ISSUE:
        return
    from ecatalog.celery import enqueue

    from .tasks import issue_document

    enqueue(issue_document, kind_key, source_id)


def missing(days: int | None = None) -> list[tuple[str, int]]:
    """(kind, source id) of documents issued in the last ``days`` days that have no PDF yet."""
    since = sweep_start(days if days is not None else settings.DOCUMENTS_SWEEP_DAYS)
    found = []
    for kind in KINDS.values():
        have = IssuedDocument.objects.filter(kind=kind.key).values("source_id")
        ids = kind.issued_since(since).exclude(pk__in=have).order_by("pk").values_list("pk", flat=True)
        found.extend((kind.key, pk) for pk in ids)
    return found


def issue_missing(*, days: int | None = None, limit: int = 50) -> tuple[int, int]:
    """Issue what is missing (failed or never enqueued); returns (issued, failed)."""
    issued = failed = 0
    for kind_key, source_id in missing(days)[:limit]:
        try:
            issue(kind_key, source_id)
            issued += 1
        except Exception:
            log.exception("could not issue %s for %s", kind_key, source_id)
            failed += 1
    return issued, failed


def find(code: str) -> IssuedDocument | None:
    code = normalise_code(code)
    if not code or len(code) > 32:
        return None
    return IssuedDocument.objects.select_related("order").filter(code=code).first()


def check_upload(document: IssuedDocument, upload) -> bool:
    """Whether the uploaded file is byte for byte the document on record (its SHA-256)."""
    if upload is None:
        raise DocumentError(_("Pilih berkas PDF yang akan diperiksa."))
    if upload.size > MAX_UPLOAD_BYTES:
        raise DocumentError(_("Berkas terlalu besar (maksimal 20 MB)."))
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    return secrets.compare_digest(digest.hexdigest(), document.sha256)


def stored_bytes(document: IssuedDocument) -> bytes:
    with document.file.open("rb") as handle:
        return handle.read()
