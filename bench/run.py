"""One command for the page benchmarks (see bench/README.md).

    .venv/bin/python bench/run.py --label "small (50k products)" [--duration 10] [--connections 16]

Starts gunicorn with production settings (DEBUG=0, plain HTTP) on 127.0.0.1, drives every
page with wrk at fixed concurrency, runs concurrent checkouts over HTTP, times the scoring
recompute, reads each worker's peak memory and counts the queries of each page with
Django's test client. Prints a markdown table and appends it to bench/RESULTS.md.
Needs Debian's ``wrk`` (``apt-get install wrk``) and a database filled by ``seed_national``.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import checkout  # noqa: E402
from bench.common import (  # noqa: E402,E501
    DEFAULT_DB,
    ROOT,
    Gunicorn,
    collectstatic,
    machine_description,
    production_env,
    setup_django,
    vm_hwm_kb,
)

LUA = ROOT / "bench" / "wrk_report.lua"
VARY_LUA = ROOT / "bench" / "wrk_vary.lua"


def pages() -> list[tuple[str, str, bool]]:
    """(name, path, needs a buyer session) for every measured page, picked from the data."""
    from django.db.models import Count
    from django.urls import reverse

    from catalog.models import Category, Product, Vendor

    product = Product.objects.public().select_related("vendor", "category").order_by("id").first()
    vendor = Vendor.objects.public().annotate(n=Count("products")).order_by("-n", "id").first()
    category = Category.objects.annotate(n=Count("products")).order_by("-n", "id").first()
    word = product.name.split()[0].lower() if product else "kopi"
    lst = reverse("catalog:product_list")
    return [
        ("bare template (no DB)", reverse("bench_bare"), False),
        ("catalogue front page", reverse("catalog:home"), False),
        ("text search", f"{lst}?q={word}", False),
        (
            # The word's own category and vendor scale, so the filters narrow real matches.
            "search + 3 filters",
            f"{lst}?q={word}&kategori={product.category.slug if product else ''}&harga_min=1000"
            f"&harga_max=5000000&skala={product.vendor.scale if product else 'mikro'}",
            False,
        ),
        ("category page 50", f"{lst}?kategori={category.slug if category else ''}&page=50", False),
        ("product page", product.get_absolute_url() if product else "/", False),
        ("vendor page", vendor.get_absolute_url() if vendor else "/", False),
        ("public dashboard", reverse("opd_scoring:dashboard"), False),
        ("OPD score page", reverse("opd_scoring:my_opd"), True),
    ]


def variants(name: str, count: int = 4000, seed: int = 5) -> list[str] | None:
    """Many different URLs of the same kind of page, for ``--vary`` (cold) runs; None: one URL only.

    Drawn from the data with a fixed seed, so two runs ask for the same URLs.
    """
    import random

    from django.urls import reverse

    from catalog.models import Category, Product, Vendor

    rng = random.Random(seed)
    lst = reverse("catalog:product_list")
    top = Product.objects.order_by("-id").values_list("id", flat=True).first() or 0
    sample_ids = sorted(rng.sample(range(1, top + 1), min(top, count * 2)))
    sample = list(
        Product.objects.public()
        .filter(id__in=sample_ids)
        .select_related("vendor", "category")
        .only("id", "slug", "name", "price", "vendor__scale", "vendor__status", "category__slug")[:count]
    )
    words = sorted({w.lower() for p in sample for w in p.name.split() if len(w) >= 4 and w.isalpha()})
    if name == "text search":
        paths = [f"{lst}?q={w}" + (f"&page={n}" if n > 1 else "") for w in words for n in range(1, 9)]
    elif name == "search + 3 filters":
        paths = [
            f"{lst}?q={p.name.split()[0].lower()}&kategori={p.category.slug}&harga_min=1000"
            f"&harga_max={int(p.price) * 2 + 1000}&skala={p.vendor.scale}"
            for p in sample
        ]
    elif name == "category page 50":
        slugs = list(Category.objects.order_by("id").values_list("slug", flat=True))
        paths = [f"{lst}?kategori={slug}&page={n}" for slug in slugs for n in range(2, 101)]
    elif name == "product page":
        paths = [p.get_absolute_url() for p in sample]
    elif name == "vendor page":
        vendor_ids = sorted({p.vendor_id for p in sample})
        paths = [v.get_absolute_url() for v in Vendor.objects.filter(id__in=vendor_ids).only("slug")]
    else:
        return None
    rng.shuffle(paths)
    return paths[:count]


def follow_redirect(path: str, buyer_username: str) -> str:
    """The page a logged-in buyer lands on (``my_opd`` redirects to the OPD's own score page)."""
    from django.contrib.auth import get_user_model
    from django.test import Client

    client = Client()
    client.force_login(get_user_model().objects.get(username=buyer_username))
    for _ in range(3):
        response = client.get(path)
        if response.status_code not in (301, 302) or not response["Location"].startswith("/"):
            break
        path = response["Location"]
    return path


def wrk(
    url: str, cookie: str | None, duration: int, connections: int, threads: int, paths_file: str | None = None
) -> dict:
    cmd = [
        "wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{duration}s",
        "--timeout",
        "10s",
        "-s",
        str(VARY_LUA if paths_file else LUA),
        url,
    ]
    if paths_file:
        cmd += ["--", paths_file]
    if cookie:
        cmd[1:1] = ["-H", f"Cookie: {cookie}"]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    line = next(x for x in out.splitlines() if x.startswith("WRK_JSON "))
    data = json.loads(line.removeprefix("WRK_JSON "))
    data["rps"] = data["requests"] / (data["duration_us"] / 1e6)
    return data


def query_counts(page_list, buyer_username: str | None) -> dict[str, tuple[int, int, int]]:
    """Queries (fragment cache off, then a repeated request with it on) and status per page."""
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    anon, buyer = Client(), Client()
    if buyer_username:
        buyer.force_login(get_user_model().objects.get(username=buyer_username))
    from django.test.utils import override_settings

    counts = {}
    for name, path, needs_login in page_list:
        client = buyer if needs_login else anon
        client.get(path)  # warm caches the way a running server has them
        with override_settings(CATALOG_FRAGMENT_TIMEOUT=0), CaptureQueriesContext(connection) as ctx:
            response = client.get(path)
        miss = len(ctx.captured_queries)  # read now: the next request resets the query log
        with override_settings(CATALOG_FRAGMENT_TIMEOUT=600):
            client.get(path)
            with CaptureQueriesContext(connection) as ctx:
                client.get(path)
            hit = len(ctx.captured_queries)
        counts[name] = (miss, hit, response.status_code)
    return counts


def scoring_time(env, year: int) -> str:
    from django.core.management import get_commands

    if "compute_opd_scores" not in get_commands():
        return "n/a (no compute_opd_scores command)"
    started = time.monotonic()
    result = subprocess.run(
        [str(ROOT / ".venv/bin/python"), "manage.py", "compute_opd_scores", "--year", str(year)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    elapsed = time.monotonic() - started
    if result.returncode:
        return f"failed ({result.stderr.strip().splitlines()[-1] if result.stderr.strip() else result.returncode})"
    return f"{elapsed:.2f} s"


def data_size() -> str:
    from catalog.models import Product, Vendor
    from procurement.models import OPD, OrderLine

    return (
        f"{Product.objects.count():,} products, {Vendor.objects.count():,} vendors, {OPD.objects.count():,} OPDs, "
        f"{OrderLine.objects.count():,} order lines"
    )


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url", default=DEFAULT_DB)
    parser.add_argument("--port", type=int, default=8210)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--duration", type=int, default=10, help="seconds of wrk per page")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument(
        "--warmup", type=int, default=2, help="seconds of wrk per page before measuring (0: none)"
    )
    parser.add_argument(
        "--cache-url",
        default="redis://127.0.0.1:6379/2",
        help="CACHE_URL for gunicorn (shared by the workers; cleared at the start of the run)",
    )
    parser.add_argument(
        "--fragment-timeout",
        type=int,
        default=None,
        help="CATALOG_FRAGMENT_TIMEOUT for gunicorn (0: catalogue fragment cache off)",
    )
    parser.add_argument(
        "--vary",
        action="store_true",
        help="cold run: each request asks for another URL of the same kind (bench/wrk_vary.lua)",
    )
    parser.add_argument("--skip-checkout", action="store_true")
    parser.add_argument("--checkout-buyers", type=int, default=8)
    parser.add_argument("--label", required=True, help='data size label, e.g. "small (50k products)"')
    parser.add_argument("--results", default=str(ROOT / "bench" / "RESULTS.md"))
    parser.add_argument("--no-write", action="store_true", help="print only, do not append to RESULTS.md")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk not found: apt-get install wrk")

    env = production_env(args.database_url)
    env["CACHE_URL"] = args.cache_url
    if args.fragment_timeout is not None:
        env["CATALOG_FRAGMENT_TIMEOUT"] = str(args.fragment_timeout)
    setup_django(env)
    from django.conf import settings
    from django.core.cache import cache

    cache.clear()
    from procurement.services import current_fiscal_year

    machine = machine_description(args.database_url)
    collectstatic(env)
    page_list = pages()
    buyers, products = checkout.prepare(args.checkout_buyers, args.checkout_buyers * 400)
    cookie = buyers[0].cookie if buyers else None
    if buyers:
        page_list = [
            (n, follow_redirect(p, buyers[0].username) if login else p, login) for n, p, login in page_list
        ]
    paths_files: dict[str, str] = {}
    if args.vary:
        tmp = ROOT / "tmp" / "bench-vary"
        tmp.mkdir(parents=True, exist_ok=True)
        for name, _path, _login in page_list:
            urls = variants(name)
            if urls:
                (tmp / f"{len(paths_files)}.txt").write_text("\n".join(urls) + "\n")
                paths_files[name] = str(tmp / f"{len(paths_files)}.txt")
    rows, ceiling = [], None
    with Gunicorn(env, args.port, args.workers) as server:
        for name, path, needs_login in page_list:
            if needs_login and not cookie:
                continue
            print(f"… {name}: {path}", file=sys.stderr)
            paths_file = paths_files.get(name)
            if args.warmup:
                # A running server has warm caches: the cold first build (dashboard, counts) is
                # measured separately, not smeared into the percentiles of a 10-second window.
                wrk(
                    server.base + path,
                    cookie if needs_login else None,
                    args.warmup,
                    args.connections,
                    args.threads,
                    paths_file,
                )
            result = wrk(
                server.base + path,
                cookie if needs_login else None,
                args.duration,
                args.connections,
                args.threads,
                paths_file,
            )
            ceiling = ceiling or result["rps"]
            result["varied"] = len(Path(paths_file).read_text().split()) if paths_file else 0
            rows.append((name, path, result))
        checkout_result = None
        if checkout.flow_available() and buyers and products and not args.skip_checkout:
            print("… checkout", file=sys.stderr)
            stats = checkout.run(server.base, buyers, products, args.duration)
            lost = checkout.lost_orders(stats)
            checkout_result = (stats, lost)
        rss = {pid: vm_hwm_kb(pid) for pid in server.worker_pids()}
    counts = query_counts(page_list, buyers[0].username if buyers else None)
    score = scoring_time(env, current_fiscal_year())

    out = [f"## {datetime.now():%Y-%m-%d %H:%M} — {args.label}", ""]
    out.append(f"Data: {data_size()}.  ")
    out.append("Machine: " + ", ".join(f"{k} {v}" for k, v in machine.items()) + ".  ")
    extra = (f" --fragment-timeout {args.fragment_timeout}" if args.fragment_timeout is not None else "") + (
        " --vary" if args.vary else ""
    )
    out.append(
        f'Command: `.venv/bin/python bench/run.py --label "{args.label}" --duration {args.duration} '
        f"--connections {args.connections} --workers {args.workers} --warmup {args.warmup}{extra}` "
        f"(gunicorn {args.workers} sync workers, wrk -t{args.threads} -c{args.connections} -d{args.duration}s).  "
    )
    timeout = settings.CATALOG_FRAGMENT_TIMEOUT
    mode = (
        "each request another URL of the same kind (`--vary`): catalogue fragments mostly miss"
        if args.vary
        else "the same URL repeated: after the warm-up, catalogue fragments hit"
    )
    out.append(
        f"Cache: `{args.cache_url}` shared by the workers; catalogue fragment cache "
        + (
            f"on ({timeout} s); {mode}."
            if timeout
            else "**off** (`CATALOG_FRAGMENT_TIMEOUT=0`): every request renders."
        )
    )
    out += [
        "",
        "| page | URLs | req/s | p50 ms | p95 ms | p99 ms | vs bare | queries (miss / hit) | status | non-2xx |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name, _path, r in rows:
        q, q_hit, status = counts.get(name, ("?", "?", "?"))
        out.append(
            f"| {name} | {r['varied'] or 1:,} | {r['rps']:,.0f} | {r['p50'] / 1000:.1f} | {r['p95'] / 1000:.1f} | "
            f"{r['p99'] / 1000:.1f} | {r['rps'] / ceiling:.0%} | {q} / {q_hit} | {status} | {r['non2xx']} |"
        )
    out.append("")
    if checkout_result:
        stats, lost = checkout_result
        out.append(
            f"Checkout ({len(buyers)} concurrent buyers, {args.duration} s): {stats.checkouts} orders, "
            f"{stats.checkouts / args.duration:.1f} checkouts/s; {stats.sent} requests, {stats.failed} failed "
            f"(statuses {stats.statuses}); orders lost: {len(lost)}.  "
        )
    elif args.skip_checkout:
        out.append("Checkout: skipped (`--skip-checkout`).  ")
    else:
        out.append("Checkout: not measured (checkout flow or buyers/products missing).  ")
    out.append(f"Scoring recompute (compute_opd_scores --year {current_fiscal_year()}): {score}.  ")
    out.append(
        "Peak RSS per gunicorn worker (VmHWM): "
        + ", ".join(f"{kb / 1024:.0f} MB" for kb in rss.values() if kb)
        + "."
    )
    out.append("")
    text = "\n".join(out)
    print(text)
    if not args.no_write:
        path = Path(args.results)
        if not path.exists():
            path.write_text(
                "# Benchmark results (bench/run.py)\n\nEach section is one run, numbers as measured.\n\n"
            )
        with path.open("a") as fh:
            fh.write(text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
