"""Brute force on a login is stopped per (username, address), lifts by itself, and spares colleagues."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import authenticate
from django.utils import timezone

from accounts.models import Role

from ..factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

OFFICE_NAT = "10.0.0.1"


@pytest.fixture
def staff_user():
    # The admin login page has its own template, so it exercises the full web flow.
    return UserFactory(username="petugas", role=Role.ADMIN, is_staff=True, is_superuser=True)


def _login(rf, username, password, ip=OFFICE_NAT):
    request = rf.post("/akun/masuk/", REMOTE_ADDR=ip)
    return authenticate(request=request, username=username, password=password)


def _fail_until_locked(rf, settings, username, ip=OFFICE_NAT):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        assert _login(rf, username, "salah-terus", ip) is None


def test_settings_lock_username_per_address_with_cool_off(settings):
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]
    assert settings.AXES_COOLOFF_TIME > timedelta(0)
    assert settings.AUTHENTICATION_BACKENDS[0] == "ecatalog.security.LoginThrottleBackend"
    assert "axes.middleware.AxesMiddleware" == settings.MIDDLEWARE[-1]


def test_correct_password_is_refused_after_too_many_failures(rf, settings, staff_user):
    _fail_until_locked(rf, settings, "petugas")
    assert _login(rf, "petugas", PASSWORD) is None


def test_colleague_behind_the_same_nat_can_still_log_in(rf, settings, staff_user):
    colleague = UserFactory(username="rekan", role=Role.BUYER)
    _fail_until_locked(rf, settings, "petugas")
    assert _login(rf, "rekan", PASSWORD) == colleague


def test_same_user_from_another_address_can_still_log_in(rf, settings, staff_user):
    _fail_until_locked(rf, settings, "petugas")
    assert _login(rf, "petugas", PASSWORD, ip="10.9.9.9") == staff_user


def test_lock_lifts_after_the_cool_off(rf, settings, staff_user):
    _fail_until_locked(rf, settings, "petugas")
    AccessAttempt.objects.update(
        attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME - timedelta(minutes=1)
    )
    assert _login(rf, "petugas", PASSWORD) == staff_user


def test_locked_out_login_page_answers_429_in_indonesian(client, settings, staff_user):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/admin/login/", {"username": "petugas", "password": "salah"}, REMOTE_ADDR=OFFICE_NAT)
    response = client.post(
        "/admin/login/", {"username": "petugas", "password": PASSWORD}, REMOTE_ADDR=OFFICE_NAT
    )
    assert response.status_code == 429
    assert "Terlalu banyak percobaan masuk" in response.content.decode()


def test_successful_web_login_still_works(client, staff_user):
    response = client.post("/admin/login/", {"username": "petugas", "password": PASSWORD, "next": "/admin/"})
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200


def test_test_client_login_without_request_still_works(client, staff_user):
    assert client.login(username="petugas", password=PASSWORD)


def test_forwarded_address_is_used_only_behind_our_proxy(rf, settings):
    from ecatalog.security import client_ip

    request = rf.get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.7")
    settings.BEHIND_PROXY = False
    assert client_ip(request) == "127.0.0.1"
    settings.BEHIND_PROXY = True
    assert client_ip(request) == "203.0.113.7"
