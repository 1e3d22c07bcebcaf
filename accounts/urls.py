from django.contrib.auth import views as auth_views
from django.urls import include, path

from . import views

app_name = "accounts"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
]

# Django's own login/logout/password views keep their global names
# (login, logout, password_change, password_reset, ...).
auth_urlpatterns = [
    path("masuk/", auth_views.LoginView.as_view(), name="login"),
    path("keluar/", auth_views.LogoutView.as_view(), name="logout"),
    path("", include("django.contrib.auth.urls")),
]
