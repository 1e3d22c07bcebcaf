"""OCDS releases of a mini-kompetisi, with the bids extension.

The tender (items, HPS as its value, offer period) is public from the start, with the invited
vendors as bids of status "invited". Offers' contents stay sealed until the deadline: after it,
the bidders appear as tenderers with the number of bids, and only once the award is made does
each bid carry its value. Before the deadline nothing tells whether an invited vendor has bid.
"""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone

from opendata.ocds import CURRENCY, NIB_SCHEME, OPD_SCHEME, iso, money, publisher

from .models import Competition, CompetitionStatus

CS = CompetitionStatus
BIDS_EXTENSION = (
    "https://raw.githubusercontent.com/open-contracting-extensions/ocds_bids_extension/v1.1.5/extension.json"
)
AWARDED = (CS.AWARDED, CS.CONFIRMED, CS.NEGOTIATION)
TENDER_STATUS = {
    CS.OPEN: "active",
    CS.EVALUATION: "active",
    CS.AWARDED: "active",
    CS.CONFIRMED: "complete",
    CS.NEGOTIATION: "complete",
    CS.FAILED: "unsuccessful",
    CS.CANCELLED: "cancelled",
}


def ocid_for(competition: Competition) -> str:
    return f"{settings.OCDS_OCID_PREFIX}-{competition.number}"


def _vendor_id(vendor) -> str:
    return f"penyedia-{vendor.nib}"


def _vendor_party(vendor, roles) -> dict:
    return {
        "id": _vendor_id(vendor),
        "name": vendor.business_name,
        "identifier": {"scheme": NIB_SCHEME, "id": vendor.nib, "legalName": vendor.business_name},
        "address": {
            "locality": vendor.kecamatan.name,
            "region": settings.CITY_NAME,
            "countryName": "Indonesia",
        },
        "roles": roles,
    }


def release(competition: Competition) -> dict:
    """The competition's current state as one OCDS release."""
    sealed = competition.is_sealed
    opd = competition.opd
    opd_id = f"opd-{opd.code}"
    invitations = list(competition.invitations.select_related("vendor__kecamatan").order_by("vendor_id"))
    offers = (
        [] if sealed else list(competition.offers.select_related("vendor__kecamatan").order_by("rank", "id"))
    )
    bidder_ids = {o.vendor_id for o in offers}
    awarded = competition.status in AWARDED and competition.awarded_offer_id is not None
    winner = competition.awarded_offer if awarded else None

    parties = [
        {
            "id": opd_id,
            "name": opd.name,
            "identifier": {"scheme": OPD_SCHEME, "id": opd.code, "legalName": opd.name},
            "address": {"locality": settings.CITY_NAME, "countryName": "Indonesia"},
            "roles": ["buyer", "procuringEntity"],
        }
    ]
    for inv in invitations:
        roles = ["tenderer"] if inv.vendor_id in bidder_ids else ["interestedParty"]
        if winner and winner.vendor_id == inv.vendor_id:
            roles.append("supplier")
        parties.append(_vendor_party(inv.vendor, roles))

    tender = {
        "id": competition.number,
        "title": competition.title,
        "status": TENDER_STATUS[competition.status],
        "procuringEntity": {"id": opd_id, "name": opd.name},
        "items": [
            {
                "id": str(item.pk),
                "description": item.specification,
                "quantity": item.quantity,
                "unit": {"name": item.unit},
                "classification": {
                    "scheme": "x_KATEGORI_KATALOG_LOKAL",
                    "id": str(competition.category_id),
                    "description": competition.category.name,
                },
            }
            for item in competition.items.all()
        ],
        "value": money(competition.hps),
        "procurementMethod": "selective",
        "procurementMethodDetails": "mini-kompetisi e-purchasing"
        if competition.kind == Competition.Kind.MINI
        else "permintaan penawaran",
        "mainProcurementCategory": "goods",
        "awardCriteria": "priceOnly",
        "awardCriteriaDetails": "harga terendah setelah preferensi harga TKDN",
        "submissionMethod": ["electronicSubmission"],
        "tenderPeriod": {
            "startDate": iso(competition.created_at),
            "endDate": iso(competition.offer_deadline),
        },
    }
    details = []
    for inv in invitations:
        offer = next((o for o in offers if o.vendor_id == inv.vendor_id), None)
        bid = {
            "id": f"{competition.number}-{inv.vendor_id}",
            "tenderers": [{"id": _vendor_id(inv.vendor), "name": inv.vendor.business_name}],
        }
        if offer is None:
            bid["status"] = "invited"
        else:
            bid["status"] = "valid" if awarded else "pending"
            bid["date"] = iso(offer.updated_at)
            if awarded:
                bid["value"] = money(offer.total)
        details.append(bid)
    bids = {"details": details}
    if not sealed:
        tender["numberOfTenderers"] = len(offers)
        tender["tenderers"] = [{"id": _vendor_id(o.vendor), "name": o.vendor.business_name} for o in offers]
        statistics = [
            {"id": "bids", "measure": "bids", "value": len(offers), "date": iso(competition.offer_deadline)}
        ]
        if awarded and offers:
            statistics.append(
                {
                    "id": "lowest",
                    "measure": "lowestValidBidValue",
                    "value": int(min(o.total for o in offers)),
                    "currency": CURRENCY,
                }
            )
        bids["statistics"] = statistics

    tags = ["tender"]
    data = {
        "ocid": ocid_for(competition),
        "id": f"{competition.number}-{competition.status}",
        "date": iso(timezone.now()),
        "initiationType": "tender",
        "language": "id",
        "parties": parties,
        "buyer": {"id": opd_id, "name": opd.name},
        "tender": tender,
        "bids": bids,
    }
    if winner is not None:
        tags.append("award")
        data["awards"] = [
            {
                "id": f"{competition.number}-award",
                "status": "active" if competition.status != CS.AWARDED else "pending",
                "date": iso(competition.awarded_at),
                "value": money(winner.total),
                "suppliers": [{"id": _vendor_id(winner.vendor), "name": winner.vendor.business_name}],
                "relatedBid": f"{competition.number}-{winner.vendor_id}",
            }
        ]
    if competition.status in (CS.FAILED, CS.CANCELLED):
        tags = ["tenderCancellation"] if competition.status == CS.CANCELLED else ["tenderUpdate"]
        tender["description"] = competition.reason
    data["tag"] = tags
    return data


def release_package(competition: Competition, *, uri: str) -> dict:
    rel = release(competition)
    return {
        "uri": uri,
        "version": "1.1",
        "extensions": [BIDS_EXTENSION],
        "publishedDate": rel["date"],
        "publisher": publisher(),
        "license": getattr(settings, "OCDS_LICENSE", "https://creativecommons.org/licenses/by/4.0/"),
        "releases": [rel],
    }
