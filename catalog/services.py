"""Every write the catalogue allows: vendor onboarding, products, photos, curation, import.

Views, admin actions and management commands call these functions and nothing
else changes a vendor's or a product's status. Each state change follows the
same order: lock the row, check the transition table, write, log an event.

Rules decided here (documented for the vendor pages too):

- A vendor starts ``pending``; BPBJ verifies (confirming "lokal"), rejects or,
  later, suspends and reinstates. A rejected vendor who edits the profile goes
  back to ``pending`` for a new review.
- Once a vendor has been verified, its legal name, NIB, NPWP, PKP status and bank
  account change only through a ``VendorChangeRequest`` that BPBJ approves or rejects
  with a reason; the old values stay in force until then (PPN on new orders, the
  account payments go to). One request may be open at a time: while it is, those
  fields are locked on the profile page; the vendor may withdraw it and file a new
  one. Every request and decision is a ``VendorEvent`` and a notice to the vendor;
  a bank-account change is also e-mailed to the address registered at request time
  (the classic payment-diversion fraud is a quiet account change). The admin
  cannot change these fields of a verified vendor either (``admin_update_vendor``).
- A product starts as ``draft``. Only a verified vendor may submit it, and only
  with at least one photo. BPBJ publishes or rejects (with a reason). The vendor
  may deactivate it. Rejected and inactive products can be edited and
  resubmitted.
- Photos: a new photo is ``pending``; only ``approved`` photos are public. Photos
  of a product under curation are approved when BPBJ publishes it; a photo added
  to a tayang product waits in the photo queue (approve, or reject with a reason).
  Adding or removing a photo of a tayang product is a ``ProductEvent``, and a tayang
  product keeps at least one approved photo.
- Editing a published product: price, stock, minimum order and lead time
  change in place (a price change is written to ``PriceHistory``); a change
  to what the product *is* (name, category, unit, description, specifications,
  TKDN) sends it back to ``submitted`` for re-curation, so the public never sees
  uncurated content.
- A suspended vendor's products leave the catalogue through
  ``Product.objects.public()`` (which requires a verified vendor); their own
  status is kept so reinstating brings them back.
- The public catalogue reads the vendor's status, scale and kecamatan from
  copies on each product (``Product.vendor_public``, ``vendor_scale``,
  ``vendor_kecamatan``) so its queries never join the vendor table. They are
  kept here and only here: ``sync_vendor_products`` runs (one UPDATE) in the
  same transaction as every vendor status change and every scale or kecamatan
  change, and ``create_product`` copies them from the vendor.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from accounts.models import Role

from .images import process_document, process_photo
from .models import (
    REVIEWED_VENDOR_FIELDS,
    ImportJobStatus,
    PhotoStatus,
    PriceHistory,
    Product,
    ProductEvent,
    ProductImportJob,
    ProductPhoto,
    ProductStatus,
    Vendor,
    VendorChangeRequest,
    VendorDocument,
    VendorEvent,
    VendorStatus,
    vendor_copy,
)

User = get_user_model()
log = logging.getLogger(__name__)


class CatalogError(Exception):
    """A domain rule forbids this action; ``message`` is shown to the user as is."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return str(self.message)


class TransitionError(CatalogError):
    """The requested status change is not allowed from the current status."""


VENDOR_TRANSITIONS: dict[str, set[str]] = {
    VendorStatus.PENDING: {VendorStatus.VERIFIED, VendorStatus.REJECTED},
    VendorStatus.REJECTED: {VendorStatus.PENDING, VendorStatus.VERIFIED},
    VendorStatus.VERIFIED: {VendorStatus.SUSPENDED},
    VendorStatus.SUSPENDED: {VendorStatus.VERIFIED},
}

PRODUCT_TRANSITIONS: dict[str, set[str]] = {
    ProductStatus.DRAFT: {ProductStatus.SUBMITTED},
    ProductStatus.SUBMITTED: {ProductStatus.PUBLISHED, ProductStatus.REJECTED, ProductStatus.INACTIVE},
    ProductStatus.PUBLISHED: {ProductStatus.INACTIVE, ProductStatus.SUBMITTED},
    ProductStatus.REJECTED: {ProductStatus.SUBMITTED},
    ProductStatus.INACTIVE: {ProductStatus.SUBMITTED},
}

PRODUCT_FIELDS = (
    "name",
    "category",
    "unit",
    "price",
    "min_order",
    "stock",
    "lead_time_days",
    "description",
    "specifications",
    "tkdn",
)
# Changing any of these on a published product sends it back to curation.
CURATED_FIELDS = ("name", "category", "unit", "description", "specifications", "tkdn")
EDITABLE_STATUSES = (
    ProductStatus.DRAFT,
    ProductStatus.SUBMITTED,
    ProductStatus.PUBLISHED,
    ProductStatus.REJECTED,
    ProductStatus.INACTIVE,
)

VENDOR_PROFILE_FIELDS = (
    "business_name",
    "owner_name",
    "nib",
    "npwp",
    "scale",
    "is_pkp",
    "kbli",
    "address",
    "kecamatan",
    "kelurahan",
    "phone",
    "email",
    "bank_name",
    "bank_account_number",
    "bank_account_name",
    "description",
)


# --------------------------------------------------------------------------- helpers


def ensure_vendor_transition(vendor: Vendor, to: str) -> None:
    """Raise TransitionError unless the vendor may move to status ``to``."""
    if to not in VENDOR_TRANSITIONS.get(vendor.status, set()):
        raise TransitionError(
            _("Status penyedia tidak dapat diubah dari “%(from)s” menjadi “%(to)s”.")
            % {"from": VendorStatus(vendor.status).label, "to": VendorStatus(to).label}
        )


def ensure_product_transition(product: Product, to: str) -> None:
    """Raise TransitionError unless the product may move to status ``to``."""
    if to not in PRODUCT_TRANSITIONS.get(product.status, set()):
        raise TransitionError(
            _("Status produk tidak dapat diubah dari “%(from)s” menjadi “%(to)s”.")
            % {"from": ProductStatus(product.status).label, "to": ProductStatus(to).label}
        )


def _lock_vendor(vendor: Vendor) -> Vendor:
    return Vendor.objects.select_for_update().get(pk=vendor.pk)


