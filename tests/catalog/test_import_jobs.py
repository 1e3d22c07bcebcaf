"""Product import by a worker: the upload answers at once, progress per committed batch, resumable."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from catalog import services
from catalog.models import ImportJobStatus, Product, ProductImportJob
from catalog.tasks import resume_import_jobs

from .test_import import csv_file

pytestmark = pytest.mark.django_db

GOOD = "Produk {n},makanan-minuman,pcs,{price},1,1,1,,,"


def rows(count, bad_at=()):
    return [
        "Rusak,makanan-minuman,pcs,abc,1,1,1,,," if i in bad_at else GOOD.format(n=i, price=1000 + i)
        for i in range(count)
    ]


def upload_job(client, *lines, capture, execute=False):
    with capture(execute=execute):
        response = client.post(reverse("catalog:product_import"), {"file": csv_file(*lines)})
    assert response.status_code == 302
    job = ProductImportJob.objects.latest("id")
    assert response.url == job.get_absolute_url()
    return job


class Crash(BaseException):
    """A worker dying mid-import (not an Exception: nothing may catch it)."""


def test_the_upload_answers_at_once_and_the_page_shows_progress_without_inline_script(
    vendor_client, category, django_capture_on_commit_callbacks
):
    job = upload_job(vendor_client, *rows(3), capture=django_capture_on_commit_callbacks)
    assert job.status == ImportJobStatus.QUEUED and not Product.objects.exists()
    page = vendor_client.get(job.get_absolute_url()).content.decode()
    assert "<progress" in page and "import_progress.js" in page
    assert '<noscript><meta http-equiv="refresh" content="3"></noscript>' in page
    assert "Muat ulang" in page
    assert "<script>" not in page and "<script " not in page.replace('<script src="', "")
    status = vendor_client.get(reverse("catalog:product_import_status", args=[job.pk])).json()
    assert status == {
        "status": "queued",
        "status_display": "menunggu",
        "total_rows": 0,
        "processed_rows": 0,
        "created_count": 0,
        "percent": 0,
        "finished": False,
    }


def test_the_worker_imports_and_the_page_shows_the_per_row_result(
    vendor_client, category, django_capture_on_commit_callbacks
):
    job = upload_job(
        vendor_client, *rows(4, bad_at={2}), capture=django_capture_on_commit_callbacks, execute=True
    )
    job.refresh_from_db()
    assert (job.status, job.total_rows, job.processed_rows, job.created_count) == ("done", 4, 4, 3)
    assert job.errors[0][0] == 4 and "harga" in job.errors[0][1]
    assert not job.file  # the upload is deleted once imported
    page = vendor_client.get(job.get_absolute_url()).content.decode()
    assert "3 dari 4 baris diimpor sebagai draf; 1 baris bermasalah." in page
    assert '<td data-label="Baris">4</td>' in page
    assert "<progress" not in page and "http-equiv" not in page and "import_progress.js" not in page
    assert vendor_client.get(reverse("catalog:product_import_status", args=[job.pk])).json()["finished"]
    assert job.original_name in vendor_client.get(reverse("catalog:product_import")).content.decode()


def test_a_file_level_problem_fails_the_job_with_its_reason(
    vendor_client, category, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        vendor_client.post(reverse("catalog:product_import"), {"file": csv_file("a,b", header="nama,warna")})
    job = ProductImportJob.objects.get()
    assert job.status == ImportJobStatus.FAILED and "warna" in job.message
    assert "Impor gagal" in vendor_client.get(job.get_absolute_url()).content.decode()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [("a.doc", b"x", "harus .csv atau .xlsx"), ("a.csv", b"", "kosong")],
)
def test_obviously_wrong_files_are_refused_on_the_form(vendor_client, name, content, message):
    response = vendor_client.post(
        reverse("catalog:product_import"), {"file": SimpleUploadedFile(name, content)}
    )
    assert response.status_code == 200 and not ProductImportJob.objects.exists()
    assert message in response.content.decode()


def test_progress_is_committed_per_batch_and_a_crashed_job_resumes_without_duplicates(
    vendor, category, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(services, "IMPORT_BATCH_SIZE", 2)
    with django_capture_on_commit_callbacks(execute=False):
        job = services.start_product_import(
            vendor=vendor, upload=csv_file(*rows(6, bad_at={1})), by=vendor.user
        )
    real_create = services._create_import_rows
    calls = {"n": 0}

    def dies_in_second_batch(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 2:
            raise Crash
        return real_create(*args, **kwargs)

    monkeypatch.setattr(services, "_create_import_rows", dies_in_second_batch)
    with pytest.raises(Crash):
        services.run_product_import(job.pk)
    job.refresh_from_db()
    # The first batch (2 valid rows) committed with its progress; the second rolled back.
    assert (job.status, job.total_rows, job.processed_rows, job.created_count) == ("running", 6, 3, 2)
    assert Product.objects.count() == 2

    monkeypatch.setattr(services, "_create_import_rows", real_create)
    assert services.run_product_import(job.pk) is None  # its worker may still be alive: not taken
    ProductImportJob.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now() - timedelta(minutes=5))
    resume_import_jobs.delay()  # beat: the worker stopped reporting, take the job over
    job.refresh_from_db()
    assert (job.status, job.processed_rows, job.created_count, job.attempts) == ("done", 6, 5, 2)
    assert sorted(Product.objects.values_list("name", flat=True)) == [f"Produk {i}" for i in (0, 2, 3, 4, 5)]
    assert [line for line, _m in job.errors] == [3]


def test_a_job_whose_task_was_lost_is_sent_again(vendor, category, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):  # the broker never got the task
        job = services.start_product_import(vendor=vendor, upload=csv_file(*rows(2)), by=vendor.user)
    assert resume_import_jobs.delay().result == 0  # too fresh: its task may still be on its way
    ProductImportJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - timedelta(minutes=5))
    assert resume_import_jobs.delay().result == 1
    job.refresh_from_db()
    assert job.status == ImportJobStatus.DONE and job.created_count == 2


def test_a_job_that_keeps_dying_is_failed_with_a_message(
    vendor, category, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        job = services.start_product_import(vendor=vendor, upload=csv_file(*rows(2)), by=vendor.user)
    ProductImportJob.objects.filter(pk=job.pk).update(attempts=services.IMPORT_MAX_ATTEMPTS)
    services.run_product_import(job.pk)
    job.refresh_from_db()
    assert job.status == ImportJobStatus.FAILED and "Unggah ulang" in job.message


def test_vendors_see_only_their_own_import_jobs(
    vendor_client, other_vendor_client, bpbj_client, category, django_capture_on_commit_callbacks
):
    job = upload_job(vendor_client, *rows(1), capture=django_capture_on_commit_callbacks)
    for url in (job.get_absolute_url(), reverse("catalog:product_import_status", args=[job.pk])):
        assert vendor_client.get(url).status_code == 200
        assert other_vendor_client.get(url).status_code == 404
        assert bpbj_client.get(url).status_code in (302, 403)


def test_the_status_endpoint_costs_a_fixed_number_of_queries(
    vendor_client, category, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    job = upload_job(vendor_client, *rows(1), capture=django_capture_on_commit_callbacks)
    with django_assert_max_num_queries(6):
        vendor_client.get(reverse("catalog:product_import_status", args=[job.pk]))
