"""The public catalogue: browse, search, filter, product and vendor pages, compare.

No login needed. Every page starts from the public selectors, so only tayang
products of verified vendors are ever shown.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from ecatalog.params import parse_id, safe_next_url

from ..certificates import badges_for_vendors
from ..filters import ProductFilter, Sort
from ..models import BusinessScale, Product, Vendor, VendorDocument
from ..money import format_rupiah
from ..page_cache import cached_fragment, render_fragment
from ..pagination import CappedPaginator
from ..selectors import (
    category_tree,
    public_product_count,
    public_product_detail,
    public_products,
    public_vendor_count,
    root_category_counts,
    similar_products,
    vendor_public_products,
)

PAGE_SIZE = 24
COMPARE_SESSION_KEY = "compare_ids"
COMPARE_LIMIT = 4


def home(request: HttpRequest) -> HttpResponse:
    def build() -> dict:
        context = {
            "categories": root_category_counts(),
            "newest": list(public_products()[:8]),
            "product_count": public_product_count(),
            "vendor_count": public_vendor_count(),
            "target_products": settings.TARGET_PRODUCTS,
        }
        return {"body": render_fragment("catalog/public/_home_body.html", context, request)}

    fragment = cached_fragment("home", (), build)
    return render(request, "catalog/public/home.html", {"body": mark_safe(fragment["body"])})


def _active_filter_chips(request: HttpRequest, filterset: ProductFilter) -> list[dict]:
    """One removable chip per valid, non-empty filter value."""
    if not filterset.is_bound or not hasattr(filterset.form, "cleaned_data"):
        return []
    data = filterset.form.cleaned_data
    chips = []

    def without(key: str, value: str | None = None) -> str:
        params = request.GET.copy()
        params.pop("page", None)
        if value is None:
            params.pop(key, None)
        else:
            params.setlist(key, [v for v in params.getlist(key) if v != value])
        query = params.urlencode()
        return reverse("catalog:product_list") + (f"?{query}" if query else "")

    if data.get("q"):
        chips.append({"label": _("“%(q)s”") % {"q": data["q"]}, "url": without("q")})
    if data.get("kategori"):
        node = category_tree().by_slug(data["kategori"])
        chips.append({"label": node.name if node else data["kategori"], "url": without("kategori")})
    if data.get("harga_min") is not None:
        chips.append(
            {"label": _("≥ %(p)s") % {"p": format_rupiah(data["harga_min"])}, "url": without("harga_min")}
        )
    if data.get("harga_max") is not None:
        chips.append(
            {"label": _("≤ %(p)s") % {"p": format_rupiah(data["harga_max"])}, "url": without("harga_max")}
        )
    if data.get("penyedia"):
        name = (
            Vendor.objects.public()
            .filter(slug=data["penyedia"])
            .values_list("business_name", flat=True)
            .first()
        )
        chips.append({"label": name or data["penyedia"], "url": without("penyedia")})
    if data.get("kecamatan"):
        chips.append({"label": _("Kec. %(k)s") % {"k": data["kecamatan"]}, "url": without("kecamatan")})
    scale_labels = dict(BusinessScale.choices)
    for value in data.get("skala") or []:
        chips.append({"label": scale_labels.get(value, value), "url": without("skala", value)})
    if data.get("tkdn_min") is not None:
        chips.append({"label": _("TKDN ≥ %(t)s%%") % {"t": data["tkdn_min"]}, "url": without("tkdn_min")})
    if data.get("sertifikat"):
        labels = dict(VendorDocument.Kind.choices)
        chips.append(
            {"label": labels.get(data["sertifikat"], data["sertifikat"]), "url": without("sertifikat")}
        )
    if data.get("stok"):
        chips.append({"label": _("Stok cukup"), "url": without("stok")})
    return chips


def product_list(request: HttpRequest) -> HttpResponse:
    """The catalogue with search and filters; its body is cached per query string.

    The cache is read before any query runs; on a miss the filters, count and page are
    computed and the body rendered once for every visitor asking the same URL.
    """

    def build() -> dict:
        filterset = ProductFilter(request.GET or None, queryset=public_products(), request=request)
        filterset.form.label_suffix = ""
        products = filterset.qs
        # The whole catalogue's size is already counted (and cached) for the home page: show it exactly.
        unfiltered = all(key in ("urut", "page") for key in request.GET)
        known = public_product_count() if unfiltered else None
        page_obj = CappedPaginator(products, PAGE_SIZE, known_count=known).get_page(request.GET.get("page"))
        _attach_certificate_badges(page_obj.object_list)
        # Hidden inputs that keep the current filters when only the sort changes.
        keep_params = [(key, value) for key, value in request.GET.lists() if key not in ("urut", "page")]
        search_text = filterset.search_text
        context = {
            "filter": filterset,
            "form": filterset.form,
            "page_obj": page_obj,
            "products": page_obj.object_list,
            "chips": _active_filter_chips(request, filterset),
            "sort": filterset.sort,
            "explicit_sort": getattr(filterset.form, "cleaned_data", {}).get("urut", "")
            if filterset.is_bound
            else "",
            "sort_choices": Sort.choices,
            "keep_params": [(key, v) for key, values in keep_params for v in values],
            "has_errors": filterset.is_bound and bool(filterset.form.errors),
            "search_text": search_text,
        }
        title = (
            _("Hasil “%(search_text)s”") % {"search_text": search_text}
            if search_text
            else _("Katalog produk")
        )
        return {
            "title": title,
            "body": render_fragment("catalog/public/_product_list_body.html", context, request),
        }

    fragment = cached_fragment("list", _query_params(request), build)
    page = {"title": fragment["title"], "body": mark_safe(fragment["body"])}
    return render(request, "catalog/public/product_list.html", {"page": page})


def _attach_certificate_badges(products) -> None:
    """Each product gets its vendor's verified, valid certificates (one query for the page)."""
    products = list(products)
    badges = badges_for_vendors({p.vendor_id for p in products}) if products else {}
    for product in products:
        product.certificate_badges = badges.get(product.vendor_id, [])


