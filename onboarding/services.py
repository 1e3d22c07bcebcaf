"""Writes of vendor onboarding: resumable registration drafts, assisted registration with the
owner's confirmation, outreach events, and help-desk tickets.

The vendor itself is created only by ``catalog.services.register_vendor`` (same rules as ever);
this module keeps what was entered until then, so no error loses a file or a password.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog import services as catalog_services
from catalog.images import process_document
from catalog.models import Kecamatan, Kelurahan, Vendor, VendorDocument, VendorStatus
from outbox import services as outbox

from .models import DraftDocument, DraftStatus, DraftStep, HelpTicket, OutreachEvent, RegistrationDraft

CatalogError = catalog_services.CatalogError
STEP_ORDER = [DraftStep.ACCOUNT, DraftStep.BUSINESS, DraftStep.DOCUMENTS, DraftStep.REVIEW]


def _lock(draft: RegistrationDraft) -> RegistrationDraft:
    return RegistrationDraft.objects.select_for_update().get(pk=draft.pk)


def _require_open(draft: RegistrationDraft) -> None:
    if draft.status != DraftStatus.OPEN:
        raise CatalogError(_("Pendaftaran ini sudah dikirim dan tidak dapat diubah lagi."))


def _reach(draft: RegistrationDraft, step: str) -> None:
    """Remember the furthest step reached (never moves back)."""
    if STEP_ORDER.index(step) > STEP_ORDER.index(draft.step):
        draft.step = step


# --------------------------------------------------------------------------- drafts


def start_draft(*, event: OutreachEvent | None = None, by=None) -> RegistrationDraft:
    """A new draft; an assisted one (at an outreach event, by BPBJ staff) starts at the business step."""
    draft = RegistrationDraft(event=event, assisted_by=by if event else None)
    if event is not None:
        draft.step = DraftStep.BUSINESS
        kecamatan_id = event.kecamatan_id
        draft.data = {"kecamatan": kecamatan_id, "kelurahan": event.kelurahan_id}
    draft.save()
    return draft


@transaction.atomic
def save_account(draft: RegistrationDraft, *, username: str, password: str = "") -> RegistrationDraft:
    """Keep the chosen login; an empty ``password`` keeps the one saved before."""
    draft = _lock(draft)
    _require_open(draft)
    draft.username = username
    if password:
        draft.password_hash = make_password(password)
    if not draft.password_hash:
        raise CatalogError(_("Isi kata sandi."))
    _reach(draft, DraftStep.BUSINESS)
    draft.save()
    return draft


def save_password_only(draft: RegistrationDraft, password: str) -> None:
    """A valid password typed next to another error is kept, so it need not be typed again."""
    RegistrationDraft.objects.filter(pk=draft.pk, status=DraftStatus.OPEN).update(
        password_hash=make_password(password), updated_at=timezone.now()
    )


def _to_json(value):
    if hasattr(value, "pk"):
        return value.pk
    return value


@transaction.atomic
def save_business(draft: RegistrationDraft, data: dict, *, complete: bool = True) -> RegistrationDraft:
    """Keep the business fields (``complete=False``: what was valid next to an error, kept too)."""
    draft = _lock(draft)
    _require_open(draft)
    fields = {k: _to_json(v) for k, v in data.items() if k in catalog_services.VENDOR_PROFILE_FIELDS}
    draft.data = {**draft.data, **fields}
    if complete:
        _reach(draft, DraftStep.DOCUMENTS)
    draft.save()
    return draft


@transaction.atomic
def add_draft_document(
    draft: RegistrationDraft, *, kind: str, upload, number: str = "", valid_until=None
) -> DraftDocument:
    """Store an uploaded document against the draft at once (one per kind: a new one replaces it)."""
    draft = _lock(draft)
    _require_open(draft)
    if kind not in VendorDocument.Kind.values:
        raise CatalogError(_("Jenis dokumen tidak dikenal."))
    stored = process_document(upload)
    old = draft.documents.filter(kind=kind).first()
    if old is not None:
        _delete_file_on_commit(old)
        old.delete()
    return DraftDocument.objects.create(
        draft=draft,
        kind=kind,
        number=number or "",
        valid_until=valid_until,
        file=stored,
        original_name=str(getattr(upload, "name", ""))[:255],
    )


def _delete_file_on_commit(document: DraftDocument) -> None:
    storage, name = document.file.storage, document.file.name
    transaction.on_commit(lambda: storage.delete(name))


@transaction.atomic
def remove_draft_document(draft: RegistrationDraft, document: DraftDocument) -> None:
    draft = _lock(draft)
    _require_open(draft)
    _delete_file_on_commit(document)
    document.delete()


@transaction.atomic
def finish_documents(draft: RegistrationDraft) -> RegistrationDraft:
    draft = _lock(draft)
    _require_open(draft)
    _reach(draft, DraftStep.REVIEW)
    draft.save()
    return draft


def vendor_data(draft: RegistrationDraft) -> dict:
    """The draft's business fields as ``register_vendor`` takes them (places as objects)."""
    data = dict(draft.data)
    try:
        data["kecamatan"] = Kecamatan.objects.get(pk=data.get("kecamatan"))
        data["kelurahan"] = Kelurahan.objects.get(pk=data.get("kelurahan"))
    except (Kecamatan.DoesNotExist, Kelurahan.DoesNotExist, ValueError, TypeError):
        raise CatalogError(_("Lengkapi data usaha terlebih dahulu.")) from None
    missing = [name for name in ("business_name", "owner_name", "nib", "npwp", "scale") if not data.get(name)]
    if missing:
        raise CatalogError(_("Lengkapi data usaha terlebih dahulu."))
    return data


