"""Registration drafts (resumable, files kept), outreach events and the help-desk queue."""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from catalog.models import Kecamatan, Kelurahan, Vendor, VendorDocument
from catalog.storage import private_storage


class OutreachEvent(models.Model):
    """A pendampingan session where BPBJ staff register micro businesses on the spot."""

    name = models.CharField(_("nama kegiatan"), max_length=200)
    held_on = models.DateField(_("tanggal"))
    kecamatan = models.ForeignKey(
        Kecamatan, on_delete=models.PROTECT, related_name="outreach_events", verbose_name=_("kecamatan")
    )
    kelurahan = models.ForeignKey(
        Kelurahan,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="outreach_events",
        verbose_name=_("desa/kelurahan"),
    )
    place = models.CharField(_("tempat"), max_length=200, blank=True)
    notes = models.TextField(_("catatan"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)

    class Meta:
        ordering = ["-held_on", "-id"]
        verbose_name = _("kegiatan pendampingan")
        verbose_name_plural = _("kegiatan pendampingan")

    def __str__(self):
        return f"{self.name} ({self.held_on:%d-%m-%Y})"

    def clean(self):
        # On the model, so the BPBJ page and the Django admin hold to it alike.
        super().clean()
        if self.kelurahan_id and self.kecamatan_id and self.kelurahan.kecamatan_id != self.kecamatan_id:
            raise ValidationError({"kelurahan": _("Desa/kelurahan tidak berada di kecamatan yang dipilih.")})


class DraftStep(models.TextChoices):
    ACCOUNT = "account", _("Akun")
    BUSINESS = "business", _("Data usaha")
    DOCUMENTS = "documents", _("Dokumen")
    REVIEW = "review", _("Periksa dan kirim")


class DraftStatus(models.TextChoices):
    OPEN = "open", _("Sedang diisi")
    AWAITING_OWNER = "awaiting_owner", _("Menunggu konfirmasi pemilik")
    COMPLETED = "completed", _("Selesai")


class RegistrationDraft(models.Model):
    """A vendor registration in progress: what was entered so far, kept across errors and visits.

    Self-registration goes account → business → documents → review. An assisted one (``event``
    set, filled by BPBJ staff) skips the account step; the owner picks the login and confirms the
    data through a one-time link before the vendor exists.
    """

    token = models.UUIDField(_("token"), default=uuid.uuid4, unique=True, editable=False)
    status = models.CharField(
        _("status"), max_length=20, choices=DraftStatus.choices, default=DraftStatus.OPEN, db_index=True
    )
    # The furthest step reached: where a resumed registration continues.
    step = models.CharField(_("langkah"), max_length=10, choices=DraftStep.choices, default=DraftStep.ACCOUNT)
    username = models.CharField(_("nama pengguna"), max_length=150, blank=True)
    # Only the hash is kept (make_password), so a later error never asks for the password again.
    password_hash = models.CharField(max_length=128, blank=True)
    data = models.JSONField(_("data usaha"), default=dict, blank=True)
    event = models.ForeignKey(
        OutreachEvent,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="registrations",
        verbose_name=_("kegiatan pendampingan"),
    )
    assisted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("didampingi oleh"),
    )
    # SHA-256 of the owner's one-time confirmation token; the token itself is only in the link.
    confirm_token_hash = models.CharField(max_length=64, blank=True, db_index=True)
    confirm_expires_at = models.DateTimeField(_("tautan berlaku sampai"), null=True, blank=True)
    vendor = models.OneToOneField(
        Vendor,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="registration",
        verbose_name=_("penyedia"),
    )
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)
    completed_at = models.DateTimeField(_("selesai"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("draf pendaftaran penyedia")
        verbose_name_plural = _("draf pendaftaran penyedia")

    def __str__(self):
        return self.data.get("business_name") or str(self.token)

    @property
    def is_assisted(self) -> bool:
        return self.event_id is not None

    @property
    def steps(self) -> list[str]:
        if self.is_assisted:
            return [DraftStep.BUSINESS, DraftStep.DOCUMENTS, DraftStep.REVIEW]
        return [DraftStep.ACCOUNT, DraftStep.BUSINESS, DraftStep.DOCUMENTS, DraftStep.REVIEW]


class DraftDocument(models.Model):
    """A document uploaded to a draft: stored at once, so a later error never drops it."""

    draft = models.ForeignKey(RegistrationDraft, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("jenis"), max_length=10, choices=VendorDocument.Kind.choices)
    number = models.CharField(_("nomor"), max_length=100, blank=True)
    valid_until = models.DateField(_("berlaku sampai"), null=True, blank=True)
    file = models.FileField(_("berkas"), upload_to="registration-docs/%Y/%m/", storage=private_storage)
    original_name = models.CharField(_("nama berkas"), max_length=255, blank=True)
    uploaded_at = models.DateTimeField(_("diunggah"), auto_now_add=True)

    class Meta:
        ordering = ["kind", "id"]
        verbose_name = _("dokumen draf pendaftaran")
        verbose_name_plural = _("dokumen draf pendaftaran")
        constraints = [models.UniqueConstraint(fields=["draft", "kind"], name="draft_document_one_per_kind")]

    def __str__(self):
        return f"{self.get_kind_display()} – {self.original_name}"


class HelpTicket(models.Model):
    """A question or problem sent through the contact form; lands in BPBJ's queue."""

    class Topic(models.TextChoices):
        REGISTRATION = "registration", _("Pendaftaran penyedia")
        PRODUCT = "product", _("Produk dan kurasi")
        ORDER = "order", _("Pesanan dan negosiasi")
        PAYMENT = "payment", _("Pembayaran")
        ACCOUNT = "account", _("Akun dan kata sandi")
        OTHER = "other", _("Lainnya")

    class Status(models.TextChoices):
        NEW = "new", _("Baru")
        IN_PROGRESS = "in_progress", _("Sedang ditangani")
        RESOLVED = "resolved", _("Selesai")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="help_tickets",
        verbose_name=_("akun"),
    )
    name = models.CharField(_("nama"), max_length=150)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("telepon / WhatsApp"), max_length=20, blank=True)
    topic = models.CharField(_("topik"), max_length=20, choices=Topic.choices)
    message = models.TextField(_("pesan"))
    page = models.CharField(_("dari halaman"), max_length=300, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.NEW, db_index=True
    )
    bpbj_note = models.TextField(_("catatan BPBJ"), blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("ditangani oleh"),
    )
    created_at = models.DateTimeField(_("dikirim"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("tiket bantuan")
        verbose_name_plural = _("tiket bantuan")

    def __str__(self):
        return f"#{self.pk} {self.get_topic_display()} – {self.name}"
