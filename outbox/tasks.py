from celery import shared_task

from . import services

BATCH = 500


@shared_task(name="outbox.tasks.deliver_outbox", ignore_result=True)
def deliver_outbox() -> int:
    """Deliver due messages; a full batch asks for another run instead of holding the worker."""
    handled = services.deliver_due(limit=BATCH)
    if handled == BATCH and services.has_due():
        services.request_delivery()
    return handled
