"""Time the product import page (POST of the 1,000-row template file) and a worker's memory.

    .venv/bin/python bench/import_timing.py make-file /tmp/impor-1000.xlsx
    .venv/bin/python bench/import_timing.py post /tmp/impor-1000.xlsx --runs 3

``make-file`` writes the import template (catalog/importers.template_xlsx) filled with
1,000 valid rows (the most the importer accepts). ``post`` logs in as the demo vendor
``penyedia`` with Django's test client and times the POST of that file, as many times as
asked. It runs against any version of the code (before: the request imports the file; after:
it stores the file and queues a job), so the same command measures both. Memory of the worker
is read from /proc/<pid>/status (VmHWM, the peak resident set) by ``watch-worker``.
Results are in bench/RESULTS.md ("Task queue").
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ecatalog.settings")


def make_file(path: str, rows: int) -> None:
    import django

    django.setup()
    from openpyxl import load_workbook

    from catalog import importers

    workbook = load_workbook(io.BytesIO(importers.template_xlsx()))
    sheet = workbook["Produk"]
    example = [c.value for c in sheet[2]]
    sheet.delete_rows(2)
    for i in range(rows):
        row = list(example)
        row[0] = f"Produk impor uji {i + 1:04d}"
        row[3] = str(10000 + i)
        sheet.append(row)
    workbook.save(path)
    print(f"{path}: {rows} rows, {Path(path).stat().st_size} bytes")


def post(path: str, runs: int, username: str) -> None:
    import django

    django.setup()
    from django.conf import settings
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client

    from accounts.models import User

    settings.ALLOWED_HOSTS = ["*"]
    client = Client(secure=True)
    client.force_login(User.objects.get(username=username))
    data = Path(path).read_bytes()
    for run in range(runs):
        upload = SimpleUploadedFile(Path(path).name, data)
        started = time.perf_counter()
        response = client.post("/usaha/produk/impor/", {"file": upload})
        elapsed = time.perf_counter() - started
        print(f"run {run + 1}: {response.status_code} in {elapsed * 1000:.0f} ms")


def watch_worker(pid: int, seconds: float) -> None:
    """Print VmRSS every 0.2 s and the peak (VmHWM) at the end."""
    end = time.monotonic() + seconds
    status = Path(f"/proc/{pid}/status")
    peak = 0
    while time.monotonic() < end and status.exists():
        fields = dict(line.split(":", 1) for line in status.read_text().splitlines() if ":" in line)
        rss = int(fields["VmRSS"].split()[0])
        peak = max(peak, int(fields["VmHWM"].split()[0]))
        print(f"rss {rss / 1024:.1f} MB", flush=True)
        time.sleep(0.2)
    print(f"peak (VmHWM) {peak / 1024:.1f} MB")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("make-file")
    p.add_argument("path")
    p.add_argument("--rows", type=int, default=1000)
    p = sub.add_parser("post")
    p.add_argument("path")
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--username", default="penyedia")
    p = sub.add_parser("watch-worker")
    p.add_argument("pid", type=int)
    p.add_argument("--seconds", type=float, default=60)
    args = parser.parse_args()
    if args.command == "make-file":
        make_file(args.path, args.rows)
    elif args.command == "post":
        post(args.path, args.runs, args.username)
    else:
        watch_worker(args.pid, args.seconds)
