"""Filters of the public catalogue (django-filter).

Every parameter is a short Indonesian word so a filtered list is a readable,
shareable URL: ``/produk/?q=keripik&kategori=olahan-apel&harga_max=50000&urut=harga``.
Invalid values never fail the page: the field shows its error and is ignored.
"""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import F, QuerySet
from django.utils.translation import gettext_lazy as _

from ecatalog.numbers import LocalDecimalField

from .models import BusinessScale, Product, Vendor, VendorDocument
from .search import MAX_QUERY_LENGTH, search_products
from .selectors import category_tree, kecamatan_ids
from .widgets import QuickSelect

MAX_PRICE = 10**15


class Sort:
    RELEVANCE = "relevan"
    PRICE_ASC = "harga"
    PRICE_DESC = "-harga"
    NEWEST = "terbaru"

    choices = [
        (RELEVANCE, _("Paling relevan")),
        (NEWEST, _("Terbaru")),
        (PRICE_ASC, _("Harga terendah")),
        (PRICE_DESC, _("Harga tertinggi")),
    ]


SORT_ORDER = {
    Sort.NEWEST: ("-published_at", "-id"),
    Sort.PRICE_ASC: ("price", "-id"),
    Sort.PRICE_DESC: ("-price", "-id"),
}


def category_choices():
    """Categories in tree order, sub-categories indented (the tree is cached)."""
    return [(node.slug, "\u2003" * node.depth + node.name) for node in category_tree().ordered]


def certificate_choices():
    from .certificates import BADGE_KINDS

    labels = dict(VendorDocument.Kind.choices)
    return [(kind, labels[kind]) for kind in BADGE_KINDS]


def kecamatan_choices():
    return [(name, name) for name in kecamatan_ids()]


class LocalNumberFilter(django_filters.NumberFilter):
    """A number filter that reads "25.000" and "45,5" the Indonesian way."""

    field_class = LocalDecimalField


class ProductFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Kata kunci"),
        method="filter_noop",
        max_length=MAX_QUERY_LENGTH,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("mis. keripik apel")}),
    )
    kategori = django_filters.ChoiceFilter(
        label=_("Kategori"),
        choices=category_choices,
        method="filter_kategori",
        empty_label=_("Semua kategori"),
        widget=QuickSelect,
    )
    harga_min = LocalNumberFilter(
        label=_("Harga minimal (Rp)"),
        field_name="price",
        lookup_expr="gte",
        min_value=0,
        max_value=MAX_PRICE,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    harga_max = LocalNumberFilter(
        label=_("Harga maksimal (Rp)"),
        field_name="price",
        lookup_expr="lte",
        min_value=0,
        max_value=MAX_PRICE,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    # A vendor is chosen from its page or a product card, never from a list of every vendor.
    penyedia = django_filters.CharFilter(
        label=_("Penyedia"), field_name="vendor__slug", max_length=220, widget=forms.HiddenInput
    )
    # Choices from a cached list (300 kecamatan at national size: a query per page otherwise).
    kecamatan = django_filters.ChoiceFilter(
        label=_("Kecamatan penyedia"),
        choices=kecamatan_choices,
        method="filter_kecamatan",
        empty_label=_("Semua kecamatan"),
        widget=QuickSelect,
    )
    skala = django_filters.MultipleChoiceFilter(
        label=_("Skala usaha"),
        field_name="vendor_scale",
        choices=BusinessScale.choices,
        distinct=False,
        widget=forms.CheckboxSelectMultiple,
    )
    tkdn_min = LocalNumberFilter(
        label=_("TKDN minimal (%)"),
        field_name="tkdn",
        lookup_expr="gte",
        min_value=0,
        max_value=100,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    # Verified certificates that have not expired (catalog.certificates).
    sertifikat = django_filters.ChoiceFilter(
        label=_("Sertifikat penyedia"),
        choices=certificate_choices,
        method="filter_sertifikat",
        empty_label=_("Semua"),
    )
    stok = django_filters.BooleanFilter(
        label=_("Hanya yang stoknya cukup"), method="filter_stok", widget=forms.CheckboxInput
    )
    urut = django_filters.ChoiceFilter(
        label=_("Urutkan"), choices=Sort.choices, method="filter_noop", empty_label=None
    )

    class Meta:
        model = Product
        fields: list[str] = []

    def filter_noop(self, queryset, name, value):
        # q and urut are applied together in filter_queryset (ranking depends on the sort).
        return queryset

    def filter_sertifikat(self, queryset, name, value: str):
        from .certificates import valid_documents

        return queryset.filter(vendor_id__in=valid_documents().filter(kind=value).values("vendor_id"))

    def filter_kategori(self, queryset, name, value: str):
        node = category_tree().by_slug(value)
        if node is None:
            return queryset.none()
        return queryset.filter(category_id__in=category_tree().descendant_ids(node.id))

    def filter_kecamatan(self, queryset, name, value: str):
        return queryset.filter(vendor_kecamatan_id=kecamatan_ids().get(value))

    def filter_stok(self, queryset, name, value):
        if value:
            return queryset.filter(stock__gte=F("min_order"))
        return queryset

    @property
    def search_text(self) -> str:
        if not self.is_bound or not hasattr(self.form, "cleaned_data"):
            return ""
        return (self.form.cleaned_data.get("q") or "").strip()

    @property
    def sort(self) -> str:
        data = getattr(self.form, "cleaned_data", {}) if self.is_bound else {}
        sort = data.get("urut") or ""
        if not sort:
            return Sort.RELEVANCE if self.search_text else Sort.NEWEST
        return sort

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        queryset = super().filter_queryset(queryset)
        q, sort = self.search_text, self.sort
        if q:
            queryset = search_products(queryset, q, ranked=sort == Sort.RELEVANCE)
        if sort in SORT_ORDER:
            queryset = queryset.order_by(*SORT_ORDER[sort])
        elif not q:
            queryset = queryset.order_by(*SORT_ORDER[Sort.NEWEST])
        return queryset


class VendorFilter(django_filters.FilterSet):
    """Filters of the public vendor list (the open data API)."""

    q = django_filters.CharFilter(
        label=_("Bagian dari nama usaha"), field_name="business_name", lookup_expr="icontains", max_length=100
    )
    kecamatan = django_filters.ChoiceFilter(
        label=_("Kecamatan penyedia"), choices=kecamatan_choices, method="filter_kecamatan"
    )
    skala = django_filters.MultipleChoiceFilter(
        label=_("Skala usaha"), field_name="scale", choices=BusinessScale.choices, distinct=False
    )

    class Meta:
        model = Vendor
        fields: list[str] = []

    def filter_kecamatan(self, queryset, name, value: str):
        return queryset.filter(kecamatan_id=kecamatan_ids().get(value))
