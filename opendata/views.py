"""Open data pages and OCDS endpoints (public), and the red-flag page (BPBJ)."""

from __future__ import annotations

import json
from email.utils import parseaddr

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import get_conditional_response
from django.utils.http import http_date
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import generics
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import bpbj_required
from ecatalog.params import safe_next_url
from procurement.models import OPD

from . import bulk, ocds
from .api import FilterBackend, read_only
from .filters import MAX_YEAR, MIN_YEAR, OcdsRecordFilter
from .models import RedFlagKind, RedFlagReviewStatus, RedFlagSettings
from .redflags import Period, compute_red_flags, hydrate
from .rest import Pagination
from .reviews import ReviewError, attach_reviews, review_red_flag
from .schema import OCDS_RECORD_PACKAGE, OCDS_RELEASE_PACKAGE

OCDS_DEFAULT_PAGE_SIZE = 20
OCDS_MAX_PAGE_SIZE = 100


def _policy_url(request) -> str:
    return request.build_absolute_uri(reverse("opendata:index"))


# --- HTML -------------------------------------------------------------------------------


@require_safe
def index(request):
    """What the city publishes, under which licence, and where to download it."""
    years = list(
        ocds.published_orders()
        .order_by()
        .values("fiscal_year")
        .annotate(n=Count("id"))
        .order_by("-fiscal_year")
    )
    sample = ocds.published_orders().order_by("-sent_at", "-id").only("number").first()
    return render(
        request,
        "opendata/index.html",
        {
            "years": years,
            "sample_ocid": ocds.ocid_for(sample) if sample else "",
            "ocid_prefix": settings.OCDS_OCID_PREFIX,
            "license_url": getattr(settings, "OCDS_LICENSE", ocds.DEFAULT_LICENSE),
            "publish_names": settings.OCDS_PUBLISH_OFFICIAL_NAMES,
        },
    )


# --- OCDS -------------------------------------------------------------------------------

OCID_PARAM = OpenApiParameter(
    "ocid",
    str,
    OpenApiParameter.PATH,
    description=gettext_lazy(
        "Open Contracting ID: awalan OCDS kota, '-', nomor pesanan (mis. ocds-ekl000-PSN-2025-00012)."
    ),
)


def _extension_urls(request) -> list[str]:
    return ocds.extensions(
        request.build_absolute_uri(reverse("opendata:ocds_extension", args=["extension.json"]))
    )


def _published_order_or_404(ocid: str):
    order = ocds.find_published_order(ocid)
    if order is None:
        raise Http404(_("ocid tidak dikenal atau belum dipublikasikan."))
    return order


@extend_schema_view(
    get=extend_schema(
        summary=gettext_lazy("Release package OCDS satu pesanan (semua rilis)"),
        description=gettext_lazy(
            "Semua rilis OCDS satu proses pengadaan (satu pesanan), satu rilis per tahap."
        ),
        operation_id="getReleases",
        tags=["ocds"],
        parameters=[OCID_PARAM],
        responses={200: OCDS_RELEASE_PACKAGE},
    )
)
class ReleasePackage(APIView):
    """All releases of one contracting process (one order)."""

    def get(self, request, ocid: str):
        order = _published_order_or_404(ocid)
        package = ocds.release_package(
            ocds.releases_for(order),
            uri=request.build_absolute_uri(),
            publication_policy=_policy_url(request),
            extension_urls=_extension_urls(request),
        )
        return Response(package)


@extend_schema_view(
    get=extend_schema(
        summary=gettext_lazy("Record package OCDS satu pesanan"),
        description=gettext_lazy(
            "Record OCDS satu proses pengadaan: semua rilis dan rilis gabungan (compiledRelease)."
        ),
        operation_id="getRecord",
        tags=["ocds"],
        parameters=[OCID_PARAM],
        responses={200: OCDS_RECORD_PACKAGE},
    )
)
class RecordPackage(APIView):
    """The record of one contracting process: its releases and the compiled release."""

    def get(self, request, ocid: str):
        order = _published_order_or_404(ocid)
        package = ocds.record_package(
            [ocds.record_for(order)],
            uri=request.build_absolute_uri(),
            publication_policy=_policy_url(request),
            extension_urls=_extension_urls(request),
        )
        return Response(package)


