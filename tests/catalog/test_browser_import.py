"""The import progress page in headless Chromium: the static script polls, then shows the result."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from catalog import services
from catalog.models import ImportJobStatus
from ecatalog import celery as celery_module
from tests.factories import CategoryFactory, VendorFactory

from .test_browser_flow import login
from .test_import import HEADER

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_the_progress_page_follows_the_worker_and_then_shows_the_rows(browser, live_server, monkeypatch):
    CategoryFactory(name="Makanan & Minuman", slug="makanan-minuman")
    vendor = VendorFactory()
    lines = [HEADER, "Keripik,makanan-minuman,pcs,5000,1,1,1,,,", "Rusak,makanan-minuman,pcs,abc,1,1,1,,,"]
    # No worker yet: the job waits in the queue.
    monkeypatch.setattr(celery_module, "enqueue", lambda *a, **k: True)
    job = services.start_product_import(
        vendor=vendor,
        upload=SimpleUploadedFile("produk.csv", "\n".join(lines).encode()),
        by=vendor.user,
    )
    page = login(browser, live_server, vendor.user.username)
    errors = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.goto(f"{live_server.url}{job.get_absolute_url()}")
    assert page.locator("progress[data-import-progress]").is_visible()
    assert "Menunggu giliran" in page.inner_text("main")

    services.run_product_import(job.pk)  # the worker
    job.refresh_from_db()
    assert job.status == ImportJobStatus.DONE
    # The script sees "finished" and reloads: the per-row result replaces the bar.
    page.wait_for_selector("table.import-errors", timeout=15000)
    text = page.inner_text("main")
    assert "1 dari 2 baris diimpor sebagai draf; 1 baris bermasalah." in text
    assert page.locator("progress").count() == 0
    assert not [e for e in errors if "Content Security Policy" in e]
