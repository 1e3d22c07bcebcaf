"""The outbox: messages commit with the step that causes them and are delivered once, with retries."""

from datetime import timedelta

import pytest
from django.core import mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from outbox import services as outbox
from outbox.models import Channel, OutboxMessage, Status
from outbox.tasks import deliver_outbox
from procurement import services
from procurement.models import Notification, OrderStatus
from tests.procurement.factories import make_order

from .backends import FlakyBackend

pytestmark = pytest.mark.django_db


class Boom(Exception):
    pass


@pytest.fixture
def order(buyer, package, product):
    return make_order(buyer=buyer, package=package, items=[(product, 2)])


@pytest.fixture
def flaky_mail(settings):
    settings.EMAIL_BACKEND = "tests.outbox.backends.FlakyBackend"
    FlakyBackend.failures = 0
    yield FlakyBackend
    FlakyBackend.failures = 0


def _make_due():
    OutboxMessage.objects.filter(status=Status.PENDING).update(next_attempt_at=timezone.now())


def test_a_step_that_rolls_back_leaves_no_message(order, vendor):
    with pytest.raises(Boom), transaction.atomic():
        services.accept_order(order=order, by=vendor.user)
        assert OutboxMessage.objects.count() == 2  # written inside the step's transaction
        raise Boom
    assert not OutboxMessage.objects.exists()
    assert not Notification.objects.exists() and not mail.outbox


