"""BPBJ's follow-up of red flags: a status (new, under review, followed up, not a problem) and a note.

Flags are computed live, so a review is attached to a flag's identity (``flag_key``) rather
than to a stored row; every change is also kept in the append-only ``RedFlagReviewEvent``.
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from .models import RedFlagReview, RedFlagReviewEvent, RedFlagReviewStatus
from .redflags import Hit, Period, compute_red_flags

NOTE_REQUIRED = (RedFlagReviewStatus.FOLLOWED_UP, RedFlagReviewStatus.NOT_A_PROBLEM)
MAX_NOTE = 4000


class ReviewError(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def flag_key(kind: str, period: Period, opd_id: int, vendor_id: int | None, category_id: int | None) -> str:
    return f"{kind}:{period.year}{period.code}:{opd_id}:{vendor_id or ''}:{category_id or ''}"


def hit_key(hit: Hit, period: Period) -> str:
    return flag_key(hit.kind, period, hit.opd_id, hit.vendor_id, hit.category_id)


def attach_reviews(hits: list[Hit], period: Period) -> list[Hit]:
    """Each hit gets ``key``, ``review`` (or None) and ``review_status`` (one query for all)."""
    keys = {hit_key(hit, period): hit for hit in hits}
    reviews = {
        r.key: r for r in RedFlagReview.objects.filter(key__in=list(keys)).select_related("updated_by")
    }
    for key, hit in keys.items():
        hit.key = key
        hit.review = reviews.get(key)
        hit.review_status = hit.review.status if hit.review else RedFlagReviewStatus.NEW
    return hits


@transaction.atomic
def review_red_flag(*, key: str, period: Period, kind: str, status: str, note: str, by) -> RedFlagReview:
    """Set a flag's status and note; the flag must exist in the period as computed now."""
    if not getattr(by, "is_bpbj", False):
        raise ReviewError(_("Hanya BPBJ yang dapat memeriksa tanda bahaya."))
    if status not in RedFlagReviewStatus.values:
        raise ReviewError(_("Pilih status pemeriksaan."))
    note = (note or "").strip()
    if len(note) > MAX_NOTE:
        raise ReviewError(_("Catatan terlalu panjang (maksimal %(n)s karakter).") % {"n": MAX_NOTE})
    if status in NOTE_REQUIRED and not note:
        raise ReviewError(_("Tulis catatan: apa tindak lanjutnya, atau mengapa ini bukan masalah."))
    hit = next((h for h in compute_red_flags(period, kinds=[kind]) if hit_key(h, period) == key), None)
    if hit is None:
        raise ReviewError(_("Tanda bahaya ini tidak ada lagi pada periode tersebut; muat ulang halaman."))
    RedFlagReview.objects.get_or_create(
        key=key,
        defaults={"kind": hit.kind, "fiscal_year": period.year, "period": period.code, "opd_id": hit.opd_id},
    )
    review = RedFlagReview.objects.select_for_update().get(key=key)
    review.status = status
    review.note = note
    review.updated_by = by
    review.save()
    RedFlagReviewEvent.objects.create(review=review, status=status, note=note, actor=by)
    return review
