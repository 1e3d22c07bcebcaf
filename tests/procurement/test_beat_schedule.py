"""Every scheduled task named in celery beat's schedule exists, so beat never sends a task
that no worker knows."""

from django.conf import settings

from ecatalog.celery import app


def test_every_beat_entry_names_a_registered_task():
    app.loader.import_default_modules()
    missing = [
        entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values() if entry["task"] not in app.tasks
    ]
    assert missing == []


def test_deadlines_run_every_hour():
    entry = settings.CELERY_BEAT_SCHEDULE["procurement-run-deadlines"]
    assert entry["task"] == "procurement.run_deadlines"
    assert entry["schedule"].minute == {5}
