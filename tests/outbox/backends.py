"""E-mail backends for the outbox tests (selected with the EMAIL_BACKEND setting)."""

import os
import time

from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend


class FlakyBackend(LocmemBackend):
    """Refuses the first ``failures`` messages (an SMTP outage), then delivers to mail.outbox."""

    failures = 0

    def send_messages(self, messages):
        if FlakyBackend.failures > 0:
            FlakyBackend.failures -= 1
            raise ConnectionRefusedError("SMTP server tidak menjawab")
        return super().send_messages(messages)


class SlowFileBackend(BaseEmailBackend):
    """For the worker-kill test, in the worker process: announce, wait, then record each message.

    Before sending it appends ``start <to>`` to $OUTBOX_TEST_LOG and sleeps
    $OUTBOX_TEST_DELAY seconds (the test kills the worker in that pause); after
    "sending" it appends ``sent <to>``. Counting ``sent`` lines shows duplicates.
    """

    def send_messages(self, messages):
        path = os.environ["OUTBOX_TEST_LOG"]
        delay = float(os.environ.get("OUTBOX_TEST_DELAY", "0.3"))
        for message in messages:
            to = ",".join(message.to)
            with open(path, "a") as log:
                log.write(f"start {to}\n")
            time.sleep(delay)
            with open(path, "a") as log:
                log.write(f"sent {to}\n")
        return len(messages)
