from django.urls import path, re_path

from . import api, views

app_name = "opendata"

urlpatterns = [
    path("", views.index, name="index"),
    # OCDS publication (public)
    path("ocds/records/", views.RecordList.as_view(), name="ocds_record_list"),
    path("ocds/records/<str:ocid>/", views.RecordPackage.as_view(), name="ocds_record_package"),
    path("ocds/releases/<str:ocid>/", views.ReleasePackage.as_view(), name="ocds_release_package"),
    path("ocds/bulk/<int:year>.jsonl", views.BulkDownload.as_view(), name="ocds_bulk"),
    path("ocds/ekstensi/katalog-lokal/<str:name>", views.extension_file, name="ocds_extension"),
    # Catalogue read API (public); its OpenAPI document is generated from these views.
    path("api/openapi.json", api.OpenApiSpec.as_view(), name="openapi"),
    path("api/docs/", api.docs, name="api_docs"),
    path("api/products/", api.ProductList.as_view(), name="api_product_list"),
    path("api/products/<int:id>/", api.ProductDetail.as_view(), name="api_product_detail"),
    path("api/categories/", api.CategoryList.as_view(), name="api_category_list"),
    path("api/vendors/", api.VendorList.as_view(), name="api_vendor_list"),
    path("api/vendors/<slug:slug>/", api.VendorDetail.as_view(), name="api_vendor_detail"),
    # Anything else under api/ or ocds/ (a malformed id, a misspelt path) is a JSON 404.
    re_path(r"^(?:api|ocds)/", api.json_not_found),
    # Red flags (BPBJ)
    path("tanda-bahaya/", views.red_flags, name="red_flags"),
    path("tanda-bahaya/periksa/", views.red_flag_review, name="red_flag_review"),
]
