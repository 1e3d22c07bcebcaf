"""What the public API shows of products, categories and vendors: explicit fields only.

Public vendor fields: business name, slug, NIB, scale, kecamatan, desa/kelurahan,
description, verification date and product count. Never: the owner's name, phone, email,
street address, NPWP or bank details (docs/API.md). Naming each field here means nothing
private can slip in when a model gains a column.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from catalog.models import BusinessScale


class JakartaDateTimeField(serializers.DateTimeField):
    """ISO 8601 in Asia/Jakarta (the site's TIME_ZONE), to the second."""

    def to_representation(self, value):
        return timezone.localtime(value).isoformat(timespec="seconds") if value else None


class RupiahField(serializers.IntegerField):
    """Whole Rupiah as a JSON integer (MoneyField holds a Decimal)."""

    def to_representation(self, value):
        return int(value)


def _absolute(request, url: str) -> str:
    return request.build_absolute_uri(url)


class CategoryRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    slug = serializers.CharField()
    name = serializers.CharField()


class VendorBriefSerializer(serializers.Serializer):
    slug = serializers.CharField()
    business_name = serializers.CharField()
    scale = serializers.ChoiceField(choices=BusinessScale.choices)
    is_umk = serializers.BooleanField()
    kecamatan = serializers.CharField(source="kecamatan.name")
    url = serializers.SerializerMethodField()
    api_url = serializers.SerializerMethodField()

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, vendor) -> str:
        return _absolute(self.context["request"], vendor.get_absolute_url())

    @extend_schema_field(OpenApiTypes.URI)
    def get_api_url(self, vendor) -> str:
        return _absolute(self.context["request"], reverse("opendata:api_vendor_detail", args=[vendor.slug]))


class VendorSerializer(VendorBriefSerializer):
    nib = serializers.CharField(help_text="Nomor Induk Berusaha (13 digit)")
    is_local = serializers.BooleanField()
    kelurahan = serializers.CharField(source="kelurahan.name")
    description = serializers.CharField()
    verified_at = JakartaDateTimeField(allow_null=True)
    product_count = serializers.IntegerField(help_text="Jumlah produk tayang")
    products_api_url = serializers.SerializerMethodField()

    @extend_schema_field(OpenApiTypes.URI)
    def get_products_api_url(self, vendor) -> str:
        url = reverse("opendata:api_product_list") + f"?penyedia={vendor.slug}"
        return _absolute(self.context["request"], url)


class ProductSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    name = serializers.CharField()
    slug = serializers.CharField()
    url = serializers.SerializerMethodField()
    api_url = serializers.SerializerMethodField()
    unit = serializers.CharField()
    price = RupiahField(help_text="Harga satuan, Rupiah bulat")
    currency = serializers.SerializerMethodField()
    min_order = serializers.IntegerField()
    stock = serializers.IntegerField()
    in_stock = serializers.BooleanField(help_text="Stok mencukupi minimal pesan")
    lead_time_days = serializers.IntegerField()
    tkdn = serializers.FloatField(help_text="Tingkat Komponen Dalam Negeri (%)")
    category = CategoryRefSerializer()
    vendor = VendorBriefSerializer()
    thumbnail = serializers.SerializerMethodField()
    published_at = JakartaDateTimeField(allow_null=True)

    def _photos(self, product) -> list:
        photos = getattr(product, "first_photos", None)
        if photos is not None:
            return photos
        if "photos" in getattr(product, "_prefetched_objects_cache", {}):
            return list(product.photos.all())  # the selectors prefetch public_photos()
        # Only curated photos are public, whichever queryset the product came from.
        from catalog.selectors import public_photos

        return list(public_photos().filter(product=product))

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, product) -> str:
        return _absolute(self.context["request"], product.get_absolute_url())

    @extend_schema_field(OpenApiTypes.URI)
    def get_api_url(self, product) -> str:
        return _absolute(self.context["request"], reverse("opendata:api_product_detail", args=[product.pk]))

    @extend_schema_field({"type": "string", "enum": ["IDR"]})
    def get_currency(self, product) -> str:
        return "IDR"

    @extend_schema_field({"type": "string", "format": "uri", "nullable": True})
    def get_thumbnail(self, product) -> str | None:
        photos = self._photos(product)
        return _absolute(self.context["request"], photos[0].thumbnail.url) if photos else None


class PriceChangeSerializer(serializers.Serializer):
    old_price = RupiahField()
    new_price = RupiahField()
    changed_at = JakartaDateTimeField()


class ProductDetailSerializer(ProductSerializer):
    description = serializers.CharField()
    specifications = serializers.ListField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text="Pasangan [nama, nilai]",
    )
    photos = serializers.SerializerMethodField()
    price_history = PriceChangeSerializer(many=True, source="price_history.all")

    @extend_schema_field({"type": "array", "items": {"type": "string", "format": "uri"}})
    def get_photos(self, product) -> list[str]:
        request = self.context["request"]
        return [_absolute(request, photo.image.url) for photo in self._photos(product)]


class CategoryNodeSerializer(serializers.Serializer):
    """One node of the category tree (built as plain dicts by the view)."""

    id = serializers.IntegerField()
    slug = serializers.CharField()
    name = serializers.CharField()
    product_count = serializers.IntegerField(help_text="Produk tayang di kategori ini dan di bawahnya")
    products_api_url = serializers.URLField()
    children = serializers.SerializerMethodField(help_text="Sub-kategori")

    @extend_schema_field({"type": "array", "items": {"$ref": "#/components/schemas/CategoryNode"}})
    def get_children(self, node) -> list:
        return node["children"]


class CategoryTreeSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = CategoryNodeSerializer(many=True)


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()
    errors = serializers.DictField(
        required=False,
        child=serializers.ListField(child=serializers.DictField()),
        help_text="Per parameter: daftar {message, code}",
    )
