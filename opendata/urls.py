from django.urls import path

from . import api, views

app_name = "opendata"

urlpatterns = [
    path("", views.index, name="index"),
    # OCDS publication (public)
    path("ocds/records/", views.record_list, name="ocds_record_list"),
    path("ocds/records/<str:ocid>/", views.record_package, name="ocds_record_package"),
    path("ocds/releases/<str:ocid>/", views.release_package, name="ocds_release_package"),
    path("ocds/bulk/<int:year>.jsonl", views.bulk_download, name="ocds_bulk"),
    # Catalogue read API (public)
    path("api/openapi.json", views.openapi, name="openapi"),
    path("api/products/", api.product_list, name="api_product_list"),
    path("api/products/<int:pk>/", api.product_detail, name="api_product_detail"),
    path("api/categories/", api.category_list, name="api_category_list"),
    path("api/vendors/", api.vendor_list, name="api_vendor_list"),
    path("api/vendors/<slug:slug>/", api.vendor_detail, name="api_vendor_detail"),
    # Red flags (BPBJ)
    path("tanda-bahaya/", views.red_flags, name="red_flags"),
]
