from celery import shared_task

from ecatalog.celery import enqueue

from . import services


@shared_task(name="leakage.tasks.run_realisation_import", ignore_result=True)
def run_realisation_import(batch_id: int) -> None:
    services.run_import(batch_id)


@shared_task(name="leakage.tasks.resume_realisation_imports", ignore_result=True)
def resume_realisation_imports() -> int:
    """Beat: re-send imports whose task was lost, restart those whose worker died."""
    batch_ids = services.imports_to_resume()
    for batch_id in batch_ids:
        enqueue(run_realisation_import, batch_id)
    return len(batch_ids)
