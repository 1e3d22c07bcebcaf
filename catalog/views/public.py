"""Placeholder until implemented."""

from django.http import HttpResponse


def _todo(request, *args, **kwargs):
    return HttpResponse("todo")


home = product_list = product_detail = vendor_detail = compare = compare_toggle = _todo
