from django.conf import settings
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Func, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ecatalog.append_only import AppendOnlyModel

from .money import MoneyField
from .storage import private_storage

nib_validator = RegexValidator(r"^\d{13}$", _("NIB harus 13 digit angka."))
npwp_validator = RegexValidator(r"^(\d{15}|\d{16})$", _("NPWP harus 15 atau 16 digit angka."))
phone_validator = RegexValidator(
    r"^(\+62|0)\d{8,13}$", _("Nomor telepon tidak valid (contoh: 081234567890).")
)
# KBLI (Klasifikasi Baku Lapangan Usaha Indonesia) codes are five digits; a business or a
# category may have several, stored as "10792,10799".
kbli_validator = RegexValidator(
    r"^\d{5}(,\d{5})*$", _("Kode KBLI terdiri dari 5 digit angka; beberapa kode dipisah koma.")
)


def kbli_list(text: str) -> list[str]:
    return [code for code in (text or "").split(",") if code]


class Kecamatan(models.Model):
    """A district of the city (Kota Batu: Batu, Bumiaji, Junrejo)."""

    code = models.CharField(_("kode"), max_length=20, unique=True)
    name = models.CharField(_("nama"), max_length=100, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("kecamatan")
        verbose_name_plural = _("kecamatan")

    def __str__(self):
        return self.name


class Kelurahan(models.Model):
    """A desa or kelurahan inside a kecamatan."""

    class Kind(models.TextChoices):
        DESA = "desa", _("Desa")
        KELURAHAN = "kelurahan", _("Kelurahan")

    kecamatan = models.ForeignKey(Kecamatan, on_delete=models.PROTECT, related_name="kelurahan_set")
    code = models.CharField(_("kode"), max_length=20, unique=True)
    name = models.CharField(_("nama"), max_length=100)
    kind = models.CharField(_("jenis"), max_length=10, choices=Kind.choices)

    class Meta:
        ordering = ["kecamatan__name", "name"]
        verbose_name = _("desa/kelurahan")
        verbose_name_plural = _("desa/kelurahan")
        constraints = [
            models.UniqueConstraint(fields=["kecamatan", "name"], name="kelurahan_unique_name_per_kecamatan")
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.name}"


class Category(models.Model):
    """A node of the product category tree (two or three levels deep)."""

    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=_("induk"),
    )
    name = models.CharField(_("nama"), max_length=100)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    position = models.PositiveSmallIntegerField(_("urutan"), default=0)
    # Kinds of VendorDocument a product of this category (or of any sub-category) needs, e.g.
    # ["pirt", "halal"] for processed food: when the vendor's certificate expires the product
    # leaves the catalogue until a renewed one is verified (catalog.certificates).
    required_documents = models.JSONField(_("dokumen wajib"), default=list, blank=True)
    # The KBLI codes whose businesses may sell in this category (the national e-Katalog lists a
    # vendor only where its KBLI fits); shown to vendors while they register.
    kbli_codes = models.CharField(
        _("kode KBLI"),
        max_length=200,
        blank=True,
        validators=[kbli_validator],
        help_text=_("Mis. 10792,10799"),
    )

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("kategori")
        verbose_name_plural = _("kategori")
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="category_unique_name_per_parent"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("catalog:product_list") + f"?kategori={self.slug}"


class VendorStatus(models.TextChoices):
    PENDING = "pending", _("Menunggu verifikasi")
    VERIFIED = "verified", _("Terverifikasi")
    REJECTED = "rejected", _("Ditolak")
    SUSPENDED = "suspended", _("Ditangguhkan")


class BusinessScale(models.TextChoices):
    MIKRO = "mikro", _("Mikro")
    KECIL = "kecil", _("Kecil")
    MENENGAH = "menengah", _("Menengah")
    BESAR = "besar", _("Besar (non-UMKM)")


UMK_SCALES = (BusinessScale.MIKRO, BusinessScale.KECIL)


class VendorQuerySet(models.QuerySet):
    def public(self):
        """Vendors the public may see: verified and not suspended."""
        return self.filter(status=VendorStatus.VERIFIED)


