from django import template

from ..charts import short_rupiah as _short_rupiah
from ..services import fmt_pct

register = template.Library()


@register.filter
def short_rupiah(value):
    """{{ x|short_rupiah }} -> Rp1,2 M"""
    return _short_rupiah(value)


@register.filter
def pct(value):
    """{{ share|pct }} -> 12,5% or n/a when there is no denominator."""
    return fmt_pct(value)
