"""Admin: competitions, offers and their trail are read-only; sealed offers are not listed at all.

Offers' contents stay sealed until the deadline on every path, the admin included: the offer
list and its detail pages only ever see offers of competitions whose deadline has passed.
BPBJ edits the rules saying where a direct order is not allowed.
"""

from django.contrib import admin
from django.utils import timezone

from ecatalog.admin_utils import ReadOnlyAdmin, ReadOnlyInline

from .models import (
    Competition,
    CompetitionEvent,
    CompetitionItem,
    CompetitionRule,
    Invitation,
    Offer,
    OfferLine,
)


class ItemInline(ReadOnlyInline):
    model = CompetitionItem


class InvitationInline(ReadOnlyInline):
    model = Invitation
    raw_id_fields = ["vendor"]


class EventInline(ReadOnlyInline):
    model = CompetitionEvent
    fields = ["created_at", "actor", "actor_role", "action", "note"]
    readonly_fields = fields


@admin.register(Competition)
class CompetitionAdmin(ReadOnlyAdmin):
    list_display = ["number", "title", "opd", "status", "offer_deadline", "hps"]
    list_filter = ["status", "kind"]
    search_fields = ["number", "title"]
    # No offer inline: an offer's content is reachable only through the sealed-aware OfferAdmin.
    exclude = ["awarded_offer"]
    inlines = [ItemInline, InvitationInline, EventInline]


class OfferLineInline(ReadOnlyInline):
    model = OfferLine


@admin.register(Offer)
class OfferAdmin(ReadOnlyAdmin):
    # Lines only under an offer this admin lists, i.e. after the deadline.
    inlines = [OfferLineInline]
    list_display = ["competition", "vendor", "rank", "total", "evaluated_total", "tkdn"]
    list_select_related = ["competition", "vendor"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(competition__offer_deadline__lte=timezone.now())


@admin.register(CompetitionEvent)
class CompetitionEventAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "competition", "actor", "action"]


@admin.register(CompetitionRule)
class CompetitionRuleAdmin(admin.ModelAdmin):
    list_display = ["category", "min_amount", "note"]
    autocomplete_fields = ["category"]