def _query_params(request: HttpRequest) -> list[tuple[str, tuple[str, ...]]]:
    """Every parameter of the query string with all its values: the identity of a list page."""
    return [(key, tuple(values)) for key, values in request.GET.lists()]


def _normalised_specs(specifications) -> list[tuple[str, str]]:
    """Specifications as (key, value) pairs, whatever shape the JSON has."""
    if isinstance(specifications, dict):
        return [(str(k), str(v)) for k, v in specifications.items()]
    pairs = []
    for item in specifications or []:
        if isinstance(item, list | tuple) and len(item) == 2:
            pairs.append((str(item[0]), str(item[1])))
        elif isinstance(item, dict) and "key" in item:
            pairs.append((str(item["key"]), str(item.get("value", ""))))
    return pairs


def _compare_ids(request: HttpRequest) -> list[int]:
    ids = request.session.get(COMPARE_SESSION_KEY, [])
    return [i for i in ids if isinstance(i, int)][:COMPARE_LIMIT]


# Where the per-visitor forms go in the cached product body (an HTML comment: user text
# in the body is escaped, so it can never contain this marker).
ACTIONS_SLOT = "<!-- catalog:actions -->"


def product_detail(request: HttpRequest, pk: int, slug: str) -> HttpResponse:
    """A product page: the body is cached per product, the buyer's forms are added live."""

    def build() -> dict | None:
        try:
            product = public_product_detail(pk)
        except Product.DoesNotExist:
            return {"missing": True}
        _attach_certificate_badges([product])
        context = {
            "product": product,
            "vendor": product.vendor,
            "photos": list(product.photos.all()),
            "specs": _normalised_specs(product.specifications),
            "price_history": list(product.price_history.all()[:20]),
            "similar": similar_products(product),
            "actions_slot": mark_safe(ACTIONS_SLOT),
        }
        body = render_fragment("catalog/public/_product_body.html", context, request)
        before, after = body.split(ACTIONS_SLOT, 1)
        return {
            "missing": False,
            "title": product.name,
            "url": product.get_absolute_url(),
            "slug": product.slug,
            # What the add-to-cart form needs (stock changes bump the catalogue version).
            "product": {
                "pk": product.pk,
                "stock": product.stock,
                "min_order": product.min_order,
                "unit": product.unit,
            },
            "before_actions": before,
            "after_actions": after,
        }

    page = cached_fragment(f"product:{pk}", (), build)
    if page["missing"]:
        raise Http404(_("Produk tidak ditemukan."))
    if slug != page["slug"]:
        return redirect(page["url"], permanent=True)
    compare_ids = _compare_ids(request)
    context = {
        "page": {
            **page,
            "before_actions": mark_safe(page["before_actions"]),
            "after_actions": mark_safe(page["after_actions"]),
        },
        "product": page["product"],
        "in_compare": pk in compare_ids,
        "compare_count": len(compare_ids),
    }
    return render(request, "catalog/public/product_detail.html", context)


