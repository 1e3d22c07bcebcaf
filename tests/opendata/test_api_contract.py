"""The spec and the server agree: schemathesis against a live test server, every check on.

It fails on any 5xx, any response that breaks the spec (status, content type, body, headers),
any valid request refused, any invalid one accepted, and any method the spec does not list
that is not answered 405 with ``Allow``. The number of examples is bounded and generation is
deterministic (no random seed, no example database), so the run repeats exactly and takes well under two minutes.
"""

import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from catalog.models import BusinessScale
from procurement.models import OrderStatus
from tests.factories import CategoryFactory, KecamatanFactory, KelurahanFactory, ProductFactory, VendorFactory

from .factories import jkt, make_order

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

SCHEMATHESIS = shutil.which("schemathesis", path=str(Path(sys.executable).parent)) or shutil.which(
    "schemathesis"
)
MAX_EXAMPLES = 12


@pytest.fixture
def published(settings):
    # The run sends a few hundred requests from one address; the limit has its own test.
    settings.API_RATE_LIMIT = 0
    food = CategoryFactory(name="Makanan", slug="makanan")
    snack = CategoryFactory(name="Keripik", slug="keripik", parent=food)
    for index, (kecamatan, scale) in enumerate(
        [("Batu", BusinessScale.MIKRO), ("Bumiaji", BusinessScale.KECIL), ("Junrejo", BusinessScale.MENENGAH)]
    ):
        vendor = VendorFactory(
            scale=scale, kelurahan=KelurahanFactory(kecamatan=KecamatanFactory(name=kecamatan))
        )
        ProductFactory(vendor=vendor, category=snack, price=Decimal(15000 + index * 1000))
        ProductFactory(vendor=vendor, category=food, price=Decimal(80000), stock=0, min_order=2)
        make_order(OrderStatus.COMPLETED, vendor=vendor, sent=jkt(2025, 2, 3 + index, 9))
    make_order(OrderStatus.SENT, sent=jkt(2025, 4, 1, 10))
    make_order(OrderStatus.CANCELLED, accepted_before_cancel=True, sent=jkt(2025, 5, 2, 10))


@pytest.mark.skipif(SCHEMATHESIS is None, reason="schemathesis is not installed (pip install -e '.[test]')")
def test_the_server_keeps_every_promise_of_its_openapi_spec(live_server, published, tmp_path):
    command = [
        SCHEMATHESIS,
        "run",
        f"{live_server.url}/data/api/openapi.json",
        "--checks=all",
        f"--max-examples={MAX_EXAMPLES}",
        "--generation-deterministic",
        "--phases=examples,coverage,fuzzing",
        "--workers=1",
        "--request-timeout=30",
        "--no-color",
    ]
    result = subprocess.run(command, capture_output=True, text=True, timeout=240, cwd=tmp_path)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-30000:]
