"""Placeholder routes (names used by the shared navigation); the scoring work replaces this file."""

from django.http import HttpResponse
from django.urls import path

app_name = "opd_scoring"


def _todo(request, *args, **kwargs):
    return HttpResponse("todo")


urlpatterns = [
    path("", _todo, name="dashboard"),
    path("opd-saya/", _todo, name="my_opd"),
]
