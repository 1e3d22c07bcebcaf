"""A fixed-window request counter per client IP for anonymous API use (Django cache).

``settings.API_RATE_LIMIT`` requests per ``settings.API_RATE_LIMIT_WINDOW``
seconds (default 60 per 60 s). Logged-in users are not counted. The IP is
``REMOTE_ADDR``: behind a reverse proxy, the proxy must set it (e.g. gunicorn
``--forwarded-allow-ips`` with nginx ``real_ip``); a client-supplied
X-Forwarded-For is never trusted here.

With LocMemCache each worker counts on its own (the limit is per worker); set
CACHE_URL to Redis or memcached for one shared count.
"""

from __future__ import annotations

import time
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.http import JsonResponse
from django.utils.translation import gettext as _

DEFAULT_LIMIT = 60
DEFAULT_WINDOW = 60


def _limits() -> tuple[int, int]:
    limit = int(getattr(settings, "API_RATE_LIMIT", DEFAULT_LIMIT))
    window = max(1, int(getattr(settings, "API_RATE_LIMIT_WINDOW", DEFAULT_WINDOW)))
    return limit, window


def check(request) -> int | None:
    """Count this request; return the seconds to wait when over the limit, else None."""
    limit, window = _limits()
    if limit <= 0 or request.user.is_authenticated:
        return None
    now = time.time()
    bucket = int(now // window)
    key = f"opendata:rl:{request.META.get('REMOTE_ADDR', '')}:{bucket}"
    cache.add(key, 0, timeout=window + 1)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window + 1)
        count = 1
    if count > limit:
        return max(1, int((bucket + 1) * window - now) + 1)
    return None


def rate_limited(view):
    """429 JSON with Retry-After once an anonymous client exceeds the limit."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        retry_after = check(request)
        if retry_after is not None:
            response = JsonResponse(
                {"detail": _("Terlalu banyak permintaan. Coba lagi dalam %(s)d detik.") % {"s": retry_after}},
                status=429,
            )
            response["Retry-After"] = str(retry_after)
            return response
        return view(request, *args, **kwargs)

    return wrapped
