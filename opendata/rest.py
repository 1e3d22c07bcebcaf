"""The REST framework plumbing of the open data API, named in settings.REST_FRAMEWORK.

Kept apart from the views: DRF imports these classes while ``rest_framework.views`` is
still loading, so this module must not import views or generics.
"""

from __future__ import annotations

import math

from django import forms
from django.conf import settings
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.pagination import PageNumberPagination
from rest_framework.throttling import AnonRateThrottle

from ecatalog.security import client_ip

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
MAX_PAGE = 10**6


# --- Errors -----------------------------------------------------------------------------


class InvalidParameters(exceptions.APIException):
    status_code = 400
    default_detail = gettext_lazy("Parameter tidak valid.")
    default_code = "invalid"

    def __init__(self, errors: dict):
        super().__init__()
        self.errors = errors


def _error_body(detail, errors: dict | None = None) -> dict:
    body = {"detail": str(detail)}
    if errors:
        body["errors"] = errors
    return body


def exception_handler(exc, context):
    """DRF's handler, with every error answered as ``{"detail", "errors"?}`` in Indonesian."""
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(str(exc) or _("Tidak ditemukan."))
    from rest_framework.views import exception_handler as drf_exception_handler

    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, InvalidParameters):
        response.data = _error_body(exc.detail, exc.errors)
    elif isinstance(exc, exceptions.ValidationError):
        response.data = _error_body(_("Parameter tidak valid."), exc.get_full_details())
    elif isinstance(exc, exceptions.Throttled):
        wait = max(1, math.ceil(exc.wait or 1))
        response["Retry-After"] = str(wait)
        response.data = _error_body(
            _("Terlalu banyak permintaan. Coba lagi dalam %(s)d detik.") % {"s": wait}
        )
    elif isinstance(exc, exceptions.MethodNotAllowed):
        response.data = _error_body(
            _("Metode %(method)s tidak diizinkan: data ini hanya-baca (GET, HEAD).")
            % {"method": context["request"].method}
        )
    elif isinstance(exc, exceptions.NotFound):
        response.data = _error_body(exc.detail if str(exc.detail) != "Not found." else _("Tidak ditemukan."))
    else:
        response.data = _error_body(exc.detail)
    return response


# --- Plumbing: who is asking, how often, in which format --------------------------------


class SiteUserAuthentication(BaseAuthentication):
    """The user logged in to the site (Django's session), so they are not throttled.

    No CSRF check: the API has no unsafe method (everything else is 405), so there is
    nothing a forged request could change.
    """

    def authenticate(self, request):
        user = getattr(request._request, "user", None)
        if user is not None and user.is_authenticated and user.is_active:
            return (user, None)
        return None


class AnonymousThrottle(AnonRateThrottle):
    """``API_RATE_LIMIT`` requests per ``API_RATE_LIMIT_WINDOW`` seconds per anonymous address.

    Counted in the default cache, so one count across gunicorn workers once CACHE_URL points
    at Redis. The address is ``ecatalog.security.client_ip``: the socket peer, or nginx's last
    X-Forwarded-For entry behind our proxy (never a client's own header).
    """

    def get_rate(self):
        limit = int(getattr(settings, "API_RATE_LIMIT", 60))
        window = max(1, int(getattr(settings, "API_RATE_LIMIT_WINDOW", 60)))
        return f"{limit}/{window}" if limit > 0 else None

    def parse_rate(self, rate):
        if rate is None:
            return (None, None)
        limit, window = rate.split("/")
        return (int(limit), int(window))

    def get_ident(self, request):
        return client_ip(request)


class JsonNegotiation(BaseContentNegotiation):
    """The API speaks only JSON (or the bulk file's own type): an Accept header never makes it 406."""

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None

    def select_renderer(self, request, renderers, format_suffix=None):
        return (renderers[0], renderers[0].media_type)


# --- Paging and filtering ---------------------------------------------------------------


class PagingForm(forms.Form):
    page = forms.IntegerField(min_value=1, max_value=MAX_PAGE, required=False)
    page_size = forms.IntegerField(min_value=1, max_value=MAX_PAGE, required=False)


class Pagination(PageNumberPagination):
    """``page`` from 1; ``page_size`` up to ``max_page_size`` (a larger one is silently reduced).

    A malformed value is a 400 (not DRF's silent fallback); a page past the end is a 404.
    """

    page_size = DEFAULT_PAGE_SIZE
    max_page_size = MAX_PAGE_SIZE
    page_size_query_param = "page_size"
    invalid_page_message = gettext_lazy("Halaman tidak ada.")

    def paginate_queryset(self, queryset, request, view=None):
        form = PagingForm(request.query_params)
        if not form.is_valid():
            raise InvalidParameters(form.errors.get_json_data())
        self._number = form.cleaned_data["page"] or 1
        self._size = min(form.cleaned_data["page_size"] or self.page_size, self.max_page_size)
        return super().paginate_queryset(queryset, request, view)

    def get_page_number(self, request, paginator):
        return self._number

    def get_page_size(self, request):
        return self._size

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": "page",
                "required": False,
                "in": "query",
                "description": _("Nomor halaman, mulai 1."),
                "allowEmptyValue": True,
                "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE},
            },
            {
                "name": "page_size",
                "required": False,
                "in": "query",
                "description": _(
                    "Jumlah baris per halaman (bawaan %(default)d, maksimal %(max)d; nilai lebih besar dipotong)."
                )
                % {"default": self.page_size, "max": self.max_page_size},
                "allowEmptyValue": True,
                "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE},
            },
        ]
