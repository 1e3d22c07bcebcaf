from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from ecatalog.admin_utils import ReadOnlyPermissionsMixin

from . import services
from .models import OutboxMessage


@admin.register(OutboxMessage)
class OutboxMessageAdmin(ReadOnlyPermissionsMixin, admin.ModelAdmin):
    """What is waiting, what was sent and what keeps failing; only 'send again' changes anything."""

    list_display = (
        "id",
        "channel",
        "recipient",
        "subject_or_body",
        "status",
        "attempts",
        "next_attempt_at",
        "created_at",
        "sent_at",
    )
    list_filter = ("status", "channel")
    search_fields = ("to_email", "user__username", "subject", "body", "order__number")
    list_select_related = ("user",)
    date_hierarchy = "created_at"
    readonly_fields = [f.name for f in OutboxMessage._meta.fields]
    actions = ("send_again",)

    def has_resend_permission(self, request):
        return request.user.is_active and request.user.is_staff and request.user.is_bpbj

    @admin.display(description=_("penerima"))
    def recipient(self, obj):
        return obj.to_email or obj.user

    @admin.display(description=_("pesan"))
    def subject_or_body(self, obj):
        return (obj.subject or obj.body)[:80]

    @admin.action(description=_("Kirim ulang sekarang (yang belum terkirim)"), permissions=["resend"])
    def send_again(self, request, queryset):
        count = services.retry(queryset)
        self.message_user(request, _("%(n)d pesan dijadwalkan ulang.") % {"n": count}, messages.SUCCESS)
