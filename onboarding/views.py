"""Registration in steps (resumable, nothing lost on an error), assisted registration and the
owner's confirmation, outreach events, help pages and the help-desk queue. Thin views: parse,
call onboarding.services, render."""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.permissions import bpbj_required
from catalog.forms import category_tree
from catalog.models import Kecamatan, Kelurahan, VendorDocument, kbli_list
from ecatalog.security import throttle_posts

from . import services
from .forms import (
    BusinessForm,
    ContactForm,
    DocumentsForm,
    LoginChoiceForm,
    OutreachEventForm,
    OwnerConfirmForm,
    TicketUpdateForm,
)
from .models import DraftStatus, DraftStep, HelpTicket, OutreachEvent, RegistrationDraft

SESSION_KEY = "registration_draft"
BACKEND = "django.contrib.auth.backends.ModelBackend"
CSS = "css/onboarding.css"


def _post(request):
    """The POST data of a POST, even an empty one (an empty form is a bound form with errors)."""
    return request.POST if request.method == "POST" else None


def _files(request):
    return request.FILES if request.method == "POST" else None


def _throttled(view):
    return throttle_posts(
        "register", limit_setting="REGISTRATION_RATE_LIMIT", window_setting="REGISTRATION_RATE_WINDOW"
    )(view)


def _step_url(draft: RegistrationDraft, step: str | None = None) -> str:
    return reverse("onboarding:register_step", args=[draft.token, step or draft.step])


def _load_draft(request, token) -> RegistrationDraft:
    """The token in the URL is the key to a self-registration draft; an assisted one is BPBJ's."""
    draft = get_object_or_404(RegistrationDraft.objects.select_related("event"), token=token)
    if draft.is_assisted and not (request.user.is_authenticated and request.user.is_bpbj):
        raise Http404
    return draft


def _context(request, draft, step, **extra) -> dict:
    steps = draft.steps
    reached = steps.index(draft.step) if draft.step in steps else 0
    return {
        "draft": draft,
        "step": step,
        "step_list": [
            {
                "value": value,
                "label": DraftStep(value).label,
                "number": i + 1,
                "url": _step_url(draft, value) if i <= reached else "",
                "current": value == step,
            }
            for i, value in enumerate(steps)
        ],
        "resume_url": request.build_absolute_uri(_step_url(draft)),
        **extra,
    }


@_throttled
def register(request):
    """Step 1 of self-registration (the account). A browser with an open draft continues it."""
    if request.user.is_authenticated:
        return redirect("accounts:dashboard")
    draft = None
    token = request.session.get(SESSION_KEY)
    if token:
        draft = RegistrationDraft.objects.filter(
            token=token, status=DraftStatus.OPEN, event__isnull=True
        ).first()
        if draft and request.method == "GET" and draft.step != DraftStep.ACCOUNT:
            messages.info(request, _("Melanjutkan pendaftaran yang belum selesai."))
            return redirect(_step_url(draft))
    return _account_step(request, draft)


def _account_step(request, draft):
    person = draft.data if draft else {}
    form = LoginChoiceForm(
        _post(request),
        initial={"username": draft.username} if draft else None,
        password_saved=bool(draft and draft.password_hash),
        person=person,
    )
    if request.method == "POST":
        valid = form.is_valid()
        password = form.valid_password()
        if valid or password:
            if draft is None:
                draft = services.start_draft()
                request.session[SESSION_KEY] = str(draft.token)
            if valid:
                try:
                    services.save_account(draft, username=form.cleaned_data["username"], password=password)
                except services.CatalogError as exc:
                    form.add_error(None, exc.message)
                else:
                    return redirect(_step_url(draft, DraftStep.BUSINESS))
            else:
                services.save_password_only(draft, password)
                draft.refresh_from_db()
                form = _kept_password_form(request, draft, person)
    template_context = (
        _context(request, draft, DraftStep.ACCOUNT, form=form)
        if draft
        else {"form": form, "step": DraftStep.ACCOUNT, "step_list": _fresh_steps()}
    )
    return render(request, "onboarding/step_account.html", template_context)


def _kept_password_form(request, draft, person):
    """Re-run the form with the saved password, so its errors show and the password fields say it is kept."""
    data = request.POST.copy()
    data["password1"] = data["password2"] = ""
    form = LoginChoiceForm(data, password_saved=True, person=person)
    form.is_valid()
    return form


