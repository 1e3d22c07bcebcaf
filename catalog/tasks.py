from celery import shared_task

from ecatalog.celery import enqueue

from . import services


@shared_task(name="catalog.tasks.run_product_import", ignore_result=True)
def run_product_import(job_id: int) -> None:
    services.run_product_import(job_id)


@shared_task(name="catalog.tasks.resume_import_jobs", ignore_result=True)
def resume_import_jobs() -> int:
    """Beat: re-send import jobs whose task was lost or whose worker died."""
    job_ids = list(services.import_jobs_to_resume())
    for job_id in job_ids:
        enqueue(run_product_import, job_id)
    return len(job_ids)
