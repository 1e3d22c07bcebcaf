"""Reading ids and numbers from query strings and form posts without ever raising.

``str.isdigit()`` is not enough: it accepts "²" or "٣" (which ``int`` refuses) and
numbers beyond a database integer (which PostgreSQL refuses with an error).
"""

from django.utils.http import url_has_allowed_host_and_scheme

MAX_DB_INT = 2**63 - 1


def parse_id(value, *, max_value: int = MAX_DB_INT) -> int | None:
    """A positive whole number of ASCII digits that fits a BIGINT, else None."""
    text = str(value if value is not None else "").strip()
    if not text or len(text) > 19 or not (text.isascii() and text.isdigit()):
        return None
    number = int(text)
    return number if 0 < number <= max_value else None


def safe_next_url(request, fallback: str) -> str:
    """The ``next`` parameter (POST, then GET) if it points back into this site, else ``fallback``.

    Only same-host paths are followed, so a crafted link cannot bounce a user elsewhere.
    """
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback
