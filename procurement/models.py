from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from catalog.money import MoneyField, format_rupiah
from catalog.storage import private_storage

# AuditTrailError is re-exported: callers catch procurement.models.AuditTrailError.
from ecatalog.append_only import AppendOnlyModel, AuditTrailError  # noqa: F401


class OPD(models.Model):
    """A work unit of the city (dinas, badan, kecamatan, RSUD …) that buys."""

    class Kind(models.TextChoices):
        SEKRETARIAT = "sekretariat", _("Sekretariat")
        DINAS = "dinas", _("Dinas")
        BADAN = "badan", _("Badan")
        INSPEKTORAT = "inspektorat", _("Inspektorat")
        SATPOL = "satpol", _("Satuan Polisi Pamong Praja")
        KECAMATAN = "kecamatan", _("Kecamatan")
        RSUD = "rsud", _("Rumah Sakit Daerah")
        OTHER = "other", _("Lainnya")

    code = models.CharField(_("kode"), max_length=30, unique=True)
    name = models.CharField(_("nama"), max_length=200, unique=True)
    short_name = models.CharField(_("singkatan"), max_length=50, blank=True)
    kind = models.CharField(_("jenis"), max_length=20, choices=Kind.choices, default=Kind.DINAS)
    head_name = models.CharField(_("nama kepala"), max_length=150, blank=True)
    head_title = models.CharField(_("jabatan kepala"), max_length=150, blank=True)
    # Orders above this total need PA/KPA approval before they reach the vendor; empty = never.
    approval_threshold = MoneyField(_("batas persetujuan PA/KPA"), null=True, blank=True)
    address = models.CharField(_("alamat"), max_length=255, blank=True)
    is_active = models.BooleanField(_("aktif"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("OPD")
        verbose_name_plural = _("OPD")

    def __str__(self):
        return self.short_name or self.name


class OPDMember(models.Model):
    """A user acting for one OPD in one position."""

    class Position(models.TextChoices):
        PP = "pp", _("Pejabat Pengadaan")
        PPK = "ppk", _("Pejabat Pembuat Komitmen")
        PA = "pa", _("PA/KPA (kepala)")
        TREASURER = "treasurer", _("Bendahara")

    # The positions that may fill a cart and place orders (Perpres 12/2021: PP or PPK).
    ORDERING_POSITIONS = (Position.PP, Position.PPK)

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="opd_member")
    opd = models.ForeignKey(OPD, on_delete=models.PROTECT, related_name="members", verbose_name=_("OPD"))
    position = models.CharField(_("jabatan"), max_length=10, choices=Position.choices)
    nip = models.CharField(_("NIP"), max_length=18, blank=True)

    class Meta:
        ordering = ["opd__name", "position"]
        verbose_name = _("pejabat OPD")
        verbose_name_plural = _("pejabat OPD")

    def __str__(self):
        return f"{self.user} – {self.get_position_display()} {self.opd}"


class FundingSource(models.TextChoices):
    APBD = "apbd", _("APBD")
    APBD_P = "apbd_p", _("APBD Perubahan")
    DAK = "dak", _("DAK")
    BLUD = "blud", _("BLUD")
    OTHER = "other", _("Lainnya")


class ProcurementMethod(models.TextChoices):
    E_PURCHASING = "e_purchasing", _("E-Purchasing")
    DIRECT = "direct", _("Pengadaan Langsung")
    TENDER = "tender", _("Tender")


class Budget(models.Model):
    """An OPD's goods/services budget (belanja barang/jasa) for one fiscal year.

    Its pagu is the denominator of the 40% local-spending target.
    """

    opd = models.ForeignKey(OPD, on_delete=models.PROTECT, related_name="budgets", verbose_name=_("OPD"))
    fiscal_year = models.PositiveSmallIntegerField(_("tahun anggaran"), db_index=True)
    goods_services_pagu = MoneyField(_("pagu belanja barang/jasa"), validators=[MinValueValidator(0)])

    class Meta:
        ordering = ["-fiscal_year", "opd__name"]
        verbose_name = _("anggaran OPD")
        verbose_name_plural = _("anggaran OPD")
        constraints = [
            models.UniqueConstraint(fields=["opd", "fiscal_year"], name="budget_unique_opd_year"),
            models.CheckConstraint(condition=Q(goods_services_pagu__gte=0), name="budget_pagu_non_negative"),
        ]

    def __str__(self):
        return f"{self.opd} {self.fiscal_year}"


PACKAGE_MOVE_REFUSED = _(
    "Paket RUP yang sudah dipakai pesanan tidak dapat dipindah ke OPD, tahun anggaran atau metode lain."
)


class RUPPackage(models.Model):
    """A package of the yearly procurement plan (RUP) an order is placed against.

    ``committed`` holds open (not yet paid) orders, ``spent`` paid ones; both are
    changed only by conditional updates in services so the pagu can never be
    exceeded, which the check constraint backs up.
    """

    opd = models.ForeignKey(OPD, on_delete=models.PROTECT, related_name="rup_packages", verbose_name=_("OPD"))
    fiscal_year = models.PositiveSmallIntegerField(_("tahun anggaran"))
    kode_rup = models.CharField(_("kode RUP"), max_length=30, unique=True)
    name = models.CharField(_("nama paket"), max_length=255)
    pagu = MoneyField(_("pagu"), validators=[MinValueValidator(0)])
    funding_source = models.CharField(
        _("sumber dana"), max_length=10, choices=FundingSource.choices, default=FundingSource.APBD
    )
    method = models.CharField(
        _("metode"), max_length=15, choices=ProcurementMethod.choices, default=ProcurementMethod.E_PURCHASING
    )
    committed = MoneyField(_("terikat (pesanan berjalan)"), default=0)
    spent = MoneyField(_("terbayar"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-fiscal_year", "kode_rup"]
        verbose_name = _("paket RUP")
        verbose_name_plural = _("paket RUP")
        constraints = [
            models.CheckConstraint(
                condition=Q(committed__gte=0, spent__gte=0), name="rup_amounts_non_negative"
            ),
            models.CheckConstraint(
                condition=Q(pagu__gte=models.F("committed") + models.F("spent")), name="rup_within_pagu"
            ),
        ]
        indexes = [
            # Checkout: an OPD's e-purchasing packages of the year.
            models.Index(fields=["opd", "fiscal_year", "method"], name="rup_opd_year_method_idx"),
        ]

    def __str__(self):
        return f"{self.kode_rup} – {self.name}"

    def save(self, *args, **kwargs):
        update_fields = kwargs.get("update_fields")
        touches_fixed = update_fields is None or {"opd", "opd_id", "fiscal_year", "method"} & set(
            update_fields
        )
        if touches_fixed and self.moved_fields():
            raise ValidationError(PACKAGE_MOVE_REFUSED)
        super().save(*args, **kwargs)

    def clean(self):
        """The pagu covers what is committed and spent; a package with orders stays where it is.

        Every editing path (the admin, the RUP import) goes through this or
        ``moved_fields``; ``save`` refuses a move too and the database checks the pagu.
        """
        super().clean()
        errors = {}
        held = (self.committed or 0) + (self.spent or 0)
        if self.pagu is not None and self.pagu < held:
            errors["pagu"] = _(
                "Pagu tidak boleh lebih kecil dari yang sudah terikat dan terbayar (%(held)s)."
            ) % {"held": format_rupiah(held)}
        for name in self.moved_fields():
            errors[name] = PACKAGE_MOVE_REFUSED
        if errors:
            raise ValidationError(errors)

    @property
    def remaining(self):
        return self.pagu - self.committed - self.spent

    def moved_fields(self) -> list[str]:
        """Of OPD, fiscal year and method, those that differ from the stored row, if it has orders.

        An order's OPD, fiscal year and e-purchasing method come from its package: once a
        package carries orders, moving it would put those orders (and their spending) elsewhere.
        """
        if self.pk is None or self._state.adding:
            return []
        stored = RUPPackage.objects.filter(pk=self.pk).values("opd_id", "fiscal_year", "method").first()
        if stored is None:
            return []
        moved = [
            name
            for name, attname in (("opd", "opd_id"), ("fiscal_year", "fiscal_year"), ("method", "method"))
            if getattr(self, attname) != stored[attname]
        ]
        return moved if moved and self.orders.exists() else []


class CartItem(models.Model):
    """A product in an OPD buyer's cart (one cart per user)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="cart_items")
    product = models.ForeignKey("catalog.Product", on_delete=models.CASCADE, related_name="+")
    quantity = models.PositiveIntegerField(_("jumlah"), validators=[MinValueValidator(1)])
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["added_at", "id"]
        verbose_name = _("isi keranjang")
        verbose_name_plural = _("isi keranjang")
        constraints = [
            models.UniqueConstraint(fields=["user", "product"], name="cart_unique_product_per_user"),
            models.CheckConstraint(condition=Q(quantity__gte=1), name="cart_quantity_positive"),
        ]

    def __str__(self):
        return f"{self.quantity} × {self.product_id}"


class OrderStatus(models.TextChoices):
    DRAFT = "draft", _("Draf")
    PENDING_APPROVAL = "pending_approval", _("Menunggu persetujuan PA/KPA")
    SENT = "sent", _("Dikirim ke penyedia")
    NEGOTIATING = "negotiating", _("Negosiasi")
    ACCEPTED = "accepted", _("Diterima penyedia")
    SHIPPED = "shipped", _("Dikirim")
    PARTIALLY_RECEIVED = "partially_received", _("Diterima sebagian")
    RECEIVED = "received", _("Diterima OPD (BAST)")
    PAID = "paid", _("Dibayar")
    COMPLETED = "completed", _("Selesai")
    REJECTED = "rejected", _("Ditolak penyedia")
    CANCELLED = "cancelled", _("Dibatalkan")


# Orders whose amount is held against the RUP package (committed) until paid.
OPEN_STATUSES = (
    OrderStatus.PENDING_APPROVAL,
    OrderStatus.SENT,
    OrderStatus.NEGOTIATING,
    OrderStatus.ACCEPTED,
    OrderStatus.SHIPPED,
    OrderStatus.PARTIALLY_RECEIVED,
    OrderStatus.RECEIVED,
)
# Orders the vendor has agreed to (stock reserved, Surat Pesanan issued).
AGREED_STATUSES = (
    OrderStatus.ACCEPTED,
    OrderStatus.SHIPPED,
    OrderStatus.PARTIALLY_RECEIVED,
    OrderStatus.RECEIVED,
    OrderStatus.PAID,
    OrderStatus.COMPLETED,
)
PAID_STATUSES = (OrderStatus.PAID, OrderStatus.COMPLETED)
ENDED_UNPAID_STATUSES = (OrderStatus.REJECTED, OrderStatus.CANCELLED)


class Order(models.Model):
    """One OPD's order from one vendor against one RUP package (e-purchasing)."""

    number = models.CharField(_("nomor pesanan"), max_length=40, unique=True)
    opd = models.ForeignKey(OPD, on_delete=models.PROTECT, related_name="orders", verbose_name=_("OPD"))
    buyer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="orders_placed",
        verbose_name=_("pemesan"),
    )
    vendor = models.ForeignKey(
        "catalog.Vendor", on_delete=models.PROTECT, related_name="orders", verbose_name=_("penyedia")
    )
    rup_package = models.ForeignKey(
        RUPPackage, on_delete=models.PROTECT, related_name="orders", verbose_name=_("paket RUP")
    )
    fiscal_year = models.PositiveSmallIntegerField(_("tahun anggaran"))
    status = models.CharField(
        _("status"), max_length=20, choices=OrderStatus.choices, default=OrderStatus.DRAFT
    )
    # Same token twice (double click, retry) must not create a second set of orders.
    checkout_token = models.CharField(max_length=64, blank=True)
    delivery_address = models.TextField(_("alamat pengiriman"))
    needed_by = models.DateField(_("dibutuhkan tanggal"))
    note = models.TextField(_("catatan"), blank=True)

    subtotal = MoneyField(_("subtotal"), default=0)
    ppn_rate = models.DecimalField(_("tarif PPN"), max_digits=5, decimal_places=4, default=0)
    ppn_amount = MoneyField(_("PPN"), default=0)
    total = MoneyField(_("total"), default=0)

    requires_approval = models.BooleanField(_("perlu persetujuan PA/KPA"), default=False)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    # The total the PA/KPA approved. A later change of the total (an accepted negotiation offer)
    # above both this and the threshold needs a new approval before the Surat Pesanan.
    approved_amount = MoneyField(_("jumlah yang disetujui PA/KPA"), null=True, blank=True)
    negotiation_rounds = models.PositiveSmallIntegerField(_("putaran negosiasi"), default=0)
    # Payment plan (procurement.payment_plan): an optional advance (uang muka), then either one
    # payment after full receipt (the default) or one termin per BAST, minus an optional
    # retention (retensi) held until a date. Shares are percentages of the order total.
    advance_percent = models.DecimalField(
        _("uang muka (%)"), max_digits=5, decimal_places=2, default=0, validators=[MinValueValidator(0)]
    )
    pay_per_bast = models.BooleanField(_("bayar per BAST (termin)"), default=False)
    retention_percent = models.DecimalField(
        _("retensi (%)"), max_digits=5, decimal_places=2, default=0, validators=[MinValueValidator(0)]
    )
    retention_until = models.DateField(_("retensi ditahan sampai"), null=True, blank=True)
    addendum_count = models.PositiveSmallIntegerField(_("jumlah adendum"), default=0)
    # Sum of the payments on record (kept with each payment, so lists need no aggregate).
    paid_amount = MoneyField(_("sudah dibayar"), default=0)
    sp_number = models.CharField(_("nomor Surat Pesanan"), max_length=60, blank=True)
    sp_sequence = models.PositiveIntegerField(null=True, blank=True)
    shipping_note = models.TextField(_("catatan pengiriman"), blank=True)
    # Private: shown only to the order's parties through a permission-checked download.
    delivery_note_file = models.FileField(
        _("surat jalan"), upload_to="delivery-notes/%Y/%m/", blank=True, storage=private_storage
    )
    reason = models.TextField(_("alasan penolakan/pembatalan"), blank=True)

    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    shipped_at = models.DateTimeField(null=True, blank=True)
    received_at = models.DateTimeField(_("BAST lengkap"), null=True, blank=True)
    paid_at = models.DateTimeField(_("dibayar"), null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    # When the order entered its current status: the clock of the "answer within N working days"
    # deadlines (a sent order, a negotiation turn) starts here (procurement.deadlines).
    status_changed_at = models.DateTimeField(_("status sejak"), null=True, blank=True)
    # Set by the scheduled deadline rules (actor "system"); shown on the order and the home pages.
    shipment_late_at = models.DateTimeField(_("ditandai terlambat kirim"), null=True, blank=True)
    payment_overdue_at = models.DateTimeField(_("pembayaran lewat tenggat"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("pesanan")
        verbose_name_plural = _("pesanan")
        constraints = [
            models.UniqueConstraint(
                fields=["opd", "fiscal_year", "sp_sequence"], name="order_unique_sp_per_opd_year"
            ),
            models.CheckConstraint(condition=Q(total__gte=0), name="order_total_non_negative"),
            # One order per vendor per checkout: a replayed checkout token cannot add a second set.
            models.UniqueConstraint(
                fields=["buyer", "checkout_token", "vendor"],
                condition=~Q(checkout_token=""),
                name="order_unique_vendor_per_checkout",
            ),
        ]
        indexes = [
            # OPD order list and scoring: an OPD's orders by status and date.
            models.Index(fields=["opd", "status", "-created_at"], name="order_opd_status_idx"),
            # Vendor inbox.
            models.Index(fields=["vendor", "status", "-created_at"], name="order_vendor_status_idx"),
            # Dashboard and scoring aggregate by year and paid date.
            models.Index(fields=["fiscal_year", "status"], name="order_year_status_idx"),
            models.Index(fields=["paid_at"], name="order_paid_at_idx"),
            models.Index(fields=["buyer", "checkout_token"], name="order_buyer_token_idx"),
            # Deadline rules and home pages: open orders of a status, oldest clock first.
            models.Index(fields=["status", "status_changed_at"], name="order_status_clock_idx"),
        ]

    def __str__(self):
        return self.number

    def get_absolute_url(self):
        return reverse("procurement:order_detail", args=[self.pk])


class OrderLine(models.Model):
    """A snapshot of one product on an order: it reads the same after the vendor edits the product."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    product = models.ForeignKey(
        "catalog.Product", null=True, blank=True, on_delete=models.SET_NULL, related_name="order_lines"
    )
    category = models.ForeignKey(
        "catalog.Category", null=True, blank=True, on_delete=models.SET_NULL, related_name="order_lines"
    )
    product_name = models.CharField(_("nama produk"), max_length=200)
    unit = models.CharField(_("satuan"), max_length=30)
    catalog_unit_price = MoneyField(_("harga katalog"))
    unit_price = MoneyField(_("harga satuan"))
    # 0 only for a line an addendum removed (nothing of it was received).
    quantity = models.PositiveIntegerField(_("jumlah"), validators=[MinValueValidator(0)])
    received_quantity = models.PositiveIntegerField(_("jumlah diterima"), default=0)
    line_total = MoneyField(_("jumlah harga"))
    tkdn = models.DecimalField(_("TKDN (%)"), max_digits=5, decimal_places=2, default=0)

    class Meta:
        ordering = ["id"]
        verbose_name = _("baris pesanan")
        verbose_name_plural = _("baris pesanan")
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gte=0), name="orderline_quantity_non_negative"),
            models.CheckConstraint(
                condition=Q(received_quantity__lte=models.F("quantity")),
                name="orderline_received_le_quantity",
            ),
        ]

    def __str__(self):
        return f"{self.quantity} {self.unit} {self.product_name}"


class NegotiationOffer(AppendOnlyModel):
    """One offer in a negotiation round (buyer proposal, vendor counter, acceptance, decline); append-only."""

    class Action(models.TextChoices):
        PROPOSE = "propose", _("Usulan pembeli")
        COUNTER = "counter", _("Penawaran balik penyedia")
        ACCEPT = "accept", _("Disetujui")
        DECLINE = "decline", _("Ditolak")

    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="offers")
    round = models.PositiveSmallIntegerField(_("putaran"))
    action = models.CharField(_("tindakan"), max_length=10, choices=Action.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    actor_role = models.CharField(_("peran"), max_length=20)
    note = models.TextField(_("catatan"), blank=True)
    proposed_total = MoneyField(_("total usulan"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("penawaran negosiasi")
        verbose_name_plural = _("penawaran negosiasi")

    def __str__(self):
        return f"{self.order} #{self.round} {self.action}"


class NegotiationOfferLine(AppendOnlyModel):
    """The unit price and quantity an offer proposes for one order line; append-only."""

    offer = models.ForeignKey(NegotiationOffer, on_delete=models.PROTECT, related_name="lines")
    order_line = models.ForeignKey(OrderLine, on_delete=models.PROTECT, related_name="offer_lines")
    unit_price = MoneyField(_("harga satuan"), validators=[MinValueValidator(1)])
    quantity = models.PositiveIntegerField(_("jumlah"), validators=[MinValueValidator(1)])

    class Meta:
        ordering = ["id"]
        verbose_name = _("baris penawaran")
        verbose_name_plural = _("baris penawaran")

    def __str__(self):
        return f"{self.order_line_id}: {self.quantity} × {self.unit_price}"


class OrderEvent(AppendOnlyModel):
    """Append-only audit trail of an order: every transition and negotiation step.

    Never updated or deleted: ``save`` refuses an existing row, ``delete``
    refuses always, the admin is read-only, and on PostgreSQL a trigger
    rejects UPDATE and DELETE.
    """

    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="events")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    actor_role = models.CharField(_("peran"), max_length=30)
    from_status = models.CharField(_("dari"), max_length=20, choices=OrderStatus.choices, blank=True)
    to_status = models.CharField(_("ke"), max_length=20, choices=OrderStatus.choices)
    note = models.TextField(_("catatan"), blank=True)
    # The deadline rule behind an automatic step (actor_role "system"); empty for people's steps.
    rule = models.CharField(_("aturan"), max_length=40, blank=True)
    created_at = models.DateTimeField(_("waktu"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("jejak audit pesanan")
        verbose_name_plural = _("jejak audit pesanan")

    def __str__(self):
        return f"{self.order}: {self.from_status or '-'} → {self.to_status}"


class Receipt(AppendOnlyModel):
    """A BAST (Berita Acara Serah Terima): what the OPD received, possibly partial; append-only."""

    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="receipts")
    number = models.CharField(_("nomor BAST"), max_length=60, unique=True)
    received_on = models.DateField(_("tanggal terima"))
    received_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    note = models.TextField(_("catatan"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("BAST")
        verbose_name_plural = _("BAST")

    def __str__(self):
        return self.number


class ReceiptLine(AppendOnlyModel):
    receipt = models.ForeignKey(Receipt, on_delete=models.PROTECT, related_name="lines")
    order_line = models.ForeignKey(OrderLine, on_delete=models.PROTECT, related_name="receipt_lines")
    quantity = models.PositiveIntegerField(_("jumlah diterima"), validators=[MinValueValidator(1)])

    class Meta:
        ordering = ["id"]
        verbose_name = _("baris BAST")
        verbose_name_plural = _("baris BAST")

    def __str__(self):
        return f"{self.receipt}: {self.quantity}"


class Payment(AppendOnlyModel):
    """A bank transfer recorded by the OPD treasurer (no cash); append-only.

    ``amount`` is the gross instalment of the payment plan (what moves the pagu from committed
    to spent); ``ppn_amount`` the PPN inside it; ``pph_amount`` the income tax the treasurer
    withheld, so the vendor received ``amount - pph_amount``.
    """

    class Kind(models.TextChoices):
        ADVANCE = "advance", _("Uang muka")
        TERMIN = "termin", _("Termin")
        FINAL = "final", _("Pelunasan")
        RETENTION = "retention", _("Retensi")

    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="payments")
    # Which instalment of the plan this pays ("advance", "termin:<BAST id>", "final", "retention").
    installment = models.CharField(_("angsuran"), max_length=40, blank=True)
    kind = models.CharField(_("jenis"), max_length=10, choices=Kind.choices, default=Kind.FINAL)
    receipt = models.ForeignKey(
        "Receipt", null=True, blank=True, on_delete=models.PROTECT, related_name="payments"
    )
    amount = MoneyField(_("jumlah"), validators=[MinValueValidator(1)])
    ppn_amount = MoneyField(_("PPN"), default=0)
    pph_code = models.CharField(_("jenis PPh"), max_length=20, blank=True)
    pph_rate = models.DecimalField(_("tarif PPh"), max_digits=5, decimal_places=4, default=0)
    pph_amount = MoneyField(_("PPh dipotong"), default=0)
    paid_on = models.DateField(_("tanggal transfer"))
    reference = models.CharField(_("nomor referensi transfer"), max_length=100)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["paid_on", "id"]
        verbose_name = _("pembayaran")
        verbose_name_plural = _("pembayaran")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=1), name="payment_amount_positive"),
            # Each instalment of the plan is paid once, however many treasurers click.
            models.UniqueConstraint(
                fields=["order", "installment"],
                condition=~Q(installment=""),
                name="payment_once_per_installment",
            ),
        ]

    @property
    def net_amount(self):
        return self.amount - self.pph_amount

    def __str__(self):
        return f"{self.order} {self.reference}"


class AddendumStatus(models.TextChoices):
    PROPOSED = "proposed", _("Menunggu pihak lain")
    PENDING_APPROVAL = "pending_approval", _("Menunggu persetujuan PA/KPA")
    ACCEPTED = "accepted", _("Berlaku")
    DECLINED = "declined", _("Ditolak")


class Addendum(models.Model):
    """A change to an order after its Surat Pesanan, proposed by one party, accepted by the other.

    The proposal is kept as it was made (its lines are append-only); only its status and the
    decision move. An accepted addendum gets the next number of its order and changes the
    order lines, total, stock and committed pagu in the same transaction (services).
    """

    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="addenda")
    sequence = models.PositiveSmallIntegerField(_("nomor urut"), null=True, blank=True)
    number = models.CharField(_("nomor adendum"), max_length=80, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=AddendumStatus.choices, default=AddendumStatus.PROPOSED
    )
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    proposed_role = models.CharField(_("diusulkan oleh"), max_length=20)
    reason = models.TextField(_("alasan perubahan"))
    old_needed_by = models.DateField(_("tanggal dibutuhkan semula"))
    new_needed_by = models.DateField(_("tanggal dibutuhkan baru"))
    old_total = MoneyField(_("total semula"))
    new_total = MoneyField(_("total baru"))
    # A new payment plan, allowed only before the first payment; null = plan unchanged.
    new_advance_percent = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    new_pay_per_bast = models.BooleanField(null=True, blank=True)
    new_retention_percent = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    new_retention_until = models.DateField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(_("catatan keputusan"), blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(_("berlaku sejak"), null=True, blank=True)
    created_at = models.DateTimeField(_("diusulkan"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("adendum")
        verbose_name_plural = _("adendum")
        constraints = [
            models.UniqueConstraint(fields=["order", "sequence"], name="addendum_unique_sequence"),
            # One open proposal per order: the other party answers one change at a time.
            models.UniqueConstraint(
                fields=["order"],
                condition=Q(status__in=["proposed", "pending_approval"]),
                name="addendum_one_open_per_order",
            ),
        ]

    def __str__(self):
        return self.number or f"{self.order} adendum #{self.pk}"

    @property
    def changes_plan(self) -> bool:
        return self.new_advance_percent is not None


class AddendumLine(AppendOnlyModel):
    """The quantity and unit price an addendum sets for one order line (0 = line removed)."""

    addendum = models.ForeignKey(Addendum, on_delete=models.PROTECT, related_name="lines")
    order_line = models.ForeignKey(OrderLine, on_delete=models.PROTECT, related_name="addendum_lines")
    old_quantity = models.PositiveIntegerField(_("jumlah semula"))
    new_quantity = models.PositiveIntegerField(_("jumlah baru"))
    old_unit_price = MoneyField(_("harga satuan semula"))
    new_unit_price = MoneyField(_("harga satuan baru"))

    class Meta:
        ordering = ["id"]
        verbose_name = _("baris adendum")
        verbose_name_plural = _("baris adendum")

    def __str__(self):
        return f"{self.order_line_id}: {self.old_quantity}→{self.new_quantity}"

    @property
    def changed(self) -> bool:
        return self.old_quantity != self.new_quantity or self.old_unit_price != self.new_unit_price


class VendorRating(models.Model):
    """The OPD's rating of the vendor after a completed order."""

    order = models.OneToOneField(Order, on_delete=models.CASCADE, related_name="rating")
    vendor = models.ForeignKey("catalog.Vendor", on_delete=models.CASCADE, related_name="ratings")
    score = models.PositiveSmallIntegerField(
        _("nilai"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comment = models.TextField(_("komentar"), blank=True)
    rated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("penilaian penyedia")
        verbose_name_plural = _("penilaian penyedia")
        constraints = [
            models.CheckConstraint(condition=Q(score__gte=1, score__lte=5), name="rating_score_1_5")
        ]

    def __str__(self):
        return f"{self.vendor}: {self.score}"


class Notification(models.Model):
    """An in-app notice to one user about a step that needs them."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    order = models.ForeignKey(
        Order, null=True, blank=True, on_delete=models.CASCADE, related_name="notifications"
    )
    message = models.CharField(_("pesan"), max_length=255)
    url = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notifikasi")
        verbose_name_plural = _("notifikasi")
        indexes = [
            models.Index(fields=["user", "read_at", "-created_at"], name="notification_user_unread_idx")
        ]

    def __str__(self):
        return self.message


class CityHoliday(models.Model):
    """A day off the city adds to the national calendar (a local holiday, an extra cuti bersama).

    Working days are Monday–Friday minus Indonesia's national holidays and cuti bersama
    (the ``holidays`` package) minus these days (procurement.workdays).
    """

    date = models.DateField(_("tanggal"), unique=True)
    name = models.CharField(_("keterangan"), max_length=150)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date"]
        verbose_name = _("hari libur kota")
        verbose_name_plural = _("hari libur kota")

    def __str__(self):
        return f"{self.date:%d-%m-%Y} {self.name}"


class DeadlineNotice(models.Model):
    """One reminder or escalation a deadline rule has sent, so each goes out once per clock.

    ``subject`` names what the clock runs on ("order:12", "document:5") and ``clock`` when
    that clock started (a new status or a renewed certificate starts a new clock). The unique
    constraint is the claim: two runs of the same rule cannot both send it.
    """

    rule = models.CharField(_("aturan"), max_length=40)
    step = models.CharField(_("langkah"), max_length=20)
    subject = models.CharField(_("objek"), max_length=40)
    clock = models.CharField(_("mulai"), max_length=40)
    order = models.ForeignKey(
        Order, null=True, blank=True, on_delete=models.CASCADE, related_name="deadline_notices"
    )
    created_at = models.DateTimeField(_("waktu"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("pemberitahuan tenggat")
        verbose_name_plural = _("pemberitahuan tenggat")
        constraints = [
            models.UniqueConstraint(fields=["rule", "step", "subject", "clock"], name="deadline_notice_once")
        ]

    def __str__(self):
        return f"{self.rule}/{self.step} {self.subject}"


class ComplaintStatus(models.TextChoices):
    OPEN = "open", _("Menunggu BPBJ")
    RESOLVED = "resolved", _("Selesai")


class LatePaymentComplaint(models.Model):
    """A vendor's complaint that an order is paid late; it waits in BPBJ's queue."""

    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="complaints")
    vendor = models.ForeignKey("catalog.Vendor", on_delete=models.PROTECT, related_name="complaints")
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    note = models.TextField(_("keluhan"))
    status = models.CharField(
        _("status"), max_length=10, choices=ComplaintStatus.choices, default=ComplaintStatus.OPEN
    )
    resolution = models.TextField(_("tindak lanjut BPBJ"), blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    resolved_at = models.DateTimeField(_("diselesaikan"), null=True, blank=True)
    created_at = models.DateTimeField(_("diajukan"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("keluhan keterlambatan pembayaran")
        verbose_name_plural = _("keluhan keterlambatan pembayaran")
        constraints = [
            # One open complaint per order: filing twice adds nothing to BPBJ's queue.
            models.UniqueConstraint(
                fields=["order"], condition=Q(status="open"), name="complaint_one_open_per_order"
            )
        ]
        indexes = [models.Index(fields=["status", "created_at"], name="complaint_status_created_idx")]

    def __str__(self):
        return f"{self.order}: {self.get_status_display()}"
