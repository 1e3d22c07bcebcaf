from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.static import serve

from accounts.urls import auth_urlpatterns
from ecatalog import middleware

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("akun/", include(auth_urlpatterns)),
    path("akun/beranda/", include("accounts.urls")),
    path("pengadaan/", include("procurement.urls")),
    path("mini-kompetisi/", include("competition.urls")),
    path("indeks/", include("opd_scoring.urls")),
    path("data/", include("opendata.urls")),
    path("", include("documents.urls")),
    path("", include("onboarding.urls")),
    path("belanja-luar-katalog/", include("leakage.urls")),
    path("", include("catalog.urls")),
]

if settings.SERVE_MEDIA:
    # Single-box installs serve uploads from Django; larger ones use nginx or S3 (docs/DEPLOY.md).
    urlpatterns += [re_path(r"^media/(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT})]

if settings.BENCH_VIEWS:
    # The database-free ceiling page for bench/run.py; never routed unless BENCH_VIEWS=1.
    from ecatalog import bench_views

    urlpatterns.insert(0, path("bench/polos/", bench_views.bare, name="bench_bare"))

# Error pages rendered without the database or session (a DB outage answers 503).
handler403 = middleware.permission_denied
handler404 = middleware.page_not_found
handler500 = middleware.server_error
