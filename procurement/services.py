"""Every write the e-purchasing domain allows, and the rules each one enforces.

Each action follows the same pattern: lock the order row, check the transition
table, write (stock and RUP pagu only through conditional ``UPDATE``s), append
an ``OrderEvent`` and notify the other party after commit.  Rows are locked in
a fixed order (order → products by id → OPD → RUP packages by id) so that
concurrent actions cannot deadlock.
"""

from __future__ import annotations

import logging
import re
import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from catalog.models import Product
from catalog.money import format_rupiah, to_rupiah
from catalog.page_cache import bump_catalog_version
from ecatalog.params import parse_id

from .models import (
    OPD,
    OPEN_STATUSES,
    CartItem,
    NegotiationOffer,
    NegotiationOfferLine,
    Notification,
    OPDMember,
    Order,
    OrderEvent,
    OrderLine,
    OrderStatus,
    Payment,
    ProcurementMethod,
    Receipt,
    ReceiptLine,
    RUPPackage,
    VendorRating,
)

log = logging.getLogger(__name__)

# Upper bounds that keep any input far from the 18-digit money columns.
MAX_QUANTITY = 1_000_000
MAX_UNIT_PRICE = Decimal("100000000000")  # Rp100 miliar per unit


class ProcurementError(Exception):
    """A rule refused the action; ``message`` is shown to the user as is."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = str(message)

    def __str__(self):
        return self.message


class TransitionError(ProcurementError):
    """The order cannot move to that status, or not by this user."""


class CheckoutError(ProcurementError):
    """The cart cannot become orders (pagu, stock, minimum order …); nothing was created."""


# --------------------------------------------------------------------------------------
# Roles and the transition table
# --------------------------------------------------------------------------------------


class ActorRole:
    """The part a user plays on one order (derived from vendor ownership or OPD position)."""

    BUYER = "buyer"  # PP/PPK of the order's OPD
    APPROVER = "approver"  # PA/KPA of the order's OPD
    TREASURER = "treasurer"  # bendahara of the order's OPD
    VENDOR = "vendor"  # the order's vendor

    ALL = (BUYER, APPROVER, TREASURER, VENDOR)
    LABELS = {
        BUYER: gettext_lazy("Pejabat Pengadaan/PPK"),
        APPROVER: gettext_lazy("PA/KPA"),
        TREASURER: gettext_lazy("Bendahara"),
        VENDOR: gettext_lazy("Penyedia"),
    }


S = OrderStatus
R = ActorRole

# (from, to) -> roles that may make that move.  Everything not listed is refused.
TRANSITIONS: dict[tuple[str, str], frozenset[str]] = {
    (S.DRAFT, S.SENT): frozenset({R.BUYER}),
    (S.DRAFT, S.PENDING_APPROVAL): frozenset({R.BUYER}),
    (S.DRAFT, S.CANCELLED): frozenset({R.BUYER}),
    (S.PENDING_APPROVAL, S.SENT): frozenset({R.APPROVER}),
    (S.PENDING_APPROVAL, S.CANCELLED): frozenset({R.APPROVER, R.BUYER}),
    (S.SENT, S.NEGOTIATING): frozenset({R.BUYER}),
    (S.SENT, S.ACCEPTED): frozenset({R.VENDOR}),
    (S.SENT, S.REJECTED): frozenset({R.VENDOR}),
    (S.SENT, S.CANCELLED): frozenset({R.BUYER, R.VENDOR}),
    # A counter-offer or a new proposal keeps the order in negotiation.
    (S.NEGOTIATING, S.NEGOTIATING): frozenset({R.BUYER, R.VENDOR}),
    # An accepted or declined offer ends the negotiation; the vendor then accepts or rejects.
    (S.NEGOTIATING, S.SENT): frozenset({R.BUYER, R.VENDOR}),
    (S.NEGOTIATING, S.REJECTED): frozenset({R.VENDOR}),
    (S.NEGOTIATING, S.CANCELLED): frozenset({R.BUYER, R.VENDOR}),
    (S.ACCEPTED, S.SHIPPED): frozenset({R.VENDOR}),
    (S.ACCEPTED, S.CANCELLED): frozenset({R.BUYER, R.VENDOR}),
    (S.SHIPPED, S.PARTIALLY_RECEIVED): frozenset({R.BUYER}),
    (S.SHIPPED, S.RECEIVED): frozenset({R.BUYER}),
    (S.PARTIALLY_RECEIVED, S.PARTIALLY_RECEIVED): frozenset({R.BUYER}),
    (S.PARTIALLY_RECEIVED, S.RECEIVED): frozenset({R.BUYER}),
    (S.RECEIVED, S.PAID): frozenset({R.TREASURER}),
    (S.PAID, S.COMPLETED): frozenset({R.BUYER}),
}

# Statuses from which an order may still be cancelled (before shipment).
CANCELLABLE = tuple(f for (f, t) in TRANSITIONS if t == S.CANCELLED)


def role_of(user, order: Order) -> str | None:
    """The part ``user`` plays on ``order``, or None when the order is none of their business."""
    if user is None or not user.is_authenticated:
        return None
    if user.is_vendor:
        vendor = user.vendor_profile
        return R.VENDOR if vendor is not None and vendor.pk == order.vendor_id else None
    if user.is_buyer:
        membership = user.opd_membership
        if membership is None or membership.opd_id != order.opd_id:
            return None
        return {
            OPDMember.Position.PP: R.BUYER,
            OPDMember.Position.PPK: R.BUYER,
            OPDMember.Position.PA: R.APPROVER,
            OPDMember.Position.TREASURER: R.TREASURER,
        }.get(membership.position)
    return None


def can_transition(order: Order, to: str, role: str | None) -> bool:
    return role in TRANSITIONS.get((order.status, to), ())


def ensure_transition(order: Order, to: str, *, by) -> str:
    """Return the actor's role, or raise TransitionError saying why the move is refused."""
    role = role_of(by, order)
    allowed = TRANSITIONS.get((order.status, to))
    if allowed is None:
        raise TransitionError(
            _("Pesanan berstatus “%(from)s” tidak dapat diubah menjadi “%(to)s”.")
            % {"from": S(order.status).label, "to": S(to).label}
        )
    if role not in allowed:
        who = ", ".join(str(R.LABELS[r]) for r in sorted(allowed))
        raise TransitionError(
            _("Langkah ini (“%(from)s” → “%(to)s”) hanya dapat dilakukan oleh: %(who)s.")
            % {"from": S(order.status).label, "to": S(to).label, "who": who}
        )
    return role


