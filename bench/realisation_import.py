"""Time and memory of importing a 100,000-row SIPD realisation file (leakage app).

    DEBUG=1 .venv/bin/python bench/realisation_import.py make-file /tmp/realisasi-100k.csv --rows 100000
    DEBUG=1 .venv/bin/python bench/realisation_import.py make-file /tmp/realisasi-100k.xlsx --rows 100000
    DEBUG=1 .venv/bin/python bench/realisation_import.py run /tmp/realisasi-100k.csv --runs 2

``make-file`` writes rows for the database's OPDs (``seed_demo`` or ``seed_demo --only-catalog``)
over the mapped account codes (the starting map is loaded if the map is empty), with company and
personal payees and some NPWPs. ``run`` stores the file as an import and runs the worker's code
(``leakage.services.run_import``) in this process, timing it and reading the process's peak
resident memory (VmHWM in /proc/self/status) before and after; a second run re-imports the same
period (the old rows are replaced). Results are in bench/RESULTS.md ("Realised spending import").
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ecatalog.settings")


def _vm(field: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return 0.0


def make_file(path: str, rows: int, year: int) -> None:
    import django

    django.setup()
    from leakage import services
    from leakage.importer import HEADERS
    from leakage.models import AccountCategoryMap
    from procurement.models import OPD

    if not AccountCategoryMap.objects.exists():
        services.load_default_map()
    opds = list(OPD.objects.values_list("code", flat=True))
    codes = list(AccountCategoryMap.objects.values_list("account_code", flat=True)) + ["5.1.02.01.01.0099"]
    if not opds:
        raise SystemExit("No OPDs: run seed_demo (or seed_demo --only-catalog) first.")
    rng = random.Random(100)
    payees = [
        ("CV Sumber Rejeki", "013456789625000"),
        ("PT Sarana Kantor", "027654321641000"),
        ("Siti Aminah", ""),
        ("Toko Makmur", ""),
    ]
    data = []
    for i in range(rows):
        payee, npwp = rng.choice(payees)
        data.append(
            [
                rng.choice(opds),
                (date(year, 1, 1) + timedelta(days=rng.randrange(365))).isoformat(),
                rng.choice(codes),
                f"Belanja uji {i}",
                str(rng.randrange(50, 50_000) * 1000),
                payee,
                npwp,
            ]
        )
    if path.endswith(".xlsx"):
        from openpyxl import Workbook

        # A normal workbook records its size (<dimension>) as Excel and LibreOffice do.
        wb = Workbook()
        ws = wb.active
        ws.title = "realisasi"
        ws.append(HEADERS)
        for row in data:
            ws.append(row)
        wb.save(path)
    else:
        with open(path, "w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(HEADERS)
            writer.writerows(data)
    print(f"{path}: {rows} rows, {Path(path).stat().st_size / 1e6:.1f} MB")


def run(path: str, runs: int, year: int) -> None:
    import django

    django.setup()
    from django.core.files.uploadedfile import SimpleUploadedFile

    from leakage import services
    from leakage.models import RealisedSpending

    content = Path(path).read_bytes()
    print(f"before: VmRSS {_vm('VmRSS'):.1f} MB, VmHWM {_vm('VmHWM'):.1f} MB")
    for n in range(runs):
        upload = SimpleUploadedFile(Path(path).name, content)
        # Not through the queue: the same function the worker runs, timed alone.
        from unittest import mock

        with mock.patch("ecatalog.celery.enqueue"):
            batch = services.create_import(
                upload=upload, fiscal_year=year, period_start=date(year, 1, 1), period_end=date(year, 12, 31)
            )
        started = time.perf_counter()
        batch = services.run_import(batch.pk)
        elapsed = time.perf_counter() - started
        print(
            f"run {n + 1}: {elapsed:.1f} s, status {batch.status}, {batch.imported_rows} rows in, "
            f"{batch.error_count} errors, {batch.replaced_rows} replaced; "
            f"VmRSS {_vm('VmRSS'):.1f} MB, VmHWM {_vm('VmHWM'):.1f} MB"
        )
    print(f"rows stored: {RealisedSpending.objects.filter(fiscal_year=year).count()}")
    started = time.perf_counter()
    data = services.leakage_map(fiscal_year=year, start=date(year, 1, 1), end=date(year, 12, 31))
    print(f"leakage map over them: {time.perf_counter() - started:.2f} s ({len(data['opds'])} OPDs)")


def main() -> None:
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("make-file")
    p.add_argument("path")
    p.add_argument("--rows", type=int, default=100_000)
    p.add_argument("--year", type=int, default=2025)
    p = sub.add_parser("run")
    p.add_argument("path")
    p.add_argument("--runs", type=int, default=2)
    p.add_argument("--year", type=int, default=2025)
    args = parser.parse_args()
    if args.command == "make-file":
        make_file(args.path, args.rows, args.year)
    else:
        run(args.path, args.runs, args.year)


if __name__ == "__main__":
    main()
