"""Every write of a mini-kompetisi, and the rules each one enforces.

Same pattern as procurement.services: lock the competition row, check its status (and the
server's clock for the offer and confirmation deadlines), write, append a CompetitionEvent and
notify through the outbox. The HPS is held against the RUP package with the same conditional
UPDATE an order uses, and released when the competition fails, is cancelled or becomes an order.
Lock order: competition → RUP package (the order services then lock as they always do).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog.models import UMK_SCALES, Category, Product, ProductStatus, Vendor, VendorStatus
from catalog.money import format_rupiah, to_rupiah
from ecatalog.params import parse_id
from procurement import services as orders
from procurement.models import OPDMember, Order, OrderLine, OrderStatus
from procurement.workdays import calendar

from .models import (
    HOLDING_STATUSES,
    Competition,
    CompetitionEvent,
    CompetitionItem,
    CompetitionStatus,
    Invitation,
    Offer,
    OfferLine,
)

CS = CompetitionStatus
MAX_ITEMS = 20


class CompetitionError(orders.ProcurementError):
    """A rule refused the step; ``message`` is shown to the user as is (Indonesian)."""


# --------------------------------------------------------------------------------------
# Clock and preference arithmetic
# --------------------------------------------------------------------------------------


def end_of_day(day) -> datetime:
    """The first moment after ``day`` in the city's time zone (a deadline "by the end of" it)."""
    return timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))


def earliest_offer_deadline(now=None) -> datetime:
    """Vendors get at least COMPETITION_MIN_OFFER_DAYS full working days after the day it starts."""
    day = calendar().add_working_days(now or timezone.now(), settings.COMPETITION_MIN_OFFER_DAYS)
    return end_of_day(day)


def confirm_deadline(now=None) -> datetime:
    day = calendar().add_working_days(now or timezone.now(), settings.COMPETITION_CONFIRM_DAYS)
    return end_of_day(day)


def preference_factor(tkdn) -> Decimal:
    """The domestic-content price preference KP for an offer with this TKDN (%).

    Goods with a TKDN of at least COMPETITION_TKDN_MIN (25%) get KP = TKDN × the highest
    preference (25%); below it none. The evaluated price is price / (1 + KP).
    """
    tkdn = Decimal(tkdn or 0)
    if tkdn < Decimal(settings.COMPETITION_TKDN_MIN):
        return Decimal("0")
    return (tkdn / 100) * Decimal(settings.COMPETITION_TKDN_MAX_PREFERENCE)


def evaluated_total(total, tkdn) -> Decimal:
    return to_rupiah(Decimal(total) / (1 + preference_factor(tkdn)))


# --------------------------------------------------------------------------------------
# Who may see and do what
# --------------------------------------------------------------------------------------


def _buyer_membership(user, competition: Competition | None = None) -> OPDMember:
    membership = orders._ensure_buyer(user)
    if competition is not None and membership.opd_id != competition.opd_id:
        raise CompetitionError(_("Mini-kompetisi ini bukan milik OPD Anda."))
    return membership


def visible_to(user):
    """Competitions ``user`` may open: own OPD's, invited vendor's, all for BPBJ."""
    qs = Competition.objects.select_related("opd", "category", "rup_package")
    if not user.is_authenticated:
        return qs.none()
    if user.is_bpbj:
        return qs
    if user.is_buyer:
        membership = user.opd_membership
        return qs.filter(opd_id=membership.opd_id) if membership else qs.none()
    vendor = user.vendor_profile
    if vendor is None:
        return qs.none()
    return qs.filter(invitations__vendor=vendor)