def _lock_product(product: Product) -> Product:
    return Product.objects.select_for_update().select_related("vendor").get(pk=product.pk)


def sync_vendor_products(vendor: Vendor) -> int:
    """Copy the vendor's status, scale and kecamatan onto all its products (one UPDATE).

    Call it inside the transaction that changes the vendor, after the vendor is saved; the
    vendor's save already bumps the catalogue version (catalog.page_cache). Returns the
    number of products updated.
    """
    return Product.objects.filter(vendor_id=vendor.pk).update(**vendor_copy(vendor))


def _set_vendor_status(vendor: Vendor, to: str, *, by, note: str = "", extra: Iterable[str] = ()) -> None:
    from_status = vendor.status
    vendor.status = to
    vendor.save(update_fields=["status", "updated_at", *extra])
    sync_vendor_products(vendor)
    VendorEvent.objects.create(vendor=vendor, actor=by, from_status=from_status, to_status=to, note=note)


def _set_product_status(product: Product, to: str, *, by, note: str = "", extra: Iterable[str] = ()) -> None:
    from_status = product.status
    product.status = to
    product.save(update_fields=["status", "updated_at", *extra])
    ProductEvent.objects.create(product=product, actor=by, from_status=from_status, to_status=to, note=note)


def _require_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise CatalogError(_("Alasan wajib diisi."))
    return reason


def unique_vendor_slug(business_name: str, *, exclude_pk: int | None = None) -> str:
    """A slug for the vendor's public page, unique among vendors (``toko-apel``, ``toko-apel-2`` …)."""
    base = slugify(business_name)[:200] or "penyedia"
    taken = set(
        Vendor.objects.filter(slug__startswith=base).exclude(pk=exclude_pk).values_list("slug", flat=True)
    )
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"


def product_slug(name: str) -> str:
    """Product URLs carry the id, so the slug only needs to be readable."""
    return slugify(name)[:200] or "produk"


# --------------------------------------------------------------------------- vendors


@transaction.atomic
def register_vendor(
    *,
    username: str,
    password: str = "",
    password_hash: str = "",
    vendor_data: dict,
    documents: Iterable[tuple[str, object]] = (),
    note: str = "",
) -> Vendor:
    """Create a vendor account and its business, ``pending`` until BPBJ verifies it.

    ``vendor_data`` holds the profile fields (see ``VENDOR_PROFILE_FIELDS``);
    "lokal" is never taken from the vendor. Documents are ``(kind, upload)`` pairs.
    A resumed registration passes the ``password_hash`` it kept instead of the password.
    """
    if User.objects.filter(username__iexact=username).exists():
        raise CatalogError(_("Nama pengguna ini sudah dipakai."))
    if Vendor.objects.filter(nib=vendor_data.get("nib")).exists():
        raise CatalogError(_("NIB ini sudah terdaftar sebagai penyedia."))
    data = {k: v for k, v in vendor_data.items() if k in VENDOR_PROFILE_FIELDS}
    if data["kelurahan"].kecamatan_id != data["kecamatan"].pk:
        raise CatalogError(_("Desa/kelurahan tidak berada di kecamatan yang dipilih."))
    user = User(
        username=username,
        email=data.get("email", ""),
        first_name=data.get("owner_name", "")[:150],
        role=Role.VENDOR,
        phone=data.get("phone", ""),
    )
    if password_hash:
        user.password = password_hash
    else:
        user.set_password(password)
    user.save()
    vendor = Vendor(user=user, slug=unique_vendor_slug(data["business_name"]), **data)
    vendor.status = VendorStatus.PENDING
    vendor.is_local = False
    vendor.full_clean(exclude=["user"])
    vendor.save()
    VendorEvent.objects.create(
        vendor=vendor,
        actor=user,
        from_status="",
        to_status=VendorStatus.PENDING,
        note=note or _("Pendaftaran"),
    )
    for kind, upload in documents:
        if upload:
            add_document(vendor=vendor, kind=kind, upload=upload, by=user)
    return vendor


@transaction.atomic
def update_vendor_profile(*, vendor: Vendor, data: dict, by: AbstractBaseUser) -> Vendor:
    """Save the vendor's own profile edits.

    For a vendor that has been verified, changes to the reviewed fields (legal name, NIB,
    NPWP, PKP, bank account) are not applied: they become a change request for BPBJ, the
    rest is saved at once. A rejected vendor who edits the profile is sent back to
    ``pending`` for a new review.
    """
    vendor = _lock_vendor(vendor)
    data = {k: v for k, v in data.items() if k in VENDOR_PROFILE_FIELDS}
    kecamatan = data.get("kecamatan", vendor.kecamatan)
    kelurahan = data.get("kelurahan", vendor.kelurahan)
    if kelurahan.kecamatan_id != kecamatan.pk:
        raise CatalogError(_("Desa/kelurahan tidak berada di kecamatan yang dipilih."))
    if vendor.is_under_change_review:
        reviewed = {name: data.pop(name) for name in REVIEWED_VENDOR_FIELDS if name in data}
        if _changed_fields(vendor, reviewed):
            # Before the direct fields are applied: the notice goes to the e-mail on file now.
            _request_change_locked(vendor, reviewed, by=by)
    copied_before = vendor_copy(vendor)
    for name, value in data.items():
        setattr(vendor, name, value)
    if "business_name" in data:
        vendor.slug = vendor.slug or unique_vendor_slug(vendor.business_name, exclude_pk=vendor.pk)
    vendor.full_clean(exclude=["user"])
    vendor.save()
    if vendor_copy(vendor) != copied_before:
        sync_vendor_products(vendor)
    if vendor.status == VendorStatus.REJECTED:
        _set_vendor_status(vendor, VendorStatus.PENDING, by=by, note=_("Data diperbaiki dan diajukan ulang"))
    return vendor


