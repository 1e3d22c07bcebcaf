"""Placeholder until implemented."""

from django.http import HttpResponse


def _todo(request, *args, **kwargs):
    return HttpResponse("todo")


register = home = profile_edit = documents = document_delete = product_list = product_create = _todo
product_import = import_template = product_edit = product_photos = photo_delete = _todo
product_submit = product_deactivate = _todo
