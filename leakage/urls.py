from django.urls import path, re_path

from . import views

app_name = "leakage"

urlpatterns = [
    path("", views.leakage_map, name="map"),
    path("impor/", views.import_list, name="import_list"),
    path("impor/<int:pk>/", views.import_detail, name="import_detail"),
    path("impor/<int:pk>/status/", views.import_status, name="import_status"),
    re_path(r"^impor/templat\.(?P<fmt>csv|xlsx)$", views.import_template, name="import_template"),
]
