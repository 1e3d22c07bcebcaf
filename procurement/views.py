"""Procurement pages: thin views that parse the request, call a selector or service, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.permissions import bpbj_required, orderer_required, vendor_required
from documents.views import can_download_audit_pack
from ecatalog.params import parse_id, safe_next_url

from . import deadlines, payment_plan, price_reference, selectors, services
from .filters import OrderFilter
from .forms import (
    AddendumForm,
    ApprovalForm,
    CheckoutForm,
    NoteForm,
    OfferForm,
    PaymentForm,
    QuantityForm,
    RatingForm,
    ReasonForm,
    ReceiptForm,
    RUPImportForm,
    ShipForm,
)
from .models import (
    AddendumStatus,
    ComplaintStatus,
    LatePaymentComplaint,
    NegotiationOffer,
    Notification,
    OrderStatus,
    RUPPackage,
)
from .rup_import import COLUMNS, RUPImportError, import_rup_packages
from .services import ActorRole, ProcurementError

PAGE_SIZE = 20


def _form_errors(form) -> str:
    return " ".join(str(e) for errors in form.errors.values() for e in errors)


# --------------------------------------------------------------------------- cart


@require_POST
@orderer_required
def cart_add(request, product_pk: int):
    form = QuantityForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
    else:
        try:
            services.add_to_cart(
                user=request.user, product_id=product_pk, quantity=form.cleaned_data["quantity"]
            )
        except ProcurementError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Produk masuk keranjang."))
    return redirect(safe_next_url(request, reverse("procurement:cart")))


@orderer_required
def cart(request):
    if request.method == "POST":
        remove = request.POST.get("remove")
        try:
            if remove:
                services.remove_cart_item(user=request.user, item_id=parse_id(remove) or 0)
                messages.success(request, _("Barang dihapus dari keranjang."))
            else:
                for key, value in request.POST.items():
                    item_id = parse_id(key[4:]) if key.startswith("qty_") else None
                    if item_id:
                        services.update_cart_item(user=request.user, item_id=item_id, quantity=value)
                messages.success(request, _("Keranjang diperbarui."))
        except ProcurementError as exc:
            messages.error(request, exc.message)
        return redirect("procurement:cart")
    groups = selectors.cart_groups(request.user)
    grand_total = sum((g["totals"].total for g in groups), 0)
    from competition.rules import requirements

    required = requirements([(g["vendor"].pk, g["items"], g["totals"].total) for g in groups])
    return render(
        request,
        "procurement/cart.html",
        {"groups": groups, "grand_total": grand_total, "competition_required": required},
    )


@orderer_required
def checkout(request):
    opd = request.user.opd
    groups = selectors.cart_groups(request.user)
    packages = services.checkout_packages(opd)
    if not groups and request.method != "POST":
        messages.info(request, _("Keranjang Anda kosong."))
        return redirect("procurement:cart")
    changes = None  # CheckoutChanged: the lines that differ from what the buyer confirmed
    form = CheckoutForm(
        request.POST or None,
        packages=packages,
        groups=groups,
        initial={"delivery_address": opd.address},
    )
    if request.method == "POST":
        if form.is_valid():
            try:
                orders = services.checkout(
                    user=request.user,
                    token=form.cleaned_data["token"],
                    expected=form.cleaned_data["snapshot"],
                    packages=form.cleaned_data["packages"],
                    delivery_address=form.cleaned_data["delivery_address"],
                    needed_by=form.cleaned_data["needed_by"],
                    note=form.cleaned_data["note"],
                    plan=form.plan(),
                )
            except services.CheckoutChanged as exc:
                form.add_error(None, exc.message)
                changes = exc
            except ProcurementError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(
                    request,
                    _("%(n)s pesanan dibuat: %(numbers)s.")
                    % {"n": len(orders), "numbers": ", ".join(o.number for o in orders)},
                )
                return redirect(f"{reverse('procurement:order_list')}")
        elif not groups:
            # A replayed submit after the cart was emptied by the first one.
            token = request.POST.get("token", "")
            if token and selectors.orders_visible_to(request.user).filter(checkout_token=token).exists():
                return redirect("procurement:order_list")
    grand_total = sum((g["totals"].total for g in groups), 0)
    # What this page shows, signed: the submit creates orders only if the cart still costs exactly this.
    snapshot = services.sign_checkout_snapshot(
        services.checkout_snapshot([item for g in groups for item in g["items"]])
    )
    context = {
        "form": form,
        "groups": groups,
        "packages": list(packages),
        "grand_total": grand_total,
        "snapshot": snapshot,
        "changes": changes,
        "price_reference": price_reference.for_cart(groups),
    }
    return render(request, "procurement/checkout.html", context)


# --------------------------------------------------------------------------- lists


def _filtered_page(request, base_qs, visible):
    order_filter = OrderFilter(request.GET or None, queryset=base_qs, visible=visible)
    qs = order_filter.qs if order_filter.is_bound else base_qs
    page = Paginator(qs.order_by("-created_at", "-id"), PAGE_SIZE).get_page(request.GET.get("page"))
    return order_filter, page


@login_required
def order_list(request):
    """The OPD's orders (BPBJ: every order), filterable and paginated."""
    user = request.user
    if user.is_vendor:
        return redirect("procurement:vendor_inbox")
    if not (user.is_bpbj or (user.is_buyer and user.opd)):
        raise Http404
    visible = selectors.orders_visible_to(user)
    order_filter, page = _filtered_page(request, selectors.order_list_queryset(user), visible)
    return render(
        request,
        "procurement/order_list.html",
        {"filter": order_filter, "page_obj": page, "orders": list(page.object_list), "opd": user.opd},
    )


