from django import template

from ..models import OrderStatus
from ..selectors import vendor_rating_summary

register = template.Library()

STATUS_BADGES = {
    OrderStatus.DRAFT: "badge-muted",
    OrderStatus.PENDING_APPROVAL: "badge-warn",
    OrderStatus.SENT: "badge-warn",
    OrderStatus.NEGOTIATING: "badge-warn",
    OrderStatus.ACCEPTED: "badge-umk",
    OrderStatus.SHIPPED: "badge-umk",
    OrderStatus.PARTIALLY_RECEIVED: "badge-umk",
    OrderStatus.RECEIVED: "badge-ok",
    OrderStatus.PAID: "badge-ok",
    OrderStatus.COMPLETED: "badge-ok",
    OrderStatus.REJECTED: "badge-danger",
    OrderStatus.CANCELLED: "badge-danger",
}


@register.filter
def status_badge(status):
    """CSS class of an order status badge."""
    return STATUS_BADGES.get(status, "badge-muted")


@register.filter
def status_label(status):
    try:
        return OrderStatus(status).label
    except ValueError:
        return status


@register.filter
def rule_label(rule):
    """The name of a deadline rule (procurement.deadlines.RULE_LABELS)."""
    from ..deadlines import RULE_LABELS

    return RULE_LABELS.get(rule, rule)


@register.inclusion_tag("procurement/_vendor_rating.html")
def vendor_rating(vendor):
    """{% load procurement_tags %}{% vendor_rating vendor %}: average score of a vendor (one query)."""
    return {"rating": vendor_rating_summary(vendor)}


@register.filter
def field(form, name):
    """{{ form|field:"price_12" }}: a bound field of a form with dynamic field names."""
    return form[name]
