from django.urls import path

from onboarding import views as onboarding

from .views import curation, public, vendor

app_name = "catalog"

urlpatterns = [
    # Public catalogue (no login)
    path("", public.home, name="home"),
    path("produk/", public.product_list, name="product_list"),
    path("produk/<int:pk>/<slug:slug>/", public.product_detail, name="product_detail"),
    path("penyedia/<slug:slug>/", public.vendor_detail, name="vendor_detail"),
    path("bandingkan/", public.compare, name="compare"),
    path("bandingkan/ubah/", public.compare_toggle, name="compare_toggle"),
    # Vendor (penyedia) self-service
    # Registration in steps lives in the onboarding app; the first step keeps this name and address.
    path("daftar/", onboarding.register, name="vendor_register"),
    path("usaha/", vendor.home, name="vendor_home"),
    path("usaha/profil/", vendor.profile_edit, name="vendor_profile_edit"),
    path(
        "usaha/profil/perubahan/<int:pk>/batalkan/",
        vendor.change_request_withdraw,
        name="change_request_withdraw",
    ),
    path("usaha/dokumen/", vendor.documents, name="vendor_documents"),
    path("usaha/dokumen/<int:pk>/hapus/", vendor.document_delete, name="vendor_document_delete"),
    path("dokumen/<int:pk>/unduh/", vendor.document_download, name="document_download"),
    path("usaha/produk/", vendor.product_list, name="vendor_products"),
    path("usaha/produk/baru/", vendor.product_create, name="product_create"),
    path("usaha/produk/impor/", vendor.product_import, name="product_import"),
    path("usaha/produk/impor/template.<str:fmt>", vendor.import_template, name="import_template"),
    path("usaha/produk/impor/<int:pk>/", vendor.product_import_job, name="product_import_job"),
    path(
        "usaha/produk/impor/<int:pk>/status.json", vendor.product_import_status, name="product_import_status"
    ),
    path("usaha/produk/<int:pk>/", vendor.product_edit, name="product_edit"),
    path("usaha/produk/<int:pk>/foto/", vendor.product_photos, name="product_photos"),
    path("usaha/produk/<int:pk>/foto/<int:photo_pk>/hapus/", vendor.photo_delete, name="photo_delete"),
    path("usaha/produk/<int:pk>/ajukan/", vendor.product_submit, name="product_submit"),
    path("usaha/produk/<int:pk>/nonaktifkan/", vendor.product_deactivate, name="product_deactivate"),
    # BPBJ: vendor verification and product curation
    path("bpbj/penyedia/", curation.vendor_queue, name="vendor_queue"),
    path("bpbj/penyedia/<int:pk>/", curation.vendor_review, name="vendor_review"),
    path("bpbj/perubahan-data/", curation.change_request_queue, name="change_request_queue"),
    path("bpbj/perubahan-data/<int:pk>/", curation.change_request_decide, name="change_request_decide"),
    path("bpbj/kurasi/", curation.curation_queue, name="curation_queue"),
    path("bpbj/kurasi/massal/", curation.bulk_approve, name="bulk_approve"),
    path("bpbj/kurasi/foto/", curation.photo_queue, name="photo_queue"),
    path("bpbj/kurasi/foto/<int:pk>/", curation.photo_decide, name="photo_decide"),
    path("bpbj/kurasi/<int:pk>/", curation.product_review, name="product_review"),
]
