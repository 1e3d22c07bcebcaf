"""Login throttling glue for django-axes (issue 5)."""

from axes.backends import AxesStandaloneBackend
from django.conf import settings


class LoginThrottleBackend(AxesStandaloneBackend):
    """django-axes' lock-out check for every login made through a web request.

    ``authenticate()`` without a request (the test client's ``login()``, a shell) has no
    client address to throttle by; it is left to the next backend instead of failing.
    Every login page (ours, the admin's) passes the request, so none escapes the check.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def client_ip(request) -> str:
    """The client's address: nginx's view of it when behind our proxy, else the socket peer.

    nginx appends the peer it saw to X-Forwarded-For, so the *last* entry is the one a
    client cannot forge; earlier entries are whatever the client sent.
    """
    if settings.BEHIND_PROXY:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        last = forwarded.split(",")[-1].strip()
        if last:
            return last
    return request.META.get("REMOTE_ADDR", "")