def eligible_vendors(competition: Competition):
    """Verified vendors to invite: with published products in the category (or a sub-category);
    a request for quotation also reaches those with any product there or in its kecamatan."""
    categories = [competition.category_id, *competition.category.children.values_list("pk", flat=True)]
    in_category = Q(
        products__category_id__in=categories,
        products__status=ProductStatus.PUBLISHED,
    )
    if competition.kind == Competition.Kind.RFQ:
        in_category = Q(products__category_id__in=categories)
        if competition.kecamatan_id:
            in_category |= Q(kecamatan_id=competition.kecamatan_id)
    qs = Vendor.objects.filter(in_category, status=VendorStatus.VERIFIED)
    if competition.reserve_umk:
        qs = qs.filter(scale__in=UMK_SCALES)
    if competition.reserve_local:
        qs = qs.filter(is_local=True)
    return qs.distinct().select_related("user")


def _event(competition: Competition, *, by, role: str, action: str, note: str = "") -> None:
    CompetitionEvent.objects.create(
        competition=competition, actor=by, actor_role=role, action=action, note=note
    )


def _notify(competition: Competition, users, message: str) -> None:
    orders.notify_users(users, f"{competition.number}: {message}", url=competition.get_absolute_url())


def _opd_buyers(competition: Competition):
    return [competition.buyer] if competition.buyer.is_active else []


def _lock(competition: Competition) -> Competition:
    return (
        Competition.objects.select_for_update(of=("self",))
        .select_related("opd", "category", "rup_package", "buyer")
        .get(pk=competition.pk)
    )


# --------------------------------------------------------------------------------------
# Start
# --------------------------------------------------------------------------------------


def _money(value, label) -> Decimal:
    try:
        amount = (
            Decimal(str(value).strip().replace(".", "").replace(",", "")) if value not in (None, "") else None
        )
    except InvalidOperation:
        amount = None
    if (
        amount is None
        or amount != amount.to_integral_value()
        or amount < 0
        or amount > orders.MAX_UNIT_PRICE * 1000
    ):
        raise CompetitionError(_("%(label)s harus berupa bilangan Rupiah bulat.") % {"label": label})
    return amount


@dataclass
class ItemInput:
    specification: str
    quantity: int
    unit: str


def parse_items(rows) -> list[ItemInput]:
    """``rows`` = [(specification, quantity, unit)]; blank rows are skipped."""
    items = []
    for spec, qty, unit in rows:
        spec, unit = (spec or "").strip(), (unit or "").strip()
        if not spec and not str(qty or "").strip():
            continue
        if not spec or not unit:
            raise CompetitionError(_("Setiap barang perlu spesifikasi, jumlah dan satuan."))
        try:
            quantity = orders._parse_quantity(qty)
        except orders.ProcurementError as exc:
            raise CompetitionError(exc.message) from None
        items.append(ItemInput(spec[:2000], quantity, unit[:30]))
    if not items:
        raise CompetitionError(_("Isi paling sedikit satu barang yang diminta."))
    if len(items) > MAX_ITEMS:
        raise CompetitionError(_("Paling banyak %(n)s barang per mini-kompetisi.") % {"n": MAX_ITEMS})
    return items


