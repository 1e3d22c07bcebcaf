"""The public leakage map and BPBJ's realisation imports."""

from datetime import date

from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from accounts.permissions import bpbj_required
from opd_scoring.selectors import parse_year, selectable_years

from . import importer, services
from .forms import RealisationUploadForm
from .models import AccountCategoryMap, RealisationImport


@require_GET
def leakage_map(request):
    """Where the city's goods/services money goes outside the catalogue (no login, no personal names)."""
    year = parse_year(request.GET.get("tahun"))
    data = services.cached_leakage_map(year)
    return render(request, "leakage/map.html", {"d": data, "year": year, "years": selectable_years()})


@bpbj_required
def import_list(request):
    today = timezone.localdate()
    form = RealisationUploadForm(
        request.POST or None,
        request.FILES or None,
        initial={"fiscal_year": today.year, "period_start": date(today.year, 1, 1), "period_end": today},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            batch = services.create_import(
                upload=data["file"],
                fiscal_year=data["fiscal_year"],
                period_start=data["period_start"],
                period_end=data["period_end"],
                by=request.user,
            )
        except services.LeakageError as exc:
            form.add_error(None, str(exc))
        else:
            return redirect(batch)
    return render(
        request,
        "leakage/import_list.html",
        {
            "form": form,
            "headers": importer.HEADERS,
            "imports": RealisationImport.objects.select_related("created_by")[:20],
            "map_count": AccountCategoryMap.objects.count(),
        },
    )


@bpbj_required
def import_detail(request, pk):
    batch = get_object_or_404(RealisationImport, pk=pk)
    return render(request, "leakage/import_detail.html", {"batch": batch})


@bpbj_required
def import_status(request, pk):
    """What static/js/import_progress.js polls while the import runs."""
    batch = get_object_or_404(RealisationImport, pk=pk)
    response = JsonResponse(
        {
            "status": batch.status,
            "status_display": batch.get_status_display(),
            "total_rows": batch.total_rows,
            "processed_rows": batch.processed_rows,
            "percent": batch.percent,
            "finished": batch.is_finished,
        }
    )
    response["Cache-Control"] = "no-store"
    return response


@bpbj_required
def import_template(request, fmt):
    if fmt == "csv":
        response = HttpResponse(importer.template_csv(), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(
            importer.template_xlsx(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="templat-realisasi-sipd.{fmt}"'
    return response