class OcdsPagination(Pagination):
    """Pages of an OCDS record package: neighbours in ``links``, the total in ``X-Total-Count``."""

    page_size = OCDS_DEFAULT_PAGE_SIZE
    max_page_size = OCDS_MAX_PAGE_SIZE

    def get_paginated_response_schema(self, schema):
        return OCDS_RECORD_PACKAGE


@extend_schema_view(
    get=extend_schema(
        summary=gettext_lazy("Record package OCDS per halaman (links.next / links.prev)"),
        description=gettext_lazy(
            "Record OCDS per halaman, urut tanggal pesanan dikirim (terlama dulu); halaman tetangga di links.next / links.prev, jumlah total di header X-Total-Count."
        ),
        operation_id="listRecords",
        tags=["ocds"],
        parameters=[
            OpenApiParameter(
                "X-Total-Count",
                int,
                OpenApiParameter.HEADER,
                description=gettext_lazy("Jumlah proses pengadaan yang cocok"),
                response=[200],
            )
        ],
        responses={200: OCDS_RECORD_PACKAGE},
    )
)
class RecordList(generics.ListAPIView):
    """A page of records (oldest sent first) with ``links.next``/``links.prev``."""

    filter_backends = [FilterBackend]
    filterset_class = OcdsRecordFilter
    pagination_class = OcdsPagination

    def get_queryset(self):
        return ocds.with_ocds_relations(ocds.published_orders()).order_by("sent_at", "id")

    def list(self, request, *args, **kwargs):
        orders = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        paginator = self.paginator
        links = {
            key: url
            for key, url in (("next", paginator.get_next_link()), ("prev", paginator.get_previous_link()))
            if url
        }
        package = ocds.record_package(
            [ocds.record_for(order) for order in orders],
            uri=request.build_absolute_uri(),
            publication_policy=_policy_url(request),
            links=links or None,
            extension_urls=_extension_urls(request),
        )
        return Response(package, headers={"X-Total-Count": str(paginator.page.paginator.count)})


YEAR_PARAM = OpenApiParameter(
    "year",
    {"type": "integer", "minimum": MIN_YEAR, "maximum": MAX_YEAR},
    OpenApiParameter.PATH,
    description=gettext_lazy("Tahun anggaran"),
)


@extend_schema_view(
    get=extend_schema(
        summary=gettext_lazy("Unduhan massal satu tahun anggaran: satu record OCDS per baris (JSON Lines)"),
        description=gettext_lazy(
            "Semua record OCDS satu tahun anggaran, satu record per baris (JSON Lines). 404 bila tahun itu tanpa data."
        ),
        operation_id="bulkRecords",
        tags=["ocds"],
        parameters=[YEAR_PARAM],
        responses={
            (200, "application/x-ndjson"): OpenApiResponse(OpenApiTypes.STR, description="JSON Lines")
        },
    )
)
class BulkDownload(APIView):
    """Every published record of a fiscal year as JSON Lines: a prebuilt file (opendata/bulk.py)
    with Content-Length, ETag and Last-Modified, answered 304 when the client has it. HEAD (link
    checkers, data portals) gets the same headers without the body."""

    def get(self, request, year: int):
        if not MIN_YEAR <= year <= MAX_YEAR:
            raise Http404(_("Tidak ada data untuk tahun anggaran ini."))
        bulk_file = bulk.file_for_download(year)
        if bulk_file is None:
            raise Http404(_("Tidak ada data untuk tahun anggaran ini."))
        etag = f'"{bulk_file.etag}"'
        not_modified = get_conditional_response(
            request, etag=etag, last_modified=int(bulk_file.built_at.timestamp())
        )
        if not_modified is not None:
            return not_modified
        response = FileResponse(
            open(bulk_file.path, "rb"),  # noqa: SIM115 - FileResponse closes it
            content_type="application/x-ndjson; charset=utf-8",
            as_attachment=True,
            filename=bulk_file.filename,
        )
        response["Content-Length"] = str(bulk_file.size)
        response["ETag"] = etag
        response["Last-Modified"] = http_date(bulk_file.built_at.timestamp())
        response["Cache-Control"] = "public, max-age=300"
        return response


@read_only
def extension_file(request, name: str):
    """This project's OCDS extension (extension.json and its release-schema.json patch)."""
    if name not in EXTENSION_FILES:
        raise Http404(_("Berkas ekstensi tidak dikenal."))
    data = json.loads((ocds.EXTENSION_DIR / name).read_text(encoding="utf-8"))
    if name == "extension.json":
        # Where the fields are explained, and who answers for them, is the installation's own.
        data["documentationUrl"] = {"en": request.build_absolute_uri(reverse("opendata:index")) + "#ekstensi"}
        data["contactPoint"] = {
            "name": settings.AGENCY_NAME,
            "email": parseaddr(settings.DEFAULT_FROM_EMAIL)[1] or "noreply@ekatalog.local",
        }
    return JsonResponse(data, json_dumps_params={"ensure_ascii": False, "indent": 2})