INBOX_TABS = {
    "new": (OrderStatus.SENT,),
    "negotiating": (OrderStatus.NEGOTIATING,),
    "to_ship": (OrderStatus.ACCEPTED,),
    "all": None,
}


@vendor_required
def vendor_inbox(request):
    """The vendor's orders by tab (new, negotiations, to ship, all), filterable and paginated."""
    tab = request.GET.get("tab", "new")
    if tab not in INBOX_TABS:
        tab = "new"
    visible = selectors.orders_visible_to(request.user)
    base = selectors.order_list_queryset(request.user)
    if INBOX_TABS[tab]:
        base = base.filter(status__in=INBOX_TABS[tab])
    order_filter, page = _filtered_page(request, base, visible)
    return render(
        request,
        "procurement/vendor_inbox.html",
        {
            "filter": order_filter,
            "page_obj": page,
            "orders": list(page.object_list),
            "tab": tab,
            "counts": selectors.vendor_inbox_counts(request.user.vendor_profile),
        },
    )


# --------------------------------------------------------------------------- order page and actions


def _action_forms(order, lines, actions, last_offer, receipts, installments=None):
    forms = {}
    if {"propose", "counter"} & actions:
        proposed = (
            {ol.order_line_id: (ol.unit_price, ol.quantity) for ol in last_offer.lines.all()}
            if last_offer
            else None
        )
        forms["offer"] = OfferForm(lines=lines, proposed=proposed)
    if {"reject", "cancel", "refuse_approval"} & actions:
        forms["reason"] = ReasonForm()
    if {"accept_offer", "decline_offer"} & actions:
        forms["note"] = NoteForm()
    if "approve" in actions:
        forms["approve"] = ApprovalForm(initial={"amount": int(order.total)})
    if "ship" in actions:
        forms["ship"] = ShipForm()
    if "receive" in actions:
        forms["receive"] = ReceiptForm(order=order, lines=lines)
    if "pay" in actions:
        forms["pay"] = PaymentForm(order=order, receipts=receipts, installments=installments)
    if "propose_addendum" in actions:
        forms["addendum"] = AddendumForm(order=order, lines=lines)
    if "rate" in actions:
        forms["rate"] = RatingForm()
    return forms


