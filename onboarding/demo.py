"""Demo outreach events, registrations made at them (one waiting for its owner) and help tickets.

Called by ``seed_demo``; does nothing when outreach events already exist.
"""

import hashlib
from datetime import timedelta

from django.core.files.base import ContentFile
from django.utils import timezone

from catalog.demo_files import make_pdf
from catalog.models import Kecamatan, Vendor, VendorStatus

from .models import DraftDocument, DraftStatus, DraftStep, HelpTicket, OutreachEvent, RegistrationDraft

# The owner's link of the demo registration waiting for confirmation (README: demo accounts).
DEMO_CONFIRM_TOKEN = "demo-konfirmasi-pemilik"


def seed_onboarding(*, staff: dict, stdout=None) -> None:
    if OutreachEvent.objects.exists():
        return
    kecamatan = list(Kecamatan.objects.order_by("name"))
    if not kecamatan:
        return
    manager = staff.get("pengelola")
    today = timezone.localdate()
    events = []
    for i, place in enumerate(kecamatan[1:] or kecamatan):
        kelurahan = place.kelurahan_set.order_by("name").first()
        events.append(
            OutreachEvent.objects.create(
                name=f"Pendampingan UMKM {place.name}",
                held_on=today - timedelta(days=20 + 15 * i),
                kecamatan=place,
                kelurahan=kelurahan,
                place=f"Balai {kelurahan}" if kelurahan else "Kantor Kecamatan",
                notes="Pendaftaran penyedia mikro dengan pendampingan BPBJ.",
                created_by=manager,
            )
        )
    # Pending vendors of each event's kecamatan count as registered there.
    for event in events:
        for vendor in Vendor.objects.filter(
            kecamatan=event.kecamatan, status=VendorStatus.PENDING, registration__isnull=True
        )[:2]:
            RegistrationDraft.objects.create(
                event=event,
                assisted_by=manager,
                status=DraftStatus.COMPLETED,
                step=DraftStep.REVIEW,
                data={
                    "business_name": vendor.business_name,
                    "owner_name": vendor.owner_name,
                    "email": vendor.email,
                },
                vendor=vendor,
                completed_at=timezone.now(),
            )
    event = events[0]
    kelurahan = event.kelurahan or event.kecamatan.kelurahan_set.first()
    waiting = RegistrationDraft.objects.create(
        event=event,
        assisted_by=manager,
        status=DraftStatus.AWAITING_OWNER,
        step=DraftStep.REVIEW,
        data={
            "business_name": "Keripik Kentang Bu Murni",
            "owner_name": "Murni Lestari",
            "nib": "9120000000777",
            "kbli": "10792",
            "npwp": "012345678900777",
            "scale": "mikro",
            "is_pkp": False,
            "address": f"Dusun Krajan RT 02, {kelurahan.name}" if kelurahan else "Dusun Krajan RT 02",
            "kecamatan": event.kecamatan_id,
            "kelurahan": kelurahan.pk if kelurahan else None,
            "phone": "081234500777",
            "email": "murni@demo.ekatalog.local",
            "bank_name": "Bank Jatim",
            "bank_account_number": "0012300777",
            "bank_account_name": "Murni Lestari",
            "description": "Keripik kentang dan singkong dari kebun sendiri.",
        },
        confirm_token_hash=hashlib.sha256(DEMO_CONFIRM_TOKEN.encode()).hexdigest(),
        confirm_expires_at=timezone.now() + timedelta(days=365),
    )
    DraftDocument.objects.create(
        draft=waiting,
        kind="pirt",
        number="P-IRT 2063579010777-29",
        file=ContentFile(
            make_pdf("SPP-IRT", ["Keripik Kentang Bu Murni", "P-IRT 2063579010777-29"]), "pirt.pdf"
        ),
        original_name="pirt-bu-murni.pdf",
    )
    HelpTicket.objects.create(
        name="Murni Lestari",
        phone="081234500777",
        topic=HelpTicket.Topic.REGISTRATION,
        message="Saya belum menerima email konfirmasi setelah didaftarkan di balai desa.",
        page="/daftar/",
    )
    HelpTicket.objects.create(
        name="Penyedia demo",
        email="penyedia@demo.ekatalog.local",
        topic=HelpTicket.Topic.PAYMENT,
        message="Pembayaran pesanan bulan lalu belum masuk, bagaimana cara mengajukan keluhan?",
        status=HelpTicket.Status.IN_PROGRESS,
        bpbj_note="Diarahkan ke tombol keluhan pembayaran di halaman pesanan.",
        handled_by=manager,
    )
    if stdout is not None:
        stdout.write(
            f"{len(events)} kegiatan pendampingan, 1 pendaftaran menunggu konfirmasi pemilik, 2 tiket bantuan."
        )