# --------------------------------------------------------------------------------------
# Money
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Totals:
    line_totals: list[Decimal]
    subtotal: Decimal
    ppn_rate: Decimal
    ppn_amount: Decimal
    total: Decimal


def ppn_rate_for(vendor) -> Decimal:
    """PPN applies only to VAT-registered (PKP) vendors."""
    return Decimal(settings.PPN_RATE) if vendor.is_pkp else Decimal("0")


def compute_totals(items, *, ppn_rate: Decimal) -> Totals:
    """Line totals, subtotal, PPN and total of ``items`` = [(unit_price, quantity), …].

    Every amount is whole Rupiah: each line is rounded, the PPN is rounded once
    on the subtotal (halves away from zero), total = subtotal + PPN.
    """
    line_totals = [to_rupiah(Decimal(price) * int(qty)) for price, qty in items]
    subtotal = sum(line_totals, Decimal("0"))
    rate = Decimal(ppn_rate)
    ppn_amount = to_rupiah(subtotal * rate) if rate else Decimal("0")
    return Totals(line_totals, subtotal, rate, ppn_amount, subtotal + ppn_amount)


def _apply_totals(order: Order, lines: list[OrderLine]) -> None:
    totals = compute_totals([(line.unit_price, line.quantity) for line in lines], ppn_rate=order.ppn_rate)
    for line, line_total in zip(lines, totals.line_totals, strict=True):
        line.line_total = line_total
    order.subtotal, order.ppn_amount, order.total = totals.subtotal, totals.ppn_amount, totals.total


# --------------------------------------------------------------------------------------
# Budget (RUP pagu) and stock: conditional updates only
# --------------------------------------------------------------------------------------


def _commit_pagu(package_id: int, amount: Decimal) -> None:
    """Hold ``amount`` against the package if its remaining pagu covers it, else refuse."""
    if amount <= 0:
        return
    updated = RUPPackage.objects.filter(pk=package_id, pagu__gte=F("committed") + F("spent") + amount).update(
        committed=F("committed") + amount
    )
    if not updated:
        package = RUPPackage.objects.get(pk=package_id)
        raise CheckoutError(
            _("Sisa pagu paket RUP %(kode)s (%(remaining)s) tidak cukup untuk pesanan senilai %(amount)s.")
            % {
                "kode": package.kode_rup,
                "remaining": format_rupiah(package.remaining),
                "amount": format_rupiah(amount),
            }
        )


def _release_pagu(package_id: int, amount: Decimal) -> None:
    if amount > 0:
        RUPPackage.objects.filter(pk=package_id, committed__gte=amount).update(
            committed=F("committed") - amount
        )


def _reserve_stock(lines: list[OrderLine]) -> None:
    """Take each line's quantity from stock, products in id order; refuse if any is short."""
    for line in sorted((ln for ln in lines if ln.product_id), key=lambda ln: ln.product_id):
        updated = Product.objects.filter(pk=line.product_id, stock__gte=line.quantity).update(
            stock=F("stock") - line.quantity
        )
        if not updated:
            stock = Product.objects.filter(pk=line.product_id).values_list("stock", flat=True).first()
            raise TransitionError(
                _("Stok %(name)s tidak cukup: tersedia %(stock)s, dipesan %(qty)s.")
                % {"name": line.product_name, "stock": stock or 0, "qty": line.quantity}
            )
    # update() sends no post_save: the public pages show stock, so drop their cached fragments.
    bump_catalog_version()


def _release_stock(lines: list[OrderLine]) -> None:
    for line in sorted((ln for ln in lines if ln.product_id), key=lambda ln: ln.product_id):
        Product.objects.filter(pk=line.product_id).update(stock=F("stock") + line.quantity)
    # update() sends no post_save: the public pages show stock, so drop their cached fragments.
    bump_catalog_version()


# --------------------------------------------------------------------------------------
# Audit trail and notifications
# --------------------------------------------------------------------------------------


def record_event(
    order: Order, *, by, role: str, from_status: str, to_status: str, note: str = ""
) -> OrderEvent:
    return OrderEvent.objects.create(
        order=order,
        actor=by,
        actor_role=role,
        from_status=from_status,
        to_status=to_status,
        note=note,
    )


def _opd_users(order: Order, *positions) -> list[User]:
    members = OPDMember.objects.filter(opd_id=order.opd_id, position__in=positions).select_related("user")
    return [m.user for m in members if m.user.is_active]


def _vendor_users(order: Order) -> list[User]:
    return [order.vendor.user]