class Vendor(models.Model):
    """A local business (penyedia) that sells to the city's OPDs."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="vendor", verbose_name=_("akun")
    )
    business_name = models.CharField(_("nama usaha"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=220, unique=True)
    owner_name = models.CharField(_("nama pemilik"), max_length=150)
    nib = models.CharField(_("NIB"), max_length=13, unique=True, validators=[nib_validator])
    npwp = models.CharField(_("NPWP"), max_length=16, validators=[npwp_validator])
    scale = models.CharField(_("skala usaha"), max_length=10, choices=BusinessScale.choices, db_index=True)
    is_pkp = models.BooleanField(_("PKP (pengusaha kena pajak)"), default=False)
    # Blank for businesses registered before the field existed; registration asks for it.
    kbli = models.CharField(_("kode KBLI"), max_length=200, blank=True, validators=[kbli_validator])
    address = models.CharField(_("alamat"), max_length=255)
    kecamatan = models.ForeignKey(
        Kecamatan, on_delete=models.PROTECT, related_name="vendors", verbose_name=_("kecamatan")
    )
    kelurahan = models.ForeignKey(
        Kelurahan, on_delete=models.PROTECT, related_name="vendors", verbose_name=_("desa/kelurahan")
    )
    phone = models.CharField(_("telepon"), max_length=20, validators=[phone_validator])
    email = models.EmailField(_("email"))
    bank_name = models.CharField(_("nama bank"), max_length=100)
    bank_account_number = models.CharField(
        _("nomor rekening"),
        max_length=30,
        validators=[RegexValidator(r"^\d{6,30}$", _("Nomor rekening hanya angka."))],
    )
    bank_account_name = models.CharField(_("nama pemilik rekening"), max_length=150)
    description = models.TextField(_("tentang usaha"), blank=True)

    status = models.CharField(
        _("status"), max_length=10, choices=VendorStatus.choices, default=VendorStatus.PENDING, db_index=True
    )
    status_reason = models.TextField(_("alasan status"), blank=True)
    # Domicile in the city is confirmed by BPBJ at verification, never ticked by the vendor.
    is_local = models.BooleanField(_("lokal (dikonfirmasi BPBJ)"), default=False)
    verified_at = models.DateTimeField(_("diverifikasi pada"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="verified_vendors",
        verbose_name=_("diverifikasi oleh"),
    )
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)

    objects = VendorQuerySet.as_manager()

    class Meta:
        ordering = ["business_name"]
        verbose_name = _("penyedia")
        verbose_name_plural = _("penyedia")
        indexes = [
            # BPBJ verification queue: pending vendors, oldest first.
            models.Index(fields=["status", "created_at"], name="vendor_status_created_idx"),
            # Public list's "skala usaha" filter (verified vendors of a scale).
            models.Index(fields=["status", "scale"], name="vendor_status_scale_idx"),
        ]

    def __str__(self):
        return self.business_name

    def get_absolute_url(self):
        return reverse("catalog:vendor_detail", args=[self.slug])

    @property
    def is_umk(self) -> bool:
        return self.scale in UMK_SCALES

    @property
    def is_verified(self) -> bool:
        return self.status == VendorStatus.VERIFIED

    @property
    def is_under_change_review(self) -> bool:
        """Once verified, legal identity, tax status and bank account change only by BPBJ approval."""
        return self.verified_at is not None or self.status in (VendorStatus.VERIFIED, VendorStatus.SUSPENDED)

    def clean(self):
        # Here rather than in a form, so the admin and every service hold to it too.
        super().clean()
        if self.kelurahan_id and self.kecamatan_id and self.kelurahan.kecamatan_id != self.kecamatan_id:
            raise ValidationError(
                {
                    "kelurahan": _("%(kel)s tidak berada di Kecamatan %(kec)s.")
                    % {"kel": self.kelurahan, "kec": self.kecamatan}
                }
            )


class VendorDocument(models.Model):
    """A supporting document of a vendor (halal, PIRT, SNI, TKDN certificate …)."""

    class Kind(models.TextChoices):
        HALAL = "halal", _("Sertifikat halal")
        PIRT = "pirt", _("PIRT")
        SNI = "sni", _("SNI")
        TKDN = "tkdn", _("Sertifikat TKDN")
        OTHER = "other", _("Lainnya")

    vendor = models.ForeignKey(Vendor, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("jenis"), max_length=10, choices=Kind.choices)
    number = models.CharField(_("nomor"), max_length=100, blank=True)
    file = models.FileField(_("berkas"), upload_to="vendor-docs/%Y/%m/", storage=private_storage)
    valid_until = models.DateField(_("berlaku sampai"), null=True, blank=True)
    uploaded_at = models.DateTimeField(_("diunggah"), auto_now_add=True)
    # BPBJ checked the document against its issuer; only verified, valid certificates count
    # for the catalogue (badges, filters, categories that require them).
    verified_at = models.DateTimeField(_("diverifikasi"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("diverifikasi oleh"),
    )

    class Meta:
        ordering = ["kind", "-uploaded_at"]
        verbose_name = _("dokumen penyedia")
        verbose_name_plural = _("dokumen penyedia")

    def __str__(self):
        return f"{self.get_kind_display()} – {self.vendor}"

    def is_valid_on(self, day) -> bool:
        """Verified and not expired on ``day`` (no validity date = does not expire)."""
        return self.verified_at is not None and (self.valid_until is None or self.valid_until >= day)


class VendorEvent(AppendOnlyModel):
    """Append-only record of a vendor's status changes (who, when, why)."""

    vendor = models.ForeignKey(Vendor, on_delete=models.PROTECT, related_name="events")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    from_status = models.CharField(max_length=10, choices=VendorStatus.choices, blank=True)
    to_status = models.CharField(max_length=10, choices=VendorStatus.choices)
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("riwayat status penyedia")
        verbose_name_plural = _("riwayat status penyedia")

    def __str__(self):
        return f"{self.vendor}: {self.from_status or '-'} → {self.to_status}"


