from django.urls import path

from . import views

app_name = "competition"

urlpatterns = [
    path("", views.competition_list, name="list"),
    path("baru/", views.competition_start, name="start"),
    path("<int:pk>/", views.competition_detail, name="detail"),
    path("<int:pk>/aksi/<slug:action>/", views.competition_action, name="action"),
    path("<int:pk>/data.json", views.competition_json, name="json"),
    path("<int:pk>/ocds.json", views.competition_ocds, name="ocds"),
    path("peluang/", views.opportunities, name="opportunities"),
]