def vendor_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """A vendor's page (profile, rating and product grid), cached per vendor and page.

    A vendor leaving the public catalogue, and a new rating, bump the catalogue version.
    """

    def build() -> dict:
        vendor = Vendor.objects.public().select_related("kecamatan", "kelurahan").filter(slug=slug).first()
        if vendor is None:
            return {"missing": True}
        page_obj = CappedPaginator(vendor_public_products(vendor), PAGE_SIZE).get_page(
            request.GET.get("page")
        )
        context = {"vendor": vendor, "page_obj": page_obj, "products": page_obj.object_list}
        return {
            "missing": False,
            "title": vendor.business_name,
            "body": render_fragment("catalog/public/_vendor_body.html", context, request),
        }

    fragment = cached_fragment("vendor", [("slug", (slug,)), *_query_params(request)], build)
    if fragment["missing"]:
        raise Http404(_("Penyedia tidak ditemukan."))
    page = {"title": fragment["title"], "body": mark_safe(fragment["body"])}
    return render(request, "catalog/public/vendor_detail.html", {"page": page})


def compare(request: HttpRequest) -> HttpResponse:
    ids = _compare_ids(request)
    found = {p.pk: p for p in public_products().filter(pk__in=ids)} if ids else {}
    products = [found[i] for i in ids if i in found]
    if len(products) != len(request.session.get(COMPARE_SESSION_KEY, [])):
        # Products that left the catalogue (or bad session data) are dropped.
        request.session[COMPARE_SESSION_KEY] = [p.pk for p in products]
        gone = len(ids) - len(products)
        if gone:
            messages.info(
                request,
                ngettext(
                    "%(n)s produk tidak lagi tayang dan dihapus dari perbandingan.",
                    "%(n)s produk tidak lagi tayang dan dihapus dari perbandingan.",
                    gone,
                )
                % {"n": gone},
            )
    specs = [dict(_normalised_specs(p.specifications)) for p in products]
    spec_keys: list[str] = []
    for product_specs in specs:
        for key in product_specs:
            if key not in spec_keys:
                spec_keys.append(key)
    spec_rows = [(key, [s.get(key, "–") for s in specs]) for key in spec_keys]
    context = {"products": products, "spec_rows": spec_rows, "limit": COMPARE_LIMIT}
    return render(request, "catalog/public/compare.html", context)


@require_POST
def compare_toggle(request: HttpRequest) -> HttpResponse:
    """Add a product to (or remove it from) the comparison kept in the session."""
    next_url = safe_next_url(request, reverse("catalog:compare"))
    product_id = parse_id(request.POST.get("product"))
    if product_id is None:
        messages.error(request, _("Produk tidak valid."))
        return redirect(next_url)
    ids = _compare_ids(request)
    if product_id in ids:
        ids.remove(product_id)
        messages.info(request, _("Produk dihapus dari perbandingan."))
    elif request.POST.get("action") == "remove":
        pass
    else:
        name = Product.objects.public().filter(pk=product_id).values_list("name", flat=True).first()
        if name is None:
            raise Http404(_("Produk tidak ditemukan."))
        if len(ids) >= COMPARE_LIMIT:
            messages.warning(
                request,
                _(
                    "Perbandingan sudah berisi %(n)s produk (maksimal). "
                    "Hapus salah satu dulu untuk menambahkan “%(name)s”."
                )
                % {"n": COMPARE_LIMIT, "name": name},
            )
            return redirect(next_url)
        ids.append(product_id)
        messages.success(
            request,
            _("“%(name)s” ditambahkan ke perbandingan (%(n)s/%(max)s).")
            % {"name": name, "n": len(ids), "max": COMPARE_LIMIT},
        )
    request.session[COMPARE_SESSION_KEY] = ids
    return redirect(next_url)
