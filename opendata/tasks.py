from celery import shared_task
from django.core.cache import cache
from django.utils import timezone

from . import bulk
from .redflags import Period, store_red_flags


@shared_task(name="opendata.tasks.rebuild_ocds_bulk_file", ignore_result=True)
def rebuild_ocds_bulk_file(year: int) -> None:
    cache.delete(bulk._rebuild_key(year))  # changes from now on queue another rebuild
    bulk.build(year)


@shared_task(name="opendata.tasks.rebuild_all_ocds_bulk_files", ignore_result=True)
def rebuild_all_ocds_bulk_files() -> list[int]:
    """Nightly: every year's file rebuilt (also picks up changes no order save announced, such
    as a vendor renaming itself); files of years without published orders removed."""
    years = bulk.years_with_data()
    for year in years:
        bulk.build(year, force=True)
    for year in set(bulk.built_years()) - set(years):
        bulk.build(year)  # no data: removes the file
    return years


@shared_task(name="opendata.tasks.compute_red_flags", ignore_result=True)
def compute_red_flags(year: int, month: int | None = None, quarter: int | None = None) -> int:
    return len(store_red_flags(Period(year, month=month, quarter=quarter)))


@shared_task(name="opendata.tasks.nightly_red_flags", ignore_result=True)
def nightly_red_flags() -> int:
    """Nightly: this fiscal year, its current quarter and month, stored for BPBJ."""
    today = timezone.localdate()
    periods = [
        Period(today.year),
        Period(today.year, quarter=(today.month - 1) // 3 + 1),
        Period(today.year, month=today.month),
    ]
    return sum(len(store_red_flags(period)) for period in periods)
