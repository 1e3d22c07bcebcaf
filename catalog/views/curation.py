"""BPBJ pages: vendor verification queue and product curation queue.

Lists are evaluated here with ``select_related``/``prefetch_related`` so the
query count does not grow with the number of rows (tested).
"""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.permissions import bpbj_required
from ecatalog.params import parse_id, safe_next_url

from .. import services
from ..forms import (
    CurationFilterForm,
    ReasonForm,
    VendorLocalForm,
    VendorQueueFilterForm,
    VerifyVendorForm,
    category_tree,
    specifications_to_text,
)
from ..models import (
    Category,
    PhotoStatus,
    Product,
    ProductPhoto,
    ProductStatus,
    Vendor,
    VendorChangeRequest,
    VendorStatus,
)

PAGE_SIZE = 20


@bpbj_required
def vendor_queue(request):
    """Vendors to verify: pending ones first in line, oldest first; filter by status and search."""
    params = request.GET.copy()
    if "status" not in params:
        params["status"] = VendorStatus.PENDING
    filters = VendorQueueFilterForm(params)
    vendors = Vendor.objects.select_related("kecamatan", "kelurahan").annotate(
        document_count=Count("documents", distinct=True)
    )
    status = ""
    if filters.is_valid():
        status = filters.cleaned_data["status"]
        if status:
            vendors = vendors.filter(status=status)
        q = filters.cleaned_data["q"].strip()
        if q:
            vendors = vendors.filter(
                Q(business_name__icontains=q) | Q(nib__icontains=q) | Q(owner_name__icontains=q)
            )
    vendors = (
        vendors.order_by("created_at", "id")
        if status == VendorStatus.PENDING
        else vendors.order_by("-updated_at", "-id")
    )
    page_obj = Paginator(vendors, PAGE_SIZE).get_page(request.GET.get("page"))
    counts = dict(Vendor.objects.values_list("status").annotate(n=Count("id")).order_by())
    context = {
        "filters": filters,
        "page_obj": page_obj,
        "vendors": list(page_obj.object_list),
        "status_tabs": [(value, label, counts.get(value, 0)) for value, label in VendorStatus.choices],
        "current_status": status,
        "pending_changes": VendorChangeRequest.objects.filter(
            status=VendorChangeRequest.Status.PENDING
        ).count(),
    }
    return render(request, "catalog/curation/vendor_queue.html", context)


@bpbj_required
def change_request_queue(request):
    """Verified vendors' requested changes (legal name, NIB, NPWP, PKP, bank): old and new side by side.

    Open requests first in line, oldest first; the other tabs show decided ones, newest first.
    """
    statuses = VendorChangeRequest.Status
    status = request.GET.get("status", statuses.PENDING)
    if status not in statuses.values:
        status = statuses.PENDING
    requests = VendorChangeRequest.objects.filter(status=status).select_related(
        "vendor", "requested_by", "decided_by"
    )
    requests = (
        requests.order_by("created_at", "id")
        if status == statuses.PENDING
        else requests.order_by("-decided_at", "-id")
    )
    page_obj = Paginator(requests, PAGE_SIZE).get_page(request.GET.get("page"))
    counts = dict(VendorChangeRequest.objects.values_list("status").annotate(n=Count("id")).order_by())
    context = {
        "page_obj": page_obj,
        "change_requests": list(page_obj.object_list),
        "status_tabs": [(value, label, counts.get(value, 0)) for value, label in statuses.choices],
        "current_status": status,
        "reason_form": ReasonForm(prefix="reason"),
    }
    return render(request, "catalog/curation/change_request_queue.html", context)


@bpbj_required
@require_POST
def change_request_decide(request, pk):
    """Approve, or reject with a reason, one change request; back to the queue with a message."""
    change_request = get_object_or_404(VendorChangeRequest.objects.select_related("vendor"), pk=pk)
    back = safe_next_url(request, reverse("catalog:change_request_queue"))
    action = request.POST.get("action")
    try:
        if action == "approve":
            services.approve_vendor_change(change_request=change_request, by=request.user)
            messages.success(
                request,
                _("Perubahan data %(vendor)s disetujui dan berlaku sekarang.")
                % {"vendor": change_request.vendor},
            )
        elif action == "reject":
            reason_form = ReasonForm(request.POST, prefix="reason")
            if reason_form.is_valid():
                services.reject_vendor_change(
                    change_request=change_request, by=request.user, reason=reason_form.cleaned_data["reason"]
                )
                messages.success(request, _("Permintaan perubahan ditolak; alasan dikirim ke penyedia."))
            else:
                messages.error(request, _("Alasan penolakan wajib diisi."))
        else:
            messages.error(request, _("Tindakan tidak dikenal."))
    except services.CatalogError as exc:
        messages.error(request, exc.message)
    return redirect(back)