def _validation_text(exc: ValidationError) -> str:
    if hasattr(exc, "message_dict"):
        return " ".join(f"{m}" for messages in exc.message_dict.values() for m in messages)
    return " ".join(exc.messages)


def _create_vendor(draft: RegistrationDraft, *, username: str, password_hash: str, note: str) -> Vendor:
    try:
        vendor = catalog_services.register_vendor(
            username=username, password_hash=password_hash, vendor_data=vendor_data(draft), note=note
        )
    except ValidationError as exc:
        raise CatalogError(_validation_text(exc)) from None
    # The stored files become the vendor's documents as they are (already checked and re-encoded).
    for document in draft.documents.all():
        VendorDocument.objects.create(
            vendor=vendor,
            kind=document.kind,
            number=document.number,
            valid_until=document.valid_until,
            file=document.file.name,
        )
    draft.status = DraftStatus.COMPLETED
    draft.vendor = vendor
    draft.completed_at = timezone.now()
    draft.confirm_token_hash = ""
    draft.password_hash = ""
    draft.save()
    return vendor


@transaction.atomic
def submit_draft(draft: RegistrationDraft) -> Vendor:
    """Self-registration's last step: the vendor and its documents, ``pending`` for BPBJ."""
    draft = _lock(draft)
    _require_open(draft)
    if draft.is_assisted:
        raise CatalogError(_("Pendaftaran dengan pendampingan dikonfirmasi oleh pemilik usaha."))
    if not (draft.username and draft.password_hash):
        raise CatalogError(_("Lengkapi akun terlebih dahulu."))
    return _create_vendor(draft, username=draft.username, password_hash=draft.password_hash, note="")


