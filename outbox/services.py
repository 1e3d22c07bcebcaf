"""Writing messages into the outbox (inside the caller's transaction) and delivering them.

Delivery claims one due row at a time with ``SELECT … FOR UPDATE SKIP LOCKED`` and, in the
same transaction, delivers it and marks it sent. Consequences:

* a worker killed mid-delivery never commits: its connection drops, PostgreSQL releases
  the row and the next run delivers it (nothing lost);
* two workers never hold the same row, and a sent row is never picked again, so a retry
  cannot deliver a message twice. In-app notifications are exactly-once (they are rows in
  the same transaction). An e-mail handed to the SMTP server just before the worker dies,
  before its commit, would be sent again: SMTP offers no way to make that window zero, but
  it is the few milliseconds between the server's answer and the commit;
* a failing delivery is rolled back to a savepoint, counted, and retried later with a
  growing pause; after ``OUTBOX_MAX_ATTEMPTS`` it is marked failed and shows in the admin.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone

from .models import Channel, OutboxMessage, Status

log = logging.getLogger(__name__)

SUBJECT_PREFIX = "[E-Katalog Lokal] "
MAX_BACKOFF = timedelta(hours=2)


def notify_users(users: Iterable, message: str, *, url: str = "", order=None) -> list[OutboxMessage]:
    """An in-app notification and (when the user has an address) an e-mail to each user, once.

    Call inside the transaction of the change that causes the message: the rows commit or
    roll back with it. Delivery is asked for after commit.
    """
    recipients = {u.pk: u for u in users if u is not None}
    if not recipients:
        return []
    text = message[:255]
    order_id = getattr(order, "pk", None)
    rows = []
    for user in recipients.values():
        rows.append(OutboxMessage(channel=Channel.IN_APP, user=user, order_id=order_id, body=text, url=url))
        if user.email:
            rows.append(
                OutboxMessage(
                    channel=Channel.EMAIL,
                    user=user,
                    to_email=user.email,
                    order_id=order_id,
                    subject=one_line(f"{SUBJECT_PREFIX}{text}")[:150],
                    body=f"{text}\n\n{url}" if url else text,
                    url=url,
                )
            )
    created = OutboxMessage.objects.bulk_create(rows)
    transaction.on_commit(request_delivery)
    return created


def one_line(text: str) -> str:
    """A mail subject on one line: a header with a line break is refused by Django's mail
    (BadHeaderError), and a reason typed with Enter would otherwise drop the whole e-mail."""
    return " ".join(str(text).split())


def queue_email(*, to: str, subject: str, body: str, user=None) -> OutboxMessage:
    """One e-mail through the outbox (for mail that is not an order notification)."""
    row = OutboxMessage.objects.create(
        channel=Channel.EMAIL, user=user, to_email=to, subject=one_line(subject)[:255], body=body
    )
    transaction.on_commit(request_delivery)
    return row


def queue_in_app(*, user, message: str, url: str = "", order=None) -> OutboxMessage:
    """One in-app notification through the outbox (for notices outside notify_users)."""
    row = OutboxMessage.objects.create(
        channel=Channel.IN_APP, user=user, order_id=getattr(order, "pk", None), body=message[:255], url=url
    )
    transaction.on_commit(request_delivery)
    return row


def request_delivery() -> None:
    """Ask a worker to deliver what is due (after commit; a down broker only delays it)."""
    from ecatalog.celery import enqueue

    from .tasks import deliver_outbox

    enqueue(deliver_outbox)


# --- delivery --------------------------------------------------------------------------------


def _deliver(message: OutboxMessage) -> None:
    if message.channel == Channel.IN_APP:
        from procurement.models import Notification

        Notification.objects.create(
            user_id=message.user_id, order_id=message.order_id, message=message.body[:255], url=message.url
        )
    elif message.channel == Channel.EMAIL:
        EmailMessage(subject=message.subject, body=message.body, to=[message.to_email]).send(
            fail_silently=False
        )
    else:  # pragma: no cover - the choices allow nothing else
        raise ValueError(f"unknown channel {message.channel}")


def backoff(attempts: int) -> timedelta:
    """1, 2, 4, 8 … minutes, at most two hours."""
    return min(timedelta(minutes=2 ** max(attempts - 1, 0)), MAX_BACKOFF)


def deliver_next(now=None) -> OutboxMessage | None:
    """Claim the oldest due message, deliver it and record the outcome, in one transaction.

    Returns the message (sent, rescheduled or failed), or None when nothing is due.
    """
    now = now or timezone.now()
    with transaction.atomic():
        message = (
            OutboxMessage.objects.select_for_update(skip_locked=True)
            .filter(status=Status.PENDING, next_attempt_at__lte=now)
            .order_by("next_attempt_at", "id")
            .first()
        )
        if message is None:
            return None
        message.attempts += 1
        try:
            with transaction.atomic():
                _deliver(message)
        except Exception as exc:  # any failure of the channel: keep the message, try later
            log.warning("outbox message %s failed (attempt %s): %s", message.pk, message.attempts, exc)
            message.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            if message.attempts >= settings.OUTBOX_MAX_ATTEMPTS:
                message.status = Status.FAILED
            else:
                message.next_attempt_at = timezone.now() + backoff(message.attempts)
            fields = ["attempts", "last_error", "status", "next_attempt_at"]
        else:
            message.status = Status.SENT
            message.sent_at = timezone.now()
            fields = ["attempts", "status", "sent_at"]
        # Conditional on the claim: a row that is no longer pending is never overwritten.
        updated = OutboxMessage.objects.filter(pk=message.pk, status=Status.PENDING).update(
            **{f: getattr(message, f) for f in fields}
        )
        if not updated:  # pragma: no cover - the row lock makes this impossible
            raise RuntimeError(f"outbox message {message.pk} changed while claimed")
    return message


def deliver_due(*, limit: int = 500) -> int:
    """Deliver up to ``limit`` due messages; returns how many were handled."""
    handled = 0
    now = timezone.now()
    while handled < limit and deliver_next(now) is not None:
        handled += 1
    return handled


def has_due() -> bool:
    return OutboxMessage.objects.filter(status=Status.PENDING, next_attempt_at__lte=timezone.now()).exists()


def retry(queryset) -> int:
    """Admin: send failed (or waiting) messages again now. Sent messages are left alone."""
    with transaction.atomic():
        count = queryset.exclude(status=Status.SENT).update(
            status=Status.PENDING, next_attempt_at=timezone.now()
        )
        transaction.on_commit(request_delivery)
    return count
