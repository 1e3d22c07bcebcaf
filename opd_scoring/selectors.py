"""Reads for the dashboard, the OPD page and the downloads.

The dashboard's numbers come from a fixed number of grouped queries and are
cached per year; ``invalidate_dashboard_cache()`` drops them (signals call it
when an order, product, budget or vendor is saved, ``publish_snapshot`` too).
"""

import time
from collections import defaultdict
from datetime import date, datetime
from decimal import Decimal

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, F, Q, Sum, Value
from django.db.models.functions import Coalesce, TruncMonth
from django.http import Http404
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from catalog.models import UMK_SCALES, BusinessScale, Product
from catalog.money import ZERO, to_rupiah
from leakage.services import has_realisation, leakage_map
from procurement.deadlines import bast_and_payment_dates, payment_timeliness
from procurement.models import OPD, PAID_STATUSES, Budget, Order, OrderLine
from procurement.workdays import calendar

from .models import MONTH_NAMES, OPDScore, PeriodKind, ScoreSnapshot
from .services import COMMITTED_STATUSES

DASHBOARD_CACHE_TIMEOUT = 120  # seconds: the dashboard may lag a new order by at most this
MIN_YEAR = 2020


def current_year() -> int:
    return timezone.localdate().year


def selectable_years() -> list[int]:
    return list(range(current_year() + 1, MIN_YEAR - 1, -1))


def parse_year(raw) -> int:
    """A year from the query string; anything odd falls back to this year (never a 500)."""
    try:
        year = int(str(raw).strip())
    except (TypeError, ValueError):
        return current_year()
    return year if MIN_YEAR <= year <= current_year() + 1 else current_year()


def _cache_key(year: int, language: str | None = None) -> str:
    # The cached data holds translated labels (month names), so each language has its own copy.
    return f"opd_scoring:dashboard:{language or get_language() or settings.LANGUAGE_CODE}:{year}"


DASHBOARD_VERSION_KEY = "opd_scoring:dashboard:version"
# A stale copy is kept this long so that while one request rebuilds (1.5–2 s at national
# size: grouped sums over every paid order of the year) the others are served the stale
# copy instead of all rebuilding at once.
DASHBOARD_STALE_TIMEOUT = 60 * 60
DASHBOARD_REBUILD_LOCK_TIMEOUT = 30


def _dashboard_version() -> int:
    return cache.get(DASHBOARD_VERSION_KEY, 0)


def invalidate_dashboard_cache(*args, **kwargs) -> None:
    """Mark every year's cached dashboard, in every language, stale (one cache write, no query).

    The next request rebuilds it; requests arriving during that rebuild get the stale copy.
    """
    try:
        cache.incr(DASHBOARD_VERSION_KEY)
    except ValueError:
        cache.set(DASHBOARD_VERSION_KEY, 1, None)


def year_bounds(year: int) -> tuple[datetime, datetime]:
    tz = timezone.get_current_timezone()
    return datetime(year, 1, 1, tzinfo=tz), datetime(year + 1, 1, 1, tzinfo=tz)


def paid_orders_in_year(year: int):
    """The orders whose payment counts as spending of the year (see services.py)."""
    start, end = year_bounds(year)
    return Order.objects.filter(status__in=PAID_STATUSES, paid_at__gte=start, paid_at__lt=end)


def spending_by_method(paid) -> list[dict]:
    """Paid spending by buying method: a direct catalogue order (with or without negotiation), a
    mini-kompetisi or a request for quotation (an order made from a competition keeps its link)."""
    from competition.models import Competition

    labels = {
        "direct": _("Pemesanan langsung katalog"),
        Competition.Kind.MINI: _("Mini-kompetisi"),
        Competition.Kind.RFQ: _("Permintaan penawaran"),
    }
    rows = {
        r["method"]: r
        for r in paid.annotate(method=Coalesce(F("competition__kind"), Value("direct")))
        .values("method")
        .annotate(amount=Sum("total"), orders=Count("id"))
    }
    return [
        {
            "key": key,
            "label": str(label),
            "total": to_rupiah(rows.get(key, {}).get("amount")),
            "orders": rows.get(key, {}).get("orders", 0),
        }
        for key, label in labels.items()
    ]


def _pct(num, den) -> Decimal | None:
    if not den:
        return None
    return (Decimal(num) * 100 / Decimal(den)).quantize(Decimal("0.01"))


