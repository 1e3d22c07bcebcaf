"""Every write the e-purchasing domain allows, and the rules each one enforces.

Each action follows the same pattern: lock the order row, check the transition
table, write (stock and RUP pagu only through conditional ``UPDATE``s), append
an ``OrderEvent`` and notify the other party after commit.  Rows are locked in
a fixed order (order → products by id → OPD → RUP packages by id) so that
concurrent actions cannot deadlock (checkout: buyer → cart lines and products by
id → RUP packages by id).
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
from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from catalog.models import Product
from catalog.money import format_rupiah, to_rupiah
from catalog.page_cache import bump_catalog_version
from ecatalog.numbers import parse_whole_number
from ecatalog.params import parse_id
from outbox import services as outbox

from .models import (
    OPD,
    OPEN_STATUSES,
    Addendum,
    AddendumLine,
    AddendumStatus,
    CartItem,
    ComplaintStatus,
    LatePaymentComplaint,
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


@dataclass(frozen=True)
class CheckoutChange:
    """One difference between the checkout page the buyer confirmed and the cart now (display strings)."""

    name: str
    what: str
    old: str
    new: str


class CheckoutChanged(CheckoutError):
    """Prices, quantities or PPN changed since the checkout page was rendered; nothing was created."""

    def __init__(self, changes: list[CheckoutChange], *, old_total: Decimal, new_total: Decimal):
        super().__init__(
            _(
                "Harga, jumlah atau PPN berubah sejak halaman ini dibuka; tidak ada pesanan yang dibuat. "
                "Periksa perubahan di bawah, lalu kirim lagi bila setuju."
            )
        )
        self.changes = changes
        self.old_total = old_total
        self.new_total = new_total


# --------------------------------------------------------------------------------------
# Roles and the transition table
# --------------------------------------------------------------------------------------


class ActorRole:
    """The part a user plays on one order (derived from vendor ownership or OPD position)."""

    BUYER = "buyer"  # PP/PPK of the order's OPD
    APPROVER = "approver"  # PA/KPA of the order's OPD
    TREASURER = "treasurer"  # bendahara of the order's OPD
    VENDOR = "vendor"  # the order's vendor
    # The scheduled deadline rules (procurement.deadlines): no user; never returned by role_of.
    SYSTEM = "system"

    ALL = (BUYER, APPROVER, TREASURER, VENDOR)
    LABELS = {
        BUYER: gettext_lazy("Pejabat Pengadaan/PPK"),
        APPROVER: gettext_lazy("PA/KPA"),
        TREASURER: gettext_lazy("Bendahara"),
        VENDOR: gettext_lazy("Penyedia"),
        SYSTEM: gettext_lazy("Sistem (aturan tenggat)"),
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
    # The system cancels an order the vendor leaves unanswered (deadline rule "vendor_answer").
    (S.SENT, S.CANCELLED): frozenset({R.BUYER, R.VENDOR, R.SYSTEM}),
    # A counter-offer or a new proposal keeps the order in negotiation.
    (S.NEGOTIATING, S.NEGOTIATING): frozenset({R.BUYER, R.VENDOR}),
    # An accepted or declined offer ends the negotiation; the vendor then accepts or rejects.
    # The system closes a negotiation turn left unanswered (rule "negotiation_turn").
    (S.NEGOTIATING, S.SENT): frozenset({R.BUYER, R.VENDOR, R.SYSTEM}),
    # … unless the accepted total crosses the OPD's approval threshold: then the PA/KPA decides first.
    (S.NEGOTIATING, S.PENDING_APPROVAL): frozenset({R.BUYER, R.VENDOR}),
    (S.NEGOTIATING, S.REJECTED): frozenset({R.VENDOR}),
    (S.NEGOTIATING, S.CANCELLED): frozenset({R.BUYER, R.VENDOR, R.SYSTEM}),
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


def ensure_transition(order: Order, to: str, *, by, role: str | None = None) -> str:
    """Return the actor's role, or raise TransitionError saying why the move is refused.

    ``role`` is given only by the deadline rules (``ActorRole.SYSTEM``, ``by`` None).
    """
    role = role or role_of(by, order)
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
    order: Order, *, by, role: str, from_status: str, to_status: str, note: str = "", rule: str = ""
) -> OrderEvent:
    return OrderEvent.objects.create(
        order=order,
        actor=by,
        actor_role=role,
        from_status=from_status,
        to_status=to_status,
        note=note,
        rule=rule,
    )


def _opd_users(order: Order, *positions) -> list[User]:
    members = OPDMember.objects.filter(opd_id=order.opd_id, position__in=positions).select_related("user")
    return [m.user for m in members if m.user.is_active]


def _vendor_users(order: Order) -> list[User]:
    return [order.vendor.user]


def _bpbj_users() -> list[User]:
    """BPBJ catalogue managers and admins: escalations and complaints go to them."""
    from accounts.models import Role

    return list(User.objects.filter(is_active=True, role__in=(Role.CATALOG_MANAGER, Role.ADMIN)))


def notify(order: Order, users, message: str) -> None:
    """An in-app notification and an e-mail to each user (each at most once), via the outbox."""
    notify_users(users, f"{order.number}: {message}", url=order.get_absolute_url(), order=order)


def notify_users(users, message: str, *, url: str = "", order: Order | None = None) -> None:
    """An in-app notification and an e-mail to each user, about an order or not (an expiring
    certificate has no order).

    Written in the caller's transaction, so they exist exactly when the step commits; a
    worker delivers them after commit (outbox/services.py).
    """
    outbox.notify_users(users, str(message), url=url, order=order)


def _issue_document(kind: str, source_id: int) -> None:
    """Make the step's PDF (SP, BAST, payment receipt) once it has committed.

    The documents app renders, stores and hashes it in a task; a failure there never undoes the
    step, and its sweep makes the document later. Imported late: documents depends on this app.
    """
    from documents.services import issue_later

    transaction.on_commit(lambda: issue_later(kind, source_id))


def _lock(order: Order) -> Order:
    """Re-read ``order`` under a row lock (PostgreSQL) inside the caller's transaction."""
    return Order.objects.select_for_update(of=("self",)).select_related("vendor", "opd").get(pk=order.pk)


def _set_status(order: Order, to: str, *, by, role: str, note: str = "", fields=(), rule: str = "") -> Order:
    from_status = order.status
    order.status = to
    # Every step restarts the clock of the status it leads to (a counter-offer restarts the turn).
    order.status_changed_at = timezone.now()
    order.save(update_fields=["status", "updated_at", "status_changed_at", *fields])
    record_event(order, by=by, role=role, from_status=from_status, to_status=to, note=note, rule=rule)
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
        qty = parse_whole_number(value)
    except (TypeError, ValueError, OverflowError):
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
    if membership is None or membership.position not in OPDMember.ORDERING_POSITIONS:
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


# The checkout page carries what it showed, signed, so the submit can be held to exactly that.
SNAPSHOT_SALT = "procurement.checkout.snapshot"