@transaction.atomic
def start_competition(
    *,
    user,
    package_id,
    title: str,
    category_id,
    items: list[ItemInput],
    hps,
    delivery_address: str,
    needed_by,
    offer_deadline: datetime,
    reserve_umk: bool = False,
    reserve_local: bool = False,
    kind: str = Competition.Kind.MINI,
    kecamatan_id=None,
    from_cart: bool = False,
) -> Competition:
    """Open a competition: the HPS is held against the package, eligible vendors are invited."""
    membership = _buyer_membership(user)
    package = orders.checkout_packages(membership.opd).filter(pk=package_id).first()
    if package is None:
        raise CompetitionError(_("Pilih paket RUP e-purchasing tahun ini milik OPD Anda."))
    category = Category.objects.filter(pk=category_id).first()
    if category is None:
        raise CompetitionError(_("Pilih kategori katalog."))
    title = (title or "").strip()[:200]
    if not title:
        raise CompetitionError(_("Judul wajib diisi."))
    hps = _money(hps, _("HPS"))
    if hps < 1:
        raise CompetitionError(_("HPS harus lebih dari nol."))
    delivery_address = (delivery_address or "").strip()
    if not delivery_address:
        raise CompetitionError(_("Alamat pengiriman wajib diisi."))
    earliest = earliest_offer_deadline()
    if offer_deadline < earliest:
        raise CompetitionError(
            _("Batas penawaran paling cepat %(when)s (%(n)s hari kerja penuh bagi penyedia).")
            % {
                "when": timezone.localtime(earliest).strftime("%d-%m-%Y %H:%M"),
                "n": settings.COMPETITION_MIN_OFFER_DAYS,
            }
        )
    if needed_by < timezone.localtime(offer_deadline).date():
        raise CompetitionError(_("Tanggal dibutuhkan tidak boleh sebelum batas penawaran."))
    if kind not in Competition.Kind.values:
        kind = Competition.Kind.MINI
    competition = Competition.objects.create(
        number=f"tmp-{uuid.uuid4().hex}",
        kind=kind,
        opd=membership.opd,
        buyer=user,
        rup_package=package,
        fiscal_year=package.fiscal_year,
        title=title,
        category=category,
        kecamatan_id=kecamatan_id if kind == Competition.Kind.RFQ else None,
        hps=hps,
        delivery_address=delivery_address[:2000],
        needed_by=needed_by,
        offer_deadline=offer_deadline,
        reserve_umk=bool(reserve_umk),
        reserve_local=bool(reserve_local),
        from_cart=from_cart,
    )
    prefix = "MK" if kind == Competition.Kind.MINI else "RFQ"
    competition.number = f"{prefix}-{competition.fiscal_year}-{competition.pk:05d}"
    competition.save(update_fields=["number"])
    CompetitionItem.objects.bulk_create(
        CompetitionItem(
            competition=competition, specification=i.specification, quantity=i.quantity, unit=i.unit
        )
        for i in items
    )
    try:
        orders._commit_pagu(package.pk, hps)
    except orders.CheckoutError as exc:
        raise CompetitionError(exc.message) from None
    vendors = list(eligible_vendors(competition))
    Invitation.objects.bulk_create(Invitation(competition=competition, vendor=v) for v in vendors)
    _event(
        competition,
        by=user,
        role=orders.ActorRole.BUYER,
        action="started",
        note=_("HPS %(hps)s ditahan dari paket %(kode)s; %(n)s penyedia diundang.")
        % {"hps": format_rupiah(hps), "kode": package.kode_rup, "n": len(vendors)},
    )
    _notify(
        competition,
        [v.user for v in vendors if v.user.is_active],
        _("undangan mini-kompetisi “%(t)s” dari %(opd)s; penawaran ditutup %(when)s.")
        % {
            "t": title,
            "opd": membership.opd,
            "when": timezone.localtime(offer_deadline).strftime("%d-%m-%Y %H:%M"),
        },
    )
    return competition


# --------------------------------------------------------------------------------------
# Offers
# --------------------------------------------------------------------------------------


def offer_totals(vendor: Vendor, lines: list[tuple[CompetitionItem, Decimal]], delivery_cost: Decimal):
    """Offer total as the order would carry it: items and delivery as lines, PPN for a PKP vendor."""
    priced = [(price, item.quantity) for item, price in lines]
    if delivery_cost:
        priced.append((delivery_cost, 1))
    return orders.compute_totals(priced, ppn_rate=orders.ppn_rate_for(vendor))