EXTENSION_FILES = ("extension.json", "release-schema.json")


# --- Red flags (BPBJ) -------------------------------------------------------------------

PERIOD_CHOICES = [("", gettext_lazy("Sepanjang tahun"))]
PERIOD_CHOICES += [(f"Q{q}", gettext_lazy("Triwulan %(q)d") % {"q": q}) for q in range(1, 5)]
PERIOD_CHOICES += [(f"M{m:02d}", gettext_lazy("Bulan %(m)02d") % {"m": m}) for m in range(1, 13)]


class RedFlagFilterForm(forms.Form):
    tahun = forms.IntegerField(label=gettext_lazy("Tahun anggaran"), min_value=2000, max_value=2100)
    periode = forms.ChoiceField(label=gettext_lazy("Periode"), choices=PERIOD_CHOICES, required=False)
    jenis = forms.ChoiceField(
        label=gettext_lazy("Jenis"),
        choices=[("", gettext_lazy("Semua jenis")), *RedFlagKind.choices],
        required=False,
    )

    status = forms.ChoiceField(
        label=gettext_lazy("Status pemeriksaan"),
        choices=[("", gettext_lazy("Semua status")), *RedFlagReviewStatus.choices],
        required=False,
    )
    opd = forms.ModelChoiceField(
        label=gettext_lazy("OPD"),
        queryset=OPD.objects.order_by("name"),
        required=False,
        empty_label=gettext_lazy("Semua OPD"),
    )

    def period(self) -> Period:
        code = self.cleaned_data.get("periode") or ""
        year = self.cleaned_data["tahun"]
        if code.startswith("Q"):
            return Period(year, quarter=int(code[1:]))
        if code.startswith("M"):
            return Period(year, month=int(code[1:]))
        return Period(year)


@bpbj_required
@require_safe
def red_flags(request):
    """Red flags of a period, computed live, filterable by kind, OPD and BPBJ's review status, paginated."""
    params = request.GET.copy()
    params.setdefault("tahun", str(timezone.localdate().year))
    form = RedFlagFilterForm(params)
    page_obj = None
    kind_counts = []
    total = 0
    if form.is_valid():
        period = form.period()
        kind = form.cleaned_data.get("jenis") or None
        hits = attach_reviews(compute_red_flags(period, kinds=[kind] if kind else None), period)
        if form.cleaned_data.get("opd"):
            hits = [h for h in hits if h.opd_id == form.cleaned_data["opd"].pk]
        if form.cleaned_data.get("status"):
            hits = [h for h in hits if h.review_status == form.cleaned_data["status"]]
        total = len(hits)
        kind_counts = [
            (value, label, sum(1 for h in hits if h.kind == value))
            for value, label in RedFlagKind.choices
            if not kind or value == kind
        ]
        page_obj = Paginator(hits, RED_FLAGS_PER_PAGE).get_page(request.GET.get("page"))
        hydrate(page_obj.object_list)  # only the page's OPDs, vendors and orders
    return render(
        request,
        "opendata/red_flags.html",
        {
            "form": form,
            "page_obj": page_obj,
            "hits": page_obj.object_list if page_obj else [],
            "kind_counts": kind_counts,
            "total": total,
            "cfg": RedFlagSettings.load(),
            "statuses": RedFlagReviewStatus.choices,
        },
    )


RED_FLAGS_PER_PAGE = 20


@bpbj_required
@require_POST
def red_flag_review(request):
    """BPBJ sets a red flag's status and note, then returns to the same filtered page."""
    back = safe_next_url(request, reverse("opendata:red_flags"))
    form = RedFlagFilterForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Periode tanda bahaya tidak valid; muat ulang halaman."))
        return redirect(back)
    try:
        review_red_flag(
            key=request.POST.get("key", "")[:120],
            period=form.period(),
            kind=form.cleaned_data.get("jenis") or "",
            status=request.POST.get("review_status", ""),
            note=request.POST.get("note", ""),
            by=request.user,
        )
    except ReviewError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Status tanda bahaya disimpan."))
    return redirect(back)
