"""Read-only JSON API of the public catalogue (Django REST framework): products, categories, vendors.

Lists share one envelope ``{count, next, previous, results}``; ``page`` and ``page_size``
(silently capped at ``MAX_PAGE_SIZE``) page through them. Products are filtered by the
catalogue page's own FilterSet (``catalog.filters.ProductFilter``), vendors by
``catalog.filters.VendorFilter``. The OpenAPI document is generated from these views, their
serializers and filters by drf-spectacular (``opendata/schema.py`` adds the bounds and enums).

Every error under ``/data/api/`` and ``/data/ocds/`` is JSON ``{"detail", "errors"?}``: 400 for
an invalid parameter, 404 for an unknown object, page or path, 405 for any method but
GET/HEAD/OPTIONS, 429 with ``Retry-After`` for an anonymous client over its limit.
"""

from __future__ import annotations

from functools import wraps

from django.db.models import Count, Q
from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from drf_spectacular.views import SpectacularAPIView
from rest_framework import generics
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from catalog.filters import VendorFilter
from catalog.models import Product, ProductStatus, Vendor
from catalog.selectors import category_tree, public_product_detail, public_products

from .filters import ApiProductFilter
from .rest import InvalidParameters
from .serializers import (
    CategoryTreeSerializer,
    ProductDetailSerializer,
    ProductSerializer,
    VendorSerializer,
)

# Primary keys are 64-bit: a larger id cannot exist, and the database would refuse to compare it.
MAX_ID = 2**63 - 1


# --- Errors and filtering -----------------------------------------------------------------


def json_not_found(request, *args, **kwargs):
    """Any path under /data/api/ or /data/ocds/ that matches nothing (``/data/api/products/abc/``)."""
    return JsonResponse(
        {"detail": _("Alamat tidak dikenal. Daftar alamat ada di /data/api/openapi.json.")},
        status=404,
        json_dumps_params={"ensure_ascii": False},
    )


class FilterBackend(DjangoFilterBackend):
    """django-filter, with invalid parameters answered as our 400 body."""

    def filter_queryset(self, request, queryset, view):
        filterset = self.get_filterset(request, queryset, view)
        if filterset is None:
            return queryset
        if not filterset.is_valid():
            raise InvalidParameters(filterset.errors.get_json_data())
        return filterset.qs


# --- Catalogue views --------------------------------------------------------------------


def public_vendors():
    return (
        Vendor.objects.public()
        .select_related("kecamatan", "kelurahan")
        .annotate(product_count=Count("products", filter=Q(products__status=ProductStatus.PUBLISHED)))
        .order_by("business_name", "id")
    )


@extend_schema_view(
    get=extend_schema(
        summary=gettext_lazy("Daftar produk tayang"),
        description=gettext_lazy(
            "Produk tayang dari penyedia terverifikasi. Filter sama dengan halaman katalog (/produk/): URL katalog menjadi URL API dengan mengganti path-nya."
        ),
        operation_id="listProducts",
        tags=["katalog"],
    )
)
class ProductList(generics.ListAPIView):
    """Public products, filtered like the catalogue page (same parameters)."""

    serializer_class = ProductSerializer
    filter_backends = [FilterBackend]
    filterset_class = ApiProductFilter

    def get_queryset(self):
        return public_products()


PK_PARAM = OpenApiParameter(
    "id",
    {"type": "integer", "minimum": 1, "maximum": MAX_ID},
    OpenApiParameter.PATH,
    description=gettext_lazy("ID produk"),
)


@extend_schema_view(
    get=extend_schema(
        summary=gettext_lazy("Detail produk tayang"),
        description=gettext_lazy("Satu produk tayang: deskripsi, spesifikasi, foto, dan riwayat harga."),
        operation_id="getProduct",
        tags=["katalog"],
        parameters=[PK_PARAM],
        responses=ProductDetailSerializer,
    )
)
class ProductDetail(APIView):
    """One public product with its description, specifications, photos and price history."""

    def get(self, request, id: int):
        if not 1 <= id <= MAX_ID:
            raise Http404(_("Produk tidak ditemukan."))
        try:
            product = public_product_detail(id)
        except Product.DoesNotExist as exc:
            raise Http404(_("Produk tidak ditemukan.")) from exc
        return Response(ProductDetailSerializer(product, context={"request": request}).data)


