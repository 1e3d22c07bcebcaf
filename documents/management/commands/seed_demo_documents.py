"""Demo documents: the PDFs of a few of the demo OPD's paid orders, and one audit pack's size.

Runs after ``seed_demo_orders`` (``seed_demo`` calls it). Demo orders are written in bulk, not
through the services, so no document was issued for them; this issues them the way the task
would (``documents.services.issue``), so `pembeli` sees SP, BAST and payment PDFs with working
QR codes on the order page, and prints the time each PDF took and the size of an audit pack.
"""

from django.core.management.base import BaseCommand
from django.db.models import Count

from documents import audit_pack, services
from documents.kinds import KINDS
from procurement.models import PAID_STATUSES, OPDMember, Order

DEMO_ORDERS = 3


class Command(BaseCommand):
    help = "Data demo dokumen: PDF SP, BAST dan tanda terima pembayaran untuk beberapa pesanan OPD demo."

    def handle(self, *args, **options):
        member = OPDMember.objects.filter(user__username="pembeli").select_related("opd").first()
        if member is None:
            self.stdout.write("Akun pembeli demo tidak ada; dokumen demo dilewati.")
            return
        orders = list(
            Order.objects.filter(opd=member.opd, status__in=PAID_STATUSES)
            .annotate(n_receipts=Count("receipts"))
            .order_by("-n_receipts", "-paid_at")[:DEMO_ORDERS]
        )
        try:
            import weasyprint  # noqa: F401
        except (ImportError, OSError):
            # A machine without Pango (WeasyPrint's system library) still gets the rest of the demo.
            self.stdout.write(
                "WeasyPrint tidak dapat dimuat (pasang libpango-1.0-0 libpangoft2-1.0-0); dokumen PDF demo dilewati."
            )
            return
        timings = []
        for order in orders:
            sources = [("sp", order.pk)]
            sources += [("bast", pk) for pk in order.receipts.values_list("pk", flat=True)]
            sources += [("payment", pk) for pk in order.payments.values_list("pk", flat=True)]
            for kind, source_id in sources:
                if kind in KINDS:
                    document = services.issue(kind, source_id)
                    timings.append((document, document.generation_ms))
        for document, ms in timings:
            self.stdout.write(f"  {document}: {ms} ms, {document.size} byte")
        if orders:
            size = len(audit_pack.build(orders[0]))
            average = sum(ms for _d, ms in timings) / len(timings)
            self.stdout.write(
                f"{len(timings)} dokumen demo (rata-rata {average:.0f} ms per PDF); "
                f"paket audit {orders[0].number}: {size} byte."
            )