@login_required
def order_detail(request, pk: int):
    order = selectors.order_detail(request.user, pk)
    lines = list(order.lines.all())
    offers = list(order.offers.all())
    last_offer = next(
        (
            o
            for o in reversed(offers)
            if o.action in (NegotiationOffer.Action.PROPOSE, NegotiationOffer.Action.COUNTER)
        ),
        None,
    )
    last_any = offers[-1] if offers else None
    rating = getattr(order, "rating", None) if order.status == OrderStatus.COMPLETED else None
    actions = services.available_actions(
        order, request.user, last_offer=last_any, has_rating=rating is not None
    )
    role = services.role_of(request.user, order)
    receipts = list(order.receipts.all())
    if order.status != OrderStatus.NEGOTIATING:
        last_offer = None
    if offers or {"propose", "counter"} & actions:
        # Where prices are negotiated: the category median and recent agreed prices per line.
        price_reference.for_order(order, lines, offers)
    cal = deadlines.calendar()
    clock = deadlines.order_clock(order, cal=cal)
    complaints = list(order.complaints.all())
    payments = list(order.payments.all())
    installments = (
        payment_plan.schedule(order, lines=lines, receipts=receipts, payments=payments)
        if order.sp_number
        else []
    )
    addenda = list(order.addenda.select_related("proposed_by").prefetch_related("lines__order_line"))
    open_addendum = next(
        (a for a in addenda if a.status in (AddendumStatus.PROPOSED, AddendumStatus.PENDING_APPROVAL)), None
    )
    if open_addendum is not None:
        actions.discard("propose_addendum")
        if open_addendum.status == AddendumStatus.PROPOSED and role in (ActorRole.BUYER, ActorRole.VENDOR):
            if role != open_addendum.proposed_role:
                actions |= {"accept_addendum", "decline_addendum"}
        if open_addendum.status == AddendumStatus.PENDING_APPROVAL and role == ActorRole.APPROVER:
            actions |= {"approve_addendum", "refuse_addendum"}
    can_complain = (
        role == ActorRole.VENDOR
        and clock is not None
        and clock.rule == deadlines.PAYMENT_DUE
        and clock.overdue
        and not any(c.status == ComplaintStatus.OPEN for c in complaints)
    )
    return render(
        request,
        "procurement/order_detail.html",
        {
            "order": order,
            "lines": lines,
            "offers": offers,
            "last_offer": last_offer,
            "events": list(order.events.all()),
            "receipts": receipts,
            "payments": payments,
            "installments": installments,
            "addenda": addenda,
            "open_addendum": open_addendum,
            "rating": rating,
            "actions": actions,
            "forms": _action_forms(order, lines, actions, last_offer, receipts, installments),
            "role": role,
            "role_label": ActorRole.LABELS.get(role, ""),
            "rounds_left": services.rounds_left(order),
            "clock": clock,
            "payment": selectors.payment_record(order, cal=cal),
            "complaints": complaints,
            "can_complain": can_complain,
            "rule_labels": deadlines.RULE_LABELS,
            "documents": list(order.documents.all()),
            "can_audit_pack": can_download_audit_pack(request.user, order),
        },
    )


