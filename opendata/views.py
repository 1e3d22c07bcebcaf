"""Open data pages and OCDS endpoints (public), and the red-flag page (BPBJ)."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.db.models import Count
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import get_conditional_response
from django.utils.http import http_date
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_safe

from accounts.permissions import bpbj_required

from . import bulk, ocds
from .api import BadRequest, api_view, json_response, paginate
from .models import RedFlagKind, RedFlagSettings
from .openapi import openapi_spec
from .ratelimit import rate_limited
from .redflags import Period, compute_red_flags, hydrate

OCDS_DEFAULT_PAGE_SIZE = 20
OCDS_MAX_PAGE_SIZE = 100


def _policy_url(request) -> str:
    return request.build_absolute_uri(reverse("opendata:index"))


# --- HTML -------------------------------------------------------------------------------


@require_GET
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


class OcdsListForm(forms.Form):
    dari = forms.DateField(required=False, input_formats=["%Y-%m-%d"])
    sampai = forms.DateField(required=False, input_formats=["%Y-%m-%d"])
    opd = forms.CharField(max_length=30, required=False)
    tahun = forms.IntegerField(min_value=2000, max_value=2100, required=False)


def _published_order_or_404(ocid: str):
    order = ocds.find_published_order(ocid)
    if order is None:
        raise Http404(_("ocid tidak dikenal atau belum dipublikasikan."))
    return order


@api_view
def release_package(request, ocid: str):
    """All releases of one contracting process (one order)."""
    order = _published_order_or_404(ocid)
    package = ocds.release_package(
        ocds.releases_for(order), uri=request.build_absolute_uri(), publication_policy=_policy_url(request)
    )
    return json_response(package)


@api_view
def record_package(request, ocid: str):
    """The record of one contracting process: its releases and the compiled release."""
    order = _published_order_or_404(ocid)
    package = ocds.record_package(
        [ocds.record_for(order)], uri=request.build_absolute_uri(), publication_policy=_policy_url(request)
    )
    return json_response(package)


@api_view
def record_list(request):
    """A page of records (oldest sent first) with ``links.next``/``links.prev``; filters dari, sampai, opd, tahun."""
    form = OcdsListForm(request.GET)
    if not form.is_valid():
        raise BadRequest(form.errors.get_json_data())
    data = form.cleaned_data
    queryset = ocds.filter_orders(
        ocds.with_ocds_relations(ocds.published_orders()),
        date_from=data["dari"],
        date_to=data["sampai"],
        opd_code=data["opd"].strip(),
        fiscal_year=data["tahun"],
    ).order_by("sent_at", "id")
    orders, count, prev_url, next_url = paginate(
        request, queryset, default=OCDS_DEFAULT_PAGE_SIZE, maximum=OCDS_MAX_PAGE_SIZE
    )
    links = {k: v for k, v in (("next", next_url), ("prev", prev_url)) if v}
    package = ocds.record_package(
        [ocds.record_for(order) for order in orders],
        uri=request.build_absolute_uri(),
        publication_policy=_policy_url(request),
        links=links or None,
    )
    response = json_response(package)
    response["X-Total-Count"] = str(count)
    return response


@require_safe
@rate_limited
def bulk_download(request, year: int):
    """Every published record of a fiscal year as JSON Lines: a prebuilt file (opendata/bulk.py)
    with Content-Length, ETag and Last-Modified, answered 304 when the client has it."""
    bulk_file = bulk.file_for_download(year)
    if bulk_file is None:
        return JsonResponse(
            {"error": {"status": 404, "message": _("Tidak ada data untuk tahun anggaran ini.")}}, status=404
        )
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


@api_view
def openapi(request):
    return json_response(openapi_spec(request))


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

    def period(self) -> Period:
        code = self.cleaned_data.get("periode") or ""
        year = self.cleaned_data["tahun"]
        if code.startswith("Q"):
            return Period(year, quarter=int(code[1:]))
        if code.startswith("M"):
            return Period(year, month=int(code[1:]))
        return Period(year)


@bpbj_required
@require_GET
def red_flags(request):
    """Red flags of a period, computed live, grouped by kind, each with its orders."""
    params = request.GET.copy()
    params.setdefault("tahun", str(timezone.localdate().year))
    form = RedFlagFilterForm(params)
    groups = []
    total = 0
    if form.is_valid():
        kind = form.cleaned_data.get("jenis") or None
        hits = hydrate(compute_red_flags(form.period(), kinds=[kind] if kind else None))
        total = len(hits)
        for value, label in RedFlagKind.choices:
            if kind and value != kind:
                continue
            groups.append({"kind": value, "label": label, "hits": [h for h in hits if h.kind == value]})
    return render(
        request,
        "opendata/red_flags.html",
        {"form": form, "groups": groups, "total": total, "cfg": RedFlagSettings.load()},
    )
