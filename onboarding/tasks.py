from celery import shared_task

from . import services


@shared_task(name="onboarding.tasks.purge_stale_drafts", ignore_result=True)
def purge_stale_drafts() -> int:
    """Beat, nightly: unfinished registrations left too long go, with their files."""
    return services.purge_stale_drafts()
