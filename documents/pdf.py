"""Rendering a document to PDF (WeasyPrint), its QR code (segno) and the optional PAdES signature.

The PDF templates carry no inline style (the CSP test scans every template): their stylesheet is
static/css/document-pdf.css, handed to WeasyPrint directly.
"""

from __future__ import annotations

import io
from pathlib import Path

import segno
from django.conf import settings
from django.template.loader import render_to_string

STYLESHEET = Path(settings.BASE_DIR) / "static" / "css" / "document-pdf.css"


class SigningError(Exception):
    """The configured certificate cannot be loaded or used."""


def qr_data_uri(url: str) -> str:
    """An SVG QR code of ``url`` as a data: URI (no file, no network)."""
    return segno.make(url, error="m").svg_data_uri(scale=4, border=2)


def render_pdf(template: str, context: dict) -> bytes:
    # Imported here: WeasyPrint loads Pango at import; pages that never render a PDF do not pay.
    from PIL import ImageFile
    from weasyprint import CSS, HTML

    # WeasyPrint switches Pillow to accept truncated images for the whole process on import;
    # uploads are checked with the same Pillow, and a truncated photo must stay refused.
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    html = render_to_string(template, context)
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf(
        stylesheets=[CSS(filename=str(STYLESHEET))]
    )


def signing_configured() -> bool:
    return bool(settings.DOCUMENT_SIGNING_PKCS12)


def sign_pdf(pdf: bytes, *, reason: str, location: str) -> bytes:
    """PAdES (B-B) signature with the city's certificate (PKCS#12 from the environment)."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    try:
        signer = signers.SimpleSigner.load_pkcs12(
            settings.DOCUMENT_SIGNING_PKCS12,
            passphrase=(settings.DOCUMENT_SIGNING_PASSWORD or "").encode() or None,
        )
    except Exception as exc:  # pyHanko raises several kinds for a bad file or passphrase
        raise SigningError(str(exc)) from exc
    if signer is None:
        raise SigningError("the PKCS#12 file could not be loaded")
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    meta = signers.PdfSignatureMetadata(
        field_name="TandaTanganKota",
        subfilter=fields.SigSeedSubFilter.PADES,
        md_algorithm="sha256",
        reason=reason,
        location=location,
    )
    out = signers.sign_pdf(writer, meta, signer=signer)
    return out.getvalue()
