"""Demo of the work that runs in the background (after seed_demo_orders).

* the ``penyedia`` account's product import from a small CSV (one row with a wrong price),
  run through the same job and task as an upload, so its result page is there to open;
* the outbox in the admin: one e-mail that kept failing (a mailbox that refuses mail), so
  BPBJ sees what a failure looks like and can send it again;
* the yearly OCDS bulk files, built once so the first download is instant.
"""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from catalog import importers
from catalog.models import Category, Product, Vendor
from catalog.services import CatalogError, start_product_import
from opendata.tasks import rebuild_all_ocds_bulk_files
from outbox.models import Channel, OutboxMessage, Status

DEMO_IMPORT_NAME = "contoh-impor-produk.csv"


class Command(BaseCommand):
    help = "Data demo untuk pekerjaan latar belakang: impor produk, kotak keluar, berkas OCDS tahunan."

    def handle(self, *args, **options):
        self.seed_import()
        self.seed_failed_email()
        years = rebuild_all_ocds_bulk_files()
        self.stdout.write(f"Berkas OCDS tahunan dibangun: {', '.join(map(str, years)) or '-'}.")

    def seed_import(self):
        vendor = Vendor.objects.filter(user__username="penyedia").select_related("user").first()
        category = Category.objects.filter(parent__isnull=False).order_by("id").first()
        if (
            vendor is None
            or category is None
            or vendor.import_jobs.filter(original_name=DEMO_IMPORT_NAME).exists()
        ):
            return
        rows = [",".join(importers.HEADERS)]
        for i, (name, price) in enumerate(
            [
                ("Keripik Apel Pedas 100 g", "17000"),
                ("Sari Apel Batu 250 ml", "8500"),
                ("Dodol Apel 200 g", "harga?"),
                ("Cuka Apel 500 ml", "35000"),
            ],  # fmt: skip
            start=1,
        ):
            rows.append(
                f"{name},{category.slug},pcs,{price},{i},50,2,Produk olahan apel Kota Batu.,Berat: 100 g,60"
            )
        upload = SimpleUploadedFile(DEMO_IMPORT_NAME, "\n".join(rows).encode(), content_type="text/csv")
        try:
            job = start_product_import(vendor=vendor, upload=upload, by=vendor.user)
        except CatalogError as exc:  # e.g. the demo vendor is not verified
            self.stdout.write(f"Impor demo dilewati: {exc.message}")
            return
        job.refresh_from_db()
        self.stdout.write(
            f"Impor demo penyedia: {job.created_count} dari {job.total_rows} baris "
            f"({job.get_status_display()}); draf: {Product.objects.filter(vendor=vendor).count()} produk."
        )

    def seed_failed_email(self):
        if OutboxMessage.objects.filter(status=Status.FAILED).exists():
            return
        vendor = (
            Vendor.objects.exclude(user__username="penyedia").select_related("user").order_by("id").first()
        )
        if vendor is None:
            return
        with transaction.atomic():
            OutboxMessage.objects.create(
                channel=Channel.EMAIL,
                user=vendor.user,
                to_email=f"kotak-penuh.{vendor.user.username}@demo.ekatalog.local",
                subject="[E-Katalog Lokal] Pengingat: pesanan menunggu jawaban",
                body="Pesanan menunggu jawaban Anda.",
                status=Status.FAILED,
                attempts=8,
                last_error="SMTPRecipientsRefused: 552 5.2.2 mailbox full",
                next_attempt_at=timezone.now(),
            )
        self.stdout.write("Kotak keluar: satu email gagal (contoh) untuk dilihat di admin.")
