"""Vendor registration and password reset are limited per client address (each POST may send mail or make an account)."""

import pytest
from django.core import mail
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_counters():
    cache.clear()
    yield
    cache.clear()


def test_password_reset_requests_are_limited_per_address(settings, vendor):
    settings.PASSWORD_RESET_RATE_LIMIT = 2
    client = Client()
    url = reverse("password_reset")
    for _ in range(2):
        response = client.post(url, {"email": vendor.user.email}, REMOTE_ADDR="10.1.1.1")
        assert response.status_code == 302
    response = client.post(url, {"email": vendor.user.email}, REMOTE_ADDR="10.1.1.1")
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert "Terlalu banyak permintaan dari alamat Anda" in response.content.decode()
    assert len(mail.outbox) == 2  # the refused request sent nothing
    # Another address, and simply showing the form, are not affected.
    assert client.post(url, {"email": vendor.user.email}, REMOTE_ADDR="10.2.2.2").status_code == 302
    assert client.get(url, REMOTE_ADDR="10.1.1.1").status_code == 200


def test_vendor_registration_is_limited_per_address(settings):
    settings.REGISTRATION_RATE_LIMIT = 3
    client = Client()
    url = reverse("catalog:vendor_register")
    for _ in range(3):
        # An incomplete form: the page answers with its errors, and the attempt still counts.
        assert client.post(url, {"username": "x"}, REMOTE_ADDR="10.1.1.1").status_code == 200
    response = client.post(url, {"username": "x"}, REMOTE_ADDR="10.1.1.1")
    assert response.status_code == 429
    assert "Terlalu banyak permintaan" in response.content.decode()
    assert 'lang="id"' in response.content.decode()
    assert client.post(url, {"username": "x"}, REMOTE_ADDR="10.2.2.2").status_code == 200
    assert client.get(url, REMOTE_ADDR="10.1.1.1").status_code == 200


def test_the_limit_follows_the_trusted_proxy_header(settings):
    settings.REGISTRATION_RATE_LIMIT = 1
    settings.BEHIND_PROXY = True
    client = Client()
    url = reverse("catalog:vendor_register")
    # Behind nginx every request comes from 127.0.0.1; the office is told apart by the header.
    assert (
        client.post(url, {}, REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.1").status_code == 200
    )
    assert (
        client.post(url, {}, REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.2").status_code == 200
    )
    assert (
        client.post(url, {}, REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.1").status_code == 429
    )