def _fresh_steps():
    return [
        {"value": v, "label": DraftStep(v).label, "number": i + 1, "url": "", "current": i == 0}
        for i, v in enumerate(services.STEP_ORDER)
    ]


def register_step(request, token, step):
    draft = _load_draft(request, token)
    if draft.status == DraftStatus.AWAITING_OWNER and step == DraftStep.REVIEW and request.method == "POST":
        return _submit(request, draft)  # BPBJ sends the owner a new link (the old one stops working)
    if draft.status != DraftStatus.OPEN:
        if draft.is_assisted:
            return redirect("onboarding:event_detail", pk=draft.event_id)
        messages.info(request, _("Pendaftaran ini sudah dikirim."))
        return redirect("login" if not request.user.is_authenticated else "accounts:dashboard")
    steps = draft.steps
    if step not in steps:
        raise Http404
    if steps.index(step) > steps.index(draft.step):
        return redirect(_step_url(draft))
    if not draft.is_assisted:
        request.session[SESSION_KEY] = str(draft.token)
    if step == DraftStep.ACCOUNT:
        if request.user.is_authenticated:
            return redirect("accounts:dashboard")
        return _account_step(request, draft)
    handler = {
        DraftStep.BUSINESS: _business_step,
        DraftStep.DOCUMENTS: _documents_step,
        DraftStep.REVIEW: _review_step,
    }[step]
    return handler(request, draft)


def _business_step(request, draft):
    form = BusinessForm(_post(request), initial=draft.data)
    if request.method == "POST":
        if form.is_valid():
            services.save_business(draft, form.profile_data())
            return redirect(_step_url(draft, DraftStep.DOCUMENTS))
        # What was valid is kept on the draft too, so leaving now loses nothing either.
        services.save_business(draft, form.valid_part(), complete=False)
    return render(
        request, "onboarding/step_business.html", _context(request, draft, DraftStep.BUSINESS, form=form)
    )


def _kbli_categories(codes: list[str]):
    """Categories whose KBLI codes include one of ``codes`` (tree order)."""
    if not codes:
        return []
    return [c for c, _depth in category_tree() if set(kbli_list(c.kbli_codes)) & set(codes)]


def _documents_step(request, draft):
    form = DocumentsForm(_post(request), _files(request))
    if request.method == "POST":
        if "remove" in request.POST:
            raw = request.POST.get("remove", "").strip()
            document = (
                draft.documents.filter(pk=int(raw)).first() if raw.isdigit() and len(raw) < 10 else None
            )
            if document is not None:
                services.remove_draft_document(draft, document)
                messages.success(request, _("Dokumen dihapus."))
            return redirect(_step_url(draft, DraftStep.DOCUMENTS))
        form.is_valid()
        stored = 0
        for kind, upload in form.valid_uploads():
            try:
                services.add_draft_document(draft, kind=kind, upload=upload)
                stored += 1
            except (services.CatalogError, ValidationError) as exc:
                field = next(name for name, k in DOCUMENTS_BY_FIELD if k == kind)
                form.add_error(field, getattr(exc, "message", None) or " ".join(exc.messages))
        if not form.errors:
            services.finish_documents(draft)
            return redirect(_step_url(draft, DraftStep.REVIEW))
        if stored:
            messages.info(request, _("Dokumen yang benar sudah tersimpan; perbaiki yang ditandai."))
    context = _context(
        request,
        draft,
        DraftStep.DOCUMENTS,
        form=form,
        documents=list(draft.documents.all()),
        checklist=document_checklist(),
        kbli_categories=_kbli_categories(kbli_list(draft.data.get("kbli", ""))),
    )
    return render(request, "onboarding/step_documents.html", context)


DOCUMENTS_BY_FIELD = [
    ("doc_halal", VendorDocument.Kind.HALAL),
    ("doc_pirt", VendorDocument.Kind.PIRT),
    ("doc_sni", VendorDocument.Kind.SNI),
    ("doc_tkdn", VendorDocument.Kind.TKDN),
]


