from django.contrib import admin
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ecatalog.admin_utils import ReadOnlyAdmin, private_file_link

from .models import IssuedDocument


@admin.register(IssuedDocument)
class IssuedDocumentAdmin(ReadOnlyAdmin):
    """Issued PDFs are evidence: listed and downloaded here, never added, changed or deleted."""

    list_display = ("number", "kind", "order", "signed", "size", "generation_ms", "created_at")
    list_filter = ("kind", "signed")
    search_fields = ("number", "code", "order__number", "sha256")
    list_select_related = ("order",)
    readonly_fields = ("pdf",)
    exclude = ("file",)

    @admin.display(description=_("berkas PDF"))
    def pdf(self, obj):
        return private_file_link(obj.file, reverse("documents:download", args=[obj.order_id, obj.pk]))