@transaction.atomic
def admin_update_vendor(*, vendor: Vendor, data: dict, by: AbstractBaseUser) -> Vendor:
    """BPBJ staff edit a vendor in the Django admin.

    The same rules as the vendor's own page: desa/kelurahan inside the kecamatan (model
    ``clean``), and a verified vendor's reviewed fields change only through an approved
    change request, never by hand. The product copies follow a scale or kecamatan change.
    """
    vendor = _lock_vendor(vendor)
    check_admin_vendor_edit(vendor, data)
    copied_before = vendor_copy(vendor)
    for name, value in data.items():
        setattr(vendor, name, value)
    vendor.full_clean(exclude=["user"])
    vendor.save()
    if vendor_copy(vendor) != copied_before:
        sync_vendor_products(vendor)
    return vendor


def check_admin_vendor_edit(vendor: Vendor, data: dict) -> None:
    """Raise CatalogError if ``data`` changes a reviewed field of a verified vendor."""
    if not vendor.is_under_change_review:
        return
    changed = _changed_fields(vendor, {k: v for k, v in data.items() if k in REVIEWED_VENDOR_FIELDS})
    if changed:
        raise CatalogError(
            _(
                "%(fields)s penyedia yang sudah diverifikasi hanya dapat diubah melalui permintaan "
                "perubahan yang disetujui BPBJ."
            )
            % {"fields": ", ".join(str(Vendor._meta.get_field(n).verbose_name) for n in changed)}
        )


# --------------------------------------------------------------------------- vendor change requests


def _changed_fields(vendor: Vendor, values: dict) -> list[str]:
    return [
        name for name in REVIEWED_VENDOR_FIELDS if name in values and values[name] != getattr(vendor, name)
    ]


def pending_change_request(vendor: Vendor) -> VendorChangeRequest | None:
    return vendor.change_requests.filter(status=VendorChangeRequest.Status.PENDING).first()


def _vendor_emails(vendor: Vendor, *extra: str) -> list[str]:
    return sorted({e for e in (vendor.email, vendor.user.email, *extra) if e})


def _mask_account(number) -> str:
    number = str(number or "")
    return f"…{number[-4:]}" if len(number) > 4 else number


def _describe(change_request: VendorChangeRequest) -> str:
    parts = []
    for name, label, old, new in change_request.rows():
        if name == "bank_account_number":
            old, new = _mask_account(old), _mask_account(new)
        elif name == "is_pkp":
            old, new = (_("PKP") if v else _("bukan PKP") for v in (old, new))
        parts.append(f"{label}: {old} → {new}")
    return "; ".join(parts)


def _notify_vendor(vendor: Vendor, message: str, *, body: str = "", emails: Iterable[str] = ()) -> None:
    """An in-app notification to the vendor's account and an e-mail to ``emails``, written to the
    outbox in the caller's transaction (delivered by a worker after commit)."""
    from outbox import services as outbox

    text = message[:255]
    url = reverse("catalog:vendor_profile_edit")
    outbox.queue_in_app(user=vendor.user, message=text, url=url)
    for address in sorted(set(emails)):
        outbox.queue_email(to=address, subject=f"{outbox.SUBJECT_PREFIX}{text}"[:150], body=body or text)


def _bank_warning() -> str:
    return _(
        "Jika Anda tidak meminta perubahan rekening ini, segera hubungi BPBJ: mengganti rekening tujuan "
        "pembayaran diam-diam adalah modus umum pengalihan pembayaran."
    )


def _request_change_locked(vendor: Vendor, values: dict, *, by) -> VendorChangeRequest:
    changed = _changed_fields(vendor, values)
    if not changed:
        raise CatalogError(_("Tidak ada perubahan pada data yang memerlukan persetujuan BPBJ."))
    if vendor.change_requests.filter(status=VendorChangeRequest.Status.PENDING).exists():
        raise CatalogError(
            _(
                "Masih ada permintaan perubahan data yang menunggu keputusan BPBJ. Batalkan permintaan "
                "itu dulu bila ingin menggantinya."
            )
        )
    errors = {}
    for name in changed:
        try:
            Vendor._meta.get_field(name).clean(values[name], vendor)
        except ValidationError as exc:
            errors[name] = exc.messages
    if "nib" in changed and Vendor.objects.filter(nib=values["nib"]).exclude(pk=vendor.pk).exists():
        errors["nib"] = [_("NIB ini sudah dipakai penyedia lain.")]
    if errors:
        raise CatalogError(_validation_message(ValidationError(errors)))
    try:
        with transaction.atomic():
            change_request = VendorChangeRequest.objects.create(
                vendor=vendor,
                changes={name: {"old": getattr(vendor, name), "new": values[name]} for name in changed},
                requested_by=by,
                registered_email=vendor.email,
            )
    except IntegrityError:  # another request was filed a moment ago (one pending per vendor)
        raise CatalogError(_("Masih ada permintaan perubahan data yang menunggu keputusan BPBJ.")) from None
    description = _describe(change_request)
    VendorEvent.objects.create(
        vendor=vendor,
        actor=by,
        from_status=vendor.status,
        to_status=vendor.status,
        note=_("Permintaan perubahan data #%(n)s diajukan: %(what)s")
        % {"n": change_request.pk, "what": description},
    )
    message = _("Permintaan perubahan data Anda (%(fields)s) menunggu persetujuan BPBJ.") % {
        "fields": ", ".join(change_request.field_labels())
    }
    body = f"{message}\n\n{description}\n\n" + _("Data lama tetap berlaku sampai BPBJ menyetujui.")
    if change_request.touches_bank_account:
        body += f"\n\n{_bank_warning()}"
    _notify_vendor(vendor, message, body=body, emails=_vendor_emails(vendor))
    return change_request


@transaction.atomic
def request_vendor_change(*, vendor: Vendor, changes: dict, by: AbstractBaseUser) -> VendorChangeRequest:
    """A verified vendor asks to change reviewed fields; nothing changes until BPBJ approves."""
    vendor = _lock_vendor(vendor)
    if not vendor.is_under_change_review:
        raise CatalogError(_("Penyedia yang belum diverifikasi mengubah datanya langsung di halaman profil."))
    unknown = set(changes) - set(REVIEWED_VENDOR_FIELDS)
    if unknown:
        raise CatalogError(
            _("Data ini tidak memerlukan permintaan perubahan: %(f)s") % {"f": ", ".join(sorted(unknown))}
        )
    return _request_change_locked(vendor, changes, by=by)