@transaction.atomic
def submit_offer(
    *,
    competition: Competition,
    user,
    prices: dict,
    products: dict | None = None,
    delivery_cost=0,
    delivery_days=1,
    note="",
) -> Offer:
    """Create or revise the vendor's sealed offer; refused after the deadline or above the HPS."""
    vendor = user.vendor_profile if user.is_authenticated and user.is_vendor else None
    competition = _lock(competition)
    if vendor is None or not Invitation.objects.filter(competition=competition, vendor=vendor).exists():
        raise CompetitionError(_("Anda tidak diundang ke mini-kompetisi ini."))
    if competition.status != CS.OPEN or timezone.now() >= competition.offer_deadline:
        raise CompetitionError(_("Batas penawaran sudah lewat; penawaran tidak dapat dikirim atau diubah."))
    if not vendor.is_verified:
        raise CompetitionError(_("Hanya penyedia terverifikasi yang dapat menawar."))
    items = list(competition.items.all())
    products = products or {}
    lines = []
    chosen = {}
    wanted_products = [pid for pid in (parse_id(products.get(i.pk)) for i in items) if pid]
    own = {p.pk: p for p in Product.objects.filter(pk__in=wanted_products, vendor=vendor)}
    for item in items:
        price = _money(prices.get(item.pk, prices.get(str(item.pk))), _("Harga satuan"))
        if price < 1:
            raise CompetitionError(_("Harga satuan setiap barang wajib diisi."))
        lines.append((item, price))
        pid = parse_id(products.get(item.pk, products.get(str(item.pk))))
        if pid:
            if pid not in own:
                raise CompetitionError(_("Produk yang ditawarkan harus produk Anda sendiri."))
            chosen[item.pk] = own[pid]
    delivery_cost = _money(delivery_cost or 0, _("Ongkos kirim"))
    try:
        delivery_days = int(str(delivery_days).strip())
    except (TypeError, ValueError):
        delivery_days = -1
    if not 0 <= delivery_days <= 365:
        raise CompetitionError(_("Lama pengiriman harus antara 0 dan 365 hari."))
    totals = offer_totals(vendor, lines, delivery_cost)
    if totals.total > competition.hps:
        raise CompetitionError(
            _("Penawaran %(total)s melebihi HPS %(hps)s dan ditolak.")
            % {"total": format_rupiah(totals.total), "hps": format_rupiah(competition.hps)}
        )
    # TKDN of the offer: line values weighted by the TKDN of the catalogue product offered.
    value = sum((t for t in totals.line_totals[: len(lines)]), Decimal("0"))
    weighted = sum(
        (
            t * (chosen[item.pk].tkdn if item.pk in chosen else 0)
            for (item, _p), t in zip(lines, totals.line_totals, strict=False)
        ),
        Decimal("0"),
    )
    tkdn = (weighted / value).quantize(Decimal("0.01")) if value else Decimal("0")
    offer = Offer.objects.filter(competition=competition, vendor=vendor).first()
    revised = offer is not None
    if offer is None:
        offer = Offer(competition=competition, vendor=vendor)
    offer.delivery_cost = delivery_cost
    offer.delivery_days = delivery_days
    offer.note = (note or "").strip()[:2000]
    offer.total = totals.total
    offer.tkdn = tkdn
    offer.evaluated_total = evaluated_total(totals.total, tkdn)
    offer.save()
    offer.lines.all().delete()
    OfferLine.objects.bulk_create(
        OfferLine(
            offer=offer,
            item=item,
            unit_price=price,
            product=chosen.get(item.pk),
            tkdn=chosen[item.pk].tkdn if item.pk in chosen else 0,
        )
        for item, price in lines
    )
    # Sealed: the trail says who offered and when, never how much.
    _event(
        competition,
        by=user,
        role=orders.ActorRole.VENDOR,
        action="offer_revised" if revised else "offer_submitted",
        note=str(vendor),
    )
    return offer


def ranking(competition: Competition) -> list[Offer]:
    """The ranking board; empty while sealed."""
    if competition.is_sealed:
        return []
    return list(
        competition.offers.filter(rank__isnull=False).select_related("vendor").prefetch_related("lines__item")
    )


# --------------------------------------------------------------------------------------
# Closing, award, confirmation
# --------------------------------------------------------------------------------------


