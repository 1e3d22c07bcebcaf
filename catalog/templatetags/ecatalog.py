from django import template
from django.utils.http import urlencode

from catalog.money import format_rupiah

register = template.Library()


@register.filter
def rupiah(value):
    """{{ product.price|rupiah }} -> Rp1.250.000"""
    return format_rupiah(value)


@register.simple_tag(takes_context=True)
def query_replace(context, **kwargs):
    """The current query string with some parameters replaced (filters survive paging)."""
    params = context["request"].GET.copy()
    for key, value in kwargs.items():
        if value is None or value == "":
            params.pop(key, None)
        else:
            params[key] = value
    return "?" + params.urlencode() if params else "?"


@register.filter
def percent(value, digits=1):
    if value is None:
        return "-"
    return f"{float(value):.{int(digits)}f}%".replace(".", ",")


@register.simple_tag
def urlparams(**kwargs):
    return urlencode({k: v for k, v in kwargs.items() if v not in (None, "")})