def _lock_change_request(change_request: VendorChangeRequest) -> tuple[Vendor, VendorChangeRequest]:
    """Lock the vendor, then the request (always in this order), and check it is still open."""
    vendor = Vendor.objects.select_for_update().select_related("user").get(pk=change_request.vendor_id)
    locked = VendorChangeRequest.objects.select_for_update().get(pk=change_request.pk)
    if locked.status != VendorChangeRequest.Status.PENDING:
        raise CatalogError(
            _("Permintaan perubahan ini sudah %(status)s.") % {"status": locked.get_status_display().lower()}
        )
    return vendor, locked


def _decide(change_request: VendorChangeRequest, status: str, *, by, reason: str = "") -> None:
    change_request.status = status
    change_request.decided_by = by
    change_request.decided_at = timezone.now()
    change_request.decision_reason = reason
    change_request.save(update_fields=["status", "decided_by", "decided_at", "decision_reason"])


@transaction.atomic
def approve_vendor_change(
    *, change_request: VendorChangeRequest, by: AbstractBaseUser, note: str = ""
) -> VendorChangeRequest:
    """BPBJ approves: the new values are in force from now (e.g. PPN on orders made after this)."""
    vendor, change_request = _lock_change_request(change_request)
    stale = [
        name for name, change in change_request.changes.items() if getattr(vendor, name) != change["old"]
    ]
    if stale:
        raise CatalogError(
            _("Data penyedia sudah berubah sejak permintaan ini diajukan; tolak permintaan ini.")
        )
    for name, change in change_request.changes.items():
        setattr(vendor, name, change["new"])
    try:
        vendor.full_clean(exclude=["user"])
    except ValidationError as exc:
        raise CatalogError(_validation_message(exc)) from None
    vendor.save(update_fields=[*change_request.changes, "updated_at"])
    _decide(change_request, VendorChangeRequest.Status.APPROVED, by=by, reason=(note or "").strip())
    description = _describe(change_request)
    VendorEvent.objects.create(
        vendor=vendor,
        actor=by,
        from_status=vendor.status,
        to_status=vendor.status,
        note=_("Permintaan perubahan data #%(n)s disetujui: %(what)s")
        % {"n": change_request.pk, "what": description},
    )
    message = _("Permintaan perubahan data Anda (%(fields)s) disetujui BPBJ dan berlaku sekarang.") % {
        "fields": ", ".join(change_request.field_labels())
    }
    body = f"{message}\n\n{description}"
    if change_request.touches_bank_account:
        body += f"\n\n{_bank_warning()}"
    _notify_vendor(vendor, message, body=body, emails=_vendor_emails(vendor, change_request.registered_email))
    return change_request


@transaction.atomic
def reject_vendor_change(
    *, change_request: VendorChangeRequest, by: AbstractBaseUser, reason: str
) -> VendorChangeRequest:
    """BPBJ rejects with a reason (shown to the vendor); the old values stay."""
    reason = _require_reason(reason)
    vendor, change_request = _lock_change_request(change_request)
    _decide(change_request, VendorChangeRequest.Status.REJECTED, by=by, reason=reason)
    VendorEvent.objects.create(
        vendor=vendor,
        actor=by,
        from_status=vendor.status,
        to_status=vendor.status,
        note=_("Permintaan perubahan data #%(n)s ditolak: %(reason)s")
        % {"n": change_request.pk, "reason": reason},
    )
    message = _("Permintaan perubahan data Anda (%(fields)s) ditolak BPBJ: %(reason)s") % {
        "fields": ", ".join(change_request.field_labels()),
        "reason": reason,
    }
    body = f"{message}\n\n{_describe(change_request)}\n\n" + _("Data lama tetap berlaku.")
    if change_request.touches_bank_account:
        body += f"\n\n{_bank_warning()}"
    _notify_vendor(vendor, message, body=body, emails=_vendor_emails(vendor, change_request.registered_email))
    return change_request


@transaction.atomic
def withdraw_vendor_change(
    *, change_request: VendorChangeRequest, by: AbstractBaseUser
) -> VendorChangeRequest:
    """The vendor withdraws its open request (to correct it and file a new one)."""
    vendor, change_request = _lock_change_request(change_request)
    _decide(change_request, VendorChangeRequest.Status.WITHDRAWN, by=by)
    VendorEvent.objects.create(
        vendor=vendor,
        actor=by,
        from_status=vendor.status,
        to_status=vendor.status,
        note=_("Permintaan perubahan data #%(n)s dibatalkan penyedia") % {"n": change_request.pk},
    )
    return change_request


@transaction.atomic
def verify_vendor(*, vendor: Vendor, by: AbstractBaseUser, is_local: bool, note: str = "") -> Vendor:
    """BPBJ verifies a pending (or previously rejected) vendor and records whether it is local."""
    vendor = _lock_vendor(vendor)
    ensure_vendor_transition(vendor, VendorStatus.VERIFIED)
    if vendor.status == VendorStatus.SUSPENDED:
        raise TransitionError(_("Penyedia yang ditangguhkan dipulihkan, bukan diverifikasi ulang."))
    vendor.is_local = bool(is_local)
    vendor.verified_at = timezone.now()
    vendor.verified_by = by
    vendor.status_reason = ""
    _set_vendor_status(
        vendor,
        VendorStatus.VERIFIED,
        by=by,
        note=note or (_("Lokal dikonfirmasi") if is_local else _("Bukan penyedia lokal")),
        extra=["is_local", "verified_at", "verified_by", "status_reason"],
    )
    return vendor


@transaction.atomic
def set_vendor_local(*, vendor: Vendor, by: AbstractBaseUser, is_local: bool, reason: str) -> Vendor:
    """BPBJ corrects whether a decided vendor is local; the change and its reason stay on record.

    Local spending is computed from the vendor's current flag, so the correction counts for its
    orders from the next index computation on.
    """
    reason = _require_reason(reason)
    if not getattr(by, "is_bpbj", False):
        raise CatalogError(_("Hanya BPBJ yang dapat mengubah status penyedia lokal."))
    vendor = _lock_vendor(vendor)
    if vendor.status == VendorStatus.PENDING:
        raise CatalogError(_("Status lokal penyedia yang belum diverifikasi ditetapkan saat verifikasi."))
    is_local = bool(is_local)
    if vendor.is_local == is_local:
        raise CatalogError(
            _("Penyedia ini sudah tercatat sebagai penyedia lokal.")
            if is_local
            else _("Penyedia ini sudah tercatat bukan penyedia lokal.")
        )
    vendor.is_local = is_local
    vendor.save(update_fields=["is_local", "updated_at"])
    VendorEvent.objects.create(
        vendor=vendor,
        actor=by,
        from_status=vendor.status,
        to_status=vendor.status,
        note=(
            _("Diubah menjadi penyedia lokal. Alasan: %(r)s")
            if is_local
            else _("Diubah menjadi bukan penyedia lokal. Alasan: %(r)s")
        )
        % {"r": reason},
    )
    return vendor