def checkout_snapshot(items) -> dict:
    """What the checkout page shows for ``items`` (cart items with product and vendor loaded).

    Each line's product id, unit price and quantity; each vendor's PPN rate and
    order total; the grand total.  Amounts are strings so the snapshot survives
    JSON exactly.
    """
    by_vendor: dict[int, list[CartItem]] = defaultdict(list)
    for item in items:
        by_vendor[item.product.vendor_id].append(item)
    vendors = []
    grand = Decimal("0")
    for vendor_id, group in sorted(by_vendor.items()):
        rate = ppn_rate_for(group[0].product.vendor)
        totals = compute_totals([(i.product.price, i.quantity) for i in group], ppn_rate=rate)
        vendors.append([vendor_id, str(rate), str(totals.total)])
        grand += totals.total
    lines = sorted([item.product_id, str(item.product.price), item.quantity] for item in items)
    return {"lines": lines, "vendors": vendors, "total": str(grand)}


def sign_checkout_snapshot(snapshot: dict) -> str:
    return signing.dumps(snapshot, salt=SNAPSHOT_SALT, compress=True)


def _parse_snapshot(data) -> dict:
    return {
        "lines": [(int(pid), Decimal(price), int(qty)) for pid, price, qty in data["lines"]],
        "vendors": [(int(vid), Decimal(rate), Decimal(total)) for vid, rate, total in data["vendors"]],
        "total": Decimal(data["total"]),
    }


def load_checkout_snapshot(value: str) -> dict:
    """The snapshot a checkout form carried, or CheckoutError if it is missing, altered or malformed."""
    try:
        return _parse_snapshot(signing.loads(value or "", salt=SNAPSHOT_SALT))
    except (signing.BadSignature, KeyError, TypeError, ValueError, InvalidOperation):
        raise CheckoutError(_("Formulir pesanan tidak lengkap; muat ulang halaman.")) from None


def current_checkout_snapshot(user) -> dict:
    """The snapshot of ``user``'s cart as it stands now (what a checkout page rendered now shows)."""
    items = CartItem.objects.filter(user=user).select_related("product", "product__vendor")
    return _parse_snapshot(checkout_snapshot(items))


def _percent(rate: Decimal) -> str:
    return f"{(rate * 100).normalize():f}%"


def _line_text(price_qty) -> str:
    return f"{price_qty[1]} × {format_rupiah(price_qty[0])}" if price_qty else _("tidak ada")


def _snapshot_changes(expected: dict, items: list[CartItem]) -> list[CheckoutChange]:
    """Every line, PPN rate and vendor total that differs between ``expected`` and the cart ``items``."""
    current = _parse_snapshot(checkout_snapshot(items))
    old_lines = {pid: (price, qty) for pid, price, qty in expected["lines"]}
    new_lines = {pid: (price, qty) for pid, price, qty in current["lines"]}
    names = {i.product_id: i.product.name for i in items}
    gone = set(old_lines) - set(names)
    if gone:
        names.update(Product.objects.filter(pk__in=gone).values_list("pk", "name"))
    changes = []
    for pid in sorted(old_lines.keys() | new_lines.keys()):
        old, new = old_lines.get(pid), new_lines.get(pid)
        name = names.get(pid) or _("Produk #%(id)s") % {"id": pid}
        if old is None or new is None:
            changes.append(CheckoutChange(name, _("Barang di keranjang"), _line_text(old), _line_text(new)))
            continue
        if old[0] != new[0]:
            changes.append(
                CheckoutChange(name, _("Harga satuan"), format_rupiah(old[0]), format_rupiah(new[0]))
            )
        if old[1] != new[1]:
            changes.append(CheckoutChange(name, _("Jumlah"), str(old[1]), str(new[1])))
    vendor_names = {i.product.vendor_id: str(i.product.vendor) for i in items}
    old_vendors = {vid: (rate, total) for vid, rate, total in expected["vendors"]}
    for vid, rate, total in current["vendors"]:
        if vid not in old_vendors:
            continue  # a vendor new to the cart shows through its lines
        old_rate, old_total = old_vendors[vid]
        if old_rate != rate:
            changes.append(
                CheckoutChange(vendor_names[vid], _("Tarif PPN"), _percent(old_rate), _percent(rate))
            )
        if old_total != total:
            changes.append(
                CheckoutChange(
                    vendor_names[vid], _("Total pesanan"), format_rupiah(old_total), format_rupiah(total)
                )
            )
    if not changes and expected["total"] != current["total"]:
        changes.append(
            CheckoutChange(
                _("Semua pesanan"),
                _("Total"),
                format_rupiah(expected["total"]),
                format_rupiah(current["total"]),
            )
        )
    return changes


def ensure_checkout_unchanged(expected: dict, items: list[CartItem]) -> None:
    """Refuse with CheckoutChanged if the cart no longer costs what the buyer confirmed.

    ``expected`` may be a loaded snapshot or the raw ``checkout_snapshot`` dict.
    """
    try:
        expected = _parse_snapshot(expected)
    except (KeyError, TypeError, ValueError, InvalidOperation):
        raise CheckoutError(_("Formulir pesanan tidak lengkap; muat ulang halaman.")) from None
    changes = _snapshot_changes(expected, items)
    if changes:
        raise CheckoutChanged(
            changes,
            old_total=expected["total"],
            new_total=Decimal(checkout_snapshot(items)["total"]),
        )


@transaction.atomic
def checkout(
    *,
    user,
    token: str,
    expected: dict,
    packages: dict[int, int],
    delivery_address: str,
    needed_by: date,
    note: str = "",
    send: bool = True,
    plan: dict | None = None,
) -> list[Order]:
    """Turn the buyer's cart into one order per vendor, each against the RUP package chosen for it.

    All or nothing: if one order does not fit its package's remaining pagu, or a
    quantity breaks the minimum order or the stock, nothing is created.  The same
    ``token`` twice returns the orders of the first call.  ``expected`` is the
    snapshot of what the buyer confirmed (``checkout_snapshot`` of the page they
    submitted, see ``load_checkout_snapshot``): if any price, quantity, PPN rate
    or total differs now, CheckoutChanged is raised and nothing is created.
    ``plan`` is the payment plan of every order (``clean_payment_plan``); none = one payment
    after full receipt.
    """
    membership = _ensure_buyer(user)
    plan = clean_payment_plan(plan or {}, error=CheckoutError)
    token = (token or "").strip()[:64]
    if not token:
        raise CheckoutError(_("Formulir pesanan tidak lengkap; muat ulang halaman."))
    # Serialise this buyer's checkouts so a replayed token sees the first call's orders.
    User.objects.select_for_update().filter(pk=user.pk).first()
    existing = list(Order.objects.filter(buyer=user, checkout_token=token).order_by("id"))
    if existing:
        return existing

    # Cart lines and their products locked in product id order: no price can change between the
    # comparison with what the buyer confirmed and the order lines copying it.
    items = list(
        CartItem.objects.filter(user=user)
        .select_related("product", "product__vendor", "product__category")
        .select_for_update(of=("self", "product"))
        .order_by("product_id")
    )
    if not items:
        raise CheckoutError(_("Keranjang Anda kosong."))
    items.sort(key=lambda i: (i.product.vendor_id, i.pk))
    ensure_checkout_unchanged(expected, items)
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

    # Where BPBJ requires a mini-kompetisi (competition.rules), a direct order is refused.
    from competition.rules import requirements

    required = requirements(
        [
            (
                vendor_id,
                group,
                compute_totals(
                    [(i.product.price, i.quantity) for i in group],
                    ppn_rate=ppn_rate_for(group[0].product.vendor),
                ).total,
            )
            for vendor_id, group in groups.items()
        ]
    )
    if required:
        raise CheckoutError(required[0].message)

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
            **plan,
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