# Fields of a verified vendor that change only through a change request BPBJ approves: who the
# business legally is, whether PPN is added to its orders, and where the city's money is paid.
REVIEWED_VENDOR_FIELDS = (
    "business_name",
    "nib",
    "npwp",
    "is_pkp",
    "bank_name",
    "bank_account_number",
    "bank_account_name",
)
BANK_FIELDS = ("bank_name", "bank_account_number", "bank_account_name")


class VendorChangeRequest(models.Model):
    """A verified vendor's requested change to reviewed fields; in force only once BPBJ approves.

    ``changes`` maps each field to ``{"old": …, "new": …}`` as they were at request time.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Menunggu persetujuan")
        APPROVED = "approved", _("Disetujui")
        REJECTED = "rejected", _("Ditolak")
        WITHDRAWN = "withdrawn", _("Dibatalkan penyedia")

    vendor = models.ForeignKey(
        Vendor, on_delete=models.CASCADE, related_name="change_requests", verbose_name=_("penyedia")
    )
    changes = models.JSONField(_("perubahan"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("diajukan oleh"),
    )
    # The address on file when the request was made: a bank-account change is announced there on
    # request and on decision, even if the account's e-mail is changed in between.
    registered_email = models.EmailField(_("email terdaftar"), blank=True)
    created_at = models.DateTimeField(_("diajukan"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("diputuskan oleh"),
    )
    decided_at = models.DateTimeField(_("diputuskan"), null=True, blank=True)
    decision_reason = models.TextField(_("alasan keputusan"), blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("permintaan perubahan data penyedia")
        verbose_name_plural = _("permintaan perubahan data penyedia")
        constraints = [
            # At most one open request per vendor: a second one would be decided against stale values.
            models.UniqueConstraint(
                fields=["vendor"], condition=Q(status="pending"), name="vendor_one_pending_change_request"
            )
        ]
        indexes = [models.Index(fields=["status", "created_at"], name="vchange_status_created_idx")]

    def __str__(self):
        return f"{self.vendor}: {', '.join(self.field_labels())}"

    def field_labels(self) -> list[str]:
        return [str(Vendor._meta.get_field(name).verbose_name) for name in self.changes]

    def rows(self) -> list[tuple[str, str, object, object]]:
        """``(field, label, old, new)`` in the form's order, for the side-by-side tables."""
        return [
            (
                name,
                Vendor._meta.get_field(name).verbose_name,
                self.changes[name]["old"],
                self.changes[name]["new"],
            )
            for name in REVIEWED_VENDOR_FIELDS
            if name in self.changes
        ]

    @property
    def touches_bank_account(self) -> bool:
        return any(name in self.changes for name in BANK_FIELDS)

    @property
    def is_pending(self) -> bool:
        return self.status == self.Status.PENDING