def _rank(competition: Competition) -> list[Offer]:
    offers = sorted(competition.offers.all(), key=lambda o: (o.evaluated_total, o.total, o.updated_at, o.pk))
    for position, offer in enumerate(offers, start=1):
        offer.rank = position
    Offer.objects.bulk_update(offers, ["rank"])
    return offers


def _end(competition: Competition, status: str, *, by, role: str, reason: str, action: str) -> None:
    if competition.status in HOLDING_STATUSES:
        orders._release_pagu(competition.rup_package_id, competition.hps)
    competition.status = status
    competition.reason = reason
    competition.closed_at = competition.closed_at or timezone.now()
    competition.save(update_fields=["status", "reason", "closed_at"])
    _event(competition, by=by, role=role, action=action, note=reason)


@transaction.atomic
def close_if_due(competition: Competition) -> Competition:
    """After the deadline: rank the offers; no offer fails the competition (HPS released)."""
    competition = _lock(competition)
    if competition.status != CS.OPEN or timezone.now() < competition.offer_deadline:
        return competition
    offers = _rank(competition)
    if not offers:
        _end(
            competition,
            CS.FAILED,
            by=None,
            role=orders.ActorRole.SYSTEM,
            reason=_("Tidak ada penawaran sampai batas waktu."),
            action="failed",
        )
        _notify(competition, _opd_buyers(competition), _("gagal: tidak ada penawaran."))
        return competition
    competition.status = CS.EVALUATION
    competition.closed_at = timezone.now()
    competition.save(update_fields=["status", "closed_at"])
    _event(
        competition,
        by=None,
        role=orders.ActorRole.SYSTEM,
        action="closed",
        note=_("%(n)s penawaran dibuka dan diperingkat.") % {"n": len(offers)},
    )
    _notify(
        competition,
        _opd_buyers(competition),
        _("penawaran ditutup: %(n)s penawaran; papan peringkat terbuka.") % {"n": len(offers)},
    )
    return competition


def close_due() -> int:
    """Scheduled: close every competition whose offer deadline has passed."""
    due = Competition.objects.filter(status=CS.OPEN, offer_deadline__lte=timezone.now()).order_by("pk")
    count = 0
    for competition in due:
        close_if_due(competition)
        count += 1
    return count


def _award_to(competition: Competition, offer: Offer, *, by, role: str) -> None:
    competition.awarded_offer = offer
    competition.status = CS.AWARDED
    competition.awarded_at = timezone.now()
    competition.confirm_deadline = confirm_deadline()
    competition.save(update_fields=["awarded_offer", "status", "awarded_at", "confirm_deadline"])
    _event(
        competition,
        by=by,
        role=role,
        action="awarded",
        note=_("Pemenang peringkat %(rank)s: %(vendor)s, %(total)s; konfirmasi sebelum %(when)s.")
        % {
            "rank": offer.rank,
            "vendor": offer.vendor,
            "total": format_rupiah(offer.total),
            "when": timezone.localtime(competition.confirm_deadline).strftime("%d-%m-%Y %H:%M"),
        },
    )
    _notify(
        competition,
        [offer.vendor.user],
        _("Anda ditetapkan sebagai pemenang; konfirmasi sebelum %(when)s.")
        % {"when": timezone.localtime(competition.confirm_deadline).strftime("%d-%m-%Y %H:%M")},
    )


@transaction.atomic
def award(*, competition: Competition, user) -> Competition:
    """The buyer awards the competition to the first in rank (two or more offers)."""
    _buyer_membership(user, competition)
    close_if_due(competition)
    competition = _lock(competition)
    if competition.status != CS.EVALUATION:
        raise CompetitionError(_("Mini-kompetisi ini tidak sedang dalam evaluasi."))
    offers = _rank(competition)
    if len(offers) < 2:
        raise CompetitionError(_("Hanya satu penawaran: lanjutkan dengan negosiasi dengan penawar itu."))
    _award_to(competition, offers[0], by=user, role=orders.ActorRole.BUYER)
    return competition


