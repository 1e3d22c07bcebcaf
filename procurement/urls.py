"""Placeholder routes (names used by the shared navigation); the procurement work replaces this file."""

from django.http import HttpResponse
from django.urls import path

app_name = "procurement"


def _todo(request, *args, **kwargs):
    return HttpResponse("todo")


urlpatterns = [
    path("keranjang/", _todo, name="cart"),
    path("pesanan/", _todo, name="order_list"),
    path("pesanan/<int:pk>/", _todo, name="order_detail"),
    path("kotak-masuk/", _todo, name="vendor_inbox"),
    path("notifikasi/", _todo, name="notifications"),
]
