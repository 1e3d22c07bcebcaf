"""Messages waiting to be delivered, written in the same transaction as the change behind them.

A step that tells someone something (an order sent, a BAST recorded …) writes one row
per recipient and channel here inside its own transaction: if the step rolls back, no
message exists; if it commits, the message exists even when the worker or the broker is
down. A task delivers rows one by one; each row is claimed and marked sent in one
database transaction (outbox/services.py), so retries never deliver it twice.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    IN_APP = "in_app", _("notifikasi di aplikasi")
    EMAIL = "email", _("email")


class Status(models.TextChoices):
    PENDING = "pending", _("menunggu")
    SENT = "sent", _("terkirim")
    FAILED = "failed", _("gagal (perlu tindakan)")


class OutboxMessage(models.Model):
    channel = models.CharField(_("saluran"), max_length=10, choices=Channel.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("penerima"),
    )
    # E-mails may go to an address without an account (password reset asks by address).
    to_email = models.EmailField(_("alamat email"), blank=True)
    order = models.ForeignKey(
        "procurement.Order",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("pesanan"),
    )
    subject = models.CharField(_("subjek"), max_length=255, blank=True)
    body = models.TextField(_("isi"))
    url = models.CharField(max_length=255, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("percobaan"), default=0)
    next_attempt_at = models.DateTimeField(_("coba lagi pada"), default=timezone.now)
    last_error = models.TextField(_("galat terakhir"), blank=True)
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    sent_at = models.DateTimeField(_("terkirim pada"), null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("pesan keluar")
        verbose_name_plural = _("pesan keluar")
        indexes = [
            # The delivery task's query: due pending rows, oldest first.
            models.Index(
                fields=["next_attempt_at", "id"],
                name="outbox_due_idx",
                condition=models.Q(status="pending"),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(channel="in_app") | models.Q(user__isnull=False),
                name="outbox_in_app_has_user",
            ),
        ]

    def __str__(self):
        return f"#{self.pk} {self.get_channel_display()} → {self.to_email or self.user_id}: {self.subject or self.body[:60]}"
