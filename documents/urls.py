from django.urls import path

from . import views

app_name = "documents"

urlpatterns = [
    path("verifikasi/", views.lookup, name="lookup"),
    path("verifikasi/<str:code>/", views.verify, name="verify"),
    path("pengadaan/pesanan/<int:pk>/dokumen/<int:document_pk>/", views.download, name="download"),
    path("pengadaan/pesanan/<int:pk>/paket-audit/", views.audit_pack_download, name="audit_pack"),
]
