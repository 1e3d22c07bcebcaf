from django.contrib.auth import views as auth_views
from django.urls import include, path

from ecatalog.security import throttle_posts

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
    # Before the include so it wins: each POST sends an e-mail, so it is limited per address.
    path(
        "password_reset/",
        throttle_posts(
            "password_reset",
            limit_setting="PASSWORD_RESET_RATE_LIMIT",
            window_setting="PASSWORD_RESET_RATE_WINDOW",
        )(auth_views.PasswordResetView.as_view()),
        name="password_reset",
    ),
    path("", include("django.contrib.auth.urls")),
]
