"""Mini-kompetisi: an OPD asks every eligible vendor of a category for sealed unit prices.

A competition is started from one of the OPD's RUP packages; its owner's estimate (HPS) is
held against the package's pagu while it runs, exactly like an open order. Offers are sealed
until ``offer_deadline`` (server time); the ranking, award and winner's confirmation follow,
and the confirmed award becomes an ordinary order (procurement) in the existing lifecycle.
"""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from catalog.money import MoneyField
from ecatalog.append_only import AppendOnlyModel


class CompetitionStatus(models.TextChoices):
    OPEN = "open", _("Menerima penawaran")
    EVALUATION = "evaluation", _("Evaluasi (papan peringkat)")
    AWARDED = "awarded", _("Menunggu konfirmasi pemenang")
    CONFIRMED = "confirmed", _("Pemenang konfirmasi: pesanan dibuat")
    NEGOTIATION = "negotiation", _("Satu penawar: negosiasi")
    FAILED = "failed", _("Gagal")
    CANCELLED = "cancelled", _("Dibatalkan")


# The HPS is held against the RUP package in these states.
HOLDING_STATUSES = (CompetitionStatus.OPEN, CompetitionStatus.EVALUATION, CompetitionStatus.AWARDED)
ENDED_STATUSES = (
    CompetitionStatus.CONFIRMED,
    CompetitionStatus.NEGOTIATION,
    CompetitionStatus.FAILED,
    CompetitionStatus.CANCELLED,
)


class Competition(models.Model):
    class Kind(models.TextChoices):
        MINI = "mini", _("Mini-kompetisi")
        # Request for quotation: opened also to vendors of the category or kecamatan who have no
        # matching product yet (what the catalogue lacks).
        RFQ = "rfq", _("Permintaan penawaran")

    number = models.CharField(_("nomor"), max_length=40, unique=True)
    kind = models.CharField(_("jenis"), max_length=5, choices=Kind.choices, default=Kind.MINI)
    opd = models.ForeignKey(
        "procurement.OPD", on_delete=models.PROTECT, related_name="competitions", verbose_name=_("OPD")
    )
    buyer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="competitions_started"
    )
    rup_package = models.ForeignKey(
        "procurement.RUPPackage",
        on_delete=models.PROTECT,
        related_name="competitions",
        verbose_name=_("paket RUP"),
    )
    fiscal_year = models.PositiveSmallIntegerField(_("tahun anggaran"))
    title = models.CharField(_("judul"), max_length=200)
    category = models.ForeignKey(
        "catalog.Category", on_delete=models.PROTECT, related_name="competitions", verbose_name=_("kategori")
    )
    # RFQ only: also invite vendors registered in this kecamatan.
    kecamatan = models.ForeignKey(
        "catalog.Kecamatan",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("kecamatan"),
    )
    hps = MoneyField(_("HPS"), validators=[MinValueValidator(1)])
    delivery_address = models.TextField(_("alamat pengiriman"))
    needed_by = models.DateField(_("dibutuhkan tanggal"))
    offer_deadline = models.DateTimeField(_("batas penawaran"))
    reserve_umk = models.BooleanField(_("khusus usaha mikro/kecil"), default=False)
    reserve_local = models.BooleanField(_("khusus penyedia lokal"), default=False)
    status = models.CharField(
        _("status"), max_length=12, choices=CompetitionStatus.choices, default=CompetitionStatus.OPEN
    )
    reason = models.TextField(_("alasan gagal/batal"), blank=True)
    awarded_offer = models.ForeignKey(
        "Offer", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("pemenang")
    )
    confirm_deadline = models.DateTimeField(_("batas konfirmasi pemenang"), null=True, blank=True)
    order = models.OneToOneField(
        "procurement.Order",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="competition",
        verbose_name=_("pesanan"),
    )
    # Set when a cart's direct order was refused and the buyer started this instead.
    from_cart = models.BooleanField(default=False)
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    closed_at = models.DateTimeField(_("ditutup"), null=True, blank=True)
    awarded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("mini-kompetisi")
        verbose_name_plural = _("mini-kompetisi")
        constraints = [models.CheckConstraint(condition=Q(hps__gte=1), name="competition_hps_positive")]
        indexes = [
            models.Index(fields=["status", "offer_deadline"], name="compet_status_deadline_idx"),
            models.Index(fields=["status", "confirm_deadline"], name="compet_status_confirm_idx"),
            models.Index(fields=["opd", "status"], name="compet_opd_status_idx"),
        ]

    def __str__(self):
        return f"{self.number} {self.title}"

    def get_absolute_url(self):
        return reverse("competition:detail", args=[self.pk])

    @property
    def is_sealed(self) -> bool:
        """Offers stay sealed until the deadline has passed by the server's clock."""
        return timezone.now() < self.offer_deadline


