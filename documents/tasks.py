"""Document tasks: one document after its step commits, and the sweep that catches up."""

import logging

from celery import shared_task

from . import services

log = logging.getLogger(__name__)


@shared_task(name="documents.issue_document")
def issue_document(kind: str, source_id: int) -> str:
    # A failure is logged, not raised: the step it documents has committed and stays valid;
    # the sweep (documents.issue_missing) issues the document on its next run.
    try:
        document = services.issue(kind, source_id)
    except Exception:
        log.exception("could not issue %s for %s; the sweep will retry", kind, source_id)
        return "failed"
    return document.number


@shared_task(name="documents.issue_missing")
def issue_missing() -> str:
    issued, failed = services.issue_missing()
    return f"{issued} issued, {failed} failed"
