"""Read-side of mini-kompetisi: the public Peluang page and the public JSON (sealed until the deadline)."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Count
from django.db.models.functions import TruncMonth
from django.utils import timezone

from procurement.models import ProcurementMethod, RUPPackage

from .models import Competition, CompetitionStatus

# After these, bids are public (the award has been made or the competition has ended after the
# deadline); before, only who was invited and, after the deadline, who bid.
BIDS_PUBLIC = (
    CompetitionStatus.AWARDED,
    CompetitionStatus.CONFIRMED,
    CompetitionStatus.NEGOTIATION,
)


def opportunities() -> dict:
    """Open requests (no amounts) and this year's upcoming e-purchasing RUP packages by month."""
    now = timezone.now()
    open_requests = list(
        Competition.objects.filter(status=CompetitionStatus.OPEN, offer_deadline__gt=now)
        .select_related("opd", "category")
        .annotate(item_count=Count("items"))
        .order_by("offer_deadline")
    )
    year = timezone.localdate().year
    months = (
        RUPPackage.objects.filter(fiscal_year=year, method=ProcurementMethod.E_PURCHASING)
        .annotate(month=TruncMonth("created_at"))
        .values("month", "opd__name")
        .annotate(n=Count("id"))
        .order_by("month", "opd__name")
    )
    by_month = defaultdict(list)
    for row in months:
        by_month[row["month"]].append((row["opd__name"], row["n"]))
    by_category = (
        Competition.objects.filter(status=CompetitionStatus.OPEN, offer_deadline__gt=now)
        .values("category__name")
        .annotate(n=Count("id"))
        .order_by("category__name")
    )
    return {
        "open_requests": open_requests,
        "rup_by_month": sorted(by_month.items(), key=lambda kv: kv[0] or now),
        "by_category": list(by_category),
        "year": year,
    }


def public_data(competition: Competition) -> dict:
    """What open data may say about a competition now. Offers' contents never before the deadline."""
    sealed = competition.is_sealed
    data = {
        "number": competition.number,
        "kind": competition.kind,
        "title": competition.title,
        "opd": competition.opd.name,
        "category": competition.category.name,
        "status": competition.status,
        "offer_deadline": competition.offer_deadline.isoformat(),
        "items": [
            {"specification": i.specification, "quantity": i.quantity, "unit": i.unit}
            for i in competition.items.all()
        ],
        "invited": [inv.vendor.business_name for inv in competition.invitations.select_related("vendor")],
    }
    if sealed:
        return data
    offers = list(competition.offers.select_related("vendor").order_by("rank", "id"))
    data["hps"] = int(competition.hps)
    data["number_of_tenderers"] = len(offers)
    data["tenderers"] = [o.vendor.business_name for o in offers]
    if competition.status in BIDS_PUBLIC:
        data["bids"] = [
            {
                "vendor": o.vendor.business_name,
                "rank": o.rank,
                "total": int(o.total),
                "evaluated_total": int(o.evaluated_total),
                "tkdn": str(o.tkdn),
            }
            for o in offers
        ]
    return data


def vendor_opportunities(vendor):
    """Open competitions ``vendor`` is invited to, closing first."""
    return (
        Competition.objects.filter(
            invitations__vendor=vendor, status=CompetitionStatus.OPEN, offer_deadline__gt=timezone.now()
        )
        .select_related("opd", "category")
        .order_by("offer_deadline", "pk")
    )