def purge_stale_drafts(*, now=None) -> int:
    """Delete unfinished drafts untouched for ``REGISTRATION_DRAFT_DAYS`` (an owner's link must have
    expired too), with their files: people's data and documents are not kept forever."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.REGISTRATION_DRAFT_DAYS)
    stale = RegistrationDraft.objects.filter(updated_at__lt=cutoff).filter(
        Q(status=DraftStatus.OPEN) | Q(status=DraftStatus.AWAITING_OWNER, confirm_expires_at__lt=now)
    )
    removed = 0
    for draft_id in stale.values_list("id", flat=True):
        with transaction.atomic():
            draft = (
                RegistrationDraft.objects.select_for_update()
                .filter(pk=draft_id, updated_at__lt=cutoff)
                .first()
            )
            if draft is None or draft.status == DraftStatus.COMPLETED:
                continue
            for document in draft.documents.all():
                _delete_file_on_commit(document)
            draft.delete()
            removed += 1
    return removed


# --------------------------------------------------------------------------- assisted registration


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def confirmation_path(token: str) -> str:
    return reverse("onboarding:owner_confirm", args=[token])


@transaction.atomic
def send_for_owner_confirmation(draft: RegistrationDraft, *, by, base_url: str) -> str:
    """BPBJ hands an assisted draft to its owner: a one-time link by e-mail (and shown on screen).

    Returns the token. Sending again makes a new link; the earlier one stops working.
    """
    draft = _lock(draft)
    if not draft.is_assisted:
        raise CatalogError(_("Hanya pendaftaran dengan pendampingan yang dikonfirmasi lewat tautan."))
    if draft.status not in (DraftStatus.OPEN, DraftStatus.AWAITING_OWNER):
        raise CatalogError(_("Pendaftaran ini sudah selesai."))
    data = vendor_data(draft)
    if Vendor.objects.filter(nib=data["nib"]).exists():
        raise CatalogError(_("NIB ini sudah terdaftar sebagai penyedia."))
    token = secrets.token_urlsafe(32)
    draft.confirm_token_hash = _hash(token)
    draft.confirm_expires_at = timezone.now() + timedelta(days=settings.OWNER_CONFIRMATION_DAYS)
    draft.status = DraftStatus.AWAITING_OWNER
    draft.save()
    link = base_url.rstrip("/") + confirmation_path(token)
    body = _(
        "Yth. %(owner)s,\n\nPetugas %(agency)s telah membantu mendaftarkan %(business)s sebagai penyedia "
        "E-Katalog Lokal pada kegiatan %(event)s. Periksa datanya, buat nama pengguna dan kata sandi "
        "Anda, lalu konfirmasi melalui tautan berikut (sekali pakai, berlaku %(days)s hari):\n\n%(link)s\n\n"
        "Jika Anda tidak merasa didaftarkan, abaikan email ini; data tidak akan dipakai."
    ) % {
        "owner": data.get("owner_name", ""),
        "agency": settings.AGENCY_NAME,
        "business": data.get("business_name", ""),
        "event": draft.event.name,
        "days": settings.OWNER_CONFIRMATION_DAYS,
        "link": link,
    }
    outbox.queue_email(
        to=data.get("email", ""),
        subject=_("Konfirmasi pendaftaran %(business)s di E-Katalog Lokal")
        % {"business": data.get("business_name", "")},
        body=body,
    )
    return token


def draft_for_token(token: str) -> RegistrationDraft | None:
    """The assisted draft a confirmation link points to, while the link is unused and valid."""
    if not token or len(token) > 100:
        return None
    return (
        RegistrationDraft.objects.select_related("event", "event__kecamatan")
        .filter(
            confirm_token_hash=_hash(token),
            status=DraftStatus.AWAITING_OWNER,
            confirm_expires_at__gt=timezone.now(),
        )
        .first()
    )


@transaction.atomic
def confirm_by_owner(token: str, *, username: str, password: str = "", password_hash: str = "") -> Vendor:
    """The owner agrees to the data and picks the login: the vendor is created, the link is spent."""
    found = draft_for_token(token)
    if found is None:
        raise CatalogError(
            _("Tautan konfirmasi ini sudah dipakai atau kedaluwarsa. Minta tautan baru ke BPBJ.")
        )
    draft = _lock(found)
    # Re-checked under the lock: two clicks at once create one vendor.
    if draft.status != DraftStatus.AWAITING_OWNER or draft.confirm_token_hash != _hash(token):
        raise CatalogError(
            _("Tautan konfirmasi ini sudah dipakai atau kedaluwarsa. Minta tautan baru ke BPBJ.")
        )
    note = _("Didaftarkan dengan pendampingan (%(event)s), dikonfirmasi pemilik") % {"event": draft.event}
    if not (password or password_hash):
        raise CatalogError(_("Isi kata sandi."))
    return _create_vendor(
        draft, username=username, password_hash=password_hash or make_password(password), note=note
    )


# --------------------------------------------------------------------------- outreach


def create_event(*, data: dict, by) -> OutreachEvent:
    event = OutreachEvent(created_by=by, **data)
    try:
        event.full_clean()
    except ValidationError as exc:
        raise CatalogError(_validation_text(exc)) from None
    event.save()
    return event


def reach_by_kecamatan() -> list[dict]:
    """Per kecamatan: verified and waiting vendors, outreach events held and vendors registered at
    them, so BPBJ sees where the catalogue does not reach yet. A fixed number of queries."""
    vendors = dict(
        Vendor.objects.values_list("kecamatan")
        .annotate(n=Count("id", filter=Q(status=VendorStatus.VERIFIED)))
        .order_by()
    )
    waiting = dict(
        Vendor.objects.filter(status=VendorStatus.PENDING)
        .values_list("kecamatan")
        .annotate(n=Count("id"))
        .order_by()
    )
    events = dict(OutreachEvent.objects.values_list("kecamatan").annotate(n=Count("id")).order_by())
    registered = dict(
        RegistrationDraft.objects.filter(event__isnull=False, status=DraftStatus.COMPLETED)
        .values_list("event__kecamatan")
        .annotate(n=Count("id"))
        .order_by()
    )
    awaiting = dict(
        RegistrationDraft.objects.filter(event__isnull=False, status=DraftStatus.AWAITING_OWNER)
        .values_list("event__kecamatan")
        .annotate(n=Count("id"))
        .order_by()
    )
    rows = []
    for kecamatan in Kecamatan.objects.all():
        rows.append(
            {
                "kecamatan": kecamatan,
                "verified": vendors.get(kecamatan.pk, 0),
                "waiting": waiting.get(kecamatan.pk, 0),
                "events": events.get(kecamatan.pk, 0),
                "registered": registered.get(kecamatan.pk, 0),
                "awaiting": awaiting.get(kecamatan.pk, 0),
            }
        )
    rows.sort(key=lambda row: (row["verified"], row["kecamatan"].name))
    return rows


# --------------------------------------------------------------------------- help desk


def _bpbj_users():
    from procurement.services import _bpbj_users

    return _bpbj_users()


@transaction.atomic
def open_ticket(*, data: dict, user=None, page: str = "") -> HelpTicket:
    """A question from the contact form, in BPBJ's queue; BPBJ staff are told at once."""
    ticket = HelpTicket(user=user if user and user.is_authenticated else None, page=page[:300], **data)
    ticket.full_clean()
    ticket.save()
    outbox.notify_users(
        _bpbj_users(),
        _("Tiket bantuan baru #%(n)s: %(topic)s dari %(name)s")
        % {"n": ticket.pk, "topic": ticket.get_topic_display(), "name": ticket.name},
        url=reverse("onboarding:ticket_detail", args=[ticket.pk]),
    )
    return ticket


@transaction.atomic
def update_ticket(*, ticket: HelpTicket, status: str, note: str, by) -> HelpTicket:
    ticket = HelpTicket.objects.select_for_update().get(pk=ticket.pk)
    if status not in HelpTicket.Status.values:
        raise CatalogError(_("Status tiket tidak dikenal."))
    ticket.status = status
    ticket.bpbj_note = note
    ticket.handled_by = by
    ticket.save(update_fields=["status", "bpbj_note", "handled_by", "updated_at"])
    if ticket.user_id:
        outbox.queue_in_app(
            user=ticket.user,
            message=_("Tiket bantuan #%(n)s: %(status)s")
            % {"n": ticket.pk, "status": ticket.get_status_display()},
            url=reverse("onboarding:help_index"),
        )
    return ticket