class ProductStatus(models.TextChoices):
    DRAFT = "draft", _("Draf")
    SUBMITTED = "submitted", _("Diajukan")
    PUBLISHED = "published", _("Tayang")
    REJECTED = "rejected", _("Ditolak")
    INACTIVE = "inactive", _("Nonaktif")


class SearchVectorOrNull(Func):
    """The product's search vector on PostgreSQL; NULL on SQLite (which searches with LIKE)."""

    output_field = SearchVectorField()

    def as_sql(self, compiler, connection, **extra_context):
        return compiler.compile(self.source_expressions[0])

    def as_sqlite(self, compiler, connection, **extra_context):
        return "NULL", []


def vendor_copy(vendor: Vendor) -> dict:
    """The vendor's fields copied onto each of its products (``Product.vendor_*``).

    Written only by ``catalog.services`` (and the bulk seeders): one UPDATE per vendor change.
    """
    return {
        "vendor_public": vendor.status == VendorStatus.VERIFIED,
        "vendor_scale": vendor.scale,
        "vendor_kecamatan_id": vendor.kecamatan_id,
    }


class ProductQuerySet(models.QuerySet):
    def public(self):
        """Only tayang products of verified (not suspended) vendors are ever public.

        The vendor's status is read from ``Product.vendor_public`` (a copy kept by
        ``catalog.services.sync_vendor_products``), so the public list is a single-table query.
        """
        return self.filter(status=ProductStatus.PUBLISHED, vendor_public=True)

    def owned_by(self, vendor):
        return self.filter(vendor=vendor)


