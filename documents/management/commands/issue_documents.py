"""Issue the PDFs that should exist and do not (failed generation, a broker that was down)."""

from django.core.management.base import BaseCommand

from documents import services


class Command(BaseCommand):
    help = "Terbitkan PDF Surat Pesanan, BAST dan tanda terima pembayaran yang belum ada."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=None, help="lihat sejauh ini ke belakang (hari)")
        parser.add_argument("--limit", type=int, default=500)

    def handle(self, *args, days=None, limit=500, **options):
        issued, failed = services.issue_missing(days=days, limit=limit)
        self.stdout.write(f"{issued} dokumen diterbitkan, {failed} gagal.")
