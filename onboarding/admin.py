"""Admin of onboarding: outreach events (model rules apply), tickets (changed through the service),
registration drafts read-only (they hold what people typed; only the steps change them)."""

from django.contrib import admin

from . import services
from .models import DraftDocument, HelpTicket, OutreachEvent, RegistrationDraft


@admin.register(OutreachEvent)
class OutreachEventAdmin(admin.ModelAdmin):
    list_display = ["name", "held_on", "kecamatan", "kelurahan", "place"]
    list_filter = ["kecamatan"]
    search_fields = ["name", "place"]
    list_select_related = ["kecamatan", "kelurahan"]
    readonly_fields = ["created_by", "created_at"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


class DraftDocumentInline(admin.TabularInline):
    model = DraftDocument
    extra = 0
    fields = ["kind", "original_name", "number", "valid_until", "uploaded_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(RegistrationDraft)
class RegistrationDraftAdmin(admin.ModelAdmin):
    list_display = ["__str__", "status", "step", "event", "vendor", "created_at"]
    list_filter = ["status", "step"]
    list_select_related = ["event", "vendor"]
    search_fields = ["username", "data__business_name"]
    exclude = ["password_hash", "confirm_token_hash"]
    inlines = [DraftDocumentInline]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields if f.name not in self.exclude]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(HelpTicket)
class HelpTicketAdmin(admin.ModelAdmin):
    list_display = ["__str__", "topic", "status", "created_at", "handled_by"]
    list_filter = ["status", "topic"]
    list_select_related = ["handled_by", "user"]
    search_fields = ["name", "email", "message"]
    fields = [
        "name",
        "email",
        "phone",
        "user",
        "topic",
        "page",
        "message",
        "status",
        "bpbj_note",
        "handled_by",
    ]
    readonly_fields = ["name", "email", "phone", "user", "topic", "page", "message", "handled_by"]

    def has_add_permission(self, request):
        return False

    def save_model(self, request, obj, form, change):
        # Through the service: the handler is recorded and the asker told, as on BPBJ's page.
        services.update_ticket(ticket=obj, status=obj.status, note=obj.bpbj_note, by=request.user)