def document_checklist() -> list[dict]:
    """Top-level categories with the documents they (or their sub-categories) need, in plain words."""
    tree = category_tree()
    rows: list[dict] = []
    for category, depth in tree:
        if depth == 0:
            rows.append(
                {"category": category, "documents": set(category.required_documents or []), "kbli": set()}
            )
        if rows:
            rows[-1]["documents"] |= set(category.required_documents or [])
            rows[-1]["kbli"] |= set(kbli_list(category.kbli_codes))
    labels = dict(VendorDocument.Kind.choices)
    for row in rows:
        row["documents"] = [labels.get(kind, kind) for kind in sorted(row["documents"])]
        row["kbli"] = sorted(row["kbli"])
    return rows


def _review_data(draft) -> list[tuple[str, str]]:
    form = BusinessForm()
    data = draft.data
    kecamatan = Kecamatan.objects.filter(pk=data.get("kecamatan")).first()
    kelurahan = Kelurahan.objects.filter(pk=data.get("kelurahan")).first()
    rows = []
    for _title, names in BusinessForm.sections:
        for name in names:
            value = data.get(name, "")
            if name == "kecamatan":
                value = kecamatan or ""
            elif name == "kelurahan":
                value = kelurahan or ""
            elif name == "scale":
                value = dict(form.fields["scale"].choices).get(value, value)
            elif name == "is_pkp":
                value = _("Ya") if value else _("Tidak")
            rows.append((form.fields[name].label, value))
    return rows


def _review_step(request, draft):
    if request.method == "POST":
        return _submit(request, draft)
    return render(
        request,
        "onboarding/step_review.html",
        _context(
            request, draft, DraftStep.REVIEW, rows=_review_data(draft), documents=list(draft.documents.all())
        ),
    )


@_throttled
def _submit(request, draft):
    if draft.is_assisted:
        try:
            token = services.send_for_owner_confirmation(
                draft, by=request.user, base_url=request.build_absolute_uri("/")
            )
        except services.CatalogError as exc:
            messages.error(request, exc.message)
            return redirect(_step_url(draft, DraftStep.REVIEW))
        request.session[f"confirm_link_{draft.pk}"] = request.build_absolute_uri(
            services.confirmation_path(token)
        )
        messages.success(request, _("Tautan konfirmasi dikirim ke email pemilik usaha."))
        return redirect("onboarding:event_detail", pk=draft.event_id)
    try:
        vendor = services.submit_draft(draft)
    except services.CatalogError as exc:
        messages.error(request, exc.message)
        return redirect(_step_url(draft, DraftStep.REVIEW))
    request.session.pop(SESSION_KEY, None)
    login(request, vendor.user, backend=BACKEND)
    messages.success(
        request,
        _("Pendaftaran berhasil. BPBJ akan memverifikasi data usaha Anda; status terlihat di halaman ini."),
    )
    return redirect("catalog:vendor_home")


# --------------------------------------------------------------------------- owner confirmation


@_throttled
def owner_confirm(request, token):
    draft = services.draft_for_token(token)
    if draft is None:
        return render(request, "onboarding/confirm_invalid.html", status=404)
    # A valid password typed next to another error is kept (as its hash, in the session).
    session_key = f"owner_password_{draft.pk}"
    saved_hash = request.session.get(session_key, "")
    form = OwnerConfirmForm(_post(request), person=draft.data, password_saved=bool(saved_hash))
    if request.method == "POST":
        if form.is_valid():
            password = form.cleaned_data["password1"]
            try:
                vendor = services.confirm_by_owner(
                    token,
                    username=form.cleaned_data["username"],
                    password_hash=make_password(password) if password else saved_hash,
                )
            except services.CatalogError as exc:
                form.add_error(None, exc.message)
            else:
                request.session.pop(session_key, None)
                login(request, vendor.user, backend=BACKEND)
                messages.success(
                    request, _("Pendaftaran dikonfirmasi. BPBJ akan memverifikasi data usaha Anda.")
                )
                return redirect("catalog:vendor_home")
        elif form.valid_password():
            request.session[session_key] = make_password(form.valid_password())
            data = request.POST.copy()
            data["password1"] = data["password2"] = ""
            form = OwnerConfirmForm(data, person=draft.data, password_saved=True)
            form.is_valid()
    context = {
        "draft": draft,
        "form": form,
        "rows": _review_data(draft),
        "documents": list(draft.documents.all()),
    }
    return render(request, "onboarding/confirm.html", context)


# --------------------------------------------------------------------------- outreach (BPBJ)