def notify(order: Order, users, message: str) -> None:
    """After commit: an in-app notification and an e-mail to each user (each at most once)."""
    recipients = {u.pk: u for u in users if u is not None}
    if not recipients:
        return
    url = order.get_absolute_url()
    full_text = f"{order.number}: {message}"
    text = full_text[:255]
    # A header cannot hold a line break (Django raises BadHeaderError and the mail is lost), and a
    # reason typed by a user may have several: the subject gets one line, the body the whole text.
    subject = " ".join(f"[E-Katalog Lokal] {full_text}".split())[:150]

    def deliver():
        Notification.objects.bulk_create(
            [Notification(user_id=pk, order_id=order.pk, message=text, url=url) for pk in recipients]
        )
        emails = [u.email for u in recipients.values() if u.email]
        if emails:
            try:
                send_mail(
                    subject=subject,
                    message=f"{full_text}\n\n{url}",
                    from_email=None,
                    recipient_list=emails,
                    fail_silently=False,
                )
            except Exception:  # a mail outage must never undo or break a committed step
                log.exception("notification e-mail failed for order %s", order.pk)

    transaction.on_commit(deliver)


def _lock(order: Order) -> Order:
    """Re-read ``order`` under a row lock (PostgreSQL) inside the caller's transaction."""
    return Order.objects.select_for_update(of=("self",)).select_related("vendor", "opd").get(pk=order.pk)


def _set_status(order: Order, to: str, *, by, role: str, note: str = "", fields=()) -> Order:
    from_status = order.status
    order.status = to
    order.save(update_fields=["status", "updated_at", *fields])
    record_event(order, by=by, role=role, from_status=from_status, to_status=to, note=note)
    return order


def _require_status(order: Order, status: str, to: str) -> None:
    """For actions whose target status is shared with other moves (… → SENT)."""
    if order.status != status:
        raise TransitionError(
            _("Pesanan berstatus “%(from)s” tidak dapat diubah menjadi “%(to)s”.")
            % {"from": S(order.status).label, "to": S(to).label}
        )


def _clean_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise TransitionError(_("Alasan wajib diisi."))
    return reason[:2000]


# --------------------------------------------------------------------------------------
# Cart
# --------------------------------------------------------------------------------------


def _parse_quantity(value) -> int:
    try:
        qty = int(str(value).strip())
    except (TypeError, ValueError):
        raise ProcurementError(_("Jumlah harus berupa bilangan bulat.")) from None
    if qty < 1 or qty > MAX_QUANTITY:
        raise ProcurementError(
            _("Jumlah harus antara 1 dan %(max)s.") % {"max": f"{MAX_QUANTITY:,}".replace(",", ".")}
        )
    return qty


def _check_quantity(product: Product, qty: int) -> None:
    if qty < product.min_order:
        raise ProcurementError(
            _("Minimal pesan %(name)s adalah %(min)s %(unit)s.")
            % {"name": product.name, "min": product.min_order, "unit": product.unit}
        )
    if qty > product.stock:
        raise ProcurementError(
            _("Stok %(name)s hanya %(stock)s %(unit)s.")
            % {"name": product.name, "stock": product.stock, "unit": product.unit}
        )


def _ensure_buyer(user) -> OPDMember:
    membership = user.opd_membership if user.is_authenticated and user.is_buyer else None
    if membership is None or membership.position not in (OPDMember.Position.PP, OPDMember.Position.PPK):
        raise ProcurementError(_("Hanya Pejabat Pengadaan/PPK sebuah OPD yang dapat memesan."))
    return membership


@transaction.atomic
def add_to_cart(*, user, product_id, quantity) -> CartItem:
    """Put a tayang product in the buyer's cart (adds to an existing line)."""
    _ensure_buyer(user)
    qty = _parse_quantity(quantity)
    product = Product.objects.public().filter(pk=product_id).first()
    if product is None:
        raise ProcurementError(_("Produk tidak tersedia di katalog."))
    item = CartItem.objects.select_for_update().filter(user=user, product=product).first()
    new_qty = qty + (item.quantity if item else 0)
    _check_quantity(product, new_qty)
    if item:
        item.quantity = new_qty
        item.save(update_fields=["quantity"])
        return item
    return CartItem.objects.create(user=user, product=product, quantity=new_qty)


@transaction.atomic
def update_cart_item(*, user, item_id, quantity) -> CartItem | None:
    """Change a cart line's quantity; 0 removes it."""
    item = CartItem.objects.select_related("product").filter(user=user, pk=item_id).first()
    if item is None:
        raise ProcurementError(_("Barang tidak ada di keranjang Anda."))
    if str(quantity).strip() == "0":
        item.delete()
        return None
    qty = _parse_quantity(quantity)
    _check_quantity(item.product, qty)
    item.quantity = qty
    item.save(update_fields=["quantity"])
    return item


def remove_cart_item(*, user, item_id) -> None:
    CartItem.objects.filter(user=user, pk=item_id).delete()


# --------------------------------------------------------------------------------------
# Checkout
# --------------------------------------------------------------------------------------


def current_fiscal_year() -> int:
    return timezone.localdate().year


def checkout_packages(opd, *, fiscal_year: int | None = None):
    """RUP packages an order of ``opd`` may be placed against now (e-purchasing, this year)."""
    return RUPPackage.objects.filter(
        opd=opd,
        fiscal_year=fiscal_year or current_fiscal_year(),
        method=ProcurementMethod.E_PURCHASING,
    ).order_by("kode_rup")


def _order_number(order: Order) -> str:
    return f"EKL-{order.fiscal_year}-{order.pk:06d}"


