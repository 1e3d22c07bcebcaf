"""Read-only JSON API of the public catalogue: products, categories, vendors.

Lists share one envelope ``{count, next, previous, results}``; ``page`` and
``page_size`` (capped at ``MAX_PAGE_SIZE``) page through them. Filters are the
catalogue page's own (``catalog.filters.ProductFilter``), so a URL of the
catalogue and of the API filter the same way. Invalid parameters answer 400
with the errors, never 500. Anonymous clients are rate-limited.

Public vendor fields: business name, slug, NIB, scale, kecamatan,
desa/kelurahan, description, verification date and product count. Never: the
owner's name, phone, email, street address, NPWP or bank details (see docs/API.md).
"""

from __future__ import annotations

from django import forms
from django.core.paginator import EmptyPage, Paginator
from django.db.models import Count, Q
from django.http import Http404, JsonResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from catalog.filters import ProductFilter
from catalog.models import BusinessScale, Product, ProductStatus, Vendor
from catalog.selectors import category_tree, public_product_detail, public_products

from .ratelimit import rate_limited

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100


# --- Shared helpers ---------------------------------------------------------------------


class BadRequest(Exception):
    def __init__(self, errors: dict):
        super().__init__("bad request")
        self.errors = errors


def json_error(status: int, detail: str, errors: dict | None = None) -> JsonResponse:
    body = {"detail": detail}
    if errors:
        body["errors"] = errors
    return JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})


def json_response(data, status: int = 200) -> JsonResponse:
    return JsonResponse(data, status=status, safe=False, json_dumps_params={"ensure_ascii": False})


class PagingForm(forms.Form):
    page = forms.IntegerField(min_value=1, max_value=10**6, required=False)
    page_size = forms.IntegerField(min_value=1, max_value=10**6, required=False)


def paging(request, default: int = DEFAULT_PAGE_SIZE, maximum: int = MAX_PAGE_SIZE) -> tuple[int, int]:
    """``(page, page_size)`` from the query string; page size silently capped at ``maximum``."""
    form = PagingForm(request.GET)
    if not form.is_valid():
        raise BadRequest(form.errors.get_json_data())
    page = form.cleaned_data["page"] or 1
    size = min(form.cleaned_data["page_size"] or default, maximum)
    return page, size


def page_url(request, page: int | None) -> str | None:
    if page is None:
        return None
    params = request.GET.copy()
    params["page"] = page
    return request.build_absolute_uri(f"{request.path}?{params.urlencode()}")


def paginate(request, queryset, *, default: int = DEFAULT_PAGE_SIZE, maximum: int = MAX_PAGE_SIZE):
    """A page of ``queryset`` and its prev/next URLs; Http404 past the last page."""
    number, size = paging(request, default, maximum)
    paginator = Paginator(queryset, size)
    try:
        page = paginator.page(number)
    except EmptyPage as exc:
        raise Http404(_("Halaman tidak ada.")) from exc
    prev_url = page_url(request, page.previous_page_number()) if page.has_previous() else None
    next_url = page_url(request, page.next_page_number()) if page.has_next() else None
    return list(page.object_list), paginator.count, prev_url, next_url


def envelope(count: int, prev_url: str | None, next_url: str | None, results: list) -> dict:
    return {"count": count, "next": next_url, "previous": prev_url, "results": results}


