"""Chaos run: stop PostgreSQL under checkout load, start it again, check nothing was lost.

    .venv/bin/python bench/chaos.py                  # the real thing: stops PostgreSQL for ~10 s
    .venv/bin/python bench/chaos.py --no-outage      # same load and checks, database left running

STOPS THE WHOLE POSTGRESQL CLUSTER (every database on it): run it only on a machine nobody
else is using. Steps:

1. start gunicorn (production settings, plain HTTP) and concurrent buyers checking out over HTTP;
2. after --outage-after seconds stop PostgreSQL (``pg_ctlcluster --skip-systemctl-redirect <ver>
   main stop``), keep probing public pages: each must answer the friendly 503 page, never a
   traceback; after --outage seconds start it again;
3. without restarting gunicorn, wait until pages answer 200 again (recovery time);
4. when the load ends, check the invariants on the whole database and report requests sent,
   failed, and orders lost (acknowledged to the client but not in the database: must be 0).

Exit code 0 only if no order was lost, every invariant holds, every outage answer was the
503 page and the app recovered.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import checkout  # noqa: E402
from bench.common import DEFAULT_DB, Gunicorn, collectstatic, production_env, setup_django  # noqa: E402

FRIENDLY_503 = "tidak tersedia"  # templates/503.html
PROBE_PATHS = ["/", "/produk/", "/indeks/"]


def pg_cluster(action: str) -> None:
    version = sorted(p.name for p in Path("/etc/postgresql").iterdir())[0]
    subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", action], check=True)


def wait_for_postgres(timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if subprocess.run(["pg_isready", "-h", "127.0.0.1", "-q"]).returncode == 0:
            return
        time.sleep(0.5)
    raise RuntimeError("PostgreSQL did not come back")


def probe(base: str, path: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(base + path, timeout=10) as r:
            return r.status, r.read().decode(errors="replace")
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode(errors="replace")
    except (urllib.error.URLError, OSError) as e:
        return 0, str(e)


class Prober(threading.Thread):
    """Requests public pages every half second and records what came back during the outage."""

    def __init__(self, base: str):
        super().__init__(daemon=True)
        self.base, self.stop_event = base, threading.Event()
        self.outage = threading.Event()
        self.during_outage: list[tuple[str, int, bool]] = []  # (path, status, acceptable answer)

    def run(self):
        while not self.stop_event.is_set():
            for path in PROBE_PATHS:
                status, body = probe(self.base, path)
                if self.outage.is_set():
                    # A cached page may still answer 200; anything else must be the friendly 503.
                    friendly = status == 200 or (
                        status == 503 and FRIENDLY_503 in body and "Traceback" not in body
                    )
                    self.during_outage.append((path, status, friendly))
            time.sleep(0.5)


def invariants() -> dict[str, int]:
    from django.db import connection

    from catalog.national_data import check_invariants

    connection.close()  # the old connection died with the server
    with connection.cursor() as cur:
        return check_invariants(cur)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url", default=DEFAULT_DB)
    parser.add_argument("--port", type=int, default=8220)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--buyers", type=int, default=8)
    parser.add_argument("--duration", type=float, default=40, help="seconds of checkout load")
    parser.add_argument("--outage-after", type=float, default=10)
    parser.add_argument("--outage", type=float, default=10, help="seconds PostgreSQL stays stopped")
    parser.add_argument("--no-outage", action="store_true", help="do not stop PostgreSQL (a dry run)")
    args = parser.parse_args()

    env = production_env(args.database_url)
    setup_django(env)
    if not checkout.flow_available():
        sys.exit("checkout flow not available: see FLOW in bench/checkout.py")
    collectstatic(env)
    buyers, products = checkout.prepare(args.buyers, args.buyers * 2000)
    if not buyers or not products:
        sys.exit("no buyers or products: load data with manage.py seed_national first")

    stats = checkout.Stats()
    recovered_after = None
    with Gunicorn(env, args.port, args.workers) as server:
        prober = Prober(server.base)
        prober.start()
        load = threading.Thread(
            target=checkout.run, args=(server.base, buyers, products, args.duration, stats)
        )
        load.start()
        if not args.no_outage:
            time.sleep(args.outage_after)
            print(f"== stopping PostgreSQL for {args.outage:.0f} s", file=sys.stderr)
            pg_cluster("stop")
            prober.outage.set()
            time.sleep(args.outage)
            prober.outage.clear()
            pg_cluster("start")
            wait_for_postgres()
            started = time.monotonic()
            while time.monotonic() - started < 60:
                if all(probe(server.base, p)[0] == 200 for p in PROBE_PATHS):
                    recovered_after = time.monotonic() - started
                    break
                time.sleep(0.5)
            print(f"== PostgreSQL back; pages answer 200 after {recovered_after} s", file=sys.stderr)
        load.join()
        prober.stop_event.set()
        prober.join()
        gunicorn_pid_unchanged = server.proc.poll() is None

    results = invariants()
    lost = checkout.lost_orders(stats)
    outage_answers = prober.during_outage
    unfriendly = [a for a in outage_answers if not a[2]]
    print("\n## Chaos run" + (" (no outage: dry run)" if args.no_outage else ""))
    print(f"- requests sent: {stats.sent}, failed: {stats.failed}, statuses: {stats.statuses}")
    print(f"- checkouts acknowledged: {stats.checkouts}, orders lost: {len(lost)}")
    if not args.no_outage:
        print(
            f"- answers during the outage: {len(outage_answers)}, friendly 503: "
            f"{len(outage_answers) - len(unfriendly)}, other: {len(unfriendly)} {unfriendly[:5]}"
        )
        print(
            f"- recovered without restarting gunicorn: {recovered_after is not None and gunicorn_pid_unchanged} "
            f"(pages 200 again {recovered_after} s after PostgreSQL was up)"
        )
    print("- invariants on the whole database:")
    for label, count in results.items():
        print(f"  - {'OK' if count == 0 else 'BROKEN'} {label}: {count}")
    ok = not lost and not any(results.values())
    if not args.no_outage:
        ok = ok and not unfriendly and recovered_after is not None
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
