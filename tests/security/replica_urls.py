"""Views that read the catalogue, at the public paths ReplicaRoutingMiddleware serves from the replica."""

from django.http import HttpResponse
from django.urls import path

from accounts.models import User
from catalog.models import Product


def product_names(request):
    names = ", ".join(Product.objects.order_by("id").values_list("name", flat=True))
    return HttpResponse(names)


def users(request):
    return HttpResponse(str(User.objects.count()))


urlpatterns = [
    path("produk/", product_names),
    path("usaha/produk/", product_names),
    path("produk/pengguna/", users),
]