@transaction.atomic
def checkout(
    *,
    user,
    token: str,
    packages: dict[int, int],
    delivery_address: str,
    needed_by: date,
    note: str = "",
    send: bool = True,
) -> list[Order]:
    """Turn the buyer's cart into one order per vendor, each against the RUP package chosen for it.

    All or nothing: if one order does not fit its package's remaining pagu, or a
    quantity breaks the minimum order or the stock, nothing is created.  The same
    ``token`` twice returns the orders of the first call.
    """
    membership = _ensure_buyer(user)
    token = (token or "").strip()[:64]
    if not token:
        raise CheckoutError(_("Formulir pesanan tidak lengkap; muat ulang halaman."))
    # Serialise this buyer's checkouts so a replayed token sees the first call's orders.
    User.objects.select_for_update().filter(pk=user.pk).first()
    existing = list(Order.objects.filter(buyer=user, checkout_token=token).order_by("id"))
    if existing:
        return existing

    items = list(
        CartItem.objects.filter(user=user)
        .select_related("product", "product__vendor")
        .order_by("product__vendor_id", "id")
    )
    if not items:
        raise CheckoutError(_("Keranjang Anda kosong."))
    if needed_by < timezone.localdate():
        raise CheckoutError(_("Tanggal dibutuhkan tidak boleh sebelum hari ini."))
    delivery_address = (delivery_address or "").strip()
    if not delivery_address:
        raise CheckoutError(_("Alamat pengiriman wajib diisi."))

    groups: dict[int, list[CartItem]] = defaultdict(list)
    public_ids = set(
        Product.objects.public().filter(pk__in=[i.product_id for i in items]).values_list("pk", flat=True)
    )
    for item in items:
        if item.product_id not in public_ids:
            raise CheckoutError(
                _("%(name)s tidak lagi tayang di katalog; hapus dari keranjang.")
                % {"name": item.product.name}
            )
        try:
            _check_quantity(item.product, item.quantity)
        except ProcurementError as exc:
            raise CheckoutError(exc.message) from None
        groups[item.product.vendor_id].append(item)

    fiscal_year = current_fiscal_year()
    allowed_packages = {p.pk: p for p in checkout_packages(membership.opd, fiscal_year=fiscal_year)}
    orders: list[tuple[Order, list[OrderLine]]] = []
    for vendor_id, group in groups.items():
        package_id = packages.get(vendor_id)
        if package_id not in allowed_packages:
            raise CheckoutError(
                _("Pilih paket RUP e-purchasing tahun %(year)s milik OPD Anda untuk pesanan ke %(vendor)s.")
                % {"year": fiscal_year, "vendor": group[0].product.vendor}
            )
        vendor = group[0].product.vendor
        order = Order(
            number=f"tmp-{uuid.uuid4().hex}",
            opd=membership.opd,
            buyer=user,
            vendor=vendor,
            rup_package=allowed_packages[package_id],
            fiscal_year=fiscal_year,
            status=S.DRAFT,
            checkout_token=token,
            delivery_address=delivery_address[:2000],
            needed_by=needed_by,
            note=(note or "").strip()[:2000],
            ppn_rate=ppn_rate_for(vendor),
        )
        lines = [
            OrderLine(
                product=item.product,
                category_id=item.product.category_id,
                product_name=item.product.name,
                unit=item.product.unit,
                catalog_unit_price=item.product.price,
                unit_price=item.product.price,
                quantity=item.quantity,
                tkdn=item.product.tkdn,
            )
            for item in group
        ]
        _apply_totals(order, lines)
        orders.append((order, lines))

    created = []
    try:
        for order, lines in orders:
            order.save()
            order.number = _order_number(order)
            order.save(update_fields=["number"])
            for line in lines:
                line.order = order
            OrderLine.objects.bulk_create(lines)
            record_event(
                order,
                by=user,
                role=R.BUYER,
                from_status="",
                to_status=S.DRAFT,
                note=_("Dibuat dari keranjang."),
            )
            created.append(order)
    except IntegrityError:
        raise CheckoutError(_("Pesanan ini sudah diproses; lihat daftar pesanan.")) from None

    if send:
        # Packages in id order: concurrent checkouts lock them in the same order.
        for order in sorted(created, key=lambda o: (o.rup_package_id, o.pk)):
            _send(order, by=user)
    CartItem.objects.filter(pk__in=[i.pk for i in items]).delete()
    return created


def _needs_approval(order: Order) -> bool:
    threshold = order.opd.approval_threshold
    return threshold is not None and order.total > threshold


def _send(order: Order, *, by) -> Order:
    """DRAFT → SENT, or → PENDING_APPROVAL above the OPD's threshold; commits the pagu."""
    needs_approval = _needs_approval(order)
    to = S.PENDING_APPROVAL if needs_approval else S.SENT
    role = ensure_transition(order, to, by=by)
    _require_status(order, S.DRAFT, to)
    _commit_pagu(order.rup_package_id, order.total)
    order.requires_approval = needs_approval
    fields = ["requires_approval"]
    if not needs_approval:
        order.sent_at = timezone.now()
        fields.append("sent_at")
    _set_status(order, to, by=by, role=role, fields=fields)
    if needs_approval:
        notify(order, _opd_users(order, OPDMember.Position.PA), _("menunggu persetujuan PA/KPA."))
    else:
        notify(order, _vendor_users(order), _("pesanan baru dari %(opd)s.") % {"opd": order.opd})
    return order


@transaction.atomic
def send_to_vendor(*, order: Order, by) -> Order:
    """Send a draft order to the vendor (or to the PA/KPA when above the approval threshold)."""
    order = _lock(order)
    try:
        return _send(order, by=by)
    except CheckoutError as exc:
        raise TransitionError(exc.message) from None