class CompetitionItem(models.Model):
    competition = models.ForeignKey(Competition, on_delete=models.CASCADE, related_name="items")
    specification = models.TextField(_("spesifikasi"))
    quantity = models.PositiveIntegerField(_("jumlah"), validators=[MinValueValidator(1)])
    unit = models.CharField(_("satuan"), max_length=30)

    class Meta:
        ordering = ["id"]
        verbose_name = _("barang yang diminta")
        verbose_name_plural = _("barang yang diminta")
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gte=1), name="competition_item_qty_positive")
        ]

    def __str__(self):
        return f"{self.quantity} {self.unit} {self.specification[:40]}"


class Invitation(models.Model):
    competition = models.ForeignKey(Competition, on_delete=models.CASCADE, related_name="invitations")
    vendor = models.ForeignKey("catalog.Vendor", on_delete=models.PROTECT, related_name="invitations")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("undangan")
        verbose_name_plural = _("undangan")
        constraints = [
            models.UniqueConstraint(fields=["competition", "vendor"], name="invitation_unique_vendor")
        ]

    def __str__(self):
        return f"{self.competition_id} → {self.vendor_id}"


class Offer(models.Model):
    """A vendor's sealed offer; revisable until the deadline, then frozen and ranked."""

    competition = models.ForeignKey(Competition, on_delete=models.PROTECT, related_name="offers")
    vendor = models.ForeignKey("catalog.Vendor", on_delete=models.PROTECT, related_name="competition_offers")
    delivery_cost = MoneyField(_("ongkos kirim"), default=0)
    delivery_days = models.PositiveSmallIntegerField(_("lama pengiriman (hari)"), default=1)
    note = models.TextField(_("catatan"), blank=True)
    total = MoneyField(_("total penawaran"), default=0)
    # Weighted by value over the offered products' TKDN; drives the domestic-content preference.
    tkdn = models.DecimalField(_("TKDN (%)"), max_digits=5, decimal_places=2, default=0)
    evaluated_total = MoneyField(_("harga evaluasi"), default=0)
    rank = models.PositiveSmallIntegerField(_("peringkat"), null=True, blank=True)
    # An award that lapsed (not confirmed in time) or that the winner declined.
    lapsed_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(_("dikirim"), auto_now_add=True)
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)

    class Meta:
        ordering = ["rank", "id"]
        verbose_name = _("penawaran")
        verbose_name_plural = _("penawaran")
        constraints = [
            models.UniqueConstraint(fields=["competition", "vendor"], name="offer_unique_vendor"),
            models.CheckConstraint(condition=Q(total__gte=0, delivery_cost__gte=0), name="offer_amounts_ok"),
        ]

    def __str__(self):
        return f"{self.competition_id}/{self.vendor_id}"


class OfferLine(models.Model):
    offer = models.ForeignKey(Offer, on_delete=models.CASCADE, related_name="lines")
    item = models.ForeignKey(CompetitionItem, on_delete=models.PROTECT, related_name="offer_lines")
    unit_price = MoneyField(_("harga satuan"), validators=[MinValueValidator(1)])
    product = models.ForeignKey(
        "catalog.Product", null=True, blank=True, on_delete=models.SET_NULL, related_name="competition_lines"
    )
    tkdn = models.DecimalField(_("TKDN (%)"), max_digits=5, decimal_places=2, default=0)

    class Meta:
        ordering = ["item_id"]
        verbose_name = _("baris penawaran")
        verbose_name_plural = _("baris penawaran")
        constraints = [models.UniqueConstraint(fields=["offer", "item"], name="offer_line_unique_item")]

    def __str__(self):
        return f"{self.offer_id}/{self.item_id}: {self.unit_price}"


class CompetitionEvent(AppendOnlyModel):
    """Append-only audit trail of a competition: every step, by whom, when.

    Offer submissions are recorded without their amounts while the competition is sealed.
    """

    competition = models.ForeignKey(Competition, on_delete=models.PROTECT, related_name="events")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    actor_role = models.CharField(_("peran"), max_length=30)
    action = models.CharField(_("tindakan"), max_length=30)
    note = models.TextField(_("catatan"), blank=True)
    created_at = models.DateTimeField(_("waktu"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("jejak audit mini-kompetisi")
        verbose_name_plural = _("jejak audit mini-kompetisi")

    def __str__(self):
        return f"{self.competition_id}: {self.action}"


class CompetitionRule(models.Model):
    """BPBJ's rule: in this category (or above this amount) a direct order is not allowed when
    other vendors offer comparable products; the buyer starts a mini-kompetisi instead."""

    category = models.OneToOneField(
        "catalog.Category",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="competition_rule",
        verbose_name=_("kategori"),
    )
    # Empty: every direct order in the category; set: direct orders above this total.
    min_amount = MoneyField(_("mulai dari nilai pesanan"), null=True, blank=True)
    note = models.CharField(_("keterangan"), max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["category__name"]
        verbose_name = _("aturan wajib mini-kompetisi")
        verbose_name_plural = _("aturan wajib mini-kompetisi")
        constraints = [
            models.CheckConstraint(
                condition=Q(category__isnull=False) | Q(min_amount__isnull=False),
                name="competition_rule_category_or_amount",
            )
        ]

    def __str__(self):
        return str(self.category or self.min_amount)