PLAN_FIELDS = ("advance_percent", "pay_per_bast", "retention_percent", "retention_until")


def _plan_percent(value, label, error) -> Decimal:
    text = str(value if value is not None else "").strip().replace(",", ".") or "0"
    try:
        number = Decimal(text)
    except (InvalidOperation, ValueError):
        raise error(_("%(label)s harus berupa angka persen.") % {"label": label}) from None
    if not number.is_finite() or number != number.quantize(Decimal("0.01")):
        raise error(_("%(label)s paling banyak dua angka desimal.") % {"label": label})
    return number


def clean_payment_plan(data: dict, *, error=ProcurementError) -> dict:
    """The plan fields of an order from ``data`` (form values or Python values), checked
    against the city's limits; missing values mean no advance, one payment, no retention."""
    from . import payment_plan

    advance = _plan_percent(data.get("advance_percent"), _("Uang muka"), error)
    retention = _plan_percent(data.get("retention_percent"), _("Retensi"), error)
    per_bast = data.get("pay_per_bast") in (True, "1", "on", "true", 1)
    until = data.get("retention_until") or None
    if isinstance(until, str):
        try:
            until = date.fromisoformat(until)
        except ValueError:
            raise error(_("Tanggal retensi tidak valid.")) from None
    if not retention:
        until = None
    elif until is not None and until < timezone.localdate():
        raise error(_("Tanggal retensi tidak boleh sebelum hari ini."))
    problems = payment_plan.validate_plan(
        advance_percent=advance, pay_per_bast=per_bast, retention_percent=retention, retention_until=until
    )
    if problems:
        raise error(" ".join(problems))
    return {
        "advance_percent": advance,
        "pay_per_bast": per_bast,
        "retention_percent": retention,
        "retention_until": until,
    }


def _approval_covers(order: Order) -> bool:
    """Whether a PA/KPA approval on record covers the order's current total."""
    return order.approved_amount is not None and order.approved_amount >= order.total


def _needs_approval(order: Order) -> bool:
    """Above the OPD's threshold and not (or no longer) covered by the amount a PA/KPA approved.

    Checked whenever the total is set or changed (sending, an accepted negotiation offer), so an
    order cannot slip under the threshold at sending and grow past it afterwards.
    """
    threshold = order.opd.approval_threshold
    return threshold is not None and order.total > threshold and not _approval_covers(order)


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
def approve_order(*, order: Order, by, note: str = "", expected_total=None) -> Order:
    """PA/KPA approves an order above the threshold for its current total: it goes to the vendor.

    ``expected_total`` is the total the PA/KPA saw; a different total on record is refused, so an
    approval always means the amount that was shown.
    """
    order = _lock(order)
    role = ensure_transition(order, S.SENT, by=by)
    _require_status(order, S.PENDING_APPROVAL, S.SENT)
    if expected_total is not None and to_rupiah(expected_total) != order.total:
        raise TransitionError(
            _("Total pesanan kini %(t)s, bukan jumlah yang Anda setujui; periksa kembali pesanan.")
            % {"t": format_rupiah(order.total)}
        )
    renegotiated = order.sent_at is not None  # it reached the vendor before, at a lower total
    order.approved_by = by
    order.approved_amount = order.total
    order.approved_at = timezone.now()
    fields = ["approved_by", "approved_at", "approved_amount"]
    if not renegotiated:
        order.sent_at = order.approved_at
        fields.append("sent_at")
    note = (note or "").strip()
    record = _("Disetujui PA/KPA sebesar %(t)s.") % {"t": format_rupiah(order.total)}
    _set_status(order, S.SENT, by=by, role=role, note=f"{record} {note}".strip(), fields=fields)
    if renegotiated:
        notify(
            order,
            _vendor_users(order),
            _("total hasil negosiasi %(t)s disetujui PA/KPA; pesanan dapat diterima.")
            % {"t": format_rupiah(order.total)},
        )
    else:
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


def _check_offer_line(line: OrderLine, price: Decimal, qty: int) -> None:
    """Negotiation lowers prices: never above the catalogue price the order was placed at.

    A changed quantity meets the same rules as the cart: the product's minimum order and its stock.
    """
    if price > line.catalog_unit_price:
        raise TransitionError(
            _(
                "Harga satuan %(name)s (%(price)s) tidak boleh melebihi harga katalog saat pesanan "
                "dibuat (%(catalog)s): negosiasi hanya menurunkan harga."
            )
            % {
                "name": line.product_name,
                "price": format_rupiah(price),
                "catalog": format_rupiah(line.catalog_unit_price),
            }
        )
    if qty == line.quantity:
        return
    product = line.product
    if product is None:
        raise TransitionError(
            _("%(name)s tidak lagi ada di katalog; jumlahnya tidak dapat diubah.")
            % {"name": line.product_name}
        )
    try:
        _check_quantity(product, qty)
    except ProcurementError as exc:
        raise TransitionError(exc.message) from None