@transaction.atomic
def approve_order(*, order: Order, by, note: str = "") -> Order:
    """PA/KPA approves an order above the threshold: it goes to the vendor."""
    order = _lock(order)
    role = ensure_transition(order, S.SENT, by=by)
    _require_status(order, S.PENDING_APPROVAL, S.SENT)
    order.approved_by = by
    order.approved_at = order.sent_at = timezone.now()
    _set_status(
        order,
        S.SENT,
        by=by,
        role=role,
        note=(note or "").strip() or _("Disetujui PA/KPA."),
        fields=["approved_by", "approved_at", "sent_at"],
    )
    notify(order, _vendor_users(order), _("pesanan baru dari %(opd)s.") % {"opd": order.opd})
    notify(order, [order.buyer], _("disetujui PA/KPA dan dikirim ke penyedia."))
    return order


@transaction.atomic
def refuse_approval(*, order: Order, by, reason: str) -> Order:
    """PA/KPA refuses an order: it is cancelled and its pagu released."""
    order = _lock(order)
    if role_of(by, order) != R.APPROVER:
        raise TransitionError(_("Hanya PA/KPA OPD ini yang dapat menolak persetujuan."))
    return _cancel(order, by=by, reason=reason)


# --------------------------------------------------------------------------------------
# Negotiation
# --------------------------------------------------------------------------------------


def _last_offer(order: Order) -> NegotiationOffer | None:
    return order.offers.order_by("-id").first()


def negotiation_turn(order: Order, last_offer: NegotiationOffer | None = None) -> str | None:
    """Whose move it is in an open negotiation: the side that did not make the last offer."""
    if order.status != S.NEGOTIATING:
        return None
    last_offer = last_offer or _last_offer(order)
    if last_offer is None:
        return None
    return R.VENDOR if last_offer.action == NegotiationOffer.Action.PROPOSE else R.BUYER


def rounds_left(order: Order) -> int:
    return max(0, settings.MAX_NEGOTIATION_ROUNDS - order.negotiation_rounds)


def _parse_offer_lines(order: Order, lines_input: dict) -> list[tuple[OrderLine, Decimal, int]]:
    """[(line, unit_price, quantity)] for every line of the order, validated."""
    lines = list(order.lines.all())
    result = []
    for line in lines:
        raw = lines_input.get(line.pk) or lines_input.get(str(line.pk))
        if raw is None:
            raise TransitionError(_("Isi harga dan jumlah untuk setiap baris pesanan."))
        raw_price, raw_qty = raw
        text = str(raw_price).strip().replace(" ", "")
        if re.fullmatch(r"\d{1,3}(\.\d{3})+", text):  # "25.000" written the Indonesian way
            text = text.replace(".", "")
        try:
            price = Decimal(text)
        except (InvalidOperation, ValueError):
            raise TransitionError(
                _("Harga satuan %(name)s tidak valid.") % {"name": line.product_name}
            ) from None
        if not price.is_finite() or price != price.to_integral_value() or price < 1 or price > MAX_UNIT_PRICE:
            raise TransitionError(
                _("Harga satuan %(name)s harus bilangan bulat Rupiah antara 1 dan %(max)s.")
                % {"name": line.product_name, "max": format_rupiah(MAX_UNIT_PRICE)}
            )
        try:
            qty = _parse_quantity(raw_qty)
        except ProcurementError as exc:
            raise TransitionError(f"{line.product_name}: {exc.message}") from None
        result.append((line, to_rupiah(price), qty))
    return result


def _record_offer(order: Order, *, by, role: str, action: str, note: str, total) -> NegotiationOffer:
    """One step of the negotiation, kept for good (the offer history on the order page)."""
    return NegotiationOffer.objects.create(
        order=order,
        round=order.negotiation_rounds,
        action=action,
        actor=by,
        actor_role=role,
        note=(note or "").strip()[:2000],
        proposed_total=total,
    )


def _other_side(order: Order, role: str) -> list:
    """Who must hear of a negotiation step: the vendor when the buyer acted, else the buyer."""
    return _vendor_users(order) if role == R.BUYER else [order.buyer]


def _make_offer(order: Order, *, by, role: str, action: str, lines_input, note: str) -> NegotiationOffer:
    if rounds_left(order) <= 0:
        raise TransitionError(
            _("Batas %(n)s putaran negosiasi sudah tercapai; terima atau tolak penawaran terakhir.")
            % {"n": settings.MAX_NEGOTIATION_ROUNDS}
        )
    parsed = _parse_offer_lines(order, lines_input)
    totals = compute_totals([(p, q) for _line, p, q in parsed], ppn_rate=order.ppn_rate)
    order.negotiation_rounds += 1
    offer = _record_offer(order, by=by, role=role, action=action, note=note, total=totals.total)
    NegotiationOfferLine.objects.bulk_create(
        [
            NegotiationOfferLine(offer=offer, order_line=line, unit_price=p, quantity=q)
            for line, p, q in parsed
        ]
    )
    return offer


