"""Filters of the open data API: the catalogue's own FilterSets, strict where a browser form is lenient.

A catalogue page reads a ticked checkbox as ``stok=on`` and anything else as "ticked"; an API
client sends ``true`` or ``false``, and anything else (``stok=null``) is an error rather than a
guess. Everything else is inherited, so an API URL and a catalogue URL filter the same way.
"""

from __future__ import annotations

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from catalog.filters import ProductFilter
from procurement.models import Order

from . import ocds

MIN_YEAR = 2000
MAX_YEAR = 2100


class StrictBooleanField(forms.Field):
    """``true`` or ``false`` (any case); empty means "not given"; anything else is invalid."""

    default_error_messages = {"invalid": _("Isi dengan true atau false.")}

    def to_python(self, value):
        if value in (None, ""):
            return None
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text == "true":
            return True
        if text == "false":
            return False
        raise ValidationError(self.error_messages["invalid"], code="invalid")


class StrictBooleanFilter(django_filters.BooleanFilter):
    field_class = StrictBooleanField


class IntegerFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField


class ApiProductFilter(ProductFilter):
    stok = StrictBooleanFilter(label=_("Hanya yang stoknya cukup"), method="filter_stok")


class OcdsRecordFilter(django_filters.FilterSet):
    """Filters of the OCDS record list: when the order was sent (Jakarta days), OPD code, fiscal year."""

    dari = django_filters.DateFilter(
        label=_("Tanggal pesanan dikirim ke penyedia, mulai (YYYY-MM-DD, WIB)"),
        method="filter_noop",
        input_formats=["%Y-%m-%d"],
    )
    sampai = django_filters.DateFilter(
        label=_("Tanggal pesanan dikirim ke penyedia, sampai (YYYY-MM-DD, WIB)"),
        method="filter_noop",
        input_formats=["%Y-%m-%d"],
    )
    opd = django_filters.CharFilter(label=_("Kode OPD pembeli"), method="filter_noop", max_length=30)
    tahun = IntegerFilter(
        label=_("Tahun anggaran"), method="filter_noop", min_value=MIN_YEAR, max_value=MAX_YEAR
    )

    class Meta:
        model = Order
        fields: list[str] = []

    def filter_noop(self, queryset, name, value):
        # All four go through ocds.filter_orders together, in filter_queryset.
        return queryset

    def filter_queryset(self, queryset):
        data = self.form.cleaned_data
        return ocds.filter_orders(
            queryset,
            date_from=data.get("dari"),
            date_to=data.get("sampai"),
            opd_code=(data.get("opd") or "").strip(),
            fiscal_year=int(data["tahun"]) if data.get("tahun") is not None else None,
        )
