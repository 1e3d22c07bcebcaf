"""Realised spending from the regional finance system (SIPD) and the account-code map.

The finance system records every payment an OPD makes, catalogue orders included.
Comparing it, category by category, with what was paid through the catalogue shows
what an OPD still buys outside it ("leakage"); see ``services.py`` for the arithmetic.
"""

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from catalog.money import MoneyField
from catalog.storage import private_storage

account_code_validator = RegexValidator(
    r"^\d+(\.\d+)*$", _("Kode rekening berupa angka dipisah titik, mis. 5.1.02.01.01.0024.")
)


class AccountCategoryMap(models.Model):
    """One account code (or code prefix) of belanja barang/jasa and the catalogue category it buys.

    The longest matching prefix wins: ``5.1.02.01.01`` maps a whole group, ``5.1.02.01.01.0024``
    one account inside it.
    """

    account_code = models.CharField(
        _("kode rekening (awalan)"), max_length=40, unique=True, validators=[account_code_validator]
    )
    category = models.ForeignKey(
        "catalog.Category", on_delete=models.PROTECT, related_name="account_maps", verbose_name=_("kategori")
    )
    note = models.CharField(_("uraian rekening"), max_length=200, blank=True)

    class Meta:
        ordering = ["account_code"]
        verbose_name = _("peta kode rekening")
        verbose_name_plural = _("peta kode rekening")

    def __str__(self):
        return f"{self.account_code} → {self.category}"


class RealisationImportStatus(models.TextChoices):
    QUEUED = "queued", _("menunggu")
    RUNNING = "running", _("sedang diproses")
    DONE = "done", _("selesai")
    FAILED = "failed", _("gagal")


class RealisationImport(models.Model):
    """One uploaded SIPD realisation file for a stretch of a fiscal year.

    A finished import replaces every row previously imported for the same fiscal year
    dated inside its period, so importing the same period again never counts twice.
    """

    fiscal_year = models.PositiveSmallIntegerField(_("tahun anggaran"))
    period_start = models.DateField(_("periode mulai"))
    period_end = models.DateField(_("periode sampai"))
    file = models.FileField(storage=private_storage, upload_to="realisasi/%Y/%m/", blank=True)
    original_name = models.CharField(_("nama berkas"), max_length=255)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=RealisationImportStatus.choices,
        default=RealisationImportStatus.QUEUED,
    )
    total_rows = models.PositiveIntegerField(_("jumlah baris"), default=0)
    processed_rows = models.PositiveIntegerField(_("baris diproses"), default=0)
    imported_rows = models.PositiveIntegerField(_("baris masuk"), default=0)
    replaced_rows = models.PositiveIntegerField(_("baris lama yang diganti"), default=0)
    total_amount = MoneyField(_("jumlah realisasi"), default=0)
    errors = models.JSONField(_("baris bermasalah"), default=list, blank=True)  # [[line, message], …]
    error_count = models.PositiveIntegerField(_("jumlah baris bermasalah"), default=0)
    message = models.TextField(_("pesan"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("diunggah"), auto_now_add=True)
    # Set whenever a chunk commits: an import without one for a while lost its worker.
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    # Each claim by a runner counts one; a runner whose import was taken over stops writing.
    attempts = models.PositiveSmallIntegerField(default=0, editable=False)
    finished_at = models.DateTimeField(_("selesai"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("impor realisasi belanja")
        verbose_name_plural = _("impor realisasi belanja")
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")), name="realisation_import_period"
            )
        ]

    def __str__(self):
        return f"{self.original_name} ({self.period_start:%d-%m-%Y}–{self.period_end:%d-%m-%Y})"

    def get_absolute_url(self):
        return reverse("leakage:import_detail", args=[self.pk])

    @property
    def is_finished(self) -> bool:
        return self.status in (RealisationImportStatus.DONE, RealisationImportStatus.FAILED)

    @property
    def percent(self) -> int:
        if self.status == RealisationImportStatus.DONE:
            return 100
        if not self.total_rows:
            return 0
        return min(99, self.processed_rows * 100 // self.total_rows)


class RealisedSpending(models.Model):
    """One realised payment (SP2D line) of belanja barang/jasa, as exported by SIPD."""

    batch = models.ForeignKey(
        RealisationImport, on_delete=models.CASCADE, related_name="rows", verbose_name=_("impor")
    )
    opd = models.ForeignKey(
        "procurement.OPD", on_delete=models.PROTECT, related_name="realised_spending", verbose_name=_("OPD")
    )
    fiscal_year = models.PositiveSmallIntegerField(_("tahun anggaran"))
    spent_on = models.DateField(_("tanggal"))
    account_code = models.CharField(_("kode rekening"), max_length=40)
    description = models.CharField(_("uraian"), max_length=500, blank=True)
    amount = MoneyField(_("jumlah"))
    payee_name = models.CharField(_("penerima"), max_length=200, blank=True)
    payee_npwp = models.CharField(_("NPWP penerima"), max_length=16, blank=True)
    # Only companies' names may be published (a person's name is personal data).
    payee_is_company = models.BooleanField(_("penerima badan usaha"), default=False)
    category = models.ForeignKey(
        "catalog.Category",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("kategori katalog"),
    )
    vendor = models.ForeignKey(
        "catalog.Vendor",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("penyedia katalog (NPWP sama)"),
    )

    class Meta:
        ordering = ["spent_on", "id"]
        verbose_name = _("realisasi belanja")
        verbose_name_plural = _("realisasi belanja")
        indexes = [
            # Leakage by OPD/category over a period, and replacing a period on re-import.
            models.Index(
                fields=["fiscal_year", "spent_on", "opd", "category"], name="realised_year_date_idx"
            ),
            models.Index(fields=["vendor", "fiscal_year"], name="realised_vendor_year_idx"),
        ]

    def __str__(self):
        return f"{self.opd} {self.spent_on} {self.account_code} {self.amount}"