@bpbj_required
def outreach(request):
    form = OutreachEventForm(_post(request))
    if request.method == "POST" and form.is_valid():
        try:
            event = services.create_event(data=form.cleaned_data, by=request.user)
        except (services.CatalogError, ValidationError) as exc:
            form.add_error(None, getattr(exc, "message", None) or " ".join(exc.messages))
        else:
            messages.success(request, _("Kegiatan pendampingan dicatat."))
            return redirect("onboarding:event_detail", pk=event.pk)
    events = OutreachEvent.objects.select_related("kecamatan", "kelurahan").order_by("-held_on", "-id")
    page = Paginator(events, 20).get_page(request.GET.get("page"))
    context = {"form": form, "page_obj": page, "reach": services.reach_by_kecamatan()}
    return render(request, "onboarding/outreach.html", context)


@bpbj_required
def event_detail(request, pk):
    event = get_object_or_404(OutreachEvent.objects.select_related("kecamatan", "kelurahan"), pk=pk)
    registrations = list(event.registrations.select_related("vendor", "assisted_by").order_by("-created_at"))
    for draft in registrations:
        draft.confirm_link = request.session.get(f"confirm_link_{draft.pk}", "")
    return render(request, "onboarding/event_detail.html", {"event": event, "registrations": registrations})


@bpbj_required
@require_POST
def event_register(request, pk):
    event = get_object_or_404(OutreachEvent, pk=pk)
    draft = services.start_draft(event=event, by=request.user)
    return redirect(_step_url(draft, DraftStep.BUSINESS))


# --------------------------------------------------------------------------- help pages and tickets

HELP_ROLES = {
    "penyedia": _("Bantuan untuk penyedia"),
    "opd": _("Bantuan untuk pejabat OPD"),
    "bpbj": _("Bantuan untuk BPBJ"),
}


def help_index(request):
    return render(request, "onboarding/help_index.html", {"roles": HELP_ROLES})


def help_role(request, role):
    if role not in HELP_ROLES:
        raise Http404
    return render(request, f"onboarding/help_{role}.html", {"title": HELP_ROLES[role], "role": role})


def document_guide(request):
    return render(request, "onboarding/help_documents.html", {"checklist": document_checklist()})


@throttle_posts("contact", limit_setting="REGISTRATION_RATE_LIMIT", window_setting="REGISTRATION_RATE_WINDOW")
def contact(request):
    initial = {}
    if request.user.is_authenticated:
        initial = {"name": request.user.get_full_name() or request.user.username, "email": request.user.email}
    form = ContactForm(_post(request), initial=initial)
    page = (request.POST.get("page") or request.GET.get("dari") or "")[:300]
    if not page.startswith("/"):
        page = ""
    if request.method == "POST" and form.is_valid():
        ticket = services.open_ticket(data=form.ticket_data(), user=request.user, page=page)
        messages.success(
            request,
            _("Pesan Anda diterima sebagai tiket #%(n)s. BPBJ akan membalas lewat email atau telepon.")
            % {"n": ticket.pk},
        )
        return redirect("onboarding:help_index")
    return render(request, "onboarding/contact.html", {"form": form, "page": page})


@bpbj_required
def ticket_queue(request):
    status = request.GET.get("status", "")
    tickets = HelpTicket.objects.select_related("user", "handled_by").order_by("created_at", "id")
    if status in HelpTicket.Status.values:
        tickets = tickets.filter(status=status)
    elif status != "semua":
        tickets = tickets.exclude(status=HelpTicket.Status.RESOLVED)
    page = Paginator(tickets, 30).get_page(request.GET.get("page"))
    return render(
        request,
        "onboarding/ticket_queue.html",
        {"page_obj": page, "status": status, "statuses": HelpTicket.Status.choices},
    )


@bpbj_required
def ticket_detail(request, pk):
    ticket = get_object_or_404(HelpTicket.objects.select_related("user", "handled_by"), pk=pk)
    form = TicketUpdateForm(_post(request), initial={"status": ticket.status, "note": ticket.bpbj_note})
    if request.method == "POST" and form.is_valid():
        services.update_ticket(
            ticket=ticket, status=form.cleaned_data["status"], note=form.cleaned_data["note"], by=request.user
        )
        messages.success(request, _("Tiket diperbarui."))
        return redirect("onboarding:ticket_queue")
    return render(request, "onboarding/ticket_detail.html", {"ticket": ticket, "form": form})
