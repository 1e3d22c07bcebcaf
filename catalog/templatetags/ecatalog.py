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


@register.simple_tag
def page_links(page_obj, around=2):
    """Numbered page links (first, last when known, neighbours of the current page; None = a gap)."""
    paginator = page_obj.paginator
    if hasattr(paginator, "page_links"):
        return paginator.page_links(page_obj.number, around=around)
    last = paginator.num_pages
    shown = sorted(
        {1, last, *range(max(1, page_obj.number - around), min(last, page_obj.number + around) + 1)}
    )
    links = []
    for n in shown:
        if links and n - links[-1] > 1:
            links.append(None)
        links.append(n)
    return links
