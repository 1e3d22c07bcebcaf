"""What waits for each role now, oldest first, with its deadline: the home pages.

Each section is one query for its first ``LIMIT`` rows plus one count, whatever the
number of rows (tested); deadlines are computed in Python from one calendar read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import Exists, F, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from catalog.models import Product, ProductStatus, Vendor, VendorChangeRequest, VendorDocument, VendorStatus
from catalog.money import format_rupiah

from .deadlines import Clock, order_clock
from .models import (
    AddendumStatus,
    ComplaintStatus,
    LatePaymentComplaint,
    NegotiationOffer,
    OPDMember,
    Order,
    OrderStatus,
    Payment,
    Receipt,
)
from .workdays import Calendar, calendar

S = OrderStatus
LIMIT = 20


@dataclass
class Item:
    label: str
    url: str
    since: datetime | date | None
    detail: str = ""
    clock: Clock | None = None


@dataclass
class Section:
    key: str
    title: str
    items: list[Item] = field(default_factory=list)
    total: int = 0
    more_url: str = ""

    @property
    def more(self) -> int:
        return max(0, self.total - len(self.items))


def _last_offer_action():
    return Subquery(
        NegotiationOffer.objects.filter(order=OuterRef("pk")).order_by("-id").values("action")[:1]
    )


def _order_section(key, title, qs, *, cal, today, since, more_url="") -> Section:
    """Orders of ``qs`` oldest first by ``since`` (a field name), each with its running clock."""
    qs = qs.select_related("opd", "vendor")
    total = qs.count()
    rows = list(qs.order_by(F(since).asc(nulls_first=True), "id")[:LIMIT])
    items = [
        Item(
            label=order.number,
            url=order.get_absolute_url(),
            since=getattr(order, since),
            detail=f"{order.opd} · {order.vendor} · {format_rupiah(order.total)}",
            clock=order_clock(order, cal=cal, today=today),
        )
        for order in rows
    ]
    return Section(key, str(title), items, total, more_url)


def _installments_due(orders):
    """Orders before full receipt with an advance not yet paid or a BAST whose termin is not."""
    unpaid_bast = Receipt.objects.filter(order=OuterRef("pk")).exclude(payments__isnull=False)
    advance_paid = Payment.objects.filter(order=OuterRef("pk"), kind=Payment.Kind.ADVANCE)
    return orders.filter(status__in=(S.ACCEPTED, S.SHIPPED, S.PARTIALLY_RECEIVED)).filter(
        Q(advance_percent__gt=0, sp_number__gt="") & ~Exists(advance_paid)
        | Q(pay_per_bast=True) & Exists(unpaid_bast)
    )


def _context(cal: Calendar | None, today: date | None):
    return cal or calendar(), today or timezone.localdate()


def opd_sections(user, *, cal: Calendar | None = None, today: date | None = None) -> list[Section]:
    """An OPD official's home: what their position must do for their OPD's orders."""
    membership = user.opd_membership
    if membership is None:
        return []
    cal, today = _context(cal, today)
    orders = Order.objects.filter(opd_id=membership.opd_id)
    list_url = reverse("procurement:order_list")
    position = membership.position
    if position == OPDMember.Position.PA:
        return [
            _order_section(
                "to_approve",
                _("Pesanan menunggu persetujuan Anda"),
                orders.filter(status=S.PENDING_APPROVAL),
                cal=cal,
                today=today,
                since="status_changed_at",
                more_url=f"{list_url}?status={S.PENDING_APPROVAL}",
            ),
            _order_section(
                "addenda_to_approve",
                _("Adendum menunggu persetujuan Anda"),
                orders.filter(addenda__status=AddendumStatus.PENDING_APPROVAL),
                cal=cal,
                today=today,
                since="updated_at",
            ),
            _order_section(
                "payment_overdue",
                _("Pembayaran lewat tenggat (dieskalasi)"),
                orders.filter(status=S.RECEIVED, payment_overdue_at__isnull=False),
                cal=cal,
                today=today,
                since="received_at",
            ),
        ]
    if position == OPDMember.Position.TREASURER:
        return [
            _order_section(
                "to_pay",
                _("BAST menunggu pembayaran"),
                orders.filter(status=S.RECEIVED),
                cal=cal,
                today=today,
                since="received_at",
                more_url=f"{list_url}?status={S.RECEIVED}",
            ),
            _order_section(
                "installments_to_pay",
                _("Uang muka dan termin menunggu pembayaran"),
                _installments_due(orders),
                cal=cal,
                today=today,
                since="updated_at",
            ),
        ]
    # PP/PPK: deliveries to receive, negotiations waiting for their answer.
    return [
        _order_section(
            "to_receive",
            _("Barang untuk diterima (BAST)"),
            orders.filter(status__in=(S.SHIPPED, S.PARTIALLY_RECEIVED)),
            cal=cal,
            today=today,
            since="shipped_at",
        ),
        _order_section(
            "negotiations",
            _("Negosiasi menunggu jawaban Anda"),
            orders.filter(status=S.NEGOTIATING)
            .annotate(last_action=_last_offer_action())
            .filter(last_action=NegotiationOffer.Action.COUNTER),
            cal=cal,
            today=today,
            since="status_changed_at",
        ),
    ]


def vendor_sections(vendor, *, cal: Calendar | None = None, today: date | None = None) -> list[Section]:
    """A vendor's home: orders to answer, to ship, and payments due to it."""
    if vendor is None:
        return []
    cal, today = _context(cal, today)
    orders = Order.objects.filter(vendor=vendor)
    inbox = reverse("procurement:vendor_inbox")
    to_answer = orders.annotate(last_action=_last_offer_action()).filter(
        Q(status=S.SENT) | Q(status=S.NEGOTIATING, last_action=NegotiationOffer.Action.PROPOSE)
    )
    return [
        _order_section(
            "to_answer",
            _("Pesanan untuk dijawab"),
            to_answer,
            cal=cal,
            today=today,
            since="status_changed_at",
            more_url=f"{inbox}?tab=new",
        ),
        _order_section(
            "to_ship",
            _("Pesanan untuk dikirim"),
            orders.filter(status=S.ACCEPTED),
            cal=cal,
            today=today,
            since="needed_by",
            more_url=f"{inbox}?tab=to_ship",
        ),
        _order_section(
            "payments_due",
            _("Pembayaran yang ditunggu"),
            orders.filter(status=S.RECEIVED),
            cal=cal,
            today=today,
            since="received_at",
        ),
        _opportunities(vendor),
    ]


