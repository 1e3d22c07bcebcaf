"""Public verification of a document, and the order parties' downloads (PDFs, audit pack)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from ecatalog.params import parse_id
from ecatalog.security import throttle_posts
from procurement import selectors

from . import audit_pack, services
from .models import IssuedDocument


def _ocds_url(document: IssuedDocument) -> str:
    """The order's public OCDS record, when the order is published."""
    from opendata.ocds import ocid_for, published_orders

    order = document.order
    if not published_orders().filter(pk=order.pk).exists():
        return ""
    return reverse("opendata:ocds_record_package", args=[ocid_for(order)])


def lookup(request):
    """Type the code printed on a document (for a paper copy read without a QR scanner)."""
    code = services.normalise_code(request.GET.get("kode", ""))
    error = ""
    if code:
        if services.find(code) is not None:
            return redirect("documents:verify", code=code)
        error = _("Tidak ada dokumen dengan kode itu. Periksa kembali kode pada dokumen.")
    return render(
        request, "documents/lookup.html", {"error": error, "code": request.GET.get("kode", "")[:40]}
    )


@require_http_methods(["GET", "POST"])
@throttle_posts(
    "document-verify", limit_setting="VERIFY_RATE_LIMIT", window_setting="VERIFY_RATE_LIMIT_WINDOW"
)
def verify(request, code: str):
    """What the document with this code must say, its SHA-256, and an upload to compare a copy."""
    document = services.find(code)
    if document is None:
        raise Http404
    result = error = None
    if request.method == "POST":
        try:
            result = "match" if services.check_upload(document, request.FILES.get("berkas")) else "mismatch"
        except services.DocumentError as exc:
            error = str(exc)
    response = render(
        request,
        "documents/verify.html",
        {
            "document": document,
            "facts": document.facts,
            "ocds_url": _ocds_url(document),
            "result": result,
            "error": error,
        },
        status=400 if error else 200,
    )
    response["Cache-Control"] = "no-store"
    return response


def _visible_document(request, pk: int, document_pk: int) -> IssuedDocument:
    order = selectors.order_detail(request.user, pk)  # 404 for anyone not party to the order
    document_pk = parse_id(document_pk)
    document = IssuedDocument.objects.filter(order=order, pk=document_pk).first() if document_pk else None
    if document is None:
        raise Http404
    return document


@login_required
def download(request, pk: int, document_pk: int):
    """The stored PDF, for the order's parties and BPBJ."""
    document = _visible_document(request, pk, document_pk)
    try:
        handle = document.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(
        handle, filename=document.file.name.rsplit("/", 1)[-1], content_type="application/pdf"
    )


def can_download_audit_pack(user, order) -> bool:
    """BPBJ (and the auditors it gives accounts) and the ordering OPD's officials; not the vendor."""
    if user.is_bpbj:
        return True
    return bool(user.is_buyer and user.opd is not None and user.opd.pk == order.opd_id)


@login_required
def audit_pack_download(request, pk: int):
    order = selectors.order_detail(request.user, pk)
    if not can_download_audit_pack(request.user, order):
        raise PermissionDenied(_("Paket audit hanya untuk OPD pemesan dan BPBJ."))
    response = HttpResponse(audit_pack.build(order), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{audit_pack.file_name(order)}"'
    response["Cache-Control"] = "no-store"
    return response