def api_view(view):
    """GET only, rate-limited, and 400/404 answered as JSON."""

    @require_GET
    @rate_limited
    def wrapped(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except BadRequest as exc:
            return json_error(400, _("Parameter tidak valid."), exc.errors)
        except Http404 as exc:
            return json_error(404, str(exc) or _("Tidak ditemukan."))

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


# --- Serializers (plain functions, explicit fields: nothing private can slip in) ---------


def _dt(value) -> str | None:
    """Aware datetimes in Asia/Jakarta (the site's TIME_ZONE), ISO 8601."""
    return timezone.localtime(value).isoformat(timespec="seconds") if value else None


def _category_json(category) -> dict:
    return {"id": category.pk, "slug": category.slug, "name": category.name}


def _vendor_brief(request, vendor) -> dict:
    return {
        "slug": vendor.slug,
        "business_name": vendor.business_name,
        "scale": vendor.scale,
        "is_umk": vendor.is_umk,
        "kecamatan": vendor.kecamatan.name,
        "url": request.build_absolute_uri(vendor.get_absolute_url()),
        "api_url": request.build_absolute_uri(reverse("opendata:api_vendor_detail", args=[vendor.slug])),
    }


def product_json(request, product: Product, *, detail: bool = False) -> dict:
    photos = getattr(product, "first_photos", None)
    if photos is None:
        photos = list(product.photos.all())
    data = {
        "id": product.pk,
        "name": product.name,
        "slug": product.slug,
        "url": request.build_absolute_uri(product.get_absolute_url()),
        "api_url": request.build_absolute_uri(reverse("opendata:api_product_detail", args=[product.pk])),
        "unit": product.unit,
        "price": int(product.price),
        "currency": "IDR",
        "min_order": product.min_order,
        "stock": product.stock,
        "in_stock": product.in_stock,
        "lead_time_days": product.lead_time_days,
        "tkdn": float(product.tkdn),
        "category": _category_json(product.category),
        "vendor": _vendor_brief(request, product.vendor),
        "thumbnail": request.build_absolute_uri(photos[0].thumbnail.url) if photos else None,
        "published_at": _dt(product.published_at),
    }
    if detail:
        data["description"] = product.description
        data["specifications"] = product.specifications
        data["photos"] = [request.build_absolute_uri(photo.image.url) for photo in photos]
        data["price_history"] = [
            {
                "old_price": int(h.old_price),
                "new_price": int(h.new_price),
                "changed_at": _dt(h.changed_at),
            }
            for h in product.price_history.all()
        ]
    return data


def vendor_json(request, vendor: Vendor) -> dict:
    data = _vendor_brief(request, vendor)
    data.update(
        {
            "nib": vendor.nib,
            "is_local": vendor.is_local,
            "kelurahan": vendor.kelurahan.name,
            "description": vendor.description,
            "verified_at": _dt(vendor.verified_at),
            "product_count": getattr(vendor, "product_count", None),
            "products_api_url": request.build_absolute_uri(
                reverse("opendata:api_product_list") + f"?penyedia={vendor.slug}"
            ),
        }
    )
    return data


# --- Views ------------------------------------------------------------------------------


@api_view
def product_list(request):
    """Public products, filtered like the catalogue page."""
    filterset = ProductFilter(request.GET, queryset=public_products())
    if not filterset.is_valid():
        raise BadRequest(filterset.errors.get_json_data())
    rows, count, prev_url, next_url = paginate(request, filterset.qs)
    return json_response(envelope(count, prev_url, next_url, [product_json(request, p) for p in rows]))


@api_view
def product_detail(request, pk: int):
    try:
        product = public_product_detail(pk)
    except Product.DoesNotExist as exc:
        raise Http404(_("Produk tidak ditemukan.")) from exc
    return json_response(product_json(request, product, detail=True))


@api_view
def category_list(request):
    """The category tree with the number of public products in each category and below."""
    tree = category_tree()
    direct = dict(
        Product.objects.public()
        .order_by()
        .values_list("category_id")
        .annotate(n=Count("id"))
        .values_list("category_id", "n")
    )

    def node_json(node) -> dict:
        children = [node_json(tree.nodes[child]) for child in node.children if child in tree.nodes]
        own = direct.get(node.id, 0)
        return {
            "id": node.id,
            "slug": node.slug,
            "name": node.name,
            "product_count": own + sum(c["product_count"] for c in children),
            "products_api_url": request.build_absolute_uri(
                reverse("opendata:api_product_list") + f"?kategori={node.slug}"
            ),
            "children": children,
        }

    results = [node_json(root) for root in tree.roots()]
    return json_response(envelope(len(results), None, None, results))


class VendorFilterForm(forms.Form):
    q = forms.CharField(max_length=100, required=False)
    kecamatan = forms.CharField(max_length=100, required=False)
    skala = forms.MultipleChoiceField(choices=BusinessScale.choices, required=False)


def public_vendors():
    return (
        Vendor.objects.public()
        .select_related("kecamatan", "kelurahan")
        .annotate(product_count=Count("products", filter=Q(products__status=ProductStatus.PUBLISHED)))
        .order_by("business_name", "id")
    )


@api_view
def vendor_list(request):
    """Verified vendors (public fields only); filters q (name), kecamatan (name), skala."""
    form = VendorFilterForm(request.GET)
    if not form.is_valid():
        raise BadRequest(form.errors.get_json_data())
    qs = public_vendors()
    data = form.cleaned_data
    if data["q"]:
        qs = qs.filter(business_name__icontains=data["q"].strip())
    if data["kecamatan"]:
        qs = qs.filter(kecamatan__name__iexact=data["kecamatan"].strip())
    if data["skala"]:
        qs = qs.filter(scale__in=data["skala"])
    rows, count, prev_url, next_url = paginate(request, qs)
    return json_response(envelope(count, prev_url, next_url, [vendor_json(request, v) for v in rows]))


@api_view
def vendor_detail(request, slug: str):
    vendor = public_vendors().filter(slug=slug).first()
    if vendor is None:
        raise Http404(_("Penyedia tidak ditemukan."))
    return json_response(vendor_json(request, vendor))