def _opportunities(vendor) -> Section:
    """Open mini-kompetisi the vendor is invited to ("Peluang"), closing first."""
    from competition.selectors import vendor_opportunities

    qs = vendor_opportunities(vendor)
    rows = list(qs[:LIMIT])
    items = [
        Item(
            f"{c.number} · {c.title}",
            c.get_absolute_url(),
            c.offer_deadline,
            f"{c.opd} · {c.category} · {_('ditutup')} {timezone.localtime(c.offer_deadline):%d-%m-%Y %H:%M}",
        )
        for c in rows
    ]
    return Section(
        "opportunities", _("Peluang: undangan mini-kompetisi"), items, qs.count(), reverse("competition:list")
    )


# BPBJ's queues, in display order; each takes no argument and returns a Section.
def _vendors_waiting() -> Section:
    qs = Vendor.objects.filter(status=VendorStatus.PENDING)
    rows = list(qs.select_related("kecamatan").order_by("created_at", "id")[:LIMIT])
    items = [
        Item(
            v.business_name,
            reverse("catalog:vendor_review", args=[v.pk]),
            v.created_at,
            f"{v.get_scale_display()} · {v.kecamatan}",
        )
        for v in rows
    ]
    return Section(
        "vendors",
        str(_("Penyedia menunggu verifikasi")),
        items,
        qs.count(),
        reverse("catalog:vendor_queue"),
    )


