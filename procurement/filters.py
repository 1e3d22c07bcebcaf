"""FilterSets of the OPD order list and the vendor inbox."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from catalog.models import Vendor

from .models import OPD, Order, OrderStatus


class OrderFilter(django_filters.FilterSet):
    """Filters shared by the OPD list and the vendor inbox; choice lists only show what the user may see."""

    q = django_filters.CharFilter(method="search", label=_("Nomor pesanan / SP"))
    status = django_filters.ChoiceFilter(
        choices=OrderStatus.choices, label=_("Status"), empty_label=_("Semua")
    )
    date_from = django_filters.DateFilter(
        field_name="created_at",
        lookup_expr="date__gte",
        label=_("Dari tanggal"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    date_to = django_filters.DateFilter(
        field_name="created_at",
        lookup_expr="date__lte",
        label=_("Sampai tanggal"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    vendor = django_filters.ModelChoiceFilter(
        queryset=Vendor.objects.none(), label=_("Penyedia"), empty_label=_("Semua")
    )
    opd = django_filters.ModelChoiceFilter(
        queryset=OPD.objects.none(), label=_("OPD"), empty_label=_("Semua")
    )

    class Meta:
        model = Order
        fields = ["q", "status", "date_from", "date_to", "vendor", "opd"]

    def __init__(self, *args, visible=None, **kwargs):
        super().__init__(*args, **kwargs)
        visible = visible if visible is not None else self.queryset
        # Only vendors/OPDs that appear on the user's own orders: small lists, no leak.
        self.filters["vendor"].queryset = Vendor.objects.filter(
            pk__in=visible.values("vendor_id").distinct()
        ).order_by("business_name")
        self.filters["opd"].queryset = OPD.objects.filter(
            pk__in=visible.values("opd_id").distinct()
        ).order_by("name")

    def search(self, queryset, name, value):
        value = value.strip()[:60]
        if not value:
            return queryset
        return queryset.filter(Q(number__icontains=value) | Q(sp_number__icontains=value))