def _pass_award(competition: Competition, *, reason: str, by, role: str) -> None:
    """The award leaves the current winner and goes to the next in rank (or the competition fails)."""
    current = competition.awarded_offer
    Offer.objects.filter(pk=current.pk).update(lapsed_at=timezone.now())
    _event(competition, by=by, role=role, action="award_lapsed", note=f"{current.vendor}: {reason}")
    nxt = (
        competition.offers.filter(rank__gt=current.rank, lapsed_at__isnull=True)
        .select_related("vendor__user")
        .order_by("rank")
        .first()
    )
    if nxt is None:
        _end(
            competition,
            CS.FAILED,
            by=by,
            role=role,
            reason=_("Tidak ada penawar yang mengonfirmasi."),
            action="failed",
        )
        _notify(competition, _opd_buyers(competition), _("gagal: tidak ada penawar yang mengonfirmasi."))
        return
    _award_to(competition, nxt, by=by, role=role)
    _notify(
        competition,
        _opd_buyers(competition),
        _("pemenang tidak mengonfirmasi; penetapan beralih ke peringkat %(r)s (%(v)s).")
        % {"r": nxt.rank, "v": nxt.vendor},
    )


@transaction.atomic
def decline_award(*, competition: Competition, user) -> Competition:
    competition = _lock(competition)
    vendor = user.vendor_profile if user.is_vendor else None
    if competition.status != CS.AWARDED or vendor is None or competition.awarded_offer.vendor_id != vendor.pk:
        raise CompetitionError(_("Tidak ada penetapan pemenang yang menunggu konfirmasi Anda."))
    _pass_award(competition, reason=_("menolak penetapan"), by=user, role=orders.ActorRole.VENDOR)
    return competition


def lapse_due() -> int:
    """Scheduled: awards not confirmed by their deadline pass to the next in rank."""
    count = 0
    due = Competition.objects.filter(status=CS.AWARDED, confirm_deadline__lte=timezone.now()).order_by("pk")
    for competition in due:
        with transaction.atomic():
            locked = _lock(competition)
            if locked.status != CS.AWARDED or timezone.now() < locked.confirm_deadline:
                continue
            _pass_award(
                locked,
                reason=_("tidak mengonfirmasi sampai batas waktu"),
                by=None,
                role=orders.ActorRole.SYSTEM,
            )
            count += 1
    return count


def _create_order(competition: Competition, offer: Offer) -> Order:
    """The offer becomes an ordinary order, sent (or waiting for PA/KPA approval) against the package.

    The HPS held for the competition is released and the order's own total committed in the same
    transaction, so the pagu never counts both.
    """
    orders._release_pagu(competition.rup_package_id, competition.hps)
    vendor = offer.vendor
    order = Order(
        number=f"tmp-mk-{competition.pk}-{offer.pk}",
        opd=competition.opd,
        buyer=competition.buyer,
        vendor=vendor,
        rup_package=competition.rup_package,
        fiscal_year=competition.fiscal_year,
        status=OrderStatus.DRAFT,
        delivery_address=competition.delivery_address,
        needed_by=competition.needed_by,
        note=_("Hasil mini-kompetisi %(n)s: %(t)s") % {"n": competition.number, "t": competition.title},
        ppn_rate=orders.ppn_rate_for(vendor),
    )
    lines = [
        # No catalogue product on the line: the quantities were competed for, not taken from stock.
        OrderLine(
            category_id=competition.category_id,
            product_name=ol.item.specification[:200],
            unit=ol.item.unit,
            catalog_unit_price=ol.unit_price,
            unit_price=ol.unit_price,
            quantity=ol.item.quantity,
            tkdn=ol.tkdn,
        )
        for ol in offer.lines.select_related("item")
    ]
    if offer.delivery_cost:
        lines.append(
            OrderLine(
                category_id=competition.category_id,
                product_name=_("Ongkos kirim"),
                unit=_("paket"),
                catalog_unit_price=offer.delivery_cost,
                unit_price=offer.delivery_cost,
                quantity=1,
            )
        )
    orders._apply_totals(order, lines)
    order.save()
    order.number = orders._order_number(order)
    order.save(update_fields=["number"])
    for line in lines:
        line.order = order
    OrderLine.objects.bulk_create(lines)
    orders.record_event(
        order,
        by=competition.buyer,
        role=orders.ActorRole.BUYER,
        from_status="",
        to_status=OrderStatus.DRAFT,
        note=_("Dibuat dari mini-kompetisi %(n)s.") % {"n": competition.number},
    )
    try:
        orders._send(order, by=competition.buyer)
    except orders.CheckoutError as exc:
        raise CompetitionError(exc.message) from None
    competition.order = order
    return order


