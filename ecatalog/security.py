"""Login throttling glue for django-axes, trusted-device cookies, and per-address form throttling."""

from __future__ import annotations

import logging
import time
from functools import wraps

from axes.backends import AxesStandaloneBackend
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_session_hash, get_credentials
from axes.models import AccessLog
from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

log = logging.getLogger(__name__)

DEVICE_COOKIE_SALT = "ecatalog.security.login-device"
DEVICE_COOKIE_MAX_USERS = 5


# --------------------------------------------------------------------------- client address


def client_ip(request) -> str:
    """The client's address as the outermost trusted proxy saw it, else the socket peer.

    Each proxy appends the peer it saw to X-Forwarded-For, so with N trusted proxies in
    front (``AXES_IPWARE_PROXY_COUNT``; ``BEHIND_PROXY=1`` means one) the client is the N-th
    entry from the right; entries further left are whatever the client sent and are never
    used. A header holding one address (X-Real-IP) is taken as it is. Headers are tried in
    ``AXES_IPWARE_META_PRECEDENCE_ORDER``; without trusted proxies only REMOTE_ADDR counts.
    """
    proxies = settings.AXES_IPWARE_PROXY_COUNT or (1 if settings.BEHIND_PROXY else 0)
    if proxies:
        for header in settings.AXES_IPWARE_META_PRECEDENCE_ORDER:
            if header == "REMOTE_ADDR":
                break
            parts = [p.strip() for p in request.META.get(header, "").split(",") if p.strip()]
            if header != "HTTP_X_FORWARDED_FOR" and parts:
                return parts[-1]
            if len(parts) >= proxies:
                return parts[-proxies]
    return request.META.get("REMOTE_ADDR", "")


# --------------------------------------------------------------------------- trusted devices
#
# A colleague behind the same office NAT can lock a username out by typing wrong passwords
# (the lock is per username and address). Following OWASP's device-cookie advice, a browser
# where the user has logged in successfully before carries a signed cookie naming that user;
# such a browser skips the lock (its failures still count), unknown clients stay locked.


def trusted_usernames(request) -> list[str]:
    value = request.COOKIES.get(settings.LOGIN_DEVICE_COOKIE_NAME)
    if not value:
        return []
    try:
        names = signing.loads(
            value, salt=DEVICE_COOKIE_SALT, max_age=settings.LOGIN_DEVICE_COOKIE_DAYS * 24 * 3600
        )
    except signing.BadSignature:  # tampered, expired, or signed with another SECRET_KEY
        return []
    return [n for n in names if isinstance(n, str)] if isinstance(names, list) else []


def is_trusted_device(request, username) -> bool:
    return bool(username) and username in trusted_usernames(request)


def remember_device(request, response, username: str) -> None:
    names = [username] + [n for n in trusted_usernames(request) if n != username]
    response.set_cookie(
        settings.LOGIN_DEVICE_COOKIE_NAME,
        signing.dumps(names[:DEVICE_COOKIE_MAX_USERS], salt=DEVICE_COOKIE_SALT, compress=True),
        max_age=settings.LOGIN_DEVICE_COOKIE_DAYS * 24 * 3600,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


class LoginDeviceCookieMiddleware:
    """Sets the trusted-device cookie on the response to a successful login."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        username = getattr(request, "login_device_username", None)
        if username:
            remember_device(request, response, username)
        return response


class LoginThrottleBackend(AxesStandaloneBackend):
    """django-axes' lock-out check for every login made through a web request.

    ``authenticate()`` without a request (the test client's ``login()``, a shell) has no
    client address to throttle by; it is left to the next backend instead of failing.
    Every login page (ours, the admin's) passes the request, so none escapes the check.
    A browser holding a trusted-device cookie for this username is not held by the lock.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        if is_trusted_device(request, username):
            request.login_device_trusted = True
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


class LoginThrottleHandler(AxesDatabaseHandler):
    """axes' database handler, aware of trusted devices.

    A trusted browser's failures are recorded like anyone's, but it is shown the ordinary
    "wrong password" form rather than the lock page, and its successful login does not reset
    the counter: that would hand whoever is guessing from the same address a fresh set of tries.
    Every successful web login marks its browser as trusted for that username.
    """

    def user_login_failed(self, sender, credentials: dict, request=None, **kwargs):
        super().user_login_failed(sender, credentials, request, **kwargs)
        if request is not None and getattr(request, "login_device_trusted", False):
            request.axes_locked_out = False

    def user_logged_in(self, sender, request, user, **kwargs):
        if request is None:
            return
        request.login_device_username = user.get_username()
        if not getattr(request, "login_device_trusted", False):
            super().user_logged_in(sender, request, user, **kwargs)
            return
        self.clean_expired_user_attempts(request, get_credentials(user.get_username()))
        if not settings.AXES_DISABLE_ACCESS_LOG:
            AccessLog.objects.create(
                username=user.get_username(),
                ip_address=request.axes_ip_address,
                user_agent=request.axes_user_agent,
                http_accept=request.axes_http_accept,
                path_info=request.axes_path_info,
                attempt_time=request.axes_attempt_time,
                session_hash=get_client_session_hash(request),
            )
        log.info("Login from a trusted device by %s; failure counter kept.", user.get_username())


# --------------------------------------------------------------------------- form throttling


def hit(scope: str, request, *, limit: int, window: int) -> int | None:
    """Count one attempt of ``scope`` from this address; seconds to wait when over ``limit``."""
    if limit <= 0:
        return None
    now = time.time()
    bucket = int(now // window)
    key = f"throttle:{scope}:{client_ip(request)}:{bucket}"
    cache.add(key, 0, timeout=window + 1)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window + 1)
        count = 1
    if count > limit:
        return max(1, int((bucket + 1) * window - now) + 1)
    return None


def throttle_posts(scope: str, *, limit_setting: str, window_setting: str):
    """Allow ``settings.<limit_setting>`` POSTs per ``<window_setting>`` seconds per address; then 429."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.method == "POST":
                retry_after = hit(
                    scope,
                    request,
                    limit=getattr(settings, limit_setting),
                    window=max(1, getattr(settings, window_setting)),
                )
                if retry_after is not None:
                    minutes = max(1, (retry_after + 59) // 60)
                    # Like the other error pages: no session, database or context processor.
                    body = render_to_string(
                        "throttled.html",
                        {
                            "message": _(
                                "Terlalu banyak permintaan dari alamat Anda. Silakan coba lagi dalam "
                                "%(m)s menit."
                            )
                            % {"m": minutes},
                            "CITY_NAME": settings.CITY_NAME,
                            "AGENCY_NAME": settings.AGENCY_NAME,
                        },
                    )
                    response = HttpResponse(body, status=429)
                    response["Cache-Control"] = "no-store"
                    response["Retry-After"] = str(retry_after)
                    return response
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