@bpbj_required
def vendor_review(request, pk):
    """One vendor: data and documents; verify (confirming "lokal"), reject, suspend or reinstate."""
    vendor = get_object_or_404(
        Vendor.objects.select_related("kecamatan", "kelurahan", "user", "verified_by"), pk=pk
    )
    verify_form = VerifyVendorForm(prefix="verify")
    reason_form = ReasonForm(prefix="reason")
    local_form = VendorLocalForm(prefix="local")
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "verify":
                verify_form = VerifyVendorForm(request.POST, prefix="verify")
                if verify_form.is_valid():
                    services.verify_vendor(
                        vendor=vendor,
                        by=request.user,
                        is_local=verify_form.cleaned_data["is_local"],
                        note=verify_form.cleaned_data["note"],
                    )
                    messages.success(request, _("Penyedia diverifikasi."))
                    return redirect("catalog:vendor_review", pk=vendor.pk)
            elif action in ("reject", "suspend"):
                reason_form = ReasonForm(request.POST, prefix="reason")
                if reason_form.is_valid():
                    service = services.reject_vendor if action == "reject" else services.suspend_vendor
                    service(vendor=vendor, by=request.user, reason=reason_form.cleaned_data["reason"])
                    messages.success(
                        request,
                        _("Penyedia ditolak.") if action == "reject" else _("Penyedia ditangguhkan."),
                    )
                    return redirect("catalog:vendor_review", pk=vendor.pk)
            elif action == "set_local":
                local_form = VendorLocalForm(request.POST, prefix="local")
                if local_form.is_valid():
                    services.set_vendor_local(
                        vendor=vendor,
                        by=request.user,
                        is_local=local_form.cleaned_data["is_local"],
                        reason=local_form.cleaned_data["reason"],
                    )
                    messages.success(request, _("Status penyedia lokal diubah dan dicatat."))
                    return redirect("catalog:vendor_review", pk=vendor.pk)
            elif action == "verify_document":
                document = get_object_or_404(
                    vendor.documents.all(), pk=parse_id(request.POST.get("document")) or 0
                )
                services.verify_document(document=document, by=request.user)
                messages.success(request, _("Dokumen diverifikasi."))
                return redirect("catalog:vendor_review", pk=vendor.pk)
            elif action == "reinstate":
                services.reinstate_vendor(vendor=vendor, by=request.user)
                messages.success(request, _("Penyedia dipulihkan."))
                return redirect("catalog:vendor_review", pk=vendor.pk)
            else:
                messages.error(request, _("Tindakan tidak dikenal."))
        except services.CatalogError as exc:
            messages.error(request, exc.message)
            return redirect("catalog:vendor_review", pk=vendor.pk)
    counts = dict(vendor.products.values_list("status").annotate(n=Count("id")).order_by())
    context = {
        "vendor": vendor,
        "documents": list(vendor.documents.all()),
        "events": list(vendor.events.select_related("actor")),
        "product_counts": [(value, label, counts.get(value, 0)) for value, label in ProductStatus.choices],
        "verify_form": verify_form,
        "reason_form": reason_form,
        "local_form": local_form,
        "can_set_local": vendor.status != VendorStatus.PENDING,
        "can_verify": vendor.status in (VendorStatus.PENDING, VendorStatus.REJECTED),
        "can_reject": vendor.status == VendorStatus.PENDING,
        "can_suspend": vendor.status == VendorStatus.VERIFIED,
        "can_reinstate": vendor.status == VendorStatus.SUSPENDED,
        "pending_change": services.pending_change_request(vendor),
        "today": timezone.localdate(),
    }
    return render(
        request,
        "catalog/curation/vendor_review.html",
        context,
        status=400 if request.method == "POST" else 200,
    )


def _subtree_ids(category_id: int) -> list[int]:
    ids, inside, root_depth = [], False, None
    for category, depth in category_tree(Category.objects.only("id", "parent_id", "name", "position")):
        if inside and depth <= root_depth:
            break
        if category.pk == category_id:
            inside, root_depth = True, depth
        if inside:
            ids.append(category.pk)
    return ids


