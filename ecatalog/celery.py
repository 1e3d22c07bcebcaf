"""The Celery application: the worker and beat load it with ``celery -A ecatalog``.

Configuration comes from the ``CELERY_*`` settings (ecatalog/settings.py). Without
``CELERY_BROKER_URL`` every task runs eagerly in the calling process, so the demo and
the test suite need no Redis and no worker.
"""

from __future__ import annotations

import logging
import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ecatalog.settings")

app = Celery("ecatalog")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

log = logging.getLogger(__name__)


def runs_inline() -> bool:
    """True when there is no broker: tasks run in the caller, so nothing happens 'later'."""
    return bool(app.conf.task_always_eager)


def enqueue(task, *args, countdown: int | None = None, **kwargs) -> bool:
    """Send ``task`` to the worker; never raise.

    Callers enqueue after their change has committed, and everything a task does is
    recorded in the database first (the outbox, an import job, a stale bulk file), so a
    broker that cannot be reached only delays the work: beat's periodic sweep or the next
    enqueue picks it up. Returns whether the task was sent (or run, when eager).
    """
    if runs_inline():
        # Eager: errors inside the task propagate only where CELERY_TASK_EAGER_PROPAGATES says so
        # (the test suite), never in the demo.
        task.apply_async(args=args, kwargs=kwargs)
        return True
    try:
        task.apply_async(args=args, kwargs=kwargs, countdown=countdown)
    except Exception:  # kombu raises several kinds for an unreachable broker
        log.warning(
            "could not enqueue %s; it will be picked up by the periodic sweep", task.name, exc_info=True
        )
        return False
    return True
