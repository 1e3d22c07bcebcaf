"""Issued documents: the PDF of each Surat Pesanan, BAST and payment receipt, kept as evidence.

A row is written once the PDF exists in private storage, with the SHA-256 of exactly the bytes
stored (after signing, when the city signs): it is append-only like the audit trail. A document
whose generation failed simply has no row yet and is generated again (``issue_documents``,
``documents.issue_missing`` in beat); nothing half-made is ever on record.

Generic on purpose: a document is a kind, a number, an order and the row it was issued for
(``source_id``: the order for the SP, the BAST, the payment), so a new kind of document (an
order addendum) is one entry in ``documents.kinds.KINDS`` and one choice here.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from catalog.storage import private_storage
from ecatalog.append_only import AppendOnlyModel


class DocumentKind(models.TextChoices):
    SP = "sp", _("Surat Pesanan")
    BAST = "bast", _("Berita Acara Serah Terima")
    PAYMENT = "payment", _("Tanda terima pembayaran")


class IssuedDocument(AppendOnlyModel):
    kind = models.CharField(_("jenis"), max_length=20, choices=DocumentKind.choices)
    number = models.CharField(_("nomor"), max_length=80)
    order = models.ForeignKey(
        "procurement.Order", on_delete=models.PROTECT, related_name="documents", verbose_name=_("pesanan")
    )
    # The row the document was issued for: the order (SP), the BAST, the payment.
    source_id = models.PositiveBigIntegerField()
    # The public verification page's key, printed as a QR code on the document.
    code = models.CharField(_("kode verifikasi"), max_length=32, unique=True)
    file = models.FileField(_("berkas PDF"), upload_to="documents/%Y/%m/", storage=private_storage)
    sha256 = models.CharField("SHA-256", max_length=64)
    size = models.PositiveIntegerField(_("ukuran (byte)"))
    # What the document says (number, parties, amounts, dates), shown on the verification page.
    facts = models.JSONField(_("isi dokumen"))
    signed = models.BooleanField(_("ditandatangani elektronik"), default=False)
    generation_ms = models.PositiveIntegerField(_("waktu pembuatan (ms)"), default=0)
    created_at = models.DateTimeField(_("diterbitkan"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("dokumen terbit")
        verbose_name_plural = _("dokumen terbit")
        constraints = [
            # One PDF per issued document: a retried or concurrent generation cannot add a second.
            models.UniqueConstraint(fields=["kind", "number"], name="issued_document_unique_number"),
        ]
        indexes = [models.Index(fields=["order", "kind"], name="issued_document_order_idx")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.number}"
