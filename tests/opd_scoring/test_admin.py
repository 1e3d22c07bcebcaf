import io

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse
from openpyxl import load_workbook

from opd_scoring.models import (
    OPDScore,
    PenaltyType,
    PeriodKind,
    Proposal,
    ProposalKind,
    ProposalStatus,
    ScoreSnapshot,
    ScoringScheme,
)
from opd_scoring.services import compute_snapshot, get_active_scheme, get_period, propose_awards_and_penalties

pytestmark = pytest.mark.django_db

PROPOSALS = reverse("admin:opd_scoring_proposal_changelist")
SNAPSHOTS = reverse("admin:opd_scoring_scoresnapshot_changelist")


@pytest.fixture
def proposals(city):
    snapshot = compute_snapshot(
        period=get_period(kind=PeriodKind.YEAR, year=2025), scheme=get_active_scheme()
    )
    propose_awards_and_penalties(snapshot=snapshot)
    return snapshot.proposals.all()


def test_admin_pages_open(admin_client_bpbj, proposals):
    snapshot = ScoreSnapshot.objects.get()
    for url in (
        reverse("admin:opd_scoring_scoringscheme_changelist"),
        reverse("admin:opd_scoring_scoringscheme_change", args=[snapshot.scheme_id]),
        reverse("admin:opd_scoring_period_changelist"),
        reverse("admin:opd_scoring_period_add"),
        SNAPSHOTS,
        reverse("admin:opd_scoring_scoresnapshot_change", args=[snapshot.pk]),
        reverse("admin:opd_scoring_opdscore_changelist"),
        PROPOSALS,
        PROPOSALS + "?status__exact=proposed&kind__exact=penalty",
        reverse("admin:opd_scoring_proposal_change", args=[proposals[0].pk]),
    ):
        assert admin_client_bpbj.get(url).status_code == 200, url


def test_scheme_is_editable_in_the_admin(admin_client_bpbj, db):
    scheme = get_active_scheme()
    url = reverse("admin:opd_scoring_scoringscheme_change", args=[scheme.pk])
    form = admin_client_bpbj.get(url).context["adminform"].form
    data = {k: ("" if v is None else v) for k, v in form.initial.items() if k in form.fields}
    data.update(
        {"local_share_weight": 50, "local_share_target": "35", "penalty_no_use": "on", "is_active": "on"}
    )
    response = admin_client_bpbj.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    scheme.refresh_from_db()
    assert scheme.local_share_weight == 50


def test_approve_action_asks_for_a_note_then_records_who_and_when(admin_client_bpbj, admin_user, proposals):
    penalty = proposals.filter(kind=ProposalKind.PENALTY).first()
    data = {"action": "approve", ACTION_CHECKBOX_NAME: [penalty.pk]}
    response = admin_client_bpbj.post(PROPOSALS, data)
    assert response.status_code == 200 and "Setujui" in response.content.decode()
    penalty.refresh_from_db()
    assert penalty.status == ProposalStatus.PROPOSED

    data.update({"apply": "1", "note": "Sudah dibahas rapat", "category": PenaltyType.PERFORMANCE_REVIEW})
    response = admin_client_bpbj.post(PROPOSALS, data)
    assert response.status_code == 302
    penalty.refresh_from_db()
    assert penalty.status == ProposalStatus.APPROVED
    assert penalty.decided_by == admin_user and penalty.decided_at is not None
    assert penalty.note == "Sudah dibahas rapat"
    assert penalty.penalty_type == PenaltyType.PERFORMANCE_REVIEW


def test_reject_action_needs_a_reason(admin_client_bpbj, proposals):
    proposal = proposals.first()
    data = {"action": "reject", ACTION_CHECKBOX_NAME: [proposal.pk], "apply": "1", "note": " "}
    response = admin_client_bpbj.post(PROPOSALS, data)
    assert response.status_code == 200 and "Tuliskan alasan penolakan" in response.content.decode()
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.PROPOSED

    data["note"] = "Data pagu belum final"
    admin_client_bpbj.post(PROPOSALS, data)
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.REJECTED and proposal.note == "Data pagu belum final"


def test_decided_proposals_are_not_decided_again(admin_client_bpbj, proposals):
    proposal = proposals.first()
    data = {"action": "reject", ACTION_CHECKBOX_NAME: [proposal.pk], "apply": "1", "note": "tidak"}
    admin_client_bpbj.post(PROPOSALS, data)
    data.update({"action": "approve"})
    admin_client_bpbj.post(PROPOSALS, data)
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.REJECTED


def test_proposals_export_to_xlsx(admin_client_bpbj, proposals):
    data = {"action": "export_xlsx", ACTION_CHECKBOX_NAME: [p.pk for p in proposals]}
    response = admin_client_bpbj.post(PROPOSALS, data)
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.max_row == 1 + proposals.count()


