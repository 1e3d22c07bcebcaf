"""Admin for BPBJ staff. Status fields are read-only: status changes go through the
same services as the pages (admin actions below), so the admin never bypasses a rule.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ecatalog.admin_utils import ReadOnlyAdmin, private_file_link

from . import services
from .models import (
    Category,
    Kecamatan,
    Kelurahan,
    PriceHistory,
    Product,
    ProductEvent,
    ProductImportJob,
    ProductPhoto,
    Vendor,
    VendorChangeRequest,
    VendorDocument,
    VendorEvent,
)


def _report(modeladmin, request, done: int, failures: list[tuple[object, str]], verb: str) -> None:
    if done:
        modeladmin.message_user(request, gettext("%(n)s data %(verb)s.") % {"n": done, "verb": verb})
    for obj, reason in failures:
        modeladmin.message_user(request, f"{obj}: {reason}", level=messages.ERROR)


# --------------------------------------------------------------------------- reference data


class KelurahanInline(admin.TabularInline):
    model = Kelurahan
    extra = 0
    fields = ["code", "name", "kind"]


@admin.register(Kecamatan)
class KecamatanAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "kelurahan_count"]
    search_fields = ["name", "code"]
    inlines = [KelurahanInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(kelurahan_total=Count("kelurahan_set"))

    @admin.display(description=_("desa/kelurahan"), ordering="kelurahan_total")
    def kelurahan_count(self, obj):
        return obj.kelurahan_total


@admin.register(Kelurahan)
class KelurahanAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "kecamatan", "code"]
    list_filter = ["kecamatan", "kind"]
    search_fields = ["name", "code"]
    list_select_related = ["kecamatan"]


class CategoryAdminForm(forms.ModelForm):
    # Ticked kinds are stored as a list; sub-categories inherit them (catalog.certificates).
    required_documents = forms.MultipleChoiceField(
        label=_("dokumen wajib"),
        choices=[c for c in VendorDocument.Kind.choices if c[0] != VendorDocument.Kind.OTHER],
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_(
            "Produk kategori ini (dan sub-kategorinya) turun dari katalog bila dokumen ini milik "
            "penyedia kedaluwarsa, sampai dokumen baru diverifikasi BPBJ."
        ),
    )

    class Meta:
        model = Category
        fields = ["parent", "name", "slug", "position", "required_documents", "kbli_codes"]


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    form = CategoryAdminForm
    list_display = ["name", "parent", "slug", "position", "product_count"]
    list_filter = [("parent", admin.EmptyFieldListFilter)]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["parent"]
    list_select_related = ["parent"]
    ordering = ["parent__name", "position", "name"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(product_total=Count("products"))

    @admin.display(description=_("produk"), ordering="product_total")
    def product_count(self, obj):
        return obj.product_total


# --------------------------------------------------------------------------- vendors


class DocumentFileLinkMixin:
    @admin.display(description=_("berkas"))
    def file_link(self, document):
        return private_file_link(document.file, reverse("catalog:document_download", args=[document.pk]))


class VendorDocumentInline(DocumentFileLinkMixin, admin.TabularInline):
    """Certificates are private: the admin links the permission-checked download and never
    accepts a file itself (vendors upload on their page, where the content is checked)."""

    model = VendorDocument
    extra = 0
    fields = ["kind", "number", "file_link", "valid_until", "uploaded_at", "verified_at", "verified_by"]
    # Verification goes through catalog.services.verify_document (it may bring held products back).
    readonly_fields = ["file_link", "uploaded_at", "verified_at", "verified_by"]

    def has_add_permission(self, request, obj=None):
        return False


class VendorEventInline(admin.TabularInline):
    model = VendorEvent
    extra = 0
    fields = ["created_at", "from_status", "to_status", "actor", "note"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class VendorAdminForm(forms.ModelForm):
    """Checks the admin's edit with the same service rule that saves it (``admin_update_vendor``)."""

    class Meta:
        model = Vendor
        fields = [
            "user",
            "business_name",
            "slug",
            "owner_name",
            "description",
            "nib",
            "npwp",
            "scale",
            "is_pkp",
            "address",
            "kecamatan",
            "kelurahan",
            "phone",
            "email",
            "bank_name",
            "bank_account_number",
            "bank_account_name",
        ]

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk:
            original = Vendor.objects.get(pk=self.instance.pk)
            try:
                services.check_admin_vendor_edit(original, cleaned)
            except services.CatalogError as exc:
                raise ValidationError(exc.message) from None
        return cleaned


