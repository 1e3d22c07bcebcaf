from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from catalog.money import MoneyField
from ecatalog.append_only import AppendOnlyModel


class RedFlagKind(models.TextChoices):
    SPLIT_ORDER = "split_order", _("Pemecahan pesanan di bawah batas persetujuan")
    PRICE_ABOVE_MEDIAN = "price_above_median", _("Harga satuan jauh di atas median katalog")
    VENDOR_CONCENTRATION = "vendor_concentration", _("Belanja OPD terpusat pada satu penyedia")
    YEAR_END_BUNCHING = "year_end_bunching", _("Belanja menumpuk di akhir tahun anggaran")
    LATE_PAYMENT = "late_payment", _("Pembayaran terlambat setelah BAST")
    PRICE_RAISED_BEFORE_ORDER = "price_raised_before_order", _("Harga dinaikkan menjelang pesanan")
    ORDERED_AFTER_PUBLISHING = "ordered_after_publishing", _("Produk dipesan segera setelah tayang")
    BUYER_VENDOR_PAIR = "buyer_vendor_pair", _("Pesanan OPD terpusat pada satu pejabat dan satu penyedia")
    VENDOR_PAID_OUTSIDE = "vendor_paid_outside", _("Penyedia katalog dibayar di luar katalog")


class RedFlagSettings(models.Model):
    """The thresholds of the red-flag rules; one row (pk=1), edited by BPBJ in the admin."""

    split_window_days = models.PositiveSmallIntegerField(
        _("jendela pemecahan pesanan (hari)"),
        default=14,
        validators=[MinValueValidator(1), MaxValueValidator(366)],
        help_text=_("Pesanan OPD yang sama ke penyedia dan kategori yang sama dalam rentang hari ini."),
    )
    split_threshold_ratio = models.DecimalField(
        _("rasio batas persetujuan"),
        max_digits=4,
        decimal_places=2,
        default=Decimal("1.00"),
        validators=[MinValueValidator(Decimal("0.10")), MaxValueValidator(Decimal("5"))],
        help_text=_(
            "Tanda muncul bila jumlah pesanan yang masing-masing di bawah batas persetujuan "
            "mencapai rasio × batas tersebut (1,00 = melewati batas)."
        ),
    )
    default_approval_threshold = MoneyField(
        _("batas persetujuan bawaan (Rp)"),
        default=Decimal("50000000"),
        validators=[MinValueValidator(1)],
        help_text=_("Dipakai untuk OPD yang tidak mengisi batas persetujuan PA/KPA."),
    )
    price_median_factor = models.DecimalField(
        _("faktor di atas median harga"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("2.00"),
        validators=[MinValueValidator(Decimal("1.01")), MaxValueValidator(Decimal("100"))],
        help_text=_("Harga satuan > faktor × median harga produk tayang pada kategori dan satuan yang sama."),
    )
    price_min_sample = models.PositiveSmallIntegerField(
        _("jumlah produk minimal untuk median"),
        default=3,
        validators=[MinValueValidator(1)],
    )
    concentration_share = models.DecimalField(
        _("pangsa penyedia (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("60"),
        validators=[MinValueValidator(Decimal("1")), MaxValueValidator(Decimal("100"))],
        help_text=_("Satu penyedia menerima paling sedikit persentase ini dari belanja katalog OPD."),
    )
    concentration_min_orders = models.PositiveSmallIntegerField(
        _("jumlah pesanan OPD minimal"),
        default=3,
        validators=[MinValueValidator(1)],
        help_text=_("OPD dengan pesanan lebih sedikit tidak dinilai (satu pesanan selalu 100%)."),
    )
    year_end_days = models.PositiveSmallIntegerField(
        _("hari terakhir tahun anggaran"),
        default=30,
        validators=[MinValueValidator(1), MaxValueValidator(180)],
    )
    year_end_share = models.DecimalField(
        _("pangsa belanja akhir tahun (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("40"),
        validators=[MinValueValidator(Decimal("1")), MaxValueValidator(Decimal("100"))],
    )
    late_payment_days = models.PositiveSmallIntegerField(
        _("batas hari pembayaran setelah BAST"),
        default=30,
        validators=[MinValueValidator(1), MaxValueValidator(366)],
    )
    price_raise_percent = models.DecimalField(
        _("kenaikan harga sebelum pesanan (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("10"),
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("1000"))],
        help_text=_("Harga produk naik paling sedikit persentase ini dalam jendela hari sebelum pesanan."),
    )
    price_raise_days = models.PositiveSmallIntegerField(
        _("jendela kenaikan harga (hari)"),
        default=30,
        validators=[MinValueValidator(1), MaxValueValidator(366)],
    )
    publish_order_days = models.PositiveSmallIntegerField(
        _("pesanan setelah tayang (hari)"),
        default=3,
        validators=[MinValueValidator(0), MaxValueValidator(90)],
        help_text=_(
            "Produk dipesan paling lambat sekian hari setelah pertama kali tayang (0 = pada hari yang sama)."
        ),
    )
    pair_share = models.DecimalField(
        _("pangsa pejabat dan penyedia (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("50"),
        validators=[MinValueValidator(Decimal("1")), MaxValueValidator(Decimal("100"))],
        help_text=_(
            "Satu pejabat pemesan dengan satu penyedia memegang paling sedikit persentase ini dari jumlah "
            "atau nilai pesanan OPD."
        ),
    )
    pair_min_orders = models.PositiveSmallIntegerField(
        _("jumlah pesanan pasangan minimal"),
        default=5,
        validators=[MinValueValidator(1)],
        help_text=_("Pasangan pejabat–penyedia dengan pesanan lebih sedikit tidak dinilai."),
    )
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)

    class Meta:
        verbose_name = _("pengaturan tanda bahaya")
        verbose_name_plural = _("pengaturan tanda bahaya")

    def __str__(self):
        return str(_("Pengaturan tanda bahaya"))

    def save(self, *args, **kwargs):
        self.pk = 1  # one row only
        super().save(*args, **kwargs)

    @classmethod
    def load(cls) -> "RedFlagSettings":
        obj, _created = cls.objects.get_or_create(pk=1)
        return obj


class RedFlag(models.Model):
    """A risky pattern found by ``compute_red_flags`` for one period, with the orders behind it.

    Derived data: recomputing a period replaces its rows.
    """

    kind = models.CharField(_("jenis"), max_length=30, choices=RedFlagKind.choices)
    fiscal_year = models.PositiveSmallIntegerField(_("tahun anggaran"))
    # "" = whole year, "Q1".."Q4" = quarter, "M01".."M12" = month.
    period = models.CharField(_("periode"), max_length=3, blank=True)
    opd = models.ForeignKey(
        "procurement.OPD", on_delete=models.CASCADE, related_name="red_flags", verbose_name=_("OPD")
    )
    vendor = models.ForeignKey(
        "catalog.Vendor",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="red_flags",
        verbose_name=_("penyedia"),
    )
    category = models.ForeignKey(
        "catalog.Category",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="red_flags",
        verbose_name=_("kategori"),
    )
    summary = models.TextField(_("uraian"))
    metric = models.DecimalField(_("nilai ukuran"), max_digits=14, decimal_places=4, default=0)
    threshold = models.DecimalField(_("ambang"), max_digits=20, decimal_places=4, default=0)
    amount = MoneyField(_("nilai belanja"), default=0)
    orders = models.ManyToManyField(
        "procurement.Order", related_name="red_flags", blank=True, verbose_name=_("pesanan")
    )
    computed_at = models.DateTimeField(_("dihitung"), auto_now_add=True)

    class Meta:
        ordering = ["fiscal_year", "period", "kind", "opd__name", "id"]
        verbose_name = _("tanda bahaya")
        verbose_name_plural = _("tanda bahaya")
        indexes = [
            # Admin list and recomputation: a period's flags by kind.
            models.Index(fields=["fiscal_year", "period", "kind"], name="redflag_period_kind_idx"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} – {self.opd} {self.fiscal_year}{self.period}"


class RedFlagReviewStatus(models.TextChoices):
    NEW = "new", _("Baru")
    UNDER_REVIEW = "under_review", _("Sedang diperiksa")
    FOLLOWED_UP = "followed_up", _("Ditindaklanjuti")
    NOT_A_PROBLEM = "not_a_problem", _("Bukan masalah")


class RedFlagReview(models.Model):
    """BPBJ's status and note on one red flag.

    Flags are computed live (and stored rows are replaced on every recomputation), so the review
    is keyed by what identifies a flag: its kind, period, OPD, vendor and category. A flag found
    again after a recomputation keeps its review.
    """

    key = models.CharField(_("kunci"), max_length=120, unique=True)
    kind = models.CharField(_("jenis"), max_length=30, choices=RedFlagKind.choices)
    fiscal_year = models.PositiveSmallIntegerField(_("tahun anggaran"))
    period = models.CharField(_("periode"), max_length=3, blank=True)
    opd = models.ForeignKey(
        "procurement.OPD", on_delete=models.PROTECT, related_name="red_flag_reviews", verbose_name=_("OPD")
    )
    status = models.CharField(
        _("status"), max_length=20, choices=RedFlagReviewStatus.choices, default=RedFlagReviewStatus.NEW
    )
    note = models.TextField(_("catatan BPBJ"), blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("oleh"),
    )
    updated_at = models.DateTimeField(_("diperbarui"), auto_now=True)

    class Meta:
        ordering = ["-updated_at", "-id"]
        verbose_name = _("pemeriksaan tanda bahaya")
        verbose_name_plural = _("pemeriksaan tanda bahaya")

    def __str__(self):
        return f"{self.get_kind_display()} – {self.opd} {self.fiscal_year}{self.period}: {self.get_status_display()}"


class RedFlagReviewEvent(AppendOnlyModel):
    """Each status or note BPBJ gave a red flag, kept as it was written."""

    review = models.ForeignKey(RedFlagReview, on_delete=models.PROTECT, related_name="events")
    status = models.CharField(_("status"), max_length=20, choices=RedFlagReviewStatus.choices)
    note = models.TextField(_("catatan"), blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("oleh"),
    )
    created_at = models.DateTimeField(_("waktu"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("riwayat pemeriksaan tanda bahaya")
        verbose_name_plural = _("riwayat pemeriksaan tanda bahaya")

    def __str__(self):
        return f"{self.review_id}: {self.get_status_display()}"