@transaction.atomic
def reject_vendor(*, vendor: Vendor, by: AbstractBaseUser, reason: str) -> Vendor:
    """BPBJ rejects a pending vendor; the reason is shown to the vendor."""
    reason = _require_reason(reason)
    vendor = _lock_vendor(vendor)
    ensure_vendor_transition(vendor, VendorStatus.REJECTED)
    vendor.status_reason = reason
    _set_vendor_status(vendor, VendorStatus.REJECTED, by=by, note=reason, extra=["status_reason"])
    return vendor


@transaction.atomic
def suspend_vendor(*, vendor: Vendor, by: AbstractBaseUser, reason: str) -> Vendor:
    """BPBJ suspends a verified vendor: its products leave the public catalogue at once."""
    reason = _require_reason(reason)
    vendor = _lock_vendor(vendor)
    ensure_vendor_transition(vendor, VendorStatus.SUSPENDED)
    vendor.status_reason = reason
    _set_vendor_status(vendor, VendorStatus.SUSPENDED, by=by, note=reason, extra=["status_reason"])
    return vendor


@transaction.atomic
def reinstate_vendor(*, vendor: Vendor, by: AbstractBaseUser, note: str = "") -> Vendor:
    """BPBJ lifts a suspension; the vendor's published products are public again."""
    vendor = _lock_vendor(vendor)
    if vendor.status != VendorStatus.SUSPENDED:
        raise TransitionError(_("Hanya penyedia yang ditangguhkan yang dapat dipulihkan."))
    vendor.status_reason = ""
    _set_vendor_status(
        vendor, VendorStatus.VERIFIED, by=by, note=note or _("Dipulihkan"), extra=["status_reason"]
    )
    return vendor


@transaction.atomic
def add_document(
    *,
    vendor: Vendor,
    kind: str,
    upload,
    by: AbstractBaseUser,
    number: str = "",
    valid_until=None,
) -> VendorDocument:
    """Store a supporting document (PDF kept, images re-encoded) under a random name."""
    if kind not in VendorDocument.Kind.values:
        raise CatalogError(_("Jenis dokumen tidak dikenal."))
    stored = process_document(upload)
    return VendorDocument.objects.create(
        vendor=vendor, kind=kind, number=number or "", valid_until=valid_until, file=stored
    )


@transaction.atomic
def delete_document(*, document: VendorDocument, by: AbstractBaseUser) -> None:
    """Remove a document and its file (after the transaction commits)."""
    storage, name = document.file.storage, document.file.name
    document.delete()
    transaction.on_commit(lambda: storage.delete(name))


@transaction.atomic
def verify_document(*, document: VendorDocument, by: AbstractBaseUser) -> VendorDocument:
    """BPBJ confirms a document against its issuer; products held for its kind come back.

    A product taken off the catalogue because a required certificate expired
    (``held_for_document``) returns once every document its category requires is
    verified and valid again.
    """
    if not getattr(by, "is_bpbj", False):
        raise CatalogError(_("Hanya BPBJ yang dapat memverifikasi dokumen."))
    document = VendorDocument.objects.select_for_update().select_related("vendor").get(pk=document.pk)
    if document.verified_at is not None:
        raise CatalogError(_("Dokumen ini sudah diverifikasi."))
    today = timezone.localdate()
    if document.valid_until is not None and document.valid_until < today:
        raise CatalogError(_("Dokumen ini sudah kedaluwarsa; minta penyedia mengunggah yang baru."))
    document.verified_at = timezone.now()
    document.verified_by = by
    document.save(update_fields=["verified_at", "verified_by"])
    vendor = document.vendor
    VendorEvent.objects.create(
        vendor=vendor,
        actor=by,
        from_status=vendor.status,
        to_status=vendor.status,
        note=_("%(kind)s diverifikasi%(until)s.")
        % {
            "kind": document.get_kind_display(),
            "until": (" " + _("(berlaku s.d. %(d)s)") % {"d": document.valid_until.strftime("%d-%m-%Y")})
            if document.valid_until
            else "",
        },
    )
    release_held_products(vendor=vendor, by=by)
    return document


def release_held_products(*, vendor: Vendor, by) -> list[Product]:
    """Put back the vendor's products held for an expired certificate once every required one is valid."""
    from .certificates import required_kinds, valid_kinds

    held = list(
        Product.objects.select_for_update()
        .filter(vendor=vendor, status=ProductStatus.INACTIVE)
        .exclude(held_for_document="")
        .order_by("id")
    )
    if not held:
        return []
    have = valid_kinds(vendor.pk, timezone.localdate())
    needs = required_kinds()
    released = []
    for product in held:
        if not needs.get(product.category_id, set()) <= have:
            continue
        product.held_for_document = ""
        product.status_reason = ""
        _set_product_status(
            product,
            ProductStatus.PUBLISHED,
            by=by,
            note=_("Sertifikat yang diperbarui sudah diverifikasi; tayang kembali."),
            extra=["held_for_document", "status_reason"],
        )
        released.append(product)
    return released


def hold_products(*, vendor: Vendor, kind: str, category_ids, note: str) -> list[Product]:
    """The system takes the vendor's tayang products of these categories off the catalogue
    because its ``kind`` certificate expired (no user: the certificate rule)."""
    products = list(
        Product.objects.select_for_update()
        .filter(vendor=vendor, status=ProductStatus.PUBLISHED, category_id__in=list(category_ids))
        .order_by("id")
    )
    for product in products:
        product.held_for_document = kind
        product.status_reason = note
        _set_product_status(
            product, ProductStatus.INACTIVE, by=None, note=note, extra=["held_for_document", "status_reason"]
        )
    return products


