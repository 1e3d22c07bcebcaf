"""Vendor (penyedia) pages: registration, profile, documents, products, photos, import.

Thin views: parse the request, call a service, render. Every object is loaded
through the logged-in vendor's own queryset, so another vendor's id is a 404.
"""

from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.permissions import vendor_required

from .. import importers, services
from ..forms import (
    ImportForm,
    PhotoUploadForm,
    ProductForm,
    ProductStatusFilterForm,
    VendorDocumentForm,
    VendorProfileForm,
)
from ..models import (
    REVIEWED_VENDOR_FIELDS,
    Product,
    ProductImportJob,
    ProductStatus,
    VendorChangeRequest,
    VendorDocument,
    VendorStatus,
)

PAGE_SIZE = 20


def _own_product(request, pk) -> Product:
    return get_object_or_404(
        Product.objects.owned_by(request.user.vendor_profile).select_related("category", "vendor"), pk=pk
    )


def _error_text(exc) -> str:
    if isinstance(exc, services.CatalogError):
        return exc.message
    return " ".join(exc.messages)


@vendor_required
def home(request):
    """The vendor's own page: status (with reason), product counts per status, documents."""
    vendor = request.user.vendor_profile
    counts = dict(Product.objects.owned_by(vendor).values_list("status").annotate(n=Count("id")).order_by())
    status_counts = [(value, label, counts.get(value, 0)) for value, label in ProductStatus.choices]
    from procurement import worklist

    today = timezone.localdate()
    context = {
        "vendor": vendor,
        "status_counts": status_counts,
        "total_products": sum(counts.values()),
        "documents": list(vendor.documents.all()),
        "events": list(vendor.events.select_related("actor")[:5]),
        **_change_request_context(vendor),
        # What waits for the vendor now: orders to answer, to ship, payments due.
        "sections": worklist.vendor_sections(vendor, today=today) if vendor.is_verified else [],
        "today": today,
        "soon": today + timedelta(days=max(settings.CERTIFICATE_REMINDER_DAYS, default=30)),
    }
    return render(request, "catalog/vendor/home.html", context)


def _change_request_context(vendor) -> dict:
    """The vendor's open change request and its latest decided one (to show a rejection's reason)."""
    requests = list(vendor.change_requests.select_related("decided_by")[:2])
    pending = next((r for r in requests if r.is_pending), None)
    decided = next((r for r in requests if not r.is_pending), None)
    return {"pending_change": pending, "last_change": decided}


@vendor_required
def profile_edit(request):
    vendor = request.user.vendor_profile
    change_context = _change_request_context(vendor)
    form = VendorProfileForm(
        request.POST or None, instance=vendor, change_pending=change_context["pending_change"] is not None
    )
    if request.method == "POST" and form.is_valid():
        was_rejected = vendor.status == VendorStatus.REJECTED
        requested = [
            str(form.fields[name].label)
            for name in REVIEWED_VENDOR_FIELDS
            if vendor.is_under_change_review and name in form.changed_data
        ]
        try:
            services.update_vendor_profile(vendor=vendor, data=form.profile_data(), by=request.user)
        except services.CatalogError as exc:
            form.add_error(None, exc.message)
        else:
            if was_rejected:
                messages.success(request, _("Profil disimpan dan diajukan ulang untuk verifikasi."))
            elif requested:
                messages.warning(
                    request,
                    _(
                        "Data lain disimpan. Perubahan %(fields)s diajukan ke BPBJ dan baru berlaku setelah "
                        "disetujui; sampai itu data lama tetap dipakai."
                    )
                    % {"fields": ", ".join(requested)},
                )
            else:
                messages.success(request, _("Profil usaha disimpan."))
            return redirect("catalog:vendor_profile_edit" if requested else "catalog:vendor_home")
    context = {"form": form, "vendor": vendor, **change_context}
    return render(request, "catalog/vendor/profile_form.html", context)


@vendor_required
@require_POST
def change_request_withdraw(request, pk):
    change_request = get_object_or_404(VendorChangeRequest, pk=pk, vendor=request.user.vendor_profile)
    try:
        services.withdraw_vendor_change(change_request=change_request, by=request.user)
    except services.CatalogError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Permintaan perubahan dibatalkan. Data dapat diajukan ulang."))
    return redirect("catalog:vendor_profile_edit")


