"""A lost database answers a friendly 503 (never a traceback); the other error pages are friendly too."""

import sys

import pytest
from django.db import OperationalError
from django.test import Client

from ecatalog.middleware import server_error

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.security.error_urls")]


@pytest.fixture
def client_no_raise():
    return Client(raise_request_exception=False)


@pytest.mark.parametrize("url", ["/db-down/", "/db-interface/", "/db-down-render/"])
def test_database_error_answers_friendly_503_with_retry_after(client, url):
    response = client.get(url)
    assert response.status_code == 503
    assert response["Retry-After"].isdigit()
    assert response["Cache-Control"] == "no-store"
    body = response.content.decode()
    assert "tidak tersedia" in body
    assert "Traceback" not in body and "OperationalError" not in body


def test_503_page_touches_neither_database_nor_session(client, django_user_model, django_assert_num_queries):
    user = django_user_model.objects.create_user("pembeli", password="x-rahasia-123")
    client.force_login(user)
    with django_assert_num_queries(0):
        response = client.get("/db-down/")
    assert response.status_code == 503


def test_database_error_raised_outside_a_view_gets_503_from_handler500(rf):
    request = rf.get("/")
    try:
        raise OperationalError("the database system is shutting down")
    except OperationalError:
        assert sys.exc_info()[0] is OperationalError
        response = server_error(request)
    assert response.status_code == 503
    assert "Retry-After" in response


def test_programming_error_answers_friendly_500(client_no_raise):
    response = client_no_raise.get("/crash/")
    assert response.status_code == 500
    body = response.content.decode()
    assert "terjadi kesalahan" in body.lower()
    assert "ValueError" not in body


def test_permission_denied_answers_friendly_403(client):
    response = client.get("/forbidden/")
    assert response.status_code == 403
    assert "tidak berhak" in response.content.decode()


def test_unknown_page_answers_friendly_404_without_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/tidak-ada-halaman-ini/")
    assert response.status_code == 404
    assert "Halaman tidak ditemukan" in response.content.decode()