@bpbj_required
def curation_queue(request):
    """Submitted products, oldest first (or newest), searchable, filterable by category and vendor."""
    filters = CurationFilterForm(request.GET or None)
    products = (
        Product.objects.filter(status=ProductStatus.SUBMITTED)
        .select_related("vendor", "category")
        .prefetch_related(Prefetch("photos", queryset=ProductPhoto.objects.order_by("position", "id")))
        .order_by("submitted_at", "id")
    )
    newest_first = False
    if filters.is_valid():
        query = " ".join(filters.cleaned_data["q"].split())
        if query:
            products = products.filter(Q(name__icontains=query) | Q(vendor__business_name__icontains=query))
        if filters.cleaned_data["urut"] == "baru":
            newest_first = True
            products = products.order_by("-submitted_at", "-id")
        if filters.cleaned_data["category"]:
            products = products.filter(category_id__in=_subtree_ids(filters.cleaned_data["category"]))
        if filters.cleaned_data["vendor"]:
            products = products.filter(vendor=filters.cleaned_data["vendor"])
    page_obj = Paginator(products, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "filters": filters,
        "page_obj": page_obj,
        "products": list(page_obj.object_list),
        "pending_photos": _pending_photos().count(),
        "newest_first": newest_first,
        "now": timezone.now(),
    }
    return render(request, "catalog/curation/curation_queue.html", context)


def _pending_photos():
    """New photos of tayang products (photos of a product under curation are curated with it)."""
    return ProductPhoto.objects.filter(status=PhotoStatus.PENDING, product__status=ProductStatus.PUBLISHED)


@bpbj_required
def photo_queue(request):
    """Pending photos of tayang products, oldest first: approve, or reject with a reason."""
    photos = _pending_photos().select_related("product", "product__vendor").order_by("created_at", "id")
    page_obj = Paginator(photos, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page_obj": page_obj,
        "photos": list(page_obj.object_list),
        "reason_form": ReasonForm(prefix="reason"),
    }
    return render(request, "catalog/curation/photo_queue.html", context)


@bpbj_required
@require_POST
def photo_decide(request, pk):
    photo = get_object_or_404(ProductPhoto.objects.select_related("product"), pk=pk)
    back = safe_next_url(request, reverse("catalog:photo_queue"))
    action = request.POST.get("action")
    try:
        if action == "approve":
            services.approve_photo(photo=photo, by=request.user)
            messages.success(request, _("Foto disetujui dan tampil di katalog."))
        elif action == "reject":
            reason_form = ReasonForm(request.POST, prefix="reason")
            if reason_form.is_valid():
                services.reject_photo(photo=photo, by=request.user, reason=reason_form.cleaned_data["reason"])
                messages.success(request, _("Foto ditolak; alasan ditampilkan ke penyedia."))
            else:
                messages.error(request, _("Alasan penolakan wajib diisi."))
        else:
            messages.error(request, _("Tindakan tidak dikenal."))
    except services.CatalogError as exc:
        messages.error(request, exc.message)
    return redirect(back)


@bpbj_required
@require_POST
def bulk_approve(request):
    """Publish the ticked products; the ones that cannot be published are listed with the reason."""
    back = safe_next_url(request, reverse("catalog:curation_queue"))
    ids = [pk for pk in map(parse_id, request.POST.getlist("ids")) if pk]
    if not ids:
        messages.warning(request, _("Pilih minimal satu produk."))
        return redirect(back)
    result = services.bulk_publish(product_ids=ids, by=request.user)
    if result.published:
        messages.success(request, _("%(n)s produk ditayangkan.") % {"n": len(result.published)})
    for product, reason in result.skipped:
        messages.error(request, f"{product.name}: {reason}")
    return redirect(back)


@bpbj_required
def product_review(request, pk):
    """One product: everything the vendor entered; approve (tayang) or reject with a reason."""
    product = get_object_or_404(
        Product.objects.select_related("vendor", "category", "category__parent"), pk=pk
    )
    reason_form = ReasonForm(prefix="reason")
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "approve":
                services.publish_product(product=product, by=request.user)
                messages.success(request, _("Produk ditayangkan."))
                return redirect(safe_next_url(request, reverse("catalog:curation_queue")))
            if action == "reject":
                reason_form = ReasonForm(request.POST, prefix="reason")
                if reason_form.is_valid():
                    services.reject_product(
                        product=product, by=request.user, reason=reason_form.cleaned_data["reason"]
                    )
                    messages.success(request, _("Produk ditolak; alasan dikirim ke penyedia."))
                    return redirect(safe_next_url(request, reverse("catalog:curation_queue")))
            else:
                messages.error(request, _("Tindakan tidak dikenal."))
        except services.CatalogError as exc:
            messages.error(request, exc.message)
            return redirect("catalog:product_review", pk=product.pk)
    context = {
        "product": product,
        "vendor": product.vendor,
        "photos": list(product.photos.all()),
        "specifications": product.specifications or [],
        "specifications_text": specifications_to_text(product.specifications),
        "events": list(product.events.select_related("actor")),
        "price_history": list(product.price_history.select_related("changed_by")),
        "reason_form": reason_form,
        "can_curate": product.status == ProductStatus.SUBMITTED,
        "next": safe_next_url(request, ""),
    }
    return render(
        request,
        "catalog/curation/product_review.html",
        context,
        status=400 if request.method == "POST" else 200,
    )
