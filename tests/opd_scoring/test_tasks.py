"""Scores nightly and on demand from the admin, and the dashboard rebuilt by a worker."""

import pytest
from django.urls import reverse

from ecatalog import celery as celery_module
from opd_scoring import selectors
from opd_scoring.models import PeriodKind, ScoreSnapshot
from opd_scoring.services import get_period
from opd_scoring.tasks import nightly_snapshot, rebuild_dashboard, refresh_dashboard

from .factories import at, paid_order


@pytest.fixture
def this_year(monkeypatch):
    from datetime import date

    import django.utils.timezone as tz

    monkeypatch.setattr(tz, "localdate", lambda *a, **k: date(2025, 12, 1))
    monkeypatch.setattr(selectors, "current_year", lambda: 2025)
    return 2025


@pytest.fixture
def with_worker(monkeypatch):
    sent = []
    monkeypatch.setattr(celery_module, "runs_inline", lambda: False)
    monkeypatch.setattr(
        celery_module,
        "enqueue",
        lambda task, *args, countdown=None, **kw: sent.append((task.name, args)) or True,
    )
    return sent


@pytest.mark.parametrize("publish", [True, False])
def test_the_nightly_snapshot_scores_this_year(city, this_year, settings, publish):
    settings.SCORES_NIGHTLY_PUBLISH = publish
    pk = nightly_snapshot.delay().result
    snapshot = ScoreSnapshot.objects.get(pk=pk)
    assert snapshot.period == get_period(kind=PeriodKind.YEAR, year=2025)
    assert snapshot.scores.count() == 3 and snapshot.is_published is publish


def test_admin_recompute_without_a_worker_computes_at_once(city, this_year, admin_client_bpbj):
    period = get_period(kind=PeriodKind.YEAR, year=2025)
    admin_client_bpbj.post(
        reverse("admin:opd_scoring_period_changelist"),
        {"action": "compute_with_active_scheme", "_selected_action": [period.pk]},
    )
    assert ScoreSnapshot.objects.filter(period=period).count() == 1


def test_admin_recompute_with_a_worker_queues_the_task_and_says_so(
    city, this_year, admin_client_bpbj, admin_user, with_worker
):
    period = get_period(kind=PeriodKind.YEAR, year=2025)
    response = admin_client_bpbj.post(
        reverse("admin:opd_scoring_period_changelist"),
        {"action": "compute_with_active_scheme", "_selected_action": [period.pk]},
        follow=True,
    )
    assert "di latar belakang" in response.content.decode()
    assert not ScoreSnapshot.objects.exists()  # nothing computed in the request
    [(name, args)] = with_worker
    assert name == "opd_scoring.tasks.compute_snapshot"
    # What the worker then does:
    from opd_scoring.tasks import compute_snapshot

    snapshot = ScoreSnapshot.objects.get(pk=compute_snapshot(*args))
    assert snapshot.computed_by == admin_user and not snapshot.is_published


def test_with_a_worker_visitors_get_the_previous_dashboard_while_it_rebuilds(
    city, this_year, monkeypatch, with_worker
):
    monkeypatch.setattr(selectors, "worker_can_rebuild", lambda: True)
    before = selectors.dashboard_data(2025)  # cold cache: built once by this request
    paid_order(city["c"], city["v1"], 5_000_000, paid_at=at(2025, 7, 1))  # invalidates
    assert selectors.dashboard_data(2025)["paid_total"] == before["paid_total"]  # stale copy, at once
    assert selectors.dashboard_data(2025)["paid_total"] == before["paid_total"]
    assert with_worker == [("opd_scoring.tasks.rebuild_dashboard", (2025, "id"))]  # queued once
    rebuild_dashboard(2025, "id")  # the worker
    assert selectors.dashboard_data(2025)["paid_total"] == before["paid_total"] + 5_000_000


def test_beat_keeps_the_dashboard_warm_only_with_a_shared_cache(city, this_year, monkeypatch):
    assert refresh_dashboard() == 0  # local-memory cache: a worker's copy would help nobody
    monkeypatch.setattr(selectors, "worker_can_rebuild", lambda: True)
    assert refresh_dashboard() == 2  # Indonesian and English
    assert refresh_dashboard() == 0  # still fresh