def _run_action(request, order, action):
    """Validate the action's form and call its service; returns a success message."""
    post, files = request.POST, request.FILES
    user = request.user
    if action == "send":
        order = services.send_to_vendor(order=order, by=user)
        return (
            _("Pesanan dikirim.")
            if order.status == OrderStatus.SENT
            else _("Pesanan menunggu persetujuan PA/KPA.")
        )
    if action == "approve":
        form = ApprovalForm(post)
        if not form.is_valid():
            raise ProcurementError(_form_errors(form))
        services.approve_order(
            order=order,
            by=user,
            note=form.cleaned_data["note"],
            expected_total=form.cleaned_data["amount"],
        )
        return _("Pesanan disetujui dan dikirim ke penyedia.")
    if action in ("refuse_approval", "reject", "cancel"):
        form = ReasonForm(post)
        if not form.is_valid():
            raise ProcurementError(_("Alasan wajib diisi."))
        service = {
            "refuse_approval": services.refuse_approval,
            "reject": services.reject_order,
            "cancel": services.cancel_order,
        }[action]
        service(order=order, by=user, reason=form.cleaned_data["reason"])
        return {
            "refuse_approval": _("Pesanan tidak disetujui dan dibatalkan."),
            "reject": _("Pesanan ditolak."),
            "cancel": _("Pesanan dibatalkan."),
        }[action]
    if action in ("propose", "counter"):
        form = OfferForm(post, lines=list(order.lines.all()))
        if not form.is_valid():
            raise ProcurementError(_form_errors(form))
        service = services.propose_negotiation if action == "propose" else services.counter_offer
        service(order=order, by=user, lines=form.offer_lines(), note=form.cleaned_data["note"])
        return _("Penawaran dikirim.")
    if action in ("accept_offer", "decline_offer"):
        form = NoteForm(post)
        form.is_valid()
        service = services.accept_offer if action == "accept_offer" else services.decline_offer
        service(order=order, by=user, note=form.cleaned_data.get("note", ""))
        return _("Penawaran disetujui.") if action == "accept_offer" else _("Penawaran ditolak.")
    if action == "accept":
        order = services.accept_order(order=order, by=user)
        return _("Pesanan diterima; Surat Pesanan %(sp)s terbit.") % {"sp": order.sp_number}
    if action == "ship":
        form = ShipForm(post, files)
        if not form.is_valid():
            raise ProcurementError(_form_errors(form))
        services.ship_order(
            order=order,
            by=user,
            note=form.cleaned_data["note"],
            delivery_note_file=form.cleaned_data["delivery_note_file"],
        )
        return _("Pengiriman dicatat.")
    if action == "receive":
        form = ReceiptForm(post, order=order, lines=list(order.lines.all()))
        if not form.is_valid():
            raise ProcurementError(_form_errors(form))
        receipt = services.record_receipt(
            order=order,
            by=user,
            quantities=form.quantities(),
            received_on=form.cleaned_data["received_on"],
            note=form.cleaned_data["note"],
        )
        return _("BAST %(n)s dicatat.") % {"n": receipt.number}
    if action == "pay":
        form = PaymentForm(post, order=order, installments=payment_plan.schedule(order))
        if not form.is_valid():
            raise ProcurementError(_form_errors(form))
        services.record_payment(
            order=order,
            by=user,
            paid_on=form.cleaned_data["paid_on"],
            reference=form.cleaned_data["reference"],
            installment=form.cleaned_data["installment"],
            pph_code=form.cleaned_data["pph_code"],
        )
        return _("Pembayaran dicatat.")
    if action == "propose_addendum":
        form = AddendumForm(post, order=order, lines=list(order.lines.all()))
        if not form.is_valid():
            raise ProcurementError(_form_errors(form))
        services.propose_addendum(
            order=order,
            by=user,
            lines=form.lines(),
            reason=form.cleaned_data["reason"],
            needed_by=form.cleaned_data["new_needed_by"],
            plan=form.plan(),
        )
        return _("Usulan adendum dikirim ke pihak lain.")
    if action in ("accept_addendum", "decline_addendum", "approve_addendum", "refuse_addendum"):
        addendum = order.addenda.filter(pk=parse_id(post.get("addendum"))).first()
        if addendum is None:
            raise ProcurementError(_("Adendum tidak ditemukan."))
        note = post.get("note", "")
        if action in ("accept_addendum", "decline_addendum"):
            addendum = services.answer_addendum(
                addendum=addendum, by=user, accept=action == "accept_addendum", note=note
            )
        else:
            addendum = services.decide_addendum_approval(
                addendum=addendum, by=user, approve=action == "approve_addendum", note=note
            )
        return {
            AddendumStatus.ACCEPTED: _("Adendum %(n)s berlaku.") % {"n": addendum.number},
            AddendumStatus.PENDING_APPROVAL: _("Adendum disepakati; menunggu persetujuan PA/KPA."),
        }.get(addendum.status, _("Adendum ditolak."))
    if action == "complete":
        services.complete_order(order=order, by=user)
        return _("Pesanan selesai.")
    if action == "complain":
        services.file_late_payment_complaint(order=order, by=user, note=post.get("note", ""))
        return _("Keluhan keterlambatan pembayaran dikirim ke BPBJ.")
    if action == "rate":
        form = RatingForm(post)
        if not form.is_valid():
            raise ProcurementError(_("Pilih nilai 1 sampai 5."))
        services.rate_vendor(
            order=order, by=user, score=form.cleaned_data["score"], comment=form.cleaned_data["comment"]
        )
        return _("Terima kasih atas penilaian Anda.")
    raise Http404


ACTIONS = {
    "send",
    "approve",
    "refuse_approval",
    "reject",
    "cancel",
    "propose",
    "counter",
    "accept_offer",
    "decline_offer",
    "accept",
    "ship",
    "receive",
    "pay",
    "propose_addendum",
    "accept_addendum",
    "decline_addendum",
    "approve_addendum",
    "refuse_addendum",
    "complete",
    "rate",
    "complain",
}


@require_POST
@login_required
def order_action(request, pk: int, action: str):
    if action not in ACTIONS:
        raise Http404
    order = get_object_or_404(selectors.orders_visible_to(request.user), pk=pk)
    try:
        message = _run_action(request, order, action)
    except ProcurementError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, message)
    return HttpResponseRedirect(reverse("procurement:order_detail", args=[order.pk]))


@login_required
def order_sp(request, pk: int):
    """Printable Surat Pesanan (A4)."""
    order = selectors.order_detail(request.user, pk)
    if not order.sp_number:
        raise Http404
    return render(request, "procurement/sp_print.html", {"order": order, "lines": list(order.lines.all())})


