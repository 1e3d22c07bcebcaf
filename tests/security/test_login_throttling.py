"""Brute force on a login is stopped per (username, address), lifts by itself, and spares colleagues."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import authenticate
from django.core import signing
from django.test import Client
from django.utils import timezone

from accounts.models import Role
from ecatalog.security import DEVICE_COOKIE_SALT

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


def test_proxy_count_and_header_precedence_are_configurable(rf, settings):
    from ecatalog.security import client_ip

    request = rf.get(
        "/",
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.9, 10.0.0.2",
        HTTP_X_REAL_IP="198.51.100.20",
    )
    settings.BEHIND_PROXY = False
    settings.AXES_IPWARE_PROXY_COUNT = 2  # a load balancer, then nginx: the client is 2nd from the right
    assert client_ip(request) == "198.51.100.9"
    settings.AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_REAL_IP", "REMOTE_ADDR"]
    assert client_ip(request) == "198.51.100.20"
    settings.AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]
    short = rf.get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.7")
    assert client_ip(short) == "127.0.0.1"  # fewer hops than trusted proxies: not trusted


# --------------------------------------------------------------------------- trusted devices

LOGIN_URL = "/akun/masuk/"


@pytest.fixture
def treasurer():
    return UserFactory(username="bendahara1", role=Role.BUYER)


def _web_login(client, username, password):
    return client.post(LOGIN_URL, {"username": username, "password": password}, REMOTE_ADDR=OFFICE_NAT)


def _lock_from_the_office(settings, username):
    prankster = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _web_login(prankster, username, "tebak-tebakan")
    assert _web_login(prankster, username, PASSWORD).status_code == 429
    return prankster


def _trusted_browser(username):
    browser = Client()
    assert _web_login(browser, username, PASSWORD).status_code == 302
    browser.post("/akun/keluar/")  # a real logout (Client.logout() would drop every cookie)
    assert not browser.get("/akun/").wsgi_request.user.is_authenticated
    return browser


def test_successful_login_sets_a_signed_long_lived_device_cookie(client, settings, treasurer):
    response = _web_login(client, "bendahara1", PASSWORD)
    assert response.status_code == 302
    cookie = response.cookies[settings.LOGIN_DEVICE_COOKIE_NAME]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    assert int(cookie["max-age"]) >= 300 * 24 * 3600
    assert "bendahara1" in signing.loads(cookie.value, salt=DEVICE_COOKIE_SALT)


def test_browser_that_logged_in_before_still_logs_in_while_its_username_is_locked(settings, treasurer):
    browser = _trusted_browser("bendahara1")
    prankster = _lock_from_the_office(settings, "bendahara1")
    response = _web_login(browser, "bendahara1", PASSWORD)
    assert response.status_code == 302
    assert browser.get("/akun/").wsgi_request.user == treasurer
    # ...and that does not lift the lock for the unknown browser at the same address.
    assert _web_login(prankster, "bendahara1", PASSWORD).status_code == 429


def test_unknown_browser_stays_locked(client, settings, treasurer):
    _lock_from_the_office(settings, "bendahara1")
    assert _web_login(client, "bendahara1", PASSWORD).status_code == 429


def test_trusted_browser_failures_still_count_and_show_the_ordinary_error(settings, treasurer):
    browser = _trusted_browser("bendahara1")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = _web_login(browser, "bendahara1", "salah-ketik")
        assert response.status_code == 200
        assert "Nama pengguna atau kata sandi salah" in response.content.decode()
    attempts = AccessAttempt.objects.get(username="bendahara1", ip_address=OFFICE_NAT)
    assert attempts.failures_since_start == settings.AXES_FAILURE_LIMIT
    assert _web_login(Client(), "bendahara1", PASSWORD).status_code == 429
    assert _web_login(browser, "bendahara1", PASSWORD).status_code == 302


def test_device_cookie_of_another_user_does_not_unlock(settings, treasurer):
    UserFactory(username="rekan", role=Role.BUYER)
    browser = _trusted_browser("rekan")
    _lock_from_the_office(settings, "bendahara1")
    assert _web_login(browser, "bendahara1", PASSWORD).status_code == 429


FORGERIES = {
    "plain username": lambda: "bendahara1",
    "signed for another purpose": lambda: signing.dumps(["bendahara1"], salt="another-purpose"),
    "signed with another key": lambda: signing.dumps(
        ["bendahara1"], salt=DEVICE_COOKIE_SALT, key="not-our-secret-key-0123456789"
    ),
}


@pytest.mark.parametrize("forgery", list(FORGERIES))
def test_forged_device_cookie_is_ignored(settings, treasurer, forgery):
    value = FORGERIES[forgery]()
    _lock_from_the_office(settings, "bendahara1")
    forger = Client()
    forger.cookies[settings.LOGIN_DEVICE_COOKIE_NAME] = value
    assert _web_login(forger, "bendahara1", PASSWORD).status_code == 429


def test_expired_device_cookie_is_ignored(settings, treasurer):
    browser = _trusted_browser("bendahara1")
    _lock_from_the_office(settings, "bendahara1")
    settings.LOGIN_DEVICE_COOKIE_DAYS = 0
    assert _web_login(browser, "bendahara1", PASSWORD).status_code == 429
