"""Concurrent offers at the deadline on PostgreSQL: every offer accepted is ranked, none slips in
after the board is drawn up (offers and closing take the competition's row lock)."""

import threading
import time
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection, connections
from django.utils import timezone

from competition import services
from competition.models import Competition, CompetitionStatus, Offer
from tests.factories import CategoryFactory, OPDMemberFactory, ProductFactory, VendorFactory
from tests.procurement.factories import RUPPackageFactory

pytestmark = [
    pytest.mark.slow,
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
]

VENDORS = 10


def test_offers_racing_the_deadline_are_either_ranked_or_refused():
    category = CategoryFactory()
    vendors = [VendorFactory() for _ in range(VENDORS)]
    for v in vendors:
        ProductFactory(vendor=v, category=category)
    member = OPDMemberFactory()
    package = RUPPackageFactory(opd=member.opd, pagu=Decimal("10000000"))
    competition = services.start_competition(
        user=member.user,
        package_id=package.pk,
        title="ATK",
        category_id=category.pk,
        items=[services.ItemInput("Kertas HVS A4 70 gram", 10, "rim")],
        hps="1000000",
        delivery_address="Balai Kota",
        needed_by=(timezone.localdate() + timedelta(days=60)),
        offer_deadline=services.earliest_offer_deadline(),
    )
    deadline = timezone.now() + timedelta(seconds=3)
    Competition.objects.filter(pk=competition.pk).update(offer_deadline=deadline)
    item = competition.items.get()
    accepted, refused, unexpected = [], [], []
    lock = threading.Lock()
    barrier = threading.Barrier(VENDORS + 1)

    def wait_until(moment):
        delay = (moment - timezone.now()).total_seconds()
        if delay > 0:
            time.sleep(delay)

    def bid(index, vendor):
        try:
            barrier.wait()
            # Spread around the deadline: half just before, half just after.
            wait_until(deadline + timedelta(milliseconds=(index - VENDORS // 2) * 40))
            services.submit_offer(
                competition=competition, user=vendor.user, prices={item.pk: str(50000 + index)}
            )
            with lock:
                accepted.append(vendor.pk)
        except services.CompetitionError as exc:
            with lock:
                refused.append(exc.message)
        except Exception as exc:  # a deadlock or constraint error fails the test
            with lock:
                unexpected.append(repr(exc))
        finally:
            connections.close_all()

    def close():
        try:
            barrier.wait()
            wait_until(deadline)
            services.close_if_due(competition)
        except Exception as exc:
            with lock:
                unexpected.append(repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=bid, args=(i, v)) for i, v in enumerate(vendors)]
    threads.append(threading.Thread(target=close))
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)

    assert unexpected == []
    assert len(accepted) + len(refused) == VENDORS, refused
    assert all("Batas penawaran sudah lewat" in m for m in refused)
    competition.refresh_from_db()
    assert competition.status == CompetitionStatus.EVALUATION, refused
    offers = list(Offer.objects.filter(competition=competition))
    assert sorted(o.vendor_id for o in offers) == sorted(accepted)
    assert all(o.rank is not None for o in offers)