@vendor_required
def documents(request):
    vendor = request.user.vendor_profile
    form = VendorDocumentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_document(
                vendor=vendor,
                kind=form.cleaned_data["kind"],
                upload=form.cleaned_data["file"],
                number=form.cleaned_data["number"],
                valid_until=form.cleaned_data["valid_until"],
                by=request.user,
            )
        except (services.CatalogError, ValidationError) as exc:
            form.add_error("file", _error_text(exc))
        else:
            messages.success(request, _("Dokumen diunggah."))
            return redirect("catalog:vendor_documents")
    context = {"form": form, "vendor": vendor, "documents": list(vendor.documents.all())}
    return render(request, "catalog/vendor/documents.html", context)


@login_required
def document_download(request, pk):
    """A supporting document, only for its vendor and BPBJ (certificates are not public)."""
    documents = VendorDocument.objects.all()
    if not request.user.is_bpbj:
        vendor = request.user.vendor_profile
        if vendor is None:
            raise Http404
        documents = documents.filter(vendor=vendor)
    document = get_object_or_404(documents, pk=pk)
    try:
        handle = document.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(handle, as_attachment=False, filename=document.file.name.rsplit("/", 1)[-1])


@vendor_required
@require_POST
def document_delete(request, pk):
    document = get_object_or_404(VendorDocument, pk=pk, vendor=request.user.vendor_profile)
    services.delete_document(document=document, by=request.user)
    messages.success(request, _("Dokumen dihapus."))
    return redirect("catalog:vendor_documents")


@vendor_required
def product_list(request):
    vendor = request.user.vendor_profile
    filters = ProductStatusFilterForm(request.GET or None)
    products = Product.objects.owned_by(vendor).select_related("category").order_by("-updated_at", "-id")
    if filters.is_valid():
        if filters.cleaned_data["status"]:
            products = products.filter(status=filters.cleaned_data["status"])
        if filters.cleaned_data["q"]:
            products = products.filter(name__icontains=filters.cleaned_data["q"])
    products = products.annotate(photo_count=Count("photos"))
    page_obj = Paginator(products, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "vendor": vendor,
        "filters": filters,
        "page_obj": page_obj,
        "products": list(page_obj.object_list),
        "can_create": vendor.is_verified,
    }
    return render(request, "catalog/vendor/product_list.html", context)


@vendor_required
def product_create(request):
    vendor = request.user.vendor_profile
    if not vendor.is_verified:
        return render(request, "catalog/vendor/not_verified.html", {"vendor": vendor}, status=403)
    form = ProductForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            product = services.create_product(vendor=vendor, data=form.product_data(), by=request.user)
        except services.CatalogError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request, _("Produk disimpan sebagai draf. Tambahkan foto, lalu ajukan untuk kurasi.")
            )
            return redirect("catalog:product_photos", pk=product.pk)
    return render(request, "catalog/vendor/product_form.html", {"form": form, "vendor": vendor})


@vendor_required
def product_edit(request, pk):
    product = _own_product(request, pk)
    form = ProductForm(request.POST or None, instance=product)
    if request.method == "POST" and form.is_valid():
        was_published = product.status == ProductStatus.PUBLISHED
        try:
            updated = services.update_product(product=product, data=form.product_data(), by=request.user)
        except (services.CatalogError, ValidationError) as exc:
            form.add_error(None, _error_text(exc))
        else:
            if was_published and updated.status == ProductStatus.SUBMITTED:
                messages.warning(
                    request, _("Perubahan disimpan. Produk diajukan ulang dan menunggu kurasi BPBJ.")
                )
            else:
                messages.success(request, _("Perubahan disimpan."))
            return redirect("catalog:product_edit", pk=product.pk)
    context = {
        "form": form,
        "product": product,
        "vendor": product.vendor,
        "photos": list(product.photos.all()),
        "events": list(product.events.select_related("actor")[:10]),
        "price_history": list(product.price_history.select_related("changed_by")[:10]),
        "max_photos": settings.MAX_PHOTOS_PER_PRODUCT,
    }
    return render(request, "catalog/vendor/product_form.html", context)