def test_messages_wait_in_the_outbox_until_delivered_and_are_delivered_once(
    order, vendor, buyer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        services.accept_order(order=order, by=vendor.user)
    rows = OutboxMessage.objects.order_by("channel")
    assert [(r.channel, r.user_id, r.status) for r in rows] == [
        (Channel.EMAIL, buyer.pk, Status.PENDING),
        (Channel.IN_APP, buyer.pk, Status.PENDING),
    ]
    assert not Notification.objects.exists() and not mail.outbox

    assert outbox.deliver_due() == 2
    assert outbox.deliver_due() == 0  # a sent row is never claimed again
    deliver_outbox.delay()
    assert Notification.objects.get().user == buyer
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [buyer.email]
    assert "Surat Pesanan" in mail.outbox[0].subject
    assert set(OutboxMessage.objects.values_list("status", "attempts")) == {(Status.SENT, 1)}


def test_a_failing_email_is_retried_later_without_resending_the_in_app_notice(
    order, vendor, flaky_mail, django_capture_on_commit_callbacks
):
    flaky_mail.failures = 1
    with django_capture_on_commit_callbacks(execute=True):  # eager: delivered right after commit
        services.accept_order(order=order, by=vendor.user)
    email = OutboxMessage.objects.get(channel=Channel.EMAIL)
    assert email.status == Status.PENDING and email.attempts == 1
    assert "ConnectionRefusedError" in email.last_error
    assert email.next_attempt_at > timezone.now()
    assert Notification.objects.count() == 1 and not mail.outbox

    assert outbox.deliver_due() == 0  # not due yet
    _make_due()
    assert outbox.deliver_due() == 1
    email.refresh_from_db()
    assert (email.status, email.attempts) == (Status.SENT, 2)
    assert len(mail.outbox) == 1 and Notification.objects.count() == 1


def test_backoff_grows_and_is_bounded():
    assert [outbox.backoff(n) for n in (1, 2, 3)] == [timedelta(minutes=m) for m in (1, 2, 4)]
    assert outbox.backoff(30) == outbox.MAX_BACKOFF


def test_after_the_last_attempt_the_message_is_failed_and_the_admin_sends_it_again(
    order, vendor, flaky_mail, settings, admin_client_bpbj, django_capture_on_commit_callbacks
):
    settings.OUTBOX_MAX_ATTEMPTS = 2
    flaky_mail.failures = 2
    services.accept_order(order=order, by=vendor.user)
    outbox.deliver_due()
    _make_due()
    outbox.deliver_due()
    email = OutboxMessage.objects.get(channel=Channel.EMAIL)
    assert (email.status, email.attempts) == (Status.FAILED, 2)
    _make_due()
    assert outbox.deliver_due() == 0  # failed rows wait for a person

    changelist = reverse("admin:outbox_outboxmessage_changelist")
    page = admin_client_bpbj.get(changelist, {"status__exact": "failed"})
    assert page.status_code == 200
    assert "ConnectionRefusedError" not in page.content.decode()  # the list shows the row ...
    assert email.to_email in page.content.decode()
    detail = admin_client_bpbj.get(reverse("admin:outbox_outboxmessage_change", args=[email.pk]))
    assert "ConnectionRefusedError" in detail.content.decode()  # ... its page the error

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client_bpbj.post(
            changelist, {"action": "send_again", "_selected_action": [email.pk]}, follow=True
        )
    assert response.status_code == 200
    email.refresh_from_db()
    assert email.status == Status.SENT and len(mail.outbox) == 1


def test_the_admin_cannot_edit_or_delete_messages(admin_client_bpbj, order, vendor):
    services.accept_order(order=order, by=vendor.user)
    message = OutboxMessage.objects.first()
    change = reverse("admin:outbox_outboxmessage_change", args=[message.pk])
    admin_client_bpbj.post(change, {"body": "diubah", "status": "pending"})
    message.refresh_from_db()
    assert message.body != "diubah"
    assert (
        admin_client_bpbj.get(reverse("admin:outbox_outboxmessage_delete", args=[message.pk])).status_code
        == 403
    )
    assert admin_client_bpbj.get(reverse("admin:outbox_outboxmessage_add")).status_code == 403


def test_only_bpbj_staff_may_send_messages_again(order, vendor, flaky_mail, settings):
    from tests.factories import UserFactory

    settings.OUTBOX_MAX_ATTEMPTS = 1
    flaky_mail.failures = 1
    services.accept_order(order=order, by=vendor.user)
    outbox.deliver_due()
    email = OutboxMessage.objects.get(channel=Channel.EMAIL)
    assert email.status == Status.FAILED
    from django.contrib.auth.models import Permission
    from django.test import Client

    # Staff who may look at the outbox, but not a BPBJ role.
    staff = UserFactory(is_staff=True)
    staff.user_permissions.add(Permission.objects.get(codename="view_outboxmessage"))
    client = Client()
    client.force_login(staff)
    client.post(
        reverse("admin:outbox_outboxmessage_changelist"),
        {"action": "send_again", "_selected_action": [email.pk]},
    )
    email.refresh_from_db()
    assert email.status == Status.FAILED


# --- broker down ---------------------------------------------------------------------------------


def test_with_the_broker_down_the_step_commits_the_page_answers_and_nothing_is_lost(
    order, vendor, buyer, vendor_client, broker_down, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = vendor_client.post(reverse("procurement:order_action", args=[order.pk, "accept"]))
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.status == OrderStatus.ACCEPTED
    assert vendor_client.get(order.get_absolute_url()).status_code == 200
    assert vendor_client.get(reverse("catalog:home")).status_code == 200
    # The messages wait; nobody has been told yet.
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {Status.PENDING}
    assert not Notification.objects.exists() and not mail.outbox


def test_messages_kept_while_the_broker_was_down_are_delivered_when_it_is_back(
    order, vendor, buyer, django_capture_on_commit_callbacks
):
    from ecatalog.celery import app as celery_app

    from .conftest import CLOSED_PORT_BROKER

    conf = celery_app.conf
    conf.task_always_eager, conf.broker_url = False, CLOSED_PORT_BROKER
    try:
        with django_capture_on_commit_callbacks(execute=True):
            services.accept_order(order=order, by=vendor.user)
    finally:
        conf.task_always_eager, conf.broker_url = True, "memory://"
        celery_app._pool = None
        celery_app.amqp._producer_pool = None
    assert OutboxMessage.objects.filter(status=Status.PENDING).count() == 2
    # Broker back: beat's periodic sweep (the same task) delivers what waited.
    deliver_outbox.delay()
    assert Notification.objects.get().user == buyer
    assert [m.to for m in mail.outbox] == [[buyer.email]]
    assert not OutboxMessage.objects.exclude(status=Status.SENT).exists()