class Product(models.Model):
    """A product (or service) a vendor offers to OPDs."""

    vendor = models.ForeignKey(
        Vendor, on_delete=models.PROTECT, related_name="products", verbose_name=_("penyedia")
    )
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="products", verbose_name=_("kategori")
    )
    name = models.CharField(_("nama produk"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=220)
    unit = models.CharField(_("satuan"), max_length=30, help_text=_("mis. pcs, kg, paket, box, orang"))
    price = MoneyField(_("harga satuan (Rp)"), validators=[MinValueValidator(1)])
    min_order = models.PositiveIntegerField(_("minimal pesan"), default=1, validators=[MinValueValidator(1)])
    stock = models.PositiveIntegerField(_("stok"), default=0)
    lead_time_days = models.PositiveSmallIntegerField(
        _("waktu kirim (hari)"), default=1, validators=[MaxValueValidator(365)]
    )
    description = models.TextField(_("deskripsi"), blank=True)
    # [["Berat", "500 g"], ["Bahan", "Kain katun"]]: ordered key/value pairs.
    specifications = models.JSONField(_("spesifikasi"), default=list, blank=True)
    tkdn = models.DecimalField(
        _("TKDN (%)"),
        max_digits=5,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    status = models.CharField(
        _("status"), max_length=10, choices=ProductStatus.choices, default=ProductStatus.DRAFT, db_index=True
    )
    status_reason = models.TextField(_("alasan penolakan"), blank=True)
    # The document kind whose expiry took this product off the catalogue (status inactive);
    # verifying a renewed document of that kind puts it back. Empty otherwise.
    held_for_document = models.CharField(_("ditahan karena dokumen"), max_length=10, blank=True)
    submitted_at = models.DateTimeField(_("diajukan pada"), null=True, blank=True)
    published_at = models.DateTimeField(_("tayang sejak"), null=True, blank=True)
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)
    # Copies of the vendor's status (verified or not), scale and kecamatan, so the public list,
    # search and filters never join the vendor table. Kept by catalog.services:
    # every vendor status, scale or kecamatan change updates its products in the same transaction.
    vendor_public = models.BooleanField(_("penyedia terverifikasi"), default=False, editable=False)
    vendor_scale = models.CharField(
        _("skala usaha penyedia"), max_length=10, choices=BusinessScale.choices, blank=True, editable=False
    )
    vendor_kecamatan = models.ForeignKey(
        Kecamatan,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        editable=False,
        verbose_name=_("kecamatan penyedia"),
    )
    search_vector = models.GeneratedField(
        expression=SearchVectorOrNull(
            SearchVector("name", weight="A", config="indonesian")
            + SearchVector("description", weight="B", config="indonesian")
        ),
        output_field=SearchVectorField(null=True),
        db_persist=True,
        editable=False,
    )

    objects = ProductQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name = _("produk")
        verbose_name_plural = _("produk")
        constraints = [
            models.CheckConstraint(condition=Q(price__gte=1), name="product_price_positive"),
            models.CheckConstraint(condition=Q(stock__gte=0), name="product_stock_non_negative"),
            models.CheckConstraint(condition=Q(min_order__gte=1), name="product_min_order_positive"),
            models.CheckConstraint(condition=Q(tkdn__gte=0, tkdn__lte=100), name="product_tkdn_0_100"),
        ]
        indexes = [
            # Public catalogue: tayang products, newest first / by price.
            models.Index(fields=["status", "-published_at"], name="product_status_published_idx"),
            models.Index(fields=["status", "price"], name="product_status_price_idx"),
            # Category pages.
            models.Index(fields=["category", "status"], name="product_category_status_idx"),
            # Vendor's own product list and curation queue.
            models.Index(fields=["vendor", "status"], name="product_vendor_status_idx"),
            models.Index(fields=["status", "submitted_at"], name="product_status_submitted_idx"),
            # Minimum-TKDN filter.
            models.Index(fields=["status", "tkdn"], name="product_status_tkdn_idx"),
            # Public list: newest / price order of tayang products, whole catalogue and
            # one category; the id breaks ties so an ordered index scan can stop after one page.
            models.Index(
                fields=["-published_at", "-id"],
                name="product_pub_newest_idx",
                condition=Q(status="published"),
            ),
            models.Index(
                fields=["price", "-id"], name="product_pub_price_idx", condition=Q(status="published")
            ),
            models.Index(
                fields=["category", "-published_at", "-id"],
                name="product_pub_cat_newest_idx",
                condition=Q(status="published"),
            ),
            # Category pages sorted by price, and "similar products" (closest price in the category).
            models.Index(
                fields=["category", "price", "-id"],
                name="product_pub_cat_price_idx",
                condition=Q(status="published"),
            ),
            # Public "skala usaha" and "kecamatan" filters without a search word: newest public
            # products of one scale / one kecamatan (the copied vendor fields).
            models.Index(
                fields=["vendor_scale", "-published_at", "-id"],
                name="product_pub_scale_newest_idx",
                condition=Q(status="published", vendor_public=True),
            ),
            models.Index(
                fields=["vendor_kecamatan", "-published_at", "-id"],
                name="product_pub_kec_newest_idx",
                condition=Q(status="published", vendor_public=True),
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("catalog:product_detail", args=[self.pk, self.slug])

    @property
    def is_public(self) -> bool:
        return self.status == ProductStatus.PUBLISHED and self.vendor.status == VendorStatus.VERIFIED

    @property
    def in_stock(self) -> bool:
        return self.stock >= self.min_order


class PhotoStatus(models.TextChoices):
    PENDING = "pending", _("Menunggu kurasi")
    APPROVED = "approved", _("Disetujui")
    REJECTED = "rejected", _("Ditolak")


class ProductPhoto(models.Model):
    """A re-encoded product photo with its catalogue thumbnail.

    Only ``approved`` photos are public. A new photo is ``pending``: curated with its product when
    BPBJ publishes it, or on its own (photo queue) when the product is already tayang.
    """

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(
        _("foto"), upload_to="products/%Y/%m/", width_field="width", height_field="height"
    )
    thumbnail = models.ImageField(_("thumbnail"), upload_to="products/thumbs/%Y/%m/")
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    position = models.PositiveSmallIntegerField(_("urutan"), default=0)
    status = models.CharField(
        _("status"), max_length=10, choices=PhotoStatus.choices, default=PhotoStatus.PENDING, db_index=True
    )
    status_reason = models.TextField(_("alasan penolakan"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("foto produk")
        verbose_name_plural = _("foto produk")

    def __str__(self):
        return f"{self.product} #{self.position}"


class PriceHistory(AppendOnlyModel):
    """A price change of a tayang product: who, when, old and new price (append-only)."""

    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="price_history")
    old_price = MoneyField(_("harga lama"))
    new_price = MoneyField(_("harga baru"))
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("oleh"),
    )
    changed_at = models.DateTimeField(_("waktu"), auto_now_add=True)

    class Meta:
        ordering = ["-changed_at", "-id"]
        verbose_name = _("riwayat harga")
        verbose_name_plural = _("riwayat harga")

    def __str__(self):
        return f"{self.product}: {self.old_price} → {self.new_price}"


class ProductEvent(AppendOnlyModel):
    """Append-only record of a product's status changes (submission, curation)."""

    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="events")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    from_status = models.CharField(max_length=10, choices=ProductStatus.choices, blank=True)
    to_status = models.CharField(max_length=10, choices=ProductStatus.choices)
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("riwayat status produk")
        verbose_name_plural = _("riwayat status produk")

    def __str__(self):
        return f"{self.product}: {self.from_status or '-'} → {self.to_status}"


class ImportJobStatus(models.TextChoices):
    QUEUED = "queued", _("menunggu")
    RUNNING = "running", _("sedang diproses")
    DONE = "done", _("selesai")
    FAILED = "failed", _("gagal")


class ProductImportJob(models.Model):
    """One uploaded product file, imported by a worker in batches (catalog/services.py).

    Each batch of created products commits together with the job's counters, so the
    progress the vendor sees is exactly what exists, and a job resumed after a worker died
    continues after the last committed batch (no row imported twice).
    """

    vendor = models.ForeignKey(Vendor, on_delete=models.CASCADE, related_name="import_jobs")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Kept in private storage only until the job finishes.
    file = models.FileField(storage=private_storage, upload_to="imports/%Y/%m/", blank=True)
    original_name = models.CharField(_("nama berkas"), max_length=255)
    status = models.CharField(
        _("status"), max_length=10, choices=ImportJobStatus.choices, default=ImportJobStatus.QUEUED
    )
    total_rows = models.PositiveIntegerField(_("jumlah baris"), default=0)
    # Rows handled so far: invalid rows (known after reading the file) plus valid rows imported.
    processed_rows = models.PositiveIntegerField(_("baris diproses"), default=0)
    # Valid rows handled so far (where a resumed job continues).
    valid_done = models.PositiveIntegerField(default=0, editable=False)
    created_count = models.PositiveIntegerField(_("produk dibuat"), default=0)
    errors = models.JSONField(_("baris bermasalah"), default=list, blank=True)  # [[line, message], …]
    message = models.TextField(_("pesan"), blank=True)  # why the whole file failed
    attempts = models.PositiveSmallIntegerField(_("percobaan"), default=0)
    created_at = models.DateTimeField(_("diunggah"), auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(_("selesai"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("impor produk")
        verbose_name_plural = _("impor produk")
        indexes = [models.Index(fields=["status", "heartbeat_at"], name="import_job_status_idx")]

    def __str__(self):
        return f"{self.original_name} ({self.get_status_display()})"

    def get_absolute_url(self):
        return reverse("catalog:product_import_job", args=[self.pk])

    @property
    def is_finished(self) -> bool:
        return self.status in (ImportJobStatus.DONE, ImportJobStatus.FAILED)

    @property
    def percent(self) -> int:
        if self.status == ImportJobStatus.DONE:
            return 100
        if not self.total_rows:
            return 0
        return min(100, self.processed_rows * 100 // self.total_rows)
