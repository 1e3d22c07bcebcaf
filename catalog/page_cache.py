"""Cached HTML fragments of the public catalogue pages.

Rendering a catalogue page costs more than its queries on a 2-core box, so the parts every
visitor sees alike (product grid and filters, the body of a product page, a vendor's grid,
the front page) are cached as rendered HTML. Nothing cached holds a CSRF token, a session
value or anything about the visitor: the view adds those around the fragment on each request.

Every key holds the *catalogue version*, a number bumped by any change that could alter what
the public sees (a product, vendor, category, photo, price history row, kecamatan or
kelurahan saved or deleted, and stock taken or returned by an order), so a publish, a
suspension or a new price shows on the very next request; old fragments simply expire.

The version lives in the cache, so it only invalidates across gunicorn workers when they
share one cache (Redis, ``CACHE_URL``). ``CATALOG_FRAGMENT_TIMEOUT`` is therefore 0 (off)
by default with the per-process local-memory cache (see settings).
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterable

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.http import HttpRequest
from django.template.loader import get_template
from django.utils.translation import get_language

from accounts.context_processors import site

from .models import (
    Category,
    Kecamatan,
    Kelurahan,
    PriceHistory,
    Product,
    ProductPhoto,
    Vendor,
    VendorDocument,
)

VERSION_KEY = "catalog:version"


def fragment_timeout() -> int:
    """Seconds a fragment lives; 0 turns fragment caching off."""
    return settings.CATALOG_FRAGMENT_TIMEOUT


def catalog_version() -> int:
    version = cache.get(VERSION_KEY)
    if version is None:
        # A nanosecond clock, not 1: if the key was evicted, a restarted count must never
        # meet fragments cached under an earlier version.
        cache.add(VERSION_KEY, time.time_ns(), None)
        version = cache.get(VERSION_KEY)
    return version


def bump_catalog_version() -> None:
    """Make every cached catalogue fragment stale (now, and again when the transaction commits).

    The bump at commit closes the window in which a request could re-cache the old data
    between the change and its commit.
    """
    _bump()
    transaction.on_commit(_bump)


def _bump() -> None:
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.set(VERSION_KEY, time.time_ns(), None)


def fragment_key(page: str, params: Iterable[tuple[str, str]] = ()) -> str:
    """The cache key of one fragment: page, language, catalogue version and its parameters.

    ``params`` are sorted, so ``?a=1&b=2`` and ``?b=2&a=1`` share a fragment; the parameters
    are hashed, so a long query string never makes an over-long key.
    """
    digest = hashlib.sha256(repr(sorted(params)).encode()).hexdigest()[:32]
    return f"catalog:fragment:{page}:{get_language()}:{catalog_version()}:{digest}"


def cached_fragment(page: str, params: Iterable[tuple[str, str]], build: Callable[[], dict]) -> dict:
    """The cached fragment for ``page`` and ``params``, or ``build()``'s result, cached.

    ``build`` runs the page's queries and renders; it is only called on a miss, so a hit
    costs two cache reads and no database query.
    """
    timeout = fragment_timeout()
    if not timeout:
        return build()
    key = fragment_key(page, params)
    fragment = cache.get(key)
    if fragment is None:
        fragment = build()
        cache.set(key, fragment, timeout)
    return fragment


def render_fragment(template_name: str, context: dict, request: HttpRequest) -> str:
    """Render a cacheable fragment: no context processors, so no user, CSRF token or messages.

    The request is passed for its query string only (``query_replace`` builds page links).
    """
    return get_template(template_name).render({**site(request), **context, "request": request})


@receiver([post_save, post_delete], sender=Product, dispatch_uid="catalog.page_cache.product")
@receiver([post_save, post_delete], sender=Vendor, dispatch_uid="catalog.page_cache.vendor")
@receiver([post_save, post_delete], sender=Category, dispatch_uid="catalog.page_cache.category")
@receiver([post_save, post_delete], sender=ProductPhoto, dispatch_uid="catalog.page_cache.photo")
@receiver([post_save, post_delete], sender=PriceHistory, dispatch_uid="catalog.page_cache.price")
@receiver([post_save, post_delete], sender=Kecamatan, dispatch_uid="catalog.page_cache.kecamatan")
@receiver([post_save, post_delete], sender=Kelurahan, dispatch_uid="catalog.page_cache.kelurahan")
@receiver([post_save, post_delete], sender=VendorDocument, dispatch_uid="catalog.page_cache.document")
def _catalogue_changed(**kwargs) -> None:
    bump_catalog_version()