def latest_published_snapshot(year: int | None = None) -> ScoreSnapshot | None:
    """The newest published snapshot of the year, a whole-year one first."""
    qs = ScoreSnapshot.objects.published().select_related("period", "scheme")
    if year is not None:
        qs = qs.filter(period__fiscal_year=year)
    ordered = qs.order_by("-published_at", "-id")
    return ordered.filter(period__kind=PeriodKind.YEAR).first() or ordered.first()


def ranking_rows(snapshot: ScoreSnapshot) -> list[OPDScore]:
    return list(snapshot.scores.select_related("opd").order_by("rank", "-paid_spending", "opd__name"))


def dashboard_data(year: int) -> dict:
    """Everything the public dashboard shows for a year, cached (stale-while-rebuilding).

    Fresh for ``DASHBOARD_CACHE_TIMEOUT`` seconds or until invalidated. After that, with a
    worker and a shared cache, visitors keep getting the previous copy while a worker
    rebuilds it (and beat refreshes this year's every two minutes). Without either, one
    request (the one that takes the rebuild lock) recomputes it while the others keep
    getting the previous copy.
    """
    language = get_language() or settings.LANGUAGE_CODE
    key = _cache_key(year, language)
    version = _dashboard_version()
    entry = cache.get(key)
    if entry is not None and entry["version"] == version and entry["fresh_until"] > time.time():
        return entry["data"]
    lock = f"{key}:rebuilding"
    if entry is not None and not cache.add(lock, 1, DASHBOARD_REBUILD_LOCK_TIMEOUT):
        return entry["data"]
    if entry is not None and worker_can_rebuild():
        from ecatalog.celery import enqueue

        from .tasks import rebuild_dashboard

        if enqueue(rebuild_dashboard, year, language):
            return entry["data"]  # the worker releases the lock when done
    try:
        return _store_dashboard(year, key, version)
    finally:
        cache.delete(lock)


def worker_can_rebuild() -> bool:
    """A worker's rebuild reaches the web processes only through a shared cache (Redis)."""
    from ecatalog.celery import runs_inline

    backend = settings.CACHES["default"]["BACKEND"]
    return not runs_inline() and not backend.endswith(("LocMemCache", "DummyCache"))


def _store_dashboard(year: int, key: str, version: int) -> dict:
    data = _build_dashboard(year)
    cache.set(
        key,
        {"data": data, "version": version, "fresh_until": time.time() + DASHBOARD_CACHE_TIMEOUT},
        DASHBOARD_STALE_TIMEOUT,
    )
    return data


def rebuild_dashboard_cache(year: int, language: str, *, only_if_stale: bool = False) -> bool:
    """Build the year's dashboard in ``language`` into the cache (the worker's side)."""
    from django.utils import translation

    with translation.override(language):
        key = _cache_key(year, language)
        version = _dashboard_version()
        try:
            entry = cache.get(key)
            fresh = entry is not None and entry["version"] == version and entry["fresh_until"] > time.time()
            if only_if_stale and fresh:
                return False
            _store_dashboard(year, key, version)
            return True
        finally:
            cache.delete(f"{key}:rebuilding")