def test_snapshot_actions_publish_propose_and_recompute(admin_client_bpbj, admin_user, city):
    snapshot = compute_snapshot(
        period=get_period(kind=PeriodKind.YEAR, year=2025), scheme=get_active_scheme()
    )
    admin_client_bpbj.post(SNAPSHOTS, {"action": "publish", ACTION_CHECKBOX_NAME: [snapshot.pk]})
    snapshot.refresh_from_db()
    assert snapshot.is_published and snapshot.published_by == admin_user

    admin_client_bpbj.post(SNAPSHOTS, {"action": "propose", ACTION_CHECKBOX_NAME: [snapshot.pk]})
    assert Proposal.objects.filter(snapshot=snapshot).exists()

    admin_client_bpbj.post(SNAPSHOTS, {"action": "recompute", ACTION_CHECKBOX_NAME: [snapshot.pk]})
    assert ScoreSnapshot.objects.count() == 2
    assert OPDScore.objects.filter(snapshot=snapshot).count() == 3

    response = admin_client_bpbj.post(
        SNAPSHOTS, {"action": "export_xlsx", ACTION_CHECKBOX_NAME: [snapshot.pk]}
    )
    assert load_workbook(io.BytesIO(response.content)).active.max_row == 4


def test_scheme_action_computes_the_current_year(admin_client_bpbj, db):
    scheme = get_active_scheme()
    admin_client_bpbj.post(
        reverse("admin:opd_scoring_scoringscheme_changelist"),
        {"action": "compute_current_year", ACTION_CHECKBOX_NAME: [scheme.pk]},
    )
    assert ScoreSnapshot.objects.filter(scheme=scheme, is_published=False).count() == 1


def test_snapshots_and_scores_are_read_only_in_the_admin(admin_client_bpbj, city):
    snapshot = compute_snapshot(
        period=get_period(kind=PeriodKind.YEAR, year=2025), scheme=get_active_scheme()
    )
    change = reverse("admin:opd_scoring_scoresnapshot_change", args=[snapshot.pk])
    response = admin_client_bpbj.post(change, {"is_published": "on"})
    assert response.status_code == 403
    delete = reverse("admin:opd_scoring_scoresnapshot_delete", args=[snapshot.pk])
    assert admin_client_bpbj.post(delete, {"post": "yes"}).status_code == 403
    assert ScoreSnapshot.objects.filter(pk=snapshot.pk, is_published=False).exists()


def test_period_can_be_added_with_dates_filled_in(admin_client_bpbj, db):
    response = admin_client_bpbj.post(
        reverse("admin:opd_scoring_period_add"), {"kind": "quarter", "fiscal_year": 2025, "number": 2}
    )
    assert response.status_code == 302
    period = get_period(kind="quarter", year=2025, number=2)
    assert str(period.start) == "2025-04-01" and str(period.end) == "2025-06-30"
    bad = admin_client_bpbj.post(
        reverse("admin:opd_scoring_period_add"), {"kind": "month", "fiscal_year": 2025, "number": 14}
    )
    assert bad.status_code == 200


def test_non_staff_bpbj_cannot_open_the_admin(bpbj_client, db):
    assert bpbj_client.get(PROPOSALS).status_code == 302
    assert ScoringScheme.objects.count() == 0


@pytest.mark.parametrize(("local_share_weight", "total"), [(20, 90), (50, 120)])
def test_weights_not_summing_to_100_are_explained_as_relative_shares(
    admin_client_bpbj, db, local_share_weight, total
):
    scheme = get_active_scheme()
    url = reverse("admin:opd_scoring_scoringscheme_change", args=[scheme.pk])
    page = admin_client_bpbj.get(url)
    assert "Bobot bersifat relatif" in page.content.decode()
    form = page.context["adminform"].form
    data = {k: ("" if v is None else v) for k, v in form.initial.items() if k in form.fields}
    data.update({"local_share_weight": local_share_weight, "is_active": "on", "penalty_no_use": "on"})
    response = admin_client_bpbj.post(url, data, follow=True)
    messages = [str(m) for m in response.context["messages"]]
    scheme.refresh_from_db()
    assert scheme.total_weight() == total
    share = str(scheme.weight_shares()["local_share"]).replace(".", ",")
    assert any(
        f"Jumlah bobot {total}, bukan 100" in m and f"Belanja lokal terhadap pagu {share}%" in m
        for m in messages
    )
    assert sum(scheme.weight_shares().values()) == pytest.approx(100, abs=0.5)


def test_weights_summing_to_100_save_without_a_warning(admin_client_bpbj, db):
    scheme = get_active_scheme()
    assert scheme.total_weight() == 100
    url = reverse("admin:opd_scoring_scoringscheme_change", args=[scheme.pk])
    form = admin_client_bpbj.get(url).context["adminform"].form
    data = {k: ("" if v is None else v) for k, v in form.initial.items() if k in form.fields}
    data.update({"is_active": "on", "penalty_no_use": "on"})
    response = admin_client_bpbj.post(url, data, follow=True)
    assert not any("bukan 100" in str(m) for m in response.context["messages"])
