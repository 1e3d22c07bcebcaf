"""Public dashboard, the OPD's own index page and the ranking/transaction downloads."""

from decimal import Decimal

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from ecatalog.params import parse_id
from leakage.services import has_realisation, leakage_cells

from . import charts
from .exports import ranking_table, table_response, transactions_table
from .models import Period, PeriodKind, ScoreSnapshot, ScoringScheme
from .selectors import (
    DASHBOARD_CACHE_TIMEOUT,
    current_year,
    dashboard_data,
    get_visible_opd,
    latest_published_snapshot,
    opd_monthly_spending,
    opd_payment_timeliness,
    opd_score_history,
    paid_orders_in_year,
    parse_year,
    selectable_years,
    spending_by_method,
)
from .services import component_rows, compute_components, next_steps, period_dates, score_values


@require_GET
def dashboard(request):
    """The city's progress toward its targets and the published OPD ranking (no login)."""
    year = parse_year(request.GET.get("tahun"))
    data = dashboard_data(year)
    user = request.user
    linkable = set()
    if user.is_authenticated:
        if user.is_bpbj:
            linkable = {row["opd_id"] for row in data["ranking"]}
        elif user.opd is not None:
            linkable = {user.opd.pk}

    # The page body is a cached fragment (one per data build, language and set of linked
    # OPDs); the charts are only built when the fragment is rendered.
    def build_charts():
        return {
            "monthly": charts.monthly_bars(
                data["monthly"], title=_("Belanja terbayar per bulan %(y)s") % {"y": year}
            ),
            "scale": charts.horizontal_bars(
                data["by_scale"], title=_("Belanja menurut skala usaha penyedia")
            ),
            "method": charts.horizontal_bars(data["by_method"], title=_("Belanja menurut metode pembelian")),
            "kecamatan": charts.horizontal_bars(
                data["by_kecamatan"], title=_("Belanja menurut kecamatan penyedia")
            ),
            "categories": charts.horizontal_bars(
                data["top_categories"], title=_("Kategori dengan belanja terbesar")
            ),
            "vendors": charts.horizontal_bars(
                data["top_vendors"], title=_("Penyedia dengan belanja terbesar")
            ),
        }

    def build_bars():
        return {
            "products": charts.progress(data["products_pct"], label=_("Produk tayang terhadap target")),
            "spending": charts.progress(data["spending_pct"], label=_("Belanja terhadap target")),
            "local": charts.progress(
                data["local_share"], target=data["target_local_share"], label=_("Belanja lokal terhadap pagu")
            ),
        }

    return render(
        request,
        "opd_scoring/dashboard.html",
        {
            "d": data,
            "chart": SimpleLazyObject(build_charts),
            "bars": SimpleLazyObject(build_bars),
            "years": selectable_years(),
            "linkable": linkable,
            "linkable_key": "bpbj"
            if user.is_authenticated and user.is_bpbj
            else ",".join(map(str, sorted(linkable))),
            "fragment_timeout": DASHBOARD_CACHE_TIMEOUT,
        },
    )


@login_required
def my_opd(request):
    """The logged-in OPD user's own index page; BPBJ goes to the ranking."""
    opd = request.user.opd if request.user.is_buyer else None
    if opd is not None:
        return redirect("opd_scoring:opd_detail", code=opd.code)
    if request.user.is_bpbj:
        return redirect(reverse("opd_scoring:dashboard") + "#peringkat")
    raise Http404


def _active_config() -> dict:
    """The active scheme's parameters, without writing anything on a GET."""
    scheme = ScoringScheme.objects.filter(is_active=True).order_by("-updated_at", "-id").first()
    return (scheme or ScoringScheme(name=_("Skema standar"))).as_config()


@login_required
@require_GET
def opd_detail(request, code):
    """One OPD's score, components against targets, trend and next steps (its own users and BPBJ)."""
    opd = get_visible_opd(request.user, code)
    year = parse_year(request.GET.get("tahun"))
    start, end = period_dates(PeriodKind.YEAR, year, 1)
    period = Period(kind=PeriodKind.YEAR, fiscal_year=year, number=1, start=start, end=end)
    config = _active_config()
    values = compute_components(period, opd_ids=[opd.pk])[opd.pk]
    achievements, live_score = score_values(values, config, period)
    history = opd_score_history(opd, include_unpublished=request.user.is_bpbj)
    # The headline: the year's whole-year index if there is one, else the newest row.
    official = next(
        (
            h
            for h in history
            if h.snapshot.period.kind == PeriodKind.YEAR and h.snapshot.period.fiscal_year == year
        ),
        history[0] if history else None,
    )
    monthly = opd_monthly_spending(opd, year)
    leakage_rows = leakage_cells(fiscal_year=year, start=start, end=end, opd_ids=[opd.pk])
    local_target = Decimal(str(config["components"]["local_share"]["target"]))
    return render(
        request,
        "opd_scoring/opd_detail.html",
        {
            "opd": opd,
            "year": year,
            "years": selectable_years(),
            "values": values,
            "rows": component_rows(values, config, period, achievements),
            "live_score": live_score,
            "steps": next_steps(values, config, period),
            "official": official,
            "history": history,
            "monthly": monthly,
            "leakage_rows": leakage_rows,
            "has_realisation": has_realisation(year),
            "monthly_chart": charts.monthly_bars(
                monthly, title=_("Belanja terbayar per bulan %(y)s") % {"y": year}
            ),
            "score_bar": charts.progress(live_score, label=_("Perkiraan skor")),
            "local_bar": charts.progress(
                values["local_share"], target=local_target, label=_("Belanja lokal")
            ),
            "local_target": local_target,
            "is_current_year": year == current_year(),
            "payment": opd_payment_timeliness(opd, year),
            "by_method": spending_by_method(paid_orders_in_year(year).filter(opd=opd)),
            "payment_deadline_days": settings.DEADLINE_PAYMENT_DAYS,
        },
    )


def _snapshot_for_download(request) -> ScoreSnapshot:
    """A published snapshot: ?snapshot=<id>, else the latest of ?tahun=, else the latest overall."""
    raw = request.GET.get("snapshot", "")
    if raw:
        snapshot_id = parse_id(raw)
        if snapshot_id is None:
            raise Http404
        snapshot = ScoreSnapshot.objects.published().select_related("period").filter(pk=snapshot_id).first()
    elif request.GET.get("tahun"):
        snapshot = latest_published_snapshot(parse_year(request.GET.get("tahun")))
    else:
        snapshot = latest_published_snapshot()
    if snapshot is None:
        raise Http404
    return snapshot


@require_GET
def ranking_download(request, fmt):
    """The published ranking as CSV/XLSX (public)."""
    snapshot = _snapshot_for_download(request)
    headers, rows = ranking_table(snapshot)
    name = f"peringkat-opd-{snapshot.period.fiscal_year}-{snapshot.period.kind}-{snapshot.period.number}-{snapshot.pk}"
    return table_response(fmt, name, _("Peringkat OPD"), headers, rows)


@require_GET
def transactions_download(request, fmt):
    """The paid orders behind a published ranking (public: no personal data, see selectors)."""
    snapshot = _snapshot_for_download(request)
    headers, rows = transactions_table(snapshot)
    name = f"transaksi-{snapshot.period.fiscal_year}-{snapshot.period.kind}-{snapshot.period.number}-{snapshot.pk}"
    return table_response(fmt, name, _("Transaksi"), headers, rows)