@admin.register(Vendor)
class VendorAdmin(admin.ModelAdmin):
    form = VendorAdminForm
    list_display = [
        "business_name",
        "nib",
        "scale",
        "kecamatan",
        "status",
        "is_local",
        "product_count",
        "created_at",
    ]
    list_filter = ["status", "scale", "is_local", "is_pkp", "kecamatan"]
    search_fields = ["business_name", "owner_name", "nib", "npwp", "email", "user__username"]
    list_select_related = ["kecamatan"]
    autocomplete_fields = ["user", "kecamatan", "kelurahan"]
    readonly_fields = [
        "status",
        "status_reason",
        "is_local",
        "verified_at",
        "verified_by",
        "created_at",
        "updated_at",
    ]
    date_hierarchy = "created_at"
    inlines = [VendorDocumentInline, VendorEventInline]
    actions = ["verify_vendors"]
    fieldsets = [
        (None, {"fields": ["user", "business_name", "slug", "owner_name", "description"]}),
        (_("Legalitas"), {"fields": ["nib", "npwp", "scale", "is_pkp"]}),
        (_("Alamat dan kontak"), {"fields": ["address", "kecamatan", "kelurahan", "phone", "email"]}),
        (_("Rekening"), {"fields": ["bank_name", "bank_account_number", "bank_account_name"]}),
        (
            _("Status (diubah melalui halaman verifikasi)"),
            {
                "fields": [
                    "status",
                    "status_reason",
                    "is_local",
                    "verified_at",
                    "verified_by",
                    "created_at",
                    "updated_at",
                ]
            },
        ),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(product_total=Count("products"))

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is not None and obj.is_under_change_review:
            # Say where these fields change; the form's clean and the service refuse a direct edit.
            fieldsets = [
                *fieldsets[:1],
                (
                    _("Legalitas"),
                    {
                        "fields": ["nib", "npwp", "scale", "is_pkp"],
                        "description": _(
                            "NIB, NPWP, PKP, nama usaha dan rekening penyedia terverifikasi hanya berubah "
                            "melalui permintaan perubahan yang disetujui BPBJ."
                        ),
                    },
                ),
                *fieldsets[2:],
            ]
        return fieldsets

    def save_model(self, request, obj, form, change):
        # Through the service: the reviewed fields of a verified vendor are refused there too, and
        # the products' copies of scale and kecamatan follow in the same transaction.
        if change:
            original = Vendor.objects.get(pk=obj.pk)
            data = {
                f.name: getattr(obj, f.name)
                for f in Vendor._meta.concrete_fields
                if f.name in VendorAdminForm.Meta.fields
                and f.value_from_object(obj) != f.value_from_object(original)
            }
            services.admin_update_vendor(vendor=original, data=data, by=request.user)
            obj.refresh_from_db()
        else:
            super().save_model(request, obj, form, change)

    @admin.display(description=_("produk"), ordering="product_total")
    def product_count(self, obj):
        return obj.product_total

    @admin.action(description=_("Verifikasi penyedia (domisili Kota Batu terkonfirmasi: lokal)"))
    def verify_vendors(self, request, queryset):
        done, failures = 0, []
        for vendor in queryset.order_by("pk"):
            try:
                services.verify_vendor(
                    vendor=vendor, by=request.user, is_local=True, note=gettext("Melalui admin")
                )
                done += 1
            except services.CatalogError as exc:
                failures.append((vendor, exc.message))
        _report(self, request, done, failures, gettext("diverifikasi"))


@admin.register(VendorDocument)
class VendorDocumentAdmin(DocumentFileLinkMixin, admin.ModelAdmin):
    list_display = ["vendor", "kind", "number", "valid_until", "uploaded_at", "file_link"]
    list_filter = ["kind"]
    search_fields = ["vendor__business_name", "number"]
    autocomplete_fields = ["vendor"]
    list_select_related = ["vendor"]
    fields = [
        "vendor",
        "kind",
        "number",
        "file_link",
        "valid_until",
        "uploaded_at",
        "verified_at",
        "verified_by",
    ]
    readonly_fields = ["file_link", "uploaded_at", "verified_at", "verified_by"]

    def has_add_permission(self, request):
        # A document without its checked file makes no sense; vendors upload on their page.
        return False


@admin.register(VendorEvent)
class VendorEventAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "vendor", "from_status", "to_status", "actor", "note"]
    list_filter = ["to_status"]
    search_fields = ["vendor__business_name", "note"]
    list_select_related = ["vendor", "actor"]
    date_hierarchy = "created_at"


