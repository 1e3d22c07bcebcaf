"""Scheduled: offers close at their deadline, unconfirmed awards pass to the next in rank.

Pages also close a competition whose deadline has passed when it is opened, so the server's
clock decides even between two runs of this task.
"""

from celery import shared_task

from . import services


@shared_task(name="competition.run_deadlines")
def run_deadlines() -> str:
    closed = services.close_due()
    lapsed = services.lapse_due()
    return f"closed={closed} lapsed={lapsed}"
