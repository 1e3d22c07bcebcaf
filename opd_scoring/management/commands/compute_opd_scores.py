"""Compute the OPD index for a period into a new snapshot (and publish it by default).

manage.py compute_opd_scores                       # this fiscal year, whole year, published
manage.py compute_opd_scores --year 2025 --period quarter --number 2 --no-publish
"""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from opd_scoring.models import PeriodKind
from opd_scoring.services import ScoringError, compute_snapshot, get_active_scheme, get_period


class Command(BaseCommand):
    help = "Hitung indeks OPD untuk satu periode (snapshot baru)."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, help="Tahun anggaran (bawaan: tahun ini).")
        parser.add_argument("--period", choices=PeriodKind.values, default=PeriodKind.YEAR)
        parser.add_argument(
            "--number", type=int, help="Bulan 1–12 atau triwulan 1–4 (bawaan: yang sedang berjalan)."
        )
        parser.add_argument(
            "--publish",
            action="store_true",
            default=True,
            help="Publikasikan snapshot (bawaan).",
        )
        parser.add_argument("--no-publish", dest="publish", action="store_false", help="Simpan sebagai draf.")

    def handle(self, *args, year=None, period="year", number=None, publish=True, **options):
        today = timezone.localdate()
        year = year or today.year
        if number is None:
            number = {PeriodKind.MONTH: today.month, PeriodKind.QUARTER: (today.month - 1) // 3 + 1}.get(
                period, 1
            )
        try:
            period_obj = get_period(kind=period, year=year, number=number)
        except ScoringError as exc:
            raise CommandError(str(exc)) from exc
        scheme = get_active_scheme()
        snapshot = compute_snapshot(period=period_obj, scheme=scheme, publish=publish)
        count = snapshot.scores.count()
        state = "dipublikasikan" if publish else "draf"
        self.stdout.write(
            self.style.SUCCESS(f"Snapshot #{snapshot.pk} {period_obj} ({scheme}): {count} OPD, {state}.")
        )
