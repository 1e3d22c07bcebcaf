from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from opendata.models import RedFlagKind
from opendata.redflags import Period, store_red_flags


class Command(BaseCommand):
    help = "Hitung tanda bahaya (red flags) satu periode dan simpan untuk admin BPBJ."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, default=None, help="Tahun anggaran (bawaan: tahun ini).")
        group = parser.add_mutually_exclusive_group()
        group.add_argument("--month", type=int, help="Bulan 1-12 (opsional).")
        group.add_argument("--quarter", type=int, help="Triwulan 1-4 (opsional).")

    def handle(self, *args, year=None, month=None, quarter=None, **options):
        year = year or timezone.localdate().year
        try:
            period = Period(year, month=month, quarter=quarter)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        flags = store_red_flags(period)
        counts = {kind: 0 for kind in RedFlagKind.values}
        for flag in flags:
            counts[flag.kind] += 1
        label = f"{year}{' ' + period.code if period.code else ''}"
        self.stdout.write(f"Tanda bahaya {label}: {len(flags)}")
        for kind, label_text in RedFlagKind.choices:
            self.stdout.write(f"  {label_text}: {counts[kind]}")