# --------------------------------------------------------------------------- products


def _require_verified(vendor: Vendor, message: str | None = None) -> None:
    if vendor.status != VendorStatus.VERIFIED:
        raise CatalogError(
            message
            or _("Penyedia belum terverifikasi (status: %(status)s).")
            % {"status": vendor.get_status_display()}
        )


@transaction.atomic
def create_product(*, vendor: Vendor, data: dict, by: AbstractBaseUser) -> Product:
    """Create a draft product. Only verified vendors list products."""
    _require_verified(vendor, _("Produk hanya dapat ditambahkan setelah usaha Anda diverifikasi oleh BPBJ."))
    values = {k: v for k, v in data.items() if k in PRODUCT_FIELDS}
    product = Product(
        vendor=vendor, slug=product_slug(values.get("name", "")), **values, **vendor_copy(vendor)
    )
    product.status = ProductStatus.DRAFT
    product.full_clean(exclude=["vendor", "search_vector"])
    product.save()
    ProductEvent.objects.create(product=product, actor=by, from_status="", to_status=ProductStatus.DRAFT)
    return product


@transaction.atomic
def update_product(*, product: Product, data: dict, by: AbstractBaseUser) -> Product:
    """Save edits to a product.

    On a published product a price change is recorded in the price history and
    the product stays published; a change to a curated field (name, category,
    unit, description, specifications, TKDN) sends it back to ``submitted``.
    """
    product = _lock_product(product)
    values = {k: v for k, v in data.items() if k in PRODUCT_FIELDS}
    old_price = product.price
    changed = [name for name, value in values.items() if getattr(product, name) != value]
    if not changed:
        return product
    for name in changed:
        setattr(product, name, values[name])
    if "name" in changed:
        product.slug = product_slug(product.name)
    product.full_clean(exclude=["vendor", "search_vector"])
    product.save()
    if product.status == ProductStatus.PUBLISHED:
        if "price" in changed:
            PriceHistory.objects.create(
                product=product, old_price=old_price, new_price=product.price, changed_by=by
            )
        curated = [name for name in changed if name in CURATED_FIELDS]
        if curated:
            product.submitted_at = timezone.now()
            _set_product_status(
                product,
                ProductStatus.SUBMITTED,
                by=by,
                note=_("Diubah (%(fields)s); perlu kurasi ulang") % {"fields": ", ".join(curated)},
                extra=["submitted_at"],
            )
    return product


def _log_photo(product: Product, note: str, *, by) -> None:
    """A photo step on a product, in the product's history (its status does not change)."""
    ProductEvent.objects.create(
        product=product, actor=by, from_status=product.status, to_status=product.status, note=note
    )


@transaction.atomic
def add_photo(*, product: Product, upload, by: AbstractBaseUser) -> ProductPhoto:
    """Validate, re-encode and attach a photo (with thumbnail), at most MAX_PHOTOS_PER_PRODUCT.

    The photo is ``pending``: the public sees it only after BPBJ approves it.
    """
    product = _lock_product(product)
    count = product.photos.count()
    if count >= settings.MAX_PHOTOS_PER_PRODUCT:
        raise CatalogError(
            _("Maksimal %(n)s foto per produk. Hapus foto lama terlebih dahulu.")
            % {"n": settings.MAX_PHOTOS_PER_PRODUCT}
        )
    full, thumb = process_photo(upload)
    last = product.photos.order_by("-position").values_list("position", flat=True).first()
    photo = ProductPhoto.objects.create(
        product=product,
        image=full,
        thumbnail=thumb,
        position=(last + 1) if last is not None else 0,
        status=PhotoStatus.PENDING,
    )
    if product.status == ProductStatus.PUBLISHED:
        _log_photo(product, _("Foto #%(n)s ditambahkan; menunggu kurasi BPBJ") % {"n": photo.pk}, by=by)
    return photo


@transaction.atomic
def delete_photo(*, photo: ProductPhoto, by: AbstractBaseUser) -> None:
    """Remove a photo; a submitted or published product keeps at least one (a tayang one: approved)."""
    product = _lock_product(photo.product)
    others = product.photos.exclude(pk=photo.pk)
    if (
        product.status in (ProductStatus.SUBMITTED, ProductStatus.PUBLISHED)
        and not others.exclude(status=PhotoStatus.REJECTED).exists()
    ):
        raise CatalogError(
            _("Produk yang diajukan atau tayang harus memiliki minimal satu foto. Tambahkan foto lain dulu.")
        )
    if (
        product.status == ProductStatus.PUBLISHED
        and photo.status == PhotoStatus.APPROVED
        and not others.filter(status=PhotoStatus.APPROVED).exists()
    ):
        raise CatalogError(
            _(
                "Produk tayang harus memiliki minimal satu foto yang sudah disetujui BPBJ. Tunggu foto baru "
                "disetujui sebelum menghapus foto ini."
            )
        )
    if product.status == ProductStatus.PUBLISHED:
        _log_photo(
            product,
            _("Foto #%(n)s (%(status)s) dihapus") % {"n": photo.pk, "status": photo.get_status_display()},
            by=by,
        )
    storage = photo.image.storage
    names = [photo.image.name, photo.thumbnail.name]
    photo.delete()
    transaction.on_commit(lambda: [storage.delete(n) for n in names if n])


def _lock_pending_photo(photo: ProductPhoto) -> tuple[Product, ProductPhoto]:
    product = _lock_product(photo.product)
    locked = product.photos.filter(pk=photo.pk).first()
    if locked is None:
        raise CatalogError(_("Foto ini sudah dihapus penyedia."))
    if locked.status != PhotoStatus.PENDING:
        raise CatalogError(
            _("Foto ini sudah dikurasi (%(status)s).") % {"status": locked.get_status_display()}
        )
    return product, locked


@transaction.atomic
def approve_photo(*, photo: ProductPhoto, by: AbstractBaseUser) -> ProductPhoto:
    """BPBJ approves a pending photo: it is public with its (tayang) product from now."""
    product, photo = _lock_pending_photo(photo)
    photo.status = PhotoStatus.APPROVED
    photo.status_reason = ""
    photo.save(update_fields=["status", "status_reason"])
    _log_photo(product, _("Foto #%(n)s disetujui") % {"n": photo.pk}, by=by)
    return photo