@admin.register(VendorChangeRequest)
class VendorChangeRequestAdmin(ReadOnlyAdmin):
    """Viewable here; approved or rejected through the services (actions, or the BPBJ queue page)."""

    list_display = [
        "created_at",
        "vendor",
        "changed_fields",
        "status",
        "requested_by",
        "decided_by",
        "decided_at",
    ]
    list_filter = ["status"]
    search_fields = ["vendor__business_name", "vendor__nib"]
    list_select_related = ["vendor", "requested_by", "decided_by"]
    date_hierarchy = "created_at"
    readonly_fields = [
        "vendor",
        "status",
        "comparison",
        "requested_by",
        "registered_email",
        "created_at",
        "decided_by",
        "decided_at",
        "decision_reason",
    ]
    fields = readonly_fields
    actions = ["approve_requests", "reject_requests"]

    @admin.display(description=_("data"))
    def changed_fields(self, obj):
        return ", ".join(obj.field_labels())

    @admin.display(description=_("lama → baru"))
    def comparison(self, obj):
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "", "<li>{}: {} → {}</li>", ((label, old, new) for _n, label, old, new in obj.rows())
            ),
        )

    @admin.action(description=_("Setujui permintaan perubahan"))
    def approve_requests(self, request, queryset):
        done, failures = 0, []
        for change_request in queryset.order_by("pk"):
            try:
                services.approve_vendor_change(
                    change_request=change_request, by=request.user, note=gettext("Melalui admin")
                )
                done += 1
            except services.CatalogError as exc:
                failures.append((change_request, exc.message))
        _report(self, request, done, failures, gettext("disetujui"))

    @admin.action(description=_("Tolak permintaan perubahan"))
    def reject_requests(self, request, queryset):
        requests_ = list(queryset.select_related("vendor").order_by("pk"))
        reason = (request.POST.get("reason") or "").strip()
        if request.POST.get("post") == "yes" and reason:
            done, failures = 0, []
            for change_request in requests_:
                try:
                    services.reject_vendor_change(
                        change_request=change_request, by=request.user, reason=reason
                    )
                    done += 1
                except services.CatalogError as exc:
                    failures.append((change_request, exc.message))
            _report(self, request, done, failures, gettext("ditolak"))
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Tolak permintaan perubahan"),
            "change_requests": requests_,
            "reason": reason,
            "error": gettext("Alasan wajib diisi.") if request.POST.get("post") == "yes" else "",
            "opts": self.model._meta,
            "queue_url": reverse("catalog:change_request_queue"),
        }
        return TemplateResponse(request, "catalog/curation/admin_reject_change.html", context)


# --------------------------------------------------------------------------- products


class ProductPhotoInline(admin.TabularInline):
    model = ProductPhoto
    extra = 0
    fields = ["image", "thumbnail", "width", "height", "position", "status", "status_reason"]
    readonly_fields = ["image", "thumbnail", "width", "height", "status", "status_reason"]
    # Removing a photo goes through the vendor page or the service (logged, keeps one approved photo).
    can_delete = False

    def has_add_permission(self, request, obj=None):
        # New photos go through the vendor page (validated and re-encoded).
        return False


