"""Project-wide middleware and error pages.

Error pages never touch the database or the session: they are rendered from
``templates/<code>.html`` (extending the database-free ``error_base.html``)
without a request context, so no context processor runs. That way the page
saying "the database is down" cannot itself fail because the database is down.
"""

import logging
import sys

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template.loader import render_to_string

from .db_router import replica_configured, replica_reads

logger = logging.getLogger("ecatalog.errors")

DATABASE_ERRORS = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 30


def render_error_page(status: int, request=None) -> HttpResponse:
    """The friendly page for ``status`` with no database, session or context processor involved."""
    try:
        context = {"status": status, "CITY_NAME": settings.CITY_NAME, "AGENCY_NAME": settings.AGENCY_NAME}
        body = render_to_string(f"{status}.html", context)
    except Exception:  # a broken template must not turn an error page into a traceback
        logger.exception("error template %s.html failed", status)
        body = f"<!doctype html><title>{status}</title><h1>{status}</h1>"
    response = HttpResponse(body, status=status)
    response["Cache-Control"] = "no-store"
    if status == 503:
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def database_unavailable(request=None) -> HttpResponse:
    return render_error_page(503, request)


class DatabaseUnavailableMiddleware:
    """Turns a lost database connection inside a view or its template into a 503 with Retry-After.

    Errors raised in *other* middleware (a session saved after the view) never reach this
    one: Django turns them into a 500 first, and :func:`server_error` (``handler500``)
    answers those with the same 503 page.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, DATABASE_ERRORS):
            logger.warning("database unavailable on %s: %s", request.path, exception)
            return database_unavailable(request)
        return None


class ReplicaRoutingMiddleware:
    """Lets public GET pages read from the replica; pins a browser to the primary after it writes."""

    PIN_COOKIE = "baca_utama"
    SAFE_METHODS = ("GET", "HEAD")
    # The public catalogue and the dashboard (exact "/" is the catalogue's front page).
    REPLICA_PATH_PREFIXES = ("/produk/", "/penyedia/", "/bandingkan/", "/indeks/", "/data/")

    def __init__(self, get_response):
        self.get_response = get_response

    def _wants_replica(self, request) -> bool:
        if request.method not in self.SAFE_METHODS or request.COOKIES.get(self.PIN_COOKIE):
            return False
        path = request.path_info
        return path == "/" or path.startswith(self.REPLICA_PATH_PREFIXES)

    def __call__(self, request):
        if not replica_configured():
            return self.get_response(request)
        with replica_reads(self._wants_replica(request)):
            # Template responses are rendered inside get_response, so inside this block too.
            response = self.get_response(request)
        if request.method not in self.SAFE_METHODS:
            response.set_cookie(
                self.PIN_COOKIE,
                "1",
                max_age=settings.REPLICA_PIN_SECONDS,
                httponly=True,
                samesite="Lax",
                secure=settings.SESSION_COOKIE_SECURE,
            )
        return response


# handler404/403/500 (ecatalog/urls.py): same pages, no database.


def page_not_found(request, exception=None):
    return render_error_page(404, request)


def permission_denied(request, exception=None):
    return render_error_page(403, request)


def server_error(request):
    """``handler500``: a database error raised outside a view (middleware) still gets the 503 page."""
    exc = sys.exc_info()[1]
    if isinstance(exc, DATABASE_ERRORS):
        return database_unavailable(request)
    return render_error_page(500, request)


class IndonesianByDefaultMiddleware:
    """Indonesian unless the user picked another language with the switcher.

    LocaleMiddleware would otherwise follow the browser's Accept-Language, and
    many officials' phones and browsers are set to English; the choice made
    with the footer switcher (the language cookie) still wins.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)
