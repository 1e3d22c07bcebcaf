"""Yearly OCDS bulk files: built as files, served with Content-Length/ETag/Last-Modified, rebuilt after changes."""

import json

import pytest
from django.urls import reverse

from ecatalog import celery as celery_module
from opendata import bulk
from opendata.tasks import rebuild_all_ocds_bulk_files
from procurement.models import Order, OrderStatus

from .factories import jkt, make_order

pytestmark = pytest.mark.django_db

URL = reverse("opendata:ocds_bulk", args=[2025])


def orders(n=3, status=OrderStatus.PAID):
    return [make_order(status, sent=jkt(2025, 5, 1 + i, 9)) for i in range(n)]


def body(response) -> bytes:
    return b"".join(response.streaming_content)


@pytest.fixture
def with_worker(monkeypatch):
    """As if a broker and worker were configured: record what would be enqueued."""
    sent = []
    monkeypatch.setattr(celery_module, "runs_inline", lambda: False)
    monkeypatch.setattr(
        celery_module,
        "enqueue",
        lambda task, *args, countdown=None, **kw: sent.append((task.name, args, countdown)) or True,
    )
    return sent


def test_the_file_is_served_with_length_etag_and_last_modified(anon_client):
    orders(3)
    response = anon_client.get(URL)
    assert response.status_code == 200
    content = body(response)
    assert int(response["Content-Length"]) == len(content)
    assert len(content.decode().strip().split("\n")) == 3
    built = bulk.current(2025)
    assert response["ETag"] == f'"{built.etag}"'
    assert response["Last-Modified"]
    assert 'filename="ocds-katalog-lokal-2025.jsonl"' in response["Content-Disposition"]
    assert built.path.read_bytes() == content


def test_a_client_that_has_the_file_gets_304(anon_client):
    orders(2)
    first = anon_client.get(URL)
    body(first)
    assert anon_client.get(URL, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    assert anon_client.get(URL, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"]).status_code == 304
    assert anon_client.get(URL, HTTP_IF_NONE_MATCH='"something-else"').status_code == 200


def test_head_answers_the_headers_only(anon_client):
    orders(1)
    response = anon_client.head(URL)
    assert response.status_code == 200 and int(response["Content-Length"]) > 0


def test_a_fresh_file_is_not_rebuilt_on_download(anon_client, django_assert_max_num_queries):
    orders(3)
    body(anon_client.get(URL))
    built = bulk.current(2025)
    with django_assert_max_num_queries(1):  # only the freshness check
        response = anon_client.get(URL)
        body(response)
    assert bulk.current(2025) == built


def test_without_a_worker_a_change_is_in_the_next_download(anon_client):
    first, *_ = orders(2, status=OrderStatus.ACCEPTED)
    before = anon_client.get(URL)
    body(before)
    first.total += 1000  # a change to a published order
    first.save()
    after = anon_client.get(URL)
    lines = [json.loads(line) for line in body(after).decode().split("\n") if line]
    assert after["ETag"] != before["ETag"]
    assert len(lines) == 2
    assert str(first.total) in json.dumps(lines)


def test_with_a_worker_a_change_queues_one_delayed_rebuild_and_the_old_file_is_served(
    anon_client, with_worker, settings, django_capture_on_commit_callbacks
):
    settings.OCDS_BULK_REBUILD_DELAY = 120
    first, second = orders(2)
    bulk.build(2025)
    before = bulk.current(2025)
    with django_capture_on_commit_callbacks(execute=True):
        first.save()
        second.save()
    assert with_worker == [("opendata.tasks.rebuild_ocds_bulk_file", (2025,), 120)]  # one per burst
    response = anon_client.get(URL)  # stale, but nobody waits for the rebuild
    assert response["ETag"] == f'"{before.etag}"'
    assert len(with_worker) == 1


def test_the_rebuild_task_makes_the_file_fresh_again(anon_client, with_worker):
    orders(2)
    bulk.build(2025)
    make_order(OrderStatus.SENT, sent=jkt(2025, 6, 1, 9))
    assert not bulk.is_fresh(bulk.current(2025))
    from opendata.tasks import rebuild_ocds_bulk_file

    rebuild_ocds_bulk_file(2025)
    rebuilt = bulk.current(2025)
    assert rebuilt.records == 3 and bulk.is_fresh(rebuilt)


def test_nightly_rebuild_covers_every_year_and_drops_years_without_data():
    orders(1)
    make_order(OrderStatus.SENT, fiscal_year=2024, sent=jkt(2024, 5, 1, 9))
    assert rebuild_all_ocds_bulk_files.delay().result == [2024, 2025]
    assert bulk.built_years() == [2024, 2025]
    Order.objects.filter(fiscal_year=2024).update(sent_at=None)  # no longer published
    rebuild_all_ocds_bulk_files.delay()
    assert bulk.built_years() == [2025]
    assert not list(bulk.root().glob("ocds-katalog-lokal-2024-*"))


def test_an_unchanged_rebuild_keeps_etag_and_last_modified():
    orders(2)
    first = bulk.build(2025)
    again = bulk.build(2025, force=True)
    assert (again.etag, again.built_at) == (first.etag, first.built_at)
