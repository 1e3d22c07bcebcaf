"""BPBJ reviews red flags: a status and a note that survive recomputation, filters and pages."""

from decimal import Decimal

import pytest
from django.urls import reverse

from ecatalog.append_only import AuditTrailError
from opendata.models import RedFlagReview, RedFlagReviewEvent, RedFlagReviewStatus
from opendata.redflags import Period, compute_red_flags, store_red_flags
from opendata.reviews import ReviewError, hit_key, review_red_flag
from procurement.models import OrderStatus
from tests.factories import OPDFactory

from .factories import jkt, make_order

pytestmark = pytest.mark.django_db

URL = reverse("opendata:red_flags")
REVIEW_URL = reverse("opendata:red_flag_review")
M = Decimal(1_000_000)


@pytest.fixture
def bunched():
    opd = OPDFactory(name="Dinas Akhir Tahun")
    return make_order(OrderStatus.ACCEPTED, opd=opd, total=60 * M, sent=jkt(2025, 12, 14, 9))


def the_hit():
    (hit,) = compute_red_flags(Period(2025))
    return hit


def post_review(client, hit, status, note, next_url=URL + "?tahun=2025"):
    return client.post(
        REVIEW_URL,
        {
            "key": hit_key(hit, Period(2025)),
            "jenis": hit.kind,
            "tahun": "2025",
            "periode": "",
            "review_status": status,
            "note": note,
            "next": next_url,
        },
        follow=True,
    )


def test_new_flag_shows_status_new_and_a_review_form(bpbj_client, bunched):
    html = bpbj_client.get(URL, {"tahun": 2025}).content.decode()
    assert 'class="badge review-new">Baru<' in html
    assert 'name="review_status"' in html and 'name="note"' in html


def test_bpbj_marks_a_flag_under_review_then_followed_up_with_a_note(bpbj_client, bpbj_user, bunched):
    hit = the_hit()
    response = post_review(bpbj_client, hit, "under_review", "")
    assert "Status tanda bahaya disimpan." in response.content.decode()
    response = post_review(bpbj_client, hit, "followed_up", "Surat klarifikasi dikirim ke OPD 3 Des.")
    html = response.content.decode()
    assert 'class="badge review-followed_up">Ditindaklanjuti<' in html
    assert "Surat klarifikasi dikirim ke OPD 3 Des." in html
    review = RedFlagReview.objects.get()
    assert review.status == RedFlagReviewStatus.FOLLOWED_UP and review.updated_by == bpbj_user
    assert list(review.events.values_list("status", flat=True)) == ["followed_up", "under_review"]
    with pytest.raises(AuditTrailError):
        review.events.first().delete()


@pytest.mark.parametrize("status", ["followed_up", "not_a_problem"])
def test_closing_a_flag_needs_a_note(bpbj_client, bunched, status):
    response = post_review(bpbj_client, the_hit(), status, "  ")
    assert "Tulis catatan" in response.content.decode()
    assert not RedFlagReview.objects.exists()


def test_a_made_up_flag_or_status_is_refused_with_a_message(bpbj_client, bunched):
    hit = the_hit()
    response = post_review(bpbj_client, hit, "closed", "x")
    assert "Pilih status pemeriksaan." in response.content.decode()
    hit.opd_id += 999
    response = post_review(bpbj_client, hit, "under_review", "")
    assert "tidak ada lagi" in response.content.decode()
    assert not RedFlagReview.objects.exists()


def test_review_survives_recomputing_the_stored_flags(bpbj_client, bpbj_user, bunched):
    review_red_flag(
        key=hit_key(the_hit(), Period(2025)),
        period=Period(2025),
        kind=the_hit().kind,
        status="not_a_problem",
        note="Belanja akhir tahun sesuai jadwal DPA.",
        by=bpbj_user,
    )
    store_red_flags(Period(2025))
    store_red_flags(Period(2025))
    html = bpbj_client.get(URL, {"tahun": 2025}).content.decode()
    assert "Belanja akhir tahun sesuai jadwal DPA." in html
    assert 'review-not_a_problem">Bukan masalah<' in html


def test_filter_by_status_and_opd(bpbj_client, bpbj_user, bunched):
    other = OPDFactory(name="Dinas Lain")
    make_order(OrderStatus.ACCEPTED, opd=other, total=60 * M, sent=jkt(2025, 12, 15, 9))
    hits = compute_red_flags(Period(2025))
    reviewed = next(h for h in hits if h.opd_id == bunched.opd_id)
    review_red_flag(
        key=hit_key(reviewed, Period(2025)), period=Period(2025), kind=reviewed.kind,
        status="under_review", note="", by=bpbj_user,
    )  # fmt: skip
    under_review = bpbj_client.get(URL, {"tahun": 2025, "status": "under_review"}).content.decode()
    assert "Dinas Akhir Tahun" in under_review and "Dinas Lain" not in under_review.split("od-flags")[1]
    new = bpbj_client.get(URL, {"tahun": 2025, "status": "new"}).content.decode()
    assert bunched.number not in new
    by_opd = bpbj_client.get(URL, {"tahun": 2025, "opd": other.pk}).content.decode()
    assert bunched.number not in by_opd


def test_flags_are_paginated(bpbj_client):
    for day in range(1, 26):
        make_order(OrderStatus.ACCEPTED, opd=OPDFactory(), total=60 * M, sent=jkt(2025, 12, 1 + day % 28, 9))
    first = bpbj_client.get(URL, {"tahun": 2025})
    assert first.content.decode().count("od-flag-head") == 20
    assert "halaman 1 dari 2" in first.content.decode()
    second = bpbj_client.get(URL, {"tahun": 2025, "page": 2})
    assert second.content.decode().count("od-flag-head") == 5


def test_only_bpbj_may_review(vendor_client, buyer_client, vendor, bunched):
    for client in (vendor_client, buyer_client):
        assert post_review(client, the_hit(), "under_review", "").status_code == 403
    with pytest.raises(ReviewError):
        review_red_flag(
            key=hit_key(the_hit(), Period(2025)), period=Period(2025), kind=the_hit().kind,
            status="under_review", note="", by=vendor.user,
        )  # fmt: skip
    assert not RedFlagReviewEvent.objects.exists()