@transaction.atomic
def propose_negotiation(*, order: Order, by, lines: dict, note: str = "") -> NegotiationOffer:
    """Buyer proposes a unit price and quantity per line (opens or continues a negotiation)."""
    order = _lock(order)
    role = ensure_transition(order, S.NEGOTIATING, by=by)
    if role != R.BUYER:
        raise TransitionError(
            _("Usulan negosiasi dibuat oleh Pejabat Pengadaan/PPK; penyedia membuat penawaran balik.")
        )
    if order.status == S.NEGOTIATING and negotiation_turn(order) != R.BUYER:
        raise TransitionError(_("Menunggu tanggapan penyedia atas usulan terakhir."))
    offer = _make_offer(
        order, by=by, role=role, action=NegotiationOffer.Action.PROPOSE, lines_input=lines, note=note
    )
    _set_status(
        order,
        S.NEGOTIATING,
        by=by,
        role=role,
        fields=["negotiation_rounds"],
        note=_("Usulan negosiasi putaran %(r)s: total %(t)s.")
        % {"r": offer.round, "t": format_rupiah(offer.proposed_total)},
    )
    notify(order, _vendor_users(order), _("usulan negosiasi dari %(opd)s.") % {"opd": order.opd})
    return offer


@transaction.atomic
def counter_offer(*, order: Order, by, lines: dict, note: str = "") -> NegotiationOffer:
    """Vendor answers a buyer proposal with its own prices and quantities."""
    order = _lock(order)
    role = ensure_transition(order, S.NEGOTIATING, by=by)
    if role != R.VENDOR or negotiation_turn(order) != R.VENDOR:
        raise TransitionError(_("Penawaran balik hanya dapat dibuat penyedia atas usulan pembeli."))
    offer = _make_offer(
        order, by=by, role=role, action=NegotiationOffer.Action.COUNTER, lines_input=lines, note=note
    )
    _set_status(
        order,
        S.NEGOTIATING,
        by=by,
        role=role,
        fields=["negotiation_rounds"],
        note=_("Penawaran balik putaran %(r)s: total %(t)s.")
        % {"r": offer.round, "t": format_rupiah(offer.proposed_total)},
    )
    notify(order, [order.buyer], _("penawaran balik dari penyedia."))
    return offer


@transaction.atomic
def accept_offer(*, order: Order, by, note: str = "") -> Order:
    """The side whose turn it is accepts the last offer: lines, totals and committed pagu follow it."""
    order = _lock(order)
    role = ensure_transition(order, S.SENT, by=by)
    last = _last_offer(order)
    if negotiation_turn(order, last) != role:
        raise TransitionError(_("Tidak ada penawaran yang menunggu tanggapan Anda."))
    lines = list(order.lines.all())
    by_line = {ol.order_line_id: ol for ol in last.lines.all()}
    for line in lines:
        offered = by_line.get(line.pk)
        if offered:
            line.unit_price, line.quantity = offered.unit_price, offered.quantity
    old_total = order.total
    _apply_totals(order, lines)
    delta = order.total - old_total
    try:
        if delta > 0:
            _commit_pagu(order.rup_package_id, delta)
        elif delta < 0:
            _release_pagu(order.rup_package_id, -delta)
    except CheckoutError as exc:
        raise TransitionError(exc.message) from None
    OrderLine.objects.bulk_update(lines, ["unit_price", "quantity", "line_total"])
    _record_offer(
        order, by=by, role=role, action=NegotiationOffer.Action.ACCEPT, note=note, total=order.total
    )
    _set_status(
        order,
        S.SENT,
        by=by,
        role=role,
        fields=["subtotal", "ppn_amount", "total"],
        note=_("Penawaran putaran %(r)s disetujui: total baru %(t)s.")
        % {"r": last.round, "t": format_rupiah(order.total)},
    )
    notify(
        order,
        _other_side(order, role),
        _("penawaran negosiasi disetujui; total %(t)s.") % {"t": format_rupiah(order.total)},
    )
    return order


@transaction.atomic
def decline_offer(*, order: Order, by, note: str = "") -> Order:
    """The side whose turn it is declines the last offer; the order keeps its current prices."""
    order = _lock(order)
    role = ensure_transition(order, S.SENT, by=by)
    last = _last_offer(order)
    if negotiation_turn(order, last) != role:
        raise TransitionError(_("Tidak ada penawaran yang menunggu tanggapan Anda."))
    _record_offer(
        order, by=by, role=role, action=NegotiationOffer.Action.DECLINE, note=note, total=order.total
    )
    _set_status(
        order,
        S.SENT,
        by=by,
        role=role,
        note=(note or "").strip()
        or _("Penawaran putaran %(r)s ditolak; harga semula berlaku.") % {"r": last.round},
    )
    notify(order, _other_side(order, role), _("penawaran negosiasi ditolak."))
    return order


# --------------------------------------------------------------------------------------
# Vendor decision, cancellation
# --------------------------------------------------------------------------------------


def _next_sp_sequence(order: Order) -> int:
    OPD.objects.select_for_update().filter(pk=order.opd_id).first()  # serialise numbering per OPD
    last = (
        Order.objects.filter(opd_id=order.opd_id, fiscal_year=order.fiscal_year).aggregate(
            m=Max("sp_sequence")
        )["m"]
        or 0
    )
    return last + 1


def sp_number(opd, fiscal_year: int, sequence: int) -> str:
    return f"SP/{opd.code}/{fiscal_year}/{sequence:05d}"


def bast_number(opd, fiscal_year: int, sequence: int) -> str:
    return f"BAST/{opd.code}/{fiscal_year}/{sequence:05d}"


