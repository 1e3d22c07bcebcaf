"""Concurrent checkouts over real HTTP (bench/run.py measures orders/s; bench/chaos.py adds an outage).

Each thread is a different OPD buyer (a session created directly in the database, like a
logged-in browser) buying products no other thread buys: add to cart, then check out
against one of its OPD's RUP packages. The flow is procurement's:

    POST /pengadaan/keranjang/tambah/<product>/   quantity
    POST /pengadaan/keranjang/pesan/               token, package_all, delivery_address, needed_by

Route names and form fields are in FLOW below; change them there if procurement renames them.
A checkout counts as a success only on the redirect the view answers after creating orders;
its token is kept so ``lost_orders()`` can check every acknowledged order is in the database.
"""

from __future__ import annotations

import http.client
import secrets
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import timedelta
from urllib.parse import urlencode, urlsplit

FLOW = {
    "cart_add": "procurement:cart_add",  # args: product pk
    "checkout": "procurement:checkout",
    "quantity_field": "quantity",
    "token_field": "token",
    "package_field": "package_all",
    "success_redirect": "procurement:order_list",
}


@dataclass
class Buyer:
    username: str
    cookie: str
    package_id: int
    csrf: str


@dataclass
class Stats:
    sent: int = 0
    failed: int = 0
    checkouts: int = 0
    statuses: dict[int, int] = field(default_factory=dict)
    acknowledged_tokens: list[tuple[str, str]] = field(default_factory=list)  # (username, token)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, status: int | None, ok: bool):
        with self.lock:
            self.sent += 1
            self.statuses[status or 0] = self.statuses.get(status or 0, 0) + 1
            if not ok:
                self.failed += 1


def flow_available() -> bool:
    from django.urls import NoReverseMatch, reverse

    try:
        reverse(FLOW["checkout"])
        reverse(FLOW["cart_add"], args=[1])
    except NoReverseMatch:
        return False
    return True


def prepare(n_buyers: int, n_products: int) -> tuple[list[Buyer], list[tuple[int, int]]]:
    """Sessions for ``n_buyers`` OPD buyers (one per OPD) and products nobody else will buy."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from catalog.models import Product
    from procurement.models import OPDMember
    from procurement.services import checkout_packages

    buyers = []
    members = OPDMember.objects.select_related("user", "opd").filter(position="ppk").order_by("opd_id")
    for member in members:
        package = (
            checkout_packages(member.opd)
            .filter(pagu__gt=0)
            .order_by("-pagu")
            .values_list("id", flat=True)
            .first()
        )
        if package is None:
            continue
        user = member.user
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        csrf = secrets.token_hex(16)  # 32 characters: an unmasked CSRF secret
        cookie = f"{settings.SESSION_COOKIE_NAME}={session.session_key}; {settings.CSRF_COOKIE_NAME}={csrf}"
        buyers.append(Buyer(user.username, cookie, package, csrf))
        if len(buyers) == n_buyers:
            break
    products = list(
        Product.objects.public()
        .filter(stock__gte=100, min_order=1, price__lte=500_000)
        .order_by("id")
        .values_list("id", "min_order")[:n_products]
    )
    return buyers, products


def _post(conn: http.client.HTTPConnection, path: str, data: dict, buyer: Buyer):
    body = urlencode({**data, "csrfmiddlewaretoken": buyer.csrf})
    conn.request(
        "POST",
        path,
        body=body,
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": buyer.cookie,
            "X-CSRFToken": buyer.csrf,
        },
    )
    response = conn.getresponse()
    response.read()
    return response.status, response.getheader("Location", "")


def run(
    base_url: str,
    buyers: list[Buyer],
    products: list[tuple[int, int]],
    duration: float,
    stats: Stats | None = None,
) -> Stats:
    """Each buyer's thread checks out one product at a time until ``duration`` seconds pass."""
    from django.urls import reverse
    from django.utils import timezone

    stats = stats or Stats()
    host = urlsplit(base_url)
    checkout_path = reverse(FLOW["checkout"])
    success_path = reverse(FLOW["success_redirect"])
    needed_by = (timezone.localdate() + timedelta(days=30)).isoformat()
    stop_at = time.monotonic() + duration
    per_buyer = [products[i :: len(buyers)] for i in range(len(buyers))]

    def worker(buyer: Buyer, mine: list[tuple[int, int]]):
        conn = http.client.HTTPConnection(host.hostname, host.port, timeout=30)
        for product_id, min_order in mine:
            if time.monotonic() >= stop_at:
                break
            try:
                status, _ = _post(
                    conn,
                    reverse(FLOW["cart_add"], args=[product_id]),
                    {FLOW["quantity_field"]: max(1, min_order)},
                    buyer,
                )
                stats.record(status, status in (302, 303))
                if status not in (302, 303):
                    time.sleep(0.2)
                    continue
                token = uuid.uuid4().hex
                status, location = _post(
                    conn,
                    checkout_path,
                    {
                        FLOW["token_field"]: token,
                        FLOW["package_field"]: buyer.package_id,
                        "delivery_address": "Gudang bench",
                        "needed_by": needed_by,
                        "note": "bench",
                    },
                    buyer,
                )
                ok = status in (302, 303) and urlsplit(location).path == success_path
                stats.record(status, ok)
                if ok:
                    with stats.lock:
                        stats.checkouts += 1
                        stats.acknowledged_tokens.append((buyer.username, token))
                else:
                    time.sleep(0.2)
            except (OSError, http.client.HTTPException):
                stats.record(None, False)
                conn.close()
                conn = http.client.HTTPConnection(host.hostname, host.port, timeout=30)
                time.sleep(0.2)
        conn.close()

    threads = [
        threading.Thread(target=worker, args=(b, m), daemon=True)
        for b, m in zip(buyers, per_buyer, strict=True)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return stats


def lost_orders(stats: Stats) -> list[tuple[str, str]]:
    """Acknowledged checkouts whose order is not in the database (must be none)."""
    from procurement.models import Order

    lost = []
    for username, token in stats.acknowledged_tokens:
        if not Order.objects.filter(buyer__username=username, checkout_token=token).exists():
            lost.append((username, token))
    return lost