def _build_dashboard(year: int) -> dict:
    paid = paid_orders_in_year(year)
    totals = paid.aggregate(
        paid=Coalesce(Sum("total"), ZERO),
        local=Coalesce(Sum("total", filter=Q(vendor__is_local=True)), ZERO),
        umk=Coalesce(Sum("total", filter=Q(vendor__scale__in=UMK_SCALES)), ZERO),
        orders=Count("id"),
        vendors=Count("vendor_id", distinct=True),
        opds=Count("opd_id", distinct=True),
    )
    start, end = year_bounds(year)
    committed = Order.objects.filter(
        status__in=COMMITTED_STATUSES, accepted_at__gte=start, accepted_at__lt=end
    ).aggregate(amount=Coalesce(Sum("total"), ZERO))["amount"]
    pagu_total = Budget.objects.filter(fiscal_year=year).aggregate(
        total=Coalesce(Sum("goods_services_pagu"), ZERO)
    )["total"]
    products = Product.objects.public().count()

    by_month = {
        (row["month"].month if row["month"] else 0): row
        for row in paid.annotate(month=TruncMonth("paid_at"))
        .values("month")
        .annotate(amount=Sum("total"), local=Sum("total", filter=Q(vendor__is_local=True)))
        .order_by("month")
    }
    monthly = [
        {
            "label": str(MONTH_NAMES[m - 1])[:3],
            "month": str(MONTH_NAMES[m - 1]),
            "total": to_rupiah(by_month.get(m, {}).get("amount")),
            "local": to_rupiah(by_month.get(m, {}).get("local")),
        }
        for m in range(1, 13)
    ]
    scale_labels = dict(BusinessScale.choices)
    scale_rows = {
        r["vendor__scale"]: to_rupiah(r["amount"])
        for r in paid.values("vendor__scale").annotate(amount=Sum("total"))
    }
    by_scale = [
        {"label": str(scale_labels[s]), "total": scale_rows.get(s, ZERO)} for s in BusinessScale.values
    ]
    by_kecamatan = [
        {"label": r["vendor__kecamatan__name"], "total": to_rupiah(r["amount"])}
        for r in paid.values("vendor__kecamatan__name").annotate(amount=Sum("total")).order_by("-amount")
    ]
    top_categories = [
        {"label": r["category__name"] or "–", "total": to_rupiah(r["amount"]), "orders": r["orders"]}
        for r in OrderLine.objects.filter(order__in=paid)
        .values("category__name")
        .annotate(amount=Sum("line_total"), orders=Count("order_id", distinct=True))
        .order_by("-amount")[:8]
    ]
    top_vendors = [
        {
            "label": r["vendor__business_name"],
            "scale": str(scale_labels.get(r["vendor__scale"], "")),
            "kecamatan": r["vendor__kecamatan__name"],
            "is_local": r["vendor__is_local"],
            "total": to_rupiah(r["amount"]),
            "orders": r["orders"],
        }
        for r in paid.values(
            "vendor_id",
            "vendor__business_name",
            "vendor__scale",
            "vendor__kecamatan__name",
            "vendor__is_local",
        )
        .annotate(amount=Sum("total"), orders=Count("id"))
        .order_by("-amount", "vendor__business_name")[:10]
    ]

    # Days from BAST to payment (median) and the share paid within the payment deadline,
    # city-wide and per OPD: slow payment is why micro businesses avoid government orders.
    cal = calendar()
    pay_rows = defaultdict(list)
    for opd_id, bast, paid_on in bast_and_payment_dates(paid):
        pay_rows[opd_id].append((bast, paid_on))
    payment = payment_timeliness([r for rows in pay_rows.values() for r in rows], cal=cal)
    payment_by_opd = {opd_id: payment_timeliness(rows, cal=cal) for opd_id, rows in pay_rows.items()}

    snapshot = latest_published_snapshot(year)
    ranking = []
    if snapshot is not None:
        ranking = [
            {
                "rank": s.rank,
                "opd_id": s.opd_id,
                "opd_code": s.opd.code,
                "opd_name": s.opd.name,
                "opd_short": str(s.opd),
                "score": s.score,
                "paid_spending": s.paid_spending,
                "local_spending": s.local_spending,
                "local_share": s.local_share,
                "local_vendors": s.local_vendors,
                "orders": s.orders,
                "payment": payment_by_opd.get(s.opd_id),
            }
            for s in ranking_rows(snapshot)
        ]

    paid_total = to_rupiah(totals["paid"])
    # One query when the year has no realisation imported yet, a fixed handful when it has.
    leakage = (
        leakage_map(fiscal_year=year, start=date(year, 1, 1), end=date(year, 12, 31))
        if has_realisation(year)
        else {"has_data": False, "outside": ZERO, "through": ZERO, "categories": []}
    )
    return {
        "leakage": {
            "has_data": leakage["has_data"],
            "outside": leakage["outside"],
            "through": leakage["through"],
            "categories": [
                {
                    "name": str(row["category"]),
                    "outside": row["outside"],
                    "local_products": row["local_products"],
                    "covered": row["covered"],
                }
                for row in leakage["categories"][:5]
                if row["outside"] > 0
            ],
        },
        "year": year,
        "products": products,
        "target_products": settings.TARGET_PRODUCTS,
        "products_pct": _pct(products, settings.TARGET_PRODUCTS),
        "paid_total": paid_total,
        "committed_total": to_rupiah(committed),
        "target_spending": Decimal(settings.TARGET_SPENDING),
        "spending_pct": _pct(paid_total, settings.TARGET_SPENDING),
        "local_total": to_rupiah(totals["local"]),
        "umk_total": to_rupiah(totals["umk"]),
        "pagu_total": to_rupiah(pagu_total),
        "local_share": _pct(totals["local"], pagu_total),
        "local_of_spending": _pct(totals["local"], paid_total),
        "umk_of_spending": _pct(totals["umk"], paid_total),
        "target_local_share": settings.TARGET_LOCAL_SHARE,
        "orders": totals["orders"],
        "payment": payment,
        "payment_deadline_days": settings.DEADLINE_PAYMENT_DAYS,
        "vendors": totals["vendors"],
        "opds": totals["opds"],
        "monthly": monthly,
        "by_scale": by_scale,
        "by_method": spending_by_method(paid),
        "by_kecamatan": by_kecamatan,
        "top_categories": top_categories,
        "top_vendors": top_vendors,
        "snapshot": (
            {
                "id": snapshot.pk,
                "period": str(snapshot.period),
                "computed_at": snapshot.computed_at,
                "published_at": snapshot.published_at,
                "scheme": snapshot.scheme_config.get("name", ""),
            }
            if snapshot
            else None
        ),
        "ranking": ranking,
        "ranking_paid_total": sum((r["paid_spending"] for r in ranking), ZERO),
        "built_at": timezone.now(),
    }


# --- OPD page ------------------------------------------------------------------------------------


def opds_visible_to(user):
    """OPDs whose detailed index page the user may open: BPBJ all, an OPD user only their own."""
    if not user.is_authenticated:
        return OPD.objects.none()
    if user.is_bpbj:
        return OPD.objects.all()
    opd = user.opd
    if opd is not None:
        return OPD.objects.filter(pk=opd.pk)
    return OPD.objects.none()


def get_visible_opd(user, code: str) -> OPD:
    try:
        return opds_visible_to(user).get(code=code)
    except OPD.DoesNotExist as exc:
        raise Http404 from exc


def opd_monthly_spending(opd: OPD, year: int) -> list[dict]:
    rows = {
        r["month"].month: r
        for r in paid_orders_in_year(year)
        .filter(opd=opd)
        .annotate(month=TruncMonth("paid_at"))
        .values("month")
        .annotate(amount=Sum("total"), local=Sum("total", filter=Q(vendor__is_local=True)))
        if r["month"]
    }
    return [
        {
            "label": str(MONTH_NAMES[m - 1])[:3],
            "month": str(MONTH_NAMES[m - 1]),
            "total": to_rupiah(rows.get(m, {}).get("amount")),
            "local": to_rupiah(rows.get(m, {}).get("local")),
        }
        for m in range(1, 13)
    ]


def opd_payment_timeliness(opd: OPD, year: int) -> dict:
    """The OPD's median days from BAST to payment and share paid on time, for the year."""
    rows = [
        (bast, paid) for _opd, bast, paid in bast_and_payment_dates(paid_orders_in_year(year).filter(opd=opd))
    ]
    return payment_timeliness(rows)


def opd_score_history(opd: OPD, *, include_unpublished: bool) -> list[OPDScore]:
    """The OPD's rows across snapshots (newest first): the trend of its score and rank."""
    qs = OPDScore.objects.filter(opd=opd).select_related("snapshot__period")
    if not include_unpublished:
        qs = qs.filter(snapshot__is_published=True)
    return list(qs.order_by("-snapshot__computed_at", "-snapshot_id")[:24])


def transactions_for(snapshot: ScoreSnapshot):
    """The paid orders behind a snapshot's spending: non-personal columns only.

    No buyer names, addresses or bank accounts: vendors' business names are
    already public in the catalogue.
    """
    from .services import period_bounds

    start, end = period_bounds(snapshot.period)
    return (
        Order.objects.filter(status__in=PAID_STATUSES, paid_at__gte=start, paid_at__lt=end)
        .order_by("paid_at", "id")
        .values_list(
            "number",
            "opd__code",
            "opd__name",
            "vendor__business_name",
            "vendor__scale",
            "vendor__kecamatan__name",
            "vendor__is_local",
            "total",
            "paid_at",
        )
    )