@transaction.atomic
def accept_order(*, order: Order, by) -> Order:
    """Vendor accepts: stock is reserved (refused if short) and a numbered Surat Pesanan issued."""
    order = _lock(order)
    role = ensure_transition(order, S.ACCEPTED, by=by)
    _reserve_stock(list(order.lines.all()))
    order.sp_sequence = _next_sp_sequence(order)
    order.sp_number = sp_number(order.opd, order.fiscal_year, order.sp_sequence)
    order.accepted_at = timezone.now()
    _set_status(
        order,
        S.ACCEPTED,
        by=by,
        role=role,
        note=_("Surat Pesanan %(sp)s diterbitkan.") % {"sp": order.sp_number},
        fields=["sp_sequence", "sp_number", "accepted_at"],
    )
    notify(
        order, [order.buyer], _("diterima penyedia; Surat Pesanan %(sp)s terbit.") % {"sp": order.sp_number}
    )
    return order


@transaction.atomic
def reject_order(*, order: Order, by, reason: str) -> Order:
    """Vendor rejects with a reason; the committed pagu is released."""
    order = _lock(order)
    role = ensure_transition(order, S.REJECTED, by=by)
    reason = _clean_reason(reason)
    if order.status in OPEN_STATUSES:
        _release_pagu(order.rup_package_id, order.total)
    order.reason = reason
    order.cancelled_at = timezone.now()
    _set_status(order, S.REJECTED, by=by, role=role, note=reason, fields=["reason", "cancelled_at"])
    notify(order, [order.buyer], _("ditolak penyedia: %(r)s") % {"r": reason})
    return order


def _cancel(order: Order, *, by, reason: str) -> Order:
    role = ensure_transition(order, S.CANCELLED, by=by)
    reason = _clean_reason(reason)
    if order.status == S.ACCEPTED:
        _release_stock(list(order.lines.all()))
    if order.status in OPEN_STATUSES:
        _release_pagu(order.rup_package_id, order.total)
    order.reason = reason
    order.cancelled_at = timezone.now()
    _set_status(order, S.CANCELLED, by=by, role=role, note=reason, fields=["reason", "cancelled_at"])
    other = [order.buyer] if role == R.VENDOR else _vendor_users(order) if order.sent_at else []
    if role == R.APPROVER:
        other = [*other, order.buyer]
    notify(order, other, _("dibatalkan: %(r)s") % {"r": reason})
    return order


@transaction.atomic
def cancel_order(*, order: Order, by, reason: str) -> Order:
    """Either side cancels before shipment, with a reason; stock and pagu are released."""
    return _cancel(_lock(order), by=by, reason=reason)


# --------------------------------------------------------------------------------------
# Shipment, receipt (BAST), payment, completion, rating
# --------------------------------------------------------------------------------------


@transaction.atomic
def ship_order(*, order: Order, by, note: str = "", delivery_note_file=None) -> Order:
    """Vendor records the shipment (optionally with a delivery note)."""
    order = _lock(order)
    role = ensure_transition(order, S.SHIPPED, by=by)
    order.shipping_note = (note or "").strip()[:2000]
    order.shipped_at = timezone.now()
    fields = ["shipping_note", "shipped_at"]
    if delivery_note_file:
        order.delivery_note_file = delivery_note_file
        fields.append("delivery_note_file")
    _set_status(order, S.SHIPPED, by=by, role=role, note=order.shipping_note, fields=fields)
    notify(order, [order.buyer], _("dikirim penyedia; catat penerimaan (BAST) saat barang tiba."))
    return order


@transaction.atomic
def record_receipt(*, order: Order, by, quantities: dict, received_on: date, note: str = "") -> Receipt:
    """OPD records what arrived (BAST). Partial receipts keep the order open for the rest."""
    order = _lock(order)
    ensure_transition(order, S.RECEIVED, by=by)  # same roles and origins as a partial receipt
    lines = list(order.lines.all())
    taken = []
    for line in lines:
        raw = quantities.get(line.pk, quantities.get(str(line.pk), 0))
        try:
            qty = int(str(raw).strip() or 0)
        except (TypeError, ValueError):
            raise TransitionError(
                _("Jumlah diterima %(name)s tidak valid.") % {"name": line.product_name}
            ) from None
        outstanding = line.quantity - line.received_quantity
        if qty < 0 or qty > outstanding:
            raise TransitionError(
                _("Jumlah diterima %(name)s harus antara 0 dan %(n)s.")
                % {"name": line.product_name, "n": outstanding}
            )
        if qty:
            taken.append((line, qty))
    if not taken:
        raise TransitionError(_("Isi jumlah barang yang diterima."))
    if received_on > timezone.localdate():
        raise TransitionError(_("Tanggal terima tidak boleh di masa depan."))
    now_taken = {line.pk: q for line, q in taken}
    complete = all(line.received_quantity + now_taken.get(line.pk, 0) == line.quantity for line in lines)
    to = S.RECEIVED if complete else S.PARTIALLY_RECEIVED
    role = ensure_transition(order, to, by=by)

    OPD.objects.select_for_update().filter(pk=order.opd_id).first()  # serialise BAST numbering per OPD
    prefix = bast_number(order.opd, order.fiscal_year, 0)[:-5]
    seq = Receipt.objects.filter(number__startswith=prefix).count() + 1
    receipt = Receipt.objects.create(
        order=order,
        number=bast_number(order.opd, order.fiscal_year, seq),
        received_on=received_on,
        received_by=by,
        note=(note or "").strip()[:2000],
    )
    ReceiptLine.objects.bulk_create(
        [ReceiptLine(receipt=receipt, order_line=line, quantity=q) for line, q in taken]
    )
    for line, q in taken:
        updated = OrderLine.objects.filter(pk=line.pk, received_quantity__lte=F("quantity") - q).update(
            received_quantity=F("received_quantity") + q
        )
        if not updated:
            raise TransitionError(_("Jumlah diterima melebihi jumlah pesanan."))
    fields = []
    if complete:
        order.received_at = timezone.now()
        fields.append("received_at")
    _set_status(order, to, by=by, role=role, fields=fields, note=_("BAST %(n)s.") % {"n": receipt.number})
    if complete:
        notify(order, _opd_users(order, OPDMember.Position.TREASURER), _("BAST lengkap; siap dibayar."))
    notify(order, _vendor_users(order), _("penerimaan barang dicatat (BAST %(n)s).") % {"n": receipt.number})
    return receipt


