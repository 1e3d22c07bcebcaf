"""A URLconf whose views fail the ways a request can fail (used by test_error_pages.py)."""

from django.core.exceptions import PermissionDenied
from django.db import InterfaceError, OperationalError
from django.template import engines
from django.template.response import TemplateResponse
from django.urls import path

from ecatalog import middleware


def db_down(request):
    raise OperationalError("connection to server at 127.0.0.1, port 5432 failed: Connection refused")


def db_interface_error(request):
    raise InterfaceError("connection already closed")


class _ExplodingOnRender:
    def __str__(self):
        raise OperationalError("server closed the connection unexpectedly")


def db_down_while_rendering(request):
    return TemplateResponse(
        request, engines["django"].from_string("<p>{{ value }}</p>"), {"value": _ExplodingOnRender()}
    )


def crash(request):
    raise ValueError("a programming error")


def forbidden(request):
    raise PermissionDenied


urlpatterns = [
    path("db-down/", db_down),
    path("db-interface/", db_interface_error),
    path("db-down-render/", db_down_while_rendering),
    path("crash/", crash),
    path("forbidden/", forbidden),
]

handler403 = middleware.permission_denied
handler404 = middleware.page_not_found
handler500 = middleware.server_error
