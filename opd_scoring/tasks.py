from celery import shared_task
from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone

from . import selectors, services
from .models import Period, PeriodKind, ScoringScheme


@shared_task(name="opd_scoring.tasks.rebuild_dashboard", ignore_result=True)
def rebuild_dashboard(year: int, language: str) -> None:
    selectors.rebuild_dashboard_cache(year, language)


@shared_task(name="opd_scoring.tasks.refresh_dashboard", ignore_result=True)
def refresh_dashboard() -> int:
    """Beat: keep this year's dashboard warm in every language, so no visitor builds it."""
    if not selectors.worker_can_rebuild():
        return 0  # the cache is per process: a worker's copy would help nobody
    year = selectors.current_year()
    return sum(
        selectors.rebuild_dashboard_cache(year, code, only_if_stale=True)
        for code, _name in settings.LANGUAGES
    )


@shared_task(name="opd_scoring.tasks.compute_snapshot", ignore_result=True)
def compute_snapshot(
    period_id: int, scheme_id: int, user_id: int | None = None, publish: bool = False
) -> int:
    """On demand from the admin: one period under one scheme."""
    user = get_user_model().objects.filter(pk=user_id).first() if user_id else None
    snapshot = services.compute_snapshot(
        period=Period.objects.get(pk=period_id),
        scheme=ScoringScheme.objects.get(pk=scheme_id),
        by=user,
        publish=publish,
    )
    return snapshot.pk


@shared_task(name="opd_scoring.tasks.nightly_snapshot", ignore_result=True)
def nightly_snapshot() -> int:
    """Nightly: this fiscal year's index with the active scheme (published unless the city
    reviews first: SCORES_NIGHTLY_PUBLISH)."""
    period = services.get_period(kind=PeriodKind.YEAR, year=timezone.localdate().year)
    snapshot = services.compute_snapshot(
        period=period, scheme=services.get_active_scheme(), publish=settings.SCORES_NIGHTLY_PUBLISH
    )
    return snapshot.pk