@transaction.atomic
def record_payment(*, order: Order, by, paid_on: date, reference: str) -> Payment:
    """Treasurer records the bank transfer of the order total; the pagu moves from committed to spent."""
    order = _lock(order)
    role = ensure_transition(order, S.PAID, by=by)
    reference = (reference or "").strip()
    if not reference:
        raise TransitionError(_("Nomor referensi transfer wajib diisi."))
    if paid_on > timezone.localdate():
        raise TransitionError(_("Tanggal transfer tidak boleh di masa depan."))
    updated = RUPPackage.objects.filter(pk=order.rup_package_id, committed__gte=order.total).update(
        committed=F("committed") - order.total, spent=F("spent") + order.total
    )
    if not updated:
        raise TransitionError(_("Pagu terikat paket RUP tidak sesuai; hubungi BPBJ."))
    payment = Payment.objects.create(
        order=order, amount=order.total, paid_on=paid_on, reference=reference[:100], recorded_by=by
    )
    order.paid_at = timezone.now()
    _set_status(
        order,
        S.PAID,
        by=by,
        role=role,
        fields=["paid_at"],
        note=_("Transfer %(amount)s, ref. %(ref)s.")
        % {"amount": format_rupiah(order.total), "ref": payment.reference},
    )
    notify(
        order,
        [*_vendor_users(order), order.buyer],
        _("pembayaran %(a)s dicatat.") % {"a": format_rupiah(order.total)},
    )
    return payment


@transaction.atomic
def complete_order(*, order: Order, by) -> Order:
    """The OPD closes a paid order."""
    order = _lock(order)
    role = ensure_transition(order, S.COMPLETED, by=by)
    order.completed_at = timezone.now()
    _set_status(order, S.COMPLETED, by=by, role=role, fields=["completed_at"])
    notify(order, _vendor_users(order), _("pesanan selesai."))
    return order


@transaction.atomic
def rate_vendor(*, order: Order, by, score, comment: str = "") -> VendorRating:
    """After completion the OPD rates the vendor once (1–5)."""
    order = _lock(order)
    if role_of(by, order) not in (R.BUYER, R.APPROVER):
        raise TransitionError(_("Hanya pejabat OPD pemesan yang dapat memberi penilaian."))
    if order.status != S.COMPLETED:
        raise TransitionError(_("Penilaian diberikan setelah pesanan selesai."))
    try:
        score = int(score)
    except (TypeError, ValueError):
        score = 0
    if not 1 <= score <= 5:
        raise TransitionError(_("Nilai harus 1 sampai 5."))
    if VendorRating.objects.filter(order=order).exists():
        raise TransitionError(_("Pesanan ini sudah dinilai."))
    rating = VendorRating.objects.create(
        order=order,
        vendor_id=order.vendor_id,
        score=score,
        comment=(comment or "").strip()[:2000],
        rated_by=by,
    )
    notify(order, _vendor_users(order), _("OPD memberi nilai %(s)s.") % {"s": score})
    return rating


# --------------------------------------------------------------------------------------
# What the current user may do now (drives the action forms on the order page)
# --------------------------------------------------------------------------------------


def available_actions(
    order: Order, user, *, last_offer: NegotiationOffer | None = None, has_rating=False
) -> set[str]:
    """Names of the actions ``user`` may take on ``order`` right now (evaluated, no extra queries
    beyond the caller's ``last_offer``)."""
    role = role_of(user, order)
    if role is None:
        return set()
    st = order.status
    actions = set()
    if st == S.DRAFT and role == R.BUYER:
        actions.add("send")
    if st == S.PENDING_APPROVAL and role == R.APPROVER:
        actions |= {"approve", "refuse_approval"}
    turn = None
    if st == S.NEGOTIATING and last_offer is not None:
        turn = R.VENDOR if last_offer.action == NegotiationOffer.Action.PROPOSE else R.BUYER
    left = rounds_left(order) > 0
    if role == R.BUYER and left and (st == S.SENT or turn == R.BUYER):
        actions.add("propose")
    if role == R.VENDOR and left and turn == R.VENDOR:
        actions.add("counter")
    if turn == role:
        actions |= {"accept_offer", "decline_offer"}
    if can_transition(order, S.ACCEPTED, role):
        actions.add("accept")
    if can_transition(order, S.REJECTED, role):
        actions.add("reject")
    if can_transition(order, S.CANCELLED, role) and "refuse_approval" not in actions:
        actions.add("cancel")
    if can_transition(order, S.SHIPPED, role):
        actions.add("ship")
    if st in (S.SHIPPED, S.PARTIALLY_RECEIVED) and role == R.BUYER:
        actions.add("receive")
    if can_transition(order, S.PAID, role):
        actions.add("pay")
    if can_transition(order, S.COMPLETED, role):
        actions.add("complete")
    if st == S.COMPLETED and role in (R.BUYER, R.APPROVER) and not has_rating:
        actions.add("rate")
    return actions


def mark_notifications_read(*, user, ids=None) -> int:
    qs = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        clean = [pk for pk in map(parse_id, ids) if pk]
        qs = qs.filter(pk__in=clean)
    return qs.update(read_at=timezone.now())