class PriceHistoryInline(admin.TabularInline):
    model = PriceHistory
    extra = 0
    fields = ["changed_at", "old_price", "new_price", "changed_by"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class ProductEventInline(VendorEventInline):
    model = ProductEvent


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ["name", "vendor", "category", "price", "stock", "status", "submitted_at", "published_at"]
    list_filter = ["status", "category", "vendor__status"]
    search_fields = ["name", "vendor__business_name", "vendor__nib"]
    list_select_related = ["vendor", "category"]
    autocomplete_fields = ["vendor", "category"]
    readonly_fields = ["status", "status_reason", "submitted_at", "published_at", "created_at", "updated_at"]
    exclude = ["search_vector"]
    date_hierarchy = "created_at"
    inlines = [ProductPhotoInline, PriceHistoryInline, ProductEventInline]
    actions = ["publish_products", "reject_products"]

    def has_add_permission(self, request):
        # Vendors list products (one rule for creation: verified vendor, draft first).
        return False

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        return [*fields, "vendor"] if obj else fields

    def save_model(self, request, obj, form, change):
        # Through the service, so a price change on a published product is recorded
        # and content changes send it back to curation, exactly as on the vendor page.
        if change:
            data = {
                name: form.cleaned_data[name] for name in services.PRODUCT_FIELDS if name in form.cleaned_data
            }
            original = Product.objects.get(pk=obj.pk)
            updated = services.update_product(product=original, data=data, by=request.user)
            obj.refresh_from_db()
            if updated.status != original.status:
                self.message_user(
                    request, gettext("Produk dikembalikan ke antrean kurasi."), level=messages.WARNING
                )
        else:  # pragma: no cover - add is disabled
            super().save_model(request, obj, form, change)

    @admin.action(description=_("Tayangkan produk"))
    def publish_products(self, request, queryset):
        result = services.bulk_publish(product_ids=queryset.values_list("pk", flat=True), by=request.user)
        _report(self, request, len(result.published), result.skipped, gettext("ditayangkan"))

    @admin.action(description=_("Tolak produk"))
    def reject_products(self, request, queryset):
        products = list(queryset.select_related("vendor").order_by("pk"))
        reason = (request.POST.get("reason") or "").strip()
        if request.POST.get("post") == "yes" and reason:
            done, failures = 0, []
            for product in products:
                try:
                    services.reject_product(product=product, by=request.user, reason=reason)
                    done += 1
                except services.CatalogError as exc:
                    failures.append((product, exc.message))
            _report(self, request, done, failures, gettext("ditolak"))
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Tolak produk"),
            "products": products,
            "reason": reason,
            "error": gettext("Alasan wajib diisi.") if request.POST.get("post") == "yes" else "",
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "catalog/curation/admin_reject.html", context)


@admin.register(ProductPhoto)
class ProductPhotoAdmin(admin.ModelAdmin):
    list_display = ["product", "position", "status", "width", "height", "created_at"]
    list_filter = ["status"]
    search_fields = ["product__name"]
    list_select_related = ["product"]
    readonly_fields = [
        "product",
        "image",
        "thumbnail",
        "width",
        "height",
        "status",
        "status_reason",
        "created_at",
    ]
    actions = ["approve_photos"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        # Deleting is a logged step with a rule (a tayang product keeps an approved photo): the
        # vendor's page does it through the service.
        return False

    @admin.action(description=_("Setujui foto (tampil di katalog)"))
    def approve_photos(self, request, queryset):
        done, failures = 0, []
        for photo in queryset.select_related("product").order_by("pk"):
            try:
                services.approve_photo(photo=photo, by=request.user)
                done += 1
            except services.CatalogError as exc:
                failures.append((photo, exc.message))
        _report(self, request, done, failures, gettext("disetujui"))


@admin.register(PriceHistory)
class PriceHistoryAdmin(ReadOnlyAdmin):
    list_display = ["changed_at", "product", "old_price", "new_price", "changed_by"]
    search_fields = ["product__name"]
    list_select_related = ["product", "changed_by"]
    date_hierarchy = "changed_at"


@admin.register(ProductEvent)
class ProductEventAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "product", "from_status", "to_status", "actor", "note"]
    list_filter = ["to_status"]
    search_fields = ["product__name", "note"]
    list_select_related = ["product", "actor"]
    date_hierarchy = "created_at"


@admin.register(ProductImportJob)
class ProductImportJobAdmin(ReadOnlyAdmin):
    """Vendors' product imports: progress, failures and how often a worker retried them."""

    list_display = ("id", "vendor", "original_name", "status", "processed_rows", "total_rows",
                    "created_count", "attempts", "created_at", "finished_at")  # fmt: skip
    list_filter = ("status",)
    search_fields = ("vendor__business_name", "original_name")
    list_select_related = ("vendor",)
    exclude = ("file",)
