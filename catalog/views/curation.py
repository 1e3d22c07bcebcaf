"""Placeholder until implemented."""

from django.http import HttpResponse


def _todo(request, *args, **kwargs):
    return HttpResponse("todo")


vendor_queue = vendor_review = curation_queue = bulk_approve = product_review = _todo
