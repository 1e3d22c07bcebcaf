"""What onboarding puts on BPBJ's home: help tickets not yet resolved, oldest first."""

from django.urls import reverse
from django.utils.translation import gettext as _

from .models import HelpTicket

LIMIT = 5


def tickets_waiting():
    from procurement.worklist import Item, Section

    qs = HelpTicket.objects.exclude(status=HelpTicket.Status.RESOLVED)
    rows = list(qs.order_by("created_at", "id")[:LIMIT])
    items = [
        Item(
            f"#{t.pk} {t.get_topic_display()}",
            reverse("onboarding:ticket_detail", args=[t.pk]),
            t.created_at,
            f"{t.name} · {t.get_status_display()}",
        )
        for t in rows
    ]
    return Section(
        "tickets",
        str(_("Tiket bantuan belum selesai")),
        items,
        qs.count(),
        reverse("onboarding:ticket_queue"),
    )