@transaction.atomic
def reject_photo(*, photo: ProductPhoto, by: AbstractBaseUser, reason: str) -> ProductPhoto:
    """BPBJ rejects a pending photo with a reason (shown to the vendor); it never becomes public."""
    reason = _require_reason(reason)
    product, photo = _lock_pending_photo(photo)
    photo.status = PhotoStatus.REJECTED
    photo.status_reason = reason
    photo.save(update_fields=["status", "status_reason"])
    _log_photo(product, _("Foto #%(n)s ditolak: %(reason)s") % {"n": photo.pk, "reason": reason}, by=by)
    return photo


@transaction.atomic
def submit_product(*, product: Product, by: AbstractBaseUser) -> Product:
    """The vendor sends a product to BPBJ for curation (verified vendor, at least one photo)."""
    product = _lock_product(product)
    _require_verified(
        product.vendor, _("Produk hanya dapat diajukan setelah usaha Anda diverifikasi oleh BPBJ.")
    )
    ensure_product_transition(product, ProductStatus.SUBMITTED)
    if not product.photos.exclude(status=PhotoStatus.REJECTED).exists():
        raise CatalogError(_("Tambahkan minimal satu foto sebelum mengajukan produk."))
    product.submitted_at = timezone.now()
    product.status_reason = ""
    # Resubmitted by hand: it goes through curation like any product, no longer waits for a certificate.
    product.held_for_document = ""
    _set_product_status(
        product, ProductStatus.SUBMITTED, by=by, extra=["submitted_at", "status_reason", "held_for_document"]
    )
    return product


def _publish_locked(product: Product, *, by, note: str = "") -> None:
    ensure_product_transition(product, ProductStatus.PUBLISHED)
    _require_verified(
        product.vendor, _("Produk dari penyedia yang belum terverifikasi tidak dapat ditayangkan.")
    )
    # The curator reviewed the product with its photos: the pending ones are approved with it.
    product.photos.filter(status=PhotoStatus.PENDING).update(status=PhotoStatus.APPROVED)
    product.published_at = timezone.now()
    product.status_reason = ""
    _set_product_status(
        product, ProductStatus.PUBLISHED, by=by, note=note, extra=["published_at", "status_reason"]
    )


@transaction.atomic
def publish_product(*, product: Product, by: AbstractBaseUser, note: str = "") -> Product:
    """BPBJ approves a submitted product of a verified vendor: it is tayang."""
    product = _lock_product(product)
    _publish_locked(product, by=by, note=note)
    return product


@transaction.atomic
def reject_product(*, product: Product, by: AbstractBaseUser, reason: str) -> Product:
    """BPBJ rejects a submitted product; the reason is shown to the vendor."""
    reason = _require_reason(reason)
    product = _lock_product(product)
    ensure_product_transition(product, ProductStatus.REJECTED)
    product.status_reason = reason
    _set_product_status(product, ProductStatus.REJECTED, by=by, note=reason, extra=["status_reason"])
    return product


@transaction.atomic
def deactivate_product(*, product: Product, by: AbstractBaseUser) -> Product:
    """The vendor takes a published (or submitted) product off the catalogue."""
    product = _lock_product(product)
    ensure_product_transition(product, ProductStatus.INACTIVE)
    _set_product_status(product, ProductStatus.INACTIVE, by=by)
    return product


@dataclass
class BulkResult:
    published: list[Product] = field(default_factory=list)
    skipped: list[tuple[Product, str]] = field(default_factory=list)


@transaction.atomic
def bulk_publish(*, product_ids: Iterable[int], by: AbstractBaseUser) -> BulkResult:
    """Publish many submitted products at once; the ones that cannot be published are skipped with a reason.

    Rows are locked in id order so two curators cannot deadlock.
    """
    ids = sorted({int(i) for i in product_ids})
    result = BulkResult()
    products = Product.objects.select_for_update().select_related("vendor").filter(pk__in=ids).order_by("pk")
    for product in products:
        try:
            _publish_locked(product, by=by)
        except CatalogError as exc:
            result.skipped.append((product, exc.message))
        else:
            result.published.append(product)
    return result


# --------------------------------------------------------------------------- import


@dataclass
class ImportOutcome:
    created: list[Product] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)
    total_rows: int = 0


def import_products(*, vendor: Vendor, upload, by: AbstractBaseUser) -> ImportOutcome:
    """Import products from a CSV/XLSX file as drafts.

    Every valid row is created (all in one transaction); every invalid row is
    reported with its line number and reason. A row is never half-created.
    A file-level problem (format, headers, size) imports nothing.
    """
    from .importers import ImportFileError, parse_product_file

    _require_verified(vendor, _("Impor produk hanya untuk penyedia yang sudah diverifikasi."))
    try:
        parsed = parse_product_file(upload)
    except ImportFileError as exc:
        raise CatalogError(exc.message) from None
    outcome = ImportOutcome(errors=list(parsed.errors), total_rows=parsed.total_rows)
    with transaction.atomic():
        created, errors = _create_import_rows(vendor, parsed.rows, by=by)
    outcome.created = created
    outcome.errors.extend(errors)
    outcome.errors.sort()
    return outcome


def _create_import_rows(vendor: Vendor, rows, *, by) -> tuple[list[Product], list[tuple[int, str]]]:
    """Create one draft per parsed row, each in its own savepoint (a row is never half-created)."""
    created, errors = [], []
    for row in rows:
        try:
            with transaction.atomic():
                created.append(create_product(vendor=vendor, data=row.data, by=by))
        except ValidationError as exc:
            errors.append((row.line, _validation_message(exc)))
        except CatalogError as exc:
            errors.append((row.line, exc.message))
    return created, errors


# --- the same import, by a worker, with progress ------------------------------------------------

IMPORT_BATCH_SIZE = 50
# A running job whose worker has not reported for this long is taken over (the worker died).
IMPORT_LEASE = timedelta(minutes=2)
IMPORT_MAX_ATTEMPTS = 3


