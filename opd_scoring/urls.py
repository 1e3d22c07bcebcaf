from django.urls import path, re_path

from . import views

app_name = "opd_scoring"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("opd-saya/", views.my_opd, name="my_opd"),
    path("opd/<str:code>/", views.opd_detail, name="opd_detail"),
    re_path(r"^unduh/peringkat\.(?P<fmt>csv|xlsx)$", views.ranking_download, name="ranking_download"),
    re_path(
        r"^unduh/transaksi\.(?P<fmt>csv|xlsx)$", views.transactions_download, name="transactions_download"
    ),
]