def _parse_offer_lines(order: Order, lines_input: dict) -> list[tuple[OrderLine, Decimal, int]]:
    """[(line, unit_price, quantity)] for every line of the order, validated."""
    lines = list(order.lines.select_related("product"))
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
        price = to_rupiah(price)
        _check_offer_line(line, price, qty)
        result.append((line, price, qty))
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
    increase = totals.total - order.total
    if increase > 0:
        # Said now rather than at acceptance; acceptance commits the increase conditionally.
        package = RUPPackage.objects.get(pk=order.rup_package_id)
        if increase > package.remaining:
            raise TransitionError(
                _("Sisa pagu paket RUP %(kode)s (%(remaining)s) tidak cukup untuk kenaikan %(amount)s.")
                % {
                    "kode": package.kode_rup,
                    "remaining": format_rupiah(package.remaining),
                    "amount": format_rupiah(increase),
                }
            )
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
    lines = list(order.lines.select_related("product"))
    by_line = {ol.order_line_id: ol for ol in last.lines.all()}
    for line in lines:
        offered = by_line.get(line.pk)
        if offered:
            # The rules again at acceptance: stock or minimum order may have moved since the offer.
            _check_offer_line(line, offered.unit_price, offered.quantity)
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
    agreed = _("Penawaran putaran %(r)s disetujui: total baru %(t)s.") % {
        "r": last.round,
        "t": format_rupiah(order.total),
    }
    if _needs_approval(order):
        # The new total crosses the threshold: no Surat Pesanan until the PA/KPA approves it.
        role = ensure_transition(order, S.PENDING_APPROVAL, by=by)
        order.requires_approval = True
        _set_status(
            order,
            S.PENDING_APPROVAL,
            by=by,
            role=role,
            fields=["subtotal", "ppn_amount", "total", "requires_approval"],
            note=agreed
            + " "
            + _("Melebihi batas persetujuan %(limit)s: menunggu persetujuan PA/KPA.")
            % {"limit": format_rupiah(order.opd.approval_threshold)},
        )
        notify(
            order,
            _opd_users(order, OPDMember.Position.PA),
            _("total hasil negosiasi %(t)s menunggu persetujuan PA/KPA.") % {"t": format_rupiah(order.total)},
        )
        notify(
            order,
            _other_side(order, role),
            _("penawaran negosiasi disetujui; total %(t)s menunggu persetujuan PA/KPA.")
            % {"t": format_rupiah(order.total)},
        )
        return order
    _set_status(
        order,
        S.SENT,
        by=by,
        role=role,
        fields=["subtotal", "ppn_amount", "total"],
        note=agreed,
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
    if order.requires_approval and not _approval_covers(order):
        # Backstop for the approval rule: whatever path changed the total, no SP above the approval.
        raise TransitionError(
            _("Total pesanan %(t)s belum disetujui PA/KPA; Surat Pesanan tidak dapat diterbitkan.")
            % {"t": format_rupiah(order.total)}
        )
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
    _issue_document("sp", order.pk)
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


def _cancel(order: Order, *, by, reason: str, role: str | None = None, rule: str = "") -> Order:
    role = ensure_transition(order, S.CANCELLED, by=by, role=role)
    reason = _clean_reason(reason)
    if order.paid_amount:
        # An advance already left the treasury: cancelling would hide money that was spent.
        raise TransitionError(
            _("Pesanan yang sudah dibayar sebagian (%(a)s) tidak dapat dibatalkan; ubah dengan adendum.")
            % {"a": format_rupiah(order.paid_amount)}
        )
    if order.status == S.ACCEPTED:
        _release_stock(list(order.lines.all()))
    if order.status in OPEN_STATUSES:
        _release_pagu(order.rup_package_id, order.total)
    order.reason = reason
    order.cancelled_at = timezone.now()
    _set_status(
        order, S.CANCELLED, by=by, role=role, note=reason, fields=["reason", "cancelled_at"], rule=rule
    )
    other = [order.buyer] if role == R.VENDOR else _vendor_users(order) if order.sent_at else []
    if role == R.APPROVER:
        other = [*other, order.buyer]
    if role == R.SYSTEM:  # nobody acted: both sides must hear why
        other = [*_vendor_users(order), order.buyer]
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


def _local_date(moment) -> date | None:
    return timezone.localdate(moment) if moment else None


def receipt_date_bounds(order: Order) -> tuple[date, date]:
    """A BAST is dated between the shipment and today (Asia/Jakarta dates).

    Orders that reached shipment outside the services may lack ``shipped_at``;
    the latest earlier step then stands in, so a BAST is never older than the order.
    """
    today = timezone.localdate()
    start = next(filter(None, (order.shipped_at, order.accepted_at, order.sent_at, order.created_at)), None)
    return min(_local_date(start) or today, today), today


def receipt_date_error(order: Order, value: date) -> str | None:
    earliest, today = receipt_date_bounds(order)
    if value > today:
        return _("Tanggal terima tidak boleh di masa depan.")
    if value < earliest:
        return _("Tanggal terima tidak boleh sebelum barang dikirim (%(date)s).") % {
            "date": date_format(earliest)
        }
    return None


def payment_date_bounds(order: Order, *, receipts=None) -> tuple[date, date]:
    """A transfer is dated between the order's first BAST and today (Asia/Jakarta dates).

    ``receipts``: the order's receipts when the caller already has them (saves a query).
    """
    today = timezone.localdate()
    if receipts is None:
        first = order.receipts.order_by("received_on").values_list("received_on", flat=True).first()
    else:
        first = min((r.received_on for r in receipts), default=None)
    if first is None:  # no BAST on record (data loaded outside the services): not before the receipt
        first = _local_date(order.received_at) or receipt_date_bounds(order)[0]
    return min(first, today), today


def payment_date_error(order: Order, value: date, *, receipts=None) -> str | None:
    earliest, today = payment_date_bounds(order, receipts=receipts)
    if value > today:
        return _("Tanggal transfer tidak boleh di masa depan.")
    if value < earliest:
        return _("Tanggal transfer tidak boleh sebelum tanggal BAST pertama (%(date)s).") % {
            "date": date_format(earliest)
        }
    return None


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
    problem = receipt_date_error(order, received_on)
    if problem:
        raise TransitionError(problem)
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
    elif order.pay_per_bast:
        notify(
            order,
            _opd_users(order, OPDMember.Position.TREASURER),
            _("BAST %(n)s dicatat; termin siap dibayar.") % {"n": receipt.number},
        )
    notify(order, _vendor_users(order), _("penerimaan barang dicatat (BAST %(n)s).") % {"n": receipt.number})
    _issue_document("bast", receipt.pk)
    return receipt


# Statuses in which the treasurer may pay an instalment of the plan (after the Surat Pesanan).
PAYABLE_STATUSES = (S.ACCEPTED, S.SHIPPED, S.PARTIALLY_RECEIVED, S.RECEIVED)


def pph_choices() -> list[tuple[str, str]]:
    """(code, label) of the configured PPh rates, plus none."""
    return [("", _("Tanpa PPh"))] + [
        (code, f"{code.upper().replace('_', ' ')} ({_percent(rate)})")
        for code, rate in settings.PPH_RATES.items()
    ]


def _installment_date_error(order: Order, inst, paid_on: date) -> str | None:
    today = timezone.localdate()
    if paid_on > today:
        return _("Tanggal transfer tidak boleh di masa depan.")
    if inst.kind == Payment.Kind.ADVANCE:
        earliest = _local_date(order.accepted_at) or today
        if paid_on < earliest:
            return _("Uang muka tidak boleh dibayar sebelum Surat Pesanan terbit (%(date)s).") % {
                "date": date_format(earliest)
            }
        return None
    if inst.kind == Payment.Kind.RETENTION and order.retention_until and paid_on < order.retention_until:
        return _("Retensi ditahan sampai %(date)s.") % {"date": date_format(order.retention_until)}
    if inst.kind == Payment.Kind.TERMIN and paid_on < inst.receipt.received_on:
        return _("Tanggal transfer tidak boleh sebelum tanggal BAST %(n)s (%(date)s).") % {
            "n": inst.receipt.number,
            "date": date_format(inst.receipt.received_on),
        }
    return payment_date_error(order, paid_on)


@transaction.atomic
def record_payment(
    *, order: Order, by, paid_on: date, reference: str, installment: str = "", pph_code: str = ""
) -> Payment:
    """Treasurer records the transfer of one instalment of the payment plan.

    Without ``installment`` the first one due is paid (the default plan: the whole total after
    full receipt). The instalment's gross amount moves from committed to spent pagu; PPh is
    withheld at the configured rate and the PPN inside the amount recorded beside it. The
    order is paid when every instalment of its plan is.
    """
    from . import payment_plan

    order = _lock(order)
    role = role_of(by, order)
    if role != R.TREASURER or order.status not in PAYABLE_STATUSES:
        ensure_transition(order, S.PAID, by=by)  # says who may pay, and from which status
        raise TransitionError(_("Pesanan ini belum dapat dibayar."))
    reference = (reference or "").strip()
    if not reference:
        raise TransitionError(_("Nomor referensi transfer wajib diisi."))
    pph_code = (pph_code or "").strip()
    if pph_code and pph_code not in settings.PPH_RATES:
        raise TransitionError(_("Jenis PPh tidak dikenal."))
    pph_rate = settings.PPH_RATES.get(pph_code, Decimal("0"))
    plan = payment_plan.schedule(order)
    open_due = [i for i in plan if i.due and not i.paid]
    if installment:
        inst = next((i for i in plan if i.key == installment), None)
        if inst is None:
            raise TransitionError(_("Angsuran itu tidak ada dalam rencana pembayaran pesanan ini."))
        if inst.paid:
            raise TransitionError(_("%(label)s sudah dibayar.") % {"label": inst.label})
        if not inst.due:
            raise TransitionError(_("%(label)s belum jatuh tempo.") % {"label": inst.label})
    elif open_due:
        inst = open_due[0]
    else:
        raise TransitionError(_("Tidak ada angsuran yang jatuh tempo untuk dibayar sekarang."))
    problem = _installment_date_error(order, inst, paid_on)
    if problem:
        raise TransitionError(problem)
    amount = inst.amount
    updated = RUPPackage.objects.filter(pk=order.rup_package_id, committed__gte=amount).update(
        committed=F("committed") - amount, spent=F("spent") + amount
    )
    if not updated:
        raise TransitionError(_("Pagu terikat paket RUP tidak sesuai; hubungi BPBJ."))
    try:
        with transaction.atomic():
            payment = Payment.objects.create(
                order=order,
                installment=inst.key,
                kind=inst.kind,
                receipt=inst.receipt,
                amount=amount,
                ppn_amount=payment_plan.ppn_inside(amount, order.ppn_rate),
                pph_code=pph_code,
                pph_rate=pph_rate,
                pph_amount=payment_plan.pph_on(amount, order.ppn_rate, pph_rate),
                paid_on=paid_on,
                reference=reference[:100],
                recorded_by=by,
            )
    except IntegrityError:
        raise TransitionError(_("%(label)s sudah dibayar.") % {"label": inst.label}) from None
    order.paid_amount += amount
    note = _("%(label)s: transfer %(amount)s (PPN %(ppn)s, PPh dipotong %(pph)s), ref. %(ref)s.") % {
        "label": inst.label,
        "amount": format_rupiah(amount),
        "ppn": format_rupiah(payment.ppn_amount),
        "pph": format_rupiah(payment.pph_amount),
        "ref": payment.reference,
    }
    if order.status == S.RECEIVED and order.paid_amount >= order.total:
        role = ensure_transition(order, S.PAID, by=by)
        order.paid_at = timezone.now()
        _set_status(order, S.PAID, by=by, role=role, fields=["paid_at", "paid_amount"], note=note)
    else:
        order.save(update_fields=["paid_amount", "updated_at"])
        record_event(order, by=by, role=role, from_status=order.status, to_status=order.status, note=note)
    notify(
        order,
        [*_vendor_users(order), order.buyer],
        _("pembayaran %(a)s dicatat (%(label)s).") % {"a": format_rupiah(amount), "label": inst.label},
    )
    _issue_document("payment", payment.pk)
    if order.status in (S.RECEIVED, S.PAID):
        # The payment answers any open late-payment complaint: it leaves BPBJ's queue.
        LatePaymentComplaint.objects.filter(order=order, status=ComplaintStatus.OPEN).update(
            status=ComplaintStatus.RESOLVED,
            resolved_at=timezone.now(),
            resolution=_("Dibayar %(d)s (ref. %(ref)s).")
            % {"d": paid_on.strftime("%d-%m-%Y"), "ref": payment.reference},
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
# Addenda: changes to an order after its Surat Pesanan
# --------------------------------------------------------------------------------------

# After the Surat Pesanan and before the order is paid in full.
ADDENDUM_STATUSES = (S.ACCEPTED, S.SHIPPED, S.PARTIALLY_RECEIVED, S.RECEIVED)


@dataclass
class AddendumChange:
    line: OrderLine
    unit_price: Decimal
    quantity: int


def _parse_price(text, name: str) -> Decimal:
    text = str(text).strip().replace(" ", "")
    if re.fullmatch(r"\d{1,3}(\.\d{3})+", text):  # "25.000" written the Indonesian way
        text = text.replace(".", "")
    try:
        price = Decimal(text)
    except (InvalidOperation, ValueError):
        raise TransitionError(_("Harga satuan %(name)s tidak valid.") % {"name": name}) from None
    if not price.is_finite() or price != price.to_integral_value() or price < 1 or price > MAX_UNIT_PRICE:
        raise TransitionError(
            _("Harga satuan %(name)s harus bilangan bulat Rupiah antara 1 dan %(max)s.")
            % {"name": name, "max": format_rupiah(MAX_UNIT_PRICE)}
        )
    return to_rupiah(price)


def _parse_addendum_lines(lines: list[OrderLine], lines_input: dict) -> list[AddendumChange]:
    """The new price and quantity of every line (a line left out keeps its terms; 0 removes it)."""
    result = []
    for line in lines:
        raw = lines_input.get(line.pk) or lines_input.get(str(line.pk))
        if raw is None:
            result.append(AddendumChange(line, line.unit_price, line.quantity))
            continue
        raw_price, raw_qty = raw
        price = _parse_price(raw_price, line.product_name) if str(raw_price).strip() else line.unit_price
        try:
            qty = int(str(raw_qty).strip())
        except (TypeError, ValueError):
            raise TransitionError(
                _("Jumlah %(name)s harus bilangan bulat.") % {"name": line.product_name}
            ) from None
        if qty < 0 or qty > MAX_QUANTITY:
            raise TransitionError(
                _("Jumlah %(name)s harus antara 0 dan %(max)s.")
                % {"name": line.product_name, "max": f"{MAX_QUANTITY:,}".replace(",", ".")}
            )
        result.append(AddendumChange(line, price, qty))
    return result


def _check_addendum(order: Order, changes: list[AddendumChange], *, new_needed_by: date, plan: dict | None):
    """Every rule an addendum must meet, at proposal and again when it takes effect.

    Returns the new totals. Nothing received or paid can be undone: a quantity never goes
    below what was received, the price of received goods stays, the total never goes below
    what was paid; the price never rises above the one in force; stock and pagu must cover
    an increase.
    """
    for change in changes:
        line = change.line
        if change.quantity < line.received_quantity:
            raise TransitionError(
                _("Jumlah %(name)s tidak boleh kurang dari yang sudah diterima (%(n)s %(unit)s).")
                % {"name": line.product_name, "n": line.received_quantity, "unit": line.unit}
            )
        if change.unit_price > line.unit_price:
            raise TransitionError(
                _("Harga satuan %(name)s (%(price)s) tidak boleh melebihi harga yang berlaku (%(current)s).")
                % {
                    "name": line.product_name,
                    "price": format_rupiah(change.unit_price),
                    "current": format_rupiah(line.unit_price),
                }
            )
        if change.unit_price != line.unit_price and line.received_quantity:
            raise TransitionError(
                _("Harga %(name)s tidak dapat diubah: sebagian sudah diterima dengan harga itu.")
                % {"name": line.product_name}
            )
        increase = change.quantity - line.quantity
        if increase > 0:
            if line.product is None:
                raise TransitionError(
                    _("%(name)s tidak lagi ada di katalog; jumlahnya tidak dapat ditambah.")
                    % {"name": line.product_name}
                )
            if increase > line.product.stock:
                raise TransitionError(
                    _("Stok %(name)s tidak cukup untuk tambahan %(qty)s: tersedia %(stock)s.")
                    % {"name": line.product_name, "qty": increase, "stock": line.product.stock}
                )
    if not any(change.quantity for change in changes):
        raise TransitionError(_("Adendum tidak boleh menghapus semua barang; batalkan pesanan bila perlu."))
    totals = compute_totals([(c.unit_price, c.quantity) for c in changes], ppn_rate=order.ppn_rate)
    if totals.total < order.paid_amount:
        raise TransitionError(
            _("Total baru %(t)s tidak boleh kurang dari yang sudah dibayar (%(p)s).")
            % {"t": format_rupiah(totals.total), "p": format_rupiah(order.paid_amount)}
        )
    increase = totals.total - order.total
    if increase > 0:
        package = RUPPackage.objects.get(pk=order.rup_package_id)
        if increase > package.remaining:
            raise TransitionError(
                _("Sisa pagu paket RUP %(kode)s (%(remaining)s) tidak cukup untuk kenaikan %(amount)s.")
                % {
                    "kode": package.kode_rup,
                    "remaining": format_rupiah(package.remaining),
                    "amount": format_rupiah(increase),
                }
            )
    if new_needed_by != order.needed_by and new_needed_by < timezone.localdate():
        raise TransitionError(_("Tanggal dibutuhkan yang baru tidak boleh sebelum hari ini."))
    if plan is not None and order.paid_amount:
        raise TransitionError(_("Rencana pembayaran hanya dapat diubah sebelum pembayaran pertama."))
    return totals


def _plan_of(order: Order) -> dict:
    return {name: getattr(order, name) for name in PLAN_FIELDS}


@transaction.atomic
def propose_addendum(
    *, order: Order, by, lines: dict, reason: str, needed_by: date | None = None, plan: dict | None = None
) -> Addendum:
    """The buyer (PPK) or the vendor proposes a change of quantities, prices, date or payment plan.

    ``lines`` = {line id: (unit price, quantity)}; quantity 0 removes the line. ``plan``: a new
    payment plan (``clean_payment_plan`` input), only before the first payment.
    """
    order = _lock(order)
    role = role_of(by, order)
    if role not in (R.BUYER, R.VENDOR):
        raise TransitionError(_("Adendum diusulkan oleh Pejabat Pengadaan/PPK atau penyedia pesanan ini."))
    if order.status not in ADDENDUM_STATUSES:
        raise TransitionError(
            _("Adendum hanya dapat diusulkan setelah Surat Pesanan terbit dan sebelum pesanan lunas.")
        )
    if order.addenda.filter(status__in=(AddendumStatus.PROPOSED, AddendumStatus.PENDING_APPROVAL)).exists():
        raise TransitionError(_("Masih ada adendum yang menunggu jawaban; selesaikan dulu."))
    reason = (reason or "").strip()[:2000]
    if not reason:
        raise TransitionError(_("Alasan perubahan wajib diisi."))
    order_lines = list(order.lines.select_related("product"))
    changes = _parse_addendum_lines(order_lines, lines)
    new_needed_by = needed_by or order.needed_by
    if plan is not None:
        plan = clean_payment_plan(plan, error=TransitionError)
        if plan == _plan_of(order):
            plan = None
    totals = _check_addendum(order, changes, new_needed_by=new_needed_by, plan=plan)
    changed = any(c.quantity != c.line.quantity or c.unit_price != c.line.unit_price for c in changes)
    if not changed and new_needed_by == order.needed_by and plan is None:
        raise TransitionError(_("Adendum tidak mengubah apa pun."))
    addendum = Addendum.objects.create(
        order=order,
        proposed_by=by,
        proposed_role=role,
        reason=reason,
        old_needed_by=order.needed_by,
        new_needed_by=new_needed_by,
        old_total=order.total,
        new_total=totals.total,
        new_advance_percent=plan["advance_percent"] if plan else None,
        new_pay_per_bast=plan["pay_per_bast"] if plan else None,
        new_retention_percent=plan["retention_percent"] if plan else None,
        new_retention_until=plan["retention_until"] if plan else None,
    )
    AddendumLine.objects.bulk_create(
        [
            AddendumLine(
                addendum=addendum,
                order_line=c.line,
                old_quantity=c.line.quantity,
                new_quantity=c.quantity,
                old_unit_price=c.line.unit_price,
                new_unit_price=c.unit_price,
            )
            for c in changes
        ]
    )
    record_event(
        order,
        by=by,
        role=role,
        from_status=order.status,
        to_status=order.status,
        note=_("Adendum diusulkan: total %(old)s → %(new)s. %(reason)s")
        % {"old": format_rupiah(order.total), "new": format_rupiah(totals.total), "reason": reason},
    )
    notify(order, _other_side(order, role), _("usulan adendum menunggu jawaban Anda."))
    return addendum


def _lock_addendum(addendum: Addendum) -> tuple[Order, Addendum]:
    order = _lock(addendum.order)
    addendum = Addendum.objects.select_for_update().get(pk=addendum.pk)
    return order, addendum


def _addendum_changes(order: Order, addendum: Addendum) -> list[AddendumChange]:
    lines = {line.pk: line for line in order.lines.select_related("product")}
    return [
        AddendumChange(lines[al.order_line_id], al.new_unit_price, al.new_quantity)
        for al in addendum.lines.all()
    ]


def _addendum_plan(addendum: Addendum) -> dict | None:
    if not addendum.changes_plan:
        return None
    return {
        "advance_percent": addendum.new_advance_percent,
        "pay_per_bast": addendum.new_pay_per_bast,
        "retention_percent": addendum.new_retention_percent,
        "retention_until": addendum.new_retention_until,
    }


def _apply_addendum(order: Order, addendum: Addendum, *, by, role: str) -> Addendum:
    """The addendum takes effect: lines, totals, stock, pagu, date and plan move together."""
    changes = _addendum_changes(order, addendum)
    plan = _addendum_plan(addendum)
    totals = _check_addendum(order, changes, new_needed_by=addendum.new_needed_by, plan=plan)
    if totals.total != addendum.new_total:  # the order moved since the proposal (it cannot: one open)
        raise TransitionError(_("Pesanan berubah sejak adendum diusulkan; usulkan ulang."))
    more = [
        OrderLine(
            pk=c.line.pk,
            product_id=c.line.product_id,
            product_name=c.line.product_name,
            quantity=c.quantity - c.line.quantity,
        )
        for c in changes
        if c.quantity > c.line.quantity
    ]
    fewer = [
        OrderLine(pk=c.line.pk, product_id=c.line.product_id, quantity=c.line.quantity - c.quantity)
        for c in changes
        if c.quantity < c.line.quantity
    ]
    if more:
        _reserve_stock(more)
    if fewer:
        _release_stock(fewer)
    delta = totals.total - order.total
    try:
        if delta > 0:
            _commit_pagu(order.rup_package_id, delta)
        elif delta < 0:
            _release_pagu(order.rup_package_id, -delta)
    except CheckoutError as exc:
        raise TransitionError(exc.message) from None
    lines = []
    for change in changes:
        change.line.unit_price, change.line.quantity = change.unit_price, change.quantity
        lines.append(change.line)
    _apply_totals(order, lines)
    OrderLine.objects.bulk_update(lines, ["unit_price", "quantity", "line_total"])
    order.needed_by = addendum.new_needed_by
    fields = ["subtotal", "ppn_amount", "total", "needed_by", "addendum_count"]
    if plan:
        for name, value in plan.items():
            setattr(order, name, value)
        fields += list(PLAN_FIELDS)
    order.addendum_count += 1
    now = timezone.now()
    addendum.status = AddendumStatus.ACCEPTED
    addendum.sequence = order.addendum_count
    addendum.number = f"{order.sp_number}/ADD-{order.addendum_count}"
    addendum.accepted_at = now
    addendum.save(
        update_fields=[
            "status",
            "sequence",
            "number",
            "accepted_at",
            "decided_by",
            "decided_at",
            "decision_note",
            "approved_by",
            "approved_at",
        ]
    )
    note = _("Adendum %(n)s berlaku: total %(old)s → %(new)s.") % {
        "n": addendum.number,
        "old": format_rupiah(addendum.old_total),
        "new": format_rupiah(order.total),
    }
    complete = all(line.received_quantity == line.quantity for line in lines)
    # Receipt status follows the new quantities: the last BAST may already cover them all, or an
    # increase re-opens receipt. Not a party's move, so not in TRANSITIONS.
    if order.status == S.PARTIALLY_RECEIVED and complete:
        order.received_at = now
        _set_status(order, S.RECEIVED, by=by, role=role, fields=[*fields, "received_at"], note=note)
        if order.paid_amount >= order.total:
            order.paid_at = now
            _set_status(order, S.PAID, by=by, role=role, fields=["paid_at"], note=_("Lunas menurut adendum."))
    elif order.status == S.RECEIVED and not complete:
        order.received_at = None
        _set_status(order, S.PARTIALLY_RECEIVED, by=by, role=role, fields=[*fields, "received_at"], note=note)
    else:
        order.save(update_fields=[*fields, "updated_at"])
        record_event(order, by=by, role=role, from_status=order.status, to_status=order.status, note=note)
    notify(
        order,
        [*_vendor_users(order), order.buyer, *_opd_users(order, OPDMember.Position.TREASURER)],
        _("adendum %(n)s berlaku; total %(t)s.") % {"n": addendum.number, "t": format_rupiah(order.total)},
    )
    return addendum


def _addendum_needs_approval(order: Order, addendum: Addendum) -> bool:
    threshold = order.opd.approval_threshold
    covered = order.approved_amount is not None and order.approved_amount >= addendum.new_total
    return threshold is not None and addendum.new_total > threshold and not covered


@transaction.atomic
def answer_addendum(*, addendum: Addendum, by, accept: bool, note: str = "") -> Addendum:
    """The other party accepts or declines; above the approval threshold the PA/KPA decides next."""
    order, addendum = _lock_addendum(addendum)
    role = role_of(by, order)
    if addendum.status != AddendumStatus.PROPOSED:
        raise TransitionError(_("Adendum ini tidak lagi menunggu jawaban."))
    other = R.VENDOR if addendum.proposed_role == R.BUYER else R.BUYER
    if role != other:
        raise TransitionError(_("Adendum dijawab oleh pihak lain dari yang mengusulkan."))
    addendum.decided_by = by
    addendum.decided_at = timezone.now()
    addendum.decision_note = (note or "").strip()[:2000]
    if not accept:
        addendum.status = AddendumStatus.DECLINED
        addendum.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
        record_event(
            order,
            by=by,
            role=role,
            from_status=order.status,
            to_status=order.status,
            note=_("Adendum ditolak. %(n)s") % {"n": addendum.decision_note},
        )
        notify(order, _other_side(order, role), _("usulan adendum ditolak."))
        return addendum
    if _addendum_needs_approval(order, addendum):
        # Checked now so a refusal is said before anything waits on the PA/KPA.
        _check_addendum(
            order,
            _addendum_changes(order, addendum),
            new_needed_by=addendum.new_needed_by,
            plan=_addendum_plan(addendum),
        )
        addendum.status = AddendumStatus.PENDING_APPROVAL
        addendum.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
        record_event(
            order,
            by=by,
            role=role,
            from_status=order.status,
            to_status=order.status,
            note=_("Adendum disepakati; total baru %(t)s melebihi batas persetujuan %(l)s: menunggu PA/KPA.")
            % {"t": format_rupiah(addendum.new_total), "l": format_rupiah(order.opd.approval_threshold)},
        )
        notify(
            order,
            _opd_users(order, OPDMember.Position.PA),
            _("adendum dengan total %(t)s menunggu persetujuan PA/KPA.")
            % {"t": format_rupiah(addendum.new_total)},
        )
        return addendum
    return _apply_addendum(order, addendum, by=by, role=role)


@transaction.atomic
def decide_addendum_approval(*, addendum: Addendum, by, approve: bool, note: str = "") -> Addendum:
    """The PA/KPA approves (it takes effect) or refuses (it is declined) an addendum above the threshold."""
    order, addendum = _lock_addendum(addendum)
    role = role_of(by, order)
    if role != R.APPROVER:
        raise TransitionError(_("Hanya PA/KPA OPD ini yang dapat menyetujui adendum."))
    if addendum.status != AddendumStatus.PENDING_APPROVAL:
        raise TransitionError(_("Adendum ini tidak menunggu persetujuan PA/KPA."))
    note = (note or "").strip()[:2000]
    if not approve:
        if not note:
            raise TransitionError(_("Alasan wajib diisi."))
        addendum.status = AddendumStatus.DECLINED
        addendum.decision_note = note
        addendum.save(update_fields=["status", "decision_note"])
        record_event(
            order,
            by=by,
            role=role,
            from_status=order.status,
            to_status=order.status,
            note=_("Adendum tidak disetujui PA/KPA: %(n)s") % {"n": note},
        )
        notify(order, [*_vendor_users(order), order.buyer], _("adendum tidak disetujui PA/KPA."))
        return addendum
    addendum.approved_by = by
    addendum.approved_at = timezone.now()
    order.approved_by, order.approved_at, order.approved_amount = by, addendum.approved_at, addendum.new_total
    order.save(update_fields=["approved_by", "approved_at", "approved_amount", "updated_at"])
    return _apply_addendum(order, addendum, by=by, role=role)


# --------------------------------------------------------------------------------------
# Steps taken by the deadline rules (procurement.deadlines decides when; these decide how)
# --------------------------------------------------------------------------------------


@transaction.atomic
def system_cancel(*, order: Order, rule: str, reason: str) -> Order | None:
    """The system cancels an order left unanswered past its deadline (None if it moved meanwhile).

    ``reason`` says which deadline passed; both sides are told.
    """
    order = _lock(order)
    if not can_transition(order, S.CANCELLED, R.SYSTEM):
        return None
    return _cancel(order, by=None, reason=reason, role=R.SYSTEM, rule=rule)


@transaction.atomic
def system_close_negotiation(*, order: Order, rule: str, reason: str) -> Order | None:
    """A negotiation turn left unanswered: back to the last agreed terms, or cancelled without any.

    Terms were agreed when an earlier offer was accepted (its prices are already on the
    order lines); the order then waits for the vendor's answer again, on a new clock.
    """
    order = _lock(order)
    if order.status != S.NEGOTIATING:
        return None
    agreed = order.offers.filter(action=NegotiationOffer.Action.ACCEPT).exists()
    if not agreed:
        return _cancel(
            order,
            by=None,
            reason=reason + " " + _("Belum ada kesepakatan harga; pesanan dibatalkan."),
            role=R.SYSTEM,
            rule=rule,
        )
    ensure_transition(order, S.SENT, by=None, role=R.SYSTEM)
    _set_status(
        order,
        S.SENT,
        by=None,
        role=R.SYSTEM,
        rule=rule,
        note=reason
        + " "
        + _("Negosiasi ditutup pada harga yang terakhir disepakati (total %(t)s).")
        % {"t": format_rupiah(order.total)},
    )
    notify(
        order,
        [*_vendor_users(order), order.buyer],
        _("negosiasi ditutup otomatis pada harga yang terakhir disepakati: %(r)s") % {"r": reason},
    )
    return order


def system_note(order: Order, *, rule: str, note: str, fields=()) -> None:
    """An automatic step that keeps the status (a reminder, a late mark, an escalation): audit it.

    Call inside the caller's transaction, with the order locked.
    """
    if fields:
        order.save(update_fields=[*fields, "updated_at"])
    record_event(
        order, by=None, role=R.SYSTEM, from_status=order.status, to_status=order.status, note=note, rule=rule
    )


# --------------------------------------------------------------------------------------
# Late-payment complaints (vendor files, BPBJ answers)
# --------------------------------------------------------------------------------------


@transaction.atomic
def file_late_payment_complaint(*, order: Order, by, note: str) -> LatePaymentComplaint:
    """The vendor complains that a received order is not paid by its deadline; BPBJ is told."""
    from .deadlines import payment_clock

    order = _lock(order)
    if role_of(by, order) != R.VENDOR:
        raise TransitionError(_("Hanya penyedia pesanan ini yang dapat mengajukan keluhan pembayaran."))
    if order.status != S.RECEIVED:
        raise TransitionError(
            _("Keluhan keterlambatan hanya untuk pesanan yang sudah diterima dan belum dibayar.")
        )
    clock = payment_clock(order)
    if clock is None or not clock.overdue:
        raise TransitionError(
            _("Tenggat pembayaran belum lewat (batas %(d)s); keluhan dapat diajukan setelahnya.")
            % {"d": clock.due.strftime("%d-%m-%Y") if clock else "-"}
        )
    note = (note or "").strip()[:2000]
    if not note:
        raise TransitionError(_("Tuliskan keluhan Anda."))
    if LatePaymentComplaint.objects.filter(order=order, status=ComplaintStatus.OPEN).exists():
        raise TransitionError(_("Keluhan untuk pesanan ini sudah diajukan dan sedang ditangani BPBJ."))
    complaint = LatePaymentComplaint.objects.create(
        order=order, vendor_id=order.vendor_id, filed_by=by, note=note
    )
    record_event(
        order,
        by=by,
        role=R.VENDOR,
        from_status=order.status,
        to_status=order.status,
        note=_("Keluhan keterlambatan pembayaran: %(n)s") % {"n": note},
    )
    notify(
        order,
        [*_bpbj_users(), *_opd_users(order, OPDMember.Position.TREASURER, OPDMember.Position.PA)],
        _("penyedia mengeluhkan keterlambatan pembayaran."),
    )
    return complaint


@transaction.atomic
def resolve_complaint(*, complaint: LatePaymentComplaint, by, resolution: str) -> LatePaymentComplaint:
    """BPBJ records what it did about a complaint; the vendor is told."""
    if not getattr(by, "is_bpbj", False):
        raise ProcurementError(_("Hanya BPBJ yang dapat menindaklanjuti keluhan."))
    complaint = LatePaymentComplaint.objects.select_for_update().select_related("order").get(pk=complaint.pk)
    if complaint.status != ComplaintStatus.OPEN:
        raise ProcurementError(_("Keluhan ini sudah ditindaklanjuti."))
    resolution = (resolution or "").strip()[:2000]
    if not resolution:
        raise ProcurementError(_("Tuliskan tindak lanjut BPBJ."))
    complaint.status = ComplaintStatus.RESOLVED
    complaint.resolution = resolution
    complaint.resolved_by = by
    complaint.resolved_at = timezone.now()
    complaint.save(update_fields=["status", "resolution", "resolved_by", "resolved_at"])
    order = complaint.order
    notify(
        order,
        [*_vendor_users(order), *_opd_users(order, OPDMember.Position.TREASURER)],
        _("BPBJ menindaklanjuti keluhan pembayaran: %(r)s") % {"r": resolution},
    )
    return complaint


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
    if can_transition(order, S.PAID, role) or (
        role == R.TREASURER and st in PAYABLE_STATUSES and has_staged_plan(order)
    ):
        actions.add("pay")
    if role in (R.BUYER, R.VENDOR) and st in ADDENDUM_STATUSES:
        actions.add("propose_addendum")
    if can_transition(order, S.COMPLETED, role):
        actions.add("complete")
    if st == S.COMPLETED and role in (R.BUYER, R.APPROVER) and not has_rating:
        actions.add("rate")
    return actions


def has_staged_plan(order: Order) -> bool:
    """Whether the order pays in more than one instalment (advance, termins or retention)."""
    return bool(order.advance_percent or order.pay_per_bast or order.retention_percent)


def mark_notifications_read(*, user, ids=None) -> int:
    qs = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        clean = [pk for pk in map(parse_id, ids) if pk]
        qs = qs.filter(pk__in=clean)
    return qs.update(read_at=timezone.now())
