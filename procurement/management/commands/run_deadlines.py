"""Run the deadline rules now (what celery beat runs every hour), without a worker."""

from django.core.management.base import BaseCommand, CommandError

from procurement import deadlines, tasks


class Command(BaseCommand):
    help = (
        "Jalankan aturan tenggat (hari kerja): batal otomatis, tutup negosiasi, tandai terlambat, "
        "eskalasi pembayaran, pengingat, sertifikat kedaluwarsa."
    )

    def add_arguments(self, parser):
        rules = [*deadlines.ORDER_RULES, deadlines.CERTIFICATE_EXPIRY]
        parser.add_argument("--rule", choices=rules, help="Hanya satu aturan.")

    def handle(self, *args, rule=None, **options):
        try:
            lines = [tasks.run_deadline_rule(rule)] if rule else tasks.run_deadlines()
        except Exception as exc:  # a clear message instead of a traceback for the operator
            raise CommandError(f"Aturan tenggat gagal: {exc}") from exc
        for line in lines:
            self.stdout.write(line)
