"""The OPD index: scoring schemes, periods, immutable score snapshots and award/penalty proposals.

Definitions of every component (which orders count, which dates) live in
``services.py`` next to the code that computes them.
"""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from catalog.money import MoneyField

MONTH_NAMES = [
    _("Januari"),
    _("Februari"),
    _("Maret"),
    _("April"),
    _("Mei"),
    _("Juni"),
    _("Juli"),
    _("Agustus"),
    _("September"),
    _("Oktober"),
    _("November"),
    _("Desember"),
]
ROMAN = ["I", "II", "III", "IV"]


class PeriodKind(models.TextChoices):
    MONTH = "month", _("Bulan")
    QUARTER = "quarter", _("Triwulan")
    YEAR = "year", _("Tahun anggaran")


class Period(models.Model):
    """A stretch of one fiscal year the index is computed for (a month, a quarter or the whole year).

    ``start`` and ``end`` are inclusive local dates; the fiscal year is the calendar year.
    """

    kind = models.CharField(_("jenis periode"), max_length=10, choices=PeriodKind.choices)
    fiscal_year = models.PositiveSmallIntegerField(_("tahun anggaran"))
    number = models.PositiveSmallIntegerField(
        _("nomor"), help_text=_("Bulan 1–12, triwulan 1–4, tahun selalu 1."), default=1
    )
    start = models.DateField(_("mulai"))
    end = models.DateField(_("sampai"))

    class Meta:
        ordering = ["-fiscal_year", "kind", "-number"]
        verbose_name = _("periode")
        verbose_name_plural = _("periode")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "fiscal_year", "number"], name="period_unique_kind_year_number"
            ),
            models.CheckConstraint(condition=Q(end__gte=models.F("start")), name="period_end_after_start"),
        ]

    def __str__(self):
        return str(self.label)

    @property
    def label(self) -> str:
        if self.kind == PeriodKind.MONTH:
            return f"{MONTH_NAMES[self.number - 1]} {self.fiscal_year}"
        if self.kind == PeriodKind.QUARTER:
            return f"{_('Triwulan')} {ROMAN[self.number - 1]} {self.fiscal_year}"
        return f"{_('Tahun')} {self.fiscal_year}"

    @property
    def months(self) -> int:
        """Length in months: prorates yearly pagu and count targets for shorter periods."""
        return {PeriodKind.MONTH: 1, PeriodKind.QUARTER: 3}.get(self.kind, 12)


def _weight(default):
    return models.PositiveSmallIntegerField(_("bobot"), default=default, validators=[MaxValueValidator(100)])


def _pct(verbose, default):
    return models.DecimalField(
        verbose,
        max_digits=5,
        decimal_places=2,
        default=default,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )


class ScoringScheme(models.Model):
    """How the index is scored: each component's weight and target, and the award/penalty thresholds.

    Weights need not add up to 100: the score is the weighted mean of the
    component achievements (each capped at 100% of its target), times 100.
    Count targets (orders, active days, vendors) are per year and prorated
    for months and quarters.
    """

    name = models.CharField(_("nama skema"), max_length=120, unique=True)
    is_active = models.BooleanField(
        _("aktif"), default=True, help_text=_("Skema aktif dipakai perintah hitung dan dasbor.")
    )
    description = models.TextField(_("keterangan"), blank=True)

    local_share_weight = _weight(30)
    local_share_target = _pct(_("target belanja lokal (% pagu)"), 40)
    umk_share_weight = _weight(10)
    umk_share_target = _pct(_("target belanja UMK (% belanja katalog)"), 60)
    local_vendors_weight = _weight(5)
    local_vendors_target = models.PositiveSmallIntegerField(
        _("target penyedia lokal berbeda (per tahun)"), default=10
    )
    umk_vendors_weight = _weight(5)
    umk_vendors_target = models.PositiveSmallIntegerField(
        _("target penyedia mikro/kecil berbeda (per tahun)"), default=8
    )
    orders_weight = _weight(5)
    orders_target = models.PositiveSmallIntegerField(_("target jumlah pesanan (per tahun)"), default=24)
    active_days_weight = _weight(5)
    active_days_target = models.PositiveSmallIntegerField(_("target hari aktif (per tahun)"), default=24)
    payment_days_weight = _weight(10)
    payment_days_target = models.PositiveSmallIntegerField(
        _("target median hari BAST → bayar (paling lama)"), default=14
    )
    cancel_share_weight = _weight(5)
    cancel_share_target = _pct(_("batas pesanan batal/ditolak (% paling tinggi)"), 10)
    realisation_weight = _weight(10)
    realisation_target = _pct(_("target realisasi pagu RUP e-purchasing (%)"), 100)
    catalogue_share_weight = _weight(15)
    catalogue_share_target = _pct(
        _("target belanja lewat katalog (% belanja yang dapat dipenuhi katalog)"), 80
    )

    award_top_n = models.PositiveSmallIntegerField(
        _("jumlah calon penghargaan (peringkat teratas)"), default=3
    )
    award_min_score = _pct(_("skor minimal calon penghargaan"), 60)
    award_min_local_share = _pct(_("belanja lokal minimal calon penghargaan (% pagu)"), 40)
    penalty_local_share_below = models.DecimalField(
        _("calon sanksi bila belanja lokal di bawah (% pagu)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        default=40,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text=_("Kosongkan untuk tidak memakai syarat ini."),
    )
    penalty_score_below = models.DecimalField(
        _("calon sanksi bila skor di bawah"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        default=30,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    penalty_catalogue_share_below = models.DecimalField(
        _("calon sanksi bila belanja lewat katalog di bawah (% belanja yang dapat dipenuhi katalog)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        default=50,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text=_(
            "Diukur dari realisasi belanja SIPD yang diimpor, pada kategori yang sudah punya produk lokal "
            "tayang. Kosongkan untuk tidak memakai syarat ini."
        ),
    )
    penalty_no_use = models.BooleanField(
        _("calon sanksi bila tidak ada transaksi e-katalog pada periode"), default=True
    )

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-is_active", "name"]
        verbose_name = _("skema penilaian")
        verbose_name_plural = _("skema penilaian")

    def __str__(self):
        return self.name

    def clean(self):
        if sum(getattr(self, f"{key}_weight") for key in COMPONENT_KEYS) == 0:
            raise ValidationError(_("Setidaknya satu komponen harus berbobot lebih dari 0."))

    def total_weight(self) -> int:
        return sum(int(getattr(self, f"{key}_weight")) for key in COMPONENT_KEYS)

    def weight_shares(self) -> dict[str, Decimal]:
        """Each component's share of the score in percent (weights are relative: 90 or 120 in total is fine)."""
        total = self.total_weight()
        if not total:
            return {key: Decimal(0) for key in COMPONENT_KEYS}
        return {
            key: (Decimal(int(getattr(self, f"{key}_weight"))) * 100 / total).quantize(Decimal("0.1"))
            for key in COMPONENT_KEYS
        }

    def as_config(self) -> dict:
        """The scheme as plain data, copied into each snapshot so later edits never change it."""
        config = {"name": self.name, "components": {}}
        for key in COMPONENT_KEYS:
            config["components"][key] = {
                "weight": int(getattr(self, f"{key}_weight")),
                "target": str(getattr(self, f"{key}_target")),
            }
        for field in (
            "award_top_n",
            "award_min_score",
            "award_min_local_share",
            "penalty_local_share_below",
            "penalty_score_below",
            "penalty_catalogue_share_below",
            "penalty_no_use",
        ):
            value = getattr(self, field)
            config[field] = value if isinstance(value, bool | int) or value is None else str(value)
        return config


# The scored components, in display order (values stored on OPDScore under the same names).
COMPONENT_KEYS = (
    "local_share",
    "umk_share",
    "local_vendors",
    "umk_vendors",
    "orders",
    "active_days",
    "payment_days",
    "cancel_share",
    "realisation",
    "catalogue_share",
)


class SnapshotQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)


class ScoreSnapshot(models.Model):
    """The index of every OPD for one period under one scheme, frozen at ``computed_at``.

    Immutable: recomputing creates a new snapshot. Only publishing may change
    a saved snapshot (the three ``published`` fields).
    """

    period = models.ForeignKey(
        Period, on_delete=models.PROTECT, related_name="snapshots", verbose_name=_("periode")
    )
    scheme = models.ForeignKey(
        ScoringScheme, on_delete=models.PROTECT, related_name="snapshots", verbose_name=_("skema")
    )
    scheme_config = models.JSONField(_("parameter skema saat dihitung"), default=dict, editable=False)
    computed_at = models.DateTimeField(_("dihitung pada"), db_index=True)
    computed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("dihitung oleh"),
    )
    is_published = models.BooleanField(_("dipublikasikan"), default=False)
    published_at = models.DateTimeField(_("dipublikasikan pada"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("dipublikasikan oleh"),
    )

    objects = SnapshotQuerySet.as_manager()

    PUBLISH_FIELDS = frozenset({"is_published", "published_at", "published_by"})

    class Meta:
        ordering = ["-computed_at", "-id"]
        verbose_name = _("snapshot indeks")
        verbose_name_plural = _("snapshot indeks")
        indexes = [
            # Public dashboard and downloads: latest published snapshot of a year.
            models.Index(fields=["is_published", "-published_at"], name="snapshot_published_idx"),
            # Admin filter and OPD trend: snapshots of a period.
            models.Index(fields=["period", "-computed_at"], name="snapshot_period_idx"),
        ]

    def __str__(self):
        return f"{self.period} · {self.scheme_config.get('name') or self.scheme_id} · {self.computed_at:%d-%m-%Y %H:%M}"

    def save(self, *args, **kwargs):
        update_fields = kwargs.get("update_fields")
        if self.pk and not (update_fields and set(update_fields) <= self.PUBLISH_FIELDS):
            raise ValidationError(
                _("Snapshot indeks tidak dapat diubah; hitung ulang untuk membuat yang baru.")
            )
        super().save(*args, **kwargs)


class OPDScore(models.Model):
    """One OPD's components, score and rank in a snapshot; never changed after creation.

    Percentages are null when their denominator is missing (no budget, no
    RUP e-purchasing pagu, no spending, no orders): shown as "n/a".
    """

    snapshot = models.ForeignKey(ScoreSnapshot, on_delete=models.CASCADE, related_name="scores")
    opd = models.ForeignKey(
        "procurement.OPD", on_delete=models.PROTECT, related_name="scores", verbose_name=_("OPD")
    )

    goods_services_pagu = MoneyField(_("pagu belanja barang/jasa (periode)"), null=True, blank=True)
    rup_pagu = MoneyField(_("pagu RUP e-purchasing (periode)"), null=True, blank=True)
    paid_spending = MoneyField(_("belanja terbayar"), default=0)
    committed_spending = MoneyField(_("belanja terikat (disepakati, belum dibayar)"), default=0)
    local_spending = MoneyField(_("belanja produk lokal"), default=0)
    umk_spending = MoneyField(_("belanja ke UMK"), default=0)
    local_share = models.DecimalField(_("belanja lokal (% pagu)"), max_digits=9, decimal_places=2, null=True)
    umk_share = models.DecimalField(
        _("belanja UMK (% belanja katalog)"), max_digits=9, decimal_places=2, null=True
    )
    local_vendors = models.PositiveIntegerField(_("penyedia lokal berbeda"), default=0)
    umk_vendors = models.PositiveIntegerField(_("penyedia mikro/kecil berbeda"), default=0)
    orders = models.PositiveIntegerField(_("jumlah pesanan"), default=0)
    cancelled_orders = models.PositiveIntegerField(_("pesanan batal/ditolak"), default=0)
    active_days = models.PositiveIntegerField(_("hari aktif"), default=0)
    payment_days = models.DecimalField(
        _("median hari BAST → bayar"), max_digits=7, decimal_places=1, null=True
    )
    cancel_share = models.DecimalField(
        _("pesanan batal/ditolak (%)"), max_digits=9, decimal_places=2, null=True
    )
    realisation = models.DecimalField(
        _("realisasi pagu RUP e-purchasing (%)"), max_digits=9, decimal_places=2, null=True
    )
    # From the realised spending imported from SIPD (leakage app); null before any import.
    coverable_spending = MoneyField(_("realisasi yang dapat dipenuhi katalog"), null=True, blank=True)
    catalogue_coverable_spending = MoneyField(_("bagian yang lewat katalog"), default=0)
    outside_spending = MoneyField(_("belanja di luar katalog (dapat dipenuhi katalog)"), default=0)
    catalogue_share = models.DecimalField(
        _("belanja lewat katalog (% yang dapat dipenuhi katalog)"), max_digits=9, decimal_places=2, null=True
    )
    # [{"category": "ATK", "outside": "1200000000", "local_products": 37}, …]: largest leaks first.
    leakage = models.JSONField(_("kebocoran terbesar per kategori"), default=list, blank=True)
    # {"local_share": "75.00", ...}: achievement (0–100) of each component as scored.
    achievements = models.JSONField(_("capaian per komponen"), default=dict)
    score = models.DecimalField(_("skor"), max_digits=5, decimal_places=2, default=0)
    rank = models.PositiveIntegerField(_("peringkat"))

    class Meta:
        ordering = ["snapshot", "rank", "opd__name"]
        verbose_name = _("skor OPD")
        verbose_name_plural = _("skor OPD")
        constraints = [
            models.UniqueConstraint(fields=["snapshot", "opd"], name="opdscore_unique_opd_per_snapshot"),
            models.CheckConstraint(condition=Q(score__gte=0, score__lte=100), name="opdscore_score_0_100"),
        ]
        indexes = [
            # Ranking table (dashboard, downloads): a snapshot's rows by rank.
            models.Index(fields=["snapshot", "rank"], name="opdscore_snapshot_rank_idx"),
            # OPD page trend: one OPD's rows across snapshots.
            models.Index(fields=["opd", "snapshot"], name="opdscore_opd_snapshot_idx"),
        ]

    def __str__(self):
        return f"{self.opd} #{self.rank} ({self.score})"

    def save(self, *args, **kwargs):
        if self.pk:
            raise ValidationError(_("Skor dalam snapshot tidak dapat diubah."))
        super().save(*args, **kwargs)


class ProposalKind(models.TextChoices):
    AWARD = "award", _("Penghargaan")
    PENALTY = "penalty", _("Sanksi")


class ProposalStatus(models.TextChoices):
    PROPOSED = "proposed", _("Diusulkan")
    APPROVED = "approved", _("Disetujui")
    REJECTED = "rejected", _("Ditolak")


class AwardCategory(models.TextChoices):
    BEST = "best", _("E-Purchasing Award: OPD terbaik")
    LOCAL = "local", _("Belanja produk lokal tertinggi")
    UMK = "umk", _("Pendukung UMK terbaik")
    ACTIVE = "active", _("OPD paling aktif di e-katalog")


class PenaltyType(models.TextChoices):
    WRITTEN_WARNING = "written_warning", _("Teguran tertulis")
    PERFORMANCE_REVIEW = "performance_review", _("Evaluasi kinerja")
    COACHING = "coaching", _("Pembinaan dan pendampingan")
    OTHER = "other", _("Lainnya")


class Proposal(models.Model):
    """An award or penalty the system proposes for one OPD from a snapshot; BPBJ decides it."""

    snapshot = models.ForeignKey(
        ScoreSnapshot, on_delete=models.PROTECT, related_name="proposals", verbose_name=_("snapshot")
    )
    opd = models.ForeignKey(
        "procurement.OPD", on_delete=models.PROTECT, related_name="proposals", verbose_name=_("OPD")
    )
    kind = models.CharField(_("jenis"), max_length=10, choices=ProposalKind.choices)
    reason = models.TextField(_("alasan"))
    status = models.CharField(
        _("status"), max_length=10, choices=ProposalStatus.choices, default=ProposalStatus.PROPOSED
    )
    award_category = models.CharField(
        _("kategori penghargaan"), max_length=20, choices=AwardCategory.choices, blank=True
    )
    penalty_type = models.CharField(_("jenis sanksi"), max_length=20, choices=PenaltyType.choices, blank=True)
    note = models.TextField(_("catatan keputusan"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("diputuskan oleh"),
    )
    decided_at = models.DateTimeField(_("diputuskan pada"), null=True, blank=True)
    created_at = models.DateTimeField(_("diusulkan pada"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "kind", "opd__name"]
        verbose_name = _("usulan penghargaan/sanksi")
        verbose_name_plural = _("usulan penghargaan/sanksi")
        constraints = [
            models.UniqueConstraint(
                fields=["snapshot", "opd", "kind"], name="proposal_unique_per_snapshot_opd_kind"
            ),
            models.CheckConstraint(
                condition=Q(status="proposed") | Q(decided_at__isnull=False),
                name="proposal_decided_has_time",
            ),
        ]
        indexes = [
            # Admin review queue: open proposals by kind.
            models.Index(fields=["status", "kind", "-created_at"], name="proposal_status_kind_idx"),
            # Admin filter by OPD.
            models.Index(fields=["opd", "status"], name="proposal_opd_status_idx"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} – {self.opd} ({self.get_status_display()})"

    @property
    def decision_label(self) -> str:
        if self.kind == ProposalKind.AWARD:
            return self.get_award_category_display()
        return self.get_penalty_type_display()