@transaction.atomic
def confirm_award(*, competition: Competition, user) -> Competition:
    """The winner confirms in time: the order is created and, unless the PA/KPA must approve it
    first, accepted at once with its Surat Pesanan."""
    competition = _lock(competition)
    vendor = user.vendor_profile if user.is_authenticated and user.is_vendor else None
    offer = competition.awarded_offer
    if competition.status != CS.AWARDED or vendor is None or offer.vendor_id != vendor.pk:
        raise CompetitionError(_("Tidak ada penetapan pemenang yang menunggu konfirmasi Anda."))
    if timezone.now() >= competition.confirm_deadline:
        raise CompetitionError(_("Batas konfirmasi sudah lewat."))
    order = _create_order(competition, offer)
    competition.status = CS.CONFIRMED
    competition.save(update_fields=["status", "order"])
    _event(
        competition,
        by=user,
        role=orders.ActorRole.VENDOR,
        action="confirmed",
        note=_("Pesanan %(o)s dibuat.") % {"o": order.number},
    )
    if order.status == OrderStatus.SENT:
        orders.accept_order(order=order, by=user)
    _notify(
        competition,
        _opd_buyers(competition),
        _("pemenang mengonfirmasi; pesanan %(o)s.") % {"o": order.number},
    )
    return competition


@transaction.atomic
def negotiate_single(*, competition: Competition, user) -> Competition:
    """One offer only: it becomes an order sent to that vendor, where the existing negotiation rules apply."""
    _buyer_membership(user, competition)
    close_if_due(competition)
    competition = _lock(competition)
    if competition.status != CS.EVALUATION:
        raise CompetitionError(_("Mini-kompetisi ini tidak sedang dalam evaluasi."))
    offers = _rank(competition)
    if len(offers) != 1:
        raise CompetitionError(_("Negosiasi langsung hanya bila ada tepat satu penawaran."))
    offer = offers[0]
    competition.awarded_offer = offer
    order = _create_order(competition, offer)
    competition.status = CS.NEGOTIATION
    competition.awarded_at = timezone.now()
    competition.save(update_fields=["status", "order", "awarded_offer", "awarded_at"])
    _event(
        competition,
        by=user,
        role=orders.ActorRole.BUYER,
        action="negotiation",
        note=_("Satu penawar (%(v)s): pesanan %(o)s untuk negosiasi.")
        % {"v": offer.vendor, "o": order.number},
    )
    return competition


@transaction.atomic
def cancel(*, competition: Competition, user, reason: str) -> Competition:
    _buyer_membership(user, competition)
    competition = _lock(competition)
    if competition.status not in HOLDING_STATUSES:
        raise CompetitionError(_("Mini-kompetisi ini sudah selesai."))
    reason = (reason or "").strip()[:2000]
    if not reason:
        raise CompetitionError(_("Alasan wajib diisi."))
    _end(competition, CS.CANCELLED, by=user, role=orders.ActorRole.BUYER, reason=reason, action="cancelled")
    invited = [i.vendor.user for i in competition.invitations.select_related("vendor__user")]
    _notify(competition, invited, _("dibatalkan: %(r)s") % {"r": reason})
    return competition