def _change_requests_waiting() -> Section:
    qs = VendorChangeRequest.objects.filter(status=VendorChangeRequest.Status.PENDING)
    rows = list(qs.select_related("vendor").order_by("created_at", "id")[:LIMIT])
    items = [
        Item(
            c.vendor.business_name,
            reverse("catalog:change_request_queue") + f"#perubahan-{c.pk}",
            c.created_at,
            # A bank-account change is the classic payment-diversion fraud: say so in the list.
            ", ".join(c.field_labels()) + (f" · {_('rekening bank')}" if c.touches_bank_account else ""),
        )
        for c in rows
    ]
    return Section(
        "change_requests",
        str(_("Permintaan perubahan data penyedia")),
        items,
        qs.count(),
        reverse("catalog:change_request_queue"),
    )


def _products_waiting() -> Section:
    qs = Product.objects.filter(status=ProductStatus.SUBMITTED)
    rows = list(qs.select_related("vendor").order_by(F("submitted_at").asc(nulls_first=True), "id")[:LIMIT])
    items = [
        Item(
            p.name,
            reverse("catalog:product_review", args=[p.pk]),
            p.submitted_at,
            f"{p.vendor} · {format_rupiah(p.price)}",
        )
        for p in rows
    ]
    return Section(
        "products",
        str(_("Produk menunggu kurasi")),
        items,
        qs.count(),
        reverse("catalog:curation_queue"),
    )


def _documents_waiting() -> Section:
    qs = VendorDocument.objects.filter(verified_at__isnull=True, vendor__status=VendorStatus.VERIFIED)
    rows = list(qs.select_related("vendor").order_by("uploaded_at", "id")[:LIMIT])
    items = [
        Item(
            f"{d.get_kind_display()} – {d.vendor}",
            reverse("catalog:vendor_review", args=[d.vendor_id]) + "#dokumen",
            d.uploaded_at,
            (_("berlaku s.d. %(d)s") % {"d": d.valid_until.strftime("%d-%m-%Y")}) if d.valid_until else "",
        )
        for d in rows
    ]
    return Section("documents", str(_("Dokumen penyedia menunggu verifikasi")), items, qs.count())


def _complaints_waiting() -> Section:
    qs = LatePaymentComplaint.objects.filter(status=ComplaintStatus.OPEN)
    rows = list(qs.select_related("order", "order__opd", "vendor").order_by("created_at", "id")[:LIMIT])
    items = [
        Item(
            c.order.number,
            c.order.get_absolute_url() + "#keluhan",
            c.created_at,
            f"{c.vendor} → {c.order.opd} · {format_rupiah(c.order.total)}",
        )
        for c in rows
    ]
    return Section(
        "complaints",
        str(_("Keluhan keterlambatan pembayaran")),
        items,
        qs.count(),
        reverse("procurement:complaint_queue"),
    )


def _tickets_waiting() -> Section:
    from onboarding.worklist import tickets_waiting

    return tickets_waiting()


BPBJ_SECTIONS = [
    _vendors_waiting,
    _change_requests_waiting,
    _products_waiting,
    _documents_waiting,
    _complaints_waiting,
    _tickets_waiting,
]


def bpbj_sections(*, cal: Calendar | None = None, today: date | None = None) -> list[Section]:
    cal, today = _context(cal, today)
    sections = [build() for build in BPBJ_SECTIONS]
    sections.append(
        _order_section(
            "payment_overdue",
            _("Pembayaran OPD lewat tenggat"),
            Order.objects.filter(status=S.RECEIVED, payment_overdue_at__isnull=False),
            cal=cal,
            today=today,
            since="received_at",
        )
    )
    return sections