def start_product_import(*, vendor: Vendor, upload, by: AbstractBaseUser) -> ProductImportJob:
    """Keep the uploaded file and queue its import; the page then shows the job's progress.

    Only what is cheap is checked here (verified vendor, format by name, size); the rows
    are read and validated by the worker, and their problems are shown on the job page.
    """
    from ecatalog.celery import enqueue

    from .importers import MAX_IMPORT_BYTES
    from .tasks import run_product_import

    _require_verified(vendor, _("Impor produk hanya untuk penyedia yang sudah diverifikasi."))
    name = (getattr(upload, "name", "") or "").rsplit("/", 1)[-1][:200]
    if not name.lower().endswith((".csv", ".xlsx")):
        raise CatalogError(_("Format berkas harus .csv atau .xlsx."))
    if upload.size is None or upload.size > MAX_IMPORT_BYTES:
        raise CatalogError(
            _("Berkas terlalu besar (maksimal %(mb)s MB).") % {"mb": MAX_IMPORT_BYTES // (1024 * 1024)}
        )
    if upload.size == 0:
        raise CatalogError(_("Berkas kosong."))
    with transaction.atomic():
        job = ProductImportJob(vendor=vendor, created_by=by, original_name=name)
        extension = name.rsplit(".", 1)[-1].lower()
        job.file.save(f"{uuid.uuid4().hex}.{extension}", upload, save=False)
        job.save()
        transaction.on_commit(lambda: enqueue(run_product_import, job.pk))
    return job


def _claim_import_job(job_id: int) -> ProductImportJob | None:
    """Take a queued job, or a running one whose worker stopped reporting; None if not ours."""
    now = timezone.now()
    claimable = Q(status=ImportJobStatus.QUEUED) | Q(
        status=ImportJobStatus.RUNNING, heartbeat_at__lt=now - IMPORT_LEASE
    )
    claimed = ProductImportJob.objects.filter(claimable, pk=job_id).update(
        status=ImportJobStatus.RUNNING,
        attempts=F("attempts") + 1,
        heartbeat_at=now,
        started_at=Coalesce("started_at", Value(now)),
    )
    return ProductImportJob.objects.select_related("vendor", "created_by").get(pk=job_id) if claimed else None


def _finish_import_job(job: ProductImportJob, *, status: str, message: str = "") -> None:
    with transaction.atomic():
        fields = {"status": status, "finished_at": timezone.now(), "message": message, "file": ""}
        if status == ImportJobStatus.DONE:
            fields["processed_rows"] = F("total_rows")
        ProductImportJob.objects.filter(pk=job.pk).update(**fields)
        name = job.file.name
        if name:
            transaction.on_commit(lambda: job.file.storage.delete(name))


def run_product_import(job_id: int) -> ProductImportJob | None:
    """Import a queued job's file in batches; each batch commits with the job's progress.

    Safe to run twice or after a crash: the claim lets one runner at a time in, and a
    resumed job skips the valid rows already committed (``valid_done``).
    """
    from .importers import ImportFileError, parse_product_file

    job = _claim_import_job(job_id)
    if job is None:
        return None
    if job.attempts > IMPORT_MAX_ATTEMPTS:
        _finish_import_job(
            job,
            status=ImportJobStatus.FAILED,
            message=_(
                "Impor terhenti berulang kali. Unggah ulang berkasnya; baris yang sudah masuk tetap ada."
            ),
        )
        return job
    try:
        with job.file.open("rb") as handle:
            parsed = parse_product_file(_NamedFile(handle, job.original_name))
    except ImportFileError as exc:
        _finish_import_job(job, status=ImportJobStatus.FAILED, message=exc.message)
        return job
    except FileNotFoundError:
        _finish_import_job(job, status=ImportJobStatus.FAILED, message=_("Berkas unggahan tidak ditemukan."))
        return job
    if job.valid_done == 0:
        ProductImportJob.objects.filter(pk=job.pk).update(
            total_rows=parsed.total_rows,
            processed_rows=len(parsed.errors),
            errors=[list(e) for e in parsed.errors],
            heartbeat_at=timezone.now(),
        )
    remaining = parsed.rows[job.valid_done :]
    for start in range(0, len(remaining), IMPORT_BATCH_SIZE):
        batch = remaining[start : start + IMPORT_BATCH_SIZE]
        with transaction.atomic():
            current = ProductImportJob.objects.select_for_update().get(pk=job.pk)
            if current.status != ImportJobStatus.RUNNING or current.attempts != job.attempts:
                return current  # another runner took over
            created, errors = _create_import_rows(job.vendor, batch, by=job.created_by)
            current.valid_done += len(batch)
            current.processed_rows += len(batch)
            current.created_count += len(created)
            current.errors = current.errors + [list(e) for e in errors]
            current.heartbeat_at = timezone.now()
            current.save(
                update_fields=["valid_done", "processed_rows", "created_count", "errors", "heartbeat_at"]
            )
    with transaction.atomic():
        current = ProductImportJob.objects.select_for_update().get(pk=job.pk)
        current.errors = sorted(current.errors)
        current.save(update_fields=["errors"])
        _finish_import_job(current, status=ImportJobStatus.DONE)
    job.refresh_from_db()
    return job


class _NamedFile:
    """A stored file handle with the name the vendor uploaded (the reader picks CSV/XLSX by name)."""

    def __init__(self, handle, name: str):
        self._handle, self.name = handle, name
        self.size = handle.size if hasattr(handle, "size") else None

    def seek(self, *args):
        return self._handle.seek(*args)

    def read(self, *args):
        return self._handle.read(*args)


def import_jobs_to_resume():
    """Jobs whose task was lost (broker down when queued) or whose worker died."""
    now = timezone.now()
    return ProductImportJob.objects.filter(
        Q(status=ImportJobStatus.QUEUED, created_at__lt=now - timedelta(minutes=1))
        | Q(status=ImportJobStatus.RUNNING, heartbeat_at__lt=now - IMPORT_LEASE)
    ).values_list("pk", flat=True)


def _validation_message(exc: ValidationError) -> str:
    if not hasattr(exc, "error_dict"):
        return " ".join(exc.messages)
    return "; ".join(
        " ".join(messages) if name == "__all__" else f"{name}: {' '.join(messages)}"
        for name, messages in exc.message_dict.items()
    )