@extend_schema_view(
    get=extend_schema(
        summary=gettext_lazy("Pohon kategori dengan jumlah produk tayang"),
        description=gettext_lazy(
            "Seluruh pohon kategori (results = akar, masing-masing dengan children) dan jumlah produk tayang di tiap kategori beserta sub-kategorinya."
        ),
        operation_id="listCategories",
        tags=["katalog"],
        responses=CategoryTreeSerializer,
    )
)
class CategoryList(APIView):
    """The category tree with the number of public products in each category and below."""

    def get(self, request):
        tree = category_tree()
        direct = dict(
            Product.objects.public()
            .order_by()
            .values_list("category_id")
            .annotate(n=Count("id"))
            .values_list("category_id", "n")
        )
        list_url = reverse("opendata:api_product_list")

        def node_json(node) -> dict:
            children = [node_json(tree.nodes[child]) for child in node.children if child in tree.nodes]
            return {
                "id": node.id,
                "slug": node.slug,
                "name": node.name,
                "product_count": direct.get(node.id, 0) + sum(c["product_count"] for c in children),
                "products_api_url": request.build_absolute_uri(f"{list_url}?kategori={node.slug}"),
                "children": children,
            }

        results = [node_json(root) for root in tree.roots()]
        return Response({"count": len(results), "next": None, "previous": None, "results": results})


@extend_schema_view(
    get=extend_schema(
        summary=gettext_lazy("Daftar penyedia terverifikasi"),
        description=gettext_lazy(
            "Penyedia terverifikasi, hanya data usaha yang publik: tanpa nama pemilik, telepon, email, alamat jalan, NPWP, atau rekening bank."
        ),
        operation_id="listVendors",
        tags=["katalog"],
    )
)
class VendorList(generics.ListAPIView):
    """Verified vendors (public fields only)."""

    serializer_class = VendorSerializer
    filter_backends = [FilterBackend]
    filterset_class = VendorFilter

    def get_queryset(self):
        return public_vendors()


SLUG_PARAM = OpenApiParameter(
    "slug",
    str,
    OpenApiParameter.PATH,
    description=gettext_lazy("Slug penyedia"),
    pattern=r"^[-a-zA-Z0-9_]+$",
)


@extend_schema_view(
    get=extend_schema(
        summary=gettext_lazy("Detail penyedia terverifikasi"),
        description=gettext_lazy("Satu penyedia terverifikasi (data usaha publik saja)."),
        operation_id="getVendor",
        tags=["katalog"],
        parameters=[SLUG_PARAM],
        responses=VendorSerializer,
    )
)
class VendorDetail(APIView):
    def get(self, request, slug: str):
        vendor = public_vendors().filter(slug=slug).first()
        if vendor is None:
            raise Http404(_("Penyedia tidak ditemukan."))
        return Response(VendorSerializer(vendor, context={"request": request}).data)


class OpenApiSpec(SpectacularAPIView):
    """The generated OpenAPI document, as plain ``application/json`` (and so are its errors)."""

    renderer_classes = [JSONRenderer]


# --- Browsable documentation -------------------------------------------------------------


def read_only(view):
    """GET and HEAD only, errors as JSON: another method is a 405 with Allow, like the DRF views."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.method not in ("GET", "HEAD"):
            response = JsonResponse(
                {
                    "detail": _("Metode %(method)s tidak diizinkan: data ini hanya-baca (GET, HEAD).")
                    % {"method": request.method}
                },
                status=405,
                json_dumps_params={"ensure_ascii": False},
            )
            response["Allow"] = "GET, HEAD"
            return response
        try:
            return view(request, *args, **kwargs)
        except Http404 as exc:
            return JsonResponse({"detail": str(exc)}, status=404, json_dumps_params={"ensure_ascii": False})

    return wrapped


@read_only
def docs(request):
    """Swagger UI over the generated spec, from our own static files (drf-spectacular-sidecar)."""
    return render(request, "opendata/api_docs.html", {"spec_url": reverse("opendata:openapi")})
