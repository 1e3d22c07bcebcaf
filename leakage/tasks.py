from celery import shared_task

from . import services


@shared_task(name="leakage.tasks.run_realisation_import", ignore_result=True)
def run_realisation_import(batch_id: int) -> None:
    services.run_import(batch_id)