@vendor_required
def product_photos(request, pk):
    product = _own_product(request, pk)
    form = PhotoUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_photo(product=product, upload=form.cleaned_data["photo"], by=request.user)
        except (services.CatalogError, ValidationError) as exc:
            form.add_error("photo", _error_text(exc))
        else:
            messages.success(request, _("Foto ditambahkan."))
            return redirect("catalog:product_photos", pk=product.pk)
    photos = list(product.photos.all())
    context = {
        "product": product,
        "form": form,
        "photos": photos,
        "max_photos": settings.MAX_PHOTOS_PER_PRODUCT,
        "can_add": len(photos) < settings.MAX_PHOTOS_PER_PRODUCT,
    }
    return render(request, "catalog/vendor/product_photos.html", context, status=400 if form.errors else 200)


@vendor_required
@require_POST
def photo_delete(request, pk, photo_pk):
    product = _own_product(request, pk)
    photo = get_object_or_404(product.photos.all(), pk=photo_pk)
    try:
        services.delete_photo(photo=photo, by=request.user)
    except services.CatalogError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Foto dihapus."))
    return redirect("catalog:product_photos", pk=product.pk)


@vendor_required
@require_POST
def product_submit(request, pk):
    product = _own_product(request, pk)
    try:
        services.submit_product(product=product, by=request.user)
    except services.CatalogError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Produk diajukan. BPBJ akan mengkurasi sebelum tayang."))
    return redirect("catalog:product_edit", pk=product.pk)


@vendor_required
@require_POST
def product_deactivate(request, pk):
    product = _own_product(request, pk)
    try:
        services.deactivate_product(product=product, by=request.user)
    except services.CatalogError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Produk dinonaktifkan dan tidak tampil di katalog."))
    return redirect("catalog:product_edit", pk=product.pk)


@vendor_required
def product_import(request):
    vendor = request.user.vendor_profile
    if not vendor.is_verified:
        return render(request, "catalog/vendor/not_verified.html", {"vendor": vendor}, status=403)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            job = services.start_product_import(
                vendor=vendor, upload=form.cleaned_data["file"], by=request.user
            )
        except services.CatalogError as exc:
            form.add_error("file", exc.message)
        else:
            # The worker reads and imports the file; the job page shows progress, then the result.
            return redirect(job)
    context = {
        "form": form,
        "headers": importers.HEADERS,
        "max_rows": importers.MAX_IMPORT_ROWS,
        "recent_jobs": vendor.import_jobs.only(
            "pk", "original_name", "status", "created_at", "created_count", "total_rows"
        )[:5],
    }
    return render(request, "catalog/vendor/product_import.html", context)


def _own_import_job(request, pk) -> ProductImportJob:
    return get_object_or_404(ProductImportJob.objects.filter(vendor=request.user.vendor_profile), pk=pk)


@vendor_required
def product_import_job(request, pk):
    """Progress of one import (refreshing itself), then its per-row result."""
    job = _own_import_job(request, pk)
    return render(
        request,
        "catalog/vendor/product_import_job.html",
        {"job": job, "errors": job.errors, "status_url": reverse("catalog:product_import_status", args=[pk])},
    )


@vendor_required
def product_import_status(request, pk):
    """What static/js/import_progress.js polls while the job runs."""
    job = _own_import_job(request, pk)
    response = JsonResponse(
        {
            "status": job.status,
            "status_display": job.get_status_display(),
            "total_rows": job.total_rows,
            "processed_rows": job.processed_rows,
            "created_count": job.created_count,
            "percent": job.percent,
            "finished": job.is_finished,
        }
    )
    response["Cache-Control"] = "no-store"
    return response


@vendor_required
def import_template(request, fmt):
    if fmt == "csv":
        response = HttpResponse(importers.template_csv(), content_type="text/csv; charset=utf-8")
    elif fmt == "xlsx":
        response = HttpResponse(
            importers.template_xlsx(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        raise Http404
    response["Content-Disposition"] = f'attachment; filename="template-impor-produk.{fmt}"'
    return response