@login_required
def addendum_print(request, pk: int, addendum_pk: int):
    """Printable addendum (A4) of an accepted addendum, for the order's parties and BPBJ."""
    order = selectors.order_detail(request.user, pk)
    addendum = get_object_or_404(
        order.addenda.filter(status=AddendumStatus.ACCEPTED).select_related(
            "proposed_by", "decided_by", "approved_by"
        ),
        pk=addendum_pk,
    )
    rows = list(addendum.lines.select_related("order_line"))
    return render(
        request, "procurement/addendum_print.html", {"order": order, "addendum": addendum, "rows": rows}
    )


@login_required
def delivery_note(request, pk: int):
    """The vendor's delivery note (surat jalan), for the order's parties and BPBJ only."""
    order = selectors.order_detail(request.user, pk)
    if not order.delivery_note_file:
        raise Http404
    try:
        handle = order.delivery_note_file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(handle, filename=order.delivery_note_file.name.rsplit("/", 1)[-1])


@login_required
def receipt_print(request, pk: int, receipt_pk: int):
    """Printable BAST (A4)."""
    order = selectors.order_detail(request.user, pk)
    receipt = next((r for r in order.receipts.all() if r.pk == receipt_pk), None)
    if receipt is None:
        raise Http404
    lines_by_id = {line.pk: line for line in order.lines.all()}
    rows = [(lines_by_id[rl.order_line_id], rl.quantity) for rl in receipt.lines.all()]
    return render(request, "procurement/bast_print.html", {"order": order, "receipt": receipt, "rows": rows})


# --------------------------------------------------------------------------- notifications


@login_required
def notifications(request):
    if request.method == "POST":
        target = request.POST.get("open")
        if parse_id(target):
            note = get_object_or_404(Notification, pk=parse_id(target), user=request.user)
            services.mark_notifications_read(user=request.user, ids=[note.pk])
            if note.url and url_has_allowed_host_and_scheme(note.url, {request.get_host()}):
                return redirect(note.url)
        else:
            services.mark_notifications_read(user=request.user)
            messages.success(request, _("Semua notifikasi ditandai sudah dibaca."))
        return redirect("procurement:notifications")
    qs = Notification.objects.filter(user=request.user).order_by("-created_at", "-id")
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request, "procurement/notifications.html", {"page_obj": page, "items": list(page.object_list)}
    )


# --------------------------------------------------------------------------- RUP packages


@login_required
def rup_list(request):
    """The OPD's RUP packages with committed, spent and remaining pagu (BPBJ: all OPDs)."""
    user = request.user
    if user.is_bpbj:
        qs = RUPPackage.objects.select_related("opd").order_by("-fiscal_year", "opd__name", "kode_rup")
    elif user.is_buyer and user.opd:
        qs = selectors.rup_packages_for(user.opd).select_related("opd")
    else:
        raise Http404
    year = request.GET.get("tahun", "")
    if parse_id(year, max_value=9999):
        qs = qs.filter(fiscal_year=int(year))
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "procurement/rup_list.html",
        {"page_obj": page, "packages": list(page.object_list), "year": year, "opd": user.opd},
    )


@bpbj_required
def rup_import(request):
    """BPBJ loads RUP packages from a SiRUP export: every row valid, or nothing imported."""
    form = RUPImportForm(request.POST or None, request.FILES or None)
    errors = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = import_rup_packages(filename=upload.name, data=upload.read())
        except RUPImportError as exc:
            errors = exc.errors
        else:
            messages.success(
                request,
                _("%(c)s paket RUP baru, %(u)s diperbarui.") % {"c": result.created, "u": result.updated},
            )
            return redirect("procurement:rup_list")
    return render(
        request, "procurement/rup_import.html", {"form": form, "errors": errors, "columns": COLUMNS}
    )


# --------------------------------------------------------------------------- late-payment complaints


@bpbj_required
def complaint_queue(request):
    """BPBJ's queue of late-payment complaints: open ones oldest first, with their age."""
    if request.method == "POST":
        complaint = get_object_or_404(LatePaymentComplaint, pk=parse_id(request.POST.get("complaint")) or 0)
        try:
            services.resolve_complaint(
                complaint=complaint, by=request.user, resolution=request.POST.get("resolution", "")
            )
        except ProcurementError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Tindak lanjut dicatat; penyedia diberi tahu."))
        return redirect("procurement:complaint_queue")
    show = request.GET.get("status", ComplaintStatus.OPEN)
    if show not in ComplaintStatus.values:
        show = ComplaintStatus.OPEN
    qs = selectors.complaint_rows(status=show)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "procurement/complaint_queue.html",
        {
            "page_obj": page,
            "complaints": list(page.object_list),
            "show": show,
            "statuses": ComplaintStatus.choices,
        },
    )
