"""The outbox through a real Celery worker on Redis: killed mid-delivery, and a broker that comes back.

Run by .ci/run (CELERY_TEST_BROKER_URL, PostgreSQL); skipped otherwise (see tests/worker.py).
"""

from collections import Counter

import pytest
from django.db import transaction

from outbox import services as outbox
from outbox.models import Channel, OutboxMessage, Status
from procurement.models import Notification
from tests.factories import UserFactory
from tests.worker import Broker, Worker, needs_worker, wait_for

pytestmark = needs_worker


@pytest.fixture
def broker():
    broker = Broker()
    yield broker
    broker.cleanup()


def _lines(path, kind):
    if not path.exists():
        return []
    return [line.split(" ", 1)[1] for line in path.read_text().splitlines() if line.startswith(kind + " ")]


def test_a_worker_killed_mid_delivery_loses_nothing_and_sends_nothing_twice(broker, tmp_path):
    mail_log = tmp_path / "mail.log"
    env = {"EMAIL_BACKEND": "tests.outbox.backends.SlowFileBackend", "OUTBOX_TEST_LOG": str(mail_log)}
    users = [UserFactory(email=f"penerima{i}@example.test") for i in range(6)]
    first = Worker(broker, tmp_path / "worker1.log", OUTBOX_TEST_DELAY="1.0", **env)
    second = None
    try:
        first.wait_ready()
        with broker.as_app_broker(), transaction.atomic():
            # The step's transaction: its messages commit with it; after commit the worker is asked.
            outbox.notify_users(users, "Pesanan EKL-1: dikirim penyedia.", url="/pengadaan/pesanan/1/")
        assert OutboxMessage.objects.filter(status=Status.PENDING).count() == 12

        # Kill the worker while it is sending the third e-mail (two are sent and committed).
        wait_for(lambda: len(_lines(mail_log, "start")) >= 3, timeout=60, what="third e-mail")
        first.kill()
        assert len(_lines(mail_log, "sent")) == 2
        interrupted = _lines(mail_log, "start")[2]
        assert interrupted not in _lines(mail_log, "sent")
        row = OutboxMessage.objects.get(channel=Channel.EMAIL, to_email=interrupted)
        assert row.status == Status.PENDING  # the dead worker's claim was rolled back with it

        # A new worker, and the periodic sweep beat sends every minute.
        second = Worker(broker, tmp_path / "worker2.log", OUTBOX_TEST_DELAY="0.05", **env)
        second.wait_ready()
        broker.send("outbox.tasks.deliver_outbox")
        wait_for(
            lambda: not OutboxMessage.objects.exclude(status=Status.SENT).exists(),
            timeout=60,
            what="every message sent",
        )
    finally:
        first.kill()
        if second:
            second.kill()

    sent = Counter(_lines(mail_log, "sent"))
    assert sent == Counter({u.email: 1 for u in users})  # every address once: none lost, none twice
    assert Counter(Notification.objects.values_list("user_id", flat=True)) == Counter(
        {u.pk: 1 for u in users}
    )


def test_messages_written_while_the_broker_is_down_reach_a_real_worker_when_it_is_back(broker, tmp_path):
    from ecatalog.celery import app

    users = [UserFactory(email=f"kembali{i}@example.test") for i in range(2)]
    conf = app.conf
    conf.task_always_eager, conf.broker_url = False, "redis://127.0.0.1:1/0"
    app._pool = app.amqp._producer_pool = None
    try:
        with transaction.atomic():
            outbox.notify_users(users, "Pesanan EKL-2: BAST dicatat.")
    finally:
        conf.task_always_eager, conf.broker_url = True, "memory://"
        app._pool = app.amqp._producer_pool = None
    assert OutboxMessage.objects.filter(status=Status.PENDING).count() == 4  # kept, not lost

    mail_log = tmp_path / "mail.log"
    worker = Worker(
        broker,
        tmp_path / "worker.log",
        EMAIL_BACKEND="tests.outbox.backends.SlowFileBackend",
        OUTBOX_TEST_LOG=str(mail_log),
        OUTBOX_TEST_DELAY="0",
    )
    try:
        worker.wait_ready()
        broker.send("outbox.tasks.deliver_outbox")  # what beat sends every minute
        wait_for(
            lambda: not OutboxMessage.objects.exclude(status=Status.SENT).exists(),
            timeout=60,
            what="delivery",
        )
    finally:
        worker.kill()
    assert sorted(_lines(mail_log, "sent")) == sorted(u.email for u in users)
    assert Notification.objects.count() == 2
